/* tanh(k / ${steps_per_one}) in Q${bits} for k = 0..${last} (0 to ${top}), rounded to nearest. */
static const uint16_t neurocar_tanh_table[${size}] PROGMEM = {
${rows}
};

/* tanh of a Q13 value: the table at |z|, interpolated linearly between entries
   ${step} apart (the fraction rounded halves up), the last entry beyond; odd. */
static int16_t neurocar_tanh(int16_t z)
{
    uint16_t u = (z < 0) ? (uint16_t)(-(int32_t)z) : (uint16_t)z;
    uint16_t y;
    if (u >= ${end}u) {
        y = NEUROCAR_READ_WORD(&neurocar_tanh_table[${last}]);
    } else {
        uint8_t i = (uint8_t)(u >> ${step_bits});
        uint8_t f = (uint8_t)(u & ${step_mask}u);
        uint16_t low = NEUROCAR_READ_WORD(&neurocar_tanh_table[i]);
        uint16_t high = NEUROCAR_READ_WORD(&neurocar_tanh_table[i + 1]);
        y = low + (uint16_t)(((uint16_t)(high - low) * f + ${half_step}u) >> ${step_bits});
    }
    return (z < 0) ? (int16_t)-(int16_t)y : (int16_t)y;
}
