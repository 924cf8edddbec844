"""Forms of the strategy cockpit. They parse and validate input; the services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.forms import kern_widgets
from amtsweg.catalog.models import Service
from amtsweg.strategy.models import (
    BudgetLine,
    Criterion,
    FieldOfAction,
    FundingApplication,
    FundingCall,
    FundingProgramme,
    Position,
    Project,
    Tier,
    Workshop,
)
from amtsweg.tenants.models import Authority

DATE_HINT = _("TT.MM.JJJJ")
DATE_INPUT = {"format": "%d.%m.%Y"}


def _date(**attrs: Any) -> forms.DateInput:
    return forms.DateInput(**DATE_INPUT, attrs={"inputmode": "numeric", **attrs})


class GermanDecimalField(forms.DecimalField):
    """A decimal in German notation: ``30.000,00`` or ``30000,5`` (also ``30000.50``), optional „€“."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            text = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            value = text
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            from amtsweg.strategy.money import format_decimal_de

            return format_decimal_de(value, self.decimal_places or 2)
        return value


def _money_fields(form: forms.BaseForm, *names: str) -> None:
    """Money in German notation (``30.000,00``) with the field's own validation."""
    for name in names:
        field = form.fields.get(name)
        if isinstance(field, forms.DecimalField):
            form.fields[name] = GermanDecimalField(
                label=field.label,
                required=field.required,
                help_text=field.help_text or _("in Euro, z. B. 30.000,00"),
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
                min_value=getattr(field, "min_value", None),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )


def _queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error otherwise
    field.queryset = queryset


class KernModelForm(forms.ModelForm):
    money: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _money_fields(self, *self.money)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.help_text = field.help_text or DATE_HINT
        kern_widgets(self)


class FieldForm(KernModelForm):
    class Meta:
        model = FieldOfAction
        fields = ["name", "description", "vision"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "vision": forms.Textarea(attrs={"rows": 5}),
        }


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Hinweise für die Teilnehmenden"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scale_min = forms.IntegerField(label=_("Skala von"), initial=1, min_value=0, max_value=9)
    scale_max = forms.IntegerField(label=_("Skala bis"), initial=5, min_value=1, max_value=10)
    closes_on = forms.DateField(label=_("Bewertung bis"), required=False, widget=_date(), help_text=DATE_HINT)
    tier_one_min = GermanDecimalField(
        label=_("Priorität I ab Mittelwert"),
        initial=Decimal("4.00"),
        max_digits=4,
        decimal_places=2,
        help_text=_("Mittelwert der Kriterien; z. B. 4,00"),
    )
    tier_two_min = GermanDecimalField(
        label=_("Priorität II ab Mittelwert"),
        initial=Decimal("3.00"),
        max_digits=4,
        decimal_places=2,
        help_text=_("darunter: Priorität III; z. B. 3,00"),
    )
    handlungsfelder = forms.ModelMultipleChoiceField(
        label=_("Handlungsfelder"), queryset=FieldOfAction.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Teilnehmende Behörden"),
        queryset=Authority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "handlungsfelder", strategy.fields.order_by("order"))
        participants = Authority.objects.filter(pk=strategy.owner_id) | Authority.objects.filter(
            parent_id=strategy.owner_id
        )
        _queryset(self, "participants", participants.order_by("name"))
        if not self.is_bound:
            self.initial.setdefault("handlungsfelder", list(strategy.fields.order_by("order")))
            self.initial.setdefault("participants", list(participants))
        kern_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("Das Ende der Skala muss größer sein als ihr Anfang."))
        one, two = data.get("tier_one_min"), data.get("tier_two_min")
        if one is not None and two is not None and one < two:
            self.add_error(
                "tier_one_min",
                _("Die Schwelle für Priorität I darf nicht unter der für Priorität II liegen."),
            )
        return data


