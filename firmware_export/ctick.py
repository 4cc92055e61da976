"""C code for the controller tick, generated from the robot profile.

It mirrors ``simulator.controller`` function for function (``sweep``, ``deciding``,
``decide``, ``encode_distance``, ``encode_angle``, ``hold_ticks``, the decoding into
motor pins and PWM) for one car, in plain C99: the sketch calls it every tick, and the
same text runs on the host (closed loop) and in simavr (open loop) for verification.
Every number in it comes from the profile or the brain, none is typed here.
"""
from simulator.controller import TURN_DIRECTION, ControllerError, output_kind

from brain.fixedpoint import ONE, FixedPointBrain

from firmware_export import cgen_fixed
from firmware_export.decisions import BITS_VARIABLE, decoder_expression
from firmware_export.errors import ExportError

PATTERN_ORDER = ("forward", "backward", "right", "left")


def check_brain_fits_robot(brain, profile) -> str:
    """The output kind ('turn_direction' or 'pins'), or a refusal naming what fits."""
    try:
        kind = output_kind(brain, profile)
    except ControllerError as e:
        raise ExportError(f"{e}; retrain on a table with those outputs") from None
    if brain.network.n_inputs != 2:
        raise ExportError(f"the brain takes {brain.network.n_inputs} inputs ({', '.join(brain.input_names)}); "
                          f"the car gives it 2 (distance, position)")
    return kind


def controller_source(brain, profile) -> str:
    """Constants, the decision (network + decoders) and the tick, for one car."""
    kind = check_brain_fits_robot(brain, profile)
    if isinstance(brain, FixedPointBrain):
        parts = [_profile_constants(profile), cgen_fixed.decide_source(brain), _pin_rule(brain, profile, kind),
                 fixed_point_tick()]
    else:
        parts = [_profile_constants(profile), _decide_outputs(brain), _pin_rule(brain, profile, kind), _TICK]
    return "\n".join(parts)


def _profile_constants(profile) -> str:
    servo, control, motors = profile.servo, profile.control, profile.motors
    name = profile.name.replace("*/", "* /")        # a name cannot end the comment
    lines = [
        "/* The robot profile (" + name + "): servo sweep, control tick, hold rule. */",
        f"#define NEUROCAR_TICK_MS {round(control.tick_s * 1000)}",
        f"#define NEUROCAR_SERVO_MIN_DEG {servo.min_deg}",
        f"#define NEUROCAR_SERVO_MAX_DEG {servo.max_deg}",
        f"#define NEUROCAR_SERVO_STEP_DEG {servo.step_deg}",
        f"#define NEUROCAR_SERVO_START_DEG {servo.start_deg}",
        f"#define NEUROCAR_SERVO_START_DIRECTION {servo.start_direction}",
        f"#define NEUROCAR_LEFT_SIGN {servo.left_sign}   /* -1: the left end is min_deg */",
        f"#define NEUROCAR_DISTANCE_CLAMP_CM {control.distance_clamp_cm}",
        f"#define NEUROCAR_HOLD_TICKS_PER_UNIT {control.hold_ticks_per_unit}",
        f"#define NEUROCAR_HOLD_MIN_TICKS {control.hold_min_ticks}",
        f"#define NEUROCAR_REFERENCE_PWM {profile.drive.reference_pwm}",
        f"#define NEUROCAR_TURN_PWM {profile.drive.turn_pwm}",
        f"#define NEUROCAR_N_PINS {len(motors.pin_order)}   /* {' '.join(motors.pin_order)} */",
        "#define NEUROCAR_NO_ECHO 0xFFFFu   /* a reading with no echo: counts as the clamp */",
    ]
    return "\n".join(lines) + "\n"


