#include <Arduino.h>
#include <util/crc16.h>

/* The calibration sketch for ${robot}: no brain. It drives straight, ramps the PWM up
   towards a wall, turns in place and sweeps the servo past a board, pausing with a prompt
   before each step, and logs what it did over serial at ${baud} baud (the lines are
   described in neurocar's firmware_export/calibration_sketch.py). */

#define MOTOR_PIN_COUNT ${n_pins}
static const uint8_t MOTOR_PINS[MOTOR_PIN_COUNT] = {${motor_pins}};  /* ${pin_order} */
static const uint8_t FORWARD[MOTOR_PIN_COUNT] = {${forward}};
static const uint8_t LEFT[MOTOR_PIN_COUNT] = {${left}};
static const uint8_t RIGHT[MOTOR_PIN_COUNT] = {${right}};
static const uint8_t STOP[MOTOR_PIN_COUNT] = {0};
#define LEFT_ENABLE_PIN ${left_enable}
#define RIGHT_ENABLE_PIN ${right_enable}
#define TRIG_PIN ${trig_pin}
#define ECHO_PIN ${echo_pin}
#define SERVO_PIN ${servo_pin}
#define US_PER_CM ${us_per_cm}
#define NO_ECHO 0xFFFFu
#define ECHO_TIMEOUT_US ${echo_timeout_us}UL

#define PAUSE_MS ${pause_ms}UL
static const uint8_t STRAIGHT_PWM[] = {${straight_pwm}};
#define STRAIGHT_RUNS ${straight_runs}
#define RUN_MS ${run_ms}UL
#define TURN_PWM ${turn_pwm}
#define TURN_MS ${turn_ms}UL
#define RAMP_STEP_MS ${ramp_step_ms}UL
#define RAMP_STOP_CM ${ramp_stop_cm}
#define RAMP_NEAREST_CM ${ramp_nearest_cm}
#define TARGETS ${targets}
static const uint8_t TARGET_CM[TARGETS] = {${target_cm}};
static const uint8_t TARGET_WIDTH_CM[TARGETS] = {${target_width_cm}};
static const int8_t TARGET_ANGLE_DEG[TARGETS] = {${target_angle_deg}};
#define SWEEP_FIRST_US ${sweep_first_us}
#define SWEEP_LAST_US ${sweep_last_us}
#define SWEEP_SETTLE_MS 60        /* the HC-SR04 asks for 60 ms between pings */

/* ---- Servo: the export sketch's Timer2 driver, written in pulse counts. ---- */
#define SERVO_US_PER_COUNT ${servo_us_per_count}
#define SERVO_FRAME_COUNTS (20000 / SERVO_US_PER_COUNT)

${servo_driver}

static void servo_write_us(uint16_t us)
{
    noInterrupts();
    servo_pulse_counts = us / SERVO_US_PER_COUNT;
    interrupts();
}

static uint16_t read_distance_cm(void)
{
    digitalWrite(TRIG_PIN, LOW);
    delayMicroseconds(2);
    digitalWrite(TRIG_PIN, HIGH);
    delayMicroseconds(10);
    digitalWrite(TRIG_PIN, LOW);
    unsigned long us = pulseIn(ECHO_PIN, HIGH, ECHO_TIMEOUT_US);
    return us == 0 ? NO_ECHO : (uint16_t)(us / US_PER_CM);
}

static void drive(const uint8_t *pins, uint8_t pwm)
{
    for (uint8_t k = 0; k < MOTOR_PIN_COUNT; k++) {
        digitalWrite(MOTOR_PINS[k], pins[k] ? HIGH : LOW);
    }
    analogWrite(LEFT_ENABLE_PIN, pwm);
    analogWrite(RIGHT_ENABLE_PIN, pwm);
}

static void wait_until(unsigned long start_ms, unsigned long ms)
{
    while (millis() - start_ms < ms) {
    }
}

/* ---- The log: fields separated by commas, then '*' and the CRC-8 of what came before. ---- */
static uint8_t line_crc;

static void out_char(char c)
{
    Serial.write(c);
    line_crc = _crc8_ccitt_update(line_crc, (uint8_t)c);
}

static void out_uint(unsigned long v)
{
    char text[11];
    ultoa(v, text, 10);
    for (char *c = text; *c; c++) {
        out_char(*c);
    }
}

static void line_start(char tag)
{
    line_crc = 0;
    out_char(tag);
}

static void field(unsigned long v)
{
    out_char(',');
    out_uint(v);
}

static void field_reading(uint16_t cm)
{
    out_char(',');
    if (cm == NO_ECHO) {
        out_char('n');
    } else {
        out_uint(cm);
    }
}

static void line_end(void)
{
    static const char hex[] = "0123456789ABCDEF";
    Serial.write('*');
    Serial.write(hex[line_crc >> 4]);
    Serial.write(hex[line_crc & 15]);
    Serial.write("\r\n");
}

