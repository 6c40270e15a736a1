"""What each claim, draft and upload refusal tells the member."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cairkan.untrusted import DEFAULT_IMAGE_LIMITS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cairkan.claims.models import ClaimDraft

MESSAGES = {
    "claim_in_progress": _(
        "You already have a claim in progress. Follow it on the status page; a new claim can be filed when it is finished."
    ),
    "face_required": _(
        "Please verify your face first: it confirms that you are filing this claim yourself."
    ),
    "not_eligible": _("This claim cannot be paid yet. See the reasons below."),
    "no_membership": _("We cannot find a membership (KPJ) for you."),
    "npwp_format": _("This is not a valid NPWP. %(reason)s"),
    "bank_account_unknown": _(
        "The bank does not know this account number. Check the bank and the number in your savings book."
    ),
    "bank_unavailable": _(
        "The bank cannot be reached right now. Nothing is lost: try again in a few minutes."
    ),
    "bank_account_dormant": _(
        "This account is dormant. Activate it at your bank, or use another account in your own name."
    ),
    "bank_account_closed": _("This account is closed. Use another account in your own name."),
    # Never the holder's name: any number typed would show whose it is (issue 14.4).
    "bank_holder_mismatch": _(
        "This account is not in your name (%(name)s). JHT is paid only into an account in your own name: check the bank and the number in your savings book."
    ),
    "bank_check_throttled": _(
        "Too many account numbers that are not yours were tried. For your safety, try again at %(time)s."
    ),
    "idempotency_key_invalid": _("The request has no valid Idempotency-Key (1 to 64 characters)."),
    "transition_not_allowed": _("This claim cannot move to that status now."),
    "exceeds_balance": _(
        "The amount is more than the member's balance (Rp %(balance)s): nothing was paid twice. Check the claim's amount."
    ),
    "correction_fields_required": _("Say which parts the member must correct."),
    "rejection_code_required": _("Give the reason for the rejection."),
    "reason_unknown": _("Choose one of the listed reasons."),
    # The counter (walk-in claims filed by an officer): what the officer reads.
    "file_on_behalf_not_allowed": _(
        "Only an officer with the right to file at the counter may file a claim for a member."
    ),
    "consent_method_unknown": _(
        "Say how the member agreed: signed, thumbprint, or said yes aloud."
    ),
    "consent_outdated": _(
        "The claim changed since the consent was read. Read the new consent to the member and ask again."
    ),
    "walk_in_nik_format": _("A NIK has 16 digits: copy it from the member's e-KTP."),
    "walk_in_kpj_format": _("A KPJ number has 11 digits: copy it from the member's card."),
    "walk_in_kpj_unknown": _("No membership has this KPJ number. Check the card."),
    "walk_in_kpj_not_this_nik": _(
        "This KPJ number belongs to someone else than this NIK. Check both cards."
    ),
    "walk_in_not_in_registry": _(
        "The population registry (Dukcapil) has no person with this NIK. Check the e-KTP."
    ),
    "walk_in_registry_unavailable": _(
        "The population registry cannot be reached right now. Try again in a few minutes."
    ),
    "walk_in_deceased": _(
        "The registry records this person as deceased: a death claim is filed by the heirs."
    ),
    "walk_in_no_face_reference": _(
        "Neither an enrolled face nor a usable registry photo exists for this member: the face cannot be checked at the counter."
    ),
    "walk_in_none": _("Find the member first with their NIK and KPJ."),
    "field_unknown": _("One of the fields marked as wrong is not a field of this form."),
    "date_invalid": _("Write the date as DD-MM-YYYY, or pick it from the calendar."),
    "date_in_future": _("This date is in the future."),
    "separation_date_reported": _(
        "Your employer has reported the day you stopped working, and that date counts. If it is wrong, mark it as wrong: an officer checks it with the employer."
    ),
    "separation_date_required": _(
        "Write the day you stopped working: the one-month wait before you can claim counts from it."
    ),
    "cancel_not_allowed": _(
        "An officer has already started on this claim, so it can no longer be cancelled here. Call the video desk or visit the branch office."
    ),
    "bank_unknown": _("Choose your bank from the list."),
    "account_number_length": _("An account number has 10 to 16 digits."),
    "step_unknown": _("This step does not exist."),
    "document_kind_unknown": _("This is not one of the documents for this claim."),
    "file_empty": _("The file is empty."),
    "file_too_large": _(
        "The file is larger than 6 MB. Take the photo again at a lower resolution, or scan at 150 dpi."
    ),
    "chunk_size": _("A part of the upload was too large."),
    "upload_closed": _("This upload is already finished."),
    "offset_mismatch": _("The upload continues from byte %(expected)s."),
    "image_too_small": _(
        "The photo is too small to read. Photograph the whole letter, filling the screen."
    ),
    # Nothing to read (issue 14.4): what the member sees, and what to send instead.
    "image_blank": _(
        "This photo shows nothing to read: an empty page or one colour. Photograph the document itself, filling the screen, and send it as a JPG or PNG photo or a PDF."
    ),
    "image_black": _(
        "This photo is black: the lens was covered or it was too dark. Take it again in good light and send it as a JPG or PNG photo or a PDF."
    ),
    "pdf_blank": _(
        "This PDF has only empty pages. Scan the document again and send the PDF, or send photos of it (JPG or PNG)."
    ),
    "image_too_large": _(
        "The photo is too large to process (at most %(megapixels)s million pixels, for example 4000 × 4000). Send a photo taken with the phone's camera, or take it again at a lower resolution."
    ),
    "image_mode_unsupported": _(
        "This picture is in a special format for scanners or printing (16-bit or another colour mode), not a photo. Send a photo from the phone's camera (JPG or PNG), or save the scan as a PDF."
    ),
    "image_damaged": _(
        "The photo is cut off or damaged: it did not arrive whole. Send it again as a JPG or PNG photo or a PDF; if that fails too, take a new photo."
    ),
    "not_image": _(
        "This file is not a readable photo (JPG or PNG) or PDF, or it was cut off. Send it again."
    ),
    "file_is_web_page": _(
        "This file is a web page or a script, not a photo or a PDF. Send a photo (JPG or PNG) or a PDF of the document."
    ),
    "pdf_active_content": _(
        "This PDF holds scripts or attached files that could not be removed. Save it again as a new PDF (Print, then Save as PDF), or send photos of the pages."
    ),
    "unsupported_type": _("Send a JPG or PNG photo, or a PDF."),
    "pdf_unreadable": _(
        "This PDF cannot be opened. Scan it again as a PDF, or send photos (JPG or PNG) instead."
    ),
    "upload_unknown": _("There is no such upload for your claim."),
    "claim_unknown": _("There is no such claim for you."),
    "pdf_encrypted": _("This PDF is password-protected. Send one without a password."),
    "documents_missing": _("Some documents are still missing: %(missing)s."),
    "appointment_required": _(
        "Claims above the app limit are checked by an officer. Choose a time for the video call or the branch visit."
    ),
    "slot_unavailable": _("That time is no longer free. Choose another one."),
    "slot_required": _("Choose one of the free times."),
    "appointment_kind_unknown": _("Choose a video call or a branch visit."),
    # The officers' calendar (claims.appointments).
    "appointment_not_open": _("This appointment is no longer booked. Choose a new time."),
    "appointment_past": _("This appointment has already started and cannot be moved."),
    "appointment_not_needed": _("This claim needs no appointment with an officer."),
    "appointment_purpose_unknown": _("This kind of appointment is unknown."),
    "capacity_closed_day": _("The office is closed that day: publish a working day."),
    "capacity_past_day": _("That day has passed: publish today or a later day."),
    "capacity_seats_range": _("Officers at a time must be from 1 to 50."),
    "capacity_slot_range": _("Minutes per appointment must be from 5 to 240."),
    "capacity_starts_ordered": _("The last start cannot be before the first start."),
    "capacity_below_bookings": _(
        "Members already booked times this change would remove or overfill. Keep those times and seats."
    ),
    "desk_unknown": _("Choose one of the desks."),
    "helper_name_required": _("Write the helper's full name."),
    "helper_relation_unknown": _("Choose how the helper is related to the member."),
    "phone_invalid": _("Write an Indonesian mobile number, for example 0812 3456 7890."),
    "nothing_to_correct": _("Nothing needs correcting on this claim."),
    "bank_account_required": _("Choose the bank and write the account number."),
    "document_not_requested": _("The officer did not ask for this document again."),
    "not_logged_in": _("Your session has ended. Log in again: what you uploaded is kept."),
    "method": _("This address does not take that kind of request."),
}

# Heirs' death claims (claims.heirs): what the heir reads.
HEIR_MESSAGES = {
    "heir_identity_mismatch": _(
        "We could not confirm these details with the population registry and BPJS records. Check the member's NIK and KPJ number, and your own NIK, name and birth date as on your e-KTP."
    ),
    "heir_member_not_deceased": _(
        "The population registry does not record this member as deceased. If the death was recently reported, try again once the civil registry (Dukcapil) has recorded it, or bring the death certificate to the branch office."
    ),
    "heir_guardian_required": _(
        "The heir is under 18: give the NIK and full name of the guardian who files for them."
    ),
    "heir_guardian_mismatch": _(
        "We could not confirm the guardian with the population registry. The guardian must be an adult: check the NIK and the name as on the guardian's e-KTP."
    ),
    "heir_nik_invalid": _("A NIK has 16 digits, as on the e-KTP or the family card."),
    "heir_is_member": _("Write your own NIK here, not the member's."),
    "heir_relation_unknown": _("Choose how you are related to the member."),
    "heir_throttled": _(
        "Too many tries with these details. For your safety, try again after %(until)s or visit the branch office."
    ),
    "heir_draft_other": _(
        "Another heir has started a claim for this member. One claim is paid for a member: agree among the heirs who files, or visit the branch office."
    ),
    "heir_claim_open": _(
        "A claim for this member is already in progress. Ask at the branch office: an officer tells you how it continues for the heirs."
    ),
    "registry_unavailable": _(
        "The population registry cannot be reached right now. Nothing is lost: try again in a few minutes."
    ),
    "death_claim_by_heir": _(
        "A claim after a member's death is filed by an heir, on the heirs' page, not from the member's account."
    ),
    "member_deceased": _(
        "This member is recorded as deceased, so this account can no longer file claims. An heir can claim the JHT on the heirs' page."
    ),
    "heir_death_only": _("An heir files only a claim after the member's death."),
    "heir_minor_mismatch": _(
        "Whether the heir is under 18 changed: start the heir's details again."
    ),
    "heir_session_ended": _(
        "Your session has ended. Enter the details again: the documents you sent are kept."
    ),
}
MESSAGES.update(HEIR_MESSAGES)

# What each document code means, for checklists and the wizard.
DOCUMENT_LABELS = {
    "ektp": _("Your e-KTP (identity card)"),
    "kpj_card": _("Your BPJS Ketenagakerjaan membership card (KPJ number)"),
    "bank_account": _("The first page of the savings book of an account in your own name"),
    "npwp": _("Your tax number (NPWP) card"),
    "resignation_statement": _("The employer's statement that you resigned"),
    "termination_proof": _(
        "Proof of termination: the manpower office's receipt, the employer's report, the termination letter with your statement of acceptance, a bipartite agreement or a court ruling"
    ),
    "contract_end_proof": _(
        "The fixed-term contract (PKWT) that ended, or the employer's statement that it ended"
    ),
    "passport": _("Your passport"),
    "not_working_in_indonesia_statement": _("A statement that you no longer work in Indonesia"),
    "doctor_certificate": _("The doctor's certificate of permanent total disability"),
    "death_certificate": _("The death certificate"),
    "heir_certificate": _("The heir certificate or the court ruling on the heirs"),
    "heir_ektp": _("The heir's e-KTP"),
    "family_card": _("The family card (KK)"),
    "guardian_letter": _("The guardian's letter for an heir under 18 (surat perwalian)"),
    "housing_documents": _(
        "The house sale-purchase agreement or deed, or the bank's mortgage documents"
    ),
}
CHANNEL_LABELS = {
    "app": _("In the Cairkan app, from your phone"),
    "online_assisted": _("Online with an officer: upload the documents and book a video call"),
    "branch": _("At a BPJS Ketenagakerjaan branch office"),
    "counter": _("At the counter: an officer filed it for you"),
}
REASON_LABELS = {
    "resignation": _("I resigned"),
    "termination": _("I was dismissed (PHK)"),
    "contract_end": _("My fixed-term contract ended"),
    "retirement": _("I reached retirement age"),
    "leaving_indonesia": _("I am leaving Indonesia for good"),
    "permanent_disability": _("Permanent total disability"),
    "death": _("The member died (claim by the heirs)"),
    "partial_10": _("Partial withdrawal, up to 10% (still working, 10 years a member)"),
    "partial_30": _("Partial withdrawal for housing, up to 30%"),
}

# What a member reads when a claim is rejected: the reason and what to do next.
# The same refusal when no correction was ever asked: the member is not told of a
# correction period they never had.
REJECTION_WITHOUT_CORRECTION = {
    "documents_incomplete": _(
        "The documents were incomplete or unreadable. File a new claim with all the documents."
    ),
}
REJECTION_LABELS = {
    "documents_incomplete": _(
        "The documents were incomplete or unreadable after the correction period. File a new claim with all the documents."
    ),
    "not_eligible": _(
        "The records show the claim cannot be paid yet. The eligibility check tells you from which date you can claim."
    ),
    "identity_mismatch": _(
        "Your identity could not be confirmed. Visit the branch office with your e-KTP and KPJ card."
    ),
    # The rules' refusal codes, as an officer may reject with them (the eligibility check
    # on the claim page says from which date the claim can be filed).
    "waiting_period": _(
        "A claim after leaving a job can be filed one month after the last day of work. File again once the month has passed."
    ),
    "membership_active": _(
        "Your membership is still recorded as active because your employer has not reported that you left. Ask the employer's HR to report it, then file again."
    ),
    "under_retirement_age": _("You have not reached the retirement age yet."),
    "membership_too_short": _("A partial withdrawal needs at least 10 years of membership."),
    "partial_already_taken": _(
        "A partial withdrawal is allowed once, and you have already had one."
    ),
    "npwp_missing": _(
        "Your balance is above the limit that needs a tax number (NPWP). Register for one, then file again."
    ),
    "no_balance": _("Your JHT balance is Rp 0, so there is nothing to pay."),
}
RELATION_LABELS = {
    "child": _("child"),
    "spouse": _("husband or wife"),
    "sibling": _("brother or sister"),
    "grandchild": _("grandchild"),
    "other": _("other relative"),
}


# Figures a message quotes whoever shows it: the largest picture always decoded whole
# (four bytes a pixel within the decoded-bytes limit).
FIGURES = {"megapixels": DEFAULT_IMAGE_LIMITS.max_decoded_bytes // 4 // 1_000_000}


def claim_message(code: str, params: dict[str, Any] | None = None) -> str:
    """The member's sentence for a refusal code, its placeholders filled; a list of
    missing documents is named by their labels."""
    text = str(MESSAGES.get(code, code))
    params = {**FIGURES, **(params or {})}
    if isinstance(params.get("until"), datetime):  # a limit's end, as the member's clock reads it
        until = timezone.localtime(params["until"])
        time = formats.time_format(until, "H.i")
        if until.date() != timezone.localdate():
            time = f"{time}, {formats.date_format(until, 'l j F')}"
        params["time"] = time
    if isinstance(params.get("missing"), list | tuple):
        params["missing"] = ", ".join(str(DOCUMENT_LABELS.get(c, c)) for c in params["missing"])
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return text


def document_rows(*, draft: ClaimDraft, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """One row per document the rules ask for: its label, the draft's upload of it and
    why that upload was refused (the member's wizard, the heirs' pages, the counter)."""
    uploads = {u.kind: u for u in draft.uploads.all()}
    return [
        {
            "kind": kind,
            "label": DOCUMENT_LABELS.get(kind, kind),
            "upload": uploads.get(kind),
            "rejection": claim_message(uploads[kind].rejection) if kind in uploads else "",
        }
        for kind in kinds
    ]
