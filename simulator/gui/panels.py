"""The right-hand panel: the training table, the hyperparameters, the network with its
live activations, and the cost curve. Each ``draw_*`` only reads state."""
from dataclasses import dataclass

import numpy as np
import pygame

from simulator.gui import theme as th
from simulator.gui.hyper import FIELDS
from simulator.gui.messages import wrap_at_most
from simulator.gui.plot import draw_cost_curve
from brain.i18n import _


def section(surface, text, rect, title: str, focused: bool = False, note: str = "") -> pygame.Rect:
    """A titled card; returns the inner rect below the title."""
    pygame.draw.rect(surface, th.SECTION_BG, rect, border_radius=6)
    if focused:
        pygame.draw.rect(surface, th.SECTION_FOCUS, rect, 2, border_radius=6)
    px = th.px
    text.draw(surface, title, (rect.x + px(10), rect.y + px(6)), th.FONT_TITLE, th.TEXT, bold=True)
    if note:
        tw = text.width(title, th.FONT_TITLE, bold=True)
        note = text.fit(note, rect.w - tw - px(30), th.FONT_SMALL)
        text.draw(surface, note, (rect.right - px(10), rect.y + px(8)), th.FONT_SMALL, th.TEXT_DIM, anchor="topright")
    return pygame.Rect(rect.x + px(8), rect.y + px(26), rect.w - px(16), rect.h - px(32))


