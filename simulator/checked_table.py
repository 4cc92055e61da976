"""Reading a settings file's tables with every value checked: its kind, and its range."""
import math


class CheckedTable:
    """Typed access to a file's tables (parsed TOML), with one clear message per bad
    key: an ``error`` naming the file and the key."""

    def __init__(self, data: dict, source: str, error: type[Exception]):
        self.data, self.source, self.error = data, source, error

    def fail(self, key: str, what: str) -> Exception:
        return self.error(f"{self.source}: {key} {what}")

    def get(self, key: str, kind, section: str | None = None):
        """The value of kind (a float may be written as a whole number, kept exact here)."""
        table = self.data if section is None else self.section(section)
        full = key if section is None else f"{section}.{key}"
        if key not in table:
            raise self.fail(full, f"is missing; expected {_KIND_NAMES.get(kind, kind.__name__)}")
        value = table[key]
        accepted = (int, float) if kind is float else kind
        if not isinstance(value, accepted) or isinstance(value, bool):
            raise self.fail(full, f"= {show_value(value)} is not {_KIND_NAMES.get(kind, kind.__name__)}")
        return value

    def section(self, name: str) -> dict:
        """The table [name]; a dotted name reaches into nested tables."""
        table = self.data
        for part in name.split("."):
            table = table.get(part) if isinstance(table, dict) else None
        if not isinstance(table, dict):
            raise self.fail(f"[{name}]", "section is missing")
        return table

    def has(self, name: str) -> bool:
        """Whether the file has the table [name] at all."""
        table = self.data
        for part in name.split("."):
            table = table.get(part) if isinstance(table, dict) else None
        return isinstance(table, dict)

    def bounded(self, section: str, key: str, kind, low, high, why: str, unit: str = "",
                above: bool = False, below: bool = False):
        """A number of kind from low to high (above: low excluded, below: high excluded)."""
        value = self.get(key, kind, section)
        self.check(f"{section}.{key}", value, low, high, why, unit, above, below)
        return float(value) if kind is float else value

    def check(self, full: str, value, low, high, why: str, unit: str = "", above=False, below=False) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(full, f"= {value!r} must be a finite number, {_span(low, high, unit, above, below)}")
        if not ((value > low if above else value >= low) and (value < high if below else value <= high)):
            raise self.fail(full, f"= {show_value(value)} is out of range; accepted: "
                                  f"{_span(low, high, unit, above, below)} ({why})")


_KIND_NAMES = {float: "a number", int: "a whole number", str: "text", dict: "a table", list: "a list"}


def show_value(value) -> str:
    """The value as written, shortened when it is absurdly long."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:12]}... ({len(text)} characters)"


def _span(low, high, unit: str, above: bool, below: bool) -> str:
    return (f"{'above' if above else 'at least'} {low:g} and "
            f"{'below' if below else 'at most'} {high:g}{unit}")
