/* Network.forward in fixed point: outputs[NEUROCAR_N_OUTPUTS] (Q13) from inputs (Q13).
   Each neuron: acc = sum of x[i] * w[i] in input order, plus bias * NEUROCAR_ONE (int32);
   z = (acc + NEUROCAR_HALF) >> NEUROCAR_FRACTION_BITS, saturated to int16; then the
   layer's activation. */
static void neurocar_forward(const int16_t *inputs, int16_t *outputs)
{
#if NEUROCAR_N_LAYERS > 1
    static int16_t neurocar_buffers[NEUROCAR_N_LAYERS > 2 ? 2 : 1][NEUROCAR_HIDDEN_WIDTH];
#endif
    const int16_t *p = neurocar_neurons;   /* the next weight or bias to read */
    const int16_t *x = inputs;
    for (uint8_t l = 0; l < NEUROCAR_N_LAYERS; l++) {
        int16_t *a = ${layer_output};
        for (${count_t} j = 0; j < NEUROCAR_LAYER(l, 1); j++) {
            int32_t acc = 0;
            for (${count_t} i = 0; i < NEUROCAR_LAYER(l, 0); i++, p++) {
                acc += (int32_t)x[i] * (int16_t)NEUROCAR_READ_WORD(p);
            }
            if (NEUROCAR_HAS_BIAS(l)) {
                acc += (int32_t)(int16_t)NEUROCAR_READ_WORD(p) * NEUROCAR_ONE;
                p++;
            }
            a[j] = neurocar_activate(NEUROCAR_ACTIVATION(l),
                                     neurocar_saturate((acc + NEUROCAR_HALF) >> NEUROCAR_FRACTION_BITS));
        }
        x = a;
    }
}
