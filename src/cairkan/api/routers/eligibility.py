"""The JHT rules on a case, for anyone (no login)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

from cairkan.jht import decide, parse_case

router = Router()


@router.post("/eligibility", tags=["guidance"])
def eligibility(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    """The rules on a case, no login needed (the `cairkan rules decide` contract)."""
    return decide(parse_case(payload)).as_json()
