"""A SAML 2.0 identity provider for the end-to-end tests: pysaml2's Server behind a small WSGI app.

Started as ``python app.py CONFIG.json``. The JSON file names the port, the entity id, key and certificate,
the file it writes its own metadata to, the SP metadata file (read on each request, so the test can write it
after the IdP has started) and the test users with password, NameID, AuthnContextClassRef and attributes.
A user with ``"unsigned": true`` gets a response without any signature (for the negative test).

Flow: GET /sso/redirect?SAMLRequest=… shows a login form; POST /login checks the password and answers with an
auto-submitting HTML form that posts the signed Response to the SP's assertion consumer service.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

StartResponse = Callable[..., Any]


def idp_config(config: dict[str, Any], *, with_sp: bool) -> IdPConfig:
    base = f"http://127.0.0.1:{config['port']}"
    idp = IdPConfig()
    idp.load(
        {
            "entityid": config["entity_id"],
            "xmlsec_binary": config["xmlsec_binary"],
            "service": {
                "idp": {
                    "name": "Test-DeutschlandID",
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None}},
                }
            },
            "key_file": config["key_file"],
            "cert_file": config["cert_file"],
            "metadata": {"local": [config["sp_metadata_file"]]} if with_sp else {},
        }
    )
    return idp


def page(start_response: StartResponse, status: str, body: str) -> list[bytes]:
    start_response(status, [("Content-Type", "text/html; charset=utf-8")])
    head = '<!doctype html><html lang="de"><head><meta charset="utf-8"></head>'
    document = f"{head}<body>{body}</body></html>"
    return [document.encode()]


def make_app(config: dict[str, Any]) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/sso/redirect" and environ["REQUEST_METHOD"] == "GET":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            fields = "".join(
                f'<input type="hidden" name="{name}" value="{html.escape(query[name][0])}">'
                for name in ("SAMLRequest", "RelayState")
                if name in query
            )
            return page(
                start_response,
                "200 OK",
                '<h1>Test-DeutschlandID</h1><form method="post" action="/login">'
                f'{fields}<label>Benutzername <input name="username"></label>'
                '<label>Passwort <input name="password" type="password"></label>'
                '<button type="submit">Anmelden</button></form>',
            )
        if path == "/login" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {
                key: values[0]
                for key, values in parse_qs(environ["wsgi.input"].read(length).decode()).items()
            }
            user = config["users"].get(form.get("username", ""))
            if user is None or user["password"] != form.get("password"):
                return page(start_response, "403 Forbidden", "<p>Benutzername oder Passwort falsch.</p>")
            server = Server(config=idp_config(config, with_sp=True))
            request = server.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
            message = request.message
            destination = message.assertion_consumer_service_url
            signed = not user.get("unsigned", False)
            response = server.create_authn_response(
                identity=user["attributes"],
                in_response_to=message.id,
                destination=destination,
                sp_entity_id=message.issuer.text,
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=user["name_id"]),
                authn={"class_ref": user["authn_context"], "authn_auth": config["entity_id"]},
                sign_response=signed,
                sign_assertion=signed,
            )
            http_args = server.apply_binding(
                BINDING_HTTP_POST, str(response), destination, form.get("RelayState", ""), response=True
            )
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [str(http_args["data"]).encode()]
        return page(start_response, "404 Not Found", "<p>Nicht gefunden.</p>")

    return app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    Path(config["metadata_file"]).write_text(
        str(entity_descriptor(idp_config(config, with_sp=False))), encoding="utf-8"
    )
    with make_server("127.0.0.1", config["port"], make_app(config), handler_class=QuietHandler) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main()
