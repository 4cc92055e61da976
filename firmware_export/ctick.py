"""C code for the controller tick, generated from the robot profile.

It mirrors ``simulator.controller`` function for function (``sweep``, ``deciding``,
``decide``, ``encode_distance``, ``encode_angle``, ``hold_ticks``, the decoding into
motor pins and PWM) for one car, in plain C99: the sketch calls it every tick, and the
same text runs on the host (closed loop) and in simavr (open loop) for verification.
The code is in the templates (``tick_*``, ``encode_*``, ``decode_pins_*`` ...); every
number filled into it comes from the profile or the brain, none is typed here.
"""
from brain.fixedpoint import FixedPointBrain
from simulator.controller import TURN_DIRECTION, check_brain, memory_inputs
from simulator.profile import PATTERN_NAMES
from simulator.sweep_memory import starts_full

from firmware_export import cgen_fixed
from firmware_export.ctemplates import fill, source
from firmware_export.decisions import BITS_VARIABLE, DECODER_RULES, decoder_expression

def controller_source(brain, profile) -> str:
    """Constants, the decision (network + decoders) and the tick, for one car."""
    kind = check_brain(brain, profile)
    fixed = isinstance(brain, FixedPointBrain)
    decide = cgen_fixed.decide_source(brain) if fixed else _decide_outputs(brain)
    return "\n".join([_profile_constants(profile), decide, _pin_rule(brain, profile, kind),
                      tick_source(fixed, profile.control, memory_inputs(brain), starts_full(profile.servo))])


def tick_source(fixed: bool, control, memory: tuple = (), full_start: bool = False) -> str:
    """The controller state and tick: float inputs, or Q13 inputs encoded by exact
    integer division for a ``brain.fixedpoint.FixedPointBrain``. A
    ``control.ping_every_ticks`` above 1 makes every hold at least that long
    (``simulator.controller.paced_hold_ticks``); ``memory`` names the memory inputs after
    distance and position (``simulator.sweep_memory``; ``full_start``: the first sweep is
    a full one), which ``control.read_while_holding`` fills with pings while holding too.
    With none of them, the tick is the text it was before those options existed."""
    zero, every = ("0" if fixed else "0.0f"), control.ping_every_ticks
    holding = bool(memory) and control.read_while_holding
    state = fill("tick_state.h", value_t="int16_t" if fixed else "float", unit=", Q13" if fixed else "", zero=zero,
                 memory_state=fill("memory_state.h", ping_state=_PING_STATE if holding else "") if memory else "",
                 memory_reset=fill("memory_reset.h", zero=zero, starts_full=int(full_start),
                                   ping_reset=_PING_RESET if holding else "") if memory else "")
    paced = every > 1
    decide = fill("tick_decide.h", hold_ticks="neurocar_paced_hold_ticks" if paced else "neurocar_hold_ticks",
                  paced_hold=fill("paced_hold.h", ping_every_ticks=every) if paced else "",
                  memory_ping=_PING_NOW if holding else "",
                  memory_hold=(source("hold_ping_read.h") if holding else "        neurocar_sweep_end(c);\n")
                  if memory else "",
                  memory_read="    neurocar_remember(c, d);\n" if memory else "",
                  memory_inputs=_memory_inputs(memory))
    remember = source("sweep_memory.h") + (fill("hold_ping.h", every=every) if holding else "") if memory else ""
    return state + source("encode_fixed.h" if fixed else "encode_float.h") + remember + decide


# control.read_while_holding: a byte counting the ticks since the last ping, counted first.
_PING_STATE = "    uint8_t since_ping;               /* ticks since the sensor last pinged (255: long ago) */\n"
_PING_RESET = "    c->since_ping = 255;\n"
_PING_NOW = ("    uint8_t ping = neurocar_reading(c);  /* before the hold counts down */\n"
             "    c->since_ping = ping ? 0 : (uint8_t)(c->since_ping < 255 ? c->since_ping + 1 : 255);\n")


# Where the tick keeps each memory input's whole-cm value.
_MEMORY_FIELDS = {"left_nearest": "c->nearest_last[0]", "right_nearest": "c->nearest_last[1]",
                  "previous": "c->previous"}


