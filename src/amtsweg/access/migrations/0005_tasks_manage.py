"""Sync the roles again: the Plattform-Admin gets ``tasks.manage`` (failed and stuck background tasks)."""

from typing import Any

from django.db import migrations


def sync(apps: Any, schema_editor: Any) -> None:
    from amtsweg.access.sync import roles_sync

    roles_sync(apps.get_model("access", "Role"))


class Migration(migrations.Migration):
    dependencies = [("access", "0004_case_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
