/* decode_pins: turn != 0 turns in place (1 right, -1 left), else direction >= 0 forward. */
static inline void neurocar_decode_pins(const int8_t *decision, uint8_t *pins)
{
    const uint8_t *pattern = decision[${turn}] > 0 ? neurocar_pattern_right
        : decision[${turn}] < 0 ? neurocar_pattern_left
        : decision[${direction}] >= 0 ? neurocar_pattern_forward : neurocar_pattern_backward;
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        pins[k] = pattern[k];
    }
}
