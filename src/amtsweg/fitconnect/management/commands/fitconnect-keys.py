"""``amtsweg fitconnect-keys``: generate the key pairs of a FIT-Connect destination, or show them.

The private keys never leave the server: they are stored encrypted (core.sealed, AMTSWEG_SECRETS_KEYS) and
this command prints only the public keys (JWK with certificate), which the operator registers at
FIT-Connect (self-service portal). Generating new keys retires the old ones: submissions encrypted to an
old key stay readable.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amtsweg.fitconnect.models import Destination, DestinationKey
from amtsweg.fitconnect.services import destination_keys_generate


class Command(BaseCommand):
    help = (
        "Erzeugt neue Schlüsselpaare für einen FIT-Connect-Zustellpunkt und zeigt die öffentlichen Schlüssel."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("destination", help="Zustellpunkt: Nummer in Amtsweg oder destinationId")
        parser.add_argument(
            "--show", action="store_true", help="Nur die aktiven öffentlichen Schlüssel zeigen"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ref = options["destination"].strip()
        found = Destination.objects.filter(destination_id=ref).first() if len(ref) >= 32 else None
        if found is None and ref.isdigit():
            found = Destination.objects.filter(pk=int(ref)).first()
        if found is None:
            raise CommandError(f"Zustellpunkt {ref} gibt es nicht.")
        if not options["show"]:
            destination_keys_generate(actor=None, destination=found, source="amtsweg fitconnect-keys")
            self.stderr.write(
                "Neue Schlüssel erzeugt; die bisherigen bleiben zum Entschlüsseln. Bitte die folgenden "
                "öffentlichen Schlüssel bei FIT-Connect hinterlegen und den Verschlüsselungsschlüssel "
                "aktivieren."
            )
        keys = DestinationKey.objects.filter(destination=found, status=DestinationKey.Status.ACTIVE)
        public = {key.purpose: key.public_jwk for key in keys}
        self.stdout.write(
            json.dumps(
                {
                    "encryptionKid": public.get("encryption", {}).get("kid", ""),
                    "encryptionPublicKey": public.get("encryption"),
                    "signingPublicKey": public.get("signing"),
                },
                indent=2,
            )
        )
