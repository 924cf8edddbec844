"""Sharing between the Kreis and its towns: reusable solutions (Einer für Alle) and lessons learnt.

A town offers a solution (a form, a routing rule, a process …); another town adopts it with one button:
:func:`amtsweg.strategy.services.solution_adopt` copies it for the adopting authority with its provenance,
checks the permission and writes the audit entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amtsweg.access.permissions import can_share_knowledge
from amtsweg.catalog.forms import kern_widgets
from amtsweg.catalog.selectors import published_services
from amtsweg.strategy.models import Lesson, Solution
from amtsweg.strategy.services import solution_adopt, strategy_object_save
from amtsweg.strategy.views_maturity import can_view_cockpit

View = Callable[..., HttpResponse]


def _own_authority(user: Any) -> Any:
    return getattr(user, "authority", None)


def knowledge_view(view: View) -> View:
    """Staff who share knowledge for their authority, or who read the cockpit; second factor verified."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        own = _own_authority(request.user)
        if not (own is not None and can_share_knowledge(request.user, own)) and not can_view_cockpit(
            request.user
        ):
            raise PermissionDenied(
                _(
                    "Die Lösungsbörse ist nur für Beschäftigte der Kreisverwaltung und der Kommunen "
                    "mit zweitem Faktor."
                )
            )
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


class SolutionForm(forms.ModelForm):
    class Meta:
        model = Solution
        fields = ["title", "kind", "summary", "description", "services", "contact", "url", "licence"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "services": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = published_services().order_by("name")  # type: ignore[attr-defined]
        kern_widgets(self)


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        labels = {"text": gettext_lazy("Was hat funktioniert, was nicht?")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern_widgets(self)


def _visible_solutions(user: Any) -> Any:
    own = _own_authority(user)
    condition = Q(is_shared=True)
    if own is not None:
        condition |= Q(authority=own)
    return (
        Solution.objects.filter(condition)
        .select_related("authority", "adopted_from", "adopted_from__authority", "field")
        .prefetch_related(
            "services",
            Prefetch(
                "adoptions",
                queryset=Solution.objects.select_related("authority").order_by("authority__short_name"),
            ),
        )
        .order_by("title", "authority__short_name")
    )


@require_safe
@knowledge_view
def knowledge_list(request: HttpRequest) -> HttpResponse:
    own = _own_authority(request.user)
    solutions = list(_visible_solutions(request.user))
    adopted_ids = {
        s.adopted_from_id
        for s in solutions
        if own is not None and s.authority_id == own.pk and s.adopted_from_id
    }
    may_share = own is not None and can_share_knowledge(request.user, own)
    offers = [s for s in solutions if s.is_shared and s.adopted_from_id is None]
    mine = [s for s in solutions if own is not None and s.authority_id == own.pk]
    lessons = Lesson.objects.select_related("authority", "solution").order_by("-created_at")[:50]
    return render(
        request,
        "strategy/knowledge_list.html",
        {
            "offers": offers,
            "mine": mine,
            "adopted_ids": adopted_ids,
            "own": own,
            "may_share": may_share,
            "lessons": lessons,
        },
    )


@require_http_methods(["GET", "POST"])
@knowledge_view
def solution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_object_or_404(_visible_solutions(request.user), pk=pk)
    own = _own_authority(request.user)
    may_share = own is not None and can_share_knowledge(request.user, own)
    form = LessonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_share:
            raise PermissionDenied(_("Erfahrungen teilen darf nur, wer für seine Behörde Wissen teilt."))
        if form.is_valid():
            lesson = form.save(commit=False)
            lesson.authority = own
            lesson.solution = solution
            lesson.created_by = request.user
            strategy_object_save(actor=request.user, obj=lesson, changed=["title", "text"], source="web")
            messages.success(request, _("Danke – Ihre Erfahrung ist jetzt für alle sichtbar."))
            return redirect("strategy:solution_detail", pk=solution.pk)
        status = 400
    return _detail(request, solution, form, status)


def _detail(request: HttpRequest, solution: Solution, form: LessonForm, status: int = 200) -> HttpResponse:
    own = _own_authority(request.user)
    may_share = own is not None and can_share_knowledge(request.user, own)
    already = (
        Solution.objects.filter(authority=own, adopted_from=solution).first() if own is not None else None
    )
    return render(
        request,
        "strategy/knowledge_detail.html",
        {
            "solution": solution,
            "own": own,
            "may_share": may_share,
            "already": already,
            "can_adopt": (
                may_share
                and already is None
                and solution.is_shared
                and solution.authority_id != getattr(own, "pk", None)
            ),
            "lessons": solution.lessons.select_related("authority").order_by("-created_at"),
            "form": form,
        },
        status=status,
    )


@require_POST
@knowledge_view
def solution_adopt_view(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_object_or_404(_visible_solutions(request.user), pk=pk, is_shared=True)
    own = _own_authority(request.user)
    if own is None:
        raise PermissionDenied(_("Ihr Konto gehört zu keiner Behörde."))
    try:
        copy = solution_adopt(actor=request.user, solution=solution, authority=own, source="web")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, solution, LessonForm(), status=400)
    messages.success(
        request,
        _("„%(title)s“ wurde für %(authority)s übernommen. Die Herkunft (%(origin)s) bleibt vermerkt.")
        % {"title": copy.title, "authority": own.short_name, "origin": solution.authority.short_name},
    )
    return redirect("strategy:solution_detail", pk=copy.pk)


@require_http_methods(["GET", "POST"])
@knowledge_view
def solution_offer(request: HttpRequest) -> HttpResponse:
    own = _own_authority(request.user)
    if own is None or not can_share_knowledge(request.user, own):
        raise PermissionDenied(_("Lösungen anbieten darf nur, wer für seine Behörde Wissen teilt."))
    form = SolutionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            solution = form.save(commit=False)
            solution.authority = own
            solution.created_by = request.user
            solution.is_shared = True
            strategy_object_save(
                actor=request.user,
                obj=solution,
                changed=["title", "kind", "summary"],
                m2m={"services": form.cleaned_data["services"]},
                source="web",
            )
            messages.success(request, _("Ihre Lösung ist jetzt für die anderen Behörden sichtbar."))
            return redirect("strategy:solution_detail", pk=solution.pk)
        return render(request, "strategy/knowledge_offer.html", {"form": form, "own": own}, status=400)
    return render(request, "strategy/knowledge_offer.html", {"form": form, "own": own})
