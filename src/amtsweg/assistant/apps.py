import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "amtsweg.assistant"
    label = "assistant"
    verbose_name = _("KI-Assistent")

    def ready(self) -> None:
        # The catalogue does not import the assistant; the assistant plugs into the catalogue's hooks.
        from amtsweg.assistant import llm  # noqa: F401 - registers the LLM providers
        from amtsweg.assistant.portal_search import portal_search
        from amtsweg.assistant.tasks import compute_service_embeddings, enqueue_embeddings
        from amtsweg.catalog.hooks import search_backends, service_change_hooks
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs

        if "assistant-embeddings" not in service_change_hooks:
            service_change_hooks.register("assistant-embeddings")(enqueue_embeddings)
        # Catches up what no change hook announced: another model or model version, an interrupted run.
        if "assistant.embeddings" not in periodic_jobs:
            periodic_jobs.register("assistant.embeddings")(
                PeriodicJob(
                    task=compute_service_embeddings,
                    every=datetime.timedelta(minutes=10),
                    description="Fehlende oder veraltete Vektoren der Leistungen berechnen",
                )
            )
        if "portal" not in search_backends:
            search_backends.register("portal")(portal_search)
