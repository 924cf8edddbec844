"""Live = evaluated: what ``amtsweg search-eval`` measures on a catalogue file is what citizens get over HTTP
after an operator imported that file and the worker ran.

The installation starts without a catalogue (only the Kreis, its towns and the reference data), the
operator runs ``amtsweg import-catalogue`` with the repository's demo catalogue, the task worker works the
queue (search index, vectors), and then every query of the repository's held-out set is asked over real
HTTP on ``/suche/`` and on "Frag den Kreis" and compared, id by id and in order, with the ranking
``search-eval`` writes for the same two files.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from amtsweg.assistant import index
from amtsweg.assistant.evaluation import read_gold_queries
from amtsweg.assistant.index import embedding_status
from amtsweg.catalog.models import Service
from amtsweg.demo.loader import load_demo_setting

pytestmark = pytest.mark.embedding

DEVSETS = Path(__file__).resolve().parent.parent / "devsets"
CATALOGUE = DEVSETS / "demo_catalogue.jsonl"
QUERIES = DEVSETS / "search_holdout.csv"
_TITLE_LINK = re.compile(r'amtsweg-teaser__title[^>]*><a class="kern-link" href="([^"?]+)')


def _evaluated(tmp_path: Path, *options: str) -> tuple[dict[str, list[str]], dict[str, Any]]:
    out_file = tmp_path / f"rankings{'-'.join(options)}.jsonl"
    out = StringIO()
    call_command(
        "search-eval",
        "--catalogue",
        str(CATALOGUE),
        "--queries",
        str(QUERIES),
        "--rankings",
        str(out_file),
        *options,
        stdout=out,
        stderr=StringIO(),
    )
    rankings = {}
    for line in out_file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rankings[row["query"]] = row["ids"]
    return rankings, json.loads(out.getvalue().strip().splitlines()[-1])


def _live(base_url: str, path: str, field: str, query: str, ids_by_path: dict[str, str]) -> list[str]:
    url = f"{base_url}{path}?{urllib.parse.urlencode({field: query})}"
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        html = response.read().decode()
    return [ids_by_path[href] for href in _TITLE_LINK.findall(html)]


def test_the_portal_ranks_exactly_as_search_eval_measured(
    live_server: Any, run_tasks: Callable[[], None], tmp_path: Path
) -> None:
    load_demo_setting()
    assert not Service.objects.exists()
    call_command("import-catalogue", str(CATALOGUE), stdout=StringIO())
    assert not embedding_status().complete
    run_tasks()
    status = embedding_status()
    assert status.total == Service.objects.filter(is_published=True).count() > 60
    assert status.complete

    # The portal builds its engine from the database (what the worker stored), not from this process's engine.
    # (Vectors computed in this process are reused by text hash; the same text gives the same vector.)
    index._cached = None
    searched, figures = _evaluated(tmp_path)
    asked, _ = _evaluated(tmp_path, "--frage")
    gold = read_gold_queries(QUERIES)
    assert list(searched) == list(gold)
    assert figures["recall@5"] >= 0.9

    ids_by_path = {
        reverse("catalog:service_detail", args=[slug]): external_id
        for slug, external_id in Service.objects.values_list("slug", "external_id")
    }
    search_url, ask_url = reverse("catalog:search"), reverse("assistant:ask")
    for query in gold:
        assert _live(live_server.url, search_url, "q", query, ids_by_path) == searched[query], query
        assert _live(live_server.url, ask_url, "frage", query, ids_by_path) == asked[query], query


def test_the_measured_catalogue_is_the_demo_catalogue(demo_db: dict[str, int], tmp_path: Path) -> None:
    """The figures on the quality page are those of the catalogue the demo serves: the repository's file
    is exactly what `amtsweg export-catalogue` writes after `amtsweg load-demo`."""
    exported = tmp_path / "demo.jsonl"
    call_command("export-catalogue", "--output", str(exported), stdout=StringIO())
    assert exported.read_text(encoding="utf-8") == CATALOGUE.read_text(encoding="utf-8")
