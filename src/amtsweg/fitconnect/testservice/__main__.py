"""``python -m amtsweg.fitconnect.testservice --port 0``: run the local FIT-Connect test service.

Prints ``FITCONNECT_TESTSERVICE http://127.0.0.1:<port>`` on the first line once it listens (port 0 picks
a free one), then serves until it is stopped. ``--setup FILE`` loads clients and destinations (the body of
``POST /_test/setup``) at start.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from pathlib import Path

from werkzeug.serving import make_server

from amtsweg.fitconnect.testservice.app import FitConnectTestService


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Lokaler FIT-Connect-Testdienst (Submission und Routing API)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--setup", type=Path, help="JSON-Datei mit Clients und Zustellpunkten")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    service = FitConnectTestService()
    server = make_server(args.host, args.port, service, threaded=True)
    base_url = f"http://{args.host}:{server.server_port}"
    service.set_base_url(base_url)
    if args.setup:
        from werkzeug.test import Client

        response = Client(service).post("/_test/setup", json=json.loads(args.setup.read_text("utf-8")))
        if response.status_code != 200:
            sys.exit(f"Einrichtung fehlgeschlagen: {response.get_data(as_text=True)}")
    print(f"FITCONNECT_TESTSERVICE {base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
