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
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from index.dates import document_period
from index.pdf_text import ExtractLimits, pdf_to_text
from service.domain import Document
from service.errors import InputError, UnreadableDocumentError, UnsupportedFileTypeError

MAX_DOC_ID, MAX_TITLE, MAX_URL = 512, 1_000, 2_048  # characters
_CONTROL = "\u0000-\u001f\u007f-\u009f\u2028\u2029"
DOC_ID_PATTERN = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"  # not blank, no control characters
_HAS_CONTROL = re.compile(rf"[{_CONTROL}]")
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
    files: Iterable[tuple[Path, str]], on_file: Callable[[str], None] | None = None,
    limits: ExtractLimits | None = None,
) -> Iterator[tuple[Document, int]]:
    """The documents of discovered files, in order, each with the bytes of input read once it is complete
    (`limits`: what reading one PDF may cost, `index.pdf_text`)."""
    read = 0
    for path, doc_id in files:
        if on_file:
            on_file(doc_id)
        size = file_size(path)
        if path.suffix.lower() == ".jsonl":
            for document, offset in _jsonl_file(path, doc_id):
                yield document, read + offset
        else:
            yield _load_whole(path, doc_id, limits), read + size
        read += size


def load_file(path: Path, doc_id: str, limits: ExtractLimits | None = None) -> Iterator[Document]:
    """Read one file into one document (or many, for JSONL). Raises a clear error for unreadable input."""
    for document, _ in read_documents([(path, doc_id)], limits=limits):
        yield document


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot read {path}: {exc.strerror}") from None


def _load_whole(path: Path, doc_id: str, limits: ExtractLimits | None) -> Document:
    suffix = path.suffix.lower()
    data = _read_bytes(path)
    if suffix in TEXT_SUFFIXES:
        text = decode_utf8(data, str(path))
    elif suffix in HTML_SUFFIXES:
        text = html_to_text(decode_utf8(data, str(path)), str(path))
    elif suffix == ".pdf":
        text = pdf_to_text(data, str(path), limits)
    else:
        raise UnsupportedFileTypeError(f"unsupported file type {suffix!r} for {path}")
    # the source is the path relative to what was ingested (the id), never the server's absolute path
    return make_document(doc_id, text, source=doc_id, title=path.stem)


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
    if _HAS_CONTROL.search(doc_id) or len(doc_id) > MAX_DOC_ID:
        raise InputError(f"{source}: document id {doc_id[:60]!r} has control characters or is over {MAX_DOC_ID} "
                         "characters: it could not be read or deleted by its id")
    for name, value, limit in (("title", title, MAX_TITLE), ("url", url, MAX_URL)):
        if value is not None and len(value) > limit:
            raise InputError(f"{source}: document {doc_id!r} has a {name} over {limit:,} characters")
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


def _jsonl_file(path: Path, name: str) -> Iterator[tuple[Document, int]]:
    try:
        with path.open("rb") as handle:
            yield from _jsonl_lines(handle, name)
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
    except RecursionError:
        raise UnreadableDocumentError(f"{where}: JSON nested too deep") from None
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


def load_upload(filename: str | None, doc_id: str | None, data: bytes,
                limits: ExtractLimits | None = None) -> list[Document]:
    """The documents in an uploaded file's bytes, read as the CLI reads files (same types, same errors, and a
    PDF read within `limits`); the document id is `doc_id`, else the file name."""
    name = upload_name(filename)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            discover([path])  # rejects unsupported types with the same error as the CLI
            return [replace(d, source=f"upload:{name}") for d in load_file(path, doc_id or name, limits)]
        except InputError as exc:  # the detail reaches the client: name the upload, not the server's folder
            raise type(exc)(exc.detail.replace(str(path), f"upload:{name}")) from None
