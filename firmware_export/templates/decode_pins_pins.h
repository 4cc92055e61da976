/* decode_pins: one output per motor pin (${pin_order}). */
static inline void neurocar_decode_pins(const int8_t *decision, uint8_t *pins)
{
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        pins[k] = (uint8_t)decision[k];
    }
}