def _memory_inputs(memory) -> str:
    """The memory inputs encoded after distance and position, then this reading kept as
    the next decision's ``previous``."""
    if not memory:
        return ""
    lines = [f"    c->inputs[{2 + k}] = neurocar_encode_distance({_MEMORY_FIELDS[name]});  /* {name} */"
             for k, name in enumerate(memory)]
    return "\n".join(lines + ["    c->previous = (uint8_t)d;"]) + "\n"


def _profile_constants(profile) -> str:
    servo, control, motors = profile.servo, profile.control, profile.motors
    return fill("profile.h", name=profile.name.replace("*/", "* /"),      # a name cannot end the comment
                tick_ms=round(control.tick_s * 1000), min_deg=servo.min_deg, max_deg=servo.max_deg,
                step_deg=servo.step_deg, start_deg=servo.start_deg, start_direction=servo.start_direction,
                left_sign=servo.left_sign, clamp_cm=control.distance_clamp_cm,
                hold_ticks_per_unit=control.hold_ticks_per_unit, hold_min_ticks=control.hold_min_ticks,
                reference_pwm=profile.drive.reference_pwm, turn_pwm=profile.drive.turn_pwm,
                n_pins=len(motors.pin_order), pin_order=" ".join(motors.pin_order))


def _decide_outputs(brain) -> str:
    """The network up to the last layer's pre-activations, then one decoder per output."""
    last = brain.network.layers[-1].activation.name
    expressions = {d: decoder_expression(d, last) for d in brain.decoders}
    functions = [decoder_function(d, last, e) for d, e in expressions.items() if BITS_VARIABLE in e]
    pairs = list(zip(brain.output_names, brain.decoders))
    if len(pairs) > 1 and len(expressions) == 1 and functions:
        decodes = fill("float_decode_all.h", names=" ".join(brain.output_names), decoder=brain.decoders[0],
                       activation=last).rstrip("\n")
    else:
        decodes = "\n".join(f"    decision[{k}] = {_decode_call(d, expressions[d], k)};  /* {name}: {d} of {last}(z) */"
                            for k, (name, d) in enumerate(pairs))
    return (source("decoder_bits_note.h") if functions else "") + "".join(functions) + \
        fill("float_decide.h", decodes=decodes)


def decoder_function(decoder: str, activation: str, expression: str) -> str:
    """One decoder of a = activation(z) as a function of z (written once, used per output).
    Its tests read z's bits: each is exactly the float comparison in the comment beside it
    (see firmware_export.decisions)."""
    return fill("float_decoder.h", decoder=decoder, activation=activation, rule=DECODER_RULES[decoder],
                expression=expression)


def _decode_call(decoder: str, expression: str, k: int) -> str:
    """The decoder's function on output k, or its constant when it can give only one value."""
    return f"neurocar_{decoder}(z[{k}])" if BITS_VARIABLE in expression else expression


def _pin_rule(brain, profile, kind: str) -> str:
    """Decisions -> motor pins (as simulator.controller.decode_pins), and the PWM rule."""
    motors = profile.motors
    index = {name: i for i, name in enumerate(motors.pin_order)}
    order = " ".join(motors.pin_order)
    patterns = "\n".join(f"static const uint8_t neurocar_pattern_{name}[NEUROCAR_N_PINS] = "
                         f"{{{', '.join(map(str, motors.patterns[name]))}}};" for name in PATTERN_NAMES)
    if kind == "pins":
        decode = fill("decode_pins_pins.h", pin_order=order)
    else:
        turn, direction = (brain.output_names.index(n) for n in TURN_DIRECTION)
        decode = fill("decode_pins_turn_direction.h", turn=turn, direction=direction)
    pwm = fill("pwm_for.h", left_forward=index[motors.left.forward], left_backward=index[motors.left.backward],
               right_forward=index[motors.right.forward], right_backward=index[motors.right.backward])
    return "\n".join([fill("pin_patterns.h", pin_order=order, patterns=patterns), decode, pwm])
