    uint8_t nearest_now[2];           /* the sweep in progress: nearest cm, left and right half */
    uint8_t nearest_last[2];          /* the last full sweep: the same */
    uint8_t previous;                 /* the reading of the last decision, cm */
    uint8_t sweep_full;               /* the sweep in progress began at an end */
${ping_state}