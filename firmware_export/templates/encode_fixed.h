/* The Q13 value of num / den (den > 0): the nearest, halves away from zero, as
   brain.fixedpoint.quantise rounds the Python controller's float inputs. */
static inline int16_t neurocar_q13_ratio(int32_t num, int32_t den)
{
    int32_t twice = 2L * num * NEUROCAR_ONE;
    return (int16_t)((twice + (twice < 0 ? -den : den)) / (2L * den));
}

/* encode_distance: 1 touching, -1 at the clamp or beyond (Q13). */
static inline int16_t neurocar_encode_distance(int16_t d)
{
    return neurocar_q13_ratio(NEUROCAR_DISTANCE_CLAMP_CM - 2L * d, NEUROCAR_DISTANCE_CLAMP_CM);
}

/* encode_angle: the servo angle onto [-1, 1], -1 at the left end (Q13). */
static inline int16_t neurocar_encode_angle(int16_t angle)
{
    int32_t num = 2L * (angle - NEUROCAR_SERVO_MIN_DEG) - (NEUROCAR_SERVO_MAX_DEG - NEUROCAR_SERVO_MIN_DEG);
    return neurocar_q13_ratio((NEUROCAR_LEFT_SIGN < 0) ? num : -num,
                              NEUROCAR_SERVO_MAX_DEG - NEUROCAR_SERVO_MIN_DEG);
}

