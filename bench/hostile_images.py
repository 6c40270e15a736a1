"""Peak memory of a worker opening the heaviest images the limits accept, and the cost
of refusing the bombs the service was probed with (issue 9, M3/M5).

Usage: python bench/hostile_images.py

Each image is made in a child process and written to a temporary directory; each is
then opened in a fresh child exactly as an upload or a face frame is
(``cairkan.untrusted.open_image``: header check, decode, shrink, upright, RGB; a document
is saved again as a JPEG). The child prints its resident memory before opening (Python,
Pillow, pikepdf and the file's bytes loaded), its peak after
(``getrusage(RUSAGE_SELF).ru_maxrss``) and the CPU time opening took. This process
imports nothing heavy, so a child's peak is its own (on Linux a child's ``ru_maxrss``
starts from its parent's size at the fork). For comparison, the probe's 16-bit PNG is
also opened the way the code did before the limits (plain Pillow). See
docs/benchmarks.md, "Hostile images".
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name, what it is, Python that writes it to ``path``.
IMAGES = [
    (
        "rgba_png_2896",
        "RGBA PNG 2896×2896: 4 bytes a pixel decoded + 4 for the premultiplied copy, at the limit",
        "Image.linear_gradient('L').resize((2896, 2896)).convert('RGBA').save(path, 'PNG')",
    ),
    (
        "rgb_jpeg_3999",
        "RGB JPEG 3999×3999 (16 M pixels): too small to decode at 1/2 for 2000 px, at the limit",
        "Image.linear_gradient('L').resize((3999, 3999)).convert('RGB').save(path, 'JPEG')",
    ),
    (
        "palette_png_3660",
        "palette PNG 3660×3660: 1 byte a pixel decoded + 4 as RGB, at the limit",
        "Image.linear_gradient('L').resize((3660, 3660)).convert('P').save(path, 'PNG')",
    ),
    (
        "grey_png_7071",
        "grey PNG 7071×7071 (50 M pixels): at the pixel limit, 1 byte a pixel",
        "Image.linear_gradient('L').resize((7071, 7071)).save(path, 'PNG')",
    ),
    (
        "phone_jpeg_8160x6120",
        "JPEG 8160×6120 (50 M pixels, a 50 MP phone): decoded at 1/4 for 2000 px",
        "Image.linear_gradient('L').resize((8160, 6120)).convert('RGB').save(path, 'JPEG')",
    ),
    (
        "bomb_png_16bit_7000",
        "the probe's 16-bit grey PNG 7000×7000 (refused: mode)",
        "write_png(path, 7000, 7000, 16, 0, 7000)",
    ),
    (
        "bomb_png_20000",
        "PNG declaring 20000×20000 (refused: pixels)",
        "write_png(path, 20000, 20000, 8, 2, 200)",
    ),
]

MAKE = """
import struct, sys, zlib
from PIL import Image
Image.MAX_IMAGE_PIXELS = None

def chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

def write_png(path, width, height, depth, colour, rows):
    samples = {0: 1, 2: 3}[colour]
    row = b"\\x00" + bytes(width * samples * depth // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
                  + chunk(b"IEND", b""))

path = sys.argv[1]
exec(sys.argv[2])
"""

OPEN = """
import io, json, resource, sys, time
from pathlib import Path
import cairkan.untrusted as untrusted

def rss_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

data = Path(sys.argv[1]).read_bytes()
fit, how = int(sys.argv[2]), sys.argv[3]
before = rss_mib()
started = time.process_time()
outcome = "accepted"
try:
    if how == "before":  # the documents' pipeline before the limits, on plain Pillow
        from PIL import Image, ImageOps
        Image.MAX_IMAGE_PIXELS = 89_478_485  # Pillow's default
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((fit, fit))
    else:
        image = untrusted.open_image(data, fit=fit)
        image.save(io.BytesIO(), "JPEG", quality=85, optimize=True)
except untrusted.Refused as refused:
    outcome = "refused: " + refused.code
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
cpu = time.process_time() - started
print(json.dumps({"before": before, "peak": peak, "cpu": cpu, "outcome": outcome}))
"""


def run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def main() -> None:
    print(
        f"{'image':<24} {'file':>9} {'fit':>5} {'at start':>9} {'peak':>9} {'added':>9}"
        f" {'CPU':>6}  outcome"
    )
    with tempfile.TemporaryDirectory() as folder:
        for name, what, make in IMAGES:
            path = Path(folder) / name
            run(MAKE, str(path), make)
            size = path.stat().st_size
            ways = [("2000", "now"), ("640", "now")]  # a document, a face frame
            if name == "bomb_png_16bit_7000":
                ways.append(("2000", "before"))
            for fit, how in ways:
                figures = json.loads(run(OPEN, str(path), fit, how))
                label = name if how == "now" else name + " (before)"
                print(
                    f"{label:<24} {size / 1024:>7.0f}KB {fit:>5} {figures['before']:>7.0f}MB "
                    f"{figures['peak']:>7.0f}MB {figures['peak'] - figures['before']:>7.0f}MB"
                    f" {figures['cpu']:>5.2f}s  {figures['outcome']}"
                )
            print(f"  ({what})")


if __name__ == "__main__":
    main()
