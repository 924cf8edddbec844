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
        from amtsweg.assistant.feedback import record_search_outcome
        from amtsweg.assistant.models import ServiceEmbedding
        from amtsweg.assistant.portal_search import portal_search
        from amtsweg.assistant.tasks import compute_service_embeddings, enqueue_embeddings
        from amtsweg.catalog.hooks import search_backends, search_outcome_hooks, service_change_hooks
        from amtsweg.catalog.pagecache import watch_models
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs

        # New vectors change the ranking of the portal search: cached search pages are rendered anew.
        watch_models(ServiceEmbedding)

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
        if "assistant-feedback" not in search_outcome_hooks:
            search_outcome_hooks.register("assistant-feedback")(record_search_outcome)
        self._register_periodic_jobs()

    def _register_periodic_jobs(self) -> None:
        import datetime

        from amtsweg.assistant.tasks import prune_query_feedback, retrain_router
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs

        if "assistant.router-retrain" not in periodic_jobs:
            periodic_jobs.register("assistant.router-retrain")(
                PeriodicJob(
                    task=retrain_router,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=2, minutes=30),
                    description="KI-Router aus Weiterleitungen nachtrainieren (nur wenn besser)",
                )
            )
        if "assistant.feedback-prune" not in periodic_jobs:
            periodic_jobs.register("assistant.feedback-prune")(
                PeriodicJob(
                    task=prune_query_feedback,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=3, minutes=15),
                    description="Suchanfragen löschen, die ein Jahr niemand gestellt hat",
                )
            )
