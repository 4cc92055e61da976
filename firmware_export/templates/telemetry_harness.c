/* The sketch's control tick and telemetry, without the Arduino core, in simavr: one
   reading per tick from flash (harness_data.h), the log over UART0 through a writer
   that behaves as the core's HardwareSerial (a 64-byte ring emptied by the
   data-register-empty interrupt, the byte written straight to UDR0 when both are empty,
   blocking while full), which simavr sends at the programmed baud rate.

   TIMED 1: the sketch's schedule at 115200 baud. Each tick starts on its 25 ms mark:
   the servo steps, the longest echo wait passes (pulseIn timing out, interrupts on),
   then the decision, the tick's line and the pump; between ticks the pump runs as in
   loop()'s idle passes, with the ms left to the next mark. The tick's time without the
   echo wait is measured with Timer1 (one count per CPU cycle, the UART's interrupts
   included) and the worst tick reported, with the ticks at whose start the UART was
   still sending (during the echo wait on the car).
   TIMED 0: the quickest run giving the same text, at 2 Mbaud: no echo wait, and after
   each tick the pump runs until the log is out.
   At the end: '#' lines (never a log line) with the figures and the state, in hex, that
   a next run carries on from (CARRIED). */
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <string.h>

#define SERIAL_SIZE 64
static uint8_t tx_buffer[SERIAL_SIZE];
static volatile uint8_t tx_head, tx_tail;
static uint8_t written;

ISR(USART_UDRE_vect)
{
    UDR0 = tx_buffer[tx_tail];
    UCSR0A = (uint8_t)((UCSR0A & _BV(U2X0)) | _BV(TXC0));   /* writing 1 clears TXC0 */
    tx_tail = (uint8_t)((tx_tail + 1) % SERIAL_SIZE);
    if (tx_head == tx_tail) {
        UCSR0B &= (uint8_t)~_BV(UDRIE0);
    }
}

static int16_t serial_room(void)
{
    cli();
    uint8_t head = tx_head, tail = tx_tail;
    sei();
    return head >= tail ? SERIAL_SIZE - 1 - head + tail : tail - head - 1;
}

static void serial_put(uint8_t c)
{
    written = 1;
    if (tx_head == tx_tail && (UCSR0A & _BV(UDRE0))) {
        cli();
        UDR0 = c;
        UCSR0A = (uint8_t)((UCSR0A & _BV(U2X0)) | _BV(TXC0));
        sei();
        return;
    }
    uint8_t next = (uint8_t)((tx_head + 1) % SERIAL_SIZE);
    while (next == tx_tail) {
    }
    tx_buffer[tx_head] = c;
    cli();
    tx_head = next;
    UCSR0B |= _BV(UDRIE0);
    sei();
}

static uint8_t serial_busy(void)
{
    return written && (tx_head != tx_tail || !(UCSR0A & _BV(TXC0)));
}

#define NEUROCAR_SERIAL_SIZE SERIAL_SIZE
#define NEUROCAR_SERIAL_ROOM() serial_room()
#define NEUROCAR_SERIAL_PUT(b) serial_put(b)
#include "neurocar_brain.h"
#include "neurocar_telemetry.h"
#include "harness_data.h"

#if TIMED
#define CYCLES_PER_MS (F_CPU / 1000UL)
static volatile uint16_t timer_overflows;

ISR(TIMER1_OVF_vect)
{
    timer_overflows++;
}

/* CPU cycles since start: Timer1 at clock / 1, overflows counted. */
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
#endif

static void put_text(const char *s)
{
    while (*s) {
        serial_put((uint8_t)*s++);
    }
}

static void put_number(uint32_t v)
{
    char digits[11];
    uint8_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        serial_put((uint8_t)digits[--n]);
    }
}

/* Bytes in hex, 32 to a line, each line tagged (simavr cuts longer lines). */
static void put_bytes(const char *tag, const void *data, uint16_t size)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)data;
    for (uint16_t k = 0; k < size; k++) {
        if (k % 32 == 0) {
            put_text(k ? "\n" : "");
            put_text(tag);
        }
        serial_put((uint8_t)hex[p[k] >> 4]);
        serial_put((uint8_t)hex[p[k] & 0xF]);
    }
    put_text("\n");
}

static neurocar_controller car;
static neurocar_log *const tlog = &neurocar_telemetry;

static uint16_t reading(uint16_t t)
{
    uint8_t byte = pgm_read_byte(&readings_cm[t]);
    return byte == 255 ? NEUROCAR_NO_ECHO : byte;
}

#if TIMED
static uint32_t worst, worst_tick, total;
static uint16_t busy_at_ping;

static void run_ticks(void)
{
    const uint32_t period = (uint32_t)NEUROCAR_TICK_MS * CYCLES_PER_MS;
    const uint32_t echo = (uint32_t)ECHO_TIMEOUT_US * (F_CPU / 1000000UL);
    for (uint16_t t = 0; t < TICKS; t++) {
        uint32_t mark = t * period, now;
        while ((now = cycles()) < mark) {
            neurocar_log_pump(tlog, (long)((mark - now) / CYCLES_PER_MS));
        }
        busy_at_ping += serial_busy();
        uint32_t start = cycles();
        neurocar_sweep(&car);
        uint32_t swept = cycles();
        while (cycles() - swept < echo) {
        }
        uint32_t decide = cycles();
        uint16_t d = reading(t);
        neurocar_decide(&car, d);
        neurocar_log_tick(tlog, &car, d);
        neurocar_log_pump(tlog, (int32_t)(mark + period - cycles()) / (int32_t)CYCLES_PER_MS);
        uint32_t took = (swept - start) + (cycles() - decide);
        total += took;
        if (took > worst) {
            worst = took;
            worst_tick = t;
        }
    }
    while (neurocar_log_pending(tlog)) {
        neurocar_log_pump(tlog, 200);
    }
    put_text("#C ");
    put_number(worst);
    put_text(" ");
    put_number(worst_tick);
    put_text(" ");
    put_number(total);
    put_text(" ");
    put_number(busy_at_ping);
    put_text("\n");
}
#else
static void run_ticks(void)
{
    for (uint16_t t = 0; t < TICKS; t++) {
        neurocar_sweep(&car);
        uint16_t d = reading(t);
        neurocar_decide(&car, d);
        neurocar_log_tick(tlog, &car, d);
        while (neurocar_log_pending(tlog)) {
            neurocar_log_pump(tlog, 200);
        }
    }
}
#endif

int main(void)
{
    UCSR0A = _BV(U2X0);
    UBRR0 = TIMED ? (F_CPU / 8 / NEUROCAR_LOG_BAUD - 1) : 0;
    UCSR0B = _BV(TXEN0);
#if TIMED
    TCCR1A = 0;
    TCCR1B = _BV(CS10);
    TIMSK1 = _BV(TOIE1);
#endif
    sei();
#if CARRIED
    memcpy_P(&car, carried_car, sizeof car);
    memcpy_P(tlog, carried_log, sizeof *tlog);
#else
    neurocar_reset(&car);
    neurocar_log_begin(tlog, &car);
    tlog->tick = FIRST_TICK;
#endif
    run_ticks();
    put_text("#D ");
    put_number(tlog->dropped);
    put_text("\n");
    put_bytes("#S ", &car, sizeof car);
    put_bytes("#L ", tlog, sizeof *tlog);
    put_text("#END\n");
    while (serial_busy()) {
    }
    cli();
    sleep_enable();
    sleep_cpu();
    return 0;
}
