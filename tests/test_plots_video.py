"""Videos, summary plots and trajectory maps, drawn headless with the window's renderer:
the files are decoded back and their pixels checked (the car where the car is, a bar per
brain, trajectories and collision marks), and bad requests give one line."""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import numpy as np
import pygame
import pytest

from brain.brainfile import load_brain
from simulator.assets import asset
from simulator.cli import main
from simulator.gui import theme as th
from simulator.gui.maps_folder import Track
from simulator.gui.maps_render import COLLISION, TRACK_COLOURS, heat_counts, map_camera
from simulator.gui.plot_summary import BRAIN_COLOURS, dot_colour
from simulator.gui.render_scene import fitted_camera
from simulator.profile import default_profile
from simulator.recording import load_recording
from simulator.simulation import Simulation
from simulator.world import load_world

imageio = pytest.importorskip("imageio.v3", reason="the video extra: pip install 'neurocar[video]'")
Image = pytest.importorskip("PIL.Image", reason="the video extra: pip install 'neurocar[video]'")

BRAIN = str(asset("brains", "improved.json"))
WORLD = str(asset("worlds", "living_room.json"))
SIZE = (320, 240)


def near(frame, colour, tolerance):
    """A (h, w) mask of the pixels within ``tolerance`` of ``colour`` on every channel."""
    return (np.abs(frame.astype(int) - np.array(colour)) <= tolerance).all(axis=-1)


def car_pixel(seconds: float, fps: int, frame_index: int):
    """Where the car's centre is drawn in frame ``frame_index`` of a SIZE video, from a
    simulation of its own."""
    world, profile = load_world(WORLD), default_profile()
    sim = Simulation(world, profile, load_brain(BRAIN), seed=0)
    for _ in range(round(frame_index / fps / profile.control.tick_s)):
        sim.step_tick()
    x, y, _ = sim.pose
    return fitted_camera(pygame.Surface(SIZE), world).to_screen(x, y)


def assert_shows_the_car(frame, where, tolerance):
    """The car's body colour is drawn around its centre, and nowhere far from it."""
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 8          # not blank
    ys, xs = np.nonzero(near(frame, th.CAR_BODY, tolerance))
    assert len(xs) >= 15
    spread = np.hypot(xs - where[0], ys - where[1])
    assert np.median(spread) < 6 and spread.max() < 14


def video(tmp_path, name, *extra):
    out = tmp_path / name
    code = main(["video", "--brain", BRAIN, "--world", WORLD, "--seconds", "3", "--fps", "10",
                 "--size", f"{SIZE[0]}x{SIZE[1]}", "--out", str(out), *extra])
    return code, out


def test_an_mp4_decodes_to_frames_that_show_the_car_where_it_is(tmp_path):
    code, out = video(tmp_path, "run.mp4")
    assert code == 0
    frames = imageio.imread(out, index=None)
    assert frames.shape == (31, SIZE[1], SIZE[0], 3)
    for k in (0, 15, 30):
        assert_shows_the_car(frames[k], car_pixel(3, 10, k), tolerance=45)
    assert np.abs(frames[30].astype(int) - frames[0]).max() > 100          # the car moved


def test_a_gif_decodes_to_frames_that_show_the_car_where_it_is(tmp_path):
    code, out = video(tmp_path, "run.gif")
    assert code == 0
    with Image.open(out) as gif:
        assert gif.n_frames == 31 and gif.size == SIZE
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(np.array(gif.convert("RGB")))
    for k in (0, 15, 30):
        assert_shows_the_car(frames[k], car_pixel(3, 10, k), tolerance=24)
    assert not np.array_equal(frames[0], frames[30])


