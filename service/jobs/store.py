"""Jobs on disk: one SQLite file (`VERICLAIM_HOME/jobs.sqlite3`) holding each job and each of its lines.

    jobs   id, state, collection, explain, created, started, finished, lines
    lines  job, line, claim (the line as uploaded; NULL when it was not text), result, error

A job is `queued`, then `running`, then `done` or `cancelled`. Every line's result (or error) is committed
on its own before the next line starts, so a crash loses at most the line in progress: after a restart the
runner picks up the oldest unfinished job at its first line with neither. The file is in WAL mode with full
sync; each call opens its own connection, so threads share nothing.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.errors import JobNotFoundError

QUEUED, RUNNING, DONE, CANCELLED = "queued", "running", "done", "cancelled"
UNFINISHED = (QUEUED, RUNNING)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, collection TEXT, explain INTEGER NOT NULL,
    created REAL NOT NULL, started REAL, finished REAL, lines INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lines (
    job TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE, line INTEGER NOT NULL,
    claim TEXT, result TEXT, error TEXT, PRIMARY KEY (job, line));  -- claim: the line as uploaded
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, created);
"""


@dataclass(frozen=True)
class LineError:
    """Why a line was not checked: refused at upload (not JSON, no claim …) or failed while checking."""

    line: int
    error: str
    detail: str

    def as_json(self) -> str:
        return json.dumps({"error": self.error, "detail": self.detail}, ensure_ascii=False)


@dataclass(frozen=True)
class Job:
    id: str
    state: str
    collection: str | None
    explain: bool
    created: float
    started: float | None
    finished: float | None
    lines: int
    checked: int
    errors: tuple[LineError, ...]

    @property
    def unfinished(self) -> bool:
        return self.state in UNFINISHED


@dataclass(frozen=True)
class PendingLine:
    line: int
    claim: str  # the JSON object as uploaded


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """One connection, one transaction: committed when the block ends, rolled back if it raises."""
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=FULL")
            with db:
                yield db

    def create(self, claims: Sequence[tuple[int, str]], refused: Sequence[tuple[LineError, str | None]],
               collection: str | None, explain: bool) -> Job:
        """A queued job over `claims` (line number, the line as uploaded); `refused` lines (why, the line) are
        kept as errors."""
        job_id = uuid.uuid4().hex
        with self._connection() as db:
            db.execute("INSERT INTO jobs (id, state, collection, explain, created, lines) VALUES (?, ?, ?, ?, ?, ?)",
                       (job_id, QUEUED, collection, int(explain), time.time(), len(claims) + len(refused)))
            db.executemany("INSERT INTO lines (job, line, claim) VALUES (?, ?, ?)",
                           [(job_id, line, claim) for line, claim in claims])
            db.executemany("INSERT INTO lines (job, line, claim, error) VALUES (?, ?, ?, ?)",
                           [(job_id, e.line, given, e.as_json()) for e, given in refused])
        return self.get(job_id)

    def get(self, job_id: str) -> Job:
        with self._connection() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise JobNotFoundError(f"no job {job_id!r}")
            return _job(db, row)

    def recent(self, limit: int) -> list[Job]:
        with self._connection() as db:
            rows = db.execute("SELECT * FROM jobs ORDER BY created DESC, rowid DESC LIMIT ?", (limit,)).fetchall()
            return [_job(db, row) for row in rows]

    def counts(self) -> dict[str, int]:
        """How many jobs are in each state."""
        with self._connection() as db:
            found = dict(db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())
        return {state: found.get(state, 0) for state in (QUEUED, RUNNING, DONE, CANCELLED)}

    def next_unfinished(self) -> Job | None:
        """The oldest job still to run (one that was running when the server stopped comes first)."""
        with self._connection() as db:
            row = db.execute("SELECT * FROM jobs WHERE state IN (?, ?) ORDER BY state = ?, created, rowid LIMIT 1",
                             (RUNNING, QUEUED, QUEUED)).fetchone()
            return _job(db, row) if row else None

    def pending(self, job_id: str) -> list[PendingLine]:
        with self._connection() as db:
            rows = db.execute("SELECT line, claim FROM lines WHERE job = ? AND result IS NULL AND error IS NULL "
                              "ORDER BY line", (job_id,)).fetchall()
        return [PendingLine(line, claim) for line, claim in rows]

    def start(self, job_id: str) -> None:
        with self._connection() as db:
            db.execute("UPDATE jobs SET state = ?, started = coalesce(started, ?) WHERE id = ? AND state = ?",
                       (RUNNING, time.time(), job_id, QUEUED))

    def record(self, job_id: str, line: int, result: str | None = None, error: LineError | None = None) -> None:
        """One line's result (JSON) or error, committed before the call returns."""
        with self._connection() as db:
            db.execute("UPDATE lines SET result = ?, error = ? WHERE job = ? AND line = ?",
                       (result, error.as_json() if error else None, job_id, line))

    def finish(self, job_id: str) -> None:
        """Done, unless it was cancelled meanwhile."""
        with self._connection() as db:
            db.execute("UPDATE jobs SET state = ?, finished = ? WHERE id = ? AND state IN (?, ?)",
                       (DONE, time.time(), job_id, *UNFINISHED))

    def cancel(self, job_id: str) -> Job:
        """Stops an unfinished job after the line in progress; its results so far stay. A finished job is left
        as it is."""
        with self._connection() as db:
            db.execute("UPDATE jobs SET state = ?, finished = ? WHERE id = ? AND state IN (?, ?)",
                       (CANCELLED, time.time(), job_id, *UNFINISHED))
        return self.get(job_id)

    def state(self, job_id: str) -> str:
        with self._connection() as db:
            row = db.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"no job {job_id!r}")
        return str(row[0])

    def results(self, job_id: str, after: int = 0, page: int = 500) -> Iterator[dict[str, Any]]:
        """Each finished line after line `after`, in order: `{line, id, claim, result}` or `{line, id, claim,
        error, detail}`; read `page` lines at a time, so a large job is never held whole."""
        while True:
            with self._connection() as db:
                rows = db.execute("SELECT line, claim, result, error FROM lines WHERE job = ? AND line > ? AND "
                                  "(result IS NOT NULL OR error IS NOT NULL) ORDER BY line LIMIT ?",
                                  (job_id, after, page)).fetchall()
            for line, claim, result, error in rows:
                out: dict[str, Any] = {"line": line, **named(claim)}
                out.update({"result": json.loads(result)} if result is not None else json.loads(error))
                yield out
            if len(rows) < page:
                return
            after = rows[-1][0]


def _job(db: sqlite3.Connection, row: Sequence[Any]) -> Job:
    job_id, state, collection, explain, created, started, finished, lines = row
    checked = db.execute("SELECT count(*) FROM lines WHERE job = ? AND result IS NOT NULL", (job_id,)).fetchone()[0]
    errors = tuple(LineError(line, **json.loads(error)) for line, error in db.execute(
        "SELECT line, error FROM lines WHERE job = ? AND error IS NOT NULL ORDER BY line", (job_id,)))
    return Job(job_id, state, collection, bool(explain), created, started, finished, lines, checked, errors)


def named(text: str | None) -> dict[str, Any]:
    """`{id, claim}` of an uploaded line, each None where the line (refused, perhaps not JSON) has none."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        value = {}
    given = value if isinstance(value, dict) else {}
    return {"id": given.get("id"), "claim": given.get("claim")}
