"""Test helper: the local event receiver (:mod:`amtsweg.events.receiver`) in a second process.

Used by the events tests and the event benchmark; not imported by the application.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amtsweg.accounts.providers.testing import free_port, running


@dataclass(frozen=True)
class LocalReceiver:
    base: str

    @property
    def url(self) -> str:
        return f"{self.base}/ereignisse"

    def received(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url, timeout=10) as answer:  # noqa: S310 - local test server
            return json.loads(answer.read())

    def events(self) -> list[dict[str, Any]]:
        return [entry["event"] for entry in self.received()["empfangen"]]

    def fail_next(self, count: int) -> None:
        request = urllib.request.Request(  # noqa: S310 - local test server
            f"{self.base}/steuerung?fehler={count}", method="POST", data=b""
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - local test server
            pass


@contextmanager
def receiver_running(secret: str) -> Iterator[LocalReceiver]:
    """Start the receiver on a free port with ``secret``; stopped when the block ends."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="amtsweg-receiver-")) / "receiver.log"
    args = [sys.executable, "-m", "amtsweg.events.receiver", "--port", str(port), "--secret", secret]
    with running(args, {}, port, log):
        yield LocalReceiver(f"http://127.0.0.1:{port}")
