"""Staff roles as groups: an officer gets a role, never a superuser account.

Four eyes on money: a verifier (Verifikator) assesses, rejects, asks for corrections and
approves up to ``CAIRKAN_FOUR_EYES_ABOVE``; above it the verifier's approval is the first
of two, and the second is a different person's who is a supervisor (Penyelia,
``backoffice.approve_above_limit``). A counter officer (Petugas loket) and an auditor
never approve. An auditor sees everything and changes nothing.

The roles are kept in step with this table after every ``migrate`` (and after a test
database is flushed) by a ``post_migrate`` handler, so a model added later is in the
auditor's view without a data migration. Operators may add permissions to a group; the
sync only adds, it never takes a permission away.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission

_COUNTER = [
    "claims.view_claim",
    "claims.view_claimdraft",
    "claims.view_documentupload",
    "claims.view_appointment",
    "claims.change_appointment",  # marks a member as come or not come
    "claims.file_on_behalf",  # files a walk-in member's claim at the counter, with consent
    "claims.view_appointmentcapacity",
    "members.view_participant",
    "members.view_membership",
    "members.view_employer",
    "members.view_contribution",
    "accounts.view_memberaccount",
    "accounts.view_registration",
    "accounts.view_accountevent",
    "biometrics.view_facestep",
    "biometrics.view_unlockbooking",
    "workdays.view_closure",
]
_VERIFIER = [
    *_COUNTER,
    "claims.assess_claim",
    "claims.reject_claim",
    "claims.request_correction",
    # The journey: "a verifier approves" — alone only up to the four-eyes limit
    # (backoffice.services.claim_review_approve), above it as the first of two.
    "claims.approve_claim",
    "biometrics.view_faceevent",
    "biometrics.view_faceattempt",
    "biometrics.view_faceenrolment",
    "biometrics.unlock_face_step",  # after checking the e-KTP in a video call
    "biometrics.decide_face_review",  # a borderline face check: the member's face or not
    "biometrics.view_deskcheck",  # the desk's checks and reviews, as records
    "biometrics.view_facereview",
    "screening.view_screeningresult",  # why screening sent a claim to a person
    "backoffice.escalate_claim",
]
_SUPERVISOR = [
    *_VERIFIER,
    "backoffice.approve_above_limit",  # the second of four eyes is a supervisor's
    "backoffice.release_any_claim",  # frees a claim an absent officer holds
    "claims.add_appointmentcapacity",
    "claims.change_appointmentcapacity",
    "claims.delete_appointmentcapacity",
    "workdays.add_closure",  # a regional holiday or an office closed
    "workdays.change_closure",
    "workdays.delete_closure",
    "biometrics.view_livenesschallenge",
    "notifications.view_outboundmessage",
    "backoffice.view_supervision",
    "payouts.view_payout",
    "payouts.view_payoutevent",
    "payouts.resume_payout",  # a held payout, once its cause is fixed
    # Registry corrections decide who is paid and when the waiting period starts: the
    # supervisor makes them, so a verifier never corrects the data a claim is judged on.
    "members.correct_participant",
    "members.correct_membership",
    "members.view_memberdataevent",
]
# The auditor reads every record of these apps (and who holds which role), nothing else.
_AUDITED_APPS = [
    "audit",
    "members",
    "integrations",
    "notifications",
    "accounts",
    "biometrics",
    "claims",
    "payouts",
    "workdays",
    "screening",
    "auth",
    "backoffice",  # every branch's claims, read-only (backoffice.view_all_branches)
    "otp_totp",  # who has a second-factor device (never its key)
]

ROLES = {
    "Petugas loket": _COUNTER,
    "Verifikator": _VERIFIER,
    "Penyelia": _SUPERVISOR,
}
AUDITOR = "Auditor"


def roles_sync(sender: Any = None, **_: Any) -> None:
    """Create the roles and give each the permissions of the table (idempotent).

    ``post_migrate`` is sent once per app; the roles wait for the last one, when every
    app's permissions exist."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not None and with_models and sender is not with_models[-1]:
        return
    for name, wanted in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:  # an app not migrated yet: its turn comes
                group.permissions.add(permission)
    auditor, _created = Group.objects.get_or_create(name=AUDITOR)
    auditor.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=_AUDITED_APPS, codename__startswith="view_"
        )
    )
