"""The English translation of the user interface: complete, up to date with the source, and served under /en/.

German is the source language of every gettext string; English pages live under /en/. A string added to
the code without a translation shows up in German on an English page – these tests catch that first.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

import amtsweg
from amtsweg.catalog.tests.factories import (
    KreisFactory,
    MunicipalityFactory,
    OrgUnitFactory,
    ResponsibilityFactory,
    ServiceFactory,
)

PACKAGE_DIR = Path(amtsweg.__file__).resolve().parent
PO_FILE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# The same arguments as `make messages` (Makefile); the demo data files hold data, not UI text.
MAKEMESSAGES_IGNORE = [
    "*/tests/*",
    "demo/catalogue.py",
    "demo/organisation.py",
    "demo/responsibilities.py",
    "demo/reference.py",
]


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """A request to /en/ leaves English active in this thread; later tests must not inherit it."""
    with translation.override(translation.get_language()):
        yield


@dataclass
class PoEntry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def read_po(path: Path) -> list[PoEntry]:
    """Entries of a .po file as gettext writes them (header first); enough for makemessages output."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry = None
            continue
        if entry is None:
            entry = PoEntry(line=number)
            entries.append(entry)
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if key.startswith("msgstr["):
                entry.msgstr[int(key[7:-1])] += text
            elif key == "msgstr":
                entry.msgstr[0] += text
            else:
                setattr(entry, key, (getattr(entry, key) or "") + text)
        else:
            key, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if key.startswith("msgstr"):
                entry.msgstr[int(key[7:-1]) if "[" in key else 0] = text
            else:
                setattr(entry, key, text)
    return entries


def messages(path: Path) -> list[PoEntry]:
    """The translatable entries: without the header and without obsolete (#~) entries."""
    return [entry for entry in read_po(path) if entry.msgid and not entry.obsolete]


