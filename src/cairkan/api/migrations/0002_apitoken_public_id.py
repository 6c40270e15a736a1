import uuid

from django.db import migrations, models


def give_ids(apps, schema_editor):  # type: ignore[no-untyped-def]
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.only("pk"):
        token.public_id = uuid.uuid4()
        token.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    """Tokens get an id the member can name to revoke one (never the token itself)."""

    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken", name="public_id", field=models.UUIDField(null=True)
        ),
        migrations.RunPython(give_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
