"""A job's upload read line by line: each non-blank line must be a JSON object with a `claim` (see
`service.requests.JobClaim`). A line that is not is refused with its number and the reason; the others are
kept as uploaded and checked. Lines are split at `\\n` only (a claim may hold U+2028), and counted from 1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from service.check_many import settles
from service.errors import InvalidJobError, VericlaimError
from service.evidence import EvidenceFinder
from service.jobs.store import LineError
from service.requests import JobClaim


@dataclass(frozen=True)
class Upload:
    claims: list[tuple[int, str]]  # (line number, the line as uploaded)
    refused: list[tuple[LineError, str | None]]  # (why, the line as uploaded when it is text)


def acceptor(finder: EvidenceFinder, collection: str | None) -> Callable[[JobClaim], None]:
    """What `read_upload` refuses a line for: a claim the service would refuse (empty, too long), or a
    collection (the line's own, else `collection`) that does not exist; each collection is looked up once."""
    known: set[str | None] = set()

    def accept(claim: JobClaim) -> None:
        finder.validate(claim.claim)
        name = claim.collection or collection
        if name not in known:
            finder.library.snapshot(name)
            known.add(name)

    return accept


def read_upload(data: bytes, accept: Callable[[JobClaim], None], max_lines: int) -> Upload:
    """The upload's claims and refused lines. `accept` raises a `VericlaimError` for a claim that cannot be
    checked (empty, too long, an unknown collection). Raises `InvalidJobError` when no line can be checked or
    there are more than `max_lines`, and a service fault `accept` meets as it is (service/check_many.py)."""
    claims: list[tuple[int, str]] = []
    refused: list[tuple[LineError, str | None]] = []
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        if not raw.strip():
            continue
        if len(claims) + len(refused) >= max_lines:
            raise InvalidJobError(f"more than {max_lines} claims in one job (VERICLAIM_SERVER__MAX_JOB_CLAIMS)")
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            refused.append((LineError(number, "invalid_line", "not UTF-8 text"), None))
            continue
        try:
            accept(JobClaim.model_validate_json(text))
        except ValidationError as exc:
            refused.append((LineError(number, "invalid_line", _problem(exc)), text))
        except VericlaimError as exc:
            if not settles(exc):  # the service's fault (the store, the index), not the line's: nothing is read
                raise
            refused.append((LineError(number, exc.code, str(exc.detail)), text))
        else:
            claims.append((number, text))
    if not claims:
        found = "; ".join(f"line {e.line}: {e.detail}" for e, _ in refused[:5]) or "no lines"
        raise InvalidJobError(f"no claim to check ({found})")
    return Upload(claims, refused)


def _problem(exc: ValidationError) -> str:
    """The first problem, readably: 'not JSON …', 'claim: Field required', 'since: …'."""
    error = exc.errors()[0]
    if error["type"] == "json_invalid":
        return f"not JSON ({error['ctx'].get('error', 'invalid')})" if error.get("ctx") else "not JSON"
    if error["type"] == "model_type":
        return "not a JSON object"
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
