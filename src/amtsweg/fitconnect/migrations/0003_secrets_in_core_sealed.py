"""FIT-Connect secrets move to the project's one sealing mechanism (``core.sealed``, decision 0016).

Every private key and client/callback secret sealed with the former ``AMTSWEG_FITCONNECT_KEY_SECRET`` is
decrypted with it and sealed again under ``AMTSWEG_SECRETS_KEYS``. Values that are sealed the new way
already stay as they are; values neither key opens stay too (they were unreadable before as well, and using
them gives a clear German error). After this migration ``AMTSWEG_FITCONNECT_KEY_SECRET`` is not needed.
"""

from django.conf import settings
from django.db import migrations

FIELDS = {
    "Destination": ["client_secret_sealed", "callback_secret_sealed"],
    "DestinationKey": ["private_jwk_sealed"],
    "SenderClient": ["client_secret_sealed"],
}


def reseal(apps, schema_editor):
    from amtsweg.core import sealed
    from amtsweg.fitconnect.crypto import legacy_unseal

    secret = getattr(settings, "AMTSWEG_FITCONNECT_KEY_SECRET", "")
    for model_name, fields in FIELDS.items():
        model = apps.get_model("fitconnect", model_name)
        for row in model.objects.all().only("pk", *fields):
            changed = {}
            for name in fields:
                plain = legacy_unseal(getattr(row, name), secret)
                if plain is not None:
                    changed[name] = sealed.seal(plain)
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("fitconnect", "0002_sender_routing_jwks_url")]

    operations = [migrations.RunPython(reseal, migrations.RunPython.noop)]
