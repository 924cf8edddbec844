import uuid

from django.db import migrations, models


def tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The areas exist from the start, so their lookups are cached before the first change.
    ConfigVersion = apps.get_model("core", "ConfigVersion")
    for area in ("fitconnect.forwarding", "payments.fee"):
        ConfigVersion.objects.get_or_create(name=area, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_lanes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConfigVersion",
            fields=[
                (
                    "name",
                    models.CharField(max_length=50, primary_key=True, serialize=False, verbose_name="Bereich"),
                ),
                ("token", models.CharField(max_length=32, verbose_name="Stand")),
            ],
            options={
                "verbose_name": "Konfigurationsstand",
                "verbose_name_plural": "Konfigurationsstände",
            },
        ),
        migrations.RunPython(tokens, migrations.RunPython.noop),
    ]
