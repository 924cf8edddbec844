"""``amtsweg load-demo``: loads the Kreis Coesfeld demo (or brings it up to date) and says what it did."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amtsweg.assistant.selectors import model_label
from amtsweg.demo.loader import DemoRefusedError, demo_logins, demo_totp_secret, load_demo


class Command(BaseCommand):
    help = (
        "Lädt die Demodaten des Kreises Coesfeld: Behörden, Standorte, Leistungen, Zuständigkeiten und "
        "Demo-Zugänge. Ein erneuter Aufruf ändert nur, was abweicht."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            counts = load_demo(stdout=self.stdout if verbose else None)
        except DemoRefusedError as error:
            raise CommandError(str(error)) from error
        changed = counts["services_created"] + counts["services_changed"]
        lines = [
            self.style.SUCCESS("Demodaten des Kreises Coesfeld sind geladen."),
            f"  Behörden: {counts['authorities']}, Organisationseinheiten: {counts['org_units']}, "
            f"Standorte: {counts['locations']}",
            f"  Leistungen: {counts['services']} ({counts['services_created']} neu, "
            f"{counts['services_changed']} geändert, {counts['services'] - changed} unverändert)",
            f"  Zuständigkeitsregeln: {counts['responsibilities']} ({counts['responsibilities_saved']} neu "
            f"oder geändert, {counts['responsibilities_deleted']} entfernt)",
            f"  Suchindex: {counts['search_terms']} Begriffe",
            f"  Vektoren für die Suche: {counts['embeddings_current']} von {counts['embeddings_total']} "
            f"Leistungen aktuell ({counts['embeddings_computed']} neu berechnet, "
            f"{counts['embeddings_seconds']} s)",
        ]
        if "router_live" in counts:
            decision = {
                "ersetzt": "trainiert und aktiviert",
                "verworfen": "trainiert, aber die Zuordnung über die ähnlichste Leistung war besser",
                "zu-wenig": "zu wenige Beispiele zum Trainieren",
            }.get(counts["router_decision"], "unverändert")
            lines.append(
                f"  Anliegen-Router: {counts['router_examples_added']} neue Beispiele, {decision}; "
                f"es ordnet zu: {model_label(counts['router_live'])}"
            )
        figures = counts.get("figures")
        if figures:
            lines.append(
                f"  Messungen für die Qualitätsseite ({counts['figures_seconds']} s): "
                f"Suche recall@1 {figures['search']['recall@1']}, recall@5 {figures['search']['recall@5']}; "
                f"Frag den Kreis recall@1 {figures['ask']['recall@1']}; "
                f"Zuordnung accuracy {figures['router']['accuracy']}"
            )
        lines += [
            f"  Neue Demo-Zugänge: {counts['users_created']}",
        ]
        lines.append("  Zugänge zur Verwaltung (nur für die Demo):")
        lines += [f"    {user} / {password} – {role}" for user, password, role in demo_logins()]
        lines.append(f"  Demo-Schlüssel für die Authenticator-App (zweiter Faktor): {demo_totp_secret()}")
        self.stdout.write("\n".join(lines))
