"""The evaluation commands: fresh in-memory index/model, last line one JSON object, live data untouched."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from amtsweg.assistant.models import EvalRun
from amtsweg.catalog.models import Service
from amtsweg.demo.loader import load_demo_setting

DEVSETS = Path(__file__).resolve().parent.parent / "devsets"
pytestmark = pytest.mark.django_db


def _last_json(*args: str) -> dict:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_search_eval_prints_the_figures_and_leaves_the_catalogue_alone(tmp_path: Path) -> None:
    catalogue = tmp_path / "stadt.jsonl"
    catalogue.write_text(
        "\n".join(
            json.dumps(line, ensure_ascii=False)
            for line in [
                {
                    "id": "a1",
                    "name": "Hundesteuer",
                    "description": "<div><p>Anmeldung eines <b>Hundes</b>.</p></div>",
                },
                {"id": "b2", "name": "Wohngeld", "description": "<p>Zuschuss zur <em>Miete</em>.</p>" * 200},
                {"id": "c3", "name": "Parkausweis", "description": "Bewohnerparken im Viertel."},
            ]
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "q.csv"
    queries.write_text(
        "query,gold_id\nHund anmelden,a1\nMietzuschuss,b2\nMiete,b2\nMiete,c3\n", encoding="utf-8"
    )
    figures = _last_json(
        "search-eval", "--catalogue", str(catalogue), "--queries", str(queries), "--model", "none"
    )
    assert figures["queries"] == 3  # "Miete" has two correct answers
    assert figures["recall@1"] == 1.0
    assert set(figures) == {"queries", "recall@1", "recall@5", "mrr@10", "p50_ms", "p95_ms"}
    assert not Service.objects.exists()
    assert not EvalRun.objects.exists()


@pytest.mark.embedding
def test_search_eval_on_the_dev_set_can_be_recorded_for_the_quality_page() -> None:
    # The reference data the catalogue file refers to (Lebenslagen), as an import would need it.
    load_demo_setting()
    figures = _last_json(
        "search-eval",
        "--catalogue",
        str(DEVSETS / "demo_catalogue.jsonl"),
        "--queries",
        str(DEVSETS / "search_holdout.csv"),
        "--record",
    )
    assert figures["recall@5"] >= 0.9
    run = EvalRun.objects.get()
    assert run.kind == "search"
    assert run.dataset == "demo_catalogue.jsonl + search_holdout.csv"
    assert run.metrics["recall@5"] == figures["recall@5"]


def test_search_eval_explains_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("frage;antwort\nx;y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="query"):
        call_command(
            "search-eval", "--catalogue", str(DEVSETS / "demo_catalogue.jsonl"), "--queries", str(bad)
        )
    with pytest.raises(CommandError, match="nicht gefunden"):
        call_command("search-eval", "--catalogue", str(tmp_path / "fehlt.jsonl"), "--queries", str(bad))


def test_router_eval_trains_on_one_file_and_tests_on_the_other(tmp_path: Path) -> None:
    figures = _last_json(
        "router-eval",
        "--train",
        str(DEVSETS / "routing_dev.csv"),
        "--test",
        str(DEVSETS / "routing_holdout.csv"),
        "--text-column",
        "text",
        "--label-column",
        "label",
        "--model",
        "none",
    )
    assert set(figures) >= {"accuracy", "macro_f1", "threshold", "coverage", "precision_at_threshold"}
    with pytest.raises(CommandError, match="Spalte „anliegen“ fehlt"):
        call_command(
            "router-eval",
            "--train",
            str(DEVSETS / "routing_dev.csv"),
            "--test",
            str(DEVSETS / "routing_holdout.csv"),
            "--text-column",
            "anliegen",
            "--label-column",
            "label",
            "--model",
            "none",
        )


def _router_eval(*extra: str) -> dict:
    return _last_json(
        "router-eval",
        "--train",
        str(DEVSETS / "reports_dev.csv"),
        "--test",
        str(DEVSETS / "reports_holdout.csv"),
        "--text-column",
        "text",
        "--label-column",
        "category",
        "--model",
        "none",
        *extra,
    )


def test_router_eval_chooses_the_threshold_for_the_configured_target_precision(settings: object) -> None:
    settings.AMTSWEG_ASSISTANT_ROUTER_TARGET_PRECISION = 0.6  # type: ignore[attr-defined]
    # The plain router (the six categories learned directly); the portal test below learns the subcategories.
    lenient = _router_eval("--fine-label-column", "none")
    strict = _router_eval("--fine-label-column", "none", "--target-precision", "0.95")
    assert lenient["target_precision"] == 0.6
    assert strict["target_precision"] == 0.95
    # A stricter target: a higher threshold, fewer requests routed automatically.
    assert strict["threshold"] > lenient["threshold"]
    assert strict["coverage"] < lenient["coverage"]
    assert {"coverage", "precision_at_threshold", "accuracy"} <= set(strict)
    with pytest.raises(CommandError, match="zwischen 0 und 1"):
        _router_eval("--target-precision", "1.5")


def test_the_portal_routes_exactly_as_router_eval_measured(settings: object) -> None:
    """live = eval: the router trained by ``router-train`` and asked through ``route_request`` (what the
    portal and the intake call) decides every held-out request as ``router-eval`` measured it."""
    from amtsweg.assistant.services import route_request

    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""  # type: ignore[attr-defined]
    measured = _router_eval()
    said = StringIO()
    call_command(
        "router-train",
        "--examples",
        str(DEVSETS / "reports_dev.csv"),
        "--label-column",
        "category",
        stdout=said,
    )
    # Both learn the 21 subcategories of the file and answer with its 6 categories.
    assert "Feinere Kategorien in Spalte „subcategory“: 21 innerhalb von 6 Kategorien" in said.getvalue()
    with (DEVSETS / "reports_holdout.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    routes = [route_request(text=row["text"]) for row in rows]
    correct = [route.label == row["category"] for route, row in zip(routes, rows, strict=True)]
    automatic = [route.automatic for route in routes]
    assert all(route.method == "router" for route in routes)
    assert round(sum(correct) / len(rows), 4) == measured["accuracy"]
    assert round(sum(automatic) / len(rows), 4) == measured["coverage"]
    auto_correct = [c for c, a in zip(correct, automatic, strict=True) if a]
    assert round(sum(auto_correct) / max(len(auto_correct), 1), 4) == measured["precision_at_threshold"]
    # `router-eval --live` measures the router that routes now: the same figures.
    live = _router_eval_live()
    for key in ("accuracy", "coverage", "precision_at_threshold", "threshold"):
        assert live[key] == measured[key], key


def _router_eval_live(*extra: str) -> dict[str, object]:
    out = StringIO()
    call_command(
        "router-eval",
        "--live",
        "--test",
        str(DEVSETS / "reports_holdout.csv"),
        "--text-column",
        "text",
        "--label-column",
        "category",
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_router_eval_live_measures_the_fallback_without_a_model_and_records_it(settings: object) -> None:
    """Without a trained router the portal routes by the nearest service; ``--live`` measures exactly that
    (and records it under that name) instead of a model nobody uses."""
    from amtsweg.assistant.models import EvalRun, RoutingDecision
    from amtsweg.assistant.services import route_request

    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""  # type: ignore[attr-defined]
    with (DEVSETS / "reports_holdout.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    measured = _router_eval_live("--record")
    assert not RoutingDecision.objects.exists()  # measuring is not routing: no decisions recorded
    routes = [route_request(text=row["text"], record=False) for row in rows]
    assert all(route.method == "naechste-leistung" for route in routes)
    correct = sum(route.label == row["category"] for route, row in zip(routes, rows, strict=True))
    assert measured["accuracy"] == round(correct / len(rows), 4)
    assert measured["examples"] == len(rows)
    assert EvalRun.objects.get(kind="router").model_name == "naechste-leistung (live)"
    # The quality page names it by what it does, not by its key.
    from amtsweg.assistant.selectors import latest_eval_runs

    (run,) = latest_eval_runs()
    assert run.label == "Zuordnung über die ähnlichste Leistung (im Einsatz)"  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="ohne --train"):
        _router_eval_live("--train", str(DEVSETS / "reports_dev.csv"))


def test_router_eval_learns_subcategories_and_answers_with_categories(tmp_path: Path) -> None:
    rows = [
        ("Laterne defekt", "strasse", "beleuchtung"),
        ("Lampe aus seit Tagen", "strasse", "beleuchtung"),
        ("Straßenlaterne flackert", "strasse", "beleuchtung"),
        ("Schlagloch vor Nummer 12", "strasse", "schlagloch"),
        ("tiefes Loch in der Fahrbahn", "strasse", "schlagloch"),
        ("Asphalt kaputt und Löcher", "strasse", "schlagloch"),
        ("Mülleimer voll", "sauberkeit", "papierkorb"),
        ("Papierkorb quillt über", "sauberkeit", "papierkorb"),
        ("Abfalleimer nicht geleert", "sauberkeit", "papierkorb"),
        ("Graffiti am Rathaus", "sauberkeit", "graffiti"),
        ("Wand beschmiert", "sauberkeit", "graffiti"),
        ("Brücke besprüht", "sauberkeit", "graffiti"),
    ]
    train = tmp_path / "train.csv"
    train.write_text(
        "text,category,subcategory\n" + "".join(f"{t},{c},{s}\n" for t, c, s in rows), encoding="utf-8"
    )
    figures = _last_json(
        "router-eval",
        "--train",
        str(train),
        "--test",
        str(train),
        "--text-column",
        "text",
        "--label-column",
        "category",
        "--fine-label-column",
        "subcategory",
        "--model",
        "none",
    )
    assert figures["classes"] == 2  # the categories, not the four subcategories
    assert figures["accuracy"] > 0.5
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "text,category,subcategory\n" + "".join(f"{t},{c},x\n" for t, c, _s in rows), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="gehört zu mehreren Kategorien"):
        call_command(
            "router-eval",
            "--train",
            str(broken),
            "--test",
            str(train),
            "--text-column",
            "text",
            "--label-column",
            "category",
            "--fine-label-column",
            "subcategory",
            "--model",
            "none",
            stdout=StringIO(),
        )


def test_router_eval_finds_the_subcategory_column_by_itself(tmp_path: Path) -> None:
    """A report export carries the subcategory next to the category: router-eval learns it without being
    told (and says so), and never takes a column that is no subcategory (an id, a district)."""
    kinds = {
        ("strasse", "beleuchtung"): "Laterne defekt|Lampe aus|Laterne flackert|Licht kaputt|Leuchte dunkel",
        ("strasse", "schlagloch"): "Schlagloch vorm Haus|Loch in der Fahrbahn|Asphalt kaputt|Krater|Riss",
        ("sauberkeit", "papierkorb"): "Mülleimer voll|Papierkorb voll|Eimer nicht geleert|Abfall|Korb voll",
        ("sauberkeit", "graffiti"): "Graffiti am Rathaus|Wand beschmiert|Brücke besprüht|Schmiererei|Tags",
    }
    lines = ["id,text,category,subcategory,stadtteil"]
    for (category, subcategory), texts in kinds.items():
        for text in texts.split("|"):
            lines.append(
                f"{len(lines)},{text},{category},{subcategory},{'nord' if len(lines) % 2 else 'sued'}"
            )
    train = tmp_path / "reports.csv"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def run(label_column: str, *extra: str) -> tuple[str, dict]:
        out = StringIO()
        call_command(
            "router-eval", "--train", str(train), "--test", str(train), "--text-column", "text",
            "--label-column", label_column, "--model", "none", *extra, stdout=out,
        )  # fmt: skip
        return out.getvalue(), json.loads(out.getvalue().strip().splitlines()[-1])

    said, found = run("category")
    assert "Feinere Kategorien in Spalte „subcategory“: 4 innerhalb von 2 Kategorien" in said
    assert found["classes"] == 2
    assert found == run("category", "--fine-label-column", "subcategory")[1]
    said, _figures = run("category", "--fine-label-column", "none")
    assert "Feinere Kategorien" not in said
    said, figures = run("subcategory")  # nothing refines the subcategories (id: one row each; district)
    assert "Feinere Kategorien" not in said
    assert figures["classes"] == 4
