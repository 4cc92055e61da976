"""The replay's right-hand cards: the decision of the tick shown (the action, its pins,
PWM and hold, the reading and the memory it read) and the log itself (its header, how
many lines were garbled and ticks lost, the actions decided)."""
import math

import pygame

from simulator.gui import theme as th
from simulator.gui.panels import section
from brain.i18n import N_, _

# by the action's English name; the run's actions are shown (and compared here) in the language in use
ACTION_COLORS = {N_("forward"): (110, 200, 120), N_("backward"): th.NEGATIVE, N_("turn left"): th.POSITIVE,
                 N_("turn right"): (180, 130, 235), N_("stopped"): (150, 156, 168)}
OTHER_ACTION = th.OUTPUT_HUE
BAR_BG = (52, 57, 68)
PIN_OFF = (58, 63, 75)
PWM_MAX = 255


def action_color(name: str):
    return next((c for english, c in ACTION_COLORS.items() if name in (english, _(english))), OTHER_ACTION)


def reading_text(cm) -> str:
    if cm is None:
        return _("no ping")
    return _("no echo") if math.isinf(cm) else _("{cm} cm").format(cm=f"{cm:.0f}")


def _bar(surface, text, x, y, w, frac: float, color, label: str) -> None:
    """A labelled bar ``frac`` full, the label to its right."""
    bar_w = w - 150
    pygame.draw.rect(surface, BAR_BG, (x, y + 3, bar_w, 10), border_radius=3)
    if frac > 0:
        pygame.draw.rect(surface, color, (x, y + 3, max(3, round(bar_w * min(frac, 1.0))), 10), border_radius=3)
    text.draw(surface, label, (x + bar_w + 10, y), th.FONT_SMALL, th.TEXT)


def draw_decision(surface, text, rect, run, view) -> None:
    """What the car was doing on the tick shown, and why."""
    t, i = view.tick, view.index
    inner = section(surface, text, rect, _("Decision"), note=_("tick {tick} · {seconds:.2f} s").format(
        tick=t.tick, seconds=run.slots[i] * run.tick_s))
    x, y = inner.x + 4, inner.y + 2
    action = run.actions[i]
    text.draw(surface, action, (x, y), 22, action_color(action), bold=True)
    d = run.decision_of(i)
    when = _("decided this tick") if t.decided else _("holding: decided at tick {tick}").format(tick=run.ticks[d].tick)
    if not t.decided and not run.ticks[d].decided:
        when = _("holding: its decision came before the log")
    text.draw(surface, when, (inner.right - 4, y + 6), th.FONT_SMALL, th.TEXT_DIM, anchor="topright")
    y += 34
    text.draw(surface, _("servo {servo_deg}° · reading {reading_text}").format(
        servo_deg=t.servo_deg, reading_text=reading_text(t.reading_cm)), (x, y), th.FONT, th.TEXT)
    y += th.ROW_H + 6
    y = _draw_pins(surface, text, x, y, run, t.pins)
    _bar(surface, text, x, y, inner.w - 8, t.pwm / PWM_MAX, th.OUTPUT_HUE,
         _("PWM {pwm} of {most}").format(pwm=t.pwm, most=PWM_MAX))
    y += th.ROW_H
    full = run.ticks[d].hold + 1 if run.ticks[d].decided else max(t.hold, 1)
    _bar(surface, text, x, y, inner.w - 8, t.hold / max(full, 1), th.INPUT_HUE,
         _("hold {hold} of {full} ticks").format(hold=t.hold, full=full))
    y += th.ROW_H + 6
    read = run.inputs_of(d)
    if read is not None:
        at = _("this tick") if d == i else _("tick {tick}").format(tick=run.ticks[d].tick)
        items = [_("brain read at {at}:").format(at=at)] + [f"{n} {v:+.2f}" for n, v in read]
        for line in _flow(text, items, inner.w - 8):
            text.draw(surface, line, (x, y), th.FONT_SMALL, th.INPUT_HUE)
            y += th.ROW_H - 2
        y += 2
    if t.memory_cm:
        names = _memory_names(run.header, len(t.memory_cm))
        memory = " · ".join(f"{n} {cm} cm" for n, cm in zip(names, t.memory_cm))
        text.draw(surface, text.fit(_("memory now: {memory}").format(
            memory=memory), inner.w - 8, th.FONT_SMALL), (x, y), th.FONT_SMALL,
                  th.INPUT_HUE)


