"""firmware_export: a trained brain plus a robot profile become an Arduino sketch.

It writes the sketch, compiles it for the ATmega328P when the AVR toolchain is there,
and proves the sketch behaves like the simulator's controller (simavr and host runs).
"""
