/* Telemetry (neurocar export --telemetry): the serial log of neurocar's
   firmware_export.telemetry_format, format 1, at NEUROCAR_LOG_BAUD baud. A header line at
   the first tick and every NEUROCAR_LOG_HEADER_EVERY ticks, then one line per tick:

       tick,servo deg,D|H,reading,memory cm...,hold,pins,pwm*CC

   The tick never waits for the UART. The Arduino core's Serial holds 63 bytes and
   blocks when full, and the header alone is longer, so nothing is written to Serial
   directly: each tick's line goes into a queue of its own (NEUROCAR_LOG_QUEUE bytes, two
   or more lines), the header is read from flash as it goes out, and neurocar_log_pump
   hands Serial only as many bytes as it has room for. The pump runs at the end of each
   tick and in every idle pass of loop() between ticks, so the header leaves in pieces,
   over one or two ticks, with the lines behind it waiting in the queue; a line that
   finds no room in the queue is dropped whole (a gap in the tick numbers), never
   blocked on.
   The pump also stops handing bytes over when they could not leave the wire before the
   next tick begins: the UART interrupt then never runs while pulseIn counts the echo,
   where its few microseconds a byte would shorten the reading. At 115200 baud a byte
   takes 87 us; with the header (under 255 bytes) once every NEUROCAR_LOG_HEADER_EVERY
   ticks and a line of at most NEUROCAR_LOG_LINE_MAX bytes a tick, the log needs a few
   ms of each tick's idle time. export --telemetry --verify measures the worst tick, log
   included, in simavr at the longest echo wait, and counts dropped lines. */
#include <avr/pgmspace.h>
#include <util/crc16.h>

#ifndef NEUROCAR_SERIAL_PUT               /* the sketch: the Arduino core's Serial */
#define NEUROCAR_SERIAL_SIZE SERIAL_TX_BUFFER_SIZE
#define NEUROCAR_SERIAL_ROOM() Serial.availableForWrite()
#define NEUROCAR_SERIAL_PUT(b) Serial.write((uint8_t)(b))
#endif

#define NEUROCAR_LOG_BAUD ${baud}UL
#define NEUROCAR_LOG_HEADER_EVERY ${header_every}u
#define NEUROCAR_LOG_LINE_MAX ${line_max}u      /* the longest tick line, CR LF included */
#define NEUROCAR_LOG_QUEUE ${queue}u           /* a power of two */
#define NEUROCAR_LOG_BYTES_PER_MS ${bytes_per_ms}   /* whole bytes the wire carries in a ms */
#define NEUROCAR_LOG_MEMORY ${n_memory}          /* memory inputs the brain reads */
#define NEUROCAR_LOG_NO_HEADER 255u

static const char neurocar_log_header[] PROGMEM = "${header_line}\r\n";

typedef struct {
    uint32_t tick;                        /* the number of the next tick line */
    uint8_t queue[NEUROCAR_LOG_QUEUE];    /* tick lines waiting for the UART */
    uint8_t head, tail;                   /* written at head, sent from tail */
    uint8_t header_pos;                   /* next header byte to send, or NEUROCAR_LOG_NO_HEADER */
    uint8_t header_after;                 /* queued bytes that go out before the header */
    uint8_t until_header;                 /* ticks until a header is due; 0: due */
    uint8_t crc;                          /* of the line being written */
    uint16_t last_hold;                   /* c->hold after the last tick: 0, the car decides */
    uint8_t previous;                     /* c->previous after the last tick */
    uint8_t memory[NEUROCAR_LOG_MEMORY + 1];   /* the memory cm the last decision read */
    uint16_t dropped;                     /* lines that found no room in the queue */
} neurocar_log;

static neurocar_log neurocar_telemetry;

static inline uint8_t neurocar_log_queued(const neurocar_log *log)
{
    return (uint8_t)(log->head - log->tail) & (NEUROCAR_LOG_QUEUE - 1);
}

/* begin: after neurocar_reset, before the first tick. */
static inline void neurocar_log_begin(neurocar_log *log, const neurocar_controller *c)
{
    log->tick = 0;
    log->head = log->tail = 0;
    log->header_pos = NEUROCAR_LOG_NO_HEADER;
    log->until_header = 0;
    log->last_hold = c->hold;
    log->dropped = 0;
${memory_begin}}

static void neurocar_log_char(neurocar_log *log, char ch)
{
    log->queue[log->head] = (uint8_t)ch;
    log->head = (uint8_t)(log->head + 1) & (NEUROCAR_LOG_QUEUE - 1);
    log->crc = _crc8_ccitt_update(log->crc, (uint8_t)ch);
}

