"""Pages of the strategy cockpit: Handlungsfelder, Quick-Check rounds with results and decisions.

Projects, budget, Stellenplan and funding live in :mod:`amtsweg.strategy.views_portfolio`. Views parse
input, call selectors and services, and render; they decide nothing themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amtsweg.access.permissions import (
    Perm,
    can_manage_strategy,
    can_rate_quickcheck,
    has_any,
)
from amtsweg.access.twofactor import needs_second_factor
from amtsweg.strategy import selectors, services
from amtsweg.strategy.charts import Point, portfolio_svg
from amtsweg.strategy.cockpit import cockpit_figures
from amtsweg.strategy.forms import DecisionForm, FieldForm, RatingForm, RoundForm
from amtsweg.strategy.models import FieldOfAction, QuickCheckRound, Strategy, Tier

View = Callable[..., HttpResponse]
GET_POST = ["GET", "POST", "HEAD"]


def staff_view(view: View) -> View:
    """Staff with a verified second factor and some right in the cockpit; login first, never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        verified = needs_second_factor(user) and user.is_verified()
        if not verified or not any(
            has_any(user, perm) for perm in (Perm.STRATEGY_VIEW, Perm.STRATEGY_MANAGE, Perm.QUICKCHECK_RATE)
        ):
            raise PermissionDenied(
                _("Das Strategie-Cockpit ist nur für Beschäftigte mit einer Rolle der Strategie zugänglich.")
            )
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _data(request: HttpRequest) -> Any:
    """The posted data, also when empty (an empty POST must show "required" errors, not a fresh form)."""
    return request.POST if request.method == "POST" else None


def _strategy(request: HttpRequest) -> Strategy:
    strategy = selectors.strategy_for(request.user)
    if strategy is None:
        raise Http404(_("Es gibt noch keine Strategie, die Sie sehen dürfen."))
    return strategy


def _error_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# --- start page and Handlungsfelder -------------------------------------------------------------


