"""How long what a member leaves unfinished is kept (docs/retention.md).

A filed claim, its events and its documents are the record of a payment and are never
pruned here. A draft nobody touched for ``DRAFT_KEPT`` is abandoned: it goes, with its
uploads (their files become orphans and ``prune`` deletes them from disk).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from cairkan.claims.models import ClaimDraft, DocumentUpload

# Long enough to wait for an employer's letter (paklaring) or a new savings book.
DRAFT_KEPT = timedelta(days=90)
# A dropped upload resumes within this time; after it, its received chunks go.
UNFINISHED_UPLOAD_KEPT = timedelta(days=7)


def prune(*, now: datetime) -> dict[str, int]:
    old_upload = now - UNFINISHED_UPLOAD_KEPT
    return {
        "abandoned claim drafts": ClaimDraft.objects.filter(updated_at__lt=now - DRAFT_KEPT)
        .delete()[1]
        .get(ClaimDraft._meta.label, 0),
        # Unfinished uploads hold the received chunks in the database; a refused upload of
        # a draft holds only its name. Refused uploads of a filed claim stay with it.
        "unfinished uploads": DocumentUpload.objects.filter(
            Q(state=DocumentUpload.State.RECEIVING)
            | Q(state=DocumentUpload.State.REJECTED, claim__isnull=True),
            created_at__lt=old_upload,
        )
        .delete()[1]
        .get(DocumentUpload._meta.label, 0),
    }