# -- the table ---------------------------------------------------------------------------
class TableView:
    """Draws a TableEditor; keeps the scroll offset and the column layout."""

    CHECK_W = 22                                         # the ✓ / ✗ column

    def __init__(self):
        self.scroll = 0
        self.cell_rects: dict[tuple[int, int], pygame.Rect] = {}
        self.grid = None                                 # the columns as last drawn

    def draw(self, surface, text, rect, editor, *, focused, entry=None, rows_right=None,
             blink=True, title_note=""):
        inner = section(surface, text, rect, _("Training table"), focused, title_note)
        check_w = th.px(self.CHECK_W)
        grid = self.grid = _Grid(inner, *_column_layout(text, inner.w - check_w, inner.x + check_w,
                                                        editor.columns))
        y = _draw_header(surface, text, grid, editor.columns)
        visible = max(1, (inner.bottom - y - th.ROW_H) // th.ROW_H)
        self._scroll_to(editor.row, editor.n_rows, visible)
        self.cell_rects.clear()
        for r in range(self.scroll, min(editor.n_rows, self.scroll + visible)):
            self._draw_row(surface, text, grid, editor, r, y, focused, entry, blink)
            if rows_right is not None and r < len(rows_right):
                text.draw(surface, "✓" if rows_right[r] else "✗", (inner.x + 8, y + 2), th.FONT_SMALL,
                          th.TEXT_OK if rows_right[r] else th.TEXT_ERROR)
            y += th.ROW_H
        self._draw_footer(surface, text, inner, editor, visible)

    def _scroll_to(self, row: int, n_rows: int, visible: int) -> None:
        """Scroll just enough to show ``row``."""
        if row < self.scroll:
            self.scroll = row
        elif row >= self.scroll + visible:
            self.scroll = row - visible + 1
        self.scroll = max(0, min(self.scroll, max(0, n_rows - visible)))

    def _draw_row(self, surface, text, grid, editor, r: int, y: int, focused, entry, blink) -> None:
        inner, cols, flag = grid.inner, editor.columns, editor.flag
        if r == editor.row:
            pygame.draw.rect(surface, th.ROW_SELECTED, (inner.x, y, inner.w, th.ROW_H))
        elif r % 2:
            pygame.draw.rect(surface, th.ROW_ALT, (inner.x, y, inner.w, th.ROW_H))
        for c, (x, w) in enumerate(zip(grid.xs, grid.widths)):
            cell = pygame.Rect(x, y, w, th.ROW_H)
            self.cell_rects[(r, c)] = cell
            editing = entry is not None and r == editor.row and c == editor.col
            s = entry.display(blink) if editing else editor.cell_text(r, c)
            color = th.TEXT
            if flag and flag[0] == r and flag[1] == c:
                pygame.draw.rect(surface, th.TEXT_ERROR, cell, 2)
                color = th.TEXT_ERROR
            elif r == editor.row and c == editor.col:
                pygame.draw.rect(surface, th.CELL_SELECTED if focused else th.TEXT_DIM, cell, 2 if editing else 1)
            if cols[c].role != "label":
                text.draw(surface, text.fit(s, w - 8, th.FONT), (x + w - 6, y + 2), th.FONT, color, anchor="topright")
            else:
                text.draw(surface, text.fit(s, w - 8, th.FONT), (x + 4, y + 2), th.FONT,
                          color if (s or editing) else th.TEXT_DIM)

    def _draw_footer(self, surface, text, inner, editor, visible: int) -> None:
        """The refusal message, or where the selection is."""
        fy = inner.bottom - th.ROW_H + 3
        if editor.flag:
            text.draw(surface, text.fit("✗ " + editor.flag[2], inner.w, th.FONT_SMALL), (inner.x, fy), th.FONT_SMALL,
                      th.TEXT_ERROR)
            return
        more = _("  (rows {first}-{last} of {count})").format(
            first=self.scroll + 1, last=min(editor.n_rows, self.scroll + visible), count=editor.n_rows) \
            if editor.n_rows > visible else ""
        col = editor.columns[editor.col]
        what = {"in": _("input"), "out": _("output")}.get(col.role, _("action name"))
        if col.role == "out":
            what += _(", decoded by {decoder}").format(decoder=col.decoder)
        line = _("row {row}, {column} ({what}){more}").format(
            row=editor.row + 1, column=col.name, what=what, more=more)
        text.draw(surface, text.fit(line, inner.w, th.FONT_SMALL), (inner.x, fy), th.FONT_SMALL, th.TEXT_DIM)


@dataclass
class _Grid:
    inner: pygame.Rect
    xs: list
    widths: list
    header: list             # each column's name as the header shows it: one line, or two


NUMBER_W, LABEL_W, LABEL_SQUEEZED_W = 42, 90, 50     # the narrowest columns, the label's until squeezed
CELL_PAD = 8                                          # around a column's name: 2 px left, 6 right
HEADER_LINE_H = 14                                    # a second header line


def _header_lines(name: str, split: bool) -> list[str]:
    """A column's name as the header shows it; split: on two lines after its first '_'."""
    head, sep, tail = name.partition("_")
    return [head + sep, tail] if split and sep and tail else [name]


def _column_layout(text, width: int, x0: int, cols):
    """(xs, widths, header): each column as wide as its name, the names with a '_' on two
    lines when one line does not fit (the memory inputs: left_ / nearest); the spare width
    to the label column (else shared); short of width, the label column gives first, then
    every column its share."""
    for split in (False, True):
        header = [_header_lines(c.name, split) for c in cols]
        widths = [max(max(text.width(line, th.FONT_SMALL, bold=True) for line in lines) + CELL_PAD,
                      NUMBER_W if c.role != "label" else LABEL_W) for c, lines in zip(cols, header)]
        if sum(widths) <= width:
            break
    label_idx = [i for i, c in enumerate(cols) if c.role == "label"]
    spare = width - sum(widths)
    if spare < 0 and label_idx:
        give = min(-spare, widths[label_idx[0]] - LABEL_SQUEEZED_W)
        widths[label_idx[0]] -= give
        spare += give
    if spare < 0:
        widths = [max(24, w * width // sum(widths)) for w in widths]
    elif spare > 0:
        if label_idx:
            widths[label_idx[0]] += spare
        else:
            widths = [w + spare // len(cols) for w in widths]
    xs = [x0]
    for w in widths[:-1]:
        xs.append(xs[-1] + w)
    return xs, widths, header


def _draw_header(surface, text, grid, cols) -> int:
    """The column names, a one-line name on the last line of a two-line header; returns
    the y where the rows begin."""
    line_h = th.px(HEADER_LINE_H)
    extra = line_h * (max(len(lines) for lines in grid.header) - 1)
    for c, x, w, lines in zip(cols, grid.xs, grid.widths, grid.header):
        color = th.INPUT_HUE if c.role == "in" else th.OUTPUT_HUE if c.role == "out" else th.TEXT_DIM
        y = grid.inner.y + extra - line_h * (len(lines) - 1)
        for line in lines:
            name = text.fit(line, w - 8, th.FONT_SMALL, bold=True)
            if c.role == "label":
                text.draw(surface, name, (x + 4, y), th.FONT_SMALL, color, bold=True)
            else:
                text.draw(surface, name, (x + w - 6, y), th.FONT_SMALL, color, bold=True, anchor="topright")
            y += line_h
    y = grid.inner.y + extra + th.ROW_H
    pygame.draw.line(surface, th.NEUTRAL, (grid.inner.x, y - 2), (grid.inner.right, y - 2))
    return y


# -- hyperparameters ---------------------------------------------------------------------
LABEL_W = 128
NOTE_LINE_H = 15


def draw_hyper(surface, text, rect, hyper, *, focused, entry=None, blink=True):
    """The settings, and under them the refusal of a typed value, else what switching the
    optimizer did to the learning rate, else (focused) the selected setting's help."""
    inner, px = section(surface, text, rect, _("Hyperparameters"), focused), th.px
    y, label_w = inner.y, px(LABEL_W)
    for i, f in enumerate(FIELDS):
        row = pygame.Rect(inner.x, y, inner.w, th.ROW_H)
        if i == hyper.index and focused:
            pygame.draw.rect(surface, th.ROW_SELECTED, row)
        text.draw(surface, text.fit(_(f.label), label_w - px(8), th.FONT_SMALL), (inner.x + px(4), y + px(2)),
                  th.FONT_SMALL, th.TEXT_DIM)
        text.draw(surface, _hyper_value(hyper, i, focused, entry, blink), (inner.x + label_w, y + px(2)), th.FONT,
                  _hyper_color(hyper, i, entry))
        y += th.ROW_H
    if hyper.flag:
        msg, color = "✗ " + hyper.flag[1], th.TEXT_ERROR
    elif hyper.note:
        msg, color = hyper.note, th.OUTPUT_HUE
    else:
        msg, color = (hyper.field.help if focused else ""), th.TEXT_DIM
    draw_lines(surface, text, msg, pygame.Rect(inner.x, y + px(4), inner.w, inner.bottom - y - px(4)), color,
               _("L shows all") if hyper.flag else "")


def _hyper_value(hyper, i: int, focused: bool, entry, blink) -> str:
    if entry is not None and i == hyper.index:
        return entry.display(blink)
    value = hyper.text(FIELDS[i].key)
    return f"‹ {value} ›" if i == hyper.index and focused else value


def _hyper_color(hyper, i: int, entry):
    if entry is not None and i == hyper.index:
        return th.TEXT
    if hyper.flag and hyper.flag[0] == i:
        return th.TEXT_ERROR
    return th.OUTPUT_HUE if hyper.note and FIELDS[i].key == "lr" else th.TEXT


def draw_lines(surface, text, msg: str, box, color, more: str = "") -> int:
    """``msg`` wrapped into ``box`` (its last line ending with "…" and ``more`` when it
    does not all fit); returns how many lines were drawn."""
    if not msg:
        return 0
    line_h = th.px(NOTE_LINE_H)
    lines = wrap_at_most(text, msg, box.w, th.FONT_SMALL, max(1, box.h // line_h), more)
    for k, line in enumerate(lines):
        text.draw(surface, line, (box.x, box.y + k * line_h), th.FONT_SMALL, color)
    return len(lines)


# -- the cost curve ----------------------------------------------------------------------
STATUS_LINES = 3                 # under a curve; without one, as many as the card holds


def draw_cost(surface, text, rect, shown):
    """The cost curve of the run (``training.Shown``) and its status line under it."""
    inner, line_h = section(surface, text, rect, _("Cost"), note=shown.note), th.px(NOTE_LINE_H)
    most = STATUS_LINES if len(shown.losses) >= 2 else max(STATUS_LINES, (inner.h - th.px(40)) // line_h)
    n = len(wrap_at_most(text, shown.status, inner.w, th.FONT_SMALL, most)) if shown.status else 0
    plot = pygame.Rect(inner.x, inner.y, inner.w, inner.h - n * line_h - (th.px(4) if n else 0))
    draw_lines(surface, text, shown.status, pygame.Rect(inner.x, inner.bottom - n * line_h, inner.w, n * line_h),
               shown.color, _("L shows all"))
    if len(shown.losses) < 2:
        pygame.draw.rect(surface, (250, 250, 247), plot)
        text.draw(surface, _("press R to retrain"), plot.center, th.FONT_SMALL, (120, 120, 120), anchor="center")
        return
    draw_cost_curve(surface, plot, shown.losses, text.font(th.FONT_SMALL))


# -- the network -------------------------------------------------------------------------
NODE_R_MAX, NODE_R_MIN = 9, 2
NODE_GAP_MAX = 34
CAPTION_H = 16
MAX_LINE_W = 4
LEADER_W = 8                     # the line from a label that had to move to its neuron


class NetworkView:
    """Neurons and weights, for any number and size of layers; the layout is worked out
    once per network and area, and neurons shrink to keep a crowded layer legible."""

    def __init__(self):
        self._for = None                 # (network, area) the layout below belongs to
        self._nodes: list[list[tuple[int, int]]] = []
        self._lines: list[tuple] = []
        self.radii: list[int] = []       # neuron radius per layer
        self.label_ys: list[list[float]] = [[], []]     # the first and last layers' label centres

    def _layout(self, network, area):
        if self._for is not None and self._for[0] is network and self._for[1] == area:
            return
        self._for = (network, pygame.Rect(area))
        sizes = network.sizes
        n = len(sizes)
        xs = [area.x + (area.w * i) // max(1, n - 1) for i in range(n)]
        nodes, self.radii = [], []
        for x, size in zip(xs, sizes):
            gap = min(NODE_GAP_MAX, area.h / max(1, size - 1))
            top = area.centery - gap * (size - 1) / 2
            nodes.append([(x, int(round(top + gap * j))) for j in range(size)])
            self.radii.append(int(min(NODE_R_MAX, max(NODE_R_MIN, gap * 0.42))))
        self._nodes = nodes
        n_lines = sum(l.weights.size for l in network.layers)
        widest = MAX_LINE_W if n_lines <= 60 else 2      # many weights: thinner, so they stay apart
        biggest = max(float(np.abs(l.weights).max()) for l in network.layers) or 1.0
        lines = []
        for li, layer in enumerate(network.layers):
            for i, a in enumerate(nodes[li]):
                for j, b in enumerate(nodes[li + 1]):
                    w = float(layer.weights[i, j])
                    width = 1 + int((widest - 1) * abs(w) / biggest + 0.5)
                    lines.append((abs(w), th.POSITIVE if w >= 0 else th.NEGATIVE, a, b, width))
        lines.sort(key=lambda t: t[0])                   # the strongest weights drawn on top
        self._lines = [t[1:] for t in lines]

    def draw(self, surface, text, rect, brain, inputs, *, decoded=None, action="", title_note=""):
        inner = section(surface, text, rect, _("Network"), note=title_note)
        if brain is None:
            return
        net = brain.network
        _outputs, acts = net.trace(np.asarray(inputs, dtype=float).reshape(1, -1))
        in_labels, out_labels = _neuron_labels(brain, acts, decoded)
        left = min(max(text.width(s, th.FONT_SMALL) for s in in_labels) + 2 * NODE_R_MAX + 8, inner.w // 3)
        right = min(max(text.width(s, th.FONT_SMALL) for s in out_labels) + 2 * NODE_R_MAX + 8, inner.w // 3)
        area = pygame.Rect(inner.x + left, inner.y + CAPTION_H + NODE_R_MAX,
                           inner.w - left - right, inner.h - 2 * CAPTION_H - 2 * NODE_R_MAX)
        self._layout(net, area)
        for color, a, b, width in self._lines:
            pygame.draw.line(surface, color, a, b, width)
        for layer_nodes, act, r in zip(self._nodes, acts, self.radii):
            for (px, py), v in zip(layer_nodes, act[0]):
                pygame.draw.circle(surface, th.value_color(float(v)), (px, py), r)
                if r >= 4:
                    pygame.draw.circle(surface, th.TEXT_DIM, (px, py), r, 1)
        line_h = text.font(th.FONT_SMALL).get_height()
        crowded = (max(len(in_labels), len(out_labels)) - 1) * line_h > inner.h - 2 * CAPTION_H - line_h
        lo, hi = inner.y + (0 if crowded else CAPTION_H) + line_h / 2, inner.bottom - CAPTION_H - line_h / 2
        self.label_ys = [_label_ys([p[1] for p in self._nodes[k]], line_h, lo, hi) for k in (0, -1)]
        self._draw_labels(surface, text, 0, in_labels, left, th.INPUT_HUE)
        self._draw_labels(surface, text, 1, out_labels, right, th.OUTPUT_HUE)
        if not crowded:                                 # else its line holds neuron labels
            text.draw(surface, _("weights: blue +, orange −, thicker = larger"), (inner.centerx, inner.y - 2),
                      th.FONT_SMALL, th.TEXT_DIM, anchor="midtop")
        sizes = "-".join(map(str, net.sizes))
        acts_names = ", ".join(sorted({l.activation.name for l in net.layers}))
        footer = text.draw(surface, f"{sizes} {acts_names}", (inner.x, inner.bottom), th.FONT_SMALL, th.TEXT_DIM,
                           anchor="bottomleft")
        if action:
            text.draw(surface, text.fit(action, inner.right - footer.right - 12, th.FONT), (inner.right, inner.bottom),
                      th.FONT, th.TEXT, bold=True, anchor="bottomright")

    def _draw_labels(self, surface, text, which: int, labels, width: int, color) -> None:
        """The labels of the inputs (which 0, on the left) or the outputs (1) at
        ``label_ys``, with a leader line to a neuron whose label had to move away from it."""
        layer = 0 if which == 0 else -1
        side, r = (-1 if which == 0 else 1), self.radii[layer]
        for (px, py), ly, s in zip(self._nodes[layer], self.label_ys[which], labels):
            moved = abs(ly - py) > 1
            gap = r + (LEADER_W + 4 if moved else 6)
            if moved:
                pygame.draw.line(surface, th.TEXT_DIM, (px + side * (gap - 2), round(ly)), (px + side * (r + 1), py))
            text.draw(surface, text.fit(s, width - gap - 2, th.FONT_SMALL), (px + side * gap, round(ly)),
                      th.FONT_SMALL, color, anchor="midright" if side < 0 else "midleft")


def _neuron_labels(brain, acts, decoded) -> tuple[list[str], list[str]]:
    """Each input's name and value; each output's name, raw value and decoded value."""
    in_labels = [f"{name} {v:+.2f}" for name, v in zip(brain.input_names, acts[0][0])]
    out_labels = [f"{name} {v:+.2f}" + (f" → {int(decoded[k])}" if decoded is not None and k < len(decoded) else "")
                  for k, (name, v) in enumerate(zip(brain.output_names, acts[-1][0]))]
    return in_labels, out_labels


def _label_ys(node_ys, line_h: int, lo: float, hi: float) -> list[float]:
    """Where a layer's labels go: beside their neurons when those are a line apart, else
    a line apart (or as far as ``lo`` .. ``hi`` allows) around the layer's centre."""
    n = len(node_ys)
    if n < 2 or node_ys[1] - node_ys[0] >= line_h:
        return [float(y) for y in node_ys]
    step = min(line_h, (hi - lo) / (n - 1))
    top = min(max((node_ys[0] + node_ys[-1]) / 2 - step * (n - 1) / 2, lo), hi - step * (n - 1))
    return [top + step * j for j in range(n)]
