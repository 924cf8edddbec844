"""Sync the roles again: the strategy cockpit adds ``strategy.manage``, ``quickcheck.rate``,
``knowledge.share`` and the role „Strategie-Beteiligung“ (see amtsweg.access.roles)."""

from typing import Any

from django.db import migrations


def sync(apps: Any, schema_editor: Any) -> None:
    from amtsweg.access.sync import roles_sync

    roles_sync(apps.get_model("access", "Role"))


class Migration(migrations.Migration):
    dependencies = [("access", "0002_seed_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
