from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Where a one-time code stands in a stored message: the real code is only ever in the
# memory of the process that hands the message to the provider.
CODE_MASK = "••••••"


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("e-mail")


class OutboundMessage(models.Model):
    """Every message Cairkan sends: written in the transaction that causes it (an outbox),
    delivered after commit, retried on a ladder of its own attempts while the provider
    fails, and kept for the audit trail and for support.

    ``queued`` → ``sending`` (claimed by one deliverer, provider being called) → ``sent``,
    or back to ``queued`` for the next rung, or ``failed`` for good. A one-time code is
    never stored: ``body`` holds it masked and ``secret_withheld`` says the real text
    existed only in the memory of the process that sent it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("gave up")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text (one-time codes masked)"))
    secret_withheld = models.BooleanField(
        _("carried a one-time code"),
        default=False,
        help_text=_("The message carried a one-time code, stored masked and never resent."),
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="queued"),
                name="outbox_due",
            ),
            models.Index(
                fields=["sending_since"],
                condition=models.Q(state="sending"),
                name="outbox_sending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to} ({self.state})"

    @property
    def idempotency_key(self) -> str:
        """The same on every attempt, so a provider that deduplicates delivers it once."""
        return f"cairkan-message-{self.pk}"
