import datetime
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _migrated(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # A deployment (new templates, translations, static files) runs migrate: pages are rendered anew.
    from django.db import connections

    from amtsweg.catalog.models import CatalogVersion
    from amtsweg.catalog.pagecache import catalogue_changed, shared_cache

    if shared_cache() or CatalogVersion._meta.db_table in connections[using].introspection.table_names():
        catalogue_changed(using)


class CatalogConfig(AppConfig):
    name = "amtsweg.catalog"
    label = "catalog"
    verbose_name = _("Leistungskatalog")

    def ready(self) -> None:
        from amtsweg.catalog import models
        from amtsweg.catalog.pagecache import watch_models
        from amtsweg.tenants import models as tenants

        # Everything the portal pages show of the catalogue and of the authorities. The search index
        # (SearchTerm) is written in bulk; index_rebuild announces its change itself.
        watch_models(
            models.Themenfeld,
            models.Lebenslage,
            models.OzgLeistung,
            models.LeikaEntry,
            models.MaturityModel,
            models.MaturityLevel,
            models.Service,
            models.Responsibility,
            tenants.Authority,
            tenants.PostalCode,
            tenants.Location,
            tenants.OpeningHours,
            tenants.OrgUnit,
        )
        from amtsweg.catalog.tasks import prune_import_staging
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs

        if "catalog.import-staging-prune" not in periodic_jobs:
            periodic_jobs.register("catalog.import-staging-prune")(
                PeriodicJob(
                    task=prune_import_staging,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=3),
                    description="Nicht bestätigte Probeläufe des Katalogimports entfernen",
                )
            )
        post_migrate.connect(_migrated, sender=self, dispatch_uid="amtsweg.catalog.pagecache.migrate")
