/* An activation of a Q13 pre-activation (brain.fixedpoint's rules). */
static inline int16_t neurocar_activate(uint8_t activation, int16_t z)
{
    switch (activation) {
${cases}
    default: return z;
    }
}
