"""Prepare the database (user and client from IDP_CONFIG) and serve the provider on CONFIG["port"]."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oidc_provider.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def prepare() -> None:
    call_command("migrate", verbosity=0)
    for username, data in settings.CONFIG["users"].items():
        get_user_model().objects.create_user(
            username=username,
            password=data["password"],
            email=data.get("email", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
    client = settings.CONFIG["client"]
    Application.objects.create(
        name="Amtsweg (Test)",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    prepare()
    call_command("runserver", f"127.0.0.1:{settings.CONFIG['port']}", use_reloader=False, skip_checks=True)
