"""Keys as the key table names them ("Ctrl+Z", "Space", "+", "Arrows") matched against
pygame's KEYDOWN events; keypad keys count as the keys they copy."""
import pygame

_NAMED = {
    "space": pygame.K_SPACE, "tab": pygame.K_TAB, "enter": pygame.K_RETURN, "esc": pygame.K_ESCAPE,
    "up": pygame.K_UP, "down": pygame.K_DOWN, "left": pygame.K_LEFT, "right": pygame.K_RIGHT,
    "home": pygame.K_HOME, "backspace": pygame.K_BACKSPACE, "delete": pygame.K_DELETE,
    "insert": pygame.K_INSERT, "f1": pygame.K_F1, "f2": pygame.K_F2,
    "pageup": pygame.K_PAGEUP, "pagedown": pygame.K_PAGEDOWN,
}
_ALIASES = {pygame.K_KP_ENTER: pygame.K_RETURN, pygame.K_KP_PLUS: pygame.K_PLUS,
            pygame.K_KP_MINUS: pygame.K_MINUS, pygame.K_KP_PERIOD: pygame.K_PERIOD,
            pygame.K_KP1: pygame.K_1, pygame.K_KP2: pygame.K_2, pygame.K_KP3: pygame.K_3, pygame.K_KP4: pygame.K_4}
_CHARS = {"+": pygame.K_PLUS, "=": pygame.K_EQUALS, "-": pygame.K_MINUS, ".": pygame.K_PERIOD,
          "[": pygame.K_LEFTBRACKET, "]": pygame.K_RIGHTBRACKET}
DIGITS = "0123456789"         # "0-9" in the key table: any digit, on the keypad too
ARROWS = {pygame.K_UP: (0, 1), pygame.K_DOWN: (0, -1), pygame.K_LEFT: (-1, 0), pygame.K_RIGHT: (1, 0)}


def _parse(spec: str):
    """'Ctrl+Shift+Z' -> (key, ctrl, shift); a lone character matches by the text it types."""
    parts = spec.split("+") if spec not in ("+",) else ["+"]
    name = parts[-1] or "+"
    mods = {p.lower() for p in parts[:-1]}
    if name in _CHARS:
        return ("char", name), "ctrl" in mods, None
    if name.lower() in _NAMED:
        key = _NAMED[name.lower()]
    elif name == "Arrows":
        key = "arrows"
    elif name == "0-9":
        key = "digits"
    else:
        key = pygame.key.key_code(name.lower())
    return key, "ctrl" in mods, "shift" in mods


def matches(spec: str, event) -> bool:
    key, ctrl, shift = _parse(spec)
    mod = getattr(event, "mod", 0)
    if bool(mod & pygame.KMOD_CTRL) != ctrl:
        return False
    if isinstance(key, tuple):               # typed characters such as + - . [ ]
        return getattr(event, "unicode", "") == key[1] or _ALIASES.get(event.key, event.key) == _CHARS[key[1]]
    if shift is not None and bool(mod & pygame.KMOD_SHIFT) != shift and key != pygame.K_RETURN:
        return False
    if key == "arrows":
        return event.key in ARROWS
    if key == "digits":
        return getattr(event, "unicode", "") in tuple(DIGITS)
    return _ALIASES.get(event.key, event.key) == key
