"""The tutorial's network as C, for the tests and the firmware benchmark: a sketch to import,
and the speed and size reference."""
import numpy as np


# The tutorial's firmware network, written from its description (SEEDS.md): float
# arrays in RAM, the bias unit as input 0, avr-libc tanh on every hidden and output
# neuron, the "+1" hidden column included. Used as the speed and size reference.
REFERENCE_NETWORK = """\
#include <math.h>

#define InputNodes {n_in}      /* inputs + the bias unit */
#define HiddenNodes {n_hidden}     /* hidden + 1, computed like the others */
#define OutputNodes {n_out}

float HiddenWeights[InputNodes][HiddenNodes] = {{
{hidden}
}};
float OutputWeights[HiddenNodes][OutputNodes] = {{
{output}
}};
float Hidden[HiddenNodes];
float Output[OutputNodes];

void InputToOutput(float In1, float In2)
{{
    float TestInput[InputNodes];
    float Accum;
    int i, j;
    TestInput[0] = 1.0;   /* bias unit */
    TestInput[1] = In1;
    TestInput[2] = In2;
    for (i = 0; i < HiddenNodes; i++) {{
        Accum = 0;
        for (j = 0; j < InputNodes; j++) {{
            Accum += TestInput[j] * HiddenWeights[j][i];
        }}
        Hidden[i] = tanh(Accum);
    }}
    for (i = 0; i < OutputNodes; i++) {{
        Accum = 0;
        for (j = 0; j < HiddenNodes; j++) {{
            Accum += Hidden[j] * OutputWeights[j][i];
        }}
        Output[i] = tanh(Accum);
    }}
}}
"""


def reference_source(hidden_weights, output_weights) -> str:
    """The tutorial's network code holding these arrays (2 inputs, as its sketch)."""
    hw, ow = np.asarray(hidden_weights), np.asarray(output_weights)

    def rows(a):
        return ",\n".join("    {" + ", ".join(f"{v:.9g}" for v in row) + "}" for row in a)
    return REFERENCE_NETWORK.format(n_in=hw.shape[0], n_hidden=hw.shape[1], n_out=ow.shape[1],
                                    hidden=rows(hw), output=rows(ow))
