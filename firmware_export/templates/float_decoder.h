/* ${decoder} of a = ${activation}(z): ${rule}. */
static int8_t neurocar_${decoder}(float z)
{
    union { float f; int32_t i; uint32_t u; } bits;
    bits.f = z;
    return ${expression};
}

