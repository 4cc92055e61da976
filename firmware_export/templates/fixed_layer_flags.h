/* Whether layer l has biases, and its activation (one value for every layer when
   they all agree). */
#define NEUROCAR_HAS_BIAS(l) ${has_bias}
#define NEUROCAR_ACTIVATION(l) ${activation}
