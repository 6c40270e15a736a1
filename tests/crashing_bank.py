"""A sandbox bank that kills the worker calling it, once, at a chosen point: after the
bank accepted a transfer and before Cairkan could record the answer ("after_accept"), or
after the lease and before the transfer reached the bank ("before_submit"). Armed by the
file named in CAIRKAN_TEST_CRASH_FILE, whose content is the point; the file is removed
as the worker dies, so the restarted worker runs normally."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from cairkan.integrations.bank.base import TransferStatus
from cairkan.integrations.bank.sandbox import SandboxBank


def _armed(point: str) -> bool:
    marker = Path(os.environ.get("CAIRKAN_TEST_CRASH_FILE", "/nonexistent"))
    if not marker.exists() or marker.read_text().strip() != point:
        return False
    marker.unlink()
    return True


class CrashingSandboxBank(SandboxBank):
    def submit_transfer(self, **kwargs: Any) -> TransferStatus:
        if _armed("before_submit"):
            os.kill(os.getpid(), signal.SIGKILL)
        status = super().submit_transfer(**kwargs)
        if _armed("after_accept"):
            os.kill(os.getpid(), signal.SIGKILL)
        return status
