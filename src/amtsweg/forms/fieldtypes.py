"""Field types: everything one ``datatype`` means, in one place.

``field_types`` is a :class:`~amtsweg.core.registry.Registry` (like Open Forms' component registry): one
:class:`FieldType` per datatype of :mod:`amtsweg.forms.spec`. Each type owns

* ``parse(text, field)`` – German input as typed in the browser (``1.234,56``, ``24.12.2026``) → the value
  stored in the data; raises :class:`FieldValueError` with a German message that names the field;
* ``check(value, field)`` – what JSON Schema cannot say (the IBAN check digits, "not after today", the
  limits of a number); ``None`` when the value is fine;
* ``display(value, field)`` – the value as a person reads it (summary, receipt, case page, letters, exports);
* ``edit_text(value, field)`` – the value as it is typed again into the input;
* ``json_schema(field, required=...)`` – the JSON Schema fragment of a value;
* ``widget(field, repeating=...)`` – hints for the HTML input (widget, ``inputmode``, format hint,
  ``autocomplete``).

Everything that parses, checks or shows answers goes through :func:`parse_input`, :func:`check_value`
and :func:`display_value` (or the type itself): the web steps (:mod:`amtsweg.submissions.forms`), the
validator and :func:`~amtsweg.forms.validation.coerce`, the compiled JSON Schema, the summary, the receipt,
the case page, letters and the DSGVO export. A plugin adds a type with ``@field_types.register("id")``.

Hostile input is refused before any conversion that could take time: numbers longer than
:data:`MAX_NUMBER_CHARS` characters or with an exponent, texts with NUL bytes, other control characters
or unpaired surrogates, digits outside ASCII.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.core.registry import Registry
from amtsweg.forms.spec import FieldSpec, FormSpec, GroupSpec

MAX_NUMBER_CHARS = 30  # digits, separators and sign of a typed number
MAX_ABS_NUMBER = 10**15  # larger amounts or counts do not occur in a form (and lose precision as floats)
TEXT_MAX_INPUT = 1000
TEXT_MAX_TEXTAREA = 10000
FILE_ID_MAX = 100
CURRENCY_STEP = 0.01
DATATYPES_WITHOUT_INPUT = frozenset({"file", "label"})  # uploads and static text are not typed in
TODAY = "today"  # a relative bound of a date field: ``min: today`` / ``max: today``
RELATIVE_BOUNDS = {"today": TODAY, "heute": TODAY}

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"

_DE_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?::([0-5][0-9]))?(?:\s*Uhr)?", re.IGNORECASE)
_DE_NUMBER = re.compile(r"[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{3})+")
_TRUE = {"true", "1", "on", "ja", "j", "yes"}
_FALSE = {"false", "0", "off", "nein", "n", "no"}


class FieldValueError(ValueError):
    """A value that cannot be read; ``message`` is German and names the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def field_name(field: FieldSpec | None) -> str:
    if field is None:
        return _("diese Angabe")
    return field.label or field.name or field.key


_BAD_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def text_problem(text: str) -> bool:
    """Whether ``text`` holds characters no one types: NUL and other control characters (tab and line
    breaks excepted), unpaired surrogates, non-characters."""
    return _BAD_CHARACTERS.search(text) is not None


def bad_characters_message(field: FieldSpec | None) -> str:
    return _(
        "„%(label)s“ enthält Zeichen, die wir nicht speichern können (z. B. Steuerzeichen). "
        "Bitte geben Sie den Text erneut ein."
    ) % {"label": field_name(field)}


@dataclass(frozen=True)
class WidgetHints:
    """How the HTML form asks for a value (see ``submissions/_field.html``)."""

    widget: str  # text date time datetime number textarea select radio checkbox checkboxes file label lines
    inputmode: str = ""
    format_hint: str = ""
    autocomplete: str = ""