def _decide_outputs(brain) -> str:
    """The network up to the last layer's pre-activations, then one decoder per output."""
    layers = brain.network.layers
    lines = ["    float z[NEUROCAR_N_OUTPUTS];   /* the output layer's pre-activations */",
             "    neurocar_pass(inputs, z);"]
    last = layers[-1].activation.name
    expressions = {d: decoder_expression(d, last) for d in brain.decoders}
    functions = [_decoder_function(d, last, e) for d, e in expressions.items() if BITS_VARIABLE in e]
    pairs = list(zip(brain.output_names, brain.decoders))
    if len(pairs) > 1 and len(expressions) == 1 and functions:
        decoder = brain.decoders[0]
        names = " ".join(brain.output_names)
        decodes = [f"    for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {{  /* {names}: {decoder} of {last}(z) */",
                   f"        decision[k] = neurocar_{decoder}(z[k]);", "    }"]
    else:
        decodes = [f"    decision[{k}] = {_decode_call(d, expressions[d], k)};  /* {name}: {d} of {last}(z) */"
                   for k, (name, d) in enumerate(pairs)]
    return ((_BITS_NOTE if functions else "") + "".join(functions) +
            "/* Brain.decide: each output's decision (brain.decoders) from the inputs. The output\n"
            "   layer's activation is monotonic, so each decoder compares its pre-activation z with\n"
            "   the activation's inverse at the decoder's edge: the same decision as decoding\n"
            "   f(z), without the dearest calls of the pass. */\n"
            "static inline void neurocar_decide_outputs(const float *inputs, int8_t *decision)\n{\n"
            + "\n".join(lines + decodes) + "\n}\n")


DECODER_RULES = {"round": "the nearest of -1, 0, 1 (0.5 rounds to 0)", "sign": "1 if >= 0, else -1",
                 "bit": "round(|a|): 1 when |a| > 0.5, else 0"}


def _decoder_function(decoder: str, activation: str, expression: str) -> str:
    """One decoder of a = activation(z) as a function of z (written once, used per output).
    Its tests read z's bits: each is exactly the float comparison in the comment beside it
    (see firmware_export.decisions)."""
    return (f"/* {decoder} of a = {activation}(z): {DECODER_RULES[decoder]}. */\n"
            f"static int8_t neurocar_{decoder}(float z)\n{{\n"
            f"    union {{ float f; int32_t i; uint32_t u; }} {BITS_VARIABLE};\n"
            f"    {BITS_VARIABLE}.f = z;\n"
            f"    return {expression};\n}}\n\n")


_BITS_NOTE = """\
/* The decoders test z's bits (IEEE 754: sign, then magnitude) instead of comparing floats:
   read signed (.i) for an edge >= 0, unsigned (.u) with the comparison reversed for an
   edge below 0, magnitude bits alone for |z|. Each test is exactly the float comparison
   in the comment beside it, and the float comparison routines stay out of the sketch. */
"""


def _decode_call(decoder: str, expression: str, k: int) -> str:
    """The decoder's function on output k, or its constant when it can give only one value."""
    return f"neurocar_{decoder}(z[{k}])" if BITS_VARIABLE in expression else expression


def _pin_rule(brain, profile, kind: str) -> str:
    """Decisions -> motor pins (as simulator.controller.decode_pins), and the PWM rule."""
    motors = profile.motors
    index = {name: i for i, name in enumerate(motors.pin_order)}
    patterns = "\n".join(
        f"static const uint8_t neurocar_pattern_{name}[NEUROCAR_N_PINS] = {{{', '.join(map(str, motors.patterns[name]))}}};"
        for name in PATTERN_ORDER)
    if kind == "pins":
        body = ("    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {\n"
                "        pins[k] = (uint8_t)decision[k];\n    }\n")
        comment = f"one output per motor pin ({' '.join(motors.pin_order)})"
    else:
        turn, direction = (brain.output_names.index(n) for n in TURN_DIRECTION)
        body = (f"    const uint8_t *pattern = decision[{turn}] > 0 ? neurocar_pattern_right\n"
                f"        : decision[{turn}] < 0 ? neurocar_pattern_left\n"
                f"        : decision[{direction}] >= 0 ? neurocar_pattern_forward : neurocar_pattern_backward;\n"
                "    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {\n"
                "        pins[k] = pattern[k];\n    }\n")
        comment = "turn != 0 turns in place (1 right, -1 left), else direction >= 0 forward"
    sides = (f"    int8_t left = (int8_t)pins[{index[motors.left.forward]}] - (int8_t)pins[{index[motors.left.backward]}];\n"
             f"    int8_t right = (int8_t)pins[{index[motors.right.forward]}] - (int8_t)pins[{index[motors.right.backward]}];\n")
    return (f"/* The profile's pin patterns, {' '.join(motors.pin_order)}. */\n{patterns}\n\n"
            f"/* decode_pins: {comment}. */\n"
            "static inline void neurocar_decode_pins(const int8_t *decision, uint8_t *pins)\n{\n"
            f"{body}}}\n\n"
            "/* The PWM: the turning one while the sides run opposite ways, else the reference. */\n"
            "static inline uint8_t neurocar_pwm_for(const uint8_t *pins)\n{\n"
            f"{sides}    return (left * right < 0) ? NEUROCAR_TURN_PWM : NEUROCAR_REFERENCE_PWM;\n}}\n")


