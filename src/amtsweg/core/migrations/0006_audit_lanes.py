"""Audit chain lanes (decision 0022): entries get a lane, the chain heads one row per lane.

Existing entries keep no lane: they form the start of lane 1 and keep verifying with the hashes they were
written with; the existing head row (id 1) becomes the head of lane 1.
"""

import hashlib

from django.db import migrations, models

LANES = 16  # amtsweg.core.audit.AUDIT_LANES when this migration was written


def _genesis(lane: int) -> str:
    if lane == 1:
        return "0" * 64
    return hashlib.sha256(f"amtsweg:audit-lane:{lane}".encode()).hexdigest()


def heads_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    head = apps.get_model("core", "AuditChainHead")
    existing = set(head.objects.values_list("id", flat=True))
    head.objects.bulk_create(
        [head(pk=lane, last_hash=_genesis(lane)) for lane in range(1, LANES + 1) if lane not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alter_auditentry_actor_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="lane",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Leer bei Einträgen von vor der Einführung mehrerer Ketten (sie gehören zu Kette 1).",
                null=True,
                verbose_name="Kette",
            ),
        ),
        migrations.RunPython(heads_create, migrations.RunPython.noop),
    ]