class FieldType:
    """The behaviour of one datatype; subclasses override what differs from plain text."""

    datatype: ClassVar[str] = "text"
    carries_value: ClassVar[bool] = True

    # ---- reading ----------------------------------------------------------------------------

    def parse(self, text: str, field: FieldSpec) -> Any:
        """The value of ``text`` (stripped, not empty) as typed into the HTML form."""
        if text_problem(text):
            raise FieldValueError(bad_characters_message(field))
        return text

    def invalid_message(self, field: FieldSpec) -> str:
        """What to say about a value of the wrong kind (also used for schema type errors)."""
        return _("Bitte geben Sie bei „%(label)s“ einen Text ein.") % {"label": field_name(field)}

    def check(self, value: Any, field: FieldSpec) -> str | None:
        """Problems of a well-typed value that JSON Schema cannot express; ``None`` when fine."""
        if isinstance(value, str) and text_problem(value):
            return bad_characters_message(field)
        return None

    # ---- showing ----------------------------------------------------------------------------

    def display(self, value: Any, field: FieldSpec) -> str:
        """The value as a person reads it, in German."""
        if isinstance(value, bool):
            return _("Ja") if value else _("Nein")
        return str(value)

    def edit_text(self, value: Any, field: FieldSpec) -> str:
        """The value as it is typed again into the input (``parse`` reads it back)."""
        return self.display(value, field)

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        if repeating:
            return WidgetHints("lines")
        if field.input == "textarea":
            return WidgetHints("textarea")
        return WidgetHints("text")

    # ---- JSON Schema ------------------------------------------------------------------------

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        min_length = field.min_length or 0
        if required:
            min_length = max(min_length, 1)
        if min_length:
            schema["minLength"] = min_length
        default_max = TEXT_MAX_TEXTAREA if field.input == "textarea" else TEXT_MAX_INPUT
        schema["maxLength"] = field.max_length if field.max_length else default_max
        if field.pattern and pattern_ok(field.pattern):
            schema["pattern"] = anchored(field.pattern)
        return schema


field_types: Registry[FieldType] = Registry("Feldtyp")


def anchored(pattern: str) -> str:
    """The definition's pattern matches the whole value; JSON Schema's ``pattern`` searches."""
    return f"^(?:{pattern})$"


def pattern_ok(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


def _register(identifier: str) -> Any:
    def decorator(cls: type[FieldType]) -> type[FieldType]:
        field_types.register(identifier)(cls())
        return cls

    return decorator


def field_type(field: FieldSpec) -> FieldType:
    """The type of ``field`` (plain text for a datatype no plugin knows)."""
    if field.datatype in field_types:
        return field_types[field.datatype]
    return field_types["text"]


# ---- text -----------------------------------------------------------------------------------------


@_register("text")
class TextType(FieldType):
    datatype = "text"


@_register("iban")
class IbanType(FieldType):
    """An IBAN, checked with ``schwifty`` (country, length, bank code format, check digits).

    Stored without spaces in capitals (``DE02120300000000202051``), shown in groups of four.
    """

    datatype = "iban"

    def _iban(self, value: str) -> Any:
        from schwifty import IBAN
        from schwifty.exceptions import SchwiftyException

        try:
            return IBAN(value)
        except (SchwiftyException, ValueError):
            return None

    def parse(self, text: str, field: FieldSpec) -> Any:
        super().parse(text, field)
        compact = re.sub(r"[\s\-]", "", text).upper()
        # Only dashes or spaces ("-") is not "no answer": it was typed, and it is no IBAN.
        if not compact or len(compact) > 34 or not compact.isascii():
            raise FieldValueError(self.invalid_message(field))
        return compact

    def invalid_message(self, field: FieldSpec) -> str:
        return _(
            "Bitte prüfen Sie „%(label)s“: Das ist keine gültige IBAN (z. B. DE02 1203 0000 0000 2020 51)."
        ) % {"label": field_name(field)}

    def check(self, value: Any, field: FieldSpec) -> str | None:
        if not isinstance(value, str):
            return None
        if problem := super().check(value, field):
            return problem
        compact = re.sub(r"\s", "", value).upper()
        if len(compact) > 34 or not compact.isascii() or self._iban(compact) is None:
            return self.invalid_message(field)
        return None

    def display(self, value: Any, field: FieldSpec) -> str:
        if isinstance(value, str):
            compact = re.sub(r"\s", "", value).upper()
            if len(compact) <= 34:
                return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
        return str(value)

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        return WidgetHints("lines" if repeating else "text", autocomplete="off")

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        # Letters, digits and spaces; the check digits are checked by our validator.
        return {
            "type": "string",
            "minLength": 15,
            "maxLength": 42,
            "pattern": r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]+$",
        }