_TICK = """\
/* One car's controller state: simulator.controller.Controller for n = 1. */
typedef struct {
    int16_t servo_deg;
    int8_t servo_dir;
    uint16_t hold;                    /* ticks left before the next decision */
    uint8_t pins[NEUROCAR_N_PINS];
    uint8_t pwm;
    int16_t reading_cm;               /* -1 when the car did not read this tick */
    float inputs[NEUROCAR_N_INPUTS];  /* the last decision's inputs */
} neurocar_controller;

/* reset: servo to its start, no action held, motors off. */
static inline void neurocar_reset(neurocar_controller *c)
{
    c->servo_deg = NEUROCAR_SERVO_START_DEG;
    c->servo_dir = NEUROCAR_SERVO_START_DIRECTION;
    c->hold = 0;
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        c->pins[k] = 0;
    }
    c->pwm = 0;
    c->reading_cm = -1;
    c->inputs[0] = 0.0f;
    c->inputs[1] = 0.0f;
}

/* sweep_step: one servo step, clamped to the ends, turning back at them. */
static inline int16_t neurocar_sweep(neurocar_controller *c)
{
    int16_t angle = c->servo_deg + c->servo_dir * NEUROCAR_SERVO_STEP_DEG;
    if (angle >= NEUROCAR_SERVO_MAX_DEG) {
        angle = NEUROCAR_SERVO_MAX_DEG;
        c->servo_dir = -1;
    } else if (angle <= NEUROCAR_SERVO_MIN_DEG) {
        angle = NEUROCAR_SERVO_MIN_DEG;
        c->servo_dir = 1;
    }
    c->servo_deg = angle;
    return angle;
}

/* deciding: no action in progress, so the car reads the sensor this tick. */
static inline uint8_t neurocar_deciding(const neurocar_controller *c)
{
    return c->hold == 0;
}

/* whole_cm: a reading in whole centimetres, clamped; no echo reads as the clamp. */
static inline int16_t neurocar_whole_cm(uint16_t distance_cm)
{
    return (distance_cm > NEUROCAR_DISTANCE_CLAMP_CM) ? NEUROCAR_DISTANCE_CLAMP_CM : (int16_t)distance_cm;
}

/* encode_distance: 1 touching, -1 at the clamp or beyond. */
static inline float neurocar_encode_distance(int16_t d)
{
    return 1.0f - 2.0f * (float)d / (float)NEUROCAR_DISTANCE_CLAMP_CM;
}

/* encode_angle: the servo angle onto [-1, 1], -1 at the left end. */
static inline float neurocar_encode_angle(int16_t angle)
{
    float x = 2.0f * (float)(angle - NEUROCAR_SERVO_MIN_DEG)
              / (float)(NEUROCAR_SERVO_MAX_DEG - NEUROCAR_SERVO_MIN_DEG) - 1.0f;
    return (NEUROCAR_LEFT_SIGN < 0) ? x : -x;
}

/* hold_ticks: the whole hold of an action decided at d, in exact integers. */
static inline uint16_t neurocar_hold_ticks(int16_t d)
{
    return NEUROCAR_HOLD_MIN_TICKS
           + (uint16_t)((2L * NEUROCAR_HOLD_TICKS_PER_UNIT * (NEUROCAR_DISTANCE_CLAMP_CM - d))
                        / NEUROCAR_DISTANCE_CLAMP_CM);
}

/* decide: steps 2-3 of a tick. The reading is used only when deciding; returns 1 then. */
static inline uint8_t neurocar_decide(neurocar_controller *c, uint16_t distance_cm)
{
    int8_t decision[NEUROCAR_N_OUTPUTS];
    c->reading_cm = -1;
    if (!neurocar_deciding(c)) {
        c->hold -= 1;
        return 0;
    }
    int16_t d = neurocar_whole_cm(distance_cm);
    c->inputs[0] = neurocar_encode_distance(d);
    c->inputs[1] = neurocar_encode_angle(c->servo_deg);
    neurocar_decide_outputs(c->inputs, decision);
    neurocar_decode_pins(decision, c->pins);
    c->pwm = neurocar_pwm_for(c->pins);
    c->hold = neurocar_hold_ticks(d) - 1;
    c->reading_cm = d;
    return 1;
}
"""


