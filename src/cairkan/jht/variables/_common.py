"""Helpers shared by the variable modules."""

from __future__ import annotations

from typing import Any

import numpy as np


def as_of(period: Any) -> np.datetime64:
    """The decision date: variables are computed for a DAY period, the day of the decision."""
    return np.datetime64(period.start.date.isoformat(), "D")
