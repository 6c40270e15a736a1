"""``{% member_bookings participant %}``: the member's meetings with an officer, with
reschedule and cancel, on the account page (all of them) and a claim's page
(``claim=claim``: that claim's only)."""

from __future__ import annotations

from typing import Any

from django import template

from cairkan.claims.appointment_selectors import claims_needing_booking, member_bookings
from cairkan.claims.models import Claim
from cairkan.members.models import Participant

register = template.Library()


@register.inclusion_tag("web/member/_bookings.html", name="member_bookings")
def member_bookings_tag(participant: Participant, claim: Claim | None = None) -> dict[str, Any]:
    return {
        "bookings": member_bookings(participant=participant, claim=claim),
        "unbooked": claims_needing_booking(participant=participant, claim=claim),
        "on_claim_page": claim is not None,
    }
