/* One car's controller state: simulator.controller.Controller for n = 1. */
typedef struct {
    int16_t servo_deg;
    int8_t servo_dir;
    uint16_t hold;                    /* ticks left before the next decision */
    uint8_t pins[NEUROCAR_N_PINS];
    uint8_t pwm;
    int16_t reading_cm;               /* -1 when the car did not read this tick */
    ${value_t} inputs[NEUROCAR_N_INPUTS];  /* the last decision's inputs${unit} */
${memory_state}} neurocar_controller;

/* reset: servo to its start, no action held, motors off. */
static inline void neurocar_reset(neurocar_controller *c)
{
    c->servo_deg = NEUROCAR_SERVO_START_DEG;
    c->servo_dir = NEUROCAR_SERVO_START_DIRECTION;
    c->hold = 0;
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        c->pins[k] = 0;
    }
    c->pwm = 0;
    c->reading_cm = -1;
    c->inputs[0] = ${zero};
    c->inputs[1] = ${zero};
${memory_reset}}

/* sweep_step: one servo step, clamped to the ends, turning back at them. */
static inline int16_t neurocar_sweep(neurocar_controller *c)
{
    int16_t angle = c->servo_deg + c->servo_dir * NEUROCAR_SERVO_STEP_DEG;
    if (angle >= NEUROCAR_SERVO_MAX_DEG) {
        angle = NEUROCAR_SERVO_MAX_DEG;
        c->servo_dir = -1;
    } else if (angle <= NEUROCAR_SERVO_MIN_DEG) {
        angle = NEUROCAR_SERVO_MIN_DEG;
        c->servo_dir = 1;
    }
    c->servo_deg = angle;
    return angle;
}

/* deciding: no action in progress, so the car reads the sensor this tick. */
static inline uint8_t neurocar_deciding(const neurocar_controller *c)
{
    return c->hold == 0;
}

/* whole_cm: a reading in whole centimetres, clamped; no echo reads as the clamp. */
static inline int16_t neurocar_whole_cm(uint16_t distance_cm)
{
    return (distance_cm > NEUROCAR_DISTANCE_CLAMP_CM) ? NEUROCAR_DISTANCE_CLAMP_CM : (int16_t)distance_cm;
}

