"""import-sketch's reader on sketches written the ways people write them, its messages
for broken arrays, and a fuzz run: it returns arrays (and the network they make) or
raises ExportError, nothing else."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware_export.errors import ExportError
from firmware_export.tutorial_reader import network_from_sketch, read_sketch

HW = np.array([[1.8991509504079183, -0.4769472541445052, -0.6483690220539764, -0.38609165249078925],
               [-0.2818610915467527, 4.040695699457223, 3.2291858058243843, -2.894301104732614],
               [0.3340650864625773, -1.4016114422346901, 1.3580053902963762, -0.981415976256285]])
OW = np.array([[1.136072297461121, 1.54602394937381, 1.6194612259569254, 1.8819066696635067],
               [-1.546966506764457, 1.3951930739494225, 0.19393826092602756, 0.30992504138547006],
               [-0.7755982417649826, 0.9390808625728915, 2.11554359108931e-05, -1.0582e-3],
               [0.2796, -0.5, 1, -2.0e0]])
SPLIT = ",\n    "   # a line break inside a row
LOOP = "\nvoid loop() {\n  Accum = 0;\n  Hidden[i] = tanh(Accum); // activation\n}\n"


def _rows(a, fmt="{:.17g}", sep=", ", row_sep=",\n  "):
    return row_sep.join("{" + sep.join(fmt.format(v) for v in row) + "}" for row in a)


VARIANTS = {
    "tutorial": "const int InputNodes = 3; // includes the bias neuron\nconst int HiddenNodes = 4;\n"
                "const int OutputNodes = 4;\n"
                f"const float HiddenWeights[InputNodes][HiddenNodes] = {{{_rows(HW)}}};\n"
                f"const float OutputWeights[HiddenNodes][OutputNodes] = {{{_rows(OW)}}};\n",
    "progmem_defines": "#define IN 2\n#define HID (3 + 1)\n#define OUT 4\n"
                       f"const float HiddenWeights[IN+1][HID] PROGMEM = {{\n  {_rows(HW, '{:.9e}f')},\n}};\n"
                       f"static const PROGMEM float OutputWeights[HID][OUT] = {{{_rows(OW, '{:+.12f}', ',')},}};\n",
    "double_unsized_comments": "/* weights: copied from the notebook, {1, 2} */\n"
                               f"double HiddenWeights[][4] = {{ /* row 0 */ {_rows(HW, sep=SPLIT)} }};\n"
                               f"double OutputWeights[ ][ 4 ] = {{ // rows\n{_rows(OW)} // last\n}};\n"
                               'const char *url = "http://example.org/*";\n',
    "flat": f"float HiddenWeights[3][4] = {{{', '.join(f'{v:.17g}' for v in HW.ravel())}}};\n"
            f"float OutputWeights[4][4] = {{{', '.join(f'{v:.17g}' for v in OW.ravel())}}};\n",
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_real_world_layouts_read_the_same_arrays(name, tmp_path):
    sketch = tmp_path / "car.ino"
    sketch.write_text(VARIANTS[name] + LOOP)
    hidden, output, activation = read_sketch(sketch)
    assert activation == "tanh"
    # the AVR's float (its double too): the arrays as the chip holds them, to the bit
    assert (hidden == HW.astype(np.float32)).all() and (output == OW.astype(np.float32)).all()


@pytest.mark.parametrize("text, message", [
    ("float HiddenWeights[1][4] = {{1,2,3,4}};\nfloat HiddenWeights[3][4] = {};\n",
     "line 2: HiddenWeights is declared again (first on line 1)"),
    ("float HiddenWeights[N][4] = {{1,2,3,4}};\n", "line 1: the size [N] of HiddenWeights is neither a number"),
    ("float HiddenWeights[1][0] = {{}};\n", "line 1: the size [0] of HiddenWeights is 0"),
    ("float HiddenWeights[1][2] = {{1, 2}\n;\n", "line 1: HiddenWeights is not closed"),
    ("float HiddenWeights[1][2] = {{{1, 2}}};\n", "line 1: HiddenWeights has braces nested deeper than rows"),
    ("float HiddenWeights[2][3] = {1, 2, 3,\n 4, 5};\n", "holds 5 values, not a whole number of rows of 3"),
    ("float HiddenWeights[1][2] = {\n\n {1, 1e99}};\n", "line 3: HiddenWeights row 0 holds 1e99, beyond a float"),
    ("float HiddenWeights[1][2] = {{1, 2}, 3};\n", "mixes rows in braces with values outside them"),
    ("float HiddenWeights[2][2] = {{1, 2},\n{1, 2}};\nfloat OutputWeights[3][1] = {{1}, {2},\n{3}};\n",
     "line 3: OutputWeights has 3 rows but HiddenWeights (line 1) has 2 columns"),
    ("float HiddenWeights[1][2] = {{1, 2}};\nfloat OutputWeights[2][1] = {{1}, {2}};\n",
     "line 1: HiddenWeights has 1 row; it needs the bias row and a row per input"),
])
def test_inconsistent_arrays_are_named_with_their_line(text, message, tmp_path):
    sketch = tmp_path / "bad.ino"
    sketch.write_text(text + LOOP)
    with pytest.raises(ExportError, match="bad.ino") as e:
        read_sketch(sketch)
    assert message in str(e.value)


_C_PIECES = st.sampled_from([
    "float", "double", "const", "PROGMEM", "HiddenWeights", "OutputWeights", "[", "]", "[3]", "[4]", "[]", "{", "}",
    "{{", "}}", ",", ";", "=", "1.5", "-2e-3", "1e99", ".5f", "x", "#define N 3\n", "const int N = 4;", "N", "\n",
    "//", "/*", "*/", '"', "'", "tanh(", "1.0/(1.0+exp(-", " ", "+", "(", ")", "\u00b2", "\u0663", "0x1F",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_C_PIECES, max_size=60), noise=st.text(max_size=20))
def test_reader_raises_only_its_clear_error(pieces, noise, tmp_path):
    sketch = tmp_path / "fuzz.ino"
    sketch.write_text("".join(pieces) + noise, encoding="utf-8")
    try:
        hidden, output, _ = read_sketch(sketch)
    except ExportError as e:
        assert str(e).startswith(str(sketch))
    else:
        assert hidden.shape[1] == output.shape[0] and np.isfinite(hidden).all() and np.isfinite(output).all()
        network = network_from_sketch(sketch, "tanh")
        assert network.sizes == [hidden.shape[0] - 1, hidden.shape[1], output.shape[1]]
