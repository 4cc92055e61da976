/* Every layer's neurons in Q13, in the order the pass reads them. */
static const int16_t neurocar_neurons[${total}] PROGMEM = {
${rows}
};
