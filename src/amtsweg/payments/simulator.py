"""A local payment provider that speaks XBezahldienste 1.2 – the test partner of online payment.

It implements the paths of the OpenAPI document (``standards/XBezahldienste-v1.2.0.openapi.yaml``) with the
transactions kept in memory, checks every request body against the document's schemas (400 with a
``SystemResponse`` otherwise) and every answer it gives (a wrong answer is a bug of the simulator: 500), and
serves the "pay page" where the person in the browser pays, cancels or lets the payment fail – a plain HTML
form, no JavaScript, clearly marked as a test. Standard library only (WSGI), one thread per request; it runs
as its own process:

    amtsweg payment-simulator --port 8081 [--user demo --password geheim]
    python -m amtsweg.payments.simulator --port 8081

Base path as in the document's local server: ``/xbzd/bezahldienst/api/v1``.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import html
import json
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from amtsweg.payments.openapi import schema_problems

BASE = "/xbzd/bezahldienst/api/v1"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]
ID = r"[\w-]{1,36}"
MAX_BODY = 256 * 1024


class Simulator:
    def __init__(self, user: str = "", password: str = "") -> None:
        self.user = user
        self.password = password
        self.lock = threading.Lock()
        self.transactions: dict[str, dict[str, Any]] = {}
        self.requests_seen: set[tuple[str, str, str]] = set()

    # ---- WSGI -----------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/bezahlseite/"):
            return self._paypage(environ, start_response, path.removeprefix("/bezahlseite/").strip("/"))
        if not path.startswith(BASE):
            return self._problem(start_response, 404, "Not Found", "Unbekannter Pfad", "UNSPECIFIED")
        route = path.removeprefix(BASE)
        if route == "/status" and method == "GET":
            return self._healthy(start_response)
        if not self._authorised(environ):
            return self._problem(
                start_response, 403, "Forbidden", "Die Authentifizierung ist fehlgeschlagen", "FORBIDDEN"
            )
        if match := re.fullmatch(rf"/paymenttransaction/({ID})/({ID})", route):
            if method == "POST":
                return self._create(environ, start_response, match.group(1), match.group(2))
        elif match := re.fullmatch(rf"/paymenttransaction/({ID})/({ID})/({ID})", route):
            if method == "GET":
                return self._get(environ, start_response, *match.groups())
        elif re.fullmatch(rf"/status/({ID})/({ID})", route) and method == "GET":
            return self._healthy(start_response)
        elif re.fullmatch(rf"/payment-methods/({ID})/({ID})", route) and method == "GET":
            return self._json(
                start_response,
                200,
                {"paymentMethods": {"up": ["CREDITCARD", "PAYPAL", "GIROPAY"], "down": []}},
            )
        elif re.fullmatch(rf"/maintenance/({ID})/({ID})", route) and method == "GET":
            return self._json(start_response, 200, {"maintenanceWindows": []})
        return self._problem(start_response, 404, "Not Found", "Unbekannter Pfad", "UNSPECIFIED")

    # ---- API ------------------------------------------------------------------------------------------

    def _authorised(self, environ: dict[str, Any]) -> bool:
        if not self.user:
            return True
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _space, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _colon, password = base64.b64decode(value).decode("utf-8").partition(":")
        except ValueError:
            return False
        return secrets.compare_digest(user, self.user) and secrets.compare_digest(password, self.password)

    def _create(
        self, environ: dict[str, Any], start_response: StartResponse, originator: str, endpoint: str
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(min(length, MAX_BODY)) or b"null")
        except ValueError:
            return self._problem(start_response, 400, "Bad Request", "Kein JSON", "VALIDATION_ERROR")
        problems = schema_problems("PaymentRequest", body)
        if problems:
            detail = re.sub(r"[^\w\s\-,\.\u00C0-\u017F]", " ", problems[0])[:2000]
            return self._problem(start_response, 400, "Bad Request", detail, "VALIDATION_ERROR")
        total = round(sum(item["totalNetAmount"] + item["totalTaxAmount"] for item in body["items"]), 2)
        if abs(total - body["grossAmount"]) > 0.005:
            return self._problem(
                start_response, 400, "Bad Request", "Summe der Positionen passt nicht", "CALCULATION_ERROR"
            )
        key = (originator, endpoint, body["requestId"])
        with self.lock:
            if key in self.requests_seen:
                return self._problem(
                    start_response, 400, "Bad Request", "Zahlung existiert bereits", "PAYMENT_EXISTS"
                )
            self.requests_seen.add(key)
            transaction_id = secrets.token_hex(12)
            self.transactions[transaction_id] = {
                "originator": originator,
                "endpoint": endpoint,
                "request": body,
                "status": "INITIAL",
                "host": self._host(environ),
            }
            payload = self._transaction(transaction_id)
        return self._json(start_response, 200, payload, schema="PaymentTransaction")

    def _get(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        originator: str,
        endpoint: str,
        transaction_id: str,
    ) -> Iterable[bytes]:
        with self.lock:
            found = self.transactions.get(transaction_id)
            if found is None or found["originator"] != originator or found["endpoint"] != endpoint:
                return self._problem(
                    start_response,
                    404,
                    "Not found",
                    "Transaktion unbekannt",
                    "NO_VALID_ORIGINATOR_OR_ENDPOINT",
                )
            payload = self._transaction(transaction_id)
        return self._json(start_response, 200, payload, schema="PaymentTransaction")

    def _transaction(self, transaction_id: str) -> dict[str, Any]:
        entry = self.transactions[transaction_id]
        base = f"{entry['host']}{BASE}/paymenttransaction/{entry['originator']}/{entry['endpoint']}"
        info: dict[str, Any] = {
            "transactionUrl": f"{base}/{transaction_id}",
            "transactionId": transaction_id,
            "status": entry["status"],
            # Required by the schema in every state (the text says "only while INITIAL"); the pay page of a
            # finished transaction says so.
            "transactionRedirectUrl": f"{entry['host']}/bezahlseite/{transaction_id}",
        }
        if entry["status"] == "PAYED":
            info["transactionReference"] = entry["reference"]
            info["transactionTimestamp"] = entry["paid_at"]
            info["paymentMethod"] = entry["method"]
            info["statusDetail"] = "Testzahlung_gebucht"
        return {"paymentInformation": info, "paymentRequest": entry["request"]}

    # ---- pay page -----------------------------------------------------------------------------------

    def _paypage(
        self, environ: dict[str, Any], start_response: StartResponse, transaction_id: str
    ) -> Iterable[bytes]:
        with self.lock:
            entry = self.transactions.get(transaction_id)
        if entry is None:
            return self._html(start_response, "404 Not Found", "<h1>Unbekannte Zahlung</h1>")
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(min(length, 4096)).decode("utf-8"))
            choice = form.get("aktion", [""])[0]
            with self.lock:
                if entry["status"] == "INITIAL":
                    if choice in ("CREDITCARD", "PAYPAL", "GIROPAY"):
                        entry["status"] = "PAYED"
                        entry["method"] = choice
                        entry["reference"] = "KZ-" + secrets.token_hex(4).upper()
                        entry["paid_at"] = (
                            datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")
                        )
                    elif choice == "abbrechen":
                        entry["status"] = "CANCELED"
                    elif choice == "fehler":
                        entry["status"] = "FAILED"
            start_response("303 See Other", [("Location", entry["request"]["redirectUrl"])])
            return [b""]
        request = entry["request"]
        amount = f"{request['grossAmount']:.2f}".replace(".", ",")
        done = entry["status"] != "INITIAL"
        body = f"""
