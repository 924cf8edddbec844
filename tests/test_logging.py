"""LOG_FORMAT=json gives one JSON object per log line, as log collectors expect."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = (
    "import django, logging; django.setup(); "
    "logging.getLogger('amtsweg.test').warning('Zuständigkeit geprüft: %s', 'Dülmen')"
)


def _run(log_format: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "amtsweg.settings", "LOG_FORMAT": log_format}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stderr.strip()


def test_json_log_lines_carry_event_level_logger_and_umlauts() -> None:
    line = json.loads(_run("json"))
    assert line["event"] == "Zuständigkeit geprüft: Dülmen"
    assert line["level"] == "warning"
    assert line["logger"] == "amtsweg.test"
    assert line["timestamp"].endswith("Z")


def test_console_format_is_plain_text() -> None:
    output = _run("console")
    assert "WARNING amtsweg.test Zuständigkeit geprüft: Dülmen" in output
    assert not output.startswith("{")
