"""Reads about accounts that the pages and the API share."""

from __future__ import annotations

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import FaceEnrolment
from cairkan.members.models import Participant


def face_enrolled(participant: Participant) -> bool:
    """Whether someone enrolled a live face matching the registry photo for this person:
    until then anyone who knew the identity data could have made the account."""
    return FaceEnrolment.objects.filter(participant=participant).exists()


def verified_participant(*, account: MemberAccount) -> Participant | None:
    """The participant whose balance and membership data this account may read: only once
    its face is enrolled. An unenrolled account may have been made by a stranger who
    knows the member's identity data, so it sees nothing of theirs."""
    return account.participant if face_enrolled(account.participant) else None