<main>
<p class="test"><strong>Testbezahldienst (Simulator)</strong> – hier wird kein echtes Geld bewegt.</p>
<h1>Bezahlen: {amount} €</h1>
<p>Verwendungszweck: {html.escape(request.get("purpose", ""))}</p>
<p>{html.escape(request.get("description", ""))}</p>
{"<p>Diese Zahlung ist bereits abgeschlossen.</p>" if done else ""}
<form method="post">
  <fieldset {"disabled" if done else ""}>
    <legend>Zahlart wählen</legend>
    <button type="submit" name="aktion" value="CREDITCARD">Mit Kreditkarte bezahlen</button>
    <button type="submit" name="aktion" value="PAYPAL">Mit PayPal bezahlen</button>
    <button type="submit" name="aktion" value="GIROPAY">Mit giropay bezahlen</button>
  </fieldset>
  <fieldset {"disabled" if done else ""}>
    <legend>Test ohne Zahlung</legend>
    <button type="submit" name="aktion" value="abbrechen">Zahlung abbrechen</button>
    <button type="submit" name="aktion" value="fehler">Fehlschlag simulieren</button>
  </fieldset>
</form>
</main>"""
        return self._html(start_response, "200 OK", body)

    # ---- answers ------------------------------------------------------------------------------------

    @staticmethod
    def _host(environ: dict[str, Any]) -> str:
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

    def _json(
        self,
        start_response: StartResponse,
        status: int,
        payload: Any,
        schema: str = "",
        content_type: str = "application/json",
    ) -> Iterable[bytes]:
        if schema and (problems := schema_problems(schema, payload)):
            status, payload = (
                500,
                {"status": 500, "title": "Internal Server Error", "detail": problems[0][:2000]},
            )
            content_type = "application/problem+json"
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        reason = {
            200: "OK",
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            500: "Internal Server Error",
        }
        start_response(
            f"{status} {reason.get(status, 'Error')}",
            [("Content-Type", f"{content_type}; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _problem(
        self, start_response: StartResponse, status: int, title: str, detail: str, code: str
    ) -> Iterable[bytes]:
        payload = {
            "type": "https://docs.fitko.de/xbezahldienste/API-SystemResponse/",
            "status": status,
            "title": title,
            "detail": detail,
            "functionalCode": code,
        }
        return self._json(
            start_response, status, payload, schema="SystemResponse", content_type="application/problem+json"
        )

    def _healthy(self, start_response: StartResponse) -> Iterable[bytes]:
        payload = {"status": 200, "title": "OK", "detail": "Testbezahldienst bereit"}
        return self._json(
            start_response, 200, payload, schema="SystemResponse", content_type="application/problem+json"
        )

    @staticmethod
    def _html(start_response: StartResponse, status: str, main: str) -> Iterable[bytes]:
        page = f"""<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Testbezahldienst</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
.test{{background:#fff3cd;border:2px solid #8a6d00;padding:.75rem}}
button{{font-size:1rem;margin:.25rem;padding:.5rem 1rem}}fieldset{{margin:1rem 0}}</style></head>
<body>{main}</body></html>"""
        body = page.encode("utf-8")
        start_response(
            status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        )
        return [body]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(port: int, host: str = "127.0.0.1", user: str = "", password: str = "") -> None:
    server = make_server(
        host, port, Simulator(user, password), server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    print(f"Testbezahldienst (XBezahldienste 1.2) auf http://{host}:{port}{BASE}", flush=True)
    server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Lokaler Testbezahldienst (XBezahldienste 1.2)")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--user", default="", help="Benutzername für Basic-Authentifizierung (leer: keine)")
    parser.add_argument("--password", default="")
    options = parser.parse_args(argv)
    serve(options.port, options.host, options.user, options.password)


if __name__ == "__main__":
    main(sys.argv[1:])
