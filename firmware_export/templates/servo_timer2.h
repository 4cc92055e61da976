static volatile uint16_t servo_pulse_counts = 1500 / SERVO_US_PER_COUNT;
static volatile uint16_t servo_counts_left = 0;
static volatile uint8_t servo_high = 0;

/* Each compare match ends a chunk; a phase (high pulse, low rest) is one or more chunks.
   Chunks are 200 counts until at most 255 remain, so every chunk is at least 56 counts
   (224 us) long: far longer than this ISR, so OCR2A is always written before TCNT2 gets
   there. The pulse is 136..600 counts and the rest 4400..4864, so a frame is 20 ms. */
ISR(TIMER2_COMPA_vect)
{
    if (servo_counts_left == 0) {
        servo_high = !servo_high;
        digitalWrite(SERVO_PIN, servo_high ? HIGH : LOW);
        servo_counts_left = servo_high ? servo_pulse_counts : SERVO_FRAME_COUNTS - servo_pulse_counts;
    }
    uint16_t chunk = servo_counts_left > 255 ? 200 : servo_counts_left;
    servo_counts_left -= chunk;
    OCR2A = (uint8_t)(chunk - 1);
}

static void servo_begin(void)
{
    pinMode(SERVO_PIN, OUTPUT);
    noInterrupts();
    TCCR2A = _BV(WGM21);             /* CTC, no output-compare pin: the ISR drives the pin */
    TCCR2B = _BV(CS22);              /* clock / 64: 4 us per count at 16 MHz */
    OCR2A = 249;
    TCNT2 = 0;
    TIMSK2 = _BV(OCIE2A);
    interrupts();
}
