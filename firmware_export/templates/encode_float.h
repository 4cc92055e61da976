/* encode_distance: 1 touching, -1 at the clamp or beyond. */
static inline float neurocar_encode_distance(int16_t d)
{
    return 1.0f - 2.0f * (float)d / (float)NEUROCAR_DISTANCE_CLAMP_CM;
}

/* encode_angle: the servo angle onto [-1, 1], -1 at the left end. */
static inline float neurocar_encode_angle(int16_t angle)
{
    float x = 2.0f * (float)(angle - NEUROCAR_SERVO_MIN_DEG)
              / (float)(NEUROCAR_SERVO_MAX_DEG - NEUROCAR_SERVO_MIN_DEG) - 1.0f;
    return (NEUROCAR_LEFT_SIGN < 0) ? x : -x;
}

