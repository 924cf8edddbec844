"""Optional language-model providers for "Frag den Kreis" (off by default).

A provider gets the question and the passages the search retrieved, and must answer **only from them**,
citing them as [1], [2] …. An answer that cites no passage, or one that does not exist, is discarded and
the extractive answer is shown instead. Providers register in ``llm_providers``.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from amtsweg.core.registry import Registry

TIMEOUT_SECONDS = 20
SYSTEM_PROMPT = (
    "Du bist der Auskunftsdienst einer Kreisverwaltung. Antworte kurz auf Deutsch und nur mit Aussagen aus "
    "den nummerierten Quellen. Belege jede Aussage mit der Nummer der Quelle in eckigen Klammern, z. B. [1]. "
    "Steht die Antwort nicht in den Quellen, antworte genau: KEINE ANTWORT."
)


@dataclass(frozen=True)
class Source:
    title: str
    text: str
    url: str


@dataclass(frozen=True)
class GroundedAnswer:
    text: str
    cited: list[int]


class LlmProvider(Protocol):
    def answer(self, question: str, sources: Sequence[Source]) -> GroundedAnswer | None: ...


llm_providers: Registry[Callable[..., LlmProvider]] = Registry("KI-Anbieter")
_CITATION = re.compile(r"\[(\d{1,2})\]")


def check_grounded(text: str, source_count: int) -> GroundedAnswer | None:
    """Accept only answers that cite at least one existing source and none that does not exist."""
    text = text.strip()
    cited = sorted({int(n) for n in _CITATION.findall(text)})
    if not text or "KEINE ANTWORT" in text or not cited or any(n < 1 or n > source_count for n in cited):
        return None
    return GroundedAnswer(text=text[:2000], cited=cited)


@llm_providers.register("openai")
class OpenAICompatible:
    """Any endpoint that speaks the OpenAI chat-completions API (vLLM, llama.cpp server, Ollama …)."""

    def __init__(self, *, base_url: str, model: str, api_key: str = "") -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("Die Adresse des KI-Dienstes muss mit http:// oder https:// beginnen.")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key

    def answer(self, question: str, sources: Sequence[Source]) -> GroundedAnswer | None:
        if not sources:
            return None
        numbered = "\n\n".join(f"[{i}] {s.title}: {s.text}" for i, s in enumerate(sources, start=1))
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"Quellen:\n{numbered}\n\nFrage: {question}"},
            ],
        }
        request = urllib.request.Request(  # noqa: S310 - URL scheme checked in __init__
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                data = json.loads(response.read(1_000_000))
            text = data["choices"][0]["message"]["content"]
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return None
        return check_grounded(str(text), len(sources))


def configured_provider() -> LlmProvider | None:
    """The provider chosen in the settings, or ``None`` (the default: extractive answers only)."""
    name = settings.AMTSWEG_ASSISTANT_LLM_PROVIDER.strip()
    if not name or name not in llm_providers:
        return None
    return llm_providers[name](
        base_url=settings.AMTSWEG_ASSISTANT_LLM_URL,
        model=settings.AMTSWEG_ASSISTANT_LLM_MODEL,
        api_key=settings.AMTSWEG_ASSISTANT_LLM_API_KEY,
    )
