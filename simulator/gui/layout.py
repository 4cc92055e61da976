"""Where each part of the window goes: the world view on the left; table, network,
settings and cost on the right; the hint bar along the bottom."""
from dataclasses import dataclass

import pygame

from simulator.gui import theme as th
from simulator.gui.hyper import FIELDS

PAD = 8


@dataclass
class Layout:
    world: pygame.Rect
    hint: pygame.Rect
    panel: pygame.Rect
    table: pygame.Rect
    net: pygame.Rect
    hyper: pygame.Rect
    cost: pygame.Rect


def layout(size) -> Layout:
    w, h = size
    pw = min(max(int(w * 0.4), 440), 600) if w >= 980 else w // 2
    panel = pygame.Rect(w - pw, 0, pw, h - th.HINT_H)
    inner = panel.inflate(-2 * PAD, -2 * PAD)
    hyper_h = 26 + th.ROW_H * len(FIELDS) + 56           # every setting, its help and the status
    rest = min(hyper_h, max(0, inner.h - 2 * PAD - 160))
    net_h = int((inner.h - rest - 2 * PAD) * 0.35)
    table = pygame.Rect(inner.x, inner.y, inner.w, inner.h - rest - net_h - 2 * PAD)
    net = pygame.Rect(inner.x, table.bottom + PAD, inner.w, net_h)
    hw = (inner.w - PAD) // 2
    hyper = pygame.Rect(inner.x, net.bottom + PAD, hw, rest)
    cost = pygame.Rect(hyper.right + PAD, hyper.y, inner.w - hw - PAD, rest)
    return Layout(world=pygame.Rect(0, 0, w - pw, h - th.HINT_H), hint=pygame.Rect(0, h - th.HINT_H, w, th.HINT_H),
                  panel=panel, table=table, net=net, hyper=hyper, cost=cost)
