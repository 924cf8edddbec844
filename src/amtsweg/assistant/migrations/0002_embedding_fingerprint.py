"""``text_hash`` becomes ``fingerprint`` (model version and text); old values no longer match, so the
worker recomputes every vector once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistant", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="serviceembedding", old_name="text_hash", new_name="fingerprint"),
        migrations.AlterField(
            model_name="serviceembedding",
            name="fingerprint",
            field=models.CharField(
                max_length=64, verbose_name="Fingerabdruck (SHA-256 von Modellversion und Text)"
            ),
        ),
    ]
