from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueueSettings(_message.Message):
    __slots__ = ("max_length", "default_lease_seconds", "max_attempts", "backoff", "backoff_base_seconds", "backoff_max_seconds", "keep_completed_count", "keep_completed_seconds", "keep_dead_count", "keep_dead_seconds")
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_LEASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    BACKOFF_FIELD_NUMBER: _ClassVar[int]
    BACKOFF_BASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    BACKOFF_MAX_SECONDS_FIELD_NUMBER: _ClassVar[int]
    KEEP_COMPLETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    KEEP_COMPLETED_SECONDS_FIELD_NUMBER: _ClassVar[int]
    KEEP_DEAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    KEEP_DEAD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    max_length: int
    default_lease_seconds: float
    max_attempts: int
    backoff: str
    backoff_base_seconds: float
    backoff_max_seconds: float
    keep_completed_count: int
    keep_completed_seconds: float
    keep_dead_count: int
    keep_dead_seconds: float
    def __init__(self, max_length: _Optional[int] = ..., default_lease_seconds: _Optional[float] = ..., max_attempts: _Optional[int] = ..., backoff: _Optional[str] = ..., backoff_base_seconds: _Optional[float] = ..., backoff_max_seconds: _Optional[float] = ..., keep_completed_count: _Optional[int] = ..., keep_completed_seconds: _Optional[float] = ..., keep_dead_count: _Optional[int] = ..., keep_dead_seconds: _Optional[float] = ...) -> None: ...

class DeleteQueueRequest(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ...) -> None: ...

class DeleteQueueResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetQueueSettingsRequest(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ...) -> None: ...

class GetQueueSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: QueueSettings
    def __init__(self, settings: _Optional[_Union[QueueSettings, _Mapping]] = ...) -> None: ...

class UpdateQueueSettingsRequest(_message.Message):
    __slots__ = ("queue", "settings", "reset")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    queue: str
    settings: QueueSettings
    reset: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, queue: _Optional[str] = ..., settings: _Optional[_Union[QueueSettings, _Mapping]] = ..., reset: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateQueueSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: QueueSettings
    def __init__(self, settings: _Optional[_Union[QueueSettings, _Mapping]] = ...) -> None: ...

class StopQueueRequest(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ...) -> None: ...

class StopQueueResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StartQueueRequest(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ...) -> None: ...

class StartQueueResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetQueueControlRequest(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ...) -> None: ...

class GetQueueControlResponse(_message.Message):
    __slots__ = ("queue", "stopped")
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    STOPPED_FIELD_NUMBER: _ClassVar[int]
    queue: str
    stopped: bool
    def __init__(self, queue: _Optional[str] = ..., stopped: _Optional[bool] = ...) -> None: ...

class PurgeQueueRequest(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ...) -> None: ...

class PurgeQueueResponse(_message.Message):
    __slots__ = ("purged",)
    PURGED_FIELD_NUMBER: _ClassVar[int]
    purged: int
    def __init__(self, purged: _Optional[int] = ...) -> None: ...
