"""The one adapter between Amtsweg and the FIT-Connect APIs (Submission API 1.x, Routing API, OAuth).

Everything that depends on the version of the Submission API lives here: paths, the shape of the
bodies, which fields are required. FITKO now runs a v2 of the Submission API (``/v2/…`` paths,
``encryptedMetadata`` and ``encryptedData`` both required, SET payload schema 1.2.2); its OpenAPI file is
not public here, so Amtsweg implements 1.1.3 and docs/fitconnect.md lists the known differences. A v2
adapter is another class with the same methods, chosen by ``Destination.api_version``.

Errors: :class:`PartnerUnavailable` (network, 5xx, 429 – try again later) and :class:`PartnerRefused`
(4xx – the request itself is wrong; trying again does not help).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

TIMEOUT = (5, 30)
SET_PAYLOAD_SCHEMA = "https://schema.fitko.de/fit-connect/events/1.0.0/set-payload.schema.json"
EVENT_PREFIX = "https://schema.fitko.de/fit-connect/events/"
PROBLEM_PREFIX = "https://schema.fitko.de/fit-connect/events/problems/"


class PartnerError(Exception):
    """FIT-Connect did not do what was asked."""

    def __init__(self, message: str, *, status: int = 0, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body[:2000]


class PartnerUnavailable(PartnerError):
    """Not reachable or overloaded (network error, 5xx, 429): try again later."""


class PartnerRefused(PartnerError):
    """The partner refused the request (4xx)."""


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and settings.AMTSWEG_FITCONNECT_ALLOW_HTTP):
        return url.rstrip("/")
    raise PartnerRefused(f"Nur HTTPS-Adressen sind für FIT-Connect erlaubt: {url}")


@dataclass
class _Token:
    value: str = ""
    expires: float = 0.0


_tokens: dict[tuple[str, str], _Token] = {}
_tokens_lock = threading.Lock()


@dataclass
class OAuthClient:
    """OAuth 2.0 client credentials against FIT-Connect's token endpoint; tokens are kept until shortly
    before they expire (per process)."""

    token_url: str
    client_id: str
    client_secret: str
    session: requests.Session = field(default_factory=requests.Session)

    def token(self) -> str:
        cache_key = (self.token_url, self.client_id)
        with _tokens_lock:
            cached = _tokens.get(cache_key)
            if cached and cached.expires > time.monotonic() + 30:
                return cached.value
        try:
            response = self.session.post(
                _check_url(self.token_url),
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.client_secret),
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise PartnerUnavailable(f"Token-Endpunkt nicht erreichbar: {error}") from error
        _raise_for(response, "Token")
        body = response.json()
        token = _Token(str(body["access_token"]), time.monotonic() + float(body.get("expires_in", 300)))
        with _tokens_lock:
            _tokens[cache_key] = token
        return token.value

    def forget(self) -> None:
        with _tokens_lock:
            _tokens.pop((self.token_url, self.client_id), None)


def _raise_for(response: requests.Response, what: str) -> None:
    if response.status_code < 400:
        return
    text = response.text
    detail = ""
    if "json" in response.headers.get("Content-Type", ""):
        try:
            problem = response.json()
            detail = str(problem.get("detail") or problem.get("title") or "")
        except ValueError:
            detail = ""
    message = f"{what}: HTTP {response.status_code}" + (f" – {detail}" if detail else "")
    if response.status_code >= 500 or response.status_code == 429:
        raise PartnerUnavailable(message, status=response.status_code, body=text)
    raise PartnerRefused(message, status=response.status_code, body=text)


class SubmissionApiV1:
    """Submission API 1.1.3 (``/v1/…``)."""

    def __init__(self, base_url: str, oauth: OAuthClient) -> None:
        self.base_url = _check_url(base_url)
        self.oauth = oauth
        self.session = oauth.session

    def _request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        json_body: Any = None,
        data: str | None = None,
        content_type: str = "",
        params: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> requests.Response:
        headers: dict[str, str] = {}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            if auth:
                headers["Authorization"] = f"Bearer {self.oauth.token()}"
            try:
                response = self.session.request(
                    method,
                    self.base_url + path,
                    json=json_body,
                    data=data.encode() if data is not None else None,
                    headers=headers,
                    params=params,
                    timeout=TIMEOUT,
                )
            except requests.RequestException as error:
                raise PartnerUnavailable(f"{what}: FIT-Connect nicht erreichbar ({error})") from error
            if response.status_code == 401 and auth and attempt == 1:
                self.oauth.forget()  # the token expired early: get a new one once
                continue
            _raise_for(response, what)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    # -- receiving ---------------------------------------------------------------------------------

    def submissions_for_pickup(self, destination_id: str, *, limit: int = 100) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self._request(
                "GET",
                "/v1/submissions",
                "Abholbereite Einreichungen",
                params={"destinationId": destination_id, "limit": limit, "offset": offset},
            ).json()
            items = page.get("submissions", [])
            found.extend(items)
            offset += len(items)
            if not items or offset >= int(page.get("totalCount", offset)):
                return found

    def submission(self, submission_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/v1/submissions/{submission_id}", "Einreichung abrufen").json())

    def attachment(self, submission_id: str, attachment_id: str) -> str:
        return self._request(
            "GET", f"/v1/submissions/{submission_id}/attachments/{attachment_id}", "Anlage abrufen"
        ).text.strip()

    def event_send(self, case_id: str, token: str) -> None:
        self._request(
            "POST", f"/v1/cases/{case_id}/events", "Event senden", data=token, content_type="application/jose"
        )

    # -- sending -----------------------------------------------------------------------------------

    def destination(self, destination_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/v1/destinations/{destination_id}", "Zustellpunkt abrufen").json())

    def destination_key(self, destination_id: str, kid: str) -> dict[str, Any]:
        return dict(
            self._request(
                "GET", f"/v1/destinations/{destination_id}/keys/{kid}", "Schlüssel des Zustellpunkts"
            ).json()
        )

    def submission_create(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self._request("POST", "/v1/submissions", "Einreichung anlegen", json_body=body).json())

    def attachment_upload(self, submission_id: str, attachment_id: str, token: str) -> None:
        self._request(
            "PUT",
            f"/v1/submissions/{submission_id}/attachments/{attachment_id}",
            "Anlage hochladen",
            data=token,
            content_type="application/jose",
        )

    def submission_submit(self, submission_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(
            self._request(
                "PUT", f"/v1/submissions/{submission_id}", "Einreichung absenden", json_body=body
            ).json()
        )

    def events(self, case_id: str) -> list[str]:
        body = self._request("GET", f"/v1/cases/{case_id}/events", "Event Log").json()
        return [str(token) for token in body.get("eventLog", [])]

    def jwks(self) -> dict[str, Any]:
        return dict(
            self._request("GET", "/.well-known/jwks.json", "Schlüssel des Zustelldienstes", auth=False).json()
        )


class RoutingApi:
    """Routing API 2.0.0: the destination of a service (LeiKa key) in an area (ARS)."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = _check_url(base_url)
        self.session = session or requests.Session()

    def routes(self, leika_key: str, ars: str) -> list[dict[str, Any]]:
        try:
            response = self.session.get(
                self.base_url + "/routes", params={"leikaKey": leika_key, "ars": ars}, timeout=TIMEOUT
            )
        except requests.RequestException as error:
            raise PartnerUnavailable(f"Routing API nicht erreichbar ({error})") from error
        _raise_for(response, "Routing")
        return list(response.json().get("routes", []))


def trusted_keys(jwks_url: str) -> dict[str, dict[str, Any]]:
    """The signing keys (``kid`` → JWK) published at ``jwks_url`` – for the self-service portal's signature
    of the addressing data the Routing API returns."""
    url = _check_url(jwks_url)
    try:
        response = requests.get(url, timeout=TIMEOUT)
    except requests.RequestException as error:
        raise PartnerUnavailable(f"Signaturschlüssel nicht erreichbar ({error})") from error
    _raise_for(response, "Signaturschlüssel")
    try:
        keys = response.json().get("keys", [])
    except (ValueError, AttributeError) as error:
        raise PartnerError("Die Signaturschlüssel sind kein JWKS.") from error
    return {str(k["kid"]): k for k in keys if isinstance(k, dict) and k.get("kid")}


def event_name(event_uri: str) -> str:
    """``https://schema.fitko.de/fit-connect/events/accept-submission`` → ``accept-submission``."""
    return event_uri.removeprefix(EVENT_PREFIX)
