/* The profile's pin patterns, ${pin_order}. */
${patterns}
