"""Back office: download a participant's JHT statement (staff only until member login)."""

from __future__ import annotations

import structlog
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cairkan.members.statements import (
    parse_iso_date,
    participant_by_nik,
    statement_csv,
    statement_for,
    statement_pdf,
)

log = structlog.get_logger(__name__)
PLAIN_TEXT = "text/plain; charset=utf-8"
CONTENT_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


@staff_member_required
@permission_required("members.view_participant", raise_exception=True)
@never_cache
@require_GET
def download(request: HttpRequest, nik: str, fmt: str) -> HttpResponse:
    raw_as_of = request.GET.get("as_of")
    if raw_as_of:
        try:
            as_of = parse_iso_date(raw_as_of)
        except ValueError:
            message = _(
                "as_of must be a date written year-month-day, like 2026-11-23; "
                "%(value)s is not such a date."
            ) % {"value": raw_as_of}
            return HttpResponseBadRequest(message, content_type=PLAIN_TEXT)
    else:
        as_of = timezone.localdate()
    participant = participant_by_nik(nik)
    if participant is None:
        message = _("No participant has the NIK %(nik)s.") % {"nik": nik}
        return HttpResponseNotFound(message, content_type=PLAIN_TEXT)
    statement = statement_for(participant=participant, as_of=as_of)
    if fmt == "pdf":
        body = statement_pdf(statement, translation.get_language() or "id")
    else:
        body = statement_csv(statement)
    log.info(
        "statement_downloaded",
        participant_id=participant.pk,
        as_of=as_of.isoformat(),
        format=fmt,
        staff_user_id=request.user.pk,
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"saldo-jht-{participant.nik}-{as_of.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
