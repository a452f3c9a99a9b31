"""Small PDFs written by hand for the loader tests: text lines and, optionally, a table drawn with ruling lines."""

from __future__ import annotations

from collections.abc import Sequence


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_with_table(lines: Sequence[str], table: Sequence[Sequence[str]] = ()) -> bytes:
    """One Letter page: `lines` of text from the top, then `table` drawn as a grid of cells below them."""
    ops = []
    y = 740
    for line in lines:
        ops.append(f"BT /F1 11 Tf 72 {y} Td ({_escape(line)}) Tj ET")
        y -= 18
    if table:
        width, height, left = 150, 20, 72
        top = y - 10
        columns, rows = len(table[0]), len(table)
        for r in range(rows + 1):
            ops.append(f"{left} {top - r * height} m {left + columns * width} {top - r * height} l S")
        for c in range(columns + 1):
            ops.append(f"{left + c * width} {top} m {left + c * width} {top - rows * height} l S")
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                x, y_cell = left + c * width + 4, top - (r + 1) * height + 6
                ops.append(f"BT /F1 10 Tf {x} {y_cell} Td ({_escape(cell)}) Tj ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def raw_pdf(stream: bytes, *, stream_entries: bytes = b"", trailer_entries: bytes = b"") -> bytes:
    """One page whose content stream is `stream` as given (with `stream_entries` in its dictionary, such as a
    /Filter) and `trailer_entries` added to the trailer (such as an /Encrypt dictionary): crafted files."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" " + stream_entries + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer_entries
            + f">>\nstartxref\n{xref}\n%%EOF\n".encode())
    return bytes(out)
