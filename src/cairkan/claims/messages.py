"""What each claim, draft and upload refusal tells the member."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "claim_in_progress": _(
        "You already have a claim in progress. Follow it on the status page; a new claim can be filed when it is finished."
    ),
    "face_required": _(
        "Please verify your face first: it confirms that you are filing this claim yourself."
    ),
    "not_eligible": _("This claim cannot be paid yet. See the reasons below."),
    "no_membership": _("We cannot find a membership (KPJ) for you."),
    "npwp_format": _("An NPWP has 15 or 16 digits."),
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
    "correction_fields_required": _("Say which parts the member must correct."),
    "rejection_code_required": _("Give the reason for the rejection."),
    "reason_unknown": _("Choose one of the listed reasons."),
    "field_unknown": _("One of the fields marked as wrong is not a field of this form."),
    "date_invalid": _("Write the date as DD-MM-YYYY, or pick it from the calendar."),
    "date_in_future": _("This date is in the future."),
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
    "image_too_large": _("The photo has too many pixels to process."),
    "not_image": _(
        "This file is not a readable JPG or PNG photo, or it was cut off. Send it again."
    ),
    "unsupported_type": _("Send a JPG or PNG photo, or a PDF."),
    "pdf_unreadable": _("This PDF cannot be opened. Scan it again or send photos instead."),
    "upload_unknown": _("There is no such upload for your claim."),
    "claim_unknown": _("There is no such claim for you."),
    "pdf_encrypted": _("This PDF is password-protected. Send one without a password."),
}
