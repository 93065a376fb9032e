"""The API key on every call: a client interceptor that adds ``authorization: Bearer <key>``.

An interceptor rather than ``grpc.access_token_call_credentials``: gRPC sends call credentials
only over TLS, and presque on loopback is often plain h2c; the key must go either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import grpc


class _CallDetails(NamedTuple):
    method: str
    timeout: float | None
    metadata: Sequence[tuple[str, str | bytes]] | None
    credentials: Any
    wait_for_ready: bool | None
    compression: Any


class BearerInterceptor(
    grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc]
    grpc.UnaryStreamClientInterceptor,  # type: ignore[misc]
    grpc.StreamUnaryClientInterceptor,  # type: ignore[misc]
    grpc.StreamStreamClientInterceptor,  # type: ignore[misc]
):
    """Adds the key to the metadata of every unary and streaming call of a channel."""

    def __init__(self, api_key: str) -> None:
        if not api_key or any(ord(c) < 0x21 or ord(c) > 0x7E for c in api_key):
            raise ValueError("api_key must be the key's secret (pq_...), without spaces or line breaks")
        self._header = ("authorization", f"Bearer {api_key}")

    def _with_key(self, details: Any) -> _CallDetails:
        metadata = [pair for pair in (details.metadata or ()) if pair[0] != "authorization"]
        return _CallDetails(
            details.method,
            details.timeout,
            [*metadata, self._header],
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )

    def intercept_unary_unary(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._with_key(details), request)

    def intercept_unary_stream(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._with_key(details), request)

    def intercept_stream_unary(self, continuation: Callable[..., Any], details: Any, requests: Any) -> Any:
        return continuation(self._with_key(details), requests)

    def intercept_stream_stream(self, continuation: Callable[..., Any], details: Any, requests: Any) -> Any:
        return continuation(self._with_key(details), requests)
