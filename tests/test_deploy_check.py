"""Production settings pass Django's deployment checklist and refuse to start without a secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
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


def _settings_import(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Load only the settings module (what every start does first)."""
    return subprocess.run(
        [sys.executable, "-c", "import amtsweg.settings as s; print(s.ENVIRONMENT, s.SECRET_KEY[:15])"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("value", ["Production", "PRODUCTION", "prod", "production ", "staging", ""])
def test_unknown_environment_refuses_to_start(tmp_path: Path, value: str) -> None:
    """``AMTSWEG_ENVIRONMENT=Production`` used to run with the published development key."""
    env = _production_env(tmp_path, AMTSWEG_ENVIRONMENT=value, ALLOWED_HOSTS="amtsweg.example.de")
    result = _settings_import(env)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "AMTSWEG_ENVIRONMENT" in result.stderr
    assert "ist unbekannt" in result.stderr
    assert "django-insecure" not in result.stdout


def test_production_refuses_the_published_development_key(tmp_path: Path) -> None:
    env = _production_env(
        tmp_path,
        SECRET_KEY="django-insecure-amtsweg-development-only-not-for-production-use-0123456789",
        ALLOWED_HOSTS="amtsweg.example.de",
    )
    result = _settings_import(env)
    assert result.returncode != 0
    assert "SECRET_KEY muss in Produktion gesetzt sein." in result.stderr


@pytest.mark.parametrize("value", ["development", "test"])
def test_known_non_production_environments_start(tmp_path: Path, value: str) -> None:
    env = _production_env(tmp_path, AMTSWEG_ENVIRONMENT=value)
    result = _settings_import(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(value)
