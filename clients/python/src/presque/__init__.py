"""presque: a Python client and Worker for the presque job queue (gRPC on presque's one port)."""

from presque._job import Job
from presque.client import Client, Enqueued, EnqueuedBatch, Nacked, PresqueError
from presque.worker import NotRetryable, Worker

__all__ = ["Client", "Enqueued", "EnqueuedBatch", "Job", "Nacked", "NotRetryable", "PresqueError", "Worker"]
