"""Frames into a video file: MP4 (H.264) through imageio-ffmpeg, GIF through Pillow.

Both come with the optional extra ``video``, imported only here, when a video is made.
A GIF is kept small: one palette for the whole film, taken from its first frame and the
window's colours, with no dithering, so that each frame stores only the pixels that
changed. The file is encoded in a temporary folder and copied into the caller's staged
output, so a failure leaves nothing at the destination.
"""
import shutil
import tempfile
from pathlib import Path

import numpy as np

from brain.errors import NeurocarError
from brain.i18n import _
from simulator.gui import theme as th

INSTALL = "pip install 'neurocar[video]'"
SUFFIXES = (".mp4", ".gif")
GIF_COLOURS = 64
# colours a later frame may show that the first may not: the trail, a car touching something
SWATCH = (th.TRAIL, th.CAR_FLASH, th.ECHO, th.BEAM, th.BEAM_EDGE, th.CAR_BODY, th.CAR_BODY_EDGE, th.CLAMP_ARC)


class VideoError(NeurocarError):
    """A video that cannot be made: its extra is missing, or its encoder failed."""


def require_extra(suffix: str) -> None:
    """Refuse in one line, before any frame is drawn, when the encoder is not installed."""
    try:
        if suffix == ".gif":
            import PIL.Image  # noqa: F401  (the GIF encoder)
        else:
            import imageio.v2  # noqa: F401
            import imageio_ffmpeg  # noqa: F401  (the ffmpeg binary imageio runs)
    except ImportError:
        needs = "Pillow" if suffix == ".gif" else _("imageio and imageio-ffmpeg")
        raise VideoError(_("a {upper} video needs {needs}: {INSTALL}").format(
            upper=suffix[1:].upper(), needs=needs, INSTALL=INSTALL)) from None


def write_video(frames, suffix: str, fps: int, staged) -> int:
    """Encode the frames ((h, w, 3) uint8 arrays) and write the file to ``staged``;
    returns how many frames it holds."""
    with tempfile.TemporaryDirectory(prefix="neurocar-video.") as folder:
        path = Path(folder) / f"video{suffix}"
        count = (_write_gif if suffix == ".gif" else _write_mp4)(frames, path, fps)
        with open(path, "rb") as encoded:
            shutil.copyfileobj(encoded, _Writable(staged))
    return count


class _Writable:
    """A staged file as copyfileobj wants it."""

    def __init__(self, staged):
        self.write = staged.write


def _write_mp4(frames, path: Path, fps: int) -> int:
    import imageio.v2 as imageio
    count = 0
    try:
        with imageio.get_writer(path, format="FFMPEG", fps=fps, codec="libx264", pixelformat="yuv420p",
                                macro_block_size=2, quality=7, ffmpeg_log_level="error") as writer:
            for frame in frames:
                writer.append_data(frame)
                count += 1
    except (OSError, RuntimeError) as e:
        raise VideoError(_("ffmpeg could not encode the MP4 ({value})").format(
            value=' '.join(str(e).split())[:200])) from None
    return count


def _write_gif(frames, path: Path, fps: int) -> int:
    from PIL import Image
    frames = iter(frames)
    first = next(frames)
    palette = gif_palette(first)
    images = [_indexed(first, palette)] + [_indexed(f, palette) for f in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0,
                   optimize=False, disposal=1)
    return len(images)


def gif_palette(first: np.ndarray):
    """A palette image of GIF_COLOURS from the first frame plus a strip of SWATCH colours."""
    from PIL import Image
    width = first.shape[1]
    row = np.array(SWATCH, dtype=np.uint8)[np.arange(width) * len(SWATCH) // width]
    sample = np.concatenate([first, np.repeat(row[None], 8, axis=0)], axis=0)
    return Image.fromarray(sample).quantize(GIF_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def _indexed(frame: np.ndarray, palette):
    from PIL import Image
    return Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE)
