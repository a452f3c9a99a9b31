"""The job runner: one thread that checks the oldest unfinished job's lines, one at a time, and commits each
result before the next (service/jobs/store.py). It yields to interactive requests: before each line it waits
while any request holds a place in the server's queue. A cancelled job stops after the line in progress; on
`stop` the runner finishes that line and exits, and the job resumes at the next start. A line the service
refuses (bad input, an unknown collection) gets its error; when the service itself fails (a model, the
index), the line stays pending and is retried after a pause. Of the servers sharing
one data folder, one runs the jobs (it holds `jobs.sqlite3.lock`); the others take their submissions and take
over the running when that one stops."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from filelock import FileLock, Timeout

from service.errors import InputError, NotFoundError, VericlaimError
from service.jobs.store import Job, JobStore, LineError
from service.requests import JobClaim

log = logging.getLogger(__name__)
CheckLine = Callable[[JobClaim, Job], dict[str, Any]]  # one line's result as a JSON object


class JobRunner:
    def __init__(self, store: JobStore, check: CheckLine, busy: Callable[[], bool], *,
                 on_line: Callable[[str], None] = lambda outcome: None, poll_seconds: float = 0.05,
                 takeover_seconds: float = 5.0, retry_seconds: float = 5.0) -> None:
        self.store = store
        self._check = check
        self._busy = busy
        self._on_line = on_line
        self._poll = poll_seconds
        self._takeover = takeover_seconds
        self._retry = retry_seconds
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
            try:
                result = self._check(JobClaim.model_validate_json(pending.claim), job)
            except (InputError, NotFoundError) as exc:  # this line's own problem: its answer
                self.store.record(job.id, pending.line, error=LineError(pending.line, exc.code, str(exc.detail)))
                self._on_line("error")
                continue
            except VericlaimError as exc:  # the service's (a model, the index): the line waits and is retried
                log.warning("job %s, line %d: %s (%s); retrying in %.0f s", job.id, pending.line, exc.code,
                            exc.detail, self._retry)
                self._stopping.wait(self._retry)
                return
            except Exception as exc:
                error_id = uuid.uuid4().hex[:12]
                log.error("error %s in job %s, line %d", error_id, job.id, pending.line, exc_info=exc,
                          extra={"error_id": error_id})
                self.store.record(job.id, pending.line, error=LineError(
                    pending.line, "internal_error", f"unexpected error {error_id} (see the server log)"))
                self._on_line("error")
                continue
            self.store.record(job.id, pending.line, result=json.dumps(result, ensure_ascii=False))
            self._on_line("checked")
        self.store.finish(job.id)

