"""Where each part of the window goes: the world view on the left; table, network,
settings and cost on the right; the hint bar along the bottom. Lengths are at the
window's scale (``theme.set_scale``), so a big window shows the same layout larger."""
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
    pad, px = th.px(PAD), th.px
    pw = min(max(int(w * 0.4), px(440)), px(600)) if w >= px(980) else w // 2
    panel = pygame.Rect(w - pw, 0, pw, h - th.HINT_H)
    inner = panel.inflate(-2 * pad, -2 * pad)
    hyper_h = px(26) + th.ROW_H * len(FIELDS) + px(56)   # every setting, its help and the status
    rest = min(hyper_h, max(0, inner.h - 2 * pad - px(160)))
    net_h = int((inner.h - rest - 2 * pad) * 0.37)
    table = pygame.Rect(inner.x, inner.y, inner.w, inner.h - rest - net_h - 2 * pad)
    net = pygame.Rect(inner.x, table.bottom + pad, inner.w, net_h)
    hw = (inner.w - pad) // 2
    hyper = pygame.Rect(inner.x, net.bottom + pad, hw, rest)
    cost = pygame.Rect(hyper.right + pad, hyper.y, inner.w - hw - pad, rest)
    return Layout(world=pygame.Rect(0, 0, w - pw, h - th.HINT_H), hint=pygame.Rect(0, h - th.HINT_H, w, th.HINT_H),
                  panel=panel, table=table, net=net, hyper=hyper, cost=cost)
