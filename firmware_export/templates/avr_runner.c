/* The exported sketch's ELF (Arduino core and all) in simavr, one control tick at a
   time, for firmware_export.avr_loop. Plain C, built with the host compiler against
   libsimavr.

   The Uno around the sketch:
   - an HC-SR04 on the trigger and echo pins: after the trigger's falling edge, the
     echo rises after the delay and lasts the width Python sends (no pulse: no echo);
   - the servo pin: each pulse's width is measured, in cycles;
   - the UART: every byte the sketch sends is kept and passed on.

   A tick begins when the sketch writes its schedule variable (next_tick_ms) with a new
   value. Its four bytes are stored one by one, maybe around an interrupt, so a change
   counts once the variable has kept still for WRITE_SETTLE cycles; the finished
   tick's state is taken at the first byte's store, before the new tick has done
   anything. setup() writes the variable too, with millis(); a loop tick leaves it
   ahead of millis(), which is how the first tick is told from setup's write.

   Commands on stdin, one byte each:
     'S'                   run until this tick's trigger pulse ends ('P') or the next
                           tick begins ('T': this tick is over)
     'D' u32 delay u32 width (cycles, after a 'P'): the echo; run until the next tick ('T')
     'Q'                   quit
   Every answer on stdout is a struct report, the IO bytes asked for, the sketch's
   controller struct, then the UART bytes since the last answer. 'E' answers carry a
   message instead and end the run.

   Arguments: ELF TRIG ECHO SERVO CAR_ADDR CAR_SIZE TICK_ADDR MILLIS_ADDR DRIVE_PC
   SETTLE_CYCLES IO_ADDRS, each pin as PORT letter and bit ("C5"), IO_ADDRS a comma list
   of data addresses; DRIVE_PC 0 when the sketch has no drive() to time; a servo pulse
   counts for a tick when it begins SETTLE_CYCLES or more after the tick's start. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_avr.h"
#include "sim_elf.h"
#include "sim_irq.h"
#include "sim_io.h"
#include "sim_cycle_timers.h"
#include "avr_ioport.h"
#include "avr_uart.h"

#define F_CPU 16000000UL
#define STALL_CYCLES (10UL * F_CPU)   /* no tick in 10 emulated seconds: the sketch hangs */
#define MAX_IO 32
#define UART_MAX 65535
#define WRITE_SETTLE 800          /* cycles: longer than any two interrupts back to back */
#define R_SPL 0x5D
#define R_SPH 0x5E

struct __attribute__((packed)) report {
    uint8_t kind;            /* 'P' ping, 'T' tick over, 'E' error, 'R' ready */
    uint8_t pinged;          /* the tick's trigger has fired */
    uint16_t uart_len;
    uint32_t work_cycles;    /* tick start to drive()'s return; 0 when unknown */
    uint32_t servo_width;    /* cycles of the tick's first servo pulse; 0 when none */
    uint64_t cycle;
    uint64_t tick_start;
};

static avr_t *avr;
static int out_fd;
static uint16_t car_addr, car_size, tick_addr, millis_addr, n_io;
static uint16_t io_addr[MAX_IO];
static uint32_t drive_pc, ret_pc, settle;
static uint32_t tick_copy;
static uint64_t tick_start, trig_fall, servo_rise, work_end, last_change;
static uint32_t servo_width;
static int pinged, trig_high, timing, echo_width, changing;
static avr_irq_t *echo_irq;
static uint8_t uart_buf[UART_MAX];
static uint16_t uart_len;
static uint8_t held[sizeof(struct report) + MAX_IO + 256 + UART_MAX];   /* the finished tick's answer */
static size_t held_len;

static void write_all(const void *data, size_t size)
{
    const uint8_t *p = data;
    while (size) {
        ssize_t n = write(out_fd, p, size);
        if (n <= 0) {
            exit(3);                    /* the reader has gone */
        }
        p += n;
        size -= (size_t)n;
    }
}

