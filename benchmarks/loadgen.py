"""A small closed-loop HTTP load generator: N client threads, each sending its next request when the
previous answer is complete. Pure Python, so it runs anywhere Amtsweg runs; it shares the machine's
cores with the server under test, which every figure it produces must say.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Result:
    """What one scenario measured."""

    name: str
    path: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)
    bytes_received: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency in milliseconds below which ``fraction`` of the requests completed (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def p50(self) -> float:
        return self.percentile(0.50)

    @property
    def p99(self) -> float:
        return self.percentile(0.99)


def _client(
    host: str,
    port: int,
    path: str,
    deadline: float,
    result: Result,
    lock: threading.Lock,
    record: bool,
    number: int,
) -> None:
    # A server that closes every connection (gunicorn's sync workers) leaves one socket in TIME_WAIT per
    # request; at a few thousand requests per second one source address runs out of ports within a
    # minute. On loopback every client thread therefore connects from its own address (127.0.0.0/8).
    source = (f"127.0.1.{number % 250 + 1}", 0) if host.startswith("127.") else None
    connection = http.client.HTTPConnection(host, port, timeout=30, source_address=source)
    latencies: list[float] = []
    kinds: Counter[str] = Counter()
    received = 0
    headers = {"Accept-Language": "de", "User-Agent": "amtsweg-bench"}
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                kinds[f"HTTP {response.status}"] += 1
            else:
                latencies.append(elapsed)
                received += len(body)
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            kinds[f"{type(error).__name__}: {error}"[:120]] += 1
            connection.close()
    connection.close()
    if record:
        with lock:
            result.latencies.extend(latencies)
            result.errors += sum(kinds.values())
            result.error_kinds.update(kinds)
            result.bytes_received += received


def run(
    name: str, host: str, port: int, path: str, *, clients: int, seconds: float, warmup: float = 0.0
) -> Result:
    """Warm up, then keep ``clients`` requests in flight against ``path`` for ``seconds``."""
    lock = threading.Lock()
    if warmup > 0:
        _run_threads(host, port, path, clients, warmup, Result(name, path, warmup), lock, record=False)
    result = Result(name, path, seconds)
    _run_threads(host, port, path, clients, seconds, result, lock, record=True)
    return result


def _run_threads(
    host: str,
    port: int,
    path: str,
    clients: int,
    seconds: float,
    result: Result,
    lock: threading.Lock,
    record: bool,
) -> None:
    started = time.perf_counter()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=_client, args=(host, port, path, deadline, result, lock, record, number), daemon=True
        )
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Requests still in flight at the deadline finish after it; count the real wall time.
    result.seconds = time.perf_counter() - started
