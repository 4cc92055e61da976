#ifndef NEUROCAR_BRAIN_H
#define NEUROCAR_BRAIN_H

${body}
#endif /* NEUROCAR_BRAIN_H */
