"""The optional LLM provider against a small OpenAI-compatible server started in the test."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from amtsweg.assistant.llm import OpenAICompatible, Source, check_grounded, configured_provider, llm_providers

SOURCES = [
    Source("Reisepass beantragen", "Ein Reisepass kostet 70 Euro.", "/leistungen/reisepass-beantragen/"),
    Source(
        "Personalausweis beantragen", "Ein Personalausweis kostet 37 Euro.", "/leistungen/personalausweis/"
    ),
]


class FakeLlm(BaseHTTPRequestHandler):
    reply: ClassVar[str] = ""
    status: ClassVar[int] = 200
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        payload = json.dumps(
            {"choices": [{"message": {"role": "assistant", "content": self.reply}}]}
        ).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), FakeLlm)
    FakeLlm.received = []
    FakeLlm.status = 200
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_a_cited_answer_from_the_sources_is_accepted(server: str) -> None:
    FakeLlm.reply = "Ein Reisepass kostet 70 Euro [1]."
    provider = OpenAICompatible(base_url=server, model="test-modell", api_key="geheim")
    answer = provider.answer("Was kostet ein Reisepass?", SOURCES)
    assert answer is not None
    assert answer.cited == [1]
    request = FakeLlm.received[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer geheim"
    assert request["body"]["model"] == "test-modell"
    assert (
        "[1] Reisepass beantragen: Ein Reisepass kostet 70 Euro." in request["body"]["messages"][1]["content"]
    )


@pytest.mark.parametrize(
    "reply", ["Ein Reisepass kostet 70 Euro.", "Siehe Quelle [3].", "KEINE ANTWORT", ""], ids=str
)
def test_answers_without_valid_citations_are_discarded(server: str, reply: str) -> None:
    FakeLlm.reply = reply
    assert OpenAICompatible(base_url=server, model="m").answer("Frage?", SOURCES) is None


def test_a_failing_endpoint_gives_no_answer_instead_of_an_error(server: str) -> None:
    FakeLlm.status = 500
    FakeLlm.reply = "Fehler [1]"
    assert OpenAICompatible(base_url=server, model="m").answer("Frage?", SOURCES) is None
    assert OpenAICompatible(base_url="http://127.0.0.1:9/v1", model="m").answer("Frage?", SOURCES) is None


def test_no_sources_means_no_call() -> None:
    assert OpenAICompatible(base_url="http://127.0.0.1:9/v1", model="m").answer("Frage?", []) is None


def test_the_provider_is_off_by_default_and_registered_by_name(settings: Any) -> None:
    assert configured_provider() is None
    assert "openai" in llm_providers
    settings.AMTSWEG_ASSISTANT_LLM_PROVIDER = "openai"
    settings.AMTSWEG_ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"
    assert isinstance(configured_provider(), OpenAICompatible)
    with pytest.raises(ValueError, match="http"):
        OpenAICompatible(base_url="file:///etc/passwd", model="m")


def test_citation_check() -> None:
    assert check_grounded("Ja [1][2].", 2) is not None
    assert check_grounded("Ja [0].", 2) is None
