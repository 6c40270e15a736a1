from __future__ import annotations

import pytest

from cairkan.integrations import loading


@pytest.fixture(autouse=True)
def _fresh_gateways():
    """Gateways are built from settings once per process; tests may change the settings."""
    loading.reset()
    yield
    loading.reset()


@pytest.fixture(autouse=True)
def _empty_phones():
    """Each test starts with nothing received (the MemorySender stands in for phones)."""
    from cairkan.notifications.senders import MemorySender

    MemorySender.outbox.clear()
    yield
    MemorySender.outbox.clear()
