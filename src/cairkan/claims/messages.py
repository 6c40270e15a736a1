"""What each claim, draft and upload refusal tells the member."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cairkan.untrusted import DEFAULT_IMAGE_LIMITS

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
    "bank_holder_mismatch": _(
        "This account is in the name %(holder)s, not yours (%(name)s). JHT is paid only into an account in your own name."
    ),
    "idempotency_key_invalid": _("The request has no valid Idempotency-Key (1 to 64 characters)."),
    "transition_not_allowed": _("This claim cannot move to that status now."),
    "exceeds_balance": _(
        "The amount is more than the member's balance (Rp %(balance)s): nothing was paid twice. Check the claim's amount."
    ),
    "correction_fields_required": _("Say which parts the member must correct."),
    "rejection_code_required": _("Give the reason for the rejection."),
    "reason_unknown": _("Choose one of the listed reasons."),
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
    "image_too_large": _(
        "The photo is too large to process (at most %(megapixels)s million pixels, for example 4000 × 4000). Send a photo taken with the phone's camera, or take it again at a lower resolution."
    ),
    "image_mode_unsupported": _(
        "This picture is in a special format for scanners or printing (16-bit or another colour mode), not a photo. Send a photo from the phone's camera, or save the scan as an ordinary JPG."
    ),
    "image_damaged": _(
        "The photo is cut off or damaged: it did not arrive whole. Send it again; if that fails too, take a new photo."
    ),
    "not_image": _(
        "This file is not a readable JPG or PNG photo, or it was cut off. Send it again."
    ),
    "file_is_web_page": _(
        "This file is a web page or a script, not a photo or a PDF. Send a photo (JPG or PNG) or a PDF of the document."
    ),
    "pdf_active_content": _(
        "This PDF holds scripts or attached files that could not be removed. Save it again as a new PDF (Print, then Save as PDF), or send photos of the pages."
    ),
    "unsupported_type": _("Send a JPG or PNG photo, or a PDF."),
    "pdf_unreadable": _("This PDF cannot be opened. Scan it again or send photos instead."),
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
    "helper_name_required": _("Write the helper's full name."),
    "helper_relation_unknown": _("Choose how the helper is related to the member."),
    "phone_invalid": _("Write an Indonesian mobile number, for example 0812 3456 7890."),
    "nothing_to_correct": _("Nothing needs correcting on this claim."),
    "bank_account_required": _("Choose the bank and write the account number."),
    "document_not_requested": _("The officer did not ask for this document again."),
    "not_logged_in": _("Your session has ended. Log in again: what you uploaded is kept."),
    "method": _("This address does not take that kind of request."),
}

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
    "housing_documents": _(
        "The house sale-purchase agreement or deed, or the bank's mortgage documents"
    ),
}
CHANNEL_LABELS = {
    "app": _("In the Cairkan app, from your phone"),
    "online_assisted": _("Online with an officer: upload the documents and book a video call"),
    "branch": _("At a BPJS Ketenagakerjaan branch office"),
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
    if isinstance(params.get("missing"), list | tuple):
        params["missing"] = ", ".join(str(DOCUMENT_LABELS.get(c, c)) for c in params["missing"])
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return text
