"""Demo: the Kreis's FIT-Connect destination (Zustellpunkt), pointing at the local test service.

``amtsweg demo`` starts the test service (``amtsweg fitconnect-testservice``) on
:data:`TESTSERVICE_URL`; ``amtsweg fitconnect-send-test`` then plays an EfA online service that delivers
a Hundesteuer application to this destination. Idempotent: an existing destination and its keys stay.
"""

from __future__ import annotations

import uuid

from amtsweg.fitconnect.models import Destination, DestinationKey
from amtsweg.fitconnect.services import destination_keys_generate, destination_save
from amtsweg.tenants.models import Authority

TESTSERVICE_PORT = 8010
TESTSERVICE_URL = f"http://127.0.0.1:{TESTSERVICE_PORT}"
DESTINATION_ID = uuid.UUID("5a7e0c1d-2f4b-4c3a-9d8e-0f1a2b3c4d5e")
CLIENT_ID = "demo-kreis-coesfeld-subscriber"
# Published demo credentials of the local test service – never valid anywhere else.
CLIENT_SECRET = "demo-subscriber-secret-nur-fuer-den-lokalen-testdienst"  # noqa: S105
CALLBACK_SECRET = "demo-callback-secret-nur-fuer-den-lokalen-testdienst-0123456789"  # noqa: S105
SENDER_ID = "demo-efa-onlinedienst"
SENDER_SECRET = "demo-sender-secret-nur-fuer-den-lokalen-testdienst"  # noqa: S105


def fitconnect_load(kreis: Authority) -> dict[str, int]:
    """The demo destination of the Kreis with a key pair; returns counts."""
    destination = Destination.objects.filter(destination_id=DESTINATION_ID).first()
    created = destination is None
    if destination is None:
        destination = destination_save(
            actor=None,
            destination=Destination(
                authority=kreis,
                name="EfA-Eingang Kreis Coesfeld (lokaler Testdienst)",
                destination_id=DESTINATION_ID,
                submission_api_url=TESTSERVICE_URL,
                token_url=f"{TESTSERVICE_URL}/token",
                client_id=CLIENT_ID,
            ),
            client_secret=CLIENT_SECRET,
            callback_secret=CALLBACK_SECRET,
            source="amtsweg load-demo",
        )
    keys = 0
    if not DestinationKey.objects.filter(
        destination=destination, status=DestinationKey.Status.ACTIVE
    ).exists():
        keys = len(destination_keys_generate(actor=None, destination=destination, source="amtsweg load-demo"))
    return {"fitconnect_destinations_created": int(created), "fitconnect_keys_created": keys}
