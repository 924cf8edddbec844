"""The one way to make a PDF: tagged (PDF/UA-1), German, titled, and it loads nothing from outside."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader

from amtsweg.core.pdf import pdf_render, static_file_path
from amtsweg.testing import pdf_accessibility_problems

# A 1×1 PNG, small enough to write inline.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _page(body: str, title: str = "Testdokument") -> str:
    return f'<!DOCTYPE html><html lang="de"><head><title>{title}</title></head><body>{body}</body></html>'


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_is_tagged_german_and_titled() -> None:
    pdf = pdf_render(_page("<h1>Bescheid über Ihren Antrag</h1><p>Größe geprüft.</p>", "Bescheid Ü"))
    assert pdf_accessibility_problems(pdf, title="Bescheid Ü") == []


def test_a_document_without_title_gets_the_site_name() -> None:
    pdf = pdf_render('<!DOCTYPE html><html lang="de"><body><p>ohne Titel</p></body></html>')
    assert pdf_accessibility_problems(pdf, title="Amtsweg") == []


def test_urls_in_user_input_are_not_fetched(web_server: tuple[str, list[str]]) -> None:
    base, requests = web_server
    hostile = (
        f'<p>Name: <img src="{base}/bild.png" alt="x"></p>'
        f'<link rel="stylesheet" href="{base}/stil.css">'
        f'<div style="background: url({base}/hintergrund.png)">Text</div>'
        '<img src="file:///etc/hostname" alt="y"><img src="/etc/hostname" alt="z">'
        '<img src="/static/../../../../etc/hostname" alt="w">'
    )
    pdf = pdf_render(_page(hostile))
    assert requests == []
    assert _images(pdf) == 0
    assert pdf_accessibility_problems(pdf) == []


def test_data_urls_and_own_static_files_are_allowed() -> None:
    inline = base64.b64encode(PNG).decode()
    pdf = pdf_render(_page(f'<img src="data:image/png;base64,{inline}" alt="Wappen">'))
    assert _images(pdf) == 1
    assert static_file_path("file:///static/amtsweg/amtsweg.css") is not None
    for refused in (
        "file:///etc/passwd",
        "file:///static/../etc/passwd",
        "file://example.org/static/amtsweg/amtsweg.css",
        "http://example.org/static/amtsweg/amtsweg.css",
    ):
        assert static_file_path(refused) is None


def test_every_pdf_goes_through_the_one_helper() -> None:
    """Only core/pdf.py talks to WeasyPrint: no other module can forget the tags or the URL fetcher."""
    from pathlib import Path

    import amtsweg

    root = Path(amtsweg.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path != root / "core" / "pdf.py"
        and ("from weasyprint" in (text := path.read_text(encoding="utf-8")) or "import weasyprint" in text)
    ]
    assert offenders == []