static void read_all(void *data, size_t size)
{
    uint8_t *p = data;
    while (size) {
        ssize_t n = read(0, p, size);
        if (n <= 0) {
            exit(0);                    /* the reader has gone: stop quietly */
        }
        p += n;
        size -= (size_t)n;
    }
}

/* The answer as things stand, kept in held[] until it is sent. */
static void snapshot(uint8_t kind)
{
    struct report r = {kind, (uint8_t)pinged, uart_len, 0, servo_width, avr->cycle, tick_start};
    if (work_end > tick_start) {
        r.work_cycles = (uint32_t)(work_end - tick_start);
    }
    uint8_t *p = held;
    memcpy(p, &r, sizeof r);
    p += sizeof r;
    for (uint16_t k = 0; k < n_io; k++) {
        *p++ = avr->data[io_addr[k]];
    }
    memcpy(p, avr->data + car_addr, car_size);
    p += car_size;
    memcpy(p, uart_buf, uart_len);
    held_len = (size_t)(p - held) + uart_len;
    uart_len = 0;
}

static void report(uint8_t kind)
{
    snapshot(kind);
    write_all(held, held_len);
}

static void fail(const char *message)
{
    size_t len = strlen(message);
    memcpy(uart_buf, message, len);
    uart_len = (uint16_t)len;
    report('E');
    exit(1);
}

static void on_trig(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq; (void)param;
    if (trig_high && !value) {
        pinged = 1;
        trig_fall = avr->cycle;
    }
    trig_high = value != 0;
}

static void on_servo(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq; (void)param;
    if (value) {
        servo_rise = avr->cycle;
    } else if (servo_width == 0 && servo_rise >= tick_start + settle && tick_start) {
        servo_width = (uint32_t)(avr->cycle - servo_rise);
    }
}

static void on_uart(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq; (void)param;
    if (uart_len < UART_MAX) {
        uart_buf[uart_len++] = (uint8_t)value;
    }
}

static avr_cycle_count_t echo_fall(avr_t *a, avr_cycle_count_t when, void *param)
{
    (void)a; (void)when; (void)param;
    avr_raise_irq(echo_irq, 0);
    return 0;
}

static avr_cycle_count_t echo_rise(avr_t *a, avr_cycle_count_t when, void *param)
{
    (void)when; (void)param;
    avr_raise_irq(echo_irq, 1);
    avr_cycle_timer_register(a, (avr_cycle_count_t)echo_width, echo_fall, NULL);
    return 0;
}

/* drive() is the tick's last call: its return ends the tick's work. */
static void watch_work(void)
{
    if (!timing) {
        return;
    }
    if (avr->pc == drive_pc && !ret_pc) {
        uint16_t sp = (uint16_t)(avr->data[R_SPL] | (avr->data[R_SPH] << 8));
        ret_pc = 2u * (uint32_t)((avr->data[sp + 1] << 8) | avr->data[sp + 2]);
    } else if (ret_pc && avr->pc == ret_pc) {
        work_end = avr->cycle;
        ret_pc = 0;
        timing = 0;
    }
}

static uint32_t read_u32(uint16_t addr)
{
    uint32_t v;
    memcpy(&v, avr->data + addr, 4);
    return v;
}

static void begin_tick(void)
{
    tick_start = avr->cycle;
    pinged = 0;
    servo_width = 0;
    work_end = 0;
    ret_pc = 0;
    timing = 1;
}

static void step(void)
{
    int state = avr_run(avr);
    if (state == cpu_Done || state == cpu_Crashed) {
        fail("the sketch stopped (the emulated Uno crashed or halted)");
    }
    if (drive_pc) {
        watch_work();
    }
}

/* Run until a tick begins (1; its predecessor's answer held) or, when asked, until the
   trigger pulse ends (2). */
