#include <math.h>
#include <stdint.h>

/* Weights live in flash on the AVR (PROGMEM); on any other machine they are plain
   constants, so the very same code runs on the host for verification. */
#ifdef __AVR__
#include <avr/pgmspace.h>
#define NEUROCAR_READ_FLOAT(p) pgm_read_float(p)
#define NEUROCAR_READ_BYTE(p) pgm_read_byte(p)
#define NEUROCAR_READ_WORD(p) pgm_read_word(p)
#else
#ifndef PROGMEM
#define PROGMEM
#endif
#define NEUROCAR_READ_FLOAT(p) (*(p))
#define NEUROCAR_READ_BYTE(p) (*(p))
#define NEUROCAR_READ_WORD(p) (*(p))
#endif
