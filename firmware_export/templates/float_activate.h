/* Activation ids, and each used one with the formula of brain.activations. */
${ids}

static inline float neurocar_activate(uint8_t activation, float z)
{
    switch (activation) {
${cases}
    default: return z;
    }
}
