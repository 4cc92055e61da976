/* Each layer's shape: inputs, outputs, 1 if it has biases, its activation. */
static const ${count_t} neurocar_layers[NEUROCAR_N_LAYERS][4] PROGMEM = {
${rows}
};
#define NEUROCAR_LAYER(l, k) NEUROCAR_READ_${read}(&neurocar_layers[l][k])
