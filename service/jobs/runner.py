"""The job runner: one thread that checks the oldest unfinished job's lines, one at a time, and commits each
result before the next (service/jobs/store.py). It yields to interactive requests: before each line it waits
while any request holds a place in the server's queue. A cancelled job stops after the line in progress; on
`stop` the runner finishes that line and exits, and the job resumes at the next start. A line's outcome
follows the rule of service/check_many.py: a line that fails by its own fault (bad input, an unknown
collection, an unexpected error met on it) gets its error; when the service fails (the store, the index, a
model), the line stays pending and is tried again after a pause: `retry_seconds` when the error is
retryable, `stalled_seconds` (with the error logged) when someone must act first. Of the servers sharing one
data folder, one runs the jobs (it holds `jobs.sqlite3.lock`); the others take their submissions and take
over the running when that one stops."""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from filelock import FileLock, Timeout

from service.check_many import outcome_of, settles
from service.errors import VericlaimError
from service.jobs.store import Job, JobStore, LineError
from service.requests import JobClaim

log = logging.getLogger(__name__)
CheckLine = Callable[[JobClaim, Job], dict[str, Any]]  # one line's result as a JSON object


class JobRunner:
    def __init__(self, store: JobStore, check: CheckLine, busy: Callable[[], bool], *,
                 on_line: Callable[[str], None] = lambda outcome: None, poll_seconds: float = 0.05,
                 takeover_seconds: float = 5.0, retry_seconds: float = 5.0, stalled_seconds: float = 60.0) -> None:
        self.store = store
        self._check = check
        self._busy = busy
        self._on_line = on_line
        self._poll = poll_seconds
        self._takeover = takeover_seconds
        self._retry = retry_seconds
        self._stalled = stalled_seconds
        self._stopping = threading.Event()
        self._work = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="vericlaim-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Asks the runner to stop after the line in progress and waits for it (up to `timeout`)."""
        self._stopping.set()
        self._work.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """A job was submitted: look now rather than at the next poll."""
        self._work.set()

    def _run(self) -> None:
        lock = FileLock(f"{self.store.path}.lock")
        while not self._stopping.is_set():
            try:
                lock.acquire(timeout=0)
            except Timeout:  # another server runs this folder's jobs; look again later
                self._stopping.wait(self._takeover)
                continue
            except Exception:  # the lock file cannot be made: nothing here can run jobs, say so and retry
                log.exception("jobs: cannot take %s.lock; retrying shortly", self.store.path)
                self._stopping.wait(self._retry)
                continue
            try:
                self._run_jobs()
            finally:
                lock.release()

    def _run_jobs(self) -> None:
        """Until stopping. Nothing here may end the thread: a failure is logged, and the runner pauses and tries
        again (a locked or full disk, a store that went away, a model that cannot answer)."""
        while not self._stopping.is_set():
            try:
                job = self.store.next_unfinished()
                if job is None:
                    self._work.wait(timeout=1.0)
                    self._work.clear()
                    continue
                self._run_job(job)
            except Exception:
                log.exception("jobs: the runner failed; retrying in %.0f s", self._retry)
                self._stopping.wait(self._retry)

    def _run_job(self, job: Job) -> None:
        self.store.start(job.id)
        for pending in self.store.pending(job.id):
            while self._busy() and not self._stopping.is_set():
                self._stopping.wait(self._poll)  # interactive requests first
            if self._stopping.is_set() or self.store.state(job.id) != "running":
                return  # stopping (the job resumes at the next start) or cancelled
            outcome = outcome_of(functools.partial(self._check_line, pending.claim, job))
            if not isinstance(outcome, VericlaimError):
                self.store.record(job.id, pending.line, result=json.dumps(outcome, ensure_ascii=False))
                self._on_line("checked")
            elif settles(outcome):  # the line's own fault: its answer
                self.store.record(job.id, pending.line,
                                  error=LineError(pending.line, outcome.code, str(outcome.detail)))
                self._on_line("error")
            else:  # the service's: the line waits and is tried again
                self._wait_for_service(job, pending.line, outcome)
                return
        self.store.finish(job.id)

    def _check_line(self, line: str, job: Job) -> dict[str, Any]:
        return self._check(JobClaim.model_validate_json(line), job)

    def _wait_for_service(self, job: Job, line: int, error: VericlaimError) -> None:
        pause = self._retry if error.retryable else self._stalled
        (log.warning if error.retryable else log.error)(
            "job %s, line %d: %s (%s); trying again in %.0f s", job.id, line, error.code, error.detail, pause)
        self._stopping.wait(pause)

