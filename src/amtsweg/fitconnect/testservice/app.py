"""A local FIT-Connect test service: Submission API 1.1.3, Routing API 2.0.0 and a token endpoint.

It plays FITKO's side for tests, the benchmark and the demo, in its own process, with its state in
memory. Every request to and every response of the two APIs is validated against the shipped OpenAPI
documents with ``openapi-core``; a violation answers 400 (request) or 500 (response) and is kept in
``GET /_test/violations``, so a test that talks to it proves that Amtsweg speaks the published API.

Besides the APIs there are a few test controls under ``/_test/`` (not part of FIT-Connect): set up
clients and destinations (what FITKO's self-service portal does), switch the service off ("partner
down"), change a stored submission (tampering) and read the violations.

Not implemented (not needed by Amtsweg): updating and deleting destinations, ``/areas``, forwarding.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import yaml
from jsonschema import Draft202012Validator
from jwcrypto import jwk, jwt
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from amtsweg.fitconnect import crypto

STANDARDS = Path(__file__).resolve().parent.parent / "standards"
EVENTS = "https://schema.fitko.de/fit-connect/events/"
SET_SCHEMA = "https://schema.fitko.de/fit-connect/events/1.0.0/set-payload.schema.json"
NEW_SUBMISSIONS = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions"
NEW_EVENTS = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events"
ISSUER = "https://test-service.amtsweg.invalid/fit-connect"
RS_URN = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:"


def _load(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((STANDARDS / name).read_text(encoding="utf-8")))


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.detail = detail


@dataclass
class Client:
    client_id: str
    secret: str
    destinations: set[str] = field(default_factory=set)  # subscribe:destination:<id>
    sender: bool = False


@dataclass
class StoredSubmission:
    submission_id: str
    case_id: str
    destination_id: str
    service_type: dict[str, Any]
    announced: list[str]
    callback: dict[str, Any] | None
    attachments: dict[str, str] = field(default_factory=dict)
    encrypted_metadata: str = ""
    encrypted_data: str = ""
    status: str = "incomplete"  # incomplete → submitted → accepted / rejected


@dataclass
class State:
    base_url: str = ""
    clients: dict[str, Client] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # token → client id
    destinations: dict[str, dict[str, Any]] = field(default_factory=dict)
    destination_callbacks: dict[str, dict[str, str]] = field(default_factory=dict)
    destination_names: dict[str, str] = field(default_factory=dict)
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # kid → public JWK
    submissions: dict[str, StoredSubmission] = field(default_factory=dict)
    events: dict[str, list[str]] = field(default_factory=dict)  # case id → SETs
    violations: list[dict[str, Any]] = field(default_factory=list)
    callbacks_sent: list[dict[str, Any]] = field(default_factory=list)
    # destination id → how its routes are signed ("valid", "tampered", "foreign-key", …; test control)
    signature_modes: dict[str, str] = field(default_factory=dict)
    down: bool = False
    max_attachment_bytes: int = 50 * 1024 * 1024
    lock: threading.RLock = field(default_factory=threading.RLock)


class FitConnectTestService:
    """The WSGI application (one instance per process)."""

    def __init__(self, base_url: str = "") -> None:
        self.state = State(base_url=base_url)
        self.signing = crypto.key_pair_generate("signing", common_name="FIT-Connect Testdienst")
        # The self-service portal signs the addressing data (destinationSignature) with a key of its own.
        self.portal = crypto.key_pair_generate("signing", common_name="Self-Service-Portal (Testdienst)")
        self._stranger: crypto.KeyPair | None = None
        submission_spec = _load("submission-api-1.1.3.yaml")
        routing_spec = _load("routing-api.yaml")
        self._submission_spec_raw = submission_spec
        self._routing_spec_raw = routing_spec
        self.set_base_url(base_url or "http://127.0.0.1")
        self.url_map = Map(
            [
                Rule("/token", endpoint="token", methods=["POST"]),
                Rule("/v1/info", endpoint="info", methods=["GET"]),
                Rule("/.well-known/jwks.json", endpoint="jwks", methods=["GET"]),
                Rule("/portal/.well-known/jwks.json", endpoint="portal_jwks", methods=["GET"]),
                Rule("/v1/destinations", endpoint="destination_create", methods=["POST"]),
                Rule("/v1/destinations/<destination_id>", endpoint="destination_get", methods=["GET"]),
                Rule("/v1/destinations/<destination_id>/keys", endpoint="key_add", methods=["POST"]),
                Rule("/v1/destinations/<destination_id>/keys/<kid>", endpoint="key_get", methods=["GET"]),
                Rule("/v1/submissions", endpoint="pickup", methods=["GET"]),
                Rule("/v1/submissions", endpoint="create", methods=["POST"]),
                Rule("/v1/submissions/<submission_id>", endpoint="submission_get", methods=["GET"]),
                Rule("/v1/submissions/<submission_id>", endpoint="submit", methods=["PUT"]),
                Rule(
                    "/v1/submissions/<submission_id>/attachments/<attachment_id>",
                    endpoint="attachment_get",
                    methods=["GET"],
                ),
                Rule(
                    "/v1/submissions/<submission_id>/attachments/<attachment_id>",
                    endpoint="attachment_put",
                    methods=["PUT"],
                ),
                Rule("/v1/cases/<case_id>/events", endpoint="events_get", methods=["GET"]),
                Rule("/v1/cases/<case_id>/events", endpoint="event_post", methods=["POST"]),
                Rule("/routing/v1/routes", endpoint="routes", methods=["GET"]),
                Rule("/routing/v1/info", endpoint="routing_info", methods=["GET"]),
                Rule("/_test/setup", endpoint="t_setup", methods=["POST"]),
                Rule("/_test/down", endpoint="t_down", methods=["POST"]),
                Rule("/_test/violations", endpoint="t_violations", methods=["GET"]),
                Rule("/_test/callbacks", endpoint="t_callbacks", methods=["GET"]),
                Rule("/_test/submissions/<submission_id>", endpoint="t_submission", methods=["GET", "PATCH"]),
                Rule("/_test/reset", endpoint="t_reset", methods=["POST"]),
                Rule("/_test/routing-signature", endpoint="t_routing_signature", methods=["POST"]),
            ]
        )

    def set_base_url(self, base_url: str) -> None:
        self.state.base_url = base_url.rstrip("/")
        submission_spec = copy.deepcopy(self._submission_spec_raw)
        submission_spec["servers"] = [{"url": self.state.base_url}]
        routing_spec = copy.deepcopy(self._routing_spec_raw)
        routing_spec["servers"] = [{"url": self.state.base_url + "/routing/v1"}]
        # application/jose bodies (JWE, SET) are compact strings.
        config = Config(extra_media_type_deserializers={"application/jose": _jose})
        self.submission_api = OpenAPI.from_dict(submission_spec, config=config)
        self.routing_api = OpenAPI.from_dict(routing_spec, config=config)
        schemas = submission_spec["components"]["schemas"]
        self._create_destination_schema = {**schemas["CreateDestination"], "components": {"schemas": schemas}}

    # ---- WSGI ------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def _api_for(self, path: str) -> OpenAPI | None:
        if path.startswith("/routing/"):
            return self.routing_api
        if path.startswith(("/v1/", "/.well-known/")):
            return self.submission_api
        return None

    def dispatch(self, request: Request) -> Response:
        api = self._api_for(request.path)
        if self.state.down and not request.path.startswith("/_test/"):
            return _problem(
                503, "Service Unavailable", "Der Testdienst ist abgeschaltet (Partner nicht erreichbar)."
            )
        if api is not None:
            try:
                api.validate_request(WerkzeugOpenAPIRequest(request))
            except Exception as error:
                self._violation("request", request, error)
                return _problem(400, "Bad Request", f"Anfrage entspricht nicht der OpenAPI: {_why(error)}")
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
            response = getattr(self, f"on_{endpoint}")(request, **args)
        except Problem as problem:
            response = _problem(problem.status, problem.title, problem.detail)
        except Exception as error:
            code = int(getattr(error, "code", 500) or 500)
            response = _problem(code, getattr(error, "name", "Error"), str(error))
        if api is not None:
            try:
                api.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
            except Exception as error:
                self._violation("response", request, error)
                return _problem(
                    500, "Internal Server Error", f"Antwort entspricht nicht der OpenAPI: {_why(error)}"
                )
        return response

    def _violation(self, kind: str, request: Request, error: Exception) -> None:
        with self.state.lock:
            self.state.violations.append(
                {"kind": kind, "method": request.method, "path": request.path, "error": _why(error)}
            )

    # ---- auth ------------------------------------------------------------------------------------

    def _client(self, request: Request) -> Client:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip()
        with self.state.lock:
            client_id = self.state.tokens.get(token)
            client = self.state.clients.get(client_id or "")
        if client is None:
            raise Problem(401, "Unauthorized", "Kein gültiges Zugriffstoken.")
        return client

    def _subscriber(self, request: Request, destination_id: str) -> Client:
        client = self._client(request)
        if destination_id not in client.destinations:
            raise Problem(403, "Forbidden", "Dieser Client darf den Zustellpunkt nicht abrufen.")
        return client

    def _sender(self, request: Request) -> Client:
        client = self._client(request)
        if not client.sender:
            raise Problem(403, "Forbidden", "Dieser Client darf nicht senden.")
        return client

    def on_token(self, request: Request) -> Response:
        auth = request.authorization
        client_id = auth.username if auth and auth.username else request.form.get("client_id", "")
        secret = auth.password if auth and auth.password else request.form.get("client_secret", "")
        if request.form.get("grant_type") != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        with self.state.lock:
            client = self.state.clients.get(client_id or "")
            if client is None or not secrets.compare_digest(client.secret, secret or ""):
                return _json({"error": "invalid_client"}, 401)
            token = secrets.token_urlsafe(32)
            self.state.tokens[token] = client.client_id
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": 1800})

    # ---- technical -------------------------------------------------------------------------------

    def on_info(self, request: Request) -> Response:
        return _json({"version": {"major": 1, "minor": 1, "patch": 3}})

    def on_routing_info(self, request: Request) -> Response:
        return _json({"version": {"major": 2, "minor": 0, "patch": 0}})

    def on_jwks(self, request: Request) -> Response:
        return _json({"keys": [self.signing.public]})

    def on_portal_jwks(self, request: Request) -> Response:
        """The keys of the self-service portal that signs the addressing data (not a Submission API path;
        FITKO publishes them under the portal's host)."""
        return _json({"keys": [self.portal.public]})

    # ---- destinations ----------------------------------------------------------------------------

    def _destination_store(self, body: dict[str, Any], destination_id: str = "") -> dict[str, Any]:
        destination_id = destination_id or str(uuid.uuid4())
        public = {
            "destinationId": destination_id,
            "status": "active",
            "services": body["services"],
            "encryptionKid": body["encryptionKid"],
            "metadataVersions": body["metadataVersions"],
        }
        if body.get("replyChannels"):
            public["replyChannels"] = body["replyChannels"]
        with self.state.lock:
            self.state.destinations[destination_id] = public
            if body.get("callback"):
                callback = body["callback"]
                # ``_url`` (test control only): the plain-http address of a local Amtsweg.
                self.state.destination_callbacks[destination_id] = {
                    "url": callback.get("_url") or callback["url"],
                    "secret": callback["secret"],
                }
            for key in (body["encryptionPublicKey"], body["signingPublicKey"]):
                self.state.keys[key["kid"]] = {**key, "_destination": destination_id}
        return public

    def on_destination_create(self, request: Request) -> Response:
        self._client(request)
        public = self._destination_store(request.get_json())
        return _json(public, 201)

    def on_destination_get(self, request: Request, destination_id: str) -> Response:
        self._client(request)
        with self.state.lock:
            destination = self.state.destinations.get(destination_id)
        if destination is None:
            raise Problem(404, "Not Found", "Zustellpunkt unbekannt.")
        return _json(destination, headers={"Cache-Control": "no-cache"})

    def on_key_add(self, request: Request, destination_id: str) -> Response:
        self._client(request)
        key = request.get_json()
        with self.state.lock:
            if destination_id not in self.state.destinations:
                raise Problem(404, "Not Found", "Zustellpunkt unbekannt.")
            self.state.keys[key["kid"]] = {**key, "_destination": destination_id}
        return Response(status=204)

    def on_key_get(self, request: Request, destination_id: str, kid: str) -> Response:
        self._client(request)
        with self.state.lock:
            key = self.state.keys.get(kid)
        if key is None or key["_destination"] != destination_id:
            raise Problem(404, "Not Found", "Schlüssel unbekannt.")
        return _json(
            {k: v for k, v in key.items() if not k.startswith("_")}, headers={"Cache-Control": "no-cache"}
        )

    # ---- routing ---------------------------------------------------------------------------------

    def on_routes(self, request: Request) -> Response:
        leika = request.args.get("leikaKey", "")
        ars = request.args.get("ars", "") or request.args.get("ags", "")
        identifier = f"urn:de:fim:leika:leistung:{leika}"
        routes = []
        with self.state.lock:
            destinations = list(self.state.destinations.values())
        for destination in destinations:
            for service in destination["services"]:
                regions = [r.removeprefix("DE") for r in service["regions"]]
                if service["identifier"] == identifier and any(ars.startswith(r) for r in regions):
                    routes.append(
                        {
                            "destinationId": destination["destinationId"],
                            "destinationSignature": self._destination_signature(destination),
                            "destinationName": self.state.destination_names.get(
                                destination["destinationId"], "Zustellpunkt"
                            ),
                        }
                    )
        return _json({"count": len(routes), "offset": 0, "totalCount": len(routes), "routes": routes})

    def _destination_signature(self, destination: dict[str, Any]) -> str:
        """The addressing data as the self-service portal signs them (JWS, PS512): submission host,
        destination id and its services with their regions. The test control ``/_test/routing-signature``
        spoils it on purpose (tampered payload, foreign key, another destination)."""
        with self.state.lock:
            mode = self.state.signature_modes.get(destination["destinationId"], "valid")
        claims = {
            "submissionHost": urlsplit(self.state.base_url).netloc,
            "iss": self.state.base_url + "/portal",
            "services": [
                {
                    "gebietIDs": [RS_URN + r.removeprefix("DE") for r in service["regions"]],
                    "leistungIDs": [service["identifier"]],
                }
                for service in destination["services"]
            ],
            "destinationId": destination["destinationId"],
            "iat": int(time.time()),
            "jti": str(uuid.uuid4()),
        }
        if mode == "other-destination":
            claims["destinationId"] = str(uuid.uuid4())
        if mode == "other-host":
            claims["submissionHost"] = "submission-api.example.org"
        key = self.portal
        if mode == "foreign-key":
            if self._stranger is None:
                self._stranger = crypto.key_pair_generate("signing", common_name="Fremd", bits=2048)
            key = self._stranger
        header = {"alg": crypto.SIGNING_ALG, "typ": "jwt", "kid": key.kid}
        token = jwt.JWT(header=header, claims=claims)
        token.make_signed_token(jwk.JWK(**json.loads(key.private_json)))
        signature = str(token.serialize())
        if mode == "tampered":
            head, _body, sig = signature.split(".")
            claims["destinationId"] = str(uuid.uuid4())
            body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
            signature = f"{head}.{body}.{sig}"
        return signature

    # ---- submissions: sender side ----------------------------------------------------------------

    def on_create(self, request: Request) -> Response:
        self._sender(request)
        body = request.get_json()
        destination_id = body["destinationId"]
        with self.state.lock:
            if destination_id not in self.state.destinations:
                raise Problem(404, "Not Found", "Zustellpunkt unbekannt.")
            submission = StoredSubmission(
                submission_id=str(uuid.uuid4()),
                case_id=body.get("caseId") or str(uuid.uuid4()),
                destination_id=destination_id,
                service_type=body["serviceType"],
                announced=list(body["announcedAttachments"]),
                callback=body.get("callback"),
            )
            self.state.submissions[submission.submission_id] = submission
            self._event(submission, "create-submission", {})
        return _json(
            {
                "destinationId": destination_id,
                "submissionId": submission.submission_id,
                "caseId": submission.case_id,
            },
            201,
        )

    def _own(self, submission_id: str) -> StoredSubmission:
        with self.state.lock:
            submission = self.state.submissions.get(submission_id)
        if submission is None:
            raise Problem(404, "Not Found", "Einreichung unbekannt.")
        return submission

    def on_attachment_put(self, request: Request, submission_id: str, attachment_id: str) -> Response:
        self._sender(request)
        submission = self._own(submission_id)
        if attachment_id not in submission.announced:
            raise Problem(422, "Unprocessable Entity", "Anlage nicht angekündigt.")
        body = request.get_data(as_text=True).strip()
        if len(body) > self.state.max_attachment_bytes:
            raise Problem(413, "Request Entity Too Large", "Anlage zu groß.")
        with self.state.lock:
            submission.attachments[attachment_id] = body
        return Response(status=204)

    def on_submit(self, request: Request, submission_id: str) -> Response:
        self._sender(request)
        submission = self._own(submission_id)
        body = request.get_json()
        missing = [a for a in submission.announced if a not in submission.attachments]
        if missing:
            raise Problem(422, "Unprocessable Entity", "Angekündigte Anlagen fehlen: " + ", ".join(missing))
        with self.state.lock:
            submission.encrypted_metadata = body["encryptedMetadata"]
            submission.encrypted_data = body.get("encryptedData", "")
            submission.status = "submitted"
            self._event(submission, "submit-submission", {})
            callback = self.state.destination_callbacks.get(submission.destination_id)
        if callback:
            self._callback_async(
                callback,
                {
                    "type": NEW_SUBMISSIONS,
                    "submissions": [
                        {
                            "destinationId": submission.destination_id,
                            "submissionId": submission.submission_id,
                            "caseId": submission.case_id,
                        }
                    ],
                },
            )
        return _json(
            {
                "destinationId": submission.destination_id,
                "submissionId": submission.submission_id,
                "caseId": submission.case_id,
                "attachments": list(submission.attachments),
                "serviceType": submission.service_type,
            },
            202,
        )

    def on_events_get(self, request: Request, case_id: str) -> Response:
        self._client(request)
        with self.state.lock:
            if case_id not in self.state.events:
                raise Problem(404, "Case not found", "Vorgang unbekannt.")
            log = list(self.state.events[case_id])
        return _json({"count": len(log), "offset": 0, "totalCount": len(log), "eventLog": log})

    # ---- submissions: subscriber side ------------------------------------------------------------

    def on_pickup(self, request: Request) -> Response:
        client = self._client(request)
        wanted = request.args.get("destinationId")
        limit = int(request.args.get("limit", 100))
        offset = int(request.args.get("offset", 0))
        with self.state.lock:
            ready = [
                s
                for s in self.state.submissions.values()
                if s.status == "submitted"
                and s.destination_id in client.destinations
                and (not wanted or s.destination_id == wanted)
            ]
        page = ready[offset : offset + limit]
        return _json(
            {
                "count": len(page),
                "offset": offset,
                "totalCount": len(ready),
                "submissions": [
                    {"destinationId": s.destination_id, "submissionId": s.submission_id, "caseId": s.case_id}
                    for s in page
                ],
            }
        )

    def _ready(self, request: Request, submission_id: str) -> StoredSubmission:
        submission = self._own(submission_id)
        self._subscriber(request, submission.destination_id)
        if submission.status != "submitted":
            raise Problem(404, "Not Found", "Einreichung nicht im Status submitted.")
        return submission

    def on_submission_get(self, request: Request, submission_id: str) -> Response:
        submission = self._ready(request, submission_id)
        body: dict[str, Any] = {
            "destinationId": submission.destination_id,
            "submissionId": submission.submission_id,
            "caseId": submission.case_id,
            "attachments": list(submission.attachments),
            "serviceType": submission.service_type,
            "encryptedMetadata": submission.encrypted_metadata,
        }
        if submission.encrypted_data:
            body["encryptedData"] = submission.encrypted_data
        return _json(body)

    def on_attachment_get(self, request: Request, submission_id: str, attachment_id: str) -> Response:
        submission = self._ready(request, submission_id)
        token = submission.attachments.get(attachment_id)
        if token is None:
            raise Problem(404, "Not Found", "Anlage unbekannt.")
        return Response(token, status=200, content_type="application/jose")

    def on_event_post(self, request: Request, case_id: str) -> Response:
        token = request.get_data(as_text=True).strip()
        header, claims = crypto.set_claims_unverified(token)
        submission_id = str(claims.get("sub", "")).removeprefix("submission:")
        submission = self._own(submission_id)
        self._subscriber(request, submission.destination_id)
        if claims.get("txn") != f"case:{case_id}" or submission.case_id != case_id:
            raise Problem(422, "Unprocessable Entity", "txn passt nicht zum Vorgang.")
        with self.state.lock:
            key = self.state.keys.get(str(header.get("kid", "")))
        if key is None or key["_destination"] != submission.destination_id:
            raise Problem(422, "Unprocessable Entity", "Signaturschlüssel unbekannt.")
        try:
            crypto.set_verify(token, key)
        except crypto.CryptoError as error:
            raise Problem(422, "Unprocessable Entity", str(error)) from error
        events = claims.get("events") or {}
        names = [str(uri).removeprefix(EVENTS) for uri in events]
        if names not in (["accept-submission"], ["reject-submission"]):
            raise Problem(422, "Unprocessable Entity", "Nur accept-submission oder reject-submission.")
        with self.state.lock:
            if submission.status != "submitted":
                raise Problem(409, "Conflict", "Die Einreichung ist schon angenommen oder abgelehnt.")
            submission.status = "accepted" if names == ["accept-submission"] else "rejected"
            self.state.events.setdefault(case_id, []).append(token)
        if submission.callback:
            self._callback_async(
                submission.callback,
                {
                    "type": NEW_EVENTS,
                    "submissions": [
                        {
                            "destinationId": submission.destination_id,
                            "submissionId": submission.submission_id,
                            "caseId": submission.case_id,
                        }
                    ],
                },
            )
        return Response(status=204)

    def _event(self, submission: StoredSubmission, name: str, payload: dict[str, Any]) -> None:
        claims = {
            "$schema": SET_SCHEMA,
            "iss": ISSUER,
            "iat": int(time.time()),
            "jti": str(uuid.uuid4()),
            "sub": f"submission:{submission.submission_id}",
            "txn": f"case:{submission.case_id}",
            "events": {EVENTS + name: payload},
        }
        token = crypto.set_sign(claims, self.signing.private_json, self.signing.kid)
        self.state.events.setdefault(submission.case_id, []).append(token)

    def _callback_async(self, callback: dict[str, Any], body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()

        def send() -> None:
            timestamp = str(int(time.time()))
            mac = crypto.callback_mac(callback.get("secret", ""), timestamp, raw)
            outcome: dict[str, Any] = {"url": callback["url"], "type": body["type"]}
            try:
                response = requests.post(
                    callback["url"],
                    data=raw,
                    headers={
                        "Content-Type": "application/json",
                        "Callback-Authentication": mac,
                        "Callback-Timestamp": timestamp,
                    },
                    timeout=10,
                )
                outcome["status"] = response.status_code
            except requests.RequestException as error:
                outcome["error"] = str(error)
            with self.state.lock:
                self.state.callbacks_sent.append(outcome)

        threading.Thread(target=send, daemon=True).start()

    # ---- test controls ---------------------------------------------------------------------------

    def on_t_setup(self, request: Request) -> Response:
        """``{"clients": [{"clientId", "secret", "destinations": [...], "sender": bool}],
        "destinations": [{"destinationId", "name", ...CreateDestination}], "maxAttachmentBytes": n}``."""
        body = request.get_json()
        validator = Draft202012Validator(self._create_destination_schema)
        created = []
        for destination in body.get("destinations", []):
            fields = {k: v for k, v in destination.items() if k not in {"destinationId", "name"}}
            errors = sorted(validator.iter_errors(fields), key=str)
            if errors:
                raise Problem(400, "Bad Request", f"CreateDestination ungültig: {errors[0].message}")
            public = self._destination_store(fields, destination.get("destinationId", ""))
            self.state.destination_names[public["destinationId"]] = destination.get("name", "Zustellpunkt")
            created.append(public["destinationId"])
        with self.state.lock:
            for client in body.get("clients", []):
                self.state.clients[client["clientId"]] = Client(
                    client_id=client["clientId"],
                    secret=client["secret"],
                    destinations=set(client.get("destinations", [])),
                    sender=bool(client.get("sender")),
                )
            if "maxAttachmentBytes" in body:
                self.state.max_attachment_bytes = int(body["maxAttachmentBytes"])
        return _json({"destinations": created})

    def on_t_down(self, request: Request) -> Response:
        self.state.down = bool(request.get_json().get("down"))
        return _json({"down": self.state.down})

    def on_t_violations(self, request: Request) -> Response:
        with self.state.lock:
            return _json({"violations": list(self.state.violations)})

    def on_t_callbacks(self, request: Request) -> Response:
        with self.state.lock:
            return _json({"callbacks": list(self.state.callbacks_sent)})

    def on_t_submission(self, request: Request, submission_id: str) -> Response:
        submission = self._own(submission_id)
        if request.method == "PATCH":
            changes = request.get_json()
            with self.state.lock:
                for name in ("encrypted_metadata", "encrypted_data", "status"):
                    if name in changes:
                        setattr(submission, name, changes[name])
                for attachment_id, token in changes.get("attachments", {}).items():
                    submission.attachments[attachment_id] = token
        return _json(
            {
                "submissionId": submission.submission_id,
                "caseId": submission.case_id,
                "status": submission.status,
                "encrypted_metadata": submission.encrypted_metadata,
                "encrypted_data": submission.encrypted_data,
                "attachments": submission.attachments,
            }
        )

    def on_t_routing_signature(self, request: Request) -> Response:
        """``{"destinationId": …, "mode": "valid" | "tampered" | "foreign-key" | "other-destination" |
        "other-host"}``: how the routes to that destination are signed from now on."""
        body = request.get_json()
        with self.state.lock:
            self.state.signature_modes[str(body["destinationId"])] = str(body.get("mode", "valid"))
        return _json({"mode": body.get("mode", "valid")})

    def on_t_reset(self, request: Request) -> Response:
        with self.state.lock:
            self.state.submissions.clear()
            self.state.events.clear()
            self.state.violations.clear()
            self.state.callbacks_sent.clear()
            self.state.down = False
        return _json({"reset": True})


def _jose(body: bytes | str, **_kwargs: Any) -> str:
    return body.decode() if isinstance(body, bytes) else body


def _why(error: Exception) -> str:
    parts = [str(error)]
    for inner in getattr(error, "schema_errors", None) or []:
        parts.append(str(getattr(inner, "message", inner)))
    cause = error.__cause__
    if cause is not None:
        parts.append(str(cause))
        for inner in getattr(cause, "schema_errors", None) or []:
            parts.append(str(getattr(inner, "message", inner)))
    return " | ".join(parts)[:1000]


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json", headers=headers)


def _problem(status: int, title: str, detail: str = "") -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return Response(json.dumps(body), status=status, content_type="application/problem+json")