def test_a_video_refuses_an_existing_file_unless_forced(tmp_path, capsys):
    out = tmp_path / "run.gif"
    out.write_bytes(b"mine")
    assert main(["video", "--brain", BRAIN, "--seconds", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--force" in err
    assert out.read_bytes() == b"mine"
    code, _ = video(tmp_path, "run.gif", "--force")
    assert code == 0 and out.read_bytes()[:6] == b"GIF89a"


@pytest.mark.parametrize("name, hidden", [("run.gif", ("PIL", "PIL.Image")),
                                          ("run.mp4", ("imageio", "imageio.v2", "imageio_ffmpeg"))])
def test_a_missing_extra_is_one_line_naming_it(tmp_path, capsys, monkeypatch, name, hidden):
    for module in hidden:
        monkeypatch.setitem(sys.modules, module, None)          # import fails, as when not installed
    code, out = video(tmp_path, name)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "pip install 'neurocar[video]'" in err
    assert not out.exists()


@pytest.mark.parametrize("args, says", [(["--out", "run.avi"], ".mp4 or .gif"),
                                        (["--out", "run.mp4", "--size", "321x240"], "even"),
                                        (["--out", "run.gif", "--fps", "0"], "--fps"),
                                        (["--out", "run.gif", "--seconds", "-1"], "--seconds"),
                                        (["--out", "run.gif", "--seconds", "600"], "at most 3,000")])
def test_bad_video_options_are_one_line(tmp_path, capsys, args, says):
    args = [a if not a.startswith("run.") else str(tmp_path / a) for a in args]
    assert main(["video", "--brain", BRAIN, *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def evals(tmp_path_factory):
    """Real eval files: the improved and default brains with their rows, straight without."""
    folder = tmp_path_factory.mktemp("evals")
    made = []
    for brain, extra in ((BRAIN, []), (str(asset("brains", "default.json")), []), ("straight", ["--no-rows"])):
        out = folder / f"{Path(brain).stem}.json"
        assert main(["eval", "--brain", brain, "--worlds", "4", "--seconds", "10", "--jobs", "1", "--quiet",
                     "--json", str(out), *extra]) == 0
        made.append(out)
    return made


def test_a_plot_draws_a_bar_per_brain_at_its_value_and_dots_where_there_are_rows(evals, tmp_path):
    out = tmp_path / "summary.png"
    assert main(["plot", *map(str, evals), "--out", str(out)]) == 0
    picture = np.array(Image.open(out).convert("RGB"))
    h, w, _ = picture.shape
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 20
    first_panel = picture[:int(h * 0.45), :w // 2]          # collisions per minute
    rates = [json.loads(e.read_text())["collisions_per_minute"] for e in evals]
    heights = []
    for i, rate in enumerate(rates):
        bar = near(first_panel, BRAIN_COLOURS[i], 0)
        assert bar.sum() > 50                                       # a bar of this brain's colour
        heights.append(np.count_nonzero(bar.any(axis=1)))
        dots = near(picture[:int(h * 0.85)], dot_colour(BRAIN_COLOURS[i]), 0).any()
        assert dots == (i < 2)                                      # the episodes' dots: rows only
    tallest = int(np.argmax(rates))
    for rate, height in zip(rates, heights):
        assert height == pytest.approx(max(2, heights[tallest] * rate / rates[tallest]), abs=3)
    assert not near(picture, BRAIN_COLOURS[len(evals)], 0).any()   # no bar for a brain not given


def test_plot_refuses_a_bad_file_in_one_line_naming_it(evals, tmp_path, capsys):
    bad = {"broken.json": "{", "list.json": "[1, 2]",
           "nan.json": json.dumps({**json.loads(evals[0].read_text()), "collisions_per_minute": "many"}),
           "row.json": json.dumps({**json.loads(evals[0].read_text()), "rows": [{"coverage": 1}]})}
    for name, content in bad.items():
        (tmp_path / name).write_text(content)
        assert main(["plot", str(evals[0]), str(tmp_path / name), "--out", str(tmp_path / "s.png")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and name in err and "neurocar eval --json" in err
    assert not (tmp_path / "s.png").exists()


def test_plot_refuses_an_existing_picture_unless_forced(evals, tmp_path, capsys):
    out = tmp_path / "s.png"
    out.write_bytes(b"mine")
    assert main(["plot", str(evals[0]), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == b"mine"
    assert main(["plot", str(evals[0]), "--out", str(out), "--force"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    """The default brain (it bumps into things) driven twice in the living room and once in
    the corridor, with recordings and maps."""
    folder = tmp_path_factory.mktemp("maps")
    worlds = [WORLD, WORLD, str(asset("worlds", "corridor.json"))]
    assert main(["eval", "--brain", str(asset("brains", "default.json")), "--world", *worlds, "--seconds", "20",
                 "--jobs", "1", "--quiet", "--record", str(folder / "rec"), "--maps", str(folder / "maps")]) == 0
    return folder


def map_pixels(folder, name):
    return np.array(Image.open(folder / "maps" / name).convert("RGB"))


def recorded(folder, episode):
    rec = load_recording(folder / "rec" / f"episode-{episode:06d}.npz")
    t = rec.ticks
    xy = np.column_stack([np.r_[rec.meta["start"][0], t["x_cm"]], np.r_[rec.meta["start"][1], t["y_cm"]]])
    began = np.flatnonzero(np.diff(np.r_[0, t["collisions"].astype(int)]) > 0) + 1
    return rec.world, xy, xy[began]


def screen(world, xy):
    return np.array(map_camera(world).points(xy.tolist()))


def within(mask, points, px):
    """For each point, whether the mask holds a pixel within ``px`` of it."""
    ys, xs = np.nonzero(mask)
    found = np.column_stack([xs, ys])
    return np.array([(np.abs(found - p).max(axis=1) <= px).any() for p in points])


def test_eval_maps_one_png_per_world_with_its_paths_and_collisions(mapped):
    assert sorted(p.name for p in (mapped / "maps").iterdir()) == ["map-corridor.png", "map-living-room.png"]
    collisions = 0
    for name, episodes in (("map-living-room.png", (0, 1)), ("map-corridor.png", (2,))):
        picture = map_pixels(mapped, name)
        world, xy, _ = recorded(mapped, episodes[-1])
        view = map_camera(world).viewport
        drawn = picture[:view.h, :view.w]
        path = screen(world, xy)
        colour = near(drawn, TRACK_COLOURS[len(episodes) - 1], 0)        # the last path drawn, on top
        assert within(colour, path[::10], 3).mean() > 0.8                  # the path is drawn where it went
        assert _mask_of(path, colour.shape, 7)[colour].all()               # and nowhere else (start ring: 6 px)
        hits = np.concatenate([screen(world, recorded(mapped, e)[2]) for e in episodes])
        marks = near(drawn, COLLISION, 0)
        assert within(marks, hits, 2).all()                                # a cross at every collision
        assert _mask_of(hits, marks.shape, 6)[marks].all()                 # and nowhere else
        collisions += len(hits)
    assert collisions >= 5


def _mask_of(points, shape, px):
    """The pixels within ``px`` of any of the points."""
    mask = np.zeros(shape, dtype=bool)
    for x, y in np.round(points).astype(int):
        mask[max(0, y - px):y + px + 1, max(0, x - px):x + px + 1] = True
    return mask


def test_eval_maps_shade_where_the_cars_spent_time(mapped):
    picture = map_pixels(mapped, "map-corridor.png")
    world, xy, _ = recorded(mapped, 2)
    counts = heat_counts(world, [Track(2, {}, xy, xy[:0])])
    r, c = np.unravel_index(np.argmax(counts), counts.shape)
    cell = map_camera(world).to_screen((c + 0.5) * 10, (r + 0.5) * 10)
    shade = picture[round(cell[1]), round(cell[0])].astype(int)
    assert shade[0] - shade[2] > 60                     # reddened floor, not the floor's grey-beige
    empty = map_camera(world).to_screen(world.width_cm - 5, world.height_cm - 5)
    assert tuple(picture[round(empty[1]), round(empty[0])]) in (th.FLOOR, th.FLOOR_GRID)


def test_eval_maps_are_the_same_without_recordings_and_refuse_to_replace_maps(mapped, tmp_path, capsys):
    worlds = [WORLD, WORLD, str(asset("worlds", "corridor.json"))]
    args = ["eval", "--brain", str(asset("brains", "default.json")), "--world", *worlds, "--seconds", "20",
            "--jobs", "1", "--quiet", "--maps", str(tmp_path)]
    assert main(args) == 0
    for name in ("map-corridor.png", "map-living-room.png"):
        assert (tmp_path / name).read_bytes() == (mapped / "maps" / name).read_bytes()
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already holds map-" in err
    assert main(["eval", "--brain", "straight", "--worlds", "201", "--maps", str(tmp_path / "many")]) == 2
    assert "at most 200" in capsys.readouterr().err and not (tmp_path / "many").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map-corridor.png", "map-living-room.png"]