@staff_view
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The cockpit: the figures at a glance with their plausibility warnings, vision, principles, fields
    with their decided priority; or, for participants of a town, the rounds they take part in."""
    strategy = selectors.strategy_for(request.user)
    rounds = list(selectors.rounds_for(request.user)[:10])
    tiers: dict[int, Any] = {}
    latest = next((r for r in rounds if r.is_closed and r.decisions.exists()), None)
    if latest is not None:
        tiers = {d.field_id: d for d in latest.decisions.all()}
    figures = cockpit_figures(actor=request.user, strategy=strategy) if strategy is not None else None
    return render(
        request,
        "strategy/home.html",
        {
            "strategy": strategy,
            "fields": list(strategy.fields.prefetch_related("goals").order_by("order")) if strategy else [],
            "principles": list(strategy.principles.all()) if strategy else [],
            "tiers": tiers,
            "latest_round": latest,
            "rounds": rounds,
            "may_manage": bool(strategy and can_manage_strategy(request.user, strategy.owner_id)),
            "figures": figures,
        },
    )


@staff_view
@require_http_methods(GET_POST)
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _strategy(request)
    field = get_object_or_404(FieldOfAction, pk=pk, strategy=strategy)
    if not can_manage_strategy(request.user, strategy.owner_id):
        raise PermissionDenied
    form = FieldForm(_data(request), instance=field)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_object_save(
                actor=request.user, obj=form.save(commit=False), changed=form.changed_data, source="web"
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Das Handlungsfeld „%(name)s“ wurde gespeichert.") % {"name": field.name}
            )
            return redirect("strategy:home")
    status = 400 if form.errors else 200
    return render(request, "strategy/field_edit.html", {"form": form, "field": field}, status=status)


# --- Quick-Check rounds -------------------------------------------------------------------------


def _round(request: HttpRequest, pk: int) -> QuickCheckRound:
    round_ = selectors.round_for(request.user, pk)
    if round_ is None:
        raise Http404(_("Diese Runde gibt es nicht oder Sie nehmen nicht an ihr teil."))
    return round_


@staff_view
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    strategy = selectors.strategy_for(request.user)
    return render(
        request,
        "strategy/round_list.html",
        {
            "rounds": selectors.rounds_for(request.user),
            "may_manage": bool(strategy and can_manage_strategy(request.user, strategy.owner_id)),
        },
    )


@staff_view
@require_http_methods(GET_POST)
def round_create(request: HttpRequest) -> HttpResponse:
    strategy = _strategy(request)
    if not can_manage_strategy(request.user, strategy.owner_id):
        raise PermissionDenied
    form = RoundForm(_data(request), strategy=strategy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_open(
                actor=request.user,
                strategy=strategy,
                title=data["title"],
                description=data["description"],
                fields=list(data["handlungsfelder"]),
                participants=list(data["participants"]),
                scale_min=data["scale_min"],
                scale_max=data["scale_max"],
                tier_one_min=data["tier_one_min"],
                tier_two_min=data["tier_two_min"],
                closes_on=data["closes_on"],
                source="web",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Runde „%(title)s“ ist eröffnet.") % {"title": round_.title})
            return redirect("strategy:round_detail", pk=round_.pk)
    status = 400 if form.errors else 200
    return render(request, "strategy/round_create.html", {"form": form, "strategy": strategy}, status=status)


@staff_view
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    manage = can_manage_strategy(request.user, round_.strategy.owner_id)
    return render(
        request,
        "strategy/round_detail.html",
        {
            "round": round_,
            "criteria": selectors.round_criteria(round_),
            "fields": selectors.round_fields(round_),
            "own": selectors.own_participations(request.user, round_),
            "progress": selectors.round_progress(round_) if manage else [],
            "may_manage": manage,
        },
    )


@staff_view
@require_http_methods(GET_POST)
def round_rate(request: HttpRequest, pk: int, authority_pk: int) -> HttpResponse:
    """The rating form of one participant: every field, a value per criterion and a comment."""
    round_ = _round(request, pk)
    participation = (
        round_.round_participants.filter(authority_id=authority_pk).select_related("authority").first()
    )
    if participation is None:
        raise Http404(_("Diese Behörde nimmt an der Runde nicht teil."))
    authority = participation.authority
    if not can_rate_quickcheck(request.user, authority):
        raise PermissionDenied(_("Sie dürfen nur für Ihre eigene Behörde bewerten."))
    if round_.is_closed:
        messages.info(
            request, _("Die Runde ist geschlossen; die Bewertungen können nicht mehr geändert werden.")
        )
        return redirect("strategy:round_detail", pk=round_.pk)
    criteria = selectors.round_criteria(round_)
    fields = selectors.round_fields(round_)
    scale = range(round_.scale_min, round_.scale_max + 1)
    existing = selectors.ratings_by_field(
        selectors.ratings_visible(request.user, round_).filter(authority=authority)
    )
    forms = []
    for field in fields:
        current = existing.get(field.pk, {})
        initial = {**current.get("scores", {}), "comment": current.get("comment", "")}
        forms.append(
            RatingForm(
                _data(request),
                prefix=f"feld-{field.pk}",
                field=field,
                criteria=criteria,
                scale=scale,
                initial=initial,
            )
        )
    errors: list[str] = []
    # Validate every form (no short-circuit), so that all errors show at once.
    if request.method == "POST" and all([form.is_valid() for form in forms]):  # noqa: C419
        try:
            with transaction.atomic():
                for form in forms:
                    services.rating_save(
                        actor=request.user,
                        round=round_,
                        authority=authority,
                        field=form.field_of_action,
                        scores=form.scores(),
                        comment=form.cleaned_data["comment"],
                        source="web",
                    )
        except ValidationError as error:
            errors = _error_messages(error)
        else:
            messages.success(
                request,
                _(
                    "Die Bewertung für %(name)s wurde gespeichert. "
                    "Sie können sie bis zum Ende der Runde ändern."
                )
                % {"name": authority.name},
            )
            return redirect("strategy:round_detail", pk=round_.pk)
    invalid = [form for form in forms if form.is_bound and form.errors]
    status = 400 if invalid or errors else 200
    return render(
        request,
        "strategy/round_rate.html",
        {"round": round_, "authority": authority, "forms": forms, "invalid": invalid, "errors": errors},
        status=status,
    )


@staff_view
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    try:
        services.round_close(actor=request.user, round=round_, source="web")
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect("strategy:round_detail", pk=round_.pk)
    messages.success(
        request, _("Die Runde ist geschlossen. Die Ergebnisse sind jetzt für alle Teilnehmenden sichtbar.")
    )
    return redirect("strategy:round_results", pk=round_.pk)


def _chart(results: selectors.RoundResults) -> str:
    x_axis, y_axis = results.axes
    if x_axis is None or y_axis is None:
        return ""
    points = []
    for item in results.fields:
        x, y = item.stats.get(x_axis.key), item.stats.get(y_axis.key)
        if x is None or y is None:
            continue
        tier = item.decision.tier if item.decision else item.proposed_tier
        points.append(Point(label=item.field.name, x=x.mean_float, y=y.mean_float, group=tier))
    if not points:
        return ""
    return portfolio_svg(
        points,
        title=_("Portfolio: %(x)s × %(y)s je Handlungsfeld") % {"x": x_axis.name, "y": y_axis.name},
        x_label=x_axis.name,
        y_label=y_axis.name,
        scale_min=results.round.scale_min,
        scale_max=results.round.scale_max,
        group_labels={tier.value: str(tier.label) for tier in Tier},
    )


def _results_page(
    request: HttpRequest,
    round_: QuickCheckRound,
    forms: dict[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    results = selectors.round_results(round_)
    manage = can_manage_strategy(request.user, round_.strategy.owner_id)
    decision_forms = forms or {}
    if manage:
        for item in results.fields:
            if item.field.pk not in decision_forms:
                initial: dict[str, Any] = {"tier": item.proposed_tier}
                if item.decision is not None:
                    initial = {
                        "tier": item.decision.tier,
                        "reason": item.decision.reason,
                        "decided_on": item.decision.decided_on,
                        "workshop": item.decision.workshop_id,
                    }
                decision_forms[item.field.pk] = DecisionForm(
                    prefix=f"feld-{item.field.pk}", strategy=round_.strategy, initial=initial
                )
    rows = [(item, decision_forms.get(item.field.pk)) for item in results.fields]
    return render(
        request,
        "strategy/round_results.html",
        {
            "round": round_,
            "results": results,
            "rows": rows,
            "chart": mark_safe(_chart(results)),  # noqa: S308 - built from escaped text in charts.py
            "may_manage": manage,
            "x_axis": results.axes[0],
            "y_axis": results.axes[1],
        },
        status=status,
    )


@staff_view
@require_safe
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not round_.is_closed:
        messages.info(request, _("Die Ergebnisse gibt es, sobald die Runde geschlossen ist."))
        return redirect("strategy:round_detail", pk=round_.pk)
    return _results_page(request, round_)


@staff_view
@require_POST
def decision_save(request: HttpRequest, pk: int, field_pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not can_manage_strategy(request.user, round_.strategy.owner_id):
        raise PermissionDenied
    field = get_object_or_404(round_.fields, pk=field_pk)
    form = DecisionForm(request.POST, prefix=f"feld-{field.pk}", strategy=round_.strategy)
    if form.is_valid():
        proposal = next(
            (
                item.proposed_tier
                for item in selectors.round_results(round_).fields
                if item.field.pk == field.pk
            ),
            None,
        )
        try:
            services.tier_decision_record(
                actor=request.user,
                round=round_,
                field=field,
                tier=form.cleaned_data["tier"],
                reason=form.cleaned_data["reason"],
                proposed_tier=proposal,
                decided_on=form.cleaned_data["decided_on"],
                workshop=form.cleaned_data["workshop"],
                source="web",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Die Priorität für „%(name)s“ ist festgehalten.") % {"name": field.name}
            )
            return redirect(reverse("strategy:round_results", kwargs={"pk": round_.pk}) + f"#feld-{field.pk}")
    return _results_page(request, round_, forms={field.pk: form}, status=400)
