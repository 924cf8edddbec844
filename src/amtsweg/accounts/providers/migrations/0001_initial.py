import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExternalIdentity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("provider", models.CharField(max_length=50, verbose_name="Anmeldedienst")),
                (
                    "subject",
                    models.CharField(
                        help_text=(
                            "Die dauerhafte, pseudonyme Kennung, die der Anmeldedienst für diese Person übermittelt."
                        ),
                        max_length=255,
                        verbose_name="Kennung beim Anmeldedienst",
                    ),
                ),
                (
                    "last_trust_level",
                    models.CharField(max_length=30, verbose_name="Vertrauensniveau der letzten Anmeldung"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="verknüpft am")),
                ("last_login_at", models.DateTimeField(blank=True, null=True, verbose_name="letzte Anmeldung")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="external_identities",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="Konto",
                    ),
                ),
            ],
            options={
                "verbose_name": "Externe Identität",
                "verbose_name_plural": "Externe Identitäten",
                "constraints": [
                    models.UniqueConstraint(fields=("provider", "subject"), name="unique_external_identity")
                ],
            },
        ),
    ]
