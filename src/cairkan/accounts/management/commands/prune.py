"""``cairkan prune``: delete short-lived records once they can no longer matter.

Run it daily (cron or a Celery beat task). Audit records (face events, claim events,
sent messages) are never pruned.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from cairkan.accounts import throttle
from cairkan.accounts.models import OneTimeCode, Registration
from cairkan.biometrics.models import LivenessChallenge


class Command(BaseCommand):
    help = "Delete expired codes, challenges, registrations and old login-limit records."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        day_ago = now - timedelta(days=1)
        removed = {
            "login-limit records": throttle.prune(timedelta(days=1)),
            "one-time codes": OneTimeCode.objects.filter(expires_at__lt=day_ago).delete()[0],
            # A challenge with an attempt is part of the audit trail and stays.
            "unused challenges": LivenessChallenge.objects.filter(
                expires_at__lt=day_ago, attempt__isnull=True
            ).delete()[0],
            "abandoned registrations": Registration.objects.filter(
                Q(expires_at__lt=now) & ~Q(step=Registration.Step.DONE)
            ).delete()[0],
        }
        self.stdout.write(", ".join(f"{count} {what}" for what, count in removed.items()))
