"""The JHT rules on a case, for anyone (no login)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, Router

from cairkan.api.core import _problem, problems
from cairkan.jht import decide, parse_case

router = Router()

# Beyond these the rules' arithmetic overflows (int64 rupiah in OpenFisca, a month added
# to 9999-12-31): a 500 before. Neither bound is near a real case. The whole JHT fund is
# a few hundred trillion rupiah; no rule in force reaches past this century.
MAX_RUPIAH = 10**15
LATEST_DATE = date(2100, 12, 31)
DATE_FIELDS = ("as_of", "birth_date", "membership_start", "separation_date")


def _out_of_range(case: dict[str, Any]) -> tuple[str, str] | None:
    """The first field beyond the bounds and what to write instead. Runs after
    ``parse_case``, so every value already has its right type."""
    payouts = list(enumerate(case["prior_payouts"]))
    amounts = [("balance", case["balance"])]
    amounts += [(f"prior_payouts[{i}].gross", p["gross"]) for i, p in payouts]
    for field, amount in amounts:
        if amount > MAX_RUPIAH:
            return field, _("Write an amount of at most %(amount)s rupiah.") % {
                "amount": f"{MAX_RUPIAH:,}".replace(",", ".")
            }
    days = [(name, case[name]) for name in DATE_FIELDS if case[name] is not None]
    days += [(f"prior_payouts[{i}].date", p["date"]) for i, p in payouts]
    for field, day in days:
        if date.fromisoformat(day) > LATEST_DATE:
            return field, _("Write a date no later than %(date)s.") % {
                "date": LATEST_DATE.isoformat()
            }
    return None


@router.post(
    "/eligibility", response={200: dict[str, Any], **problems(400, 422)}, tags=["guidance"]
)
def eligibility(
    request: HttpRequest, payload: Body[dict[str, Any]]
) -> dict[str, Any] | HttpResponse:
    """The rules on a case, no login needed (the `cairkan rules decide` contract)."""
    case = parse_case(payload)
    beyond = _out_of_range(payload)
    if beyond is not None:
        field, message = beyond
        return _problem(request, 422, "out_of_range", message, field)
    return decide(case).as_json()
