/* The PWM: the turning one while the sides run opposite ways, else the reference. */
static inline uint8_t neurocar_pwm_for(const uint8_t *pins)
{
    int8_t left = (int8_t)pins[${left_forward}] - (int8_t)pins[${left_backward}];
    int8_t right = (int8_t)pins[${right_forward}] - (int8_t)pins[${right_backward}];
    return (left * right < 0) ? NEUROCAR_TURN_PWM : NEUROCAR_REFERENCE_PWM;
}
