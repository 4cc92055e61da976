/* reading (control.read_while_holding): the car pings when it decides, and while it
   holds an action when its last ping is at least ${every} ticks ago and its next
   decision, with its own ping, at least ${every} ticks ahead: the HC-SR04 ignores a
   trigger while it still waits out an earlier echo. Holding pings fill the sweep's
   memory only. */
#define NEUROCAR_READS_WHILE_HOLDING 1
static inline uint8_t neurocar_reading(const neurocar_controller *c)
{
    return c->hold == 0 || (c->hold >= ${every} && c->since_ping + 1 >= ${every});
}

