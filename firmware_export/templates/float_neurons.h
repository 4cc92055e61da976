static const float neurocar_neurons[${total}] PROGMEM = {
${rows}
};
