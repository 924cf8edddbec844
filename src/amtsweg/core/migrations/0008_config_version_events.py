import uuid

from django.db import migrations


def tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Subscriptions of specialist systems are cached like forwardings and fees (0007).
    ConfigVersion = apps.get_model("core", "ConfigVersion")
    ConfigVersion.objects.get_or_create(name="events.subscription", defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_config_version"),
    ]

    operations = [
        migrations.RunPython(tokens, migrations.RunPython.noop),
    ]
