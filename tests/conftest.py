from __future__ import annotations

import pytest

from cairkan.integrations import loading


@pytest.fixture(autouse=True)
def _fresh_gateways():
    """Gateways are built from settings once per process; tests may change the settings."""
    loading.reset()
    yield
    loading.reset()
