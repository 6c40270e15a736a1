"""Officers' view of payouts, and the claim admin's "Approve" action, which approves
through ``claim_approve`` so that every approved claim has its payout."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cairkan.biometrics.admin import ReadOnlyAdmin
from cairkan.claims import admin as claims_admin
from cairkan.claims.models import Claim
from cairkan.payouts.models import Payout, PayoutEvent
from cairkan.payouts.services import PayoutError, claim_approve, payout_resume


def _approve(*, claim: Claim, to_status: str, **kwargs: Any) -> Claim:
    return claim_approve(claim=claim, **kwargs)


admin.site.unregister(Claim)


@admin.register(Claim)
class ClaimAdmin(claims_admin.ClaimAdmin):
    actions = [
        claims_admin.ClaimAdmin.actions[0],
        claims_admin._move("approved", _("Approve"), "approve", mover=_approve),
        *claims_admin.ClaimAdmin.actions[1:],
    ]


class PayoutEventInline(admin.TabularInline[PayoutEvent, Payout]):
    model = PayoutEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_state", "to_state", "actor", "acting_user", "source", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description=_("Resume the held payout"), permissions=["resume"])
def resume_payouts(
    modeladmin: admin.ModelAdmin[Payout], request: HttpRequest, queryset: QuerySet[Payout]
) -> None:
    if not request.user.has_perm("payouts.resume_payout"):
        raise PermissionDenied
    resumed = 0
    for payout in queryset:
        try:
            payout_resume(payout=payout, acting_user=request.user)
            resumed += 1
        except PayoutError as exc:
            modeladmin.message_user(request, f"{payout.reference}: {exc.code}", messages.ERROR)
    if resumed:
        modeladmin.message_user(request, _("%(count)d payouts resumed.") % {"count": resumed})


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin[Payout]):
    """Payouts change only through the services; officers look, and resume held ones."""

    list_display = [
        "reference",
        "claim",
        "state",
        "failure_code",
        "net",
        "bank_code",
        "attempts",
        "inquiries",
        "next_attempt_at",
        "updated_at",
    ]
    list_filter = ["state", "failure_code", "bank_code"]
    search_fields = ["=reference", "=claim__public_id", "=participant__nik"]
    readonly_fields = [f.name for f in Payout._meta.fields]
    inlines = [PayoutEventInline]
    actions = [resume_payouts]

    def has_resume_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payouts.resume_payout")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payout]:
        return super().get_queryset(request).select_related("claim")
