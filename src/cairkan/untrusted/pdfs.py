"""A PDF from outside, without what a reader would run or open for the officer.

Removed: JavaScript, actions run on opening a document, a page or a field
(``/OpenAction``, ``/AA``), any action but a jump inside the document (launching a
program, opening a web address or another file, submitting a form), attached files and
the annotations that carry or play something, and XFA forms. A PDF with none of these
is kept byte for byte (a digital signature on a letter stays valid); one with any of
them, or one that qpdf had to repair, or one carrying a web page, is rewritten by qpdf
with everything it does not reach dropped and every object compressed. What is still
active after that is refused (issue 9, L5).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

# pikepdf announces at INFO, on import, that its logging works: noise in every process.
logging.getLogger("pikepdf._core").setLevel(logging.WARNING)

import pikepdf  # noqa: E402

from cairkan.untrusted.refusal import Refused  # noqa: E402

# Keys whose value is active content wherever they appear.
ACTIVE_KEYS = (
    "/JS",
    "/JavaScript",  # the name tree of document scripts
    "/AA",  # additional actions: on open, close, focus, keystroke …
    "/OpenAction",
    "/EmbeddedFiles",  # the name tree of attachments
    "/EF",  # a file specification's embedded file
    "/AF",  # associated files (PDF 2.0)
    "/XFA",  # XML forms, scripted
    "/RichMediaContent",
)
# Keys whose value is an action (or, for /Next, one or a list): kept only for a jump.
ACTION_KEYS = ("/A", "/Next", "/PA")
SAFE_ACTIONS = ("/GoTo",)
# Annotations that carry a file or play something.
REMOVED_ANNOTATIONS = ("/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D")
# A web page inside the bytes (a PDF reader skips it; a browser would not).
MARKUP = re.compile(rb"<\s*(html|script|iframe|svg|body|object|embed)\b", re.IGNORECASE)


def clean_pdf(data: bytes) -> bytes:
    """``data`` itself when there is nothing to remove, else the rewritten PDF; or
    :class:`Refused` with ``pdf_encrypted``, ``pdf_unreadable`` or ``pdf_active_content``."""
    with _opened(data) as pdf:
        repaired = bool(pdf.get_warnings())
        found = _active_parts(pdf, remove=False)
        if not found and not repaired and not MARKUP.search(data):
            return data
        _active_parts(pdf, remove=True)
        out = io.BytesIO()
        try:
            pdf.save(
                out,
                # Dictionaries go into compressed object streams, streams are copied
                # without being decoded (no Flate bomb is ever expanded).
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                compress_streams=True,
            )
        except pikepdf.PdfError:
            raise Refused("pdf_unreadable") from None
    cleaned = out.getvalue()
    with _opened(cleaned) as again:
        left = _active_parts(again, remove=False)
    if left or MARKUP.search(cleaned):
        raise Refused("pdf_active_content", parts=", ".join(left) or "markup")
    return cleaned


def _opened(data: bytes) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise Refused("pdf_encrypted") from None
    except Exception:  # qpdf could not make a PDF of it
        raise Refused("pdf_unreadable") from None
    try:
        if pdf.is_encrypted:
            raise Refused("pdf_encrypted")
        if len(pdf.pages) == 0:
            raise Refused("pdf_unreadable")
    except Refused:
        pdf.close()
        raise
    except Exception:
        pdf.close()
        raise Refused("pdf_unreadable") from None
    return pdf


def _active_parts(pdf: pikepdf.Pdf, *, remove: bool) -> list[str]:
    """What is active, as ``/Key`` or ``/Subtype`` names; removed when ``remove``."""
    found: list[str] = []
    for container in _containers(pdf):
        for key in ACTIVE_KEYS:
            if key in container:
                found.append(key)
                if remove:
                    del container[key]
        for key in ACTION_KEYS:
            if key in container and not _safe_action(container[key]):
                found.append(f"{key} action")
                if remove:
                    del container[key]
        annotations = container.get("/Annots")
        if isinstance(annotations, pikepdf.Array):
            carrying = [
                index
                for index, annotation in enumerate(annotations)
                if isinstance(annotation, pikepdf.Dictionary)
                and annotation.get("/Subtype") in REMOVED_ANNOTATIONS
            ]
            found += [str(annotations[index].get("/Subtype")) for index in carrying]
            if remove:
                for index in reversed(carrying):
                    del annotations[index]
    return found


def _safe_action(action: pikepdf.Object) -> bool:
    if isinstance(action, pikepdf.Array):
        return all(_safe_action(item) for item in action)
    return isinstance(action, pikepdf.Dictionary) and action.get("/S") in SAFE_ACTIONS


def _containers(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary | pikepdf.Stream]:
    """Every dictionary in the file (a stream's too), direct ones inside others
    included, each once; without recursion, however deep the nesting."""
    pending: list[pikepdf.Object] = [pdf.trailer, *pdf.objects]
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            yield item
            children = list(item.values())
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        # Indirect children are in pdf.objects already.
        pending += [
            child
            for child in children
            if isinstance(child, pikepdf.Object) and not child.is_indirect
        ]


# Content a page of nothing but whitespace and state operators can have: a few bytes.
_EMPTY_CONTENT_BYTES = 64


def pdf_is_blank(data: bytes) -> bool:
    """True when no page can show anything: no fonts or images in any page's resources
    and no more than a few bytes of drawing. A scan always holds an image and a typed
    letter a font, so this refuses only the truly empty PDF (a scan of nothing would be
    an image, judged as a photo is not: out of reach here). Streams are measured, never
    decoded, so a compression bomb is not expanded."""
    with _opened(data) as pdf:
        for page in pdf.pages:
            resources = page.obj.get("/Resources")
            if isinstance(resources, pikepdf.Dictionary) and (
                "/Font" in resources or "/XObject" in resources
            ):
                return False
            if _content_bytes(page.obj.get("/Contents")) > _EMPTY_CONTENT_BYTES:
                return False
    return True


def _content_bytes(contents: object) -> int:
    """The stored (encoded) length of a page's content streams."""
    if isinstance(contents, pikepdf.Stream):
        return len(contents.read_raw_bytes())  # as stored: nothing is decompressed
    if isinstance(contents, pikepdf.Array):
        return sum(_content_bytes(part) for part in contents)
    return 0