# ---- dates and times ------------------------------------------------------------------------------


def parse_date(text: str) -> str | None:
    """``24.12.2026`` or ``2026-12-24`` → ``2026-12-24``; ``None`` when it is no date of the calendar."""
    if match := _DE_DATE.fullmatch(text):
        day, month, year = (int(x) for x in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(x) for x in match.groups())
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_time(text: str) -> str | None:
    if match := _TIME.fullmatch(text):
        hours, minutes, seconds = match.groups()
        return f"{int(hours):02d}:{minutes}" + (f":{seconds}" if seconds else "")
    return None


def parse_datetime(text: str) -> str | None:
    normal = text.strip().replace("T", " ", 1).replace(",", " ")
    parts = normal.split(None, 1)
    if len(parts) != 2:
        return None
    day, clock = parse_date(parts[0]), parse_time(parts[1].strip())
    return f"{day}T{clock}" if day and clock else None


def german_date(value: str) -> str:
    """``2026-12-24`` → ``24.12.2026`` (other text unchanged)."""
    try:
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    except (ValueError, TypeError):
        return str(value)


def date_bound(text: str | None) -> str | None:
    """A ``min_value``/``max_value`` of a date field: ISO date or ``today`` (``None`` when unusable)."""
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip()
    if raw.lower() in RELATIVE_BOUNDS:
        return RELATIVE_BOUNDS[raw.lower()]
    return parse_date(raw[:10])


def _resolve(bound: str | None) -> str | None:
    return timezone.localdate().isoformat() if bound == TODAY else bound


@_register("date")
class DateType(FieldType):
    datatype = "date"

    def parse(self, text: str, field: FieldSpec) -> Any:
        value = parse_date(text)
        if value is None:
            if _DE_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text):
                raise FieldValueError(
                    _("Das Datum bei „%(label)s“ gibt es nicht. Bitte prüfen Sie Tag und Monat.")
                    % {"label": field_name(field)}
                )
            raise FieldValueError(self.invalid_message(field))
        return value

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte geben Sie „%(label)s“ als Datum im Format TT.MM.JJJJ ein, z. B. 24.12.2025.") % {
            "label": field_name(field)
        }

    def check(self, value: Any, field: FieldSpec) -> str | None:
        if not isinstance(value, str) or parse_date(value) is None:
            return None
        label = field_name(field)
        earliest = _resolve(date_bound(field.min_value))
        latest = _resolve(date_bound(field.max_value))
        if earliest is not None and value < earliest:
            if date_bound(field.min_value) == TODAY:
                return _("„%(label)s“ darf nicht in der Vergangenheit liegen.") % {"label": label}
            return _("„%(label)s“ darf nicht vor dem %(date)s liegen.") % {
                "label": label,
                "date": german_date(earliest),
            }
        if latest is not None and value > latest:
            if date_bound(field.max_value) == TODAY:
                return _("„%(label)s“ darf nicht in der Zukunft liegen.") % {"label": label}
            return _("„%(label)s“ darf nicht nach dem %(date)s liegen.") % {
                "label": label,
                "date": german_date(latest),
            }
        return None

    def display(self, value: Any, field: FieldSpec) -> str:
        return german_date(value) if isinstance(value, str) else str(value)

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        if repeating:
            return WidgetHints("lines")
        return WidgetHints(
            "date", inputmode="numeric", format_hint=_("Format: TT.MM.JJJJ, zum Beispiel 24.12.2025")
        )

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        for keyword, custom, text in (
            ("formatMinimum", "x-amtsweg-minDate", field.min_value),
            ("formatMaximum", "x-amtsweg-maxDate", field.max_value),
        ):
            bound = date_bound(text)
            if bound == TODAY:
                schema[custom] = TODAY  # relative to the day of submission; our validator checks it
            elif bound is not None:
                schema[keyword] = bound
        return schema


