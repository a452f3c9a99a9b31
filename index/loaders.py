"""Files → Documents.

`.txt` and `.md` are stored byte-for-byte as the user's text (strict UTF-8), so citation offsets index the
user's own file. `.html` goes through trafilatura (main-content extraction, boilerplate dropped, written as
Markdown so headings, lists and tables keep their shape) and `.pdf` through pypdf; for those the extracted text
is what is stored and cited. `.jsonl` holds one document per
line: `{"id", "text", "title"?, "url"?, "date"?}`, read line by line so a large corpus file is never held whole.

A document's id is its path relative to the folder given to ingest (or the file name when a single file
is given), or the JSONL `id`.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from index.dates import document_period
from service.domain import Document
from service.errors import InputError, UnreadableDocumentError, UnsupportedFileTypeError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".jsonl"}


def discover(paths: list[Path]) -> list[tuple[Path, str]]:
    """Expand files and folders into `(file, doc_id)` pairs; every path is checked before anything loads.

    Folders are walked recursively and files of unsupported types inside them are skipped (hidden files
    too); a file named explicitly must be of a supported type.
    """
    found: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                hidden = any(part.startswith(".") for part in relative.parts)
                if file.is_file() and not hidden and file.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append((file, relative.as_posix()))
        else:
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise UnsupportedFileTypeError(
                    f"unsupported file type {path.suffix or '(none)'!r} for {path}; "
                    f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}"
                )
            found.append((path, path.name))
    return found


def read_documents(
    files: Iterable[tuple[Path, str]], on_file: Callable[[str], None] | None = None
) -> Iterator[tuple[Document, int]]:
    """The documents of discovered files, in order, each with the bytes of input read once it is complete."""
    read = 0
    for path, doc_id in files:
        if on_file:
            on_file(doc_id)
        size = file_size(path)
        if path.suffix.lower() == ".jsonl":
            for document, offset in _jsonl_file(path):
                yield document, read + offset
        else:
            yield _load_whole(path, doc_id), read + size
        read += size


def load_file(path: Path, doc_id: str) -> Iterator[Document]:
    """Read one file into one document (or many, for JSONL). Raises a clear error for unreadable input."""
    for document, _ in read_documents([(path, doc_id)]):
        yield document


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot read {path}: {exc.strerror}") from None


def _load_whole(path: Path, doc_id: str) -> Document:
    suffix = path.suffix.lower()
    data = _read_bytes(path)
    if suffix in TEXT_SUFFIXES:
        text = decode_utf8(data, str(path))
    elif suffix in HTML_SUFFIXES:
        text = html_to_text(decode_utf8(data, str(path)), str(path))
    elif suffix == ".pdf":
        text = pdf_to_text(data, str(path))
    else:
        raise UnsupportedFileTypeError(f"unsupported file type {suffix!r} for {path}")
    return make_document(doc_id, text, source=str(path), title=path.stem)


def make_document(
    doc_id: str,
    text: str,
    *,
    source: str,
    title: str | None = None,
    url: str | None = None,
    date: str | None = None,
) -> Document:
    doc_id = doc_id.strip()
    if not doc_id:
        raise InputError(f"empty document id in {source}")
    if not text.strip():
        raise UnreadableDocumentError(f"{source}: no text found in document {doc_id!r}")
    if date is not None and (not isinstance(date, str) or document_period(date) is None):
        # an unreadable date would silently drop the document from every date filter
        raise InputError(f"{source}: document {doc_id!r} has date {date!r}: use YYYY, YYYY-MM or YYYY-MM-DD "
                         f"(a time may follow a full date)")
    return Document(doc_id=doc_id, text=text, title=title, url=url, date=date, source=source)


def decode_utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableDocumentError(
            f"{source} is not UTF-8 text (byte {exc.start}); convert it to UTF-8 first"
        ) from None


def html_to_text(html: str, source: str) -> str:
    import trafilatura

    # Markdown keeps what structure reading needs (index/structure.py): headings, lists and tables
    text: str | None = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True,
                                           output_format="markdown")
    if not text or not text.strip():
        raise UnreadableDocumentError(f"{source}: no readable text found in the HTML")
    return text


def pdf_to_text(data: bytes, source: str) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings would print past our one line
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocumentError(f"{source}: unreadable PDF ({exc})") from None
    with_tables = pdf_pages_with_tables(data, [i for i, page in enumerate(pages)
                                               if len(_FIGURE.findall(page)) >= _TABLE_FIGURES])
    pages = [with_tables.get(i, page) for i, page in enumerate(pages)]
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise UnreadableDocumentError(f"{source}: the PDF has no extractable text (scanned images?)")
    return text


_FIGURE = re.compile(r"\d[\d,.]*")
_TABLE_FIGURES = 6  # pages with fewer figures than this are not searched for tables
MAX_TABLE_PAGES = 300  # pages of one PDF searched for tables, at most


def pdf_pages_with_tables(data: bytes, page_numbers: Sequence[int]) -> dict[int, str]:
    """For each given page on which pdfplumber finds tables (by their ruling lines): the page's text with each
    table written in its place as a Markdown table, so that structure reading (index/structure.py) reads its
    rows as facts. Pages without tables are left out (their pypdf text stays); a PDF whose tables cannot be
    read gives none, and its text is still ingested."""
    import io

    found: dict[int, str] = {}
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number in list(page_numbers)[:MAX_TABLE_PAGES]:
                page = pdf.pages[number]
                tables = sorted(page.find_tables(), key=lambda table: table.bbox[1])
                if tables:
                    found[number] = _page_with_tables(page, tables)
                page.close()
    except Exception:  # pdfminer raises many kinds on odd files; the text alone is still a document
        logging.getLogger(__name__).debug("no tables read from a PDF", exc_info=True)
        return {}
    return found


def _page_with_tables(page: Any, tables: Sequence[Any]) -> str:
    """The page's text above, between and below its tables, the tables written as Markdown in their places."""
    parts, top = [], 0.0
    for table in tables:
        _, table_top, _, bottom = table.bbox
        if table_top > top:
            parts.append(page.crop((0, top, page.width, table_top)).extract_text() or "")
        parts.append(_markdown_table(table.extract()))
        top = max(top, bottom)
    if top < page.height:
        parts.append(page.crop((0, top, page.width, page.height)).extract_text() or "")
    return "\n\n".join(part.strip() for part in parts if part.strip())


