"""Why a file from outside was not taken."""

from __future__ import annotations


class Refused(ValueError):
    """``code`` names what is wrong (``image_too_large``, ``pdf_encrypted`` …); ``params``
    are the figures a message may quote."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        figures = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code} ({figures})" if figures else self.code
