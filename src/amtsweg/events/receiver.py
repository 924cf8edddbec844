"""A local event receiver: the test partner of outbound events, run as its own process.

It stands for a specialist system: it accepts ``POST /ereignisse`` with a CloudEvent, checks the Standard
Webhooks signature with the subscription's secret (:func:`amtsweg.events.signing.signature_verify`) and the
event against the CloudEvents JSON Schema, and keeps what it received in memory. ``GET /ereignisse`` lists
it as JSON (for tests and the benchmark); ``POST /steuerung?fehler=N`` makes the next N deliveries fail with
503 (to see retries). Plain WSGI from the standard library, one thread per request, no Django.

    python -m amtsweg.events.receiver --port 8090 --secret whsec_...
    amtsweg event-receiver --port 8090 --secret whsec_...
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from amtsweg.events.cloudevents import event_problems
from amtsweg.events.signing import signature_verify

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
MAX_BODY = 1024 * 1024


class Receiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.lock = threading.Lock()
        self.received: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.fail_next = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/ereignisse" and method == "GET":
            with self.lock:
                payload = {"empfangen": self.received, "abgelehnt": self.rejected}
            return self._json(start_response, "200 OK", payload)
        if path == "/ereignisse" and method == "POST":
            return self._receive(environ, start_response)
        if path == "/steuerung" and method == "POST":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            with self.lock:
                self.fail_next = int(query.get("fehler", ["0"])[0] or 0)
                if query.get("leeren"):
                    self.received.clear()
                    self.rejected.clear()
            return self._json(start_response, "200 OK", {"fehler": self.fail_next})
        return self._json(start_response, "404 Not Found", {"detail": "unbekannter Pfad"})

    def _receive(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(min(length, MAX_BODY))
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return self._json(start_response, "503 Service Unavailable", {"detail": "absichtlich"})
        problems: list[str] = []
        if not environ.get("CONTENT_TYPE", "").startswith("application/cloudevents+json"):
            problems.append("Content-Type ist nicht application/cloudevents+json")
        if not signature_verify(self.secret, headers, body):
            problems.append("Signatur ungültig")
        try:
            envelope = json.loads(body)
        except ValueError:
            envelope = None
            problems.append("kein JSON")
        if envelope is not None:
            problems.extend(event_problems(envelope))
        record = {
            "webhook_id": headers.get("webhook-id", ""),
            "received_at": time.time(),
            "event": envelope,
        }
        with self.lock:
            if problems:
                self.rejected.append({**record, "problems": problems})
            else:
                self.received.append(record)
        if problems:
            return self._json(start_response, "400 Bad Request", {"problems": problems})
        start_response("204 No Content", [])
        return [b""]

    @staticmethod
    def _json(start_response: StartResponse, status: str, payload: Any) -> Iterable[bytes]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        start_response(
            status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))]
        )
        return [body]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(port: int, secret: str, host: str = "127.0.0.1") -> None:
    server = make_server(
        host, port, Receiver(secret), server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    print(f"Ereignis-Empfänger auf http://{host}:{port}/ereignisse", flush=True)
    server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Lokaler Empfänger für Ereignisse von Amtsweg (Testpartner)")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", required=True, help="Signaturgeheimnis des Abonnements (whsec_…)")
    options = parser.parse_args(argv)
    serve(options.port, options.secret, options.host)


if __name__ == "__main__":
    main(sys.argv[1:])
