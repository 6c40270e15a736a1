"""One officers' calendar: capacity per day and desk (the video desk or a branch
counter) instead of per day and kind; appointments say why they are held and when their
reminders went."""

from django.db import migrations, models
import django.db.models.deletion

DESKS = (("video", "video", "Meja video"), ("branch", "loket", "Loket cabang"))


def desks_for_published_capacity(apps, schema_editor):
    Desk = apps.get_model("claims", "Desk")
    Capacity = apps.get_model("claims", "AppointmentCapacity")
    for kind, code, name in DESKS:
        if Capacity.objects.filter(kind=kind).exists():
            desk, _ = Desk.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
            Capacity.objects.filter(kind=kind).update(desk=desk)


def kinds_back(apps, schema_editor):
    Capacity = apps.get_model("claims", "AppointmentCapacity")
    for capacity in Capacity.objects.select_related("desk"):
        capacity.kind = capacity.desk.kind
        capacity.save(update_fields=["kind"])


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0010_heirs_claimant"),
    ]

    operations = [
        migrations.CreateModel(
            name="Desk",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=30, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                ("kind", models.CharField(choices=[("video", "video call with an officer"), ("branch", "appointment at the branch office")], max_length=8, verbose_name="kind")),
                ("branch_code", models.SlugField(blank=True, help_text="For a counter: the code of its branch office.", max_length=20, verbose_name="branch office code")),
            ],
            options={
                "verbose_name": "desk",
                "verbose_name_plural": "desks",
                "ordering": ["kind", "name"],
            },
        ),
        migrations.AddField(
            model_name="appointmentcapacity",
            name="desk",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="capacities", to="claims.desk", verbose_name="desk"),
        ),
        migrations.RunPython(desks_for_published_capacity, kinds_back),
        migrations.RemoveConstraint(
            model_name="appointmentcapacity",
            name="one_capacity_per_day_and_kind",
        ),
        migrations.AlterModelOptions(
            name="appointmentcapacity",
            options={"ordering": ["day", "desk"], "verbose_name": "published capacity", "verbose_name_plural": "published capacity"},
        ),
        migrations.RemoveField(
            model_name="appointmentcapacity",
            name="kind",
        ),
        migrations.AlterField(
            model_name="appointmentcapacity",
            name="desk",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="capacities", to="claims.desk", verbose_name="desk"),
        ),
        migrations.AddConstraint(
            model_name="appointmentcapacity",
            constraint=models.UniqueConstraint(fields=("day", "desk"), name="one_capacity_per_day_and_desk"),
        ),
        migrations.AddField(
            model_name="appointment",
            name="purpose",
            field=models.CharField(choices=[("face_unlock", "face step unlock"), ("claim_verification", "claim verification"), ("assisted_claim", "claim filed with an officer")], default="claim_verification", max_length=20),
        ),
        migrations.AddField(
            model_name="appointment",
            name="reminded_day_before_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="appointment",
            name="reminded_hour_before_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["capacity", "starts_at"], name="appointment_seat"),
        ),
    ]
