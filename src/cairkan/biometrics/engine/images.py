"""Turn bytes from a phone into an RGB array the engine can use, or say why not.

The bytes are opened by ``cairkan.untrusted``: what the header declares is checked
before a pixel is decoded, so a small file declaring a huge picture costs nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from cairkan.untrusted import Refused, open_image

RGBImage = npt.NDArray[np.uint8]
# Frames from the camera page are at most 640 px; larger uploads are shrunk to this,
# which is plenty for a face that fills a selfie and keeps detection around 20 ms.
MAX_SIDE = 640
# What the member is told, by why the picture was refused; any other reason (not a JPEG
# or PNG at all) is "invalid_capture".
REFUSAL_CODES = ("image_too_large", "image_mode_unsupported", "image_damaged")


class UnreadableImage(ValueError):
    """The bytes are not an image Cairkan can read (or not a photo at all); ``code`` is
    ``invalid_capture`` or one of ``REFUSAL_CODES``."""

    def __init__(self, message: str, code: str = "invalid_capture") -> None:
        super().__init__(message)
        self.code = code


def decode_image(data: bytes, max_side: int = MAX_SIDE) -> RGBImage:
    try:
        # A JPEG is decoded at a reduced scale when that still fills ``max_side``.
        image = open_image(data, fit=max_side, resample=Image.Resampling.BILINEAR)
    except Refused as refused:
        code = refused.code if refused.code in REFUSAL_CODES else "invalid_capture"
        raise UnreadableImage(f"not a readable JPEG or PNG image ({refused})", code) from None
    return np.asarray(image, dtype=np.uint8)


def load_image(path: str | Path, max_side: int = MAX_SIDE) -> RGBImage:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableImage(f"cannot read {path}: {exc.strerror}") from None
    try:
        return decode_image(data, max_side)
    except UnreadableImage as exc:
        raise UnreadableImage(f"{path}: {exc}", exc.code) from None
