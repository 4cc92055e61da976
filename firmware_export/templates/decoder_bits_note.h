/* The decoders test z's bits (IEEE 754: sign, then magnitude) instead of comparing floats:
   read signed (.i) for an edge >= 0, unsigned (.u) with the comparison reversed for an
   edge below 0, magnitude bits alone for |z|. Each test is exactly the float comparison
   in the comment beside it, and the float comparison routines stay out of the sketch. */
