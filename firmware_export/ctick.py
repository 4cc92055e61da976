"""C code for the controller tick, generated from the robot profile.

It mirrors ``simulator.controller`` function for function (``sweep``, ``deciding``,
``decide``, ``encode_distance``, ``encode_angle``, ``hold_ticks``, the decoding into
motor pins and PWM) for one car, in plain C99: the sketch calls it every tick, and the
same text runs on the host (closed loop) and in simavr (open loop) for verification.
Every number in it comes from the profile or the brain, none is typed here.
"""
from simulator.controller import TURN_DIRECTION, ControllerError, output_kind

from firmware_export.cgen import C_ACTIVATIONS, c_float
from firmware_export.decisions import decoder_expression
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
    parts = [_profile_constants(profile), _decide_outputs(brain), _pin_rule(brain, profile, kind), _TICK]
    return "\n".join(parts)


def _profile_constants(profile) -> str:
    servo, control, motors = profile.servo, profile.control, profile.motors
    lines = [
        "/* The robot profile (" + profile.name + "): servo sweep, control tick, hold rule. */",
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
    calls = []
    for i, layer in enumerate(layers, start=1):
        src = "inputs" if i == 1 else ("neurocar_buffer_a" if i % 2 == 0 else "neurocar_buffer_b")
        dst = "z" if i == len(layers) else ("neurocar_buffer_a" if i % 2 else "neurocar_buffer_b")
        biases = f"layer{i}_biases" if layer.has_bias else "0"
        act = "NEUROCAR_LINEAR" if i == len(layers) else C_ACTIVATIONS[layer.activation.name][0]
        calls.append(f"    neurocar_layer({src}, {layer.n_in}, layer{i}_weights, {biases}, {layer.n_out}, {act}, {dst});")
    buffers = ["    static float z[NEUROCAR_N_OUTPUTS];"]
    if len(layers) > 1:
        buffers.append("    static float neurocar_buffer_a[NEUROCAR_MAX_WIDTH];")
    if len(layers) > 2:
        buffers.append("    static float neurocar_buffer_b[NEUROCAR_MAX_WIDTH];")
    last = layers[-1].activation.name
    decodes = [f"    decision[{k}] = {_decoded(decoder, last, k)};  /* {name}: {decoder} */"
               for k, (name, decoder) in enumerate(zip(brain.output_names, brain.decoders))]
    return ("/* Brain.decide: each output's decision (brain.decoders) from the inputs. The output\n"
            "   layer's activation is monotonic, so each decoder compares its pre-activation z with\n"
            "   the activation's inverse at the decoder's edge: the same decision as decoding\n"
            "   f(z), without the dearest calls of the pass. */\n"
            "static inline void neurocar_decide_outputs(const float *inputs, int8_t *decision)\n{\n"
            + "\n".join(buffers + calls + decodes) + "\n}\n")


def _decoded(decoder: str, activation: str, k: int) -> str:
    expr = decoder_expression(decoder, activation)
    return expr.replace("z", f"z[{k}]") if "z" in expr else expr


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
