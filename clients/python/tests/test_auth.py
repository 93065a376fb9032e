"""The client and the Worker against a presque with API keys, over h2c and over TLS."""

from __future__ import annotations

import threading

import grpc
import pytest

from presque import Client, Job, PresqueError, Worker
from presque.client import open_channel

from conftest import SecuredPresque


def test_without_a_key_every_call_is_unauthenticated(secured: SecuredPresque, queue: str) -> None:
    with Client(secured.url, timeout=10) as anonymous:
        for call in (lambda: anonymous.enqueue(queue, {}), lambda: anonymous.stats(queue)):
            with pytest.raises(PresqueError) as refused:
                call()
            assert refused.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_an_unknown_key_is_unauthenticated(secured: SecuredPresque, queue: str) -> None:
    with Client(secured.url, api_key="pq_" + "x" * 43, timeout=10) as stranger:
        with pytest.raises(PresqueError) as refused:
            stranger.enqueue(queue, {})
        assert refused.value.code == grpc.StatusCode.UNAUTHENTICATED
        assert "unknown API key" in refused.value.message


def test_the_key_goes_on_every_call_over_plain_h2c(secured: SecuredPresque, queue: str) -> None:
    with Client(secured.url, api_key=secured.full_key, timeout=10) as client:
        enqueued = client.enqueue(queue, {"to": "a@example.org"})
        [job] = client.fetch(queue, lease_seconds=30)
        assert job.id == enqueued.id
        client.extend(job, 30)
        client.ack(job)
        assert client.stats(queue).processed == 1


def test_a_key_without_the_scope_is_permission_denied(secured: SecuredPresque, queue: str) -> None:
    with Client(secured.url, api_key=secured.reader_key, timeout=10) as reader:
        assert reader.stats(queue).ready == 0
        with pytest.raises(PresqueError) as refused:
            reader.enqueue(queue, {})
        assert refused.value.code == grpc.StatusCode.PERMISSION_DENIED
        assert "py-reader" in refused.value.message


def test_a_given_channel_gets_the_key_too(secured: SecuredPresque, queue: str) -> None:
    channel = open_channel(secured.url)
    with Client(secured.url, channel=channel, api_key=secured.full_key, timeout=10) as client:
        assert client.enqueue(queue, {}).id
    channel.close()


def test_an_api_key_with_a_line_break_is_refused_before_any_call(secured: SecuredPresque) -> None:
    with pytest.raises(ValueError, match="api_key must be"):
        Client(secured.url, api_key=secured.full_key + "\n")


def test_tls_with_the_private_ca_and_the_key(secured: SecuredPresque, queue: str) -> None:
    assert secured.tls_url.startswith("https://")
    with Client(secured.tls_url, api_key=secured.full_key, root_certificates=secured.ca_pem, timeout=10) as client:
        enqueued = client.enqueue(queue, {"over": "tls"})
        [job] = client.fetch(queue, auto_ack=True)
        assert job.id == enqueued.id and job.payload == {"over": "tls"}


def test_tls_refuses_a_server_the_ca_did_not_sign(secured: SecuredPresque, queue: str) -> None:
    for roots in (secured.other_ca_pem, None):
        with Client(secured.tls_url, api_key=secured.full_key, root_certificates=roots, timeout=5) as client:
            with pytest.raises(PresqueError) as refused:
                client.enqueue(queue, {})
            assert refused.value.code == grpc.StatusCode.UNAVAILABLE


def test_tls_false_with_an_https_url_or_roots_is_a_mistake(secured: SecuredPresque) -> None:
    with pytest.raises(ValueError, match="https://"):
        Client(secured.tls_url, tls=False)
    with pytest.raises(ValueError, match="root_certificates"):
        Client(secured.url, tls=False, root_certificates=secured.ca_pem)


class _Collector(Worker):
    """Keeps the first job's payload, then stops."""

    poll_seconds = 1
    done: threading.Event
    payloads: list[object]

    def work(self, job: Job) -> None:
        self.payloads.append(job.payload)
        self.done.set()
        self.stop()


def test_the_worker_runs_jobs_over_tls_with_the_key(secured: SecuredPresque, queue: str) -> None:
    with Client(secured.url, api_key=secured.full_key, timeout=10) as producer:
        producer.enqueue(queue, {"n": 1})
    worker = _Collector(secured.tls_url, queues=[queue], api_key=secured.full_key, root_certificates=secured.ca_pem)
    worker.done, worker.payloads = threading.Event(), []
    runner = threading.Thread(target=worker.run, kwargs={"handle_signals": False})
    runner.start()
    assert worker.done.wait(30)
    runner.join(30)
    assert not runner.is_alive()
    assert worker.payloads == [{"n": 1}]


def test_the_worker_stops_with_the_refusal_when_its_key_may_not_consume(secured: SecuredPresque, queue: str) -> None:
    worker = _Collector(secured.url, queues=[queue], api_key=secured.reader_key)
    worker.done, worker.payloads = threading.Event(), []
    with pytest.raises(PresqueError) as refused:
        worker.run(handle_signals=False)
    assert refused.value.code == grpc.StatusCode.PERMISSION_DENIED
    assert worker.payloads == []
