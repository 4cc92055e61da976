/* Activation ids. */
${ids}
