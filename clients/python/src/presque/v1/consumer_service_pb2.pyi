import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from presque.v1 import job_pb2 as _job_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AckResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACK_RESULT_UNSPECIFIED: _ClassVar[AckResult]
    ACK_RESULT_ACKED: _ClassVar[AckResult]
    ACK_RESULT_NOT_FOUND: _ClassVar[AckResult]
    ACK_RESULT_STALE_LEASE: _ClassVar[AckResult]
ACK_RESULT_UNSPECIFIED: AckResult
ACK_RESULT_ACKED: AckResult
ACK_RESULT_NOT_FOUND: AckResult
ACK_RESULT_STALE_LEASE: AckResult

class SubscribeRequest(_message.Message):
    __slots__ = ("queues", "prefetch", "lease_seconds", "heartbeat_seconds", "payload_json_only", "max_jobs_per_event")
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    PREFETCH_FIELD_NUMBER: _ClassVar[int]
    LEASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_ONLY_FIELD_NUMBER: _ClassVar[int]
    MAX_JOBS_PER_EVENT_FIELD_NUMBER: _ClassVar[int]
    queues: _containers.RepeatedScalarFieldContainer[str]
    prefetch: int
    lease_seconds: int
    heartbeat_seconds: int
    payload_json_only: bool
    max_jobs_per_event: int
    def __init__(self, queues: _Optional[_Iterable[str]] = ..., prefetch: _Optional[int] = ..., lease_seconds: _Optional[int] = ..., heartbeat_seconds: _Optional[int] = ..., payload_json_only: _Optional[bool] = ..., max_jobs_per_event: _Optional[int] = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ("subscribed", "job", "heartbeat", "jobs")
    class Subscribed(_message.Message):
        __slots__ = ("subscription_id", "prefetch", "lease_seconds", "heartbeat_seconds")
        SUBSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
        PREFETCH_FIELD_NUMBER: _ClassVar[int]
        LEASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
        HEARTBEAT_SECONDS_FIELD_NUMBER: _ClassVar[int]
        subscription_id: str
        prefetch: int
        lease_seconds: int
        heartbeat_seconds: int
        def __init__(self, subscription_id: _Optional[str] = ..., prefetch: _Optional[int] = ..., lease_seconds: _Optional[int] = ..., heartbeat_seconds: _Optional[int] = ...) -> None: ...
    class Heartbeat(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    class JobBatch(_message.Message):
        __slots__ = ("jobs",)
        JOBS_FIELD_NUMBER: _ClassVar[int]
        jobs: _containers.RepeatedCompositeFieldContainer[_job_pb2.Job]
        def __init__(self, jobs: _Optional[_Iterable[_Union[_job_pb2.Job, _Mapping]]] = ...) -> None: ...
    SUBSCRIBED_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    JOBS_FIELD_NUMBER: _ClassVar[int]
    subscribed: SubscribeResponse.Subscribed
    job: _job_pb2.Job
    heartbeat: SubscribeResponse.Heartbeat
    jobs: SubscribeResponse.JobBatch
    def __init__(self, subscribed: _Optional[_Union[SubscribeResponse.Subscribed, _Mapping]] = ..., job: _Optional[_Union[_job_pb2.Job, _Mapping]] = ..., heartbeat: _Optional[_Union[SubscribeResponse.Heartbeat, _Mapping]] = ..., jobs: _Optional[_Union[SubscribeResponse.JobBatch, _Mapping]] = ...) -> None: ...

class AckBatchRequest(_message.Message):
    __slots__ = ("items",)
    class Item(_message.Message):
        __slots__ = ("queue", "id", "lease_token")
        QUEUE_FIELD_NUMBER: _ClassVar[int]
        ID_FIELD_NUMBER: _ClassVar[int]
        LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
        queue: str
        id: str
        lease_token: str
        def __init__(self, queue: _Optional[str] = ..., id: _Optional[str] = ..., lease_token: _Optional[str] = ...) -> None: ...
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[AckBatchRequest.Item]
    def __init__(self, items: _Optional[_Iterable[_Union[AckBatchRequest.Item, _Mapping]]] = ...) -> None: ...

class AckBatchResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedScalarFieldContainer[AckResult]
    def __init__(self, results: _Optional[_Iterable[_Union[AckResult, str]]] = ...) -> None: ...

class RegisterWorkerRequest(_message.Message):
    __slots__ = ("name", "queues", "host", "pid", "concurrency", "heartbeat_seconds")
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    queues: _containers.RepeatedScalarFieldContainer[str]
    host: str
    pid: int
    concurrency: int
    heartbeat_seconds: float
    def __init__(self, name: _Optional[str] = ..., queues: _Optional[_Iterable[str]] = ..., host: _Optional[str] = ..., pid: _Optional[int] = ..., concurrency: _Optional[int] = ..., heartbeat_seconds: _Optional[float] = ...) -> None: ...

class RegisterWorkerResponse(_message.Message):
    __slots__ = ("worker_id",)
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    def __init__(self, worker_id: _Optional[str] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("worker_id", "working_on", "processed", "failed")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    WORKING_ON_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    working_on: _containers.RepeatedCompositeFieldContainer[JobRef]
    processed: int
    failed: int
    def __init__(self, worker_id: _Optional[str] = ..., working_on: _Optional[_Iterable[_Union[JobRef, _Mapping]]] = ..., processed: _Optional[int] = ..., failed: _Optional[int] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnregisterWorkerRequest(_message.Message):
    __slots__ = ("worker_id",)
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    def __init__(self, worker_id: _Optional[str] = ...) -> None: ...

class UnregisterWorkerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListWorkersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListWorkersResponse(_message.Message):
    __slots__ = ("workers",)
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    workers: _containers.RepeatedCompositeFieldContainer[Worker]
    def __init__(self, workers: _Optional[_Iterable[_Union[Worker, _Mapping]]] = ...) -> None: ...

class JobRef(_message.Message):
    __slots__ = ("queue", "id", "started_at")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    queue: str
    id: str
    started_at: _timestamp_pb2.Timestamp
    def __init__(self, queue: _Optional[str] = ..., id: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Worker(_message.Message):
    __slots__ = ("worker_id", "name", "queues", "host", "pid", "concurrency", "registered_at", "last_heartbeat_at", "alive", "working_on", "processed", "failed")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_HEARTBEAT_AT_FIELD_NUMBER: _ClassVar[int]
    ALIVE_FIELD_NUMBER: _ClassVar[int]
    WORKING_ON_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    name: str
    queues: _containers.RepeatedScalarFieldContainer[str]
    host: str
    pid: int
    concurrency: int
    registered_at: _timestamp_pb2.Timestamp
    last_heartbeat_at: _timestamp_pb2.Timestamp
    alive: bool
    working_on: _containers.RepeatedCompositeFieldContainer[JobRef]
    processed: int
    failed: int
    def __init__(self, worker_id: _Optional[str] = ..., name: _Optional[str] = ..., queues: _Optional[_Iterable[str]] = ..., host: _Optional[str] = ..., pid: _Optional[int] = ..., concurrency: _Optional[int] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_heartbeat_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., alive: _Optional[bool] = ..., working_on: _Optional[_Iterable[_Union[JobRef, _Mapping]]] = ..., processed: _Optional[int] = ..., failed: _Optional[int] = ...) -> None: ...
