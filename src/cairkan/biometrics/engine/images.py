"""Turn bytes from a phone into an RGB array the engine can use, or say why not."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

RGBImage = npt.NDArray[np.uint8]
# Frames from the camera page are at most 640 px; larger uploads are shrunk to this,
# which is plenty for a face that fills a selfie and keeps detection around 20 ms.
MAX_SIDE = 640
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


class UnreadableImage(ValueError):
    """The bytes are not an image Cairkan can read (or not a photo at all)."""


def decode_image(data: bytes, max_side: int = MAX_SIDE) -> RGBImage:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableImage(f"image too large: {image.width}×{image.height} pixels")
            image.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced size
            # Phones store portrait photos sideways with an orientation tag.
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, UnreadableImage):
            raise
        raise UnreadableImage(f"not a readable JPEG or PNG image ({type(exc).__name__})") from None
    upright.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return np.asarray(upright, dtype=np.uint8)


def load_image(path: str | Path, max_side: int = MAX_SIDE) -> RGBImage:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableImage(f"cannot read {path}: {exc.strerror}") from None
    try:
        return decode_image(data, max_side)
    except UnreadableImage as exc:
        raise UnreadableImage(f"{path}: {exc}") from None
