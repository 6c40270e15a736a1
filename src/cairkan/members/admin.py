"""Member data in the back office: read here, corrected only through the services in
``members.services`` (an action asking for the reason), never by editing a field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cairkan.members.models import (
    Contribution,
    Employer,
    MemberDataEvent,
    Membership,
    MembershipStatus,
    Participant,
    ReturnRate,
    SeparationReason,
)
from cairkan.members.services import MemberDataError, membership_correct, participant_correct


class RegistryRecordAdmin[M: Any](admin.ModelAdmin[M]):
    """BPJS Ketenagakerjaan's record: shown, never edited by hand (corrections are
    services with a reason, an event and an audit entry)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline[Membership, Participant]):
    model = Membership
    extra = 0
    fields = ["kpj", "employer", "start_date", "separation_date", "separation_reason", "status"]
    readonly_fields = [
        "kpj",
        "employer",
        "start_date",
        "separation_date",
        "separation_reason",
        "status",
    ]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


REASON_FIELD = forms.CharField(
    label=gettext_lazy("Why (what you checked, and where)"),
    max_length=500,
    widget=forms.Textarea(attrs={"rows": 3}),
)


class NameCorrectionForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Name as on the e-KTP"), max_length=120)
    reason = REASON_FIELD


class MembershipCorrectionForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("status"), choices=MembershipStatus.choices)
    separation_date = forms.DateField(label=gettext_lazy("separation date"), required=False)
    separation_reason = forms.ChoiceField(
        label=gettext_lazy("separation reason"),
        choices=[("", "---------"), *SeparationReason.choices],
        required=False,
    )
    reason = REASON_FIELD


def _correction_page(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    record: Any,
    form: forms.Form,
    title: str,
) -> TemplateResponse:
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "record": record,
        "form": form,
        "action": request.POST.get("action", ""),
        "selected": [str(record.pk)],
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/members/correct.html", context)


def _one(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]) -> Any:
    if queryset.count() != 1:
        modeladmin.message_user(
            request, _("Choose exactly one record to correct."), messages.WARNING
        )
        return None
    return queryset.first()


@admin.action(description=gettext_lazy("Correct the name"), permissions=["correct"])
def correct_name(
    modeladmin: ParticipantAdmin, request: HttpRequest, queryset: QuerySet[Participant]
) -> HttpResponse | None:
    if not modeladmin.has_correct_permission(request):
        raise PermissionDenied
    participant = _one(modeladmin, request, queryset)
    if participant is None:
        return None
    applying = "apply" in request.POST
    form = NameCorrectionForm(
        request.POST if applying else None, initial={"full_name": participant.full_name}
    )
    if form.is_valid():
        try:
            participant_correct(
                participant=participant,
                actor=request.user,
                full_name=form.cleaned_data["full_name"],
                reason=form.cleaned_data["reason"],
            )
        except MemberDataError as exc:
            form.add_error(None, exc.message)
        else:
            modeladmin.message_user(request, _("The name was corrected and the reason recorded."))
            return None
    return _correction_page(modeladmin, request, participant, form, _("Correct the name"))


@admin.action(
    description=gettext_lazy("Correct the status or separation date"), permissions=["correct"]
)
def correct_membership(
    modeladmin: MembershipAdmin, request: HttpRequest, queryset: QuerySet[Membership]
) -> HttpResponse | None:
    if not modeladmin.has_correct_permission(request):
        raise PermissionDenied
    membership = _one(modeladmin, request, queryset)
    if membership is None:
        return None
    applying = "apply" in request.POST
    form = MembershipCorrectionForm(
        request.POST if applying else None,
        initial={
            "status": membership.status,
            "separation_date": membership.separation_date,
            "separation_reason": membership.separation_reason,
        },
    )
    if form.is_valid():
        try:
            membership_correct(
                membership=membership,
                actor=request.user,
                status=form.cleaned_data["status"],
                separation_date=form.cleaned_data["separation_date"],
                separation_reason=form.cleaned_data["separation_reason"],
                reason=form.cleaned_data["reason"],
            )
        except MemberDataError as exc:
            form.add_error(None, exc.message)
        else:
            modeladmin.message_user(
                request, _("The membership was corrected and the reason recorded.")
            )
            return None
    title = _("Correct the status or separation date")
    return _correction_page(modeladmin, request, membership, form, title)


@admin.register(Participant)
class ParticipantAdmin(RegistryRecordAdmin[Participant]):
    list_display = ["nik", "full_name", "birth_date", "sex"]
    search_fields = ["=nik", "full_name", "memberships__kpj"]
    inlines = [MembershipInline]
    actions = [correct_name]

    def has_correct_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.correct_participant")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin[Employer]):
    list_display = ["registration_number", "name", "district_code", "sector"]
    search_fields = ["=registration_number", "name"]
    list_filter = ["district_code"]


@admin.register(Membership)
class MembershipAdmin(RegistryRecordAdmin[Membership]):
    list_display = ["kpj", "participant", "employer", "start_date", "separation_date", "status"]
    search_fields = ["=kpj", "=participant__nik", "participant__full_name"]
    list_filter = ["status", "separation_reason"]
    raw_id_fields = ["participant", "employer"]
    actions = [correct_membership]

    def has_correct_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.correct_membership")


@admin.register(MemberDataEvent)
class MemberDataEventAdmin(RegistryRecordAdmin[MemberDataEvent]):
    """Corrections made: read, never written by hand."""

    list_display = ["created_at", "participant", "membership", "kind", "acting_user", "reason"]
    list_filter = ["kind"]
    search_fields = ["=participant__nik", "=membership__kpj"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin[Contribution]):
    list_display = ["membership", "period", "wage", "worker_share", "employer_share", "paid_on"]
    search_fields = ["=membership__kpj"]
    raw_id_fields = ["membership"]
    show_full_result_count = False  # counting millions of rows on every page is slow


@admin.register(ReturnRate)
class ReturnRateAdmin(admin.ModelAdmin[ReturnRate]):
    list_display = ["year", "rate_percent", "illustrative", "source"]
