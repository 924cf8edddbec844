"""Seed the six roles from amtsweg.access.roles (the same function ``amtsweg roles-sync`` runs)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from amtsweg.access.sync import roles_sync

    roles_sync(apps.get_model("access", "Role"))


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
