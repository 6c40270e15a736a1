"""Counting a request's frames before their contents are kept (issue 9 M4).

Django parses a multipart body as a stream, handing each file part to the upload
handlers. ``FrameCounter`` goes first: it counts every file part as it begins and, past
``MAX_PROMPT_FRAMES``, skips the part's contents instead of storing them, so a request
with many heavy frames costs reading through the bytes once, nothing more; the view then
refuses it as ``too_many_frames`` from the count.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from cairkan.biometrics.services import MAX_PROMPT_FRAMES


class FrameCounter(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.parts = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.parts += 1
        if self.parts > MAX_PROMPT_FRAMES:
            raise SkipFile  # counted, contents not stored; the view refuses the request

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data  # for the next handler, which stores it

    def file_complete(self, file_size: int) -> None:
        return None


def count_frames(request: HttpRequest) -> FrameCounter:
    """Put a counter in front of the upload handlers; call before POST or FILES is read."""
    counter = FrameCounter(request)
    request.upload_handlers.insert(0, counter)
    return counter


def frame_parts(request: HttpRequest) -> int:
    """How many file parts the request held (after parsing), kept or skipped."""
    counter = next((h for h in request.upload_handlers if isinstance(h, FrameCounter)), None)
    return counter.parts if counter else len(request.FILES.getlist("frames"))
