"""Test helper: the local payment provider simulator (:mod:`amtsweg.payments.simulator`) in a second process.

Used by the payment tests and the browser journey; not imported by the application.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from amtsweg.accounts.providers.testing import free_port, running
from amtsweg.payments.simulator import BASE


@contextmanager
def simulator_running(user: str = "", password: str = "") -> Iterator[str]:
    """Start the simulator on a free port; yields its API base URL."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="amtsweg-bezahldienst-")) / "simulator.log"
    args = [sys.executable, "-m", "amtsweg.payments.simulator", "--port", str(port)]
    if user:
        args += ["--user", user, "--password", password]
    with running(args, {}, port, log):
        yield f"http://127.0.0.1:{port}{BASE}"


def fee_set(version: Any, timing: str = "vor") -> Any:
    """The test fee of ``version``: 10 € plus 5 € per dog (field ``hund``), set by the system."""
    from amtsweg.core.actors import Actor
    from amtsweg.payments.models import FormFee
    from amtsweg.payments.services import fee_save

    fee = FormFee(
        form_version=version,
        amount=Decimal("10.00"),
        positions=[{"label": "je Hund", "amount": "5.00", "per": "hund"}],
        purpose="Hundesteuer Anmeldung",
        description="Anmeldung zur Hundesteuer",
        timing=timing,
    )
    return fee_save(actor=Actor.system("test"), fee=fee)
