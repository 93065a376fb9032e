from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import presque
from presque import Client, Job, NotRetryable, Worker


@contextmanager
def running(worker: Worker) -> Iterator[None]:
    thread = threading.Thread(target=worker.run, kwargs={"handle_signals": False})
    thread.start()
    try:
        yield
    finally:
        worker.stop()
        thread.join(30)
        assert not thread.is_alive()


def test_a_worker_must_implement_work(presque_url: str) -> None:
    class NoWork(Worker):
        queues = ["q"]

    with pytest.raises(TypeError, match="must implement work"):
        NoWork(presque_url)


def test_a_worker_needs_a_queue(presque_url: str) -> None:
    class Empty(Worker):
        def work(self, job: Job) -> None:
            pass

    with pytest.raises(ValueError, match="at least one queue"):
        Empty(presque_url)


def test_runs_jobs_concurrently_from_two_queues_and_acks_them(presque_url: str, client: Client, queue: str) -> None:
    other = queue + "-b"
    barrier = threading.Barrier(3, timeout=20)
    seen: list[tuple[str, object]] = []
    all_done = threading.Event()

    class Both(Worker):
        concurrency = 3

        def work(self, job: Job) -> None:
            seen.append((job.queue, job.payload))
            if len(seen) <= 3:
                barrier.wait()  # breaks (and fails the test) unless 3 jobs run at the same time
            if len(seen) == 6:
                all_done.set()

    worker = Both(presque_url, queues=[queue, other])
    client.enqueue_batch(queue, [1, 2, 3])
    client.enqueue_batch(other, ["a", "b", "c"])
    with running(worker):
        assert all_done.wait(30)
    assert sorted(seen, key=repr) == sorted(
        [(queue, 1), (queue, 2), (queue, 3), (other, "a"), (other, "b"), (other, "c")], key=repr
    )
    assert not barrier.broken
    assert client.stats(queue).processed == 3 and client.stats(other).processed == 3
    assert worker.processed == 6 and worker.failed == 0


def test_a_failing_job_calls_fail_and_is_nacked(presque_url: str, client: Client, queue: str) -> None:
    failures: list[tuple[str, str]] = []
    both_failed = threading.Event()

    class Failing(Worker):
        queues = [queue]

        def work(self, job: Job) -> None:
            if job.payload == "fatal":
                raise NotRetryable("cannot ever work")
            raise RuntimeError("temporary trouble")

        def fail(self, job: Job, error: BaseException) -> None:
            failures.append((job.id, str(error)))
            if len(failures) == 2:
                both_failed.set()

    retried = client.enqueue(queue, "again", max_attempts=5).id
    fatal = client.enqueue(queue, "fatal").id
    client.update_queue_settings(queue, presque.v1.control_service_pb2.QueueSettings(backoff_base_seconds=60))
    with running(Failing(presque_url)):
        assert both_failed.wait(30)
    assert sorted(failures) == sorted([(retried, "temporary trouble"), (fatal, "cannot ever work")])
    kept = client.get_job(queue, retried).message
    assert [e.message for e in kept.errors] == ["RuntimeError: temporary trouble"]
    assert kept.state == presque.v1.job_pb2.JOB_STATE_DELAYED
    info = client.stats(queue)
    assert info.dead == 1 and info.failed == 2 and info.processed == 0


def test_the_lease_is_extended_while_a_job_runs_longer_than_it(presque_url: str, client: Client, queue: str) -> None:
    finished = threading.Event()

    class Slow(Worker):
        queues = [queue]
        lease_seconds = 2

        def work(self, job: Job) -> None:
            finished.wait(5)  # the job's own work: two and a half leases long

    client.enqueue(queue, "slow")
    worker = Slow(presque_url)
    with running(worker):
        deadline = time.monotonic() + 15
        while worker.processed == 0 and time.monotonic() < deadline:
            finished.wait(0.1)
    info = client.stats(queue)
    assert info.processed == 1 and info.expired_leases == 0 and info.ready == 0
    assert worker.processed == 1


SCRIPT = textwrap.dedent(
    """
    import sys, time
    import presque

    class Graceful(presque.Worker):
        def work(self, job):
            print("started", job.payload, flush=True)
            time.sleep(1.5)  # the job's own work, still running when SIGTERM comes
            print("finished", job.payload, flush=True)

    Graceful(sys.argv[1], queues=[sys.argv[2]]).run()
    print("stopped", flush=True)
    """
)


def test_sigterm_finishes_the_running_job_and_takes_no_more(presque_url: str, client: Client, queue: str, tmp_path: Path) -> None:
    client.enqueue_batch(queue, ["one", "two"])
    script = tmp_path / "worker.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen(
        [sys.executable, str(script), presque_url, queue],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started one"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out.splitlines() == ["finished one", "stopped"]
    info = client.stats(queue)
    assert info.processed == 1 and info.ready == 1 and info.in_flight == 0


def test_a_refused_fetch_stops_the_worker_and_run_raises(presque_url: str) -> None:
    class BadQueue(Worker):
        queues = ["not/a/queue"]

        def work(self, job: Job) -> None:
            pass

    with pytest.raises(presque.PresqueError) as refused:
        BadQueue(presque_url).run(handle_signals=False)
    assert refused.value.code.name == "INVALID_ARGUMENT"


def test_a_running_worker_is_listed_with_its_job_and_gone_after_stop(presque_url: str, client: Client, queue: str) -> None:
    started = threading.Event()
    release = threading.Event()

    class Listed(Worker):
        queues = [queue]
        concurrency = 2
        heartbeat_seconds = 0.2
        name = "listed-" + queue

        def work(self, job: Job) -> None:
            started.set()
            release.wait(20)

    worker = Listed(presque_url)
    client.enqueue(queue, "x")
    with running(worker):
        assert started.wait(20)
        deadline = time.monotonic() + 15
        mine = []
        while time.monotonic() < deadline:
            mine = [w for w in client.list_workers() if w.name == Listed.name]
            if mine and mine[0].working_on:
                break
            started.wait(0.1)
        assert len(mine) == 1
        [entry] = mine
        assert list(entry.queues) == [queue] and entry.concurrency == 2 and entry.pid == os.getpid()
        assert [(r.queue, r.id) for r in entry.working_on] == [(queue, "1")]
        release.set()
    assert worker.worker_id is not None
    assert [w for w in client.list_workers() if w.name == Listed.name and w.alive] == []
