"""The Worker: subclass it, implement ``work(job)``, call ``run()``."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import traceback
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from types import FrameType
from typing import Any, ClassVar

import grpc

from presque._job import Job
from presque.client import Client, PresqueError

log = logging.getLogger("presque.worker")


class NotRetryable(Exception):
    """Raise it from ``work`` to send the job straight to dead letters, whatever attempts remain."""


class Worker:
    """Runs jobs from one or more queues, ``concurrency`` at a time, each in a thread.

    A job whose ``work`` returns is acked; one whose ``work`` raises is given to ``fail(job, error)``
    and then nacked with the error's text (retried by the queue's backoff, or dead letters when out of
    attempts or the error is :class:`NotRetryable`). While a job runs its lease is extended every
    half lease, so ``lease_seconds`` only bounds how long a crashed worker holds a job.
    ``run()`` blocks until ``stop()`` or SIGTERM/SIGINT: it then fetches nothing more and returns once
    the running jobs are finished and acked.

    Settings are class attributes or constructor arguments::

        class Mailer(presque.Worker):
            queues = ["mail"]
            concurrency = 4

            def work(self, job):
                send(job.payload["to"])

    A presque with API keys or TLS: ``Mailer("https://queue.example:5000", api_key=key,
    root_certificates=ca_pem)`` (the same arguments as :class:`Client`); a key that is missing or
    may not consume a queue stops ``run()`` with :class:`PresqueError` (UNAUTHENTICATED,
    PERMISSION_DENIED) instead of retrying.
    """

    queues: ClassVar[Sequence[str]] = ()
    concurrency: ClassVar[int] = 1
    lease_seconds: ClassVar[int] = 30
    poll_seconds: ClassVar[int] = 1
    heartbeat_seconds: ClassVar[float] = 5
    name: ClassVar[str] = ""

    def __init__(
        self,
        url: str = "127.0.0.1:5000",
        *,
        queues: Sequence[str] | None = None,
        concurrency: int | None = None,
        lease_seconds: int | None = None,
        poll_seconds: int | None = None,
        client: Client | None = None,
        api_key: str | None = None,
        root_certificates: bytes | None = None,
        tls: bool | None = None,
    ) -> None:
        work = getattr(type(self), "work", None)
        if not callable(work) or work is Worker.work:
            raise TypeError(f"{type(self).__name__} must implement work(self, job)")
        self._queues = list(queues if queues is not None else type(self).queues)
        if not self._queues:
            raise ValueError("a Worker needs at least one queue (queues=[...] or the class attribute)")
        self._concurrency = concurrency or type(self).concurrency
        self._lease = max(1, int(lease_seconds or type(self).lease_seconds))
        self._poll = max(1, int(poll_seconds or type(self).poll_seconds))
        if self._concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        # api_key, root_certificates and tls are for the Client it makes; a given client has its own.
        self.client = client or Client(url, api_key=api_key, root_certificates=root_certificates, tls=tls)
        self._owns_client = client is None
        self._stopping = threading.Event()
        self._slots = threading.Semaphore(self._concurrency)
        self.processed = 0
        self.failed = 0
        self._counts = threading.Lock()
        self._running: dict[tuple[str, str], datetime] = {}
        self.worker_id: str | None = None
        """The id presque's worker registry gave this worker while it runs (None before)."""

    # ---- what a subclass implements ----

    def work(self, job: Job) -> None:
        """Does the job. Returning acks it; raising fails it."""
        raise NotImplementedError

    def fail(self, job: Job, error: BaseException) -> None:
        """Called when ``work`` raised, before the job is nacked. Does nothing by default."""

    # ---- running ----

    def stop(self) -> None:
        """Fetch no more jobs; ``run()`` returns once the running ones are finished."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, handle_signals: bool = True) -> None:
        """Works until ``stop()`` (or SIGTERM/SIGINT, when called from the main thread)."""
        previous: dict[int, Any] = {}
        if handle_signals and threading.current_thread() is threading.main_thread():
            for sig in (int(signal.SIGTERM), int(signal.SIGINT)):
                previous[sig] = signal.signal(sig, self._on_signal)
        executor = ThreadPoolExecutor(max_workers=self._concurrency, thread_name_prefix="presque-job")
        self._error: BaseException | None = None
        fetchers = [
            threading.Thread(target=self._guarded_fetch_loop, args=(queue, executor), name=f"presque-fetch-{queue}")
            for queue in self._queues
        ]
        presence = threading.Thread(target=self._presence_loop, name="presque-presence")
        try:
            presence.start()
            for fetcher in fetchers:
                fetcher.start()
            for fetcher in fetchers:
                while fetcher.is_alive():
                    fetcher.join(0.2)  # short joins keep the main thread responsive to signals
        finally:
            self._stopping.set()
            executor.shutdown(wait=True)
            presence.join()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if self._owns_client:
                self.client.close()
        if self._error is not None:
            raise self._error

    def _guarded_fetch_loop(self, queue: str, executor: ThreadPoolExecutor) -> None:
        try:
            self._fetch_loop(queue, executor)
        except BaseException as error:  # noqa: BLE001 - stops the worker; run() raises it
            log.error("presque worker: fetching from %s failed, stopping: %s", queue, error)
            self._error = error
            self._stopping.set()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("presque worker: %s, finishing running jobs", signal.Signals(signum).name)
        self.stop()

    def _fetch_loop(self, queue: str, executor: ThreadPoolExecutor) -> None:
        while not self._stopping.is_set():
            if not self._slots.acquire(timeout=0.2):
                continue
            try:
                jobs = self.client.fetch(queue, max_jobs=1, lease_seconds=self._lease, wait_seconds=self._poll)
            except PresqueError as error:
                self._slots.release()
                if error.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                    log.warning("presque worker: fetch from %s failed (%s), retrying", queue, error)
                    self._stopping.wait(1.0)
                    continue
                raise
            if not jobs:
                self._slots.release()
                continue
            # A job fetched while stopping is still run: it is leased to us, so running it beats
            # letting its lease expire (which would count a failed attempt).
            executor.submit(self._run_job, jobs[0])

    def _presence_loop(self) -> None:
        """Keeps the worker listed in presque's registry (GET /w/, the dashboard): registers,
        heartbeats with the running jobs, unregisters at stop. Best effort: never stops the work."""
        name = type(self).name or type(self).__name__
        while True:
            try:
                if self.worker_id is None:
                    self.worker_id = self.client.register_worker(
                        name,
                        self._queues,
                        host=socket.gethostname(),
                        pid=os.getpid(),
                        concurrency=self._concurrency,
                        heartbeat_seconds=type(self).heartbeat_seconds,
                    )
                else:
                    with self._counts:
                        working = [(q, i, at) for (q, i), at in self._running.items()]
                        processed, failed = self.processed, self.failed
                    self.client.heartbeat(self.worker_id, working, processed=processed, failed=failed)
            except PresqueError as error:
                if error.code == grpc.StatusCode.NOT_FOUND:
                    self.worker_id = None  # forgotten while we were away: register again
                else:
                    log.warning("presque worker: heartbeat failed: %s", error)
            if self._stopping.wait(type(self).heartbeat_seconds):
                break
        if self.worker_id is not None:
            try:
                self.client.unregister_worker(self.worker_id)
            except PresqueError:
                pass

    def _run_job(self, job: Job) -> None:
        with self._counts:
            self._running[(job.queue, job.id)] = datetime.now(timezone.utc)
        done = threading.Event()
        extender = threading.Thread(target=self._keep_lease, args=(job, done), name=f"presque-lease-{job.id}")
        extender.start()
        try:
            try:
                self.work(job)
            except BaseException as error:  # noqa: BLE001 - every failure of a job is reported
                done.set()
                extender.join()
                self._failed(job, error)
                return
            done.set()
            extender.join()
            try:
                self.client.ack(job)
                with self._counts:
                    self.processed += 1
            except PresqueError as error:
                log.warning("presque worker: ack of %s/%s refused: %s", job.queue, job.id, error)
        finally:
            done.set()
            with self._counts:
                self._running.pop((job.queue, job.id), None)
            self._slots.release()

    def _failed(self, job: Job, error: BaseException) -> None:
        with self._counts:
            self.failed += 1
        try:
            self.fail(job, error)
        except Exception:  # noqa: BLE001
            log.exception("presque worker: fail() raised for %s/%s", job.queue, job.id)
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        try:
            self.client.nack(job, text, retryable=False if isinstance(error, NotRetryable) else None)
        except PresqueError as nack_error:
            log.warning("presque worker: nack of %s/%s refused: %s", job.queue, job.id, nack_error)

    def _keep_lease(self, job: Job, done: threading.Event) -> None:
        interval = self._lease / 2
        while not done.wait(interval):
            try:
                self.client.extend(job, self._lease)
            except PresqueError as error:
                log.warning("presque worker: extending the lease of %s/%s failed: %s", job.queue, job.id, error)
                if error.code not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                    return
