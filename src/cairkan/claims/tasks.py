"""The appointment reminders as a Celery task, for Celery beat (settings)."""

from __future__ import annotations

from celery import shared_task

from cairkan.claims.appointments import reminders_send


@shared_task
def send_appointment_reminders() -> int:
    return reminders_send()