@_register("time")
class TimeType(FieldType):
    datatype = "time"

    def parse(self, text: str, field: FieldSpec) -> Any:
        value = parse_time(text)
        if value is None:
            raise FieldValueError(self.invalid_message(field))
        return value

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte geben Sie „%(label)s“ als Uhrzeit im Format HH:MM ein, z. B. 14:30.") % {
            "label": field_name(field)
        }

    def check(self, value: Any, field: FieldSpec) -> str | None:
        return None

    def display(self, value: Any, field: FieldSpec) -> str:
        return f"{value} Uhr" if isinstance(value, str) and parse_time(value) else str(value)

    def edit_text(self, value: Any, field: FieldSpec) -> str:
        return str(value)

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        if repeating:
            return WidgetHints("lines")
        return WidgetHints("time", inputmode="numeric", format_hint=_("Format: HH:MM, zum Beispiel 14:30"))

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "pattern": TIME_PATTERN}
        if field.min_value:
            schema["formatMinimum"] = str(field.min_value)
        if field.max_value:
            schema["formatMaximum"] = str(field.max_value)
        return schema


@_register("datetime")
class DateTimeType(FieldType):
    datatype = "datetime"

    def parse(self, text: str, field: FieldSpec) -> Any:
        value = parse_datetime(text)
        if value is None:
            raise FieldValueError(self.invalid_message(field))
        return value

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte geben Sie „%(label)s“ als Datum und Uhrzeit ein, z. B. 24.12.2025 14:30.") % {
            "label": field_name(field)
        }

    def check(self, value: Any, field: FieldSpec) -> str | None:
        return None

    def _parts(self, value: Any) -> tuple[str, str] | None:
        if not isinstance(value, str):
            return None
        day, _sep, clock = value.partition("T")
        if parse_date(day) is None or parse_time(clock) is None:
            return None
        return german_date(day), clock[:5]

    def display(self, value: Any, field: FieldSpec) -> str:
        parts = self._parts(value)
        return f"{parts[0]}, {parts[1]} Uhr" if parts else str(value)

    def edit_text(self, value: Any, field: FieldSpec) -> str:
        parts = self._parts(value)
        return f"{parts[0]} {parts[1]}" if parts else str(value)

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        if repeating:
            return WidgetHints("lines")
        return WidgetHints(
            "datetime", format_hint=_("Format: TT.MM.JJJJ HH:MM, zum Beispiel 24.12.2025 14:30")
        )

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "pattern": DATETIME_PATTERN}
        if field.min_value:
            schema["formatMinimum"] = str(field.min_value)
        if field.max_value:
            schema["formatMaximum"] = str(field.max_value)
        return schema


# ---- yes/no ---------------------------------------------------------------------------------------


@_register("bool")
class BoolType(FieldType):
    datatype = "bool"

    def parse(self, text: str, field: FieldSpec) -> Any:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise FieldValueError(self.invalid_message(field))

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte wählen Sie bei „%(label)s“ „Ja“ oder „Nein“.") % {"label": field_name(field)}

    def check(self, value: Any, field: FieldSpec) -> str | None:
        return None

    def display(self, value: Any, field: FieldSpec) -> str:
        if value is True:
            return _("Ja")
        if value is False:
            return _("Nein")
        return str(value)

    def edit_text(self, value: Any, field: FieldSpec) -> str:
        return "true" if value is True else "false" if value is False else str(value)

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        return WidgetHints("radio" if field.input in ("radio", "select") else "checkbox")

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        return {"type": "boolean"}


# ---- numbers --------------------------------------------------------------------------------------


def parse_number(text: str) -> Decimal | None:
    """German (``1.234,56``, ``1234,5``) or plain (``1234.56``) notation → ``Decimal``; ``None`` otherwise.

    No exponents, no digits outside ASCII, at most :data:`MAX_NUMBER_CHARS` characters: a number a person
    types, nothing that costs time to convert.
    """
    compact = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    compact = compact.removesuffix("€").removesuffix("EUR").removesuffix("Euro")
    if not compact or len(compact) > MAX_NUMBER_CHARS:
        return None
    if _DE_NUMBER.fullmatch(compact) and ("," in compact or _THOUSANDS.fullmatch(compact)):
        normal = compact.replace(".", "").replace(",", ".")
    elif _PLAIN_NUMBER.fullmatch(compact):
        normal = compact
    else:
        return None
    try:
        return Decimal(normal)
    except InvalidOperation:  # pragma: no cover - the patterns admit only plain decimals
        return None


