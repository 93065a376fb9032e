"""A typed client of presque's gRPC API (gRPC over h2c on presque's one port)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import grpc
from google.protobuf import timestamp_pb2

from presque._auth import BearerInterceptor
from presque._job import Job
from presque.v1 import (
    consumer_service_pb2 as consumer_pb,
)
from presque.v1 import (
    consumer_service_pb2_grpc as consumer_grpc,
)
from presque.v1 import (
    control_service_pb2 as control_pb,
)
from presque.v1 import (
    control_service_pb2_grpc as control_grpc,
)
from presque.v1 import (
    queue_service_pb2 as queue_pb,
)
from presque.v1 import (
    queue_service_pb2_grpc as queue_grpc,
)
from presque.v1 import (
    stats_service_pb2 as stats_pb,
)
from presque.v1 import (
    stats_service_pb2_grpc as stats_grpc,
)


class PresqueError(Exception):
    """An RPC that presque (or the connection to it) refused: ``code`` is the gRPC status code."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(f"{code.name.lower()}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Enqueued:
    """What an enqueue returns: the job's id, and whether an idempotency key made it a repeat."""

    id: str
    duplicate: bool


@dataclass(frozen=True)
class EnqueuedBatch:
    ids: list[str]
    duplicate: bool


@dataclass(frozen=True)
class Nacked:
    """``dead``: the job went to dead letters; else it is retried at ``retry_at``."""

    dead: bool
    retry_at: datetime | None
    dead_reason: str


def target_of(url: str) -> str:
    """``http://host:port`` or ``host:port`` → the gRPC target ``host:port``."""
    for scheme in ("http://", "https://"):
        if url.startswith(scheme):
            url = url[len(scheme) :]
    return url.rstrip("/")


