"""Checking many claims on Ray (`pip install 'vericlaim[ray]'`): one actor per worker, each holding its own
loaded models (and so its own LLM lock), fed claims by an `ActorPool` and answering in the order asked.

With the address `local` (or none) a Ray instance starts here with one CPU per worker; with `auto` or
`ray://…` the workers join the user's cluster. Every worker reads the same `Settings`, so on a cluster the
collection must be where each node finds it (a shared `VERICLAIM_HOME`, or the PostgreSQL store). Each claim
comes back as its outcome from `check_many` on the worker (its `Verdict`, or the error that says whose fault
the failure is), and the caller (service/batch.py, eval) follows check_many's rule for it, as in one process.
A cluster that cannot be joined is `DependencyUnavailableError`.
"""

from __future__ import annotations

import os
import socket
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.batch import local_checks
from service.bootstrap import build
from service.check_many import Outcome
from service.config import Settings
from service.errors import DependencyUnavailableError
from service.evidence import Query


class _Worker:
    """What each Ray actor runs: the components built once, then one claim per call, checked as in one
    process (service.batch.local_checks); the outcome (a `Verdict` or the error) travels back pickled."""

    def __init__(self, settings: Settings) -> None:
        self.checks = local_checks(build(settings).pipeline)
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def ready(self) -> str:
        return self.name

    def check(self, query: Query) -> tuple[Outcome, str, float]:
        started = time.perf_counter()
        [outcome] = self.checks([query])
        return outcome, self.name, time.perf_counter() - started


@dataclass
class WorkerLoad:
    claims: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0


@dataclass
class RayChecks:
    """Checks queries on Ray workers; `__call__` yields, in order, each query's outcome (service/check_many.py).
    `load` holds each worker's claims and busy seconds."""

    settings: Settings
    address: str | None = None
    workers: int | None = None
    load: dict[str, WorkerLoad] = field(default_factory=lambda: defaultdict(WorkerLoad))

    def __post_init__(self) -> None:
        import ray
        from ray.util import ActorPool

        self._started_ray = not ray.is_initialized()
        if self._started_ray:
            local = self.address in (None, "", "local")
            try:
                ray.init(address=None if local else self.address, num_cpus=(self.workers or 2) if local else None,
                         include_dashboard=False, log_to_driver=False, configure_logging=False)
            except ConnectionError as exc:
                raise DependencyUnavailableError(f"cannot join the Ray cluster at {self.address}: "
                                                 f"{str(exc).splitlines()[0]}") from None
        self._actors: list[Any] = []
        try:
            count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            remote = ray.remote(num_cpus=1)(_Worker)
            self._actors = [remote.remote(self.settings) for _ in range(count)]
            ray.get([actor.ready.remote() for actor in self._actors])  # models loaded: start-up is not checking
        except Exception:
            self.close()
            raise
        self._pool = ActorPool(self._actors)

    @property
    def worker_count(self) -> int:
        return len(self._actors)

    def __call__(self, queries: Sequence[Query]) -> Iterator[Outcome]:
        for outcome, worker, seconds in self._pool.map(lambda actor, query: actor.check.remote(query),
                                                       list(queries)):
            load = self.load[worker]
            load.claims += 1
            load.seconds += seconds
            yield outcome

    def close(self) -> None:
        import ray

        for actor in self._actors:
            ray.kill(actor)
        if self._started_ray:
            ray.shutdown()

