/* Brain.decide: each output's decision (brain.decoders) from the Q13 inputs. */
static inline void neurocar_decide_outputs(const int16_t *inputs, int8_t *decision)
{
    int16_t a[NEUROCAR_N_OUTPUTS];
    neurocar_forward(inputs, a);
${decodes}
}
