/* hold_ticks: the whole hold of an action decided at d, in exact integers. */
static inline uint16_t neurocar_hold_ticks(int16_t d)
{
    return NEUROCAR_HOLD_MIN_TICKS
           + (uint16_t)((2L * NEUROCAR_HOLD_TICKS_PER_UNIT * (NEUROCAR_DISTANCE_CLAMP_CM - d))
                        / NEUROCAR_DISTANCE_CLAMP_CM);
}

${paced_hold}/* decide: steps 2-3 of a tick. The reading is used only when deciding; returns 1 then. */
static inline uint8_t neurocar_decide(neurocar_controller *c, uint16_t distance_cm)
{
    int8_t decision[NEUROCAR_N_OUTPUTS];
${memory_ping}    c->reading_cm = -1;
    if (!neurocar_deciding(c)) {
        c->hold -= 1;
${memory_hold}        return 0;
    }
    int16_t d = neurocar_whole_cm(distance_cm);
${memory_read}    c->inputs[0] = neurocar_encode_distance(d);
    c->inputs[1] = neurocar_encode_angle(c->servo_deg);
${memory_inputs}    neurocar_decide_outputs(c->inputs, decision);
    neurocar_decode_pins(decision, c->pins);
    c->pwm = neurocar_pwm_for(c->pins);
    c->hold = ${hold_ticks}(d) - 1;
    c->reading_cm = d;
    return 1;
}