def _flow(text, items, width: int) -> list[str]:
    """``items`` joined with ' · ' on as few lines as fit ``width``."""
    lines = [items[0]]
    for item in items[1:]:
        joined = f"{lines[-1]} · {item}" if lines[-1] != items[0] else f"{lines[-1]} {item}"
        if text.width(joined, th.FONT_SMALL) <= width:
            lines[-1] = joined
        else:
            lines.append(item)
    return [text.fit(line, width, th.FONT_SMALL) for line in lines]


def _memory_names(header, n: int) -> list[str]:
    """The memory inputs' names from the header (the inputs after distance and position)."""
    names = [name for name in (header.inputs if header else ()) if name not in ("distance", "position")]
    return names if len(names) == n else [_("memory {number}").format(number=k + 1) for k in range(n)]


def _draw_pins(surface, text, x, y, run, pins) -> int:
    """The motor pins as lamps with their names, in the order the log lists them."""
    names = run.header.pin_order if run.header and len(run.header.pin_order) == len(pins) else \
        [_("pin {number}").format(number=k + 1) for k in range(len(pins))]
    for name, on in zip(names, pins):
        box = pygame.Rect(x, y, 52, 22)
        pygame.draw.rect(surface, th.OUTPUT_HUE if on else PIN_OFF, box, border_radius=4)
        text.draw(surface, f"{name} {on}", box.center, th.FONT_SMALL, (20, 22, 27) if on else th.TEXT_DIM,
                  bold=bool(on), anchor="center")
        x += 58
    return y + 30


def header_lines(run) -> list[tuple[str, tuple]]:
    """The log's header and counts as (line, colour) for the Log card."""
    h = run.header
    lines = [(f"{_(run.kind)}: {run.name}", th.TEXT)]
    if h is None:
        lines.append((_("no header line read: the brain and profile are unknown"), th.TEXT_ERROR))
    else:
        match = run.profile_matches
        profile = (_("profile hash {hash} ✓ {profile}") if match else
                   _("profile hash {hash} ✗ differs from {profile}")).format(hash=h.profile_hash,
                                                                            profile=run.profile.name)
        sketch = _("sketch {version} · fixed point") if h.arithmetic == "fixed" else _("sketch {version} · float")
        lines += [(_("brain sha256 {sha}…").format(sha=h.brain_sha256[:16]), th.TEXT),
                  (profile, th.TEXT_OK if match else th.TEXT_ERROR),
                  (sketch.format(version=h.version), th.TEXT),
                  (_("inputs {names}").format(names=", ".join(h.inputs)), th.TEXT_DIM),
                  (_("motor pins {names}").format(names=" ".join(h.pin_order)), th.TEXT_DIM)]
    span = run.n_slots
    lines.append((_("{received:,} ticks received over {span:,} ({seconds:.1f} s) · {headers} headers").format(
        received=len(run.ticks), span=span, seconds=span * run.tick_s, headers=run.headers), th.TEXT))
    lost_color = th.TEXT_ERROR if run.lost_ticks or run.garbled else th.TEXT_OK
    lines.append((_("{lost:,} ticks lost · {garbled:,} garbled lines skipped").format(
        lost=run.lost_ticks, garbled=run.garbled), lost_color))
    return lines


def draw_log(surface, text, rect, run) -> None:
    """The log's header and counts, then a bar per action decided."""
    inner = section(surface, text, rect, _("Log"), note=_(run.kind))
    y = inner.y + 2
    for line, color in header_lines(run):
        if y + th.ROW_H > inner.bottom:
            return
        text.draw(surface, text.fit(line, inner.w - 8, th.FONT_SMALL), (inner.x + 4, y), th.FONT_SMALL, color)
        y += th.ROW_H
    counts = run.action_counts()
    total = sum(counts.values()) or 1
    y += 6
    for name, n in counts.items():
        if y + th.ROW_H > inner.bottom:
            break
        text.draw(surface, name, (inner.x + 4, y), th.FONT_SMALL, action_color(name))
        _bar(surface, text, inner.x + 90, y, inner.w - 94, n / total, action_color(name),
             _("{count:,} decisions ({share:.0f} %)").format(count=n, share=100 * n / total))
        y += th.ROW_H
