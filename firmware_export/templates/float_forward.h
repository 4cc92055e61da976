/* Network.forward: outputs[NEUROCAR_N_OUTPUTS] from inputs[NEUROCAR_N_INPUTS]: the pass,
   then the output layer's activation. */
static inline void neurocar_forward(const float *inputs, float *outputs)
{
    neurocar_pass(inputs, outputs);
    for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {
        outputs[k] = neurocar_activate(${output_activation}, outputs[k]);
    }
}
