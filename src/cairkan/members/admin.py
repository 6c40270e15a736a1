from django.contrib import admin

from cairkan.members.models import Contribution, Employer, Membership, Participant, ReturnRate


class MembershipInline(admin.TabularInline[Membership, Participant]):
    model = Membership
    extra = 0
    fields = ["kpj", "employer", "start_date", "separation_date", "separation_reason", "status"]
    raw_id_fields = ["employer"]
    show_change_link = True


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin[Participant]):
    list_display = ["nik", "full_name", "birth_date", "sex"]
    search_fields = ["=nik", "full_name", "memberships__kpj"]
    inlines = [MembershipInline]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin[Employer]):
    list_display = ["registration_number", "name", "district_code", "sector"]
    search_fields = ["=registration_number", "name"]
    list_filter = ["district_code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["kpj", "participant", "employer", "start_date", "separation_date", "status"]
    search_fields = ["=kpj", "=participant__nik", "participant__full_name"]
    list_filter = ["status", "separation_reason"]
    raw_id_fields = ["participant", "employer"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin[Contribution]):
    list_display = ["membership", "period", "wage", "worker_share", "employer_share", "paid_on"]
    search_fields = ["=membership__kpj"]
    raw_id_fields = ["membership"]
    show_full_result_count = False  # counting millions of rows on every page is slow


@admin.register(ReturnRate)
class ReturnRateAdmin(admin.ModelAdmin[ReturnRate]):
    list_display = ["year", "rate_percent", "illustrative", "source"]
