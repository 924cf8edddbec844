"""The Sachstandsbericht: edit texts, preview computed parts, export PDF and DOCX; CSV/XLSX of every table."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from amtsweg.access.permissions import can_manage_strategy, can_view_strategy
from amtsweg.catalog.forms import kern_widgets
from amtsweg.catalog.selectors import kreis
from amtsweg.strategy.exports import table_response
from amtsweg.strategy.models import Report, Strategy
from amtsweg.strategy.report.context import report_context
from amtsweg.strategy.report.docx import report_docx
from amtsweg.strategy.report.pdf import report_pdf
from amtsweg.strategy.services import strategy_object_save
from amtsweg.strategy.views_maturity import cockpit_view

EXPORT_TABLES = ("quickcheck", "projects", "budget", "funding", "positions", "ozg")


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = [
            "subject",
            "number",
            "kind",
            "committee",
            "meeting_on",
            "budget_year",
            "period_start",
            "period_end",
            "decision_proposal",
            "reasoning",
            "financial_effects",
        ]
        widgets = {
            "meeting_on": forms.DateInput(format="%d.%m.%Y"),
            "period_start": forms.DateInput(format="%d.%m.%Y"),
            "period_end": forms.DateInput(format="%d.%m.%Y"),
            "decision_proposal": forms.Textarea(attrs={"rows": 4}),
            "reasoning": forms.Textarea(attrs={"rows": 12}),
            "financial_effects": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "meeting_on": gettext_lazy("TT.MM.JJJJ"),
            "period_start": gettext_lazy("TT.MM.JJJJ"),
            "period_end": gettext_lazy("TT.MM.JJJJ"),
            "budget_year": gettext_lazy("Die Haushaltstabelle zeigt dieses Jahr; leer: alle Jahre."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern_widgets(self)


class NewReportForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Betreff"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern_widgets(self)


def _strategies(user: Any) -> list[Strategy]:
    return [
        s
        for s in Strategy.objects.select_related("owner").order_by("title")
        if can_view_strategy(user, s.owner)
    ]


def _report_for(request: HttpRequest, pk: int) -> Report:
    report = get_object_or_404(Report.objects.select_related("strategy", "strategy__owner"), pk=pk)
    if not can_view_strategy(request.user, report.strategy.owner):
        raise PermissionDenied(_("Diesen Bericht dürfen Sie nicht sehen."))
    return report


@require_http_methods(["GET", "POST"])
@cockpit_view
def report_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    strategies = _strategies(user)
    if not strategies:
        raise PermissionDenied(_("Es gibt keine Strategie, die Sie sehen dürfen."))
    strategy = strategies[0]
    if request.GET.get("strategie"):
        strategy = next((s for s in strategies if s.slug == request.GET["strategie"]), strategy)
    can_manage = can_manage_strategy(request.user, strategy.owner)
    form = NewReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            report = Report(
                strategy=strategy,
                subject=form.cleaned_data["subject"],
                created_by=user,
            )
            strategy_object_save(actor=request.user, obj=report, changed=["subject"], source="web")
            messages.success(request, _("Der Entwurf wurde angelegt. Ergänzen Sie jetzt die Texte."))
            return redirect("strategy:report_edit", pk=report.pk)
        status = 400
    reports = Report.objects.filter(strategy=strategy).order_by("-created_at")
    return render(
        request,
        "strategy/report_list.html",
        {
            "strategy": strategy,
            "strategies": strategies,
            "reports": reports,
            "form": form,
            "can_manage": can_manage,
            "export_tables": EXPORT_TABLES,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@cockpit_view
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    can_manage = can_manage_strategy(request.user, report.strategy.owner)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(_("Berichte ändern darf nur, wer die Strategie steuert."))
    form = ReportForm(request.POST or None, instance=report)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                strategy_object_save(
                    actor=request.user, obj=form.instance, changed=form.changed_data, source="web"
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Die Texte wurden gespeichert."))
                return redirect("strategy:report_edit", pk=report.pk)
        status = 400
        report.refresh_from_db()
    ctx = report_context(strategy=report.strategy, report=report)
    # Empty texts get a sensible default in the documents; say which.
    defaults = {"decision_proposal": ctx.decision_proposal, "financial_effects": ctx.financial_effects}
    for name, text in defaults.items():
        if name in form.fields and not getattr(report, name).strip():
            hint = _("Leer gelassen steht in der Vorlage: „%(text)s“") % {"text": text}
            form.fields[name].help_text = hint
            form[name].help_text = hint  # the bound field copied the old one already
    return render(
        request,
        "strategy/report_edit.html",
        {
            "report": report,
            "form": form,
            "ctx": ctx,
            "can_manage": can_manage,
            "export_tables": EXPORT_TABLES,
        },
        status=status,
    )


FILENAME_MAX = 200  # characters before the suffix; file systems allow 255 bytes, downloads add " (1)"


def report_filename(report: Report, suffix: str) -> str:
    """``SV-10-0123 Digitalisierungsstrategie für den Kreis Coesfeld – Sachstand.pdf``: number and the whole
    subject, umlauts kept, without the characters file systems forbid. Only a subject longer than any
    file system allows is shortened, at a word boundary."""
    name = " ".join(part for part in (report.number, report.subject) if part) or str(_("Sachstandsbericht"))
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > FILENAME_MAX:
        name = name[:FILENAME_MAX].rsplit(" ", 1)[0].rstrip(" .,–-")
    return f"{name}.{suffix}"


@require_safe
@cockpit_view
def report_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    ctx = report_context(strategy=report.strategy, report=report)
    response = HttpResponse(report_pdf(report, ctx), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, report_filename(report, "pdf"))
    return response


@require_safe
@cockpit_view
def report_docx_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    ctx = report_context(strategy=report.strategy, report=report)
    response = HttpResponse(
        report_docx(report, ctx),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(True, report_filename(report, "docx"))
    return response


@require_safe
@cockpit_view
def table_export(request: HttpRequest, table: str, fmt: str, pk: int | None = None) -> HttpResponse:
    """One table of the cockpit as CSV or XLSX: of a report (its budget year) or of the whole strategy."""
    if table not in EXPORT_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404(_("Diese Tabelle gibt es nicht."))
    if pk is not None:
        report: Report | None = _report_for(request, pk)
        strategy = report.strategy if report else None
    else:
        report = None
        strategies = _strategies(request.user)
        wanted = request.GET.get("strategie")
        own = kreis()
        strategy = next(
            (
                s
                for s in strategies
                if (wanted and s.slug == wanted) or (not wanted and own and s.owner_id == own.pk)
            ),
            strategies[0] if strategies and not wanted else None,
        )
    if strategy is None:
        raise Http404(_("Diese Strategie gibt es nicht."))
    ctx = report_context(strategy=strategy, report=report)
    found = ctx.tables.get(table)
    if found is None:
        raise Http404(_("Für diese Tabelle gibt es noch keine Daten."))
    return table_response(found.export_rows(), found.headers, name=found.title, fmt=fmt)
