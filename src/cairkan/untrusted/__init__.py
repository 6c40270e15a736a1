"""Bytes and names from outside, opened so that they cannot hurt the worker or an officer.

Pure Python, no Django and nothing else of Cairkan's (an import-linter contract checks
it): document uploads and the face engine both open what members send through here.
Each refusal is a :class:`Refused` with a code the caller turns into a member's message.
"""

from cairkan.untrusted.images import (
    DEFAULT_IMAGE_LIMITS,
    ImageHeader,
    ImageLimits,
    open_image,
    read_header,
)
from cairkan.untrusted.names import clean_filename
from cairkan.untrusted.pdfs import clean_pdf, pdf_is_blank
from cairkan.untrusted.refusal import Refused
from cairkan.untrusted.sniff import is_markup

__all__ = [
    "DEFAULT_IMAGE_LIMITS",
    "ImageHeader",
    "ImageLimits",
    "Refused",
    "clean_filename",
    "clean_pdf",
    "is_markup",
    "open_image",
    "pdf_is_blank",
    "read_header",
]
