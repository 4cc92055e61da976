"""The sketch name: a folder, a file (NAME.ino) and, in the IDE's build, an identifier.

The Arduino IDE turns NAME.ino into NAME.ino.cpp and compiles it with the core's
headers, so a name is refused when it is not a plain ASCII C identifier, is a C or
C++ keyword, is reserved to the compiler (``__x``, ``_X``), names something the
sketch or the Arduino core already defines (``loop``, ``Servo``, ``Serial`` ...), or
cannot be a folder on Windows (``CON``, ``COM1`` ...), where many users open sketches.
"""
import re

from firmware_export.errors import ExportError
from brain.i18n import _

MAX_LENGTH = 63
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z", re.ASCII)

C_KEYWORDS = frozenset("""
auto break case char const continue default do double else enum extern float for goto if inline
int long register restrict return short signed sizeof static struct switch typedef union unsigned
void volatile while _Bool _Complex _Imaginary _Alignas _Alignof _Atomic _Generic _Noreturn
_Static_assert _Thread_local
alignas alignof and and_eq asm bitand bitor bool catch char16_t char32_t class compl constexpr
const_cast decltype delete dynamic_cast explicit export false friend mutable namespace new noexcept
not not_eq nullptr operator or or_eq private protected public reinterpret_cast static_assert
static_cast template this thread_local throw true try typeid typename using virtual wchar_t xor
xor_eq""".split())

# What the Arduino core (Arduino.h and the classes it brings) and the sketch define.
ARDUINO_NAMES = frozenset("""
setup loop main init initVariant yield Arduino Servo Serial Serial1 String Stream Print Printable
Wire SPI EEPROM HardwareSerial IPAddress HIGH LOW INPUT OUTPUT INPUT_PULLUP LED_BUILTIN true false
PI HALF_PI TWO_PI DEG_TO_RAD RAD_TO_DEG EULER SERIAL DISPLAY LSBFIRST MSBFIRST CHANGE FALLING RISING
DEFAULT EXTERNAL INTERNAL A0 A1 A2 A3 A4 A5 A6 A7 pinMode digitalWrite digitalRead analogRead
analogReference analogWrite millis micros delay delayMicroseconds pulseIn pulseInLong shiftOut
shiftIn attachInterrupt detachInterrupt interrupts noInterrupts tone noTone map min max abs
constrain round radians degrees sq random randomSeed word bit bitRead bitSet bitClear bitWrite
lowByte highByte boolean byte ISR sei cli""".split())

WINDOWS_DEVICES = frozenset(["CON", "PRN", "AUX", "NUL"] + [f"{p}{k}" for p in ("COM", "LPT") for k in range(1, 10)])


def check_identifier(name: str, what: str = "sketch name") -> str:
    """A user-given name becomes a folder, a file and a C++ translation unit: refuse,
    naming the rule, anything that would not build or would shadow the core."""
    problem = _problem(name or "")
    if problem:
        raise ExportError(_("{what} {name!r} is not usable as a C identifier: {problem}; use ASCII letters, digits "
                          "and underscores, starting with a letter, at most {MAX_LENGTH} characters "
                          "(for example neurocar_v2)").format(
                              what=what, name=name, problem=problem, MAX_LENGTH=MAX_LENGTH))
    return name


def _problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if not _IDENTIFIER.match(name):
        bad = next((c for c in name if not (c.isascii() and (c.isalnum() or c == "_"))), None)
        return f"it holds {bad!r}" if bad else "it starts with a digit"
    if len(name) > MAX_LENGTH:
        return f"it is {len(name)} characters long"
    if name.startswith("__") or (name[0] == "_" and name[1:2].isupper()):
        return "names starting with __ or _ and a capital are reserved to the compiler"
    if name in C_KEYWORDS:
        return "it is a C/C++ keyword"
    if name in ARDUINO_NAMES:
        return "the Arduino core or the sketch already defines it"
    if name.upper() in WINDOWS_DEVICES:
        return "Windows cannot use it as a folder name"
    return None