/* A whole number in decimal, by subtracting powers of ten (no division, no printf). */
static void neurocar_log_number(neurocar_log *log, uint32_t v)
{
    static const uint32_t tens[] PROGMEM = {1000000000UL, 100000000UL, 10000000UL, 1000000UL, 100000UL,
                                            10000UL, 1000UL, 100UL, 10UL};
    uint8_t started = 0;
    for (uint8_t k = 0; k < 9; k++) {
        uint32_t ten = pgm_read_dword(&tens[k]);
        char digit = '0';
        while (v >= ten) {
            v -= ten;
            digit++;
        }
        if (started || digit != '0') {
            neurocar_log_char(log, digit);
            started = 1;
        }
    }
    neurocar_log_char(log, (char)('0' + v));
}

static void neurocar_log_field(neurocar_log *log, uint32_t v)
{
    neurocar_log_number(log, v);
    neurocar_log_char(log, ',');
}

static void neurocar_log_hex(neurocar_log *log, uint8_t nibble)
{
    nibble &= 0xF;
    neurocar_log_char(log, (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10));
}

/* tick: after neurocar_decide, the tick's line into the queue (the header first when it
   is due). distance_cm: the reading passed to neurocar_decide (NEUROCAR_NO_ECHO: none). */
static void neurocar_log_tick(neurocar_log *log, const neurocar_controller *c, uint16_t distance_cm)
{
    uint8_t decided = log->last_hold == 0;
    log->last_hold = c->hold;
${memory_tick}    if (log->until_header == 0 && log->header_pos == NEUROCAR_LOG_NO_HEADER) {
        log->header_pos = 0;
        log->header_after = neurocar_log_queued(log);
        log->until_header = NEUROCAR_LOG_HEADER_EVERY;
    }
    log->until_header -= log->until_header > 0;
    uint32_t tick = log->tick++;
    if (NEUROCAR_LOG_QUEUE - 1 - neurocar_log_queued(log) < NEUROCAR_LOG_LINE_MAX) {
        log->dropped++;
        return;
    }
    log->crc = 0;
    neurocar_log_field(log, tick);
    neurocar_log_field(log, (uint16_t)c->servo_deg);
    neurocar_log_char(log, decided ? 'D' : 'H');
    neurocar_log_char(log, ',');
    if (c->reading_cm < 0) {
        neurocar_log_char(log, '-');
    } else if (distance_cm == NEUROCAR_NO_ECHO) {
        neurocar_log_char(log, 'n');
    } else {
        neurocar_log_number(log, (uint16_t)c->reading_cm);
    }
    neurocar_log_char(log, ',');
    for (uint8_t k = 0; k != NEUROCAR_LOG_MEMORY; k++) {   /* !=: there may be none */
        neurocar_log_field(log, log->memory[k]);
    }
    neurocar_log_field(log, c->hold);
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        neurocar_log_char(log, (char)('0' + c->pins[k]));
    }
    neurocar_log_char(log, ',');
    neurocar_log_number(log, c->pwm);
    uint8_t crc = log->crc;
    neurocar_log_char(log, '*');
    neurocar_log_hex(log, crc >> 4);
    neurocar_log_hex(log, crc);
    neurocar_log_char(log, '\r');
    neurocar_log_char(log, '\n');
}

/* pending: bytes of the log not yet handed to the UART. */
static inline uint8_t neurocar_log_pending(const neurocar_log *log)
{
    return neurocar_log_queued(log) || log->header_pos != NEUROCAR_LOG_NO_HEADER;
}

/* pump: hand the UART what it has room for and can send within ms_left ms (the time to
   the next tick by millis(), which steps 1 ms at a time and now and then 2: two ms are
   kept spare, and two bytes for the UART's data and shift registers). */
static void neurocar_log_pump(neurocar_log *log, long ms_left)
{
    if (ms_left > 200) {
        ms_left = 200;
    }
    int16_t room = NEUROCAR_SERIAL_ROOM();
    int16_t in_uart = (int16_t)(NEUROCAR_SERIAL_SIZE - 1) - room;
    int16_t n = (int16_t)((ms_left - 2) * NEUROCAR_LOG_BYTES_PER_MS) - 2 - in_uart;
    if (n > room) {
        n = room;
    }
    for (; n > 0; n--) {
        uint8_t byte;
        if (log->header_pos != NEUROCAR_LOG_NO_HEADER && log->header_after == 0) {
            byte = pgm_read_byte(&neurocar_log_header[log->header_pos++]);
            if (pgm_read_byte(&neurocar_log_header[log->header_pos]) == 0) {
                log->header_pos = NEUROCAR_LOG_NO_HEADER;
            }
        } else if (neurocar_log_queued(log)) {
            byte = log->queue[log->tail];
            log->tail = (uint8_t)(log->tail + 1) & (NEUROCAR_LOG_QUEUE - 1);
            log->header_after -= log->header_after > 0;
        } else {
            return;
        }
        NEUROCAR_SERIAL_PUT(byte);
    }
}
