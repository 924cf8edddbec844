"""Production settings pass Django's deployment checklist and refuse to start without a secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(__file__).resolve().parents[1] / "manage.py"


def _production_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The caller's environment without any Amtsweg setting, so a developer's shell cannot hide a problem.

    The model checks open the database, so the SQLite file goes to a folder that exists on a fresh clone.
    """
    env = {key: value for key, value in os.environ.items() if key not in settings.ENV_VARS}
    env["AMTSWEG_ENVIRONMENT"] = "production"
    env["AMTSWEG_DATA_DIR"] = str(data_dir)
    env.update(overrides)
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    env = _production_env(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(60)[:60], ALLOWED_HOSTS="amtsweg.example.de"
    )
    result = _check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_allowed_hosts_fails_the_check(tmp_path: Path) -> None:
    result = _check(_production_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(60)[:60]))
    assert result.returncode != 0
    assert "security.W020" in result.stderr


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = _check(_production_env(tmp_path, ALLOWED_HOSTS="amtsweg.example.de"))
    assert result.returncode != 0
    assert "SECRET_KEY muss in Produktion gesetzt sein." in result.stderr
