"""Claim documents: resumable uploads that check what the file really is.

JPG, PNG or PDF, at most 6 MB each (the public portal's limit, domain reference,
Documents). The type is read from the content, never from the name. Files are opened
through ``cairkan.untrusted``: a photo's header is checked before it is decoded, then it
is turned upright, shrunk and saved again as a JPEG (nothing of the original file is
kept); a PDF loses its scripts, actions and attachments; a web page is refused. Every
refusal ends the upload ``rejected`` with a reason the member can act on, and a new
upload for the same document starts afresh.
"""

from __future__ import annotations

import hashlib
import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageStat

from cairkan.claims.messages import claim_message
from cairkan.claims.models import Claim, ClaimDraft, DocumentUpload, UploadChunk
from cairkan.jht.variables.documents import DOCUMENT_VARIABLES
from cairkan.untrusted import (
    Refused,
    clean_filename,
    clean_pdf,
    is_markup,
    open_image,
    pdf_is_blank,
    read_header,
)

MAX_BYTES = 6 * 1024 * 1024
MAX_CHUNK = 512 * 1024
MAX_SIDE = 2000  # enough to read a letter; a phone photo is 3-4 times larger
MIN_SIDE = 600  # below this a photographed letter cannot be read
# A picture whose grey levels vary less than this holds no page (``_nothing_to_read``);
# one this dark on average is a covered lens or a photo taken in the dark.
BLANK_DEVIATION = 2.5
BLACK_MEAN = 50.0


class UploadError(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def upload_summary(upload: DocumentUpload) -> dict[str, object]:
    """What a client shows and resumes from: how far, and why a file was refused."""
    return {
        "id": str(upload.public_id),
        "kind": upload.kind,
        "size": upload.size,
        "received": upload.received,
        "state": upload.state,
        "rejection": upload.rejection,
        "message": claim_message(upload.rejection) if upload.rejection else "",
    }


def upload_start(
    *,
    kind: str,
    filename: str,
    size: int,
    draft: ClaimDraft | None = None,
    claim: Claim | None = None,
) -> DocumentUpload:
    """Open an upload for a draft, or for a filed claim whose officer asked for this
    document again (needs correction)."""
    if kind not in DOCUMENT_VARIABLES:
        raise UploadError("document_kind_unknown")
    # Only a label for the officer: no path, no NUL (PostgreSQL refuses it), no control
    # characters; the file itself is stored under the upload's own name.
    filename = clean_filename(filename) or kind
    if size <= 0:
        raise UploadError("file_empty")
    if size > MAX_BYTES:
        raise UploadError("file_too_large", limit_mb=6)
    if claim is not None:
        if claim.status != "needs_fix" or f"document:{kind}" not in claim.correction_fields:
            raise UploadError("document_not_requested")
        # The earlier file stays with the claim (the officer's record); the newest counts.
        return DocumentUpload.objects.create(claim=claim, kind=kind, filename=filename, size=size)
    if draft is None:
        raise UploadError("upload_unknown")
    with transaction.atomic():
        # A new file for the same document replaces the earlier one.
        draft.uploads.filter(kind=kind).delete()
        return DocumentUpload.objects.create(draft=draft, kind=kind, filename=filename, size=size)


def upload_whole(
    *,
    kind: str,
    filename: str,
    data: bytes,
    draft: ClaimDraft | None = None,
    claim: Claim | None = None,
) -> DocumentUpload:
    """A file that arrived in one request (the page without JavaScript): the same checks
    as a chunked upload, in chunks."""
    upload = upload_start(kind=kind, filename=filename, size=len(data), draft=draft, claim=claim)
    for offset in range(0, len(data), MAX_CHUNK):
        upload = upload_append(
            upload=upload, offset=offset, chunk=data[offset : offset + MAX_CHUNK]
        )
    return upload


def upload_append(*, upload: DocumentUpload, offset: int, chunk: bytes) -> DocumentUpload:
    """Add the bytes at ``offset``. A client that lost track resumes at ``received``:
    a chunk at any other offset is refused with the offset the server expects."""
    if not chunk or len(chunk) > MAX_CHUNK:
        raise UploadError("chunk_size", limit=MAX_CHUNK)
    with transaction.atomic():
        locked = DocumentUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.state != DocumentUpload.State.RECEIVING:
            raise UploadError("upload_closed", state=locked.state)
        if offset != locked.received:
            raise UploadError("offset_mismatch", expected=locked.received)
        if offset + len(chunk) > locked.size:
            raise UploadError("file_too_large", limit_mb=6)
        UploadChunk.objects.create(upload=locked, offset=offset, data=chunk)
        locked.received = offset + len(chunk)
        locked.save(update_fields=["received"])
    if locked.received == locked.size:
        _finish(locked)
        locked.refresh_from_db()
    return locked


def _assemble(upload: DocumentUpload) -> bytes:
    chunks = upload.chunks.order_by("offset").values_list("data", flat=True)
    return b"".join(bytes(c) for c in chunks)


def _nothing_to_read(picture: Image.Image) -> str:
    """``image_black`` or ``image_blank`` when the picture holds no page to read, else "".

    Measured on a 512 px grey copy: a page with writing varies by tens of grey levels
    (a letter photographed at 900×1200: deviation 51; blurred by 16 px still 7.8; even
    bare paper grain, 1400×1000, 3.3); an empty page, a covered lens or a wall with a
    sensor's grain stays near 1.5–2. Doubt goes to the member: an officer sees the file."""
    grey = picture.convert("L")
    grey.thumbnail((512, 512))
    stat = ImageStat.Stat(grey)
    if stat.stddev[0] >= BLANK_DEVIATION:
        return ""
    return "image_black" if stat.mean[0] < BLACK_MEAN else "image_blank"


def _image(data: bytes) -> tuple[bytes, str] | str:
    try:
        header = read_header(data, fit=MAX_SIDE)
        if min(header.width, header.height) < MIN_SIDE:
            return "image_too_small"
        upright = open_image(data, fit=MAX_SIDE)
    except Refused as refused:
        return refused.code
    if empty := _nothing_to_read(upright):
        return empty
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "image/jpeg"


def _pdf(data: bytes) -> tuple[bytes, str] | str:
    try:
        cleaned = clean_pdf(data)
    except Refused as refused:
        return refused.code
    if pdf_is_blank(cleaned):
        return "pdf_blank"
    return cleaned, "application/pdf"


def _checked(data: bytes) -> tuple[bytes, str] | str:
    """What to store and its type, or why not."""
    if is_markup(data):  # a web page, whatever it claims to be
        return "file_is_web_page"
    return _pdf(data) if data.startswith(b"%PDF-") else _image(data)


def _finish(upload: DocumentUpload) -> None:
    data = _assemble(upload)
    digest = hashlib.sha256(data).hexdigest()
    result = _checked(data)
    with transaction.atomic():
        if isinstance(result, str):
            upload.state = DocumentUpload.State.REJECTED
            upload.rejection = result
        else:
            content, content_type = result
            upload.stored.save(
                f"{upload.public_id}{'.pdf' if content_type.endswith('pdf') else '.jpg'}",
                ContentFile(content),
                save=False,
            )
            upload.state = DocumentUpload.State.COMPLETE
            upload.content_type = content_type
        upload.sha256 = digest
        upload.save()
        upload.chunks.all().delete()
