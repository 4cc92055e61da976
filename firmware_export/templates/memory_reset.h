    for (uint8_t k = 2; k < NEUROCAR_N_INPUTS; k++) {
        c->inputs[k] = ${zero};
    }
    c->nearest_now[0] = c->nearest_now[1] = NEUROCAR_DISTANCE_CLAMP_CM;
    c->nearest_last[0] = c->nearest_last[1] = NEUROCAR_DISTANCE_CLAMP_CM;
    c->previous = NEUROCAR_DISTANCE_CLAMP_CM;
    c->sweep_full = ${starts_full};               /* 1: the servo starts at the end it leaves */
${ping_reset}