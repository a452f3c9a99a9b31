"""How long a crafted PDF holds the reader, and where the limits stop it (issue 28, item 4).

    python bench/pdf_bomb.py [--operators 250000]

Three one-page PDFs of a few kilobytes (a FlateDecode content stream that inflates a thousandfold): one long
string; many short strings on one line; many short lines. Each is read by `index.pdf_text.pdf_to_text` with no
limit (`--no-limit-too` only: tens of seconds each), with the upload's defaults (`server.max_upload_chars`,
`server.max_extract_seconds`) and with a 100,000-character cap. Printed: file size, seconds, and the outcome.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.pdf_text import ExtractLimits, pdf_to_text
from service.errors import VericlaimError
from service.server_config import ServerSettings
from tests.unit.index.pdf_files import raw_pdf  # the PDF writer the loader tests use


def one_page(stream: bytes) -> bytes:
    """A minimal PDF: one page whose content stream is `stream`, deflated."""
    return raw_pdf(zlib.compress(stream, 9), stream_entries=b"/Filter /FlateDecode")


def bombs(operators: int) -> dict[str, bytes]:
    return {
        "one long string": one_page(b"BT /F1 12 Tf 72 700 Td (" + b"A" * (operators * 20) + b") Tj ET"),
        "short strings, one line": one_page(b"BT /F1 12 Tf 72 700 Td " + b"(AAAAAAAAAAAAAAAAAAAA) Tj " * operators
                                            + b"ET"),
        "short lines": one_page(b"BT /F1 12 Tf " + b"0 -1 Td (AAAAAAAAAAAAAAAAAAAA) Tj " * operators + b"ET"),
    }


def read(data: bytes, limits: ExtractLimits) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        outcome = f"read, {len(pdf_to_text(data, 'bomb.pdf', limits)):,} characters"
    except VericlaimError as exc:
        outcome = f"{exc.code}: {exc.detail.partition(': ')[2][:70]}"
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=250_000, help="text operators per page (5M characters)")
    parser.add_argument("--no-limit-too", action="store_true", help="also read each with no limit at all")
    args = parser.parse_args()
    server = ServerSettings()
    settings = {"upload defaults": ExtractLimits(server.max_upload_chars, server.max_extract_seconds),
                "cap 100,000 chars": ExtractLimits(100_000, server.max_extract_seconds)}
    if args.no_limit_too:
        settings = {"no limit": ExtractLimits(), **settings}
    print(f"{'PDF':<26}{'bytes':>8}  {'limits':<18}{'seconds':>8}  outcome")
    for name, data in bombs(args.operators).items():
        for label, limits in settings.items():
            seconds, outcome = read(data, limits)
            print(f"{name:<26}{len(data):>8,}  {label:<18}{seconds:>8.1f}  {outcome}", flush=True)


if __name__ == "__main__":
    main()