/* A prompt, then the pause (any character sent over serial ends it early). */
static void pause_before(const __FlashStringHelper *step, uint8_t number)
{
    Serial.print(F("# next: "));
    Serial.print(step);
    Serial.print(F(" "));
    Serial.println(number);
    Serial.print(F("# starting in "));
    Serial.print(PAUSE_MS / 1000);
    Serial.println(F(" s (send any character to start now)"));
    unsigned long start = millis();
    while (millis() - start < PAUSE_MS) {
        if (Serial.available()) {
            while (Serial.available()) {
                Serial.read();
            }
            break;
        }
    }
}

static void run(const uint8_t *pins, uint8_t pwm, unsigned long ms)
{
    unsigned long start = millis();
    drive(pins, pwm);
    wait_until(start, ms);
    drive(STOP, 0);
    delay(1000);                      /* let the car come to rest before the log line */
}

static void straight_runs(void)
{
    for (uint8_t k = 0; k < STRAIGHT_RUNS; k++) {
        pause_before(F("straight run (mark where the car's front is)"), k + 1);
        run(FORWARD, STRAIGHT_PWM[k], RUN_MS);
        line_start('S'); field(k + 1); field(STRAIGHT_PWM[k]); field(RUN_MS); line_end();
    }
}

/* The PWM rises one step every RAMP_STEP_MS from 0; the wall is read at the end of each
   step, and the ramp stops once the wall has come RAMP_STOP_CM nearer. */
static void start_ramp(void)
{
    pause_before(F("start ramp (face a wall 80 to 150 cm ahead)"), 1);
    uint16_t first = NO_ECHO;
    for (uint8_t tries = 0; tries < 5 && first == NO_ECHO; tries++) {
        delay(SWEEP_SETTLE_MS);
        first = read_distance_cm();
    }
    unsigned long start = millis();
    uint16_t steps = 0;
    for (uint16_t pwm = 0; pwm <= 255; pwm++, steps++) {
        drive(FORWARD, (uint8_t)pwm);
        wait_until(start, (pwm + 1) * RAMP_STEP_MS);
        uint16_t cm = read_distance_cm();
        line_start('R'); field(pwm); field_reading(cm); line_end();
        if (cm != NO_ECHO && (cm <= RAMP_NEAREST_CM || (first != NO_ECHO && cm + RAMP_STOP_CM <= first))) {
            steps++;
            break;
        }
    }
    drive(STOP, 0);
    line_start('E'); field(steps); line_end();
    delay(1000);
}

static void turns(void)
{
    pause_before(F("turn left in place (mark the car's heading)"), 1);
    run(LEFT, TURN_PWM, TURN_MS);
    line_start('T'); field(1); out_char(','); out_char('L'); field(TURN_PWM); field(TURN_MS); line_end();
    pause_before(F("turn right in place (mark the car's heading)"), 2);
    run(RIGHT, TURN_PWM, TURN_MS);
    line_start('T'); field(2); out_char(','); out_char('R'); field(TURN_PWM); field(TURN_MS); line_end();
}

static void sweep(uint8_t k)
{
    Serial.print(F("# place the board "));
    Serial.print(TARGET_CM[k]);
    Serial.print(F(" cm straight ahead of the servo, "));
    Serial.print(TARGET_WIDTH_CM[k]);
    Serial.print(F(" cm wide, turned "));
    Serial.print(TARGET_ANGLE_DEG[k]);
    Serial.println(F(" degrees from facing the car; nothing else within 2 m ahead"));
    pause_before(F("sweep past the board"), k + 1);
    servo_write_us(SWEEP_FIRST_US);
    delay(500);
    uint16_t steps = 0;
    for (uint16_t us = SWEEP_FIRST_US; us <= SWEEP_LAST_US; us += SERVO_US_PER_COUNT, steps++) {
        servo_write_us(us);
        delay(SWEEP_SETTLE_MS);
        uint16_t cm = read_distance_cm();
        line_start('W'); field(k + 1); field(us); field_reading(cm); line_end();
    }
    line_start('F'); field(k + 1); field(steps); line_end();
    servo_write_us(${centre_us});
}

void setup()
{
    for (uint8_t k = 0; k < MOTOR_PIN_COUNT; k++) {
        pinMode(MOTOR_PINS[k], OUTPUT);
    }
    pinMode(LEFT_ENABLE_PIN, OUTPUT);
    pinMode(RIGHT_ENABLE_PIN, OUTPUT);
    pinMode(TRIG_PIN, OUTPUT);
    pinMode(ECHO_PIN, INPUT);
    drive(STOP, 0);
    servo_begin();
    servo_write_us(${centre_us});
    Serial.begin(${baud});
    line_crc = 0;
    for (const char *c = "${header}"; *c; c++) {
        out_char(*c);
    }
    line_end();
    straight_runs();
    start_ramp();
    turns();
    for (uint8_t k = 0; k < TARGETS; k++) {
        sweep(k);
    }
    line_start('Z'); line_end();
    Serial.println(F("# done: save this log and fill in the measurements file"));
}

void loop()
{
}
