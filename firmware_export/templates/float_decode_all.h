    for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {  /* ${names}: ${decoder} of ${activation}(z) */
        decision[k] = neurocar_${decoder}(z[k]);
    }
