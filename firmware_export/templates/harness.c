
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdio.h>
#include "neurocar_brain.h"
#include "harness_data.h"

static int uart_putchar(char c, FILE *stream)
{
    (void)stream;
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UDR0 = c;
    return 0;
}

static FILE uart = FDEV_SETUP_STREAM(uart_putchar, NULL, _FDEV_SETUP_WRITE);
static volatile uint16_t timer_overflows;

ISR(TIMER1_OVF_vect)
{
    timer_overflows++;
}

/* CPU cycles since the last restart_clock(): Timer1 at clock / 1, overflows counted. */
static void restart_clock(void)
{
    cli();
    TCNT1 = 0;
    TIFR1 = _BV(TOV1);
    timer_overflows = 0;
    sei();
}

static uint32_t cycles(void)
{
    cli();
    uint16_t low = TCNT1;
    uint32_t high = timer_overflows;
    if ((TIFR1 & _BV(TOV1)) && low < 0x8000) {
        high++;
    }
    sei();
    return (high << 16) | low;
}

/* Hex output without printf: vfprintf costs thousands of cycles per number, and the
   tick run prints a line per tick. */
static void put_hex(uint32_t v, uint8_t digits)
{
    while (digits--) {
        uint8_t d = (v >> (4 * digits)) & 0xF;
        uart_putchar(d < 10 ? '0' + d : 'a' + d - 10, 0);
    }
}

/* The network's values: Q13 integers (printed as 4 hex digits) in a fixed-point
   build, else floats. */
#ifdef NEUROCAR_FIXED_POINT
typedef int16_t harness_value;
static void print_value(int16_t v)
{
    uart_putchar(' ', 0);
    put_hex((uint16_t)v, 4);
}
#else
typedef float harness_value;
static void print_float(float v)
{
    union { float f; uint32_t u; } bits;
    bits.f = v;
    uart_putchar(' ', 0);
    put_hex(bits.u, 8);
}
#define print_value print_float
#endif

static void print_pins(char tag, const uint8_t *pins)
{
    uart_putchar(tag, 0);
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        uart_putchar('0' + pins[k], 0);
    }
}

static void run_grid(void)
{
    harness_value inputs[NEUROCAR_N_INPUTS], outputs[NEUROCAR_N_OUTPUTS];
    int8_t decision[NEUROCAR_N_OUTPUTS];
    uint8_t pins[NEUROCAR_N_PINS];
    uint32_t forward_cycles = 0, decide_cycles = 0;
#ifdef GRID_POINTS
    /* A brain with memory inputs: a sample of its grid, each point an angle and the
       whole-cm values of its distance-like inputs in order (!=: GRID_POINTS may be 0). */
    for (uint16_t g = 0; g != GRID_POINTS; g++) {
      {
        const uint8_t *cm = &grid_cm[g * (NEUROCAR_N_INPUTS - 1)];
        inputs[0] = neurocar_encode_distance(pgm_read_byte(&cm[0]));
        inputs[1] = neurocar_encode_angle(pgm_read_byte(&grid_deg[g]));
        for (uint8_t k = 2; k < NEUROCAR_N_INPUTS; k++) {
            inputs[k] = neurocar_encode_distance(pgm_read_byte(&cm[k - 1]));
        }
#else
    for (int16_t d = 0; d <= NEUROCAR_DISTANCE_CLAMP_CM; d++) {
      for (uint8_t g = 0; g < GRID_ANGLES; g++) {
        int16_t angle = (int16_t)pgm_read_word(&grid_deg[g]);
        inputs[0] = neurocar_encode_distance(d);
        inputs[1] = neurocar_encode_angle(angle);
#endif
        restart_clock();
        neurocar_forward(inputs, outputs);
        forward_cycles += cycles();
        restart_clock();
        neurocar_decide_outputs(inputs, decision);
        neurocar_decode_pins(decision, pins);
        decide_cycles += cycles();
        print_pins('G', pins);
        for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {
            print_value(outputs[k]);
        }
        uart_putchar('\n', 0);
      }
    }
#ifdef GRID_POINTS
    printf("C %lu %lu %u\n", (unsigned long)forward_cycles, (unsigned long)decide_cycles, (unsigned)GRID_POINTS);
#else
    printf("C %lu %lu %u\n", (unsigned long)forward_cycles, (unsigned long)decide_cycles,
           (unsigned)((NEUROCAR_DISTANCE_CLAMP_CM + 1) * GRID_ANGLES));
#endif
}

static void run_ticks(void)
{
    static neurocar_controller car;
    harness_value outputs[NEUROCAR_N_OUTPUTS];
    uint16_t next_start = 0;
    for (uint16_t t = 0; t < TICKS; t++) {
        if (next_start < STARTS && t == pgm_read_word(&starts[next_start])) {
            neurocar_reset(&car);      /* a new sequence begins */
            next_start++;
        }
        neurocar_sweep(&car);
        uint8_t byte = pgm_read_byte(&readings_cm[t]);
        uint8_t decided = neurocar_decide(&car, byte == NO_ECHO_BYTE ? NEUROCAR_NO_ECHO : byte);
        print_pins('T', car.pins);      /* then pwm, hold and servo angle in hex */
        uart_putchar(' ', 0);
        put_hex(car.pwm, 2);
        uart_putchar(' ', 0);
        put_hex(car.hold, 4);
        uart_putchar(' ', 0);
        put_hex((uint16_t)car.servo_deg, 4);
        if (decided) {
            neurocar_forward(car.inputs, outputs);
            for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {
                print_value(outputs[k]);
            }
#ifdef GRID_POINTS
            for (uint8_t k = 0; k < NEUROCAR_N_INPUTS; k++) {   /* memory inputs: the inputs too */
                print_value(car.inputs[k]);
            }
#endif
        }
        uart_putchar('\n', 0);
    }
}

int main(void)
{
    UCSR0A = _BV(U2X0);
    UBRR0 = 0;
    UCSR0B = _BV(TXEN0);
    stdout = &uart;
    TCCR1A = 0;
    TCCR1B = _BV(CS10);
    TIMSK1 = _BV(TOIE1);
    sei();
    run_grid();
    run_ticks();
    printf("END\n");
    cli();
    sleep_enable();
    sleep_cpu();
    return 0;
}
