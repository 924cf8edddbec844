from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):  # type: ignore[misc]
    """Adds profile claims and the ``acr`` (assurance of the login) configured per test user."""

    oidc_claim_scope = None  # every claim for every scope

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        claims = {
            "email": user.email,
            "email_verified": True,
            "given_name": user.first_name,
            "family_name": user.last_name,
        }
        acr = settings.CONFIG["users"].get(user.username, {}).get("acr")
        if acr:
            claims["acr"] = acr
        return claims