def german_number(value: Any, places: int | None = None, *, group: bool = False) -> str:
    """``12345.5`` → ``12.345,5``; ``places`` fixes the decimal places (``1.234,50``).

    German notation whatever the page language. Thousands are grouped from five digits on (``1990`` stays
    a year, DIN 5008 allows both for four digits); ``group=True`` groups always (amounts: ``1.234,50``).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, int) and abs(value) >= MAX_ABS_NUMBER * 1000:
        return str(value)
    number = Decimal(str(value))
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) and number != number.to_integral() else 0
    grouping = "," if group or abs(number) >= 10000 else ""
    text = f"{abs(number):{grouping}.{places}f}"
    sign = "-" if number < 0 and text.strip("0.,") else ""
    return sign + text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def number_bound(datatype: str, text: str | None) -> int | float | None:
    """A ``min_value``/``max_value`` as a number (``None`` when absent or not a number)."""
    if text is None or str(text).strip() == "":
        return None
    raw = str(text).strip()
    parsed = parse_number(raw) if "," in raw else None
    try:
        value = float(parsed) if parsed is not None else float(raw[:MAX_NUMBER_CHARS])
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    if datatype == "integer" or value.is_integer():
        return int(value)
    return value


class _NumberType(FieldType):
    def _value(self, number: Decimal) -> Any:
        return int(number) if number == number.to_integral_value() else float(number)

    def parse(self, text: str, field: FieldSpec) -> Any:
        number = parse_number(text)
        if number is None:
            if len(text) > MAX_NUMBER_CHARS and re.fullmatch(r"[0-9.,\s+-]+", text[:200]):
                raise FieldValueError(
                    _("Die Zahl bei „%(label)s“ ist zu lang.") % {"label": field_name(field)}
                )
            raise FieldValueError(self.invalid_message(field))
        if abs(number) >= MAX_ABS_NUMBER:
            raise FieldValueError(self._too_large(field))
        return self._value(number)

    def _too_large(self, field: FieldSpec) -> str:
        return _("Die Zahl bei „%(label)s“ ist zu groß.") % {"label": field_name(field)}

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte geben Sie bei „%(label)s“ eine Zahl ein, z. B. 12 oder 3,5.") % {
            "label": field_name(field)
        }

    def check(self, value: Any, field: FieldSpec) -> str | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= MAX_ABS_NUMBER:
            return self._too_large(field)
        return None

    def display(self, value: Any, field: FieldSpec) -> str:
        return german_number(value)

    def edit_text(self, value: Any, field: FieldSpec) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return german_number(value).replace(".", "")
        return str(value)

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        if repeating:
            return WidgetHints("lines")
        return WidgetHints("number", inputmode="decimal")

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "number"}
        minimum = number_bound(self.datatype, field.min_value)
        maximum = number_bound(self.datatype, field.max_value)
        if minimum is not None:
            schema["minimum"] = minimum
        if maximum is not None:
            schema["maximum"] = maximum
        return schema


@_register("number")
class NumberType(_NumberType):
    datatype = "number"


@_register("integer")
class IntegerType(_NumberType):
    datatype = "integer"

    def parse(self, text: str, field: FieldSpec) -> Any:
        value = super().parse(text, field)
        if not isinstance(value, int):
            raise FieldValueError(self.invalid_message(field))
        return value

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte geben Sie bei „%(label)s“ eine ganze Zahl ohne Komma ein.") % {
            "label": field_name(field)
        }

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        if repeating:
            return WidgetHints("lines")
        return WidgetHints("number", inputmode="numeric")

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        return super().json_schema(field, required=required) | {"type": "integer"}


@_register("currency")
class CurrencyType(_NumberType):
    """An amount in euros with at most two decimal places."""

    datatype = "currency"

    def parse(self, text: str, field: FieldSpec) -> Any:
        value = super().parse(text, field)
        if Decimal(str(value)).as_tuple().exponent < -2:  # type: ignore[operator]
            raise FieldValueError(self._cents(field))
        return value

    def _cents(self, field: FieldSpec) -> str:
        return _("Bitte geben Sie „%(label)s“ mit höchstens zwei Nachkommastellen ein.") % {
            "label": field_name(field)
        }

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte geben Sie „%(label)s“ als Betrag in Euro ein, z. B. 1.234,56.") % {
            "label": field_name(field)
        }

    def display(self, value: Any, field: FieldSpec) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{german_number(value, 2, group=True)} €"
        return str(value)

    def edit_text(self, value: Any, field: FieldSpec) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return german_number(value, 2).replace(".", "")
        return str(value)

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        return super().json_schema(field, required=required) | {"multipleOf": CURRENCY_STEP}


# ---- files and static text ------------------------------------------------------------------------


@_register("file")
class FileType(FieldType):
    """The id of an uploaded attachment; uploads are read by :mod:`amtsweg.submissions.uploads`."""

    datatype = "file"

    def invalid_message(self, field: FieldSpec) -> str:
        return _("Bitte laden Sie bei „%(label)s“ eine Datei hoch.") % {"label": field_name(field)}

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        return WidgetHints("file")

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": FILE_ID_MAX}


@_register("label")
class LabelType(FieldType):
    """Static text of the form; it carries no value."""

    datatype = "label"
    carries_value = False

    def widget(self, field: FieldSpec, *, repeating: bool) -> WidgetHints:
        return WidgetHints("label")

    def json_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        return {}


# ---- what callers use -----------------------------------------------------------------------------


def parse_input(field: FieldSpec, text: str) -> Any:
    """The typed value of one typed string (``None`` for blank); raises :class:`FieldValueError`."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return None
    kind = field_type(field)
    if kind.datatype != "text" and text_problem(text):
        raise FieldValueError(bad_characters_message(field))
    return kind.parse(text, field)