static int run(int stop_at_ping)
{
    uint64_t limit = avr->cycle + STALL_CYCLES;
    for (;;) {
        if (stop_at_ping && pinged && !changing) {
            return 2;
        }
        step();
        uint32_t now = read_u32(tick_addr);
        if (now != tick_copy) {
            tick_copy = now;
            if (!changing) {
                snapshot('T');
                begin_tick();
            }
            changing = 1;
            last_change = avr->cycle;
        } else if (changing && avr->cycle - last_change >= WRITE_SETTLE) {
            changing = 0;
            return 1;
        }
        if (avr->cycle > limit) {
            fail("no control tick began within 10 emulated seconds");
        }
    }
}

/* Up to the first loop tick: past setup's write, to one that leaves the schedule ahead
   of millis(). */
static void boot(void)
{
    tick_copy = read_u32(tick_addr);
    do {
        run(0);
    } while (read_u32(tick_addr) <= read_u32(millis_addr));
}

static void parse_pin(const char *text, avr_irq_t **irq)
{
    *irq = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(text[0]), atoi(text + 1));
    if (!*irq) {
        fail("a pin of the profile is not a port of the ATmega328P");
    }
}

static void setup_io(char **argv)
{
    avr_irq_t *trig, *servo;
    parse_pin(argv[2], &trig);
    parse_pin(argv[3], &echo_irq);
    parse_pin(argv[4], &servo);
    avr_irq_register_notify(trig, on_trig, NULL);
    avr_irq_register_notify(servo, on_servo, NULL);
    uint32_t flags = 0;       /* no console echo, no sleeping while polled */
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), on_uart, NULL);
    car_addr = (uint16_t)strtoul(argv[5], NULL, 0);
    car_size = (uint16_t)strtoul(argv[6], NULL, 0);
    tick_addr = (uint16_t)strtoul(argv[7], NULL, 0);
    millis_addr = (uint16_t)strtoul(argv[8], NULL, 0);
    drive_pc = (uint32_t)strtoul(argv[9], NULL, 0);
    settle = (uint32_t)strtoul(argv[10], NULL, 0);
    if (car_size > 256) {
        fail("the sketch's controller struct is over 256 bytes");
    }
    for (char *p = argv[11]; *p && n_io < MAX_IO; n_io++) {
        io_addr[n_io] = (uint16_t)strtoul(p, &p, 0);
        p += *p == ',';
    }
}

static void serve(void)
{
    for (;;) {
        uint8_t op;
        read_all(&op, 1);
        if (op == 'Q') {
            return;
        }
        if (op == 'D') {
            uint32_t echo[2];
            read_all(echo, sizeof echo);
            echo_width = (int)echo[1];
            if (echo[1]) {
                uint64_t due = trig_fall + echo[0];
                avr_cycle_timer_register(avr, due > avr->cycle ? due - avr->cycle : 1, echo_rise, NULL);
            }
        }
        if (op == 'S' && run(1) == 2) {
            report('P');
            continue;
        }
        if (op == 'D') {
            run(0);
        }
        write_all(held, held_len);
    }
}

static void quiet(avr_t *a, const int level, const char *format, va_list ap)
{
    (void)a;
    if (level <= LOG_ERROR) {
        vfprintf(stderr, format, ap);
    }
}

int main(int argc, char **argv)
{
    out_fd = dup(1);              /* the answers' own stream: nothing else writes there */
    dup2(2, 1);
    if (argc != 12) {
        fprintf(stderr, "usage: avr_runner ELF TRIG ECHO SERVO CAR_ADDR CAR_SIZE TICK_ADDR MILLIS_ADDR DRIVE_PC "
                        "SETTLE IO_ADDRS\n");
        return 2;
    }
    avr_global_logger_set(quiet);
    elf_firmware_t firmware;
    memset(&firmware, 0, sizeof firmware);
    if (elf_read_firmware(argv[1], &firmware) != 0) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    avr = avr_make_mcu_by_name("atmega328p");
    avr_init(avr);
    avr->frequency = F_CPU;
    avr_load_firmware(avr, &firmware);
    setup_io(argv);
    boot();
    report('R');
    serve();
    return 0;
}