class RatingForm(forms.Form):
    """One field: a value per criterion (radio buttons) and a comment. Prefixed by the field id."""

    def __init__(
        self, *args: Any, field: FieldOfAction, criteria: list[Criterion], scale: range, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.field_of_action = field
        self.criteria = criteria
        choices = [(str(v), str(v)) for v in scale]
        for criterion in criteria:
            self.fields[criterion.key] = forms.TypedChoiceField(
                label=criterion.name,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=criterion.question,
                error_messages={
                    "required": _("Bitte wählen Sie einen Wert für „%(name)s“.") % {"name": criterion.name}
                },
            )
        self.fields["comment"] = forms.CharField(
            label=_("Kommentar (freiwillig)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        kern_widgets(self)

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[c.key] for c in self.criteria]

    def scores(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[c.key] for c in self.criteria}


class DecisionForm(forms.Form):
    tier = forms.TypedChoiceField(label=_("beschlossene Priorität"), choices=Tier.choices, coerce=int)
    reason = forms.CharField(
        label=_("Begründung"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(
        label=_("beschlossen am"), required=False, widget=_date(), help_text=DATE_HINT
    )
    workshop = forms.ModelChoiceField(label=_("Workshop"), queryset=Workshop.objects.none(), required=False)

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "workshop", strategy.workshops.order_by("-date"))
        kern_widgets(self)


class WorkshopForm(KernModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "kind", "date", "format", "place", "fields", "participant_count", "outcomes"]
        widgets = {
            "date": _date(),
            "fields": forms.CheckboxSelectMultiple,
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "fields", strategy.fields.order_by("order"))


class ProjectForm(KernModelForm):
    money = ("estimated_cost",)

    class Meta:
        model = Project
        fields = [
            "title",
            "slug",
            "field",
            "goal",
            "description",
            "lead",
            "partners",
            "status",
            "starts_on",
            "ends_on",
            "expected_benefit",
            "estimated_cost",
            "services",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_benefit": forms.Textarea(attrs={"rows": 3}),
            "starts_on": _date(),
            "ends_on": _date(),
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "field", strategy.fields.order_by("order"))
        authorities = (
            Authority.objects.filter(pk=strategy.owner_id)
            | Authority.objects.filter(parent_id=strategy.owner_id)
        ).order_by("name")
        _queryset(self, "lead", authorities)
        _queryset(self, "partners", authorities)
        _queryset(self, "services", Service.objects.filter(is_published=True).order_by("name"))
        self.fields["services"].required = False


class BudgetLineForm(KernModelForm):
    money = ("plan", "carry_over", "commitments", "actual")

    class Meta:
        model = BudgetLine
        fields = [
            "year",
            "product",
            "title",
            "kind",
            "source",
            "programme",
            "project",
            "plan",
            "carry_over",
            "commitments",
            "actual",
            "note",
        ]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {"product": _("NKF-Produkt im Format NN.NN.NN, z. B. 01.02.01")}

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "project", strategy.projects.order_by("title"))


class PositionForm(KernModelForm):
    class Meta:
        model = Position
        fields = [
            "title",
            "pay_grade",
            "fte",
            "starts_on",
            "ends_on",
            "funded_by",
            "programme",
            "project",
            "is_filled",
        ]
        widgets = {"starts_on": _date(), "ends_on": _date()}
        help_texts = {"pay_grade": _("z. B. EG 11"), "fte": _("Vollzeitäquivalente, z. B. 1,0 oder 0,5")}

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _money_fields(self, "fte")
        self.fields["fte"].help_text = _("Vollzeitäquivalente, z. B. 1,0 oder 0,5")
        _queryset(self, "project", strategy.projects.order_by("title"))
        kern_widgets(self)


class ProgrammeForm(KernModelForm):
    money = ("max_amount",)

    class Meta:
        model = FundingProgramme
        fields = [
            "name",
            "funder",
            "funder_body",
            "rate_percent",
            "rate_note",
            "max_amount",
            "eligibility",
            "runs_from",
            "runs_until",
            "url",
        ]
        widgets = {
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "runs_from": _date(),
            "runs_until": _date(),
        }

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _money_fields(self, "rate_percent")
        self.fields["rate_percent"].help_text = _("z. B. 65 oder 62,5")
        kern_widgets(self)


class CallForm(KernModelForm):
    class Meta:
        model = FundingCall
        fields = ["programme", "title", "opens_on", "deadline"]
        widgets = {"opens_on": _date(), "deadline": _date()}

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ApplicationForm(KernModelForm):
    money = ("total_cost", "requested_amount", "granted_amount")

    class Meta:
        model = FundingApplication
        fields = [
            "project",
            "programme",
            "call",
            "status",
            "total_cost",
            "requested_amount",
            "granted_amount",
            "submission_deadline",
            "submitted_on",
            "grant_notice_on",
            "proof_of_use_deadline",
            "note",
        ]
        widgets = {
            "submission_deadline": _date(),
            "submitted_on": _date(),
            "grant_notice_on": _date(),
            "proof_of_use_deadline": _date(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "project", strategy.projects.order_by("title"))
