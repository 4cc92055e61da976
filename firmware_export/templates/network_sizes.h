/* Layer sizes ${sizes}: inputs first, outputs last. */
#define NEUROCAR_N_INPUTS ${n_inputs}
#define NEUROCAR_N_OUTPUTS ${n_outputs}
#define NEUROCAR_N_LAYERS ${n_layers}
#define NEUROCAR_MAX_WIDTH ${max_width}
#define NEUROCAR_HIDDEN_WIDTH ${hidden_width}   /* the widest hidden layer */
