"""Videos for Chromium's fake camera (``--use-file-for-fake-video-capture``).

Chromium plays a YUV4MPEG2 file in a loop as the camera. It must be 4:2:0: a 4:4:4 file
or a wrong path fails only inside the page, as ``NotFoundError`` from getUserMedia.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

FACES = Path(__file__).resolve().parent.parent / "fixtures" / "faces"
FRAME_SIZE = (640, 480)

# BT.601 limited ("studio") range, as video decoders assume for Y'CbCr without other tags.
_RGB_TO_YUV = np.array(
    [
        [65.481, 128.553, 24.966],
        [-37.797, -74.203, 112.0],
        [112.0, -93.786, -18.214],
    ]
)
_OFFSET = np.array([16.0, 128.0, 128.0])


def letterbox(
    name: str, *, mirror: bool = False, size: tuple[int, int] = FRAME_SIZE
) -> Image.Image:
    """A test photo shrunk to fit a ``size`` frame, centred on black (as a camera page
    would show a portrait photo in a landscape frame). ``mirror`` flips it left-right:
    ``obama2.jpg`` is turned to the member's right, mirrored it is turned to their left."""
    with Image.open(FACES / name) as source:
        photo = source.convert("RGB")
    if mirror:
        photo = ImageOps.mirror(photo)
    photo.thumbnail(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", size)
    canvas.paste(photo, ((size[0] - photo.width) // 2, (size[1] - photo.height) // 2))
    return canvas


def yuv420(image: Image.Image) -> bytes:
    """One frame as planar Y, then Cb and Cr subsampled 2×2 by averaging."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64) / 255.0
    yuv = rgb @ _RGB_TO_YUV.T + _OFFSET
    height, width = yuv.shape[:2]
    chroma = yuv[:, :, 1:].reshape(height // 2, 2, width // 2, 2, 2).mean(axis=(1, 3))
    planes: list[npt.NDArray[np.float64]] = [yuv[:, :, 0], chroma[:, :, 0], chroma[:, :, 1]]
    return b"".join(np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes() for p in planes)


def write_y4m(
    path: str | Path,
    frames: Sequence[Image.Image],
    fps: int = 15,
    seconds_per_frame: float = 1.0,
) -> Path:
    """Write ``frames`` (all one even size, e.g. 640×480) as a 4:2:0 YUV4MPEG2 video in
    which each frame is shown for ``seconds_per_frame`` at ``fps`` frames a second."""
    if not frames:
        raise ValueError("a video needs at least one frame")
    width, height = frames[0].size
    if width % 2 or height % 2:
        raise ValueError(f"4:2:0 needs an even width and height, not {width}×{height}")
    if any(frame.size != (width, height) for frame in frames):
        raise ValueError("every frame must have the same size")
    repeats = max(1, round(fps * seconds_per_frame))
    path = Path(path)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for frame in frames:
            data = yuv420(frame)
            for _ in range(repeats):
                out.write(b"FRAME\n")
                out.write(data)
    return path


def live_frames() -> list[Image.Image]:
    """A member following a head-turn challenge: frontal → their left → frontal → their
    right (real photos of one person; see tests/fixtures/faces/PROVENANCE.md)."""
    frontal = letterbox("obama.jpg")
    return [frontal, letterbox("obama2.jpg", mirror=True), frontal, letterbox("obama2.jpg")]


def static_frames() -> list[Image.Image]:
    """A photo held up to the camera: the same frontal picture all the time."""
    return [letterbox("obama.jpg")]