def describe(entry: PoEntry) -> str:
    return f"{PO_FILE.name}:{entry.line}: {entry.msgid!r}"


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    entries = messages(PO_FILE)
    assert len(entries) > 400, "the English catalogue looks truncated"
    untranslated = [
        describe(entry)
        for entry in entries
        if not entry.msgstr
        or not all(text.strip() for text in entry.msgstr.values())
        or (entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1])
    ]
    fuzzy = [describe(entry) for entry in entries if "fuzzy" in entry.flags]
    header = read_po(PO_FILE)[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags, "the .po header must not be fuzzy"
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert not untranslated, "Strings without English translation:\n" + "\n".join(untranslated)
    assert not fuzzy, "Fuzzy translations (check them, then remove the flag):\n" + "\n".join(fuzzy)


def test_compiled_catalogue_matches_the_po_file() -> None:
    """Django serves django.mo; a stale .mo would show old or missing English (run `make messages`)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog: dict[object, str] = compiled._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in messages(PO_FILE):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalog.get(msgid) != entry.msgstr[0]:
                stale.append(describe(entry))
        elif any(catalog.get((msgid, index)) != text for index, text in entry.msgstr.items()):
            stale.append(describe(entry))
    assert not stale, "django.mo differs from django.po (run `make messages`):\n" + "\n".join(stale)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (GNU gettext) is not installed")
def test_catalogue_is_up_to_date_with_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    """makemessages on a copy of the source finds exactly the strings the committed catalogue has."""
    source = tmp_path / "amtsweg"
    shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command(
        "makemessages", locale=["en"], no_obsolete=True, ignore_patterns=MAKEMESSAGES_IGNORE, verbosity=0
    )

    def keys(path: Path) -> set[tuple[str | None, str, str | None]]:
        return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in messages(path)}

    extracted = keys(source / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = keys(PO_FILE)
    assert len(extracted) > 400, "makemessages found suspiciously few strings"
    missing = sorted(repr(key[1]) for key in extracted - committed)
    extra = sorted(repr(key[1]) for key in committed - extracted)
    advice = "The English catalogue is out of date – run `make messages` and translate the new strings."
    assert not missing, f"{advice}\nMissing from django.po ({len(missing)}):\n  " + "\n  ".join(missing)
    assert not extra, f"{advice}\nNo longer in the source ({len(extra)}):\n  " + "\n  ".join(extra)


@pytest.fixture
def baugenehmigung() -> str:
    """A Kreis, one town and one service the Kreis is responsible for; returns the service's slug."""
    kreis = KreisFactory()
    MunicipalityFactory(
        name="Gemeinde Senden", short_name="Senden", slug="senden", ags="05558044", parent=kreis
    )
    service = ServiceFactory(
        owner=kreis,
        name="Baugenehmigung",
        slug="baugenehmigung",
        leika_key="99012070006001",
        short_text="Wer ein Haus baut, braucht meist eine Baugenehmigung.",
        fees="Die Gebühr richtet sich nach den Baukosten.",
        online_url="https://bauportal.example/antrag",
    )
    unit = OrgUnitFactory(authority=kreis, name="Bauaufsicht", function="bauaufsicht")
    ResponsibilityFactory(service=service, authority=kreis, org_unit=unit)
    return service.slug


@pytest.mark.django_db
def test_start_page_is_german_without_prefix_and_english_under_en(client: Client) -> None:
    german = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    assert '<html lang="de"' in german
    assert "Was möchten Sie erledigen?" in german
    assert '<html lang="en"' in english
    assert "What would you like to do?" in english
    assert "Was möchten Sie erledigen?" not in english
    assert "Skip to content" in english
    assert 'href="/en/leistungen/"' in english, "links on an English page stay in English"


@pytest.mark.django_db
def test_english_service_page_shows_english_labels(client: Client, baugenehmigung: str) -> None:
    response = client.get(f"/en/leistungen/{baugenehmigung}/", {"gemeinde": "senden"})
    page = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="en"' in page
    for label in ("At a glance", "LeiKa key", "Fees", "Apply online", "Who is responsible for me?"):
        assert label in page, label
    assert "Responsible for Senden" in page
    for german in ("Auf einen Blick", "LeiKa-Schlüssel", "Gebühren", "Online beantragen"):
        assert german not in page, german
    # The service's own texts are data and stay German.
    assert "Wer ein Haus baut, braucht meist eine Baugenehmigung." in page


@pytest.mark.django_db
def test_english_form_errors_are_english(client: Client, baugenehmigung: str) -> None:
    page = client.get(f"/en/leistungen/{baugenehmigung}/", {"plz": "123"}).content.decode()

    assert "A postcode has exactly 5 digits." in page
    assert "Please check your entries" in page


@pytest.mark.django_db
def test_language_link_leads_to_the_same_page_in_the_other_language(
    client: Client, baugenehmigung: str
) -> None:
    german = client.get(f"/leistungen/{baugenehmigung}/").content.decode()
    english = client.get(f"/en/leistungen/{baugenehmigung}/").content.decode()
    search = client.get("/en/suche/", {"q": "Bau"}).content.decode()

    assert f'href="/en/leistungen/{baugenehmigung}/" lang="en" hreflang="en">English</a>' in german
    assert f'href="/leistungen/{baugenehmigung}/" lang="de" hreflang="de">Deutsch</a>' in english
    assert 'href="/suche/?q=Bau" lang="de" hreflang="de">Deutsch</a>' in search


@pytest.mark.django_db
def test_language_link_on_an_unknown_page_leads_to_the_other_start_page(client: Client) -> None:
    german = client.get("/gibt-es-nicht/")
    english = client.get("/en/gibt-es-nicht/")

    assert german.status_code == english.status_code == 404
    assert 'href="/en/" lang="en" hreflang="en">English</a>' in german.content.decode()
    assert "This page does not exist" in english.content.decode()
    assert 'href="/" lang="de" hreflang="de">Deutsch</a>' in english.content.decode()


@pytest.mark.django_db
def test_german_catalogue_content_on_english_pages_is_marked_as_german(client: Client) -> None:
    """WCAG 3.1.2: the German service texts inside an English page carry lang="de"."""
    service = ServiceFactory(name="Hundesteuer anmelden", short_text="Hunde meldet man bei der Gemeinde an.")
    english = client.get(f"/en/leistungen/{service.slug}/").content.decode()
    assert re.search(r'<h1[^>]*lang="de"[^>]*>\s*Hundesteuer anmelden', english)
    assert re.search(r'<p[^>]*lang="de"[^>]*>\s*Hunde meldet man', english)
    german = client.get(f"/leistungen/{service.slug}/").content.decode()
    assert 'lang="de"' not in german.split("<body", 1)[1]
