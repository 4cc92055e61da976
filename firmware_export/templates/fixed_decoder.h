/* ${decoder}: ${rule}, on a Q13 output a. */
static inline int8_t neurocar_${decoder}(int16_t a)
{
    return ${expression};
}

