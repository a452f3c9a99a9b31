"""Files → Documents: text kept as written, HTML and PDF extracted, clear errors for everything unreadable."""

from __future__ import annotations

import io
import json
import re
import threading
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from index.loaders import discover, load_file
from index.pdf_text import ExtractLimits, pdf_to_text
from service.errors import ClientGoneError, InputError, UnreadableDocumentError, UnsupportedFileTypeError

pytestmark = pytest.mark.unit

ARTICLE_HTML = """<!doctype html>
<html><head><title>Acme results</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/about">About us</a> | Subscribe to our newsletter</nav>
<article>
<h1>Acme results</h1>
<p>Acme Corporation reported revenue of 6.4 billion dollars in 2023, up from 5.1 billion dollars the year
before, according to its annual report published in March.</p>
<p>The company employs 200,000 people across forty countries and plans to open three new factories.</p>
</article>
<footer>Copyright 2024 Example News. All rights reserved. Privacy policy.</footer>
</body></html>
"""


def tiny_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF whose content stream draws `lines` in Helvetica."""
    operators = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(operators)} >>\nstream\n{operators}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def load_one(path: Path, doc_id: str | None = None):  # type: ignore[no-untyped-def]
    documents = list(load_file(path, doc_id or path.name))
    assert len(documents) == 1
    return documents[0]


# ---- plain text ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_text_files_are_stored_byte_for_byte(tmp_path: Path, suffix: str) -> None:
    raw = "  # Café report\r\n\r\nRevenue was $6.4B in 2023 — up 12%.\n\n\tIndented line.  \n".encode()
    path = tmp_path / f"report{suffix}"
    path.write_bytes(raw)

    document = load_one(path)

    assert document.text.encode("utf-8") == raw  # CRLF, tabs, leading/trailing spaces all kept
    assert document.doc_id == f"report{suffix}"
    assert document.title == "report"
    assert document.source == f"report{suffix}"  # relative to what was ingested: no server path (issue 28, 11)
    assert str(tmp_path) not in document.source
    start = document.text.index("Revenue")
    end = document.text.index("%.") + 2
    assert raw.decode("utf-8")[start:end] == "Revenue was $6.4B in 2023 — up 12%."


def test_non_utf8_text_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9 au lait".encode("latin-1"))

    with pytest.raises(UnreadableDocumentError) as caught:
        load_one(path)

    assert "latin1.txt" in str(caught.value)
    assert "UTF-8" in str(caught.value)


def test_blank_text_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text("  \n\n\t\n", encoding="utf-8")

    with pytest.raises(UnreadableDocumentError, match="no text"):
        load_one(path)


# ---- HTML ------------------------------------------------------------------------------------------------

def test_html_keeps_the_article_and_drops_markup_and_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "acme.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")

    document = load_one(path)

    assert "Acme Corporation reported revenue of 6.4 billion dollars in 2023" in document.text
    assert "employs 200,000 people" in document.text
    assert "<" not in document.text and ">" not in document.text
    assert "Subscribe to our newsletter" not in document.text
    assert "All rights reserved" not in document.text


def test_html_without_content_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>var shown = false;</script></body></html>", encoding="utf-8")

    with pytest.raises(UnreadableDocumentError, match=re.escape("empty.html")):
        load_one(path)


# ---- PDF -------------------------------------------------------------------------------------------------

def test_the_hand_made_pdf_is_valid() -> None:
    reader = PdfReader(io.BytesIO(tiny_pdf(["Hello PDF world."])))
    assert len(reader.pages) == 1
    assert "Hello PDF world." in (reader.pages[0].extract_text() or "")


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "annual.pdf"
    path.write_bytes(tiny_pdf(["Acme revenue was 6.4 billion dollars.", "It employs 200,000 people."]))

    document = load_one(path)

    assert "Acme revenue was 6.4 billion dollars." in document.text
    assert "It employs 200,000 people." in document.text
    assert document.doc_id == "annual.pdf"


@pytest.mark.parametrize(
    "data",
    [b"not a pdf at all", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", tiny_pdf(["Some text."])[:150]],
    ids=["no-header", "truncated-object", "truncated-file"],
)
def test_corrupt_pdf_is_unreadable(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)

    with pytest.raises(UnreadableDocumentError, match=re.escape("broken.pdf")):
        load_one(path)


def test_pdf_without_text_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(tiny_pdf([]))

    with pytest.raises(UnreadableDocumentError, match="no extractable text"):
        load_one(path)


# ---- file types and paths --------------------------------------------------------------------------------

def test_unknown_suffix_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "setup.exe"
    path.write_bytes(b"MZ\x90\x00")

    with pytest.raises(UnsupportedFileTypeError, match=r"\.exe"):
        discover([path])
    with pytest.raises(UnsupportedFileTypeError):
        list(load_file(path, "setup.exe"))


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "notes.txt"

    with pytest.raises(InputError, match="no such file") as caught:
        discover([missing])

    assert type(caught.value) is InputError
    assert str(missing) in str(caught.value)


def test_every_path_is_checked_before_anything_is_returned(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Fine.", encoding="utf-8")

    with pytest.raises(InputError):
        discover([good, tmp_path / "missing.txt"])


def test_folder_walk_uses_relative_ids_and_skips_hidden_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "notes" / "2023").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "notes" / "2023" / "march.md").write_text("March.", encoding="utf-8")
    (tmp_path / "readme.TXT").write_text("Readme.", encoding="utf-8")
    (tmp_path / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / ".secret.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".git" / "config.txt").write_text("Hidden folder.", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "tool.exe").write_bytes(b"MZ")

    found = discover([tmp_path])

    assert [doc_id for _, doc_id in found] == ["notes/2023/march.md", "page.html", "readme.TXT"]
    assert all(path.is_file() and path.is_relative_to(tmp_path) for path, _ in found)


def test_single_file_id_is_its_name(tmp_path: Path) -> None:
    (tmp_path / "deep").mkdir()
    path = tmp_path / "deep" / "a.txt"
    path.write_text("A.", encoding="utf-8")

    assert discover([path]) == [(path, "a.txt")]


# ---- JSONL -----------------------------------------------------------------------------------------------

def test_jsonl_lines_become_documents(tmp_path: Path) -> None:
    rows = [
        {"id": "acme-2023", "text": "Acme earned $6.4B.", "title": "Acme", "url": "https://e.com/a",
         "date": "2024-03-01"},
        {"id": 7, "text": "Seven."},
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n\n" + json.dumps(rows[1]) + "\n", encoding="utf-8")

    documents = list(load_file(path, "corpus.jsonl"))

    assert [d.doc_id for d in documents] == ["acme-2023", "7"]
    first, second = documents
    assert (first.text, first.title, first.url, first.date) == (
        "Acme earned $6.4B.", "Acme", "https://e.com/a", "2024-03-01")
    assert (second.title, second.url, second.date) == (None, None, None)


def test_jsonl_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"id": "a", "text": "A."}\n{"id": "b", "text": \n', encoding="utf-8")

    with pytest.raises(UnreadableDocumentError) as caught:
        list(load_file(path, "corpus.jsonl"))

    assert "corpus.jsonl:2" in str(caught.value) and str(tmp_path) not in str(caught.value)
    assert "bad JSON" in str(caught.value)


@pytest.mark.parametrize(
    "row",
    [{"id": "a"}, {"id": "a", "text": 5}, {"text": "No id."}, {"id": "a", "text": "A.", "title": 3}, ["a", "b"]],
    ids=["missing-text", "text-not-string", "missing-id", "title-not-string", "not-an-object"],
)
def test_jsonl_rows_missing_fields_are_rejected(tmp_path: Path, row: object) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": "Fine."}) + "\n" + json.dumps(row) + "\n", encoding="utf-8")

    with pytest.raises(UnreadableDocumentError, match=re.escape("corpus.jsonl:2")):
        list(load_file(path, "corpus.jsonl"))


def test_jsonl_blank_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b'{"id": "a", "text": "   "}\n')

    with pytest.raises(UnreadableDocumentError, match=re.escape("corpus.jsonl:1")):
        list(load_file(path, "corpus.jsonl"))


def test_a_pdf_table_is_written_in_its_place_as_a_table_whose_rows_read_as_facts(tmp_path: Path) -> None:
    from index.structure import Outline
    from tests.unit.index.pdf_files import pdf_with_table

    path = tmp_path / "figures.pdf"
    path.write_bytes(pdf_with_table(["Northwind Labs quarterly figures", "Amounts in millions of dollars."],
                                    [["Item", "2024", "2023"], ["Revenue", "$5,693", "$4,210"],
                                     ["Net loss", "(451)", "(120)"], ["GPUs", "12,288", "8,192"]]))

    (document,) = load_file(path, "figures.pdf")
    outline = Outline.of(document.text)
    read = {document.text[u.start:u.end]: outline.reading(u.start, u.end) for u in outline.units()}

    assert document.text.index("quarterly figures") < document.text.index("| Revenue | $5,693 | $4,210 |")
    assert read["| Revenue | $5,693 | $4,210 |"].endswith("Revenue — 2024: $5,693 million; 2023: $4,210 million")
    assert read["| GPUs | 12,288 | 8,192 |"].endswith("GPUs — 2024: 12,288; 2023: 8,192")


def test_a_pdf_whose_tables_cannot_be_read_still_gives_its_text(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import pdfplumber

    from tests.unit.index.pdf_files import pdf_with_table

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("a table nested too deep")

    monkeypatch.setattr(pdfplumber, "open", broken)
    path = tmp_path / "figures.pdf"
    path.write_bytes(pdf_with_table(["Revenue was $5,693 million in 2024 and $4,210 million in 2023."],
                                    [["Item", "2024", "2023"], ["Revenue", "$5,693", "$4,210"]]))

    (document,) = load_file(path, "figures.pdf")

    assert "Revenue was $5,693 million in 2024" in document.text and "|" not in document.text


def test_html_headings_lists_and_tables_keep_their_shape(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("<html><body><article><h1>Cluster report</h1><p>Our clusters, as of the end of the year, are "
                    "listed below.</p><table><tr><th>Cluster</th><th>GPUs</th></tr><tr><td>Kestrel</td>"
                    "<td>12,288</td></tr></table><h2>Timeline</h2><ul><li>2025-03: Orison switches on its "
                    "Fremont cluster.</li></ul></article></body></html>", encoding="utf-8")

    (document,) = load_file(path, "report.html")

    assert "# Cluster report" in document.text and "## Timeline" in document.text
    assert "| Kestrel | 12,288 |" in document.text and "- 2025-03: Orison switches on" in document.text
# ---- crafted inputs (issue 28, items 3 and 4) --------------------------------------------------------------

CRAFTED_PDFS = {
    "an unknown filter": dict(stream=b"garbage", stream_entries=b"/Filter /FooDecode"),
    "encryption V=99": dict(stream=b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET",
                            trailer_entries=b"/Encrypt << /Filter /Standard /V 99 /R 9 /O (x) /U (y) /P -1 >> "
                                            b"/ID [<00> <00>] "),
    "a TJ array nested 100k deep": dict(stream=b"BT /F1 12 Tf 72 700 Td " + b"[" * 100_000 + b"(x)"
                                        + b"]" * 100_000 + b" TJ ET"),
    "a JBIG2 image stream": dict(stream=b"\x00\x01\x02", stream_entries=b"/Filter /JBIG2Decode"),
    # 80 MB of content stream in 78 KB: past pypdf's 75 MB decompression limit (LimitReachedError)
    "a content stream inflating past 75 MB": dict(stream=zlib.compress(b" " * 80_000_000, 9),
                                                  stream_entries=b"/Filter /FlateDecode"),
}


@pytest.mark.parametrize("crafted", sorted(CRAFTED_PDFS))
def test_a_crafted_pdf_is_unreadable_never_a_crash(tmp_path: Path, crafted: str) -> None:
    from tests.unit.index.pdf_files import raw_pdf

    path = tmp_path / "crafted.pdf"
    path.write_bytes(raw_pdf(**CRAFTED_PDFS[crafted]))

    with pytest.raises(UnreadableDocumentError) as raised:  # pypdf raises NotImplementedError, RecursionError …
        list(load_file(path, "crafted.pdf"))
    assert "crafted.pdf: unreadable PDF" in raised.value.detail and "\n" not in raised.value.detail


def one_page_bomb(operators: int) -> bytes:
    """One page, one text object, `operators` short strings shown on one line: a few kilobytes compressed, and
    pypdf spends its time inside the page (issue 28, item 4)."""
    from tests.unit.index.pdf_files import raw_pdf

    stream = zlib.compress(b"BT /F1 12 Tf 72 700 Td " + b"(xxxxxxxxxxxxxxxxxxxx) Tj " * operators + b"ET", 9)
    return raw_pdf(stream, stream_entries=b"/Filter /FlateDecode")


def test_a_pdf_whose_text_runs_past_the_cap_is_unreadable(tmp_path: Path) -> None:
    from tests.unit.index.pdf_files import raw_pdf

    lines = b" ".join(b"BT /F1 8 Tf 10 %d Td (%s) Tj ET" % (700 - i, b"x" * 200) for i in range(300))
    path = tmp_path / "bomb.pdf"
    path.write_bytes(raw_pdf(lines))

    with pytest.raises(UnreadableDocumentError, match="runs past 10,000 characters"):
        list(load_file(path, "bomb.pdf", ExtractLimits(max_chars=10_000)))
    assert len(next(iter(load_file(path, "bomb.pdf"))).text) > 10_000


def test_reading_a_pdf_stops_inside_a_page_at_its_cap_its_deadline_and_when_nobody_wants_it() -> None:
    """100,000 operators on one page (pypdf needs tens of seconds for all of it): each limit is counted as pypdf
    reads, operator by operator, not once the page is done; how fast each stops is `bench/pdf_bomb.py`'s."""
    data = one_page_bomb(100_000)

    with pytest.raises(UnreadableDocumentError, match="runs past 20,000 characters"):
        pdf_to_text(data, "bomb.pdf", ExtractLimits(max_chars=20_000))
    with pytest.raises(UnreadableDocumentError, match=r"took longer than 0\.01 s"):
        pdf_to_text(data, "bomb.pdf", ExtractLimits(max_seconds=0.01))

    class LeavesAfterTenLooks(threading.Event):
        """The client leaves once the reader has looked ten times: read inside the page, the eleventh look
        stops it; read only between pages, the one look after the page would find it still there."""

        looks = 0

        def is_set(self) -> bool:
            self.looks += 1
            return self.looks > 10

    gone = LeavesAfterTenLooks()
    with pytest.raises(ClientGoneError):
        pdf_to_text(data, "bomb.pdf", ExtractLimits(stop=gone))
    assert gone.looks == 11


def test_a_jsonl_line_nested_100k_deep_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"id": "a", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")

    with pytest.raises(UnreadableDocumentError, match=re.escape("deep.jsonl:1: JSON nested too deep")):
        list(load_file(path, "deep.jsonl"))
