#include <stdint.h>

/* Weights live in flash on the AVR (PROGMEM); on any other machine they are plain
   constants, so the very same code runs on the host for verification. */
#ifdef __AVR__
#include <avr/pgmspace.h>
#define NEUROCAR_READ_BYTE(p) pgm_read_byte(p)
#define NEUROCAR_READ_WORD(p) pgm_read_word(p)
#else
#ifndef PROGMEM
#define PROGMEM
#endif
#define NEUROCAR_READ_BYTE(p) (*(p))
#define NEUROCAR_READ_WORD(p) (*(p))
#endif

/* Fixed point (brain.fixedpoint): int16 Q${bits} values (v * ${one}), int32 sums. */
#define NEUROCAR_FIXED_POINT 1
#define NEUROCAR_FRACTION_BITS ${bits}
#define NEUROCAR_ONE ${one}    /* 1.0 */
#define NEUROCAR_HALF ${half}   /* 0.5 */

static inline int16_t neurocar_saturate(int32_t z)
{
    return z > 32767L ? 32767 : (z < -32768L ? -32768 : (int16_t)z);
}
