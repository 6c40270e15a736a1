"""How the tax withheld from one JHT payment splits over the tax bands, for the bukti potong.

The rules (``variables/amounts.py``) compute one figure, the tax; a withholding slip must
also show the base taxed in each band and its rate. This module re-derives those lines
from the same parameters and adds them up to the same total, so a slip never shows lines
that disagree with the amount withheld:

- within the first two calendar years of payments: PP 68/2009 final tax on the lump sum,
  earlier payments of the window added up (0% to Rp 50 juta, 5% above); this payment's
  base in a band is the part of [earlier, earlier + gross) that falls in it;
- later: the progressive rates of UU PPh Art. 17(1)(a) (as changed by UU 7/2021) on this
  payment alone, 20% more without an NPWP (Art. 21(5a)).

Each band's tax is rounded down to the rupiah; the lump sum's own rounding (the tax on
earlier + this, rounded down, less what the earlier payments withheld) may differ from the
bands' sum by a rupiah, and the 20% surcharge is its own line, so the lines always add up to
``total``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cairkan.jht.money import BASIS, basis_points
from cairkan.jht.system import system

FINAL = "final"  # PP 68/2009
PROGRESSIVE = "progressive"  # UU PPh Art. 17


@dataclass(frozen=True, slots=True)
class TaxBand:
    lower: int  # rupiah, of the lump sum (final) or of this payment (progressive)
    upper: int | None  # None: no upper bound
    rate_basis_points: int  # 500 = 5%
    base: int  # the part of this payment taxed in the band, rupiah
    tax: int  # base × rate, rounded down to the rupiah


@dataclass(frozen=True, slots=True)
class Withholding:
    regime: str  # FINAL or PROGRESSIVE
    gross: int
    earlier_in_window: int  # gross paid before in the same final-tax window (FINAL only)
    bands: tuple[TaxBand, ...]
    rounding: int  # lump-sum rounding, rupiah (FINAL only; 0 or a rupiah or so)
    surcharge_basis_points: int  # 2000 without an NPWP on the progressive rates, else 0
    surcharge: int  # rupiah
    total: int  # the tax withheld: sum of the bands' tax + rounding + surcharge

    @property
    def regulation(self) -> str:
        if self.regime == FINAL:
            return "PP 68/2009"
        return "UU PPh Pasal 17 ayat (1) huruf a (UU 7/2021)" + (
            "; Pasal 21 ayat (5a)" if self.surcharge else ""
        )


def _brackets(scale: Any) -> list[tuple[int, int | None, int]]:
    pairs = sorted(
        (int(threshold), basis_points(rate))
        for threshold, rate in zip(scale.thresholds, scale.rates, strict=True)
    )
    return [
        (low, pairs[i + 1][0] if i + 1 < len(pairs) else None, points)
        for i, (low, points) in enumerate(pairs)
    ]


def _overlap(start: int, end: int, low: int, high: int | None) -> int:
    top = end if high is None else min(end, high)
    return max(0, top - max(start, low))


def _scaled(amount: int, brackets: list[tuple[int, int | None, int]]) -> int:
    """Tax on ``amount`` in rupiah × BASIS (as ``money.marginal_tax_scaled``)."""
    return sum(_overlap(0, amount, low, high) * points for low, high, points in brackets)


def within_final_window(*, paid_in: int, first_payment_year: int, on: date) -> bool:
    """PP 68/2009: payments in the first two calendar years share the final-tax band."""
    years = int(system().parameters(on.isoformat()).tax.aggregation_calendar_years)
    return paid_in < first_payment_year + years


def withholding(
    *, on: date, gross: int, earlier_in_window: int, within_window: bool, has_npwp: bool
) -> Withholding:
    """The bands of the tax on a payment of ``gross`` decided with the parameters of ``on``."""
    if gross < 0 or earlier_in_window < 0:
        raise ValueError("amounts are never negative")
    tax = system().parameters(on.isoformat()).tax
    if within_window:
        brackets = _brackets(tax.final_lump_sum)
        start, end = earlier_in_window, earlier_in_window + gross
        bands = tuple(
            TaxBand(low, high, points, base, base * points // BASIS)
            for low, high, points in brackets
            if (base := _overlap(start, end, low, high))
        )
        # What was withheld before was the earlier lump sum's tax, rounded down.
        total = _scaled(end, brackets) // BASIS - _scaled(start, brackets) // BASIS
        rounding = total - sum(band.tax for band in bands)
        return Withholding(FINAL, gross, earlier_in_window, bands, rounding, 0, 0, total)
    brackets = _brackets(tax.article_17)
    bands = tuple(
        TaxBand(low, high, points, base, base * points // BASIS)
        for low, high, points in brackets
        if (base := _overlap(0, gross, low, high))
    )
    scaled = _scaled(gross, brackets)
    surcharge_points = 0 if has_npwp else basis_points(tax.no_npwp_surcharge)
    total = scaled * (BASIS + surcharge_points) // BASIS // BASIS
    # Bands rounded down separately may fall a rupiah short of the total: the surcharge line
    # (or, with an NPWP, a rounding line) takes the rest so the slip adds up.
    rest = total - sum(band.tax for band in bands)
    surcharge = rest if surcharge_points else 0
    return Withholding(
        PROGRESSIVE, gross, 0, bands, rest - surcharge, surcharge_points, surcharge, total
    )
