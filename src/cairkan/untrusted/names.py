"""File names from outside, made into text any database keeps and no one misreads.

A name is only a label for the officer (files are stored under a generated name), so it
is cleaned rather than refused: no path, no control or format characters (PostgreSQL
takes no NUL, and a right-to-left override can show ``gaji.exe`` as ``gajiexe.jpg``),
no half of a surrogate pair, at most ``limit`` characters with the extension kept.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 200  # DocumentUpload.filename
MAX_EXTENSION = 10
# Control, format, surrogate, private-use and unassigned characters.
DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_filename(name: str, limit: int = MAX_LENGTH) -> str:
    """The last path part of ``name``, without the characters above; ``""`` if nothing
    is left (the caller names it)."""
    kept = "".join(
        " " if char in "\t\n\r" else char
        for char in name
        if char in "\t\n\r" or unicodedata.category(char) not in DROPPED_CATEGORIES
    )
    base = kept.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if base in {".", ".."}:
        return ""
    base = unicodedata.normalize("NFC", base)
    if len(base) <= limit:
        return base
    stem, dot, extension = base.rpartition(".")
    if dot and stem and len(extension) <= MAX_EXTENSION:
        return stem[: limit - len(extension) - 1].rstrip() + "." + extension
    return base[:limit]
