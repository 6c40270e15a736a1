"""Unlock video calls take their seat from the officers' calendar
(claims.AppointmentCapacity); the fixed per-start UnlockSlot rows go. An open booking
made before keeps its time: its day is published on the video desk with the capacity
the face policy used to give (08:00–15:00, every 30 minutes, 2 officers)."""

import datetime

from django.db import migrations, models
import django.db.models.deletion


def seats_for_open_bookings(apps, schema_editor):
    from django.utils import timezone

    Booking = apps.get_model("biometrics", "UnlockBooking")
    Desk = apps.get_model("claims", "Desk")
    Capacity = apps.get_model("claims", "AppointmentCapacity")
    open_bookings = Booking.objects.filter(status="booked", capacity__isnull=True)
    if not open_bookings.exists():
        return
    desk, _ = Desk.objects.get_or_create(
        code="video", defaults={"name": "Meja video", "kind": "video"}
    )
    for booking in open_bookings:
        capacity, _ = Capacity.objects.get_or_create(
            desk=desk,
            day=timezone.localdate(booking.starts_at),
            defaults={
                "first_start": datetime.time(8),
                "last_start": datetime.time(15),
                "slot_minutes": 30,
                "seats": 2,
            },
        )
        booking.capacity = capacity
        booking.save(update_fields=["capacity"])


class Migration(migrations.Migration):

    dependencies = [
        ("biometrics", "0004_staff_permissions"),
        ("claims", "0011_one_officers_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="unlockbooking",
            name="capacity",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="claims.appointmentcapacity"),
        ),
        migrations.AddField(
            model_name="unlockbooking",
            name="reminded_day_before_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="unlockbooking",
            name="reminded_hour_before_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(seats_for_open_bookings, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="UnlockSlot",
        ),
    ]