# The fixed-point tick differs only where values are held: the inputs are Q13 integers,
# encoded from the reading and the angle by exact integer division.
_FIXED_INPUTS = "    int16_t inputs[NEUROCAR_N_INPUTS];  /* the last decision's inputs, Q13 */"
_FIXED_RESET = "    c->inputs[0] = 0;\n    c->inputs[1] = 0;"
_FIXED_ENCODERS = """\
/* The Q13 value of num / den (den > 0): the nearest, halves away from zero, as
   brain.fixedpoint.quantise rounds the Python controller's float inputs. */
static inline int16_t neurocar_q12_ratio(int32_t num, int32_t den)
{
    int32_t twice = 2L * num * NEUROCAR_ONE;
    return (int16_t)((twice + (twice < 0 ? -den : den)) / (2L * den));
}

/* encode_distance: 1 touching, -1 at the clamp or beyond (Q13). */
static inline int16_t neurocar_encode_distance(int16_t d)
{
    return neurocar_q12_ratio(NEUROCAR_DISTANCE_CLAMP_CM - 2L * d, NEUROCAR_DISTANCE_CLAMP_CM);
}

/* encode_angle: the servo angle onto [-1, 1], -1 at the left end (Q13). */
static inline int16_t neurocar_encode_angle(int16_t angle)
{
    int32_t num = 2L * (angle - NEUROCAR_SERVO_MIN_DEG) - (NEUROCAR_SERVO_MAX_DEG - NEUROCAR_SERVO_MIN_DEG);
    return neurocar_q12_ratio((NEUROCAR_LEFT_SIGN < 0) ? num : -num,
                              NEUROCAR_SERVO_MAX_DEG - NEUROCAR_SERVO_MIN_DEG);
}

"""


def fixed_point_tick() -> str:
    """The tick of ``_TICK`` with Q13 inputs (for a ``brain.fixedpoint.FixedPointBrain``)."""
    start = _TICK.index("/* encode_distance:")
    end = _TICK.index("/* hold_ticks:")
    text = _TICK[:start] + _FIXED_ENCODERS + _TICK[end:]
    for old, new in (("    float inputs[NEUROCAR_N_INPUTS];  /* the last decision's inputs */", _FIXED_INPUTS),
                     ("    c->inputs[0] = 0.0f;\n    c->inputs[1] = 0.0f;", _FIXED_RESET)):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def q12_ratio(num: int, den: int) -> int:
    """``neurocar_q12_ratio`` in Python integers (C division truncates towards zero)."""
    twice = 2 * num * ONE
    top = twice + (-den if twice < 0 else den)
    q = abs(top) // (2 * den)
    return q if top >= 0 else -q


def fixed_inputs(d_cm: int, angle: int, profile) -> tuple[int, int]:
    """The fixed-point firmware's Q13 inputs for a whole-cm reading and a servo angle."""
    servo, clamp = profile.servo, profile.control.distance_clamp_cm
    num = 2 * (angle - servo.min_deg) - (servo.max_deg - servo.min_deg)
    return q12_ratio(clamp - 2 * d_cm, clamp), q12_ratio(num if servo.left_sign < 0 else -num,
                                                         servo.max_deg - servo.min_deg)
