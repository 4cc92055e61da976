
#include <stddef.h>
#include "neurocar_brain.h"

/* The network's values: Q13 integers in a fixed-point build, else floats. */
#ifdef NEUROCAR_FIXED_POINT
typedef int16_t nc_value;
#else
typedef float nc_value;
#endif

size_t nc_state_size(void) { return sizeof(neurocar_controller); }
int nc_n_outputs(void) { return NEUROCAR_N_OUTPUTS; }
int nc_n_pins(void) { return NEUROCAR_N_PINS; }

void nc_reset(neurocar_controller *cars, const unsigned char *mask, int n)
{
    for (int i = 0; i < n; i++) {
        if (!mask || mask[i]) {
            neurocar_reset(&cars[i]);
        }
    }
}

void nc_sweep(neurocar_controller *cars, int n)
{
    for (int i = 0; i < n; i++) {
        neurocar_sweep(&cars[i]);
    }
}

/* Without control.read_while_holding a car pings exactly when it decides. */
#ifndef NEUROCAR_READS_WHILE_HOLDING
#define neurocar_reading neurocar_deciding
#endif

void nc_reading(const neurocar_controller *cars, unsigned char *reading, int n)
{
    for (int i = 0; i < n; i++) {
        reading[i] = neurocar_reading(&cars[i]);
    }
}

void nc_decide(neurocar_controller *cars, const uint16_t *readings, unsigned char *decided, int n)
{
    for (int i = 0; i < n; i++) {
        decided[i] = neurocar_decide(&cars[i], readings[i]);
    }
}

void nc_forward(const nc_value *inputs, nc_value *outputs)
{
    neurocar_forward(inputs, outputs);
}

void nc_decide_outputs(const nc_value *inputs, int8_t *decision)
{
    neurocar_decide_outputs(inputs, decision);
}

void nc_encode(int16_t distance_cm, int16_t angle, nc_value *inputs)
{
    inputs[0] = neurocar_encode_distance(distance_cm);
    inputs[1] = neurocar_encode_angle(angle);
}

void nc_state(const neurocar_controller *cars, int n, int16_t *servo, uint16_t *hold,
              uint8_t *pins, uint8_t *pwm, int16_t *reading, nc_value *inputs)
{
    for (int i = 0; i < n; i++) {
        servo[i] = cars[i].servo_deg;
        hold[i] = cars[i].hold;
        pwm[i] = cars[i].pwm;
        reading[i] = cars[i].reading_cm;
        for (int k = 0; k < NEUROCAR_N_PINS; k++) {
            pins[i * NEUROCAR_N_PINS + k] = cars[i].pins[k];
        }
        for (int k = 0; k < NEUROCAR_N_INPUTS; k++) {
            inputs[i * NEUROCAR_N_INPUTS + k] = cars[i].inputs[k];
        }
    }
}
