"""What Cairkan sent, as the member's phone received it (the tests' MemorySender).

The outbox stores one-time codes masked, so a code is read where the member reads it.
A test whose transaction never commits (``django_db`` without ``transaction=True``)
would never hand a message over; the helper runs the after-commit work first, as the
commit would have."""

from __future__ import annotations

import re

from django.db import connection

from cairkan.notifications.senders import MemorySender


def _run_after_commit_work() -> None:
    while connection.run_on_commit:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()


def last_code(to: str) -> str:
    """The six-digit code in the latest message to ``to``. A phone number matches on its
    last nine digits, however it was typed (0812…, +62812…)."""
    _run_after_commit_work()
    received = [
        item
        for item in MemorySender.outbox
        if (item.to == to if "@" in to else item.to.endswith(to[-9:]))
    ]
    assert received, f"no message to {to}"
    found = re.search(r"\b(\d{6})\b", received[-1].body)
    assert found is not None, received[-1].body
    return found.group(1)
