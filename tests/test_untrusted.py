"""Files from outside, opened safely: images are judged by their header before a pixel
is decoded, PDFs lose their active content, web pages posing as documents are refused,
file names are made storable. Every hostile file is generated here (tests/hostile.py)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import hostile
from cairkan.untrusted import (
    DEFAULT_IMAGE_LIMITS,
    Refused,
    clean_filename,
    clean_pdf,
    is_markup,
    open_image,
    read_header,
)

# --- images --------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # the backstop's
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (hostile.png_bomb(), "image_too_large"),  # 20000×20000 in a few KB
        (hostile.jpeg_declaring(65_000, 65_000), "image_too_large"),
        (hostile.png(9000, 6000), "image_too_large"),  # 54 M pixels: over the pixel limit
        (hostile.png(40_000, 2, colour=0), "image_too_large"),  # a strip, not a picture
        (hostile.png(4200, 4200, colour=6), "image_too_large"),  # RGBA, 70 MB once decoded
        (hostile.png(3000, 3000, bit_depth=16, colour=0), "image_mode_unsupported"),
        (b"MZ\x90\x00 an executable renamed .jpg" * 10, "not_image"),
        (b"\xff\xd8\xff not really a JPEG", "not_image"),
        (b"GIF89a" + bytes(40), "unsupported_type"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(40), "unsupported_type"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(40), "unsupported_type"),
    ],
)
def test_the_header_decides_before_any_pixel_is_decoded(data: bytes, code: str) -> None:
    with pytest.raises(Refused) as refused:
        read_header(data)
    assert refused.value.code == code
    with pytest.raises(Refused) as again:
        open_image(data, fit=640)
    assert again.value.code == code


def test_the_probes_16_bit_png_is_refused_before_decoding() -> None:
    """The 381 KB 16-bit 7000×7000 PNG that took a worker to 799 MB."""
    grey = hostile.png_16bit()
    assert len(grey) < 500_000
    colour = hostile.png(7000, 7000, bit_depth=16, colour=2)
    with pytest.raises(Refused) as refused:
        open_image(grey, fit=2000)
    assert refused.value.code == "image_mode_unsupported"
    assert refused.value.params["mode"] == "I;16"
    # Pillow reads 16-bit colour as 8-bit RGB, four bytes a pixel: 196 MB decoded.
    with pytest.raises(Refused) as too_big:
        open_image(colour, fit=2000)
    assert too_big.value.code == "image_too_large"
    assert too_big.value.params["width"] == too_big.value.params["height"] == 7000


def test_a_twelve_megapixel_phone_photo_is_accepted_and_shrunk() -> None:
    data = hostile.photo(4032, 3024)
    header = read_header(data)
    assert (header.format, header.width, header.height) == ("JPEG", 4032, 3024)
    image = open_image(data, fit=2000)
    assert (image.mode, max(image.size)) == ("RGB", 2000)


def test_a_large_jpeg_is_decoded_reduced() -> None:
    """Over the decoded-bytes limit at full size, within it once JPEG decodes at 1/2."""
    data = hostile.photo(6000, 4500)  # 27 M pixels: 108 MB at full size
    image = open_image(data, fit=2000)
    assert max(image.size) == 2000
    with pytest.raises(Refused) as refused:
        open_image(hostile.png(6000, 4500), fit=2000)  # PNG has no reduced decoding
    assert refused.value.code == "image_too_large"


@pytest.mark.parametrize("mode", ["L", "P", "RGBA", "1"])
def test_every_accepted_mode_comes_out_rgb(mode: str) -> None:
    image = open_image(hostile.photo(900, 700, "PNG", mode), fit=640)
    assert (image.mode, image.size) == ("RGB", (640, 498))


def test_a_cut_off_photo_is_damaged_not_a_crash() -> None:
    data = hostile.photo(1200, 900)
    with pytest.raises(Refused) as refused:
        open_image(data[: len(data) // 2], fit=640)
    assert refused.value.code == "image_damaged"
    png = hostile.photo(1200, 900, "PNG")
    with pytest.raises(Refused) as short:
        open_image(png[: len(png) // 2], fit=640)
    assert short.value.code == "image_damaged"


def test_a_sideways_phone_photo_is_turned_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(out, "JPEG", exif=exif)
    assert open_image(out.getvalue(), fit=2000).size == (600, 800)


def test_pillow_refuses_bombs_even_where_this_module_is_not_used() -> None:
    """The backstop: any other Image.open in the process stops at twice the limit."""
    assert DEFAULT_IMAGE_LIMITS.max_pixels == Image.MAX_IMAGE_PIXELS
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(hostile.png_bomb()))


# --- web pages posing as documents ---------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        hostile.HTML_AS_PHOTO,
        b"\xef\xbb\xbf  \n<html><body>hi</body></html>",
        b"<script>fetch('/akun/')</script>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"<!-- a comment -->%PDF-1.4 ...",
    ],
)
def test_markup_is_recognised(data: bytes) -> None:
    assert is_markup(data)


@pytest.mark.parametrize(
    "data", [hostile.photo(640, 480), hostile.pdf_clean(), b"plain text, not a page"]
)
def test_documents_are_not_markup(data: bytes) -> None:
    assert not is_markup(data)


# --- PDFs ----------------------------------------------------------------------------------


def _opened(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def test_a_clean_pdf_is_kept_byte_for_byte() -> None:
    """A digital signature on a letter stays valid: nothing to remove, nothing rewritten."""
    data = hostile.pdf_clean()
    assert clean_pdf(data) == data


def test_javascript_is_removed() -> None:
    data = hostile.pdf_with_javascript()
    cleaned = clean_pdf(data)
    pdf = _opened(cleaned)
    root = pdf.Root
    assert "/OpenAction" not in root and "/JavaScript" not in root.get("/Names", {})
    assert b"app.alert" not in cleaned and b"/JS" not in cleaned


def test_launch_actions_and_outside_links_are_removed() -> None:
    cleaned = clean_pdf(hostile.pdf_with_launch())
    pdf = _opened(cleaned)
    page = pdf.pages[0].obj
    assert "/AA" not in page
    assert all("/A" not in annot for annot in page.Annots)
    assert b"/Launch" not in cleaned and b"calc.exe" not in cleaned and b"/URI" not in cleaned


def test_attached_files_are_removed() -> None:
    cleaned = clean_pdf(hostile.pdf_with_attachment())
    pdf = _opened(cleaned)
    root, page = pdf.Root, pdf.pages[0].obj
    assert "/EmbeddedFiles" not in root.get("/Names", {}) and "/AF" not in root
    assert "/Annots" not in page or len(page.Annots) == 0
    assert b"gaji.exe" not in cleaned and b"MZ" not in cleaned


def test_a_pdf_html_polyglot_is_rewritten_without_its_page() -> None:
    data = hostile.pdf_html_polyglot()
    cleaned = clean_pdf(data)
    assert b"<html" not in cleaned.lower() and b"<script" not in cleaned.lower()
    assert len(_opened(cleaned).pages) == 1


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 this is not really a pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",  # no page
    ],
)
def test_unreadable_pdfs_are_refused(data: bytes) -> None:
    with pytest.raises(Refused) as refused:
        clean_pdf(data)
    assert refused.value.code == "pdf_unreadable"


def test_a_password_protected_pdf_is_refused() -> None:
    pdf = pikepdf.open(io.BytesIO(hostile.pdf_clean()))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="rahasia", owner="rahasia"))
    with pytest.raises(Refused) as refused:
        clean_pdf(out.getvalue())
    assert refused.value.code == "pdf_encrypted"


# --- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("surat.jpg", "surat.jpg"),
        ("ktp\x00.jpg", "ktp.jpg"),  # PostgreSQL takes no NUL: a 500 before
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Rina\\Foto KTP.jpg", "Foto KTP.jpg"),
        ("gaji\u202egpj.exe", "gajigpj.exe"),  # a right-to-left override hides ".exe"
        ("\ud800half.png", "half.png"),  # half a surrogate pair, which JSON can spell
        ("  \t\n", ""),
        ("Surat\u0301 resign.pdf", "Surat\u0301 resign.pdf"),  # combining marks are letters
    ],
)
def test_file_names_are_made_storable(name: str, cleaned: str) -> None:
    assert clean_filename(name) == cleaned


def test_a_long_file_name_keeps_its_extension() -> None:
    name = clean_filename("a" * 500 + ".jpeg")
    assert len(name) == 200 and name.endswith(".jpeg")


# --- what a worker pays ------------------------------------------------------------------

MEASURE = """
import sys
from pathlib import Path
from cairkan.untrusted import Refused, open_image

def status(field):  # this process's own figures: a new program starts a new count
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) // 1024

data = Path(sys.argv[1]).read_bytes()
before = status("VmRSS:")
try:
    open_image(data, fit=2000)
except Refused:
    pass
print(status("VmHWM:") - before)
"""


def added_megabytes(tmp_path: Path, data: bytes) -> int:
    """What opening ``data`` as a document adds to a fresh process's peak memory."""
    path = tmp_path / "image"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.slow
def test_the_heaviest_accepted_image_costs_a_bounded_amount_of_memory(tmp_path: Path) -> None:
    """A 3999×3999 JPEG is the largest that is decoded whole for a 2000 px document (64
    MiB decoded); bench/hostile_images.py measured it adding about 110 MB. Before the
    limits the probe's 93 KB PNG added 374 MB; refused now, it adds nothing."""
    heaviest = hostile.photo(3999, 3999)
    assert read_header(heaviest, fit=2000).width == 3999
    assert added_megabytes(tmp_path, heaviest) < 160
    assert added_megabytes(tmp_path, hostile.png_16bit()) < 10
