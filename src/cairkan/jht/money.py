"""Exact rupiah arithmetic inside OpenFisca.

OpenFisca stores ``int`` variables as int32 (too small: balances pass Rp 2.1 billion)
and ``float`` as float32 (never for money). ``RupiahVariable`` keeps whole rupiah in
int64. Rates come from parameters as decimal fractions (0.05, 0.037); they are turned
into exact integer basis points once, so every amount is computed in integers and
rounded down to the rupiah only at the end (domain reference: round tax down).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from openfisca_core.variables import Variable

IntArray = npt.NDArray[np.int64]
BASIS = 10_000  # basis points per 1


class RupiahVariable(Variable):
    """Base of money variables. Each subclass still declares ``value_type = int``:
    OpenFisca reads a variable's attributes from its own class only."""

    def __init__(self, baseline_variable: Any = None) -> None:
        super().__init__(baseline_variable)
        self.dtype = np.int64


def basis_points(rate: float) -> int:
    """An exact integer number of basis points for a YAML rate such as 0.05 or 0.037."""
    points = Decimal(str(rate)) * BASIS
    if points != points.to_integral_value():
        raise ValueError(f"rate {rate} is finer than a basis point")
    return int(points)


def share_of(amount: IntArray, rate: float) -> IntArray:
    """``amount × rate`` rounded down to the rupiah."""
    return np.asarray(amount, dtype=np.int64) * basis_points(rate) // BASIS


def marginal_tax_scaled(amount: IntArray, scale: Any) -> IntArray:
    """Tax on ``amount`` under a marginal-rate scale, in rupiah × BASIS (not yet rounded).

    ``scale`` is an OpenFisca ``MarginalRateTaxScale`` at a date (``thresholds``, ``rates``).
    """
    brackets = sorted(
        (int(threshold), basis_points(rate))
        for threshold, rate in zip(scale.thresholds, scale.rates, strict=True)
    )
    amount = np.asarray(amount, dtype=np.int64)
    total = np.zeros_like(amount)
    for index, (threshold, points) in enumerate(brackets):
        upper = brackets[index + 1][0] if index + 1 < len(brackets) else None
        portion = (
            np.clip(amount, threshold, upper) - threshold
            if upper is not None
            else (np.maximum(amount, threshold) - threshold)
        )
        total += portion * points
    return total
