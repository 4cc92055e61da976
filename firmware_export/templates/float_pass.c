/* The pass up to the output layer's pre-activations z = x @ W + b (z[NEUROCAR_N_OUTPUTS]),
   every hidden layer's activation applied. Each neuron's products are summed in input
   order and its bias added last, as x @ W + b; the sum starts at the first product
   (0.0f + p is p: one float addition fewer). */
static void neurocar_pass(const float *inputs, float *z)
{
#if NEUROCAR_N_LAYERS > 1
    static float neurocar_buffers[NEUROCAR_N_LAYERS > 2 ? 2 : 1][NEUROCAR_HIDDEN_WIDTH];
#endif
    const float *p = neurocar_neurons;   /* the next weight or bias to read */
    const float *x = inputs;
    for (uint8_t l = 0; l < NEUROCAR_N_LAYERS; l++) {
        float *a = ${hidden_output};
        for (${count_t} j = 0; j < NEUROCAR_LAYER(l, 1); j++) {
            float sum = x[0] * NEUROCAR_READ_FLOAT(p);
            p++;
            for (${count_t} i = 1; i < NEUROCAR_LAYER(l, 0); i++, p++) {
                sum += x[i] * NEUROCAR_READ_FLOAT(p);
            }
            if (NEUROCAR_HAS_BIAS(l)) {
                sum += NEUROCAR_READ_FLOAT(p);
                p++;
            }
            if (${hidden_test}) {   /* a hidden layer */
                sum = neurocar_activate(NEUROCAR_HIDDEN_ACTIVATION(l), sum);
            }
            a[j] = sum;
        }
        x = a;
    }
}
