"""Turning imported text (plain text or HTML) into safe plain text with paragraphs.

The catalogue stores plain text only; templates escape it on output. HTML from other systems is
reduced to its text with the standard library's parser: block elements become paragraphs, list
items become lines starting with "– ", ``script``/``style`` and similar elements are dropped with
their content. The result never contains anything that looks like a tag, so converting it again
changes nothing (an export re-imported stays the same).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text for a reader.
_DROP = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head"}
)
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "main", "nav", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "tr", "pre", "address",
        "figure", "figcaption", "form", "fieldset", "details", "summary", "hr",
    }
)  # fmt: skip
_LINE = frozenset({"br", "li", "dt", "dd"})
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "wbr", "source", "track"}
)

_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_HTML_HINT = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9-]*\s*|!--.*?--)>", re.S
)
# C0/C1 control characters except tab and newline; PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_MANY_BREAKS = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            if tag not in _VOID:
                self.dropping += 1
            return
        if tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n– ")
        elif tag in _LINE or tag in {"td", "th"}:
            self.parts.append("\n" if tag in _LINE else " ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            # Line breaks inside HTML text are just spaces.
            self.parts.append(re.sub(r"\s*\n\s*", " ", data))


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text))


def normalize_plain(text: str) -> str:
    """Plain text in normal form: Unix line breaks, no control characters, single spaces, no double gaps."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()
    # Whatever remains must not look like markup (e.g. "&lt;script&gt;" decoded to text).
    return _TAG_LIKE.sub("‹", text)


def html_to_text(value: str) -> str:
    """Plain text from ``value``, which may be plain text or an HTML fragment."""
    if not looks_like_html(value):
        return normalize_plain(value)
    parser = _TextExtractor()
    parser.feed(_CONTROL.sub("", value))
    parser.close()
    return normalize_plain("".join(parser.parts))


def single_line(value: str) -> str:
    """A name or keyword: text without markup on one line."""
    return " ".join(html_to_text(value).split())
