"""Closing a deceased member's account: nobody logs in as a dead member again.

Called in the transaction that files an heir's death claim (``claims.services``): from
then on the account is closed for new claims, its sessions end and its app tokens are
revoked. Sessions end because the user is made inactive (Django's backend no longer
loads an inactive user from a session) and its password unusable; the API's bearer
tokens are deleted.
"""

from __future__ import annotations

from typing import Any

from cairkan.accounts.models import MemberAccount
from cairkan.audit.services import audit_record
from cairkan.members.models import Participant


def account_close_deceased(*, participant: Participant, why: str, acting_user: Any = None) -> bool:
    """Close the member's account, if they have one still open; True when it was."""
    account = (
        MemberAccount.objects.select_for_update()
        .select_related("user")
        .filter(participant=participant)
        .first()
    )
    if account is None or not account.user.is_active:
        return False
    user = account.user
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    revoked, _ = account.tokens.all().delete()
    audit_record(
        actor_kind="officer" if acting_user else "system",
        actor_user=acting_user,
        action="account.close_deceased",
        subject=account,
        before={"active": True},
        after={"active": False, "tokens_revoked": revoked},
        why=why,
    )
    return True


def account_closed(*, participant: Participant) -> bool:
    """The member's account exists and was closed (death): no claim of their own."""
    return MemberAccount.objects.filter(participant=participant, user__is_active=False).exists()
