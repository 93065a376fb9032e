import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueueInfo(_message.Message):
    __slots__ = ("queue", "ready", "delayed", "in_flight", "stopped", "enqueued", "processed", "failed", "expired_leases", "dead", "done", "dead_total")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    READY_FIELD_NUMBER: _ClassVar[int]
    DELAYED_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    STOPPED_FIELD_NUMBER: _ClassVar[int]
    ENQUEUED_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_LEASES_FIELD_NUMBER: _ClassVar[int]
    DEAD_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    DEAD_TOTAL_FIELD_NUMBER: _ClassVar[int]
    queue: str
    ready: int
    delayed: int
    in_flight: int
    stopped: bool
    enqueued: int
    processed: int
    failed: int
    expired_leases: int
    dead: int
    done: int
    dead_total: int
    def __init__(self, queue: _Optional[str] = ..., ready: _Optional[int] = ..., delayed: _Optional[int] = ..., in_flight: _Optional[int] = ..., stopped: _Optional[bool] = ..., enqueued: _Optional[int] = ..., processed: _Optional[int] = ..., failed: _Optional[int] = ..., expired_leases: _Optional[int] = ..., dead: _Optional[int] = ..., done: _Optional[int] = ..., dead_total: _Optional[int] = ...) -> None: ...

class GetQueueInfoRequest(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ...) -> None: ...

class GetQueueInfoResponse(_message.Message):
    __slots__ = ("info",)
    INFO_FIELD_NUMBER: _ClassVar[int]
    info: QueueInfo
    def __init__(self, info: _Optional[_Union[QueueInfo, _Mapping]] = ...) -> None: ...

class GetStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetStatsResponse(_message.Message):
    __slots__ = ("queues",)
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    queues: _containers.RepeatedCompositeFieldContainer[QueueInfo]
    def __init__(self, queues: _Optional[_Iterable[_Union[QueueInfo, _Mapping]]] = ...) -> None: ...

class QueueStats(_message.Message):
    __slots__ = ("info", "enqueue_rate", "process_rate", "oldest_ready_age_seconds")
    INFO_FIELD_NUMBER: _ClassVar[int]
    ENQUEUE_RATE_FIELD_NUMBER: _ClassVar[int]
    PROCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    OLDEST_READY_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    info: QueueInfo
    enqueue_rate: float
    process_rate: float
    oldest_ready_age_seconds: float
    def __init__(self, info: _Optional[_Union[QueueInfo, _Mapping]] = ..., enqueue_rate: _Optional[float] = ..., process_rate: _Optional[float] = ..., oldest_ready_age_seconds: _Optional[float] = ...) -> None: ...

class WatchStatsRequest(_message.Message):
    __slots__ = ("interval_ms",)
    INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    interval_ms: int
    def __init__(self, interval_ms: _Optional[int] = ...) -> None: ...

class WatchStatsResponse(_message.Message):
    __slots__ = ("time", "queues")
    TIME_FIELD_NUMBER: _ClassVar[int]
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    queues: _containers.RepeatedCompositeFieldContainer[QueueStats]
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., queues: _Optional[_Iterable[_Union[QueueStats, _Mapping]]] = ...) -> None: ...

class MinuteStats(_message.Message):
    __slots__ = ("start", "enqueued", "processed", "failed", "expired_leases", "ready", "delayed", "in_flight")
    START_FIELD_NUMBER: _ClassVar[int]
    ENQUEUED_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_LEASES_FIELD_NUMBER: _ClassVar[int]
    READY_FIELD_NUMBER: _ClassVar[int]
    DELAYED_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    start: _timestamp_pb2.Timestamp
    enqueued: int
    processed: int
    failed: int
    expired_leases: int
    ready: int
    delayed: int
    in_flight: int
    def __init__(self, start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., enqueued: _Optional[int] = ..., processed: _Optional[int] = ..., failed: _Optional[int] = ..., expired_leases: _Optional[int] = ..., ready: _Optional[int] = ..., delayed: _Optional[int] = ..., in_flight: _Optional[int] = ...) -> None: ...

class GetQueueHistoryRequest(_message.Message):
    __slots__ = ("queue", "minutes")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    queue: str
    minutes: int
    def __init__(self, queue: _Optional[str] = ..., minutes: _Optional[int] = ...) -> None: ...

class GetQueueHistoryResponse(_message.Message):
    __slots__ = ("queue", "minutes")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    queue: str
    minutes: _containers.RepeatedCompositeFieldContainer[MinuteStats]
    def __init__(self, queue: _Optional[str] = ..., minutes: _Optional[_Iterable[_Union[MinuteStats, _Mapping]]] = ...) -> None: ...