def _markdown_table(rows: Sequence[Sequence[str | None]]) -> str:
    """A table's rows as Markdown, the first row its header; cells on one line, without bars."""
    cleaned = [[" ".join((cell or "").replace("|", "/").split()) for cell in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if len(cleaned) < 2 or max(len(row) for row in cleaned) < 2:
        return ""
    lines = ["| " + " | ".join(row) + " |" for row in cleaned]
    return "\n".join([lines[0], "|" + "---|" * len(cleaned[0]), *lines[1:]])


def _jsonl_file(path: Path) -> Iterator[tuple[Document, int]]:
    try:
        with path.open("rb") as handle:
            yield from _jsonl_lines(handle, str(path))
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot read {path}: {exc.strerror}") from None


def _jsonl_lines(lines: Iterable[bytes], source: str) -> Iterator[tuple[Document, int]]:
    """One document per non-blank line, with the bytes read up to the end of that line."""
    offset = 0
    for number, line in enumerate(lines, start=1):
        offset += len(line)
        if line.strip():
            where = f"{source}:{number}"
            yield _jsonl_document(decode_utf8(line, where), where), offset


def _jsonl_document(line: str, where: str) -> Document:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UnreadableDocumentError(f"{where}: bad JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise UnreadableDocumentError(f"{where}: expected a JSON object")
    doc_id, text = row.get("id"), row.get("text")
    if not isinstance(doc_id, str | int) or not isinstance(text, str):
        raise UnreadableDocumentError(f"{where}: each line needs a string 'id' and a string 'text'")
    optional = {key: row.get(key) for key in ("title", "url", "date")}
    for key, value in optional.items():
        if value is not None and not isinstance(value, str):
            raise UnreadableDocumentError(f"{where}: {key!r} must be a string")
    return make_document(str(doc_id), text, source=where, **optional)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot read {path}: {exc.strerror}") from None


MAX_UPLOAD_NAME = 200  # characters of an uploaded file's name that are kept (the suffix always is)


def upload_name(filename: str | None) -> str:
    """A safe file name for an upload: its last path part, without control characters, at most
    `MAX_UPLOAD_NAME` characters (suffix kept); an empty name, "." or ".." is an input error."""
    name = "".join(ch for ch in (filename or "upload.txt").replace("\\", "/").split("/")[-1] if ch.isprintable())
    name = name.strip()
    if name in {"", ".", ".."}:
        raise InputError("the uploaded file needs a file name, such as report.txt")
    if len(name) > MAX_UPLOAD_NAME:
        suffix = Path(name).suffix[:16]
        name = name[: MAX_UPLOAD_NAME - len(suffix)] + suffix
    return name


def load_upload(filename: str | None, doc_id: str | None, data: bytes) -> list[Document]:
    """The documents in an uploaded file's bytes, read as the CLI reads files (same types, same errors); the
    document id is `doc_id`, else the file name."""
    name = upload_name(filename)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            discover([path])  # rejects unsupported types with the same error as the CLI
            return [replace(d, source=f"upload:{name}") for d in load_file(path, doc_id or name)]
        except InputError as exc:  # the detail reaches the client: name the upload, not the server's folder
            raise type(exc)(exc.detail.replace(str(path), f"upload:{name}")) from None