def _timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _json_text(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def open_channel(
    url: str, *, api_key: str | None = None, root_certificates: bytes | None = None, tls: bool | None = None
) -> grpc.Channel:
    """The channel a :class:`Client` makes: TLS for ``https://`` URLs, ``root_certificates`` or
    ``tls=True`` (else plain h2c), and the API key on every call when one is given."""
    use_tls = tls if tls is not None else url.startswith("https://") or root_certificates is not None
    if not use_tls and root_certificates is not None:
        raise ValueError("root_certificates is for TLS, but tls=False")
    if not use_tls and url.startswith("https://"):
        raise ValueError(f"tls=False, but {url} is an https:// URL")
    target = target_of(url)
    if use_tls:
        credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
        channel = grpc.secure_channel(target, credentials)
    else:
        channel = grpc.insecure_channel(target)
    return channel if api_key is None else with_api_key(channel, api_key)


def with_api_key(channel: grpc.Channel, api_key: str) -> grpc.Channel:
    """``channel`` with ``authorization: Bearer <api_key>`` added to every call."""
    return grpc.intercept_channel(channel, BearerInterceptor(api_key))


class Client:
    """Producer and consumer calls of presque over gRPC.

    ``Client("127.0.0.1:5000")`` (or ``"http://127.0.0.1:5000"``). Every call raises
    :class:`PresqueError` when refused. Payloads travel as JSON text (``payload_json``), so what
    a worker gets is byte for byte what was stored.

    A presque with API keys: ``Client(url, api_key=os.environ["PRESQUE_API_KEY"])`` sends the key
    on every call. One serving TLS: an ``https://`` URL (or ``tls=True``); ``root_certificates``
    is the PEM of a private CA that signed its certificate (default: the system's roots).
    """

    def __init__(
        self,
        url: str = "127.0.0.1:5000",
        *,
        api_key: str | None = None,
        root_certificates: bytes | None = None,
        tls: bool | None = None,
        timeout: float = 30.0,
        channel: grpc.Channel | None = None,
    ) -> None:
        self.target = target_of(url)
        self.timeout = timeout
        if channel is not None:
            # A channel of your own keeps its transport; the key still goes on every call.
            self._channel = channel if api_key is None else with_api_key(channel, api_key)
        else:
            self._channel = open_channel(url, api_key=api_key, root_certificates=root_certificates, tls=tls)
        self._owns_channel = channel is None
        self.queue = queue_grpc.QueueServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self.control = control_grpc.ControlServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self.stats_service = stats_grpc.StatsServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self.consumer = consumer_grpc.ConsumerServiceStub(self._channel)  # type: ignore[no-untyped-call]

    def close(self) -> None:
        if self._owns_channel:
            self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _call(self, method: Any, request: Any, timeout: float | None = None) -> Any:
        try:
            return method(request, timeout=self.timeout if timeout is None else timeout)
        except grpc.RpcError as error:
            code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
            details = error.details() if isinstance(error, grpc.Call) else str(error)
            raise PresqueError(code, details or "") from error

    # ---- producing ----

    @staticmethod
    def _options(
        priority: int = 0,
        delay_seconds: float = 0,
        run_at: datetime | None = None,
        max_attempts: int = 0,
        expires_at: datetime | None = None,
        unique_key: str = "",
        idempotency_key: str = "",
        traceparent: str = "",
    ) -> queue_pb.EnqueueOptions:
        return queue_pb.EnqueueOptions(
            priority=priority,
            delay_seconds=delay_seconds,
            run_at=_timestamp(run_at),
            max_attempts=max_attempts,
            expires_at=_timestamp(expires_at),
            unique_key=unique_key,
            idempotency_key=idempotency_key,
            traceparent=traceparent,
        )

    def enqueue(
        self,
        queue: str,
        payload: Any = None,
        *,
        payload_json: str | None = None,
        requeue: bool = False,
        priority: int = 0,
        delay_seconds: float = 0,
        run_at: datetime | None = None,
        max_attempts: int = 0,
        expires_at: datetime | None = None,
        unique_key: str = "",
        idempotency_key: str = "",
        traceparent: str = "",
    ) -> Enqueued:
        """Adds one job. ``payload`` is any JSON-serialisable value; ``payload_json`` is JSON text
        stored as is (for exact big numbers or decimals)."""
        text = payload_json if payload_json is not None else _json_text(payload)
        options = self._options(
            priority, delay_seconds, run_at, max_attempts, expires_at, unique_key, idempotency_key, traceparent
        )
        request = queue_pb.EnqueueRequest(queue=queue, payload_json=text, options=options, requeue=requeue)
        response = self._call(self.queue.Enqueue, request)
        return Enqueued(id=response.id, duplicate=response.duplicate)

    def enqueue_batch(
        self,
        queue: str,
        payloads: Iterable[Any] = (),
        *,
        payloads_json: Sequence[str] | None = None,
        priority: int = 0,
        delay_seconds: float = 0,
        run_at: datetime | None = None,
        max_attempts: int = 0,
        expires_at: datetime | None = None,
        idempotency_key: str = "",
        traceparent: str = "",
    ) -> EnqueuedBatch:
        """Adds many jobs to one queue atomically; ids come back in the payloads' order."""
        texts = list(payloads_json) if payloads_json is not None else [_json_text(p) for p in payloads]
        options = self._options(priority, delay_seconds, run_at, max_attempts, expires_at, "", idempotency_key, traceparent)
        request = queue_pb.EnqueueBatchRequest(queue=queue, payloads_json=texts, options=options)
        response = self._call(self.queue.EnqueueBatch, request)
        return EnqueuedBatch(ids=list(response.ids), duplicate=response.duplicate)

    # ---- consuming ----

    def fetch(
        self,
        queue: str,
        *,
        max_jobs: int = 1,
        lease_seconds: int = 0,
        wait_seconds: int = 0,
        auto_ack: bool = False,
    ) -> list[Job]:
        """Takes up to ``max_jobs`` jobs, leased (``lease_seconds``, 0: the queue's default) unless
        ``auto_ack``. ``wait_seconds`` long-polls an empty queue. An empty list: nothing was ready."""
        request = queue_pb.FetchRequest(
            queue=queue, max_jobs=max_jobs, lease_seconds=lease_seconds, wait_seconds=wait_seconds, auto_ack=auto_ack
        )
        response = self._call(self.queue.Fetch, request, timeout=self.timeout + wait_seconds)
        return [Job.from_message(job) for job in response.jobs]

    def ack(self, job: Job) -> None:
        """Finishes a leased job (refused with FAILED_PRECONDITION once its lease is lost)."""
        self._call(self.queue.Ack, queue_pb.AckRequest(queue=job.queue, id=job.id, lease_token=job.lease_token))

    def nack(
        self,
        job: Job,
        error: str = "",
        *,
        delay_seconds: float | None = None,
        retryable: bool | None = None,
    ) -> Nacked:
        """Gives a leased job back: retried after ``delay_seconds`` (else the queue's backoff), or
        dead letters when ``retryable`` is False or no attempts are left."""
        request = queue_pb.NackRequest(queue=job.queue, id=job.id, lease_token=job.lease_token, error=error)
        if delay_seconds is not None:
            request.delay_seconds = delay_seconds
        if retryable is not None:
            request.retryable = retryable
        response = self._call(self.queue.Nack, request)
        retry_at = response.retry_at.ToDatetime() if response.HasField("retry_at") else None
        return Nacked(dead=response.dead, retry_at=retry_at, dead_reason=response.dead_reason)

    def extend(self, job: Job, lease_seconds: int = 0) -> Job:
        """Moves the lease deadline to now + ``lease_seconds`` (0: the queue's default)."""
        request = queue_pb.ExtendLeaseRequest(
            queue=job.queue, id=job.id, lease_token=job.lease_token, lease_seconds=lease_seconds
        )
        return Job.from_message(self._call(self.queue.ExtendLease, request).job)

    def get_job(self, queue: str, job_id: str) -> Job:
        """Reads a job without changing it (NOT_FOUND once it is acked and not retained)."""
        return Job.from_message(self._call(self.queue.GetJob, queue_pb.GetJobRequest(queue=queue, id=job_id)).job)

    def promote(self, queue: str, job_id: str) -> Job:
        """Makes a delayed job ready now."""
        request = queue_pb.PromoteJobRequest(queue=queue, id=job_id)
        return Job.from_message(self._call(self.queue.PromoteJob, request).job)

    # ---- stats ----

    def stats(self, queue: str) -> stats_pb.QueueInfo:
        """Counts of one queue: ready, delayed, in_flight, processed, failed, dead, ..."""
        response: stats_pb.GetQueueInfoResponse = self._call(
            self.stats_service.GetQueueInfo, stats_pb.GetQueueInfoRequest(queue=queue)
        )
        return response.info

    def all_stats(self) -> list[stats_pb.QueueInfo]:
        """The counts of every queue."""
        return list(self._call(self.stats_service.GetStats, stats_pb.GetStatsRequest()).queues)

    # ---- control ----

    def stop_queue(self, queue: str) -> None:
        """The queue keeps accepting jobs but hands none out until started again."""
        self._call(self.control.StopQueue, control_pb.StopQueueRequest(queue=queue))

    def start_queue(self, queue: str) -> None:
        self._call(self.control.StartQueue, control_pb.StartQueueRequest(queue=queue))

    def is_stopped(self, queue: str) -> bool:
        return bool(self._call(self.control.GetQueueControl, control_pb.GetQueueControlRequest(queue=queue)).stopped)

    def purge_queue(self, queue: str) -> int:
        """Removes every ready, delayed and leased job; returns how many."""
        return int(self._call(self.control.PurgeQueue, control_pb.PurgeQueueRequest(queue=queue)).purged)

    def delete_queue(self, queue: str) -> None:
        self._call(self.control.DeleteQueue, control_pb.DeleteQueueRequest(queue=queue))

    def queue_settings(self, queue: str) -> control_pb.QueueSettings:
        response: control_pb.GetQueueSettingsResponse = self._call(
            self.control.GetQueueSettings, control_pb.GetQueueSettingsRequest(queue=queue)
        )
        return response.settings

    def update_queue_settings(
        self, queue: str, settings: control_pb.QueueSettings, reset: Sequence[str] = ()
    ) -> control_pb.QueueSettings:
        """Sets the fields present in ``settings``; ``reset`` names fields to return to defaults."""
        request = control_pb.UpdateQueueSettingsRequest(queue=queue, settings=settings, reset=list(reset))
        response: control_pb.UpdateQueueSettingsResponse = self._call(self.control.UpdateQueueSettings, request)
        return response.settings

    # ---- worker registry (what the dashboard and GET /w/ list) ----

    def register_worker(
        self, name: str, queues: Sequence[str], *, host: str, pid: int, concurrency: int, heartbeat_seconds: float
    ) -> str:
        """Lists a worker in presque's registry; returns its worker id."""
        request = consumer_pb.RegisterWorkerRequest(
            name=name, queues=list(queues), host=host, pid=pid, concurrency=concurrency, heartbeat_seconds=heartbeat_seconds
        )
        response: consumer_pb.RegisterWorkerResponse = self._call(self.consumer.RegisterWorker, request)
        return response.worker_id

    def heartbeat(
        self, worker_id: str, working_on: Sequence[tuple[str, str, datetime]], *, processed: int, failed: int
    ) -> None:
        """``working_on``: (queue, job id, started at) of the running jobs."""
        refs = [consumer_pb.JobRef(queue=q, id=i, started_at=_timestamp(at)) for q, i, at in working_on]
        request = consumer_pb.HeartbeatRequest(worker_id=worker_id, working_on=refs, processed=processed, failed=failed)
        self._call(self.consumer.Heartbeat, request)

    def unregister_worker(self, worker_id: str) -> None:
        self._call(self.consumer.UnregisterWorker, consumer_pb.UnregisterWorkerRequest(worker_id=worker_id))

    def list_workers(self) -> list[consumer_pb.Worker]:
        response: consumer_pb.ListWorkersResponse = self._call(self.consumer.ListWorkers, consumer_pb.ListWorkersRequest())
        return list(response.workers)
