/* Whether layer l has biases, and hidden layer l's activation (one value for every
   layer when they all agree). */
#define NEUROCAR_HAS_BIAS(l) ${has_bias}
#define NEUROCAR_HIDDEN_ACTIVATION(l) ${activation}
