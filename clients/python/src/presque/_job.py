"""The Job a consumer is handed: the payload as stored (text and parsed) plus its envelope."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from google.protobuf import json_format

from presque.v1 import job_pb2


def _time(message: job_pb2.Job, name: str) -> datetime | None:
    if not message.HasField(name):
        return None
    stamp = getattr(message, name)
    return datetime.fromtimestamp(stamp.seconds + stamp.nanos / 1e9, tz=timezone.utc)


@dataclass(frozen=True)
class Job:
    """A job as handed out by presque. ``payload`` is ``json.loads(payload_json)``."""

    id: str
    queue: str
    payload_json: str
    """The payload exactly as it was stored, byte for byte (the JSON text the producer sent)."""
    attempt: int
    deliveries: int
    max_attempts: int
    priority: int
    lease_token: str
    lease_deadline: datetime | None
    enqueued_at: datetime | None
    traceparent: str
    message: job_pb2.Job = field(repr=False, compare=False)
    """The generated protobuf message, for the fields not copied here."""

    @property
    def payload(self) -> Any:
        """The payload parsed with ``json.loads`` (Python ints keep big integers exact)."""
        return json.loads(self.payload_json)

    @classmethod
    def from_message(cls, message: job_pb2.Job) -> Job:
        text = message.payload_json
        if not text and message.HasField("payload"):
            # A server older than payload_json: fall back to the (lossy) Value.
            text = json.dumps(json_format.MessageToDict(message.payload), separators=(",", ":"))
        return cls(
            id=message.id,
            queue=message.queue,
            payload_json=text,
            attempt=message.attempt,
            deliveries=message.deliveries,
            max_attempts=message.max_attempts,
            priority=message.priority,
            lease_token=message.lease_token,
            lease_deadline=_time(message, "lease_deadline"),
            enqueued_at=_time(message, "enqueued_at"),
            traceparent=message.traceparent,
            message=message,
        )
