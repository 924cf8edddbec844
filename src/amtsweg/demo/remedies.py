"""The legal remedies of the demo (Rechtsbehelfe): which remedy a decision allows and where it goes.

Every demo authority (the Kreis and its eleven towns) gets one entry for all its services: a suit
(Klage) at the Verwaltungsgericht Münster, whose district covers the Kreis Coesfeld – in NRW the
Widerspruch is abolished for most administrative decisions. Social-law services (Bürgergeld,
Grundsicherung, Bildung und Teilhabe, Elterngeld) get their own entry: a Widerspruch to the deciding
authority first, then a suit at the Sozialgericht Münster. The court addresses are the public
addresses of the courts; a Kreis that uses Amtsweg checks and maintains this data in the admin
(„Rechtsbehelfe“).
"""

from __future__ import annotations

from typing import Any

from amtsweg.cases.letters import letterhead
from amtsweg.cases.models import LegalRemedy
from amtsweg.catalog.models import Service
from amtsweg.tenants.models import Authority

VERWALTUNGSGERICHT = {
    "body_name": "Verwaltungsgericht Münster",
    "body_street": "Piusallee 38",
    "body_postcode": "48147",
    "body_city": "Münster",
}
SOZIALGERICHT = {
    "court_name": "Sozialgericht Münster",
    "court_street": "Alter Steinweg 45",
    "court_postcode": "48143",
    "court_city": "Münster",
}
# Demo services (external_id) decided under social law (SGB II, SGB XII, BKGG, BEEG): Widerspruch first.
SOCIAL_LAW_SERVICES = (
    "coe-buergergeld",
    "coe-grundsicherung-alter",
    "coe-bildung-teilhabe",
    "coe-elterngeld",
)


def _ensure(authority: Authority, service: Service | None, values: dict[str, Any]) -> int:
    remedy = LegalRemedy.objects.filter(authority=authority, service=service).first()
    if remedy is not None:  # maintained by the Fachadministration from now on: never overwritten
        return 0
    remedy = LegalRemedy(authority=authority, service=service, **values)
    remedy.full_clean()
    remedy.save()
    return 1


def legal_remedies_load(authorities: list[Authority]) -> int:
    """Create the missing legal remedies of ``authorities``; returns how many were created."""
    social = list(Service.objects.filter(external_id__in=SOCIAL_LAW_SERVICES).order_by("pk"))
    created = 0
    for authority in authorities:
        created += _ensure(authority, None, {"kind": LegalRemedy.Kind.KLAGE, **VERWALTUNGSGERICHT})
        head = letterhead(authority)  # its address, else the address of its first location
        if not (head["street"] and head["postcode"] and head["city"]):
            continue  # a Widerspruch needs the address of the authority that receives it
        own_address = {
            "body_name": authority.name,
            "body_street": head["street"],
            "body_postcode": head["postcode"],
            "body_city": head["city"],
        }
        for service in social:
            created += _ensure(
                authority, service, {"kind": LegalRemedy.Kind.WIDERSPRUCH, **own_address, **SOZIALGERICHT}
            )
    return created
