"""Why a bank file was refused: one exception with a stable code an operator can act on."""

from __future__ import annotations


class BankFileRefused(Exception):
    """A file that must not leave Cairkan or must not move any payout.

    ``code`` is stable (tests, logs, the file's record); ``str()`` says what is wrong in
    words an operator can act on. Nothing has been changed when this is raised.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
