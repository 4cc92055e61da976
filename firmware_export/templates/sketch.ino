#include <Arduino.h>
#include "${header}"
${telemetry_include}
/* Pins, from the robot profile. */
static const uint8_t MOTOR_PINS[NEUROCAR_N_PINS] = {${motor_pins}};  /* ${pin_order} */
#define LEFT_ENABLE_PIN ${left_enable}
#define RIGHT_ENABLE_PIN ${right_enable}
#define TRIG_PIN ${trig_pin}
#define ECHO_PIN ${echo_pin}
#define SERVO_PIN ${servo_pin}
#define US_PER_CM ${us_per_cm}
/* The echo wait never exceeds this (the tutorial's pulseIn waited up to a second). */
#define ECHO_TIMEOUT_US ${echo_timeout_us}UL

/* ---- Servo: a driver of its own on Timer2 (see the export documentation). ---- */
#define SERVO_US_PER_COUNT 4
#define SERVO_FRAME_COUNTS (20000 / SERVO_US_PER_COUNT)
#define SERVO_MIN_PULSE_US 544    /* 0 degrees, as the Arduino Servo library */
#define SERVO_MAX_PULSE_US 2400   /* 180 degrees */

${servo_driver}

/* The pulse for an angle, clamped to 0..180 degrees so that the pulse always fits the
   frame (the profile's sweep stays inside that range anyway). */
static void servo_write(int16_t degrees)
{
    uint16_t us = map(constrain(degrees, 0, 180), 0, 180, SERVO_MIN_PULSE_US, SERVO_MAX_PULSE_US);
    noInterrupts();
    servo_pulse_counts = us / SERVO_US_PER_COUNT;
    interrupts();
}

/* ---- HC-SR04: whole centimetres, or NEUROCAR_NO_ECHO when nothing echoes in time. ---- */
static uint16_t read_distance_cm(void)
{
    digitalWrite(TRIG_PIN, LOW);
    delayMicroseconds(2);
    digitalWrite(TRIG_PIN, HIGH);
    delayMicroseconds(10);
    digitalWrite(TRIG_PIN, LOW);
    unsigned long us = pulseIn(ECHO_PIN, HIGH, ECHO_TIMEOUT_US);
    if (us == 0) {
        return NEUROCAR_NO_ECHO;     /* nothing within ${clamp_cm} cm: reads as the clamp */
    }
    return (uint16_t)(us / US_PER_CM);
}

/* ---- Motors: the decided pins, and the PWM on both enable pins. ---- */
static void drive(const uint8_t *pins, uint8_t pwm)
{
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        digitalWrite(MOTOR_PINS[k], pins[k] ? HIGH : LOW);
    }
    analogWrite(LEFT_ENABLE_PIN, pwm);
    analogWrite(RIGHT_ENABLE_PIN, pwm);
}

static neurocar_controller car;
static unsigned long next_tick_ms;

void setup()
{
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        pinMode(MOTOR_PINS[k], OUTPUT);
    }
    pinMode(LEFT_ENABLE_PIN, OUTPUT);
    pinMode(RIGHT_ENABLE_PIN, OUTPUT);
    pinMode(TRIG_PIN, OUTPUT);
    pinMode(ECHO_PIN, INPUT);
    neurocar_reset(&car);
    drive(car.pins, car.pwm);
    servo_begin();
    servo_write(car.servo_deg);
    next_tick_ms = millis();
${telemetry_setup}}

/* The control tick, every NEUROCAR_TICK_MS: sweep the servo, then hold the action or
   read the distance and decide a new one, then drive the motors. The signed difference
   keeps the schedule right when millis() wraps (every 49.7 days). A tick that overran
   by a whole period does not cause a burst of catch-up ticks (the servo would jump
   several steps at once): the schedule restarts from now instead. */
void loop()
{
    unsigned long now = millis();
    if ((long)(now - next_tick_ms) < 0) {
${telemetry_idle}        return;
    }
    next_tick_ms += NEUROCAR_TICK_MS;
    if ((long)(now - next_tick_ms) >= 0) {
        next_tick_ms = now + NEUROCAR_TICK_MS;
    }
    servo_write(neurocar_sweep(&car));
    uint16_t distance_cm = ${pings}(&car) ? read_distance_cm() : NEUROCAR_NO_ECHO;
    neurocar_decide(&car, distance_cm);
    drive(car.pins, car.pwm);
${telemetry_tick}}
