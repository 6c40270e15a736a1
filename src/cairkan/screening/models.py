"""What screening decided about each filing of a claim, and on which verdicts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cairkan.claims.models import Claim, ClaimEvent


class ScreeningResult(models.Model):
    """One per filing (the claim's event into ``submitted``): a second screening of the
    same filing finds this row and does nothing, so a claim is approved at most once."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved straight through")
        REFERRED = "referred", _("sent to an officer")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="screenings")
    filing_event = models.OneToOneField(
        ClaimEvent, on_delete=models.PROTECT, related_name="screening"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # The codes that fired, in the rules' order; empty when approved.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # Every rule's verdict ("pass", "flag", "off") and the configuration it ran with.
    verdicts = models.JSONField(default=list)
    configuration = models.JSONField(default=dict)
    screened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        ordering = ["screened_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.outcome} {','.join(self.reasons)}"
