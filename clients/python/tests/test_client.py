from __future__ import annotations

import grpc
import pytest

from presque import Client, PresqueError
from presque.v1 import control_service_pb2


def test_enqueue_fetch_ack_keeps_the_payload_byte_for_byte(client: Client, queue: str) -> None:
    text = '{"big": 12345678901234567890, "f": 1.10, "s": "é"}'
    enqueued = client.enqueue(queue, payload_json=text)
    assert enqueued.id and not enqueued.duplicate
    [job] = client.fetch(queue, lease_seconds=30)
    assert job.id == enqueued.id
    assert job.payload_json == text
    assert job.payload == {"big": 12345678901234567890, "f": 1.10, "s": "é"}
    assert job.attempt == 1 and job.deliveries == 1 and job.lease_token
    assert job.lease_deadline is not None
    client.ack(job)
    assert client.stats(queue).processed == 1
    with pytest.raises(PresqueError) as refused:
        client.ack(job)
    assert refused.value.code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION)


def test_enqueue_serialises_plain_python_values(client: Client, queue: str) -> None:
    client.enqueue(queue, {"to": "a@example.org", "n": [1, 2, 3]})
    [job] = client.fetch(queue, auto_ack=True)
    assert job.payload == {"to": "a@example.org", "n": [1, 2, 3]}
    assert job.lease_token == ""


def test_batch_keeps_order_and_idempotency_key(client: Client, queue: str) -> None:
    batch = client.enqueue_batch(queue, [{"i": i} for i in range(5)], idempotency_key="k1")
    assert len(batch.ids) == 5 and not batch.duplicate
    again = client.enqueue_batch(queue, [{"i": i} for i in range(5)], idempotency_key="k1")
    assert again.duplicate and again.ids == batch.ids
    jobs = client.fetch(queue, max_jobs=10, lease_seconds=30)
    assert [j.payload["i"] for j in jobs] == [0, 1, 2, 3, 4]
    assert [j.id for j in jobs] == batch.ids
    assert client.stats(queue).in_flight == 5


def test_nack_retries_then_dead_letters(client: Client, queue: str) -> None:
    client.enqueue(queue, {"x": 1}, max_attempts=2)
    [job] = client.fetch(queue, lease_seconds=30)
    first = client.nack(job, "boom", delay_seconds=0)
    assert not first.dead
    [again] = client.fetch(queue, lease_seconds=30)
    assert again.id == job.id and again.attempt == 2
    assert [e.message for e in client.get_job(queue, job.id).message.errors] == ["boom"]
    last = client.nack(again, "boom again")
    assert last.dead and "2 of 2" in last.dead_reason
    info = client.stats(queue)
    assert info.dead == 1 and info.failed == 2


def test_nack_not_retryable_goes_to_dead_letters(client: Client, queue: str) -> None:
    client.enqueue(queue, 1)
    [job] = client.fetch(queue, lease_seconds=30)
    assert client.nack(job, "bad input", retryable=False).dead


def test_extend_moves_the_deadline_and_a_stale_token_is_refused(client: Client, queue: str) -> None:
    client.enqueue(queue, "x")
    [job] = client.fetch(queue, lease_seconds=5)
    assert job.lease_deadline is not None
    extended = client.extend(job, 120)
    assert extended.lease_deadline is not None and extended.lease_deadline > job.lease_deadline
    stale = type(job)(**{**job.__dict__, "lease_token": "not-the-token"})
    with pytest.raises(PresqueError) as refused:
        client.extend(stale, 60)
    assert refused.value.code == grpc.StatusCode.FAILED_PRECONDITION


def test_fetch_waits_for_a_job(client: Client, queue: str) -> None:
    assert client.fetch(queue, lease_seconds=5) == []
    # Long poll: a job enqueued by another client while we wait is handed out.
    import threading

    with Client(client.target) as producer:
        timer = threading.Timer(0.3, lambda: producer.enqueue(queue, {"late": True}))
        timer.start()
        jobs = client.fetch(queue, lease_seconds=5, wait_seconds=5)
        timer.join()
    assert [j.payload for j in jobs] == [{"late": True}]


def test_control_stop_start_purge_settings(client: Client, queue: str) -> None:
    client.enqueue(queue, 1)
    client.stop_queue(queue)
    assert client.is_stopped(queue)
    assert client.fetch(queue, lease_seconds=5) == []
    client.start_queue(queue)
    assert not client.is_stopped(queue)
    client.enqueue(queue, 2)
    assert client.purge_queue(queue) == 2
    assert client.stats(queue).ready == 0
    settings = client.update_queue_settings(queue, control_service_pb2.QueueSettings(max_attempts=3))
    assert settings.max_attempts == 3
    assert client.queue_settings(queue).max_attempts == 3
    assert any(info.queue == queue for info in client.all_stats())
    client.delete_queue(queue)


def test_refusals_carry_the_grpc_code(client: Client) -> None:
    with pytest.raises(PresqueError) as refused:
        client.enqueue("bad/name", 1)
    assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(PresqueError) as bad_json:
        client.enqueue("q", payload_json="{not json")
    assert bad_json.value.code == grpc.StatusCode.INVALID_ARGUMENT


def test_a_rest_enqueue_reaches_python_byte_for_byte(presque_url: str, client: Client, queue: str) -> None:
    import urllib.request

    body = b'{ "big": 12345678901234567890, "f": 1.10 }'
    request = urllib.request.Request(f"{presque_url}/q/{queue}", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    [job] = client.fetch(queue, auto_ack=True)
    assert job.payload_json.encode() == body
    assert job.payload["big"] == 12345678901234567890


def test_a_deeply_nested_payload_is_delivered_as_its_text(client: Client, queue: str) -> None:
    deep = "[" * 30 + "1" + "]" * 30  # near the server's default limit of 32 levels; parsed by json.loads
    client.enqueue(queue, payload_json=deep)
    [job] = client.fetch(queue, lease_seconds=10)
    assert job.payload_json == deep
    value = job.payload
    for _ in range(30):
        value = value[0]
    assert value == 1
    client.ack(job)
