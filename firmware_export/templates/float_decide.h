/* Brain.decide: each output's decision (brain.decoders) from the inputs. The output
   layer's activation is monotonic, so each decoder compares its pre-activation z with
   the activation's inverse at the decoder's edge: the same decision as decoding
   f(z), without the dearest calls of the pass. */
static inline void neurocar_decide_outputs(const float *inputs, int8_t *decision)
{
    float z[NEUROCAR_N_OUTPUTS];   /* the output layer's pre-activations */
    neurocar_pass(inputs, z);
${decodes}
}
