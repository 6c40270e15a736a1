"""Is this a web page or a script, whatever it claims to be?

A browser that is handed such bytes without a trustworthy type runs them, and a PDF
reader finds ``%PDF-`` anywhere in the first kilobyte: an HTML page carrying a PDF is
both (issue 9, L5). A photo or a scan never starts with a tag, so such a file is
refused, not cleaned.
"""

from __future__ import annotations

import re

SNIFFED = 1024  # what browsers and PDF readers look at
BYTE_ORDER_MARKS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# A tag, a comment, a doctype or an XML declaration (SVG) after optional whitespace.
MARKUP = re.compile(rb"\A[\s]*<[!?/a-zA-Z]")


def is_markup(data: bytes) -> bool:
    head = data[:SNIFFED]
    for mark, encoding in BYTE_ORDER_MARKS:
        if head.startswith(mark):
            head = head[len(mark) :].decode(encoding, "ignore").encode("ascii", "ignore")
            break
    return MARKUP.match(head) is not None
