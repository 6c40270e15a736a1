"""The answer to a claim: eligible or why not, how much, where to file, what to bring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cairkan.jht.messages import LANGUAGES, REFUSALS, long_date, rupiah

# The order refusals are reported in, and the only codes there are.
REFUSAL_CODES = (
    "waiting_period",
    "membership_active",
    "under_retirement_age",
    "membership_too_short",
    "partial_already_taken",
    "npwp_missing",
    "no_balance",
)
CHANNELS = ("app", "online_assisted", "branch")


@dataclass(frozen=True, slots=True)
class Decision:
    eligible: bool
    refusals: tuple[str, ...]
    eligible_from: date | None
    gross: int
    tax: int
    net: int
    channels: tuple[str, ...]
    documents: tuple[str, ...]
    payment_within_working_days: int
    # Facts the explanations quote: the day each dated condition is met, and limits.
    condition_dates: dict[str, date] = field(default_factory=dict)
    retirement_age: int = 0
    npwp_threshold: int = 0

    def explain(self, language: str = "id") -> list[dict[str, str]]:
        """Each refusal with a plain message that says what to do and when."""
        out = []
        for code in self.refusals:
            text = REFUSALS[code][language].format(
                date=long_date(self.condition_dates[code], language)
                if code in self.condition_dates
                else "",
                age=self.retirement_age,
                threshold=rupiah(self.npwp_threshold, language),
            )
            out.append({"code": code, "message": text})
        return out

    def as_json(self) -> dict[str, Any]:
        """The `cairkan rules decide` output shape (docs/rules.md)."""
        return {
            "eligible": self.eligible,
            "refusals": list(self.refusals),
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "gross": self.gross,
            "tax": self.tax,
            "net": self.net,
            "channels": list(self.channels),
            "documents": list(self.documents),
            "payment_within_working_days": self.payment_within_working_days,
            "explanations": {
                code: {
                    lang: item["message"]
                    for lang in LANGUAGES
                    for item in self.explain(lang)
                    if item["code"] == code
                }
                for code in self.refusals
            },
        }
