"""Hostile files made on the spot: images that declare more than they carry, PDFs with
active content, pages posing as photos. Nothing large is committed; each is built here.

The numbers are the ones found when the running service was probed (issue 9, M3/M5/L5).
"""

from __future__ import annotations

import io
import struct
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type → samples per pixel


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(width: int, height: int, *, bit_depth: int = 8, colour: int = 2, rows: int = 1) -> bytes:
    """A PNG declaring ``width``×``height`` whose first ``rows`` rows are black and
    compressed (zeros shrink about a thousand times); the rest is simply missing."""
    row = b"\x00" + bytes((width * CHANNELS[colour] * bit_depth + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def png_bomb() -> bytes:
    """The probe's first file: a small PNG declaring 20000×20000 (400 million pixels)."""
    return png(20_000, 20_000, rows=200)


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real 16×16 JPEG whose frame header claims ``width``×``height``."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "grey").save(out, "JPEG")
    data = bytearray(out.getvalue())
    frame = data.index(b"\xff\xc0")  # SOF0: length(2) precision(1) height(2) width(2)
    struct.pack_into(">HH", data, frame + 5, height, width)
    return bytes(data)


def png_16bit(side: int = 7000, *, colour: int = 0) -> bytes:
    """A complete 16-bit PNG of ``side``×``side`` black pixels, a few hundred KB: the
    probe's worker went to 799 MB decoding the grey one."""
    return png(side, side, bit_depth=16, colour=colour, rows=side)


def photo(width: int, height: int, fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    """A plain picture of the given size: a grey gradient, quick to make at any size."""
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return out.getvalue()


# --- PDFs ----------------------------------------------------------------------------------


def _blank_pdf() -> pikepdf.Pdf:
    """One A4 page with a line of text: an ordinary letter (an empty page is refused as
    blank, issue 14.4)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page = pdf.pages[0]
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Surat keterangan) Tj ET")
    return pdf


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_clean() -> bytes:
    return _saved(_blank_pdf())


def pdf_with_javascript() -> bytes:
    """JavaScript run on opening (``/OpenAction``) and from the document's name tree."""
    pdf = _blank_pdf()
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('hi')")))
    pdf.Root.OpenAction = script
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("x"), script])))
    return _saved(pdf)


def pdf_with_launch() -> bytes:
    """A page that starts a program when opened, and a link that does the same."""
    pdf = _blank_pdf()
    page = pdf.pages[0].obj
    page.AA = Dictionary(O=Dictionary(S=Name.Launch, F=String("cmd.exe")))
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 100, 100]),
        A=Dictionary(S=Name.Launch, F=String("calc.exe"), Next=Dictionary(S=Name.URI)),
    )
    page.Annots = Array([pdf.make_indirect(link)])
    return _saved(pdf)


def pdf_with_attachment() -> bytes:
    """An executable carried as an attached file, and a page annotation opening it."""
    pdf = _blank_pdf()
    pdf.attachments["gaji.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not a letter")
    pin = Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([0, 0, 9, 9]))
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(pin)])
    return _saved(pdf)


def pdf_html_polyglot() -> bytes:
    """A valid PDF that is also a web page: the HTML sits after the header line, in a
    comment a PDF reader skips and a browser sniffing the bytes runs."""
    data = pdf_clean()
    header, rest = data.split(b"\n", 1)
    return header + b"\n%<html><script>alert(document.cookie)</script></html>\n" + rest


HTML_AS_PHOTO = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
