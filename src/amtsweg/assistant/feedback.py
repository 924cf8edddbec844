"""Learning from use: what citizens' searches and questions found, and the Fachadmin's fixes.

Citizens answer "Hat Ihnen das geholfen?" under search results and "Frag den Kreis" answers; searches and
questions without a fitting result are counted too. Nothing about the person is stored — one
:class:`~amtsweg.assistant.models.QueryFeedback` row per (kind, query) with counters and the day it was
last seen. Queries that look like they carry personal data (an e-mail address, a long number) and long
texts (a letter, not a query) are not recorded at all.

The Fachadmin sees the open queries (:func:`queries_for_review`) and adds the query as a keyword to a
service (:func:`query_keyword_add`) — through the catalogue's own ``service_update``, which records the
version, audits and enqueues the search index and the embeddings like any other edit.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import Perm, authorities_with, can_edit_catalog, has_any, require
from amtsweg.assistant.models import QueryFeedback
from amtsweg.catalog.models import Service
from amtsweg.catalog.services import service_update
from amtsweg.core.audit import audit_record

QUERY_MAX = 200
KEYWORD_MAX = 100
KEEP_DAYS = 365
_SPACES = re.compile(r"\s+")
# An e-mail address, or six and more digits in a row (phone, file or ID numbers): not a search term.
_PERSONAL = re.compile(r"[^\s@]+@[^\s@]+|\d[\d /-]{4,}\d")


def normalise_query(text: Any) -> str:
    """The query as shown to the Fachadmin: control characters out, one space between words."""
    cleaned = "".join(ch for ch in str(text or "") if ch.isprintable() or ch.isspace())
    return _SPACES.sub(" ", cleaned).strip()


def _recordable(query: str) -> bool:
    return bool(query) and len(query) <= QUERY_MAX and not _PERSONAL.search(query)


def _key(query: str) -> str:
    return hashlib.sha256(query.casefold().encode("utf-8")).hexdigest()


def _bump(kind: str, text: Any, counter: str, *, reopen: bool) -> QueryFeedback | None:
    query = normalise_query(text)
    if not _recordable(query):
        return None
    today = timezone.localdate()
    with transaction.atomic():
        row, _created = QueryFeedback.objects.get_or_create(
            kind=kind, query_key=_key(query), defaults={"query": query, "last_seen": today}
        )
        changes: dict[str, Any] = {counter: F(counter) + 1, "last_seen": today}
        if reopen:
            # Still no good result after it was marked done: it comes back to the list.
            changes["resolved_on"] = None
        QueryFeedback.objects.filter(pk=row.pk).update(**changes)
    return row


def query_outcome_record(*, kind: str, query: Any, answered: bool) -> None:
    """Count a search or question that found nothing fitting (answered ones are not recorded)."""
    if not answered:
        _bump(kind, query, "unanswered", reopen=True)


def record_search_outcome(query: str, hits: int) -> None:
    """Hook for ``catalog.hooks.search_outcome_hooks``: a portal search without hits is counted."""
    query_outcome_record(kind=QueryFeedback.Kind.SEARCH, query=query, answered=hits > 0)


def query_feedback_record(*, kind: str, query: Any, helpful: bool) -> bool:
    """Count one "Hat Ihnen das geholfen?" answer; False when the query is not recorded (see module)."""
    if kind not in QueryFeedback.Kind.values:
        raise ValidationError(_("Unbekannte Art der Rückmeldung."))
    counter = "helpful" if helpful else "not_helpful"
    return _bump(kind, query, counter, reopen=not helpful) is not None


# --- the Fachadmin's side -------------------------------------------------------------------------------


def may_review_queries(actor: Any) -> bool:
    """Fachadmins (catalogue editors) of any authority of the Kreis."""
    return has_any(actor, Perm.CATALOG_EDIT)


def queries_for_review(actor: Any, *, limit: int = 100) -> QuerySet[QueryFeedback]:
    """Open queries without a good result or with "not helpful" answers, the most frequent first."""
    require(may_review_queries(actor), _("Sie dürfen die Suchanfragen nicht einsehen."))
    return (
        QueryFeedback.objects.filter(resolved_on__isnull=True)
        .filter(Q(unanswered__gt=0) | Q(not_helpful__gt=F("helpful")))
        .annotate(problems=F("unanswered") + F("not_helpful"))
        .order_by("-problems", "-last_seen", "query")[:limit]
    )


def query_for_review(actor: Any, pk: int) -> QueryFeedback | None:
    require(may_review_queries(actor), _("Sie dürfen die Suchanfragen nicht einsehen."))
    return QueryFeedback.objects.filter(pk=pk).first()


def editable_services(actor: Any) -> QuerySet[Service]:
    """The services whose keywords ``actor`` may change (their owner's catalogue), by name."""
    services = Service.objects.select_related("owner").order_by("name")
    ids = authorities_with(actor, Perm.CATALOG_EDIT)
    return services if ids is None else services.filter(owner_id__in=ids)


@transaction.atomic
def query_keyword_add(
    *, actor: Any, feedback: QueryFeedback, service: Service, keyword: str, source: str = ""
) -> bool:
    """Add ``keyword`` (usually the query itself, or a synonym) to ``service`` and mark the query done.

    The catalogue's ``service_update`` checks the permission for that service, records a new version,
    audits and re-indexes (search index and embeddings). Returns False when the service already had it.
    """
    keyword = normalise_query(keyword)
    if not keyword:
        raise ValidationError(_("Bitte geben Sie einen Suchbegriff ein."))
    if len(keyword) > KEYWORD_MAX:
        raise ValidationError(
            _("Ein Suchbegriff darf höchstens %(max)d Zeichen lang sein.") % {"max": KEYWORD_MAX}
        )
    require(can_edit_catalog(actor, service.owner), _("Sie dürfen diese Leistung nicht ändern."))
    keywords = [str(k) for k in (service.keywords or [])]
    added = keyword.casefold() not in {k.casefold() for k in keywords}
    if added:
        service_update(actor=actor, service=service, data={"keywords": [*keywords, keyword]}, source=source)
    _resolve(
        actor,
        feedback,
        _("Suchbegriff „%(keyword)s“ bei „%(service)s“") % {"keyword": keyword, "service": service.name},
        source,
        service_id=service.pk,
    )
    return added


@transaction.atomic
def query_dismiss(*, actor: Any, feedback: QueryFeedback, source: str = "") -> None:
    """Take a query off the list without a change (e.g. it asks for something the Kreis does not offer)."""
    require(may_review_queries(actor), _("Sie dürfen die Suchanfragen nicht bearbeiten."))
    _resolve(actor, feedback, _("ohne Änderung erledigt"), source)


def _resolve(actor: Any, feedback: QueryFeedback, resolution: str, source: str, **changes: Any) -> None:
    feedback.resolved_on = timezone.localdate()
    feedback.resolution = resolution[:300]
    feedback.save(update_fields=["resolved_on", "resolution"])
    audit_record(
        actor=actor,
        action="assistant.query.resolved",
        obj=feedback,
        changes={"query": feedback.query, "resolution": feedback.resolution, **changes},
        source=source,
    )


def feedback_prune(*, keep_days: int = KEEP_DAYS) -> int:
    """Forget queries nobody asked for ``keep_days`` days (run by the nightly job)."""
    cutoff = timezone.localdate() - datetime.timedelta(days=keep_days)
    deleted, _details = QueryFeedback.objects.filter(last_seen__lt=cutoff).delete()
    return deleted
