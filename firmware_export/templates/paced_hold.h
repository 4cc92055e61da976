/* paced_hold_ticks: the hold, at least control.ping_every_ticks, so that the car pings
   the HC-SR04 at most that often (its datasheet asks for 60 ms between pings). */
#define NEUROCAR_PING_EVERY_TICKS ${ping_every_ticks}
static inline uint16_t neurocar_paced_hold_ticks(int16_t d)
{
    uint16_t hold = neurocar_hold_ticks(d);
    return hold < NEUROCAR_PING_EVERY_TICKS ? NEUROCAR_PING_EVERY_TICKS : hold;
}

