/* The robot profile (${name}): servo sweep, control tick, hold rule. */
#define NEUROCAR_TICK_MS ${tick_ms}
#define NEUROCAR_SERVO_MIN_DEG ${min_deg}
#define NEUROCAR_SERVO_MAX_DEG ${max_deg}
#define NEUROCAR_SERVO_STEP_DEG ${step_deg}
#define NEUROCAR_SERVO_START_DEG ${start_deg}
#define NEUROCAR_SERVO_START_DIRECTION ${start_direction}
#define NEUROCAR_LEFT_SIGN ${left_sign}   /* -1: the left end is min_deg */
#define NEUROCAR_DISTANCE_CLAMP_CM ${clamp_cm}
#define NEUROCAR_HOLD_TICKS_PER_UNIT ${hold_ticks_per_unit}
#define NEUROCAR_HOLD_MIN_TICKS ${hold_min_ticks}
#define NEUROCAR_REFERENCE_PWM ${reference_pwm}
#define NEUROCAR_TURN_PWM ${turn_pwm}
#define NEUROCAR_N_PINS ${n_pins}   /* ${pin_order} */
#define NEUROCAR_NO_ECHO 0xFFFFu   /* a reading with no echo: counts as the clamp */
