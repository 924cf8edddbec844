"""Writes of the strategy cockpit: permission check, validation, change and audit in one transaction.

Quick-Check rounds have their own functions (``round_open``, ``rating_save``, ``round_close``,
``tier_decision_record``) because they carry the rules of the process: a participant rates only for
its own authority, only while the round is open; a closed round never changes again. Everything else
(fields, goals, workshops, projects, budget, Stellenplan, funding, reports, shared knowledge) is saved
through :func:`strategy_object_save` / :func:`strategy_object_delete`, which find the authority the
record belongs to and check the matching permission.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import (
    can_manage_funding_programmes,
    can_manage_strategy,
    can_rate_quickcheck,
    can_share_knowledge,
    require,
)
from amtsweg.core.audit import audit_record
from amtsweg.strategy.models import (
    BudgetLine,
    Criterion,
    FieldOfAction,
    FundingApplication,
    FundingCall,
    FundingProgramme,
    Goal,
    Lesson,
    Milestone,
    Position,
    Principle,
    Project,
    ProjectIdea,
    ProjectKpi,
    QuickCheckRound,
    Rating,
    Report,
    RoundParticipant,
    Score,
    Solution,
    Strategy,
    Tier,
    TierDecision,
    WorkingGroup,
    WorkingGroupMember,
    Workshop,
)
from amtsweg.tenants.models import Authority

DEFAULT_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("bedeutung", "Bedeutung", "Wie wichtig ist das Handlungsfeld für Ihre Kommune?"),
    (
        "potenzial",
        "Digitalisierungspotenzial",
        "Wie viel kann Digitalisierung in diesem Handlungsfeld bewirken?",
    ),
)

# Records whose rules live in the Quick-Check functions below, never in the generic save.
_ROUND_MODELS = (QuickCheckRound, Criterion, RoundParticipant, Rating, Score, TierDecision)


class RoundClosedError(ValidationError):
    """The round is closed: its settings, participants and ratings no longer change."""

    def __init__(self) -> None:
        super().__init__(
            _("Die Runde ist geschlossen. Geschlossene Runden können nicht mehr geändert werden."),
            code="round_closed",
        )


# --- generic records ------------------------------------------------------------------------


def strategy_of(obj: models.Model) -> Strategy:
    """The strategy a record belongs to (for the permission check and the audit entry)."""
    if isinstance(obj, Strategy):
        return obj
    if isinstance(obj, (Principle, FieldOfAction, Workshop, WorkingGroup, Project, Report, QuickCheckRound)):
        return obj.strategy
    if isinstance(obj, Goal):
        return obj.field.strategy
    if isinstance(obj, ProjectIdea):
        return obj.workshop.strategy
    if isinstance(obj, WorkingGroupMember):
        return obj.group.strategy
    if isinstance(obj, (Milestone, ProjectKpi, FundingApplication)):
        return obj.project.strategy
    raise TypeError(f"{type(obj).__name__} belongs to no strategy")


def _check_write(actor: Any, obj: models.Model) -> int | None:
    """Check the permission for writing ``obj``; return the authority id for the audit entry."""
    if isinstance(obj, _ROUND_MODELS):
        raise TypeError(f"{type(obj).__name__} is written by the Quick-Check functions only")
    if isinstance(obj, (FundingProgramme, FundingCall)):
        require(can_manage_funding_programmes(actor))
        return None
    if isinstance(obj, (Solution, Lesson)):
        require(can_share_knowledge(actor, obj.authority_id))
        return obj.authority_id
    if isinstance(obj, (BudgetLine, Position)):
        require(can_manage_strategy(actor, obj.owner_id))
        return obj.owner_id
    if isinstance(obj, Strategy) and obj.pk is None:
        require(can_manage_strategy(actor, obj.owner_id))
        return obj.owner_id
    strategy = strategy_of(obj)
    if isinstance(obj, Strategy):
        # A changed owner must be allowed for the old and the new owner alike.
        old_owner = Strategy.objects.filter(pk=obj.pk).values_list("owner_id", flat=True).first()
        require(can_manage_strategy(actor, old_owner))
    require(can_manage_strategy(actor, strategy.owner_id))
    return strategy.owner_id


def _text(value: Any) -> Any:
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


@transaction.atomic
def strategy_object_save(
    *,
    actor: Any,
    obj: models.Model,
    changed: Sequence[str] | None = None,
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
    source: str = "",
) -> models.Model:
    """Validate and save one record of the strategy cockpit (and its many-to-many links)."""
    authority_id = _check_write(actor, obj)
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(list(values))
    changes = {name: _text(getattr(obj, name, None)) for name in (changed or [])}
    changes.update({name: sorted(str(v) for v in values) for name, values in (m2m or {}).items()})
    audit_record(
        actor=actor,
        action=f"strategy.{obj._meta.model_name}.{'created' if created else 'changed'}",
        obj=obj,
        changes=changes,
        authority_id=authority_id,
        source=source,
    )
    return obj


@transaction.atomic
def strategy_object_delete(*, actor: Any, obj: models.Model, source: str = "") -> None:
    """Delete one record (refused with a German message when other records still point at it)."""
    authority_id = _check_write(actor, obj)
    audit_record(
        actor=actor,
        action=f"strategy.{obj._meta.model_name}.deleted",
        obj=obj,
        authority_id=authority_id,
        source=source,
    )
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError as error:
        raise ValidationError(
            _("„%(name)s“ wird noch verwendet und kann nicht gelöscht werden."), params={"name": str(obj)}
        ) from error


# --- Quick-Check ------------------------------------------------------------------------------


def _locked(round_: QuickCheckRound) -> QuickCheckRound:
    """The round row, locked until the transaction ends (closing and rating exclude each other)."""
    return QuickCheckRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_open(
    *,
    actor: Any,
    strategy: Strategy,
    title: str,
    fields: Iterable[FieldOfAction] | None = None,
    participants: Iterable[Authority] | None = None,
    criteria: Sequence[tuple[str, str, str]] = DEFAULT_CRITERIA,
    scale_min: int = 1,
    scale_max: int = 5,
    tier_one_min: Any = None,
    tier_two_min: Any = None,
    closes_on: datetime.date | None = None,
    description: str = "",
    source: str = "",
) -> QuickCheckRound:
    """Open a round. Defaults: every field of the strategy; the owner (Kreis) and all its towns;
    criteria Bedeutung and Digitalisierungspotenzial; scale 1–5."""
    require(can_manage_strategy(actor, strategy.owner_id))
    round_ = QuickCheckRound(
        strategy=strategy,
        title=title,
        description=description,
        scale_min=scale_min,
        scale_max=scale_max,
        closes_on=closes_on,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if tier_one_min is not None:
        round_.tier_one_min = tier_one_min
    if tier_two_min is not None:
        round_.tier_two_min = tier_two_min
    round_.full_clean()
    field_list = list(fields) if fields is not None else list(strategy.fields.all())
    if any(field.strategy_id != strategy.pk for field in field_list):
        raise ValidationError({"fields": _("Alle Handlungsfelder müssen zu dieser Strategie gehören.")})
    if not field_list:
        raise ValidationError({"fields": _("Bitte wählen Sie mindestens ein Handlungsfeld.")})
    if participants is None:
        participant_list = [strategy.owner, *Authority.objects.filter(parent=strategy.owner).order_by("name")]
    else:
        participant_list = list(participants)
    if not participant_list:
        raise ValidationError({"participants": _("Bitte wählen Sie mindestens eine teilnehmende Behörde.")})
    if not criteria:
        raise ValidationError({"criteria": _("Bitte geben Sie mindestens ein Kriterium an.")})
    round_.save()
    round_.fields.set(field_list)
    for authority in participant_list:
        RoundParticipant.objects.create(round=round_, authority=authority)
    for order, (key, name, question) in enumerate(criteria):
        criterion = Criterion(round=round_, key=key, name=name, question=question, order=order)
        criterion.full_clean(exclude=["round"])
        criterion.save()
    audit_record(
        actor=actor,
        action="strategy.round.opened",
        obj=round_,
        changes={
            "scale": f"{scale_min}–{scale_max}",
            "fields": [f.name for f in field_list],
            "participants": [a.name for a in participant_list],
            "criteria": [c[1] for c in criteria],
            "tier_one_min": str(round_.tier_one_min),
            "tier_two_min": str(round_.tier_two_min),
        },
        authority_id=strategy.owner_id,
        source=source,
    )
    return round_


@transaction.atomic
def round_update(
    *,
    actor: Any,
    round: QuickCheckRound,
    data: Mapping[str, Any],
    source: str = "",
) -> QuickCheckRound:
    """Change the title, notes, closing date or tier thresholds of an open round."""
    require(can_manage_strategy(actor, round.strategy.owner_id))
    locked = _locked(round)
    if locked.is_closed:
        raise RoundClosedError
    allowed = {"title", "description", "closes_on", "tier_one_min", "tier_two_min"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(
            _("Diese Angaben einer Runde können nicht geändert werden: %(names)s"),
            params={"names": ", ".join(sorted(unknown))},
        )
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="strategy.round.changed",
        obj=locked,
        changes={name: _text(value) for name, value in data.items()},
        authority_id=locked.strategy.owner_id,
        source=source,
    )
    return locked


@transaction.atomic
def rating_save(
    *,
    actor: Any,
    round: QuickCheckRound,
    authority: Authority,
    field: FieldOfAction,
    scores: Mapping[str, int],
    comment: str = "",
    source: str = "",
) -> Rating:
    """Enter or change ``authority``'s rating of ``field``: one value per criterion (by key).

    Refused when the round is closed, the authority does not take part, the field is not part of the
    round, a criterion is missing or unknown, or a value lies outside the round's scale.
    """
    require(can_rate_quickcheck(actor, authority))
    locked = _locked(round)
    if locked.is_closed:
        raise RoundClosedError
    if not RoundParticipant.objects.filter(round=locked, authority=authority).exists():
        raise ValidationError(
            _("%(name)s nimmt an dieser Runde nicht teil."), params={"name": authority.name}
        )
    if not locked.fields.filter(pk=field.pk).exists():
        raise ValidationError(_("Das Handlungsfeld gehört nicht zu dieser Runde."))
    criteria = {c.key: c for c in locked.criteria.all()}
    errors: dict[str, list[str]] = {}
    for key in criteria:
        if key not in scores or scores[key] is None:
            errors.setdefault(key, []).append(_("Bitte wählen Sie einen Wert."))
    for key, value in scores.items():
        if key not in criteria:
            errors.setdefault(key, []).append(_("Dieses Kriterium gibt es in der Runde nicht."))
        elif value is not None and not (
            isinstance(value, int) and locked.scale_min <= value <= locked.scale_max
        ):
            errors.setdefault(key, []).append(
                _("Bitte wählen Sie einen Wert von %(min)s bis %(max)s.")
                % {"min": locked.scale_min, "max": locked.scale_max}
            )
    if errors:
        raise ValidationError(errors)
    rating, created = Rating.objects.get_or_create(
        round=locked, authority=authority, field=field, defaults={"comment": comment}
    )
    rating.comment = comment
    rating.rated_by = actor if getattr(actor, "is_authenticated", False) else None
    rating.full_clean()
    rating.save()
    for key, criterion in criteria.items():
        Score.objects.update_or_create(rating=rating, criterion=criterion, defaults={"value": scores[key]})
    audit_record(
        actor=actor,
        action=f"strategy.rating.{'created' if created else 'changed'}",
        obj=rating,
        changes={"scores": dict(scores), "comment": comment},
        authority_id=authority.pk,
        source=source,
    )
    return rating


@transaction.atomic
def round_close(*, actor: Any, round: QuickCheckRound, source: str = "") -> QuickCheckRound:
    """Close the round: from now on nothing in it changes, and every participant sees the results."""
    require(can_manage_strategy(actor, round.strategy.owner_id))
    locked = _locked(round)
    if locked.is_closed:
        raise RoundClosedError
    locked.status = QuickCheckRound.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    audit_record(
        actor=actor,
        action="strategy.round.closed",
        obj=locked,
        changes={"ratings": locked.ratings.count()},
        authority_id=locked.strategy.owner_id,
        source=source,
    )
    return locked


@transaction.atomic
def tier_decision_record(
    *,
    actor: Any,
    round: QuickCheckRound,
    field: FieldOfAction,
    tier: int,
    reason: str = "",
    proposed_tier: int | None = None,
    decided_on: datetime.date | None = None,
    workshop: Workshop | None = None,
    source: str = "",
) -> TierDecision:
    """Record (or correct) the tier the workshop decided for ``field``, next to the proposal.

    Only for closed rounds: the workshop consolidates the final ratings. A decision that differs from
    the proposal needs a reason.
    """
    require(can_manage_strategy(actor, round.strategy.owner_id))
    locked = _locked(round)
    if not locked.is_closed:
        raise ValidationError(_("Prioritäten werden erst festgehalten, wenn die Runde geschlossen ist."))
    if not locked.fields.filter(pk=field.pk).exists():
        raise ValidationError(_("Das Handlungsfeld gehört nicht zu dieser Runde."))
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Bitte wählen Sie Priorität I, II oder III.")})
    if proposed_tier is not None and proposed_tier != tier and not reason.strip():
        raise ValidationError(
            {"reason": _("Die Entscheidung weicht vom Vorschlag ab – bitte begründen Sie sie.")}
        )
    decision = TierDecision.objects.filter(round=locked, field=field).first()
    created = decision is None
    if decision is None:
        decision = TierDecision(round=locked, field=field)
    decision.tier = tier
    decision.proposed_tier = proposed_tier
    decision.reason = reason
    decision.decided_on = decided_on
    decision.workshop = workshop
    decision.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action=f"strategy.decision.{'created' if created else 'changed'}",
        obj=decision,
        changes={"tier": tier, "proposed_tier": proposed_tier, "reason": reason},
        authority_id=locked.strategy.owner_id,
        source=source,
    )
    return decision


# --- knowledge ----------------------------------------------------------------------------------


@transaction.atomic
def solution_adopt(*, actor: Any, solution: Solution, authority: Authority, source: str = "") -> Solution:
    """Copy another authority's shared solution for ``authority``, keeping where it came from."""
    require(can_share_knowledge(actor, authority))
    if solution.authority_id == authority.pk:
        raise ValidationError(_("Die eigene Lösung kann nicht übernommen werden."))
    if not solution.is_shared:
        raise ValidationError(_("Diese Lösung wird nicht geteilt."))
    if Solution.objects.filter(authority=authority, adopted_from=solution).exists():
        raise ValidationError(_("Diese Lösung wurde von der Behörde schon übernommen."))
    copy = Solution(
        authority=authority,
        title=solution.title,
        kind=solution.kind,
        summary=solution.summary,
        description=solution.description,
        field=solution.field,
        contact="",
        url=solution.url,
        licence=solution.licence,
        is_shared=False,
        adopted_from=solution,
        adopted_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    copy.full_clean()
    copy.save()
    copy.services.set(solution.services.all())
    audit_record(
        actor=actor,
        action="strategy.solution.adopted",
        obj=copy,
        changes={"from": solution.pk, "from_authority": solution.authority.name},
        authority_id=authority.pk,
        source=source,
    )
    return copy
