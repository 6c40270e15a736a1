"""Open a JPEG or PNG from outside without letting it take the worker's memory.

A PNG of a few KB can declare 20000×20000 pixels, and a 381 KB 16-bit PNG of 7000×7000
took a worker to 799 MB (issue 9, M3/M5). So the header is read first (Pillow reads no
pixel data on ``Image.open``) and what it declares is checked before anything is
decoded: the format, the mode, the pixel count, and the bytes the decoded picture will
take in memory. Only then is it decoded (a JPEG at 1/2, 1/4 or 1/8 of its size when
that still fills ``fit``), shrunk, turned upright and made RGB.

The limit on decoded bytes (the decoded picture and the copy shrinking it needs) is what
bounds a worker: the heaviest picture it accepts adds about 1.8 times the limit at peak
(measured by bench/hostile_images.py, docs/benchmarks.md, "Hostile images").
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from cairkan.untrusted.refusal import Refused

FORMATS = ("JPEG", "PNG")

# Bytes Pillow keeps per pixel for each mode a JPEG or PNG opens as (several bands are
# stored four bytes to the pixel, padding included). Modes not listed are refused:
# 16-bit grey ("I;16") and 32-bit ("I", "F") come from scanners and test charts, never
# from a phone, and cost two to four times an ordinary photo.
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 4, "RGB": 4, "RGBA": 4, "CMYK": 4}
# What shrinking costs on top, a pixel: palette and black-and-white pictures become RGB
# first (resampling a palette gives noise); Pillow shrinks a picture with transparency
# through a premultiplied copy of it.
SHRINKING_COPY = {"1": 4, "P": 4, "LA": 4, "RGBA": 4}

# Other image formats a phone may send, by their first bytes: told "send JPG or PNG"
# rather than "not a picture". Pillow never parses them here.
OTHER_IMAGES = (
    (0, b"GIF8"),
    (0, b"BM"),
    (0, b"II*\x00"),  # TIFF
    (0, b"MM\x00*"),
    (8, b"WEBP"),
    (4, b"ftypheic"),  # iPhone photos
    (4, b"ftypheix"),
    (4, b"ftypmif1"),
    (4, b"ftypavif"),
)


@dataclass(frozen=True, slots=True)
class ImageLimits:
    # A 48-megapixel phone photo fits (its JPEG is decoded reduced); 20000×20000 does not.
    max_pixels: int = 50_000_000
    # A phone's panorama is at most about 16 000 px long; a strip of 50 000 × 1 is not a
    # picture of anything.
    max_side: int = 20_000
    # What the decoded picture may take: a 16-megapixel photo decoded whole (4608×3456,
    # 4 bytes a pixel, 61 MiB) fits; a 7000×7000 one does not.
    max_decoded_bytes: int = 64 * 1024 * 1024


DEFAULT_IMAGE_LIMITS = ImageLimits()

# The backstop for any Image.open in the process that does not come through here (a
# script, a library): Pillow warns above this and refuses above twice this.
Image.MAX_IMAGE_PIXELS = DEFAULT_IMAGE_LIMITS.max_pixels


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """What the file declares, before decoding."""

    format: str
    mode: str
    width: int
    height: int


def read_header(
    data: bytes, limits: ImageLimits = DEFAULT_IMAGE_LIMITS, fit: int | None = None
) -> ImageHeader:
    """The header, once its declarations pass ``limits``; ``fit`` as in :func:`open_image`
    (a JPEG decoded reduced needs fewer bytes)."""
    with _opened(data) as image:
        return _inspect(image, limits, fit)


def open_image(
    data: bytes,
    *,
    fit: int,
    limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
    resample: Image.Resampling = Image.Resampling.BICUBIC,
) -> Image.Image:
    """The picture, upright, RGB, shrunk to fit in ``fit``×``fit`` pixels; or
    :class:`Refused` with ``image_too_large``, ``image_mode_unsupported``, ``not_image``,
    ``unsupported_type`` or ``image_damaged``."""
    with _opened(data) as image:
        _inspect(image, limits, fit)
        try:
            image.load()
            working = image.convert("RGB") if image.mode in ("1", "P") else image
            working.thumbnail((fit, fit), resample)
        except Exception as exc:  # any decoder failure on outside bytes: a damaged file
            raise Refused("image_damaged", reason=type(exc).__name__) from None
        return _upright(working).convert("RGB")


def _opened(data: bytes) -> Image.Image:
    for offset, signature in OTHER_IMAGES:
        if data[offset : offset + len(signature)] == signature:
            raise Refused("unsupported_type")
    try:
        # Only the JPEG and PNG readers see the bytes; Pillow reads just the header here.
        return Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        # Over twice the pixel limit (the backstop above): refused by Pillow itself.
        raise Refused("image_too_large", max_pixels=Image.MAX_IMAGE_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Refused("not_image") from None


def _inspect(image: Image.Image, limits: ImageLimits, fit: int | None) -> ImageHeader:
    header = ImageHeader(str(image.format), image.mode, image.width, image.height)
    if header.mode not in BYTES_PER_PIXEL:
        raise Refused("image_mode_unsupported", mode=header.mode)
    if (
        header.width * header.height > limits.max_pixels
        or max(header.width, header.height) > limits.max_side
    ):
        raise Refused(
            "image_too_large",
            width=header.width,
            height=header.height,
            max_pixels=limits.max_pixels,
        )
    longest = max(header.width, header.height)
    if fit is not None and longest > fit:
        # JPEG only: decode at 1/2, 1/4 or 1/8 as long as the picture still fills the
        # size it is shrunk to (its long side ``fit``). A 12-megapixel photo shrunk to
        # 2000 px is decoded at 2016×1512: 12 MB instead of 49.
        image.draft("RGB", (header.width * fit // longest, header.height * fit // longest))
    per_pixel = BYTES_PER_PIXEL.get(image.mode, 4) + SHRINKING_COPY.get(image.mode, 0)
    decoded = image.width * image.height * per_pixel
    if decoded > limits.max_decoded_bytes:
        raise Refused(
            "image_too_large",
            width=header.width,
            height=header.height,
            decoded_bytes=decoded,
            max_decoded_bytes=limits.max_decoded_bytes,
        )
    return header


def _upright(image: Image.Image) -> Image.Image:
    """Phones store portrait photos sideways with an orientation tag. A tag that cannot
    be read leaves the picture as it is: the pixels are fine, only the hint is broken."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # malformed EXIF from outside
        return image