def check_value(field: FieldSpec, value: Any) -> str | None:
    """The type's own check of a stored or sent value (``None`` when fine)."""
    return field_type(field).check(value, field)


def display_value(
    field: FieldSpec,
    value: Any,
    *,
    code_labels: dict[str, str] | None = None,
    file_names: dict[str, str] | None = None,
) -> str:
    """One answer as a person reads it; a list is joined with commas, a code shows its label, an
    attachment id its file name (when ``file_names`` is given)."""
    if isinstance(value, list):
        parts = (display_value(field, item, code_labels=code_labels, file_names=file_names) for item in value)
        return ", ".join(part for part in parts if part)
    if value is None or value == "":
        return ""
    if code_labels and not isinstance(value, bool) and str(value) in code_labels:
        return code_labels[str(value)]
    if field.datatype == "file" and file_names is not None:
        return file_names.get(str(value), _("(Datei nicht mehr vorhanden)"))
    return field_type(field).display(value, field)


def display_tree(spec: FormSpec, data: Any, *, file_names: dict[str, str] | None = None) -> dict[str, Any]:
    """``data`` shaped as it is, every answer replaced by its display text (for letter placeholders
    such as ``angaben.hund.0.haltung_seit`` → ``01.03.2024``); keys the form does not know are left out."""

    def group(spec_group: GroupSpec, instance: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not isinstance(instance, dict):
            return out
        for child in spec_group.children:
            if child.key not in instance:
                continue
            value = instance[child.key]
            element = child.element
            if isinstance(element, GroupSpec):
                if isinstance(value, list):
                    out[child.key] = [group(element, item) for item in value]
                else:
                    out[child.key] = group(element, value)
                continue
            code_list = spec.code_lists.get(element.code_list) if element.code_list else None
            labels = {e.code: e.label for e in code_list.entries} if code_list else None
            out[child.key] = display_value(element, value, code_labels=labels, file_names=file_names)
        return out

    return group(spec.root, data)
