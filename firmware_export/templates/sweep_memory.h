/* The sweep's memory (simulator.sweep_memory): the nearest whole-cm reading in each half
   of the sweep in progress and of the last full sweep (the clamp where a half had none),
   and the reading of the previous decision. A sweep ends on the tick the servo reaches an
   end of its travel; it is full when it began at the other end. */

/* sweep_end: at an end of the travel the sweep in progress ends, and a full one becomes
   the last full sweep; the next begins empty. Called on every tick. */
static inline void neurocar_sweep_end(neurocar_controller *c)
{
    if (c->servo_deg != NEUROCAR_SERVO_MIN_DEG && c->servo_deg != NEUROCAR_SERVO_MAX_DEG) {
        return;
    }
    if (c->sweep_full) {
        c->nearest_last[0] = c->nearest_now[0];
        c->nearest_last[1] = c->nearest_now[1];
    }
    c->nearest_now[0] = c->nearest_now[1] = NEUROCAR_DISTANCE_CLAMP_CM;
    c->sweep_full = 1;
}

/* remember: a reading joins its half of the sweep in progress (left: the side of
   servo.left_end_deg; the centre angle counts in both halves), then sweep_end. */
static inline void neurocar_remember(neurocar_controller *c, int16_t d)
{
    int16_t side = (int16_t)((2 * c->servo_deg - (NEUROCAR_SERVO_MIN_DEG + NEUROCAR_SERVO_MAX_DEG))
                             * NEUROCAR_LEFT_SIGN);
    if (side >= 0 && d < c->nearest_now[0]) {
        c->nearest_now[0] = (uint8_t)d;
    }
    if (side <= 0 && d < c->nearest_now[1]) {
        c->nearest_now[1] = (uint8_t)d;
    }
    neurocar_sweep_end(c);
}

