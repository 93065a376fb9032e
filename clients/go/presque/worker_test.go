package presque_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/presque/presque/clients/go/presque"
)

// runWorker runs w until the returned stop is called; stop cancels Run's context and answers
// Run's error.
func runWorker(t *testing.T, w *presque.Worker) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stopped := false
	var result error
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case result = <-done:
			case <-time.After(20 * time.Second):
				t.Error("Run did not return 20 s after its context was cancelled")
			}
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func TestWorkerRunsJobsOfTwoQueuesConcurrently(t *testing.T) {
	for name, client := range clients() {
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t)
			first, second := queueName(t, "a"), queueName(t, "b")
			const perQueue, concurrency = 4, 3
			for i := range perQueue {
				for _, q := range []string{first, second} {
					if _, err := client.Enqueue(ctx, q, map[string]int{"i": i}, nil); err != nil {
						t.Fatal(err)
					}
				}
			}
			var mu sync.Mutex
			running, most := 0, 0
			seen := map[string]int{}
			// The first `concurrency` jobs wait for each other: they can only all finish if the
			// worker runs that many at once.
			gate := make(chan struct{})
			var arrived atomic.Int32
			allDone := make(chan struct{})
			var finished atomic.Int32
			w := &presque.Worker{
				Client: client, Queues: []string{first, second}, Concurrency: concurrency,
				Handler: presque.HandlerFunc(func(ctx context.Context, job *presque.Job) error {
					mu.Lock()
					running++
					most = max(most, running)
					seen[job.Queue]++
					mu.Unlock()
					if n := arrived.Add(1); n == concurrency {
						close(gate)
					} else if n < concurrency {
						select {
						case <-gate:
						case <-ctx.Done():
							return ctx.Err()
						}
					}
					mu.Lock()
					running--
					mu.Unlock()
					if finished.Add(1) == 2*perQueue {
						close(allDone)
					}
					return nil
				}),
			}
			stop := runWorker(t, w)
			select {
			case <-allDone:
			case <-ctx.Done():
				t.Fatalf("only %d of %d jobs ran", finished.Load(), 2*perQueue)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if most != concurrency {
				t.Fatalf("at most %d jobs ran at once, want %d", most, concurrency)
			}
			if seen[first] != perQueue || seen[second] != perQueue {
				t.Fatalf("jobs per queue: %v", seen)
			}
			for _, q := range []string{first, second} {
				info, err := client.QueueInfo(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if info.GetProcessed() != perQueue || info.GetReady() != 0 || info.GetInFlight() != 0 {
					t.Fatalf("%s after the worker: %+v", q, info)
				}
			}
		})
	}
}

type failingHandler struct {
	failed chan string
}

func (h *failingHandler) Work(_ context.Context, job *presque.Job) error {
	var p struct{ Kind string }
	if err := job.Decode(&p); err != nil {
		return err
	}
	switch p.Kind {
	case "panic":
		panic("boom")
	case "permanent":
		return presque.Permanent(errors.New("cannot ever work"))
	default:
		return errors.New("temporary trouble")
	}
}

func (h *failingHandler) Fail(_ context.Context, job *presque.Job, err error) {
	h.failed <- job.ID + ": " + err.Error()
}

func TestWorkerNacksFailures(t *testing.T) {
	ctx := testContext(t)
	client := presque.NewClient(baseURL)
	q := queueName(t, "q")
	ids := map[string]string{}
	for _, kind := range []string{"panic", "permanent", "temporary"} {
		id, err := client.Enqueue(ctx, q, map[string]string{"kind": kind}, &presque.EnqueueOptions{MaxAttempts: 5})
		if err != nil {
			t.Fatal(err)
		}
		ids[kind] = id
	}
	h := &failingHandler{failed: make(chan string, 16)}
	stop := runWorker(t, &presque.Worker{Client: client, Queues: []string{q}, Handler: h})
	failures := map[string]string{}
	for len(failures) < 3 {
		select {
		case f := <-h.failed:
			id, msg, _ := strings.Cut(f, ": ")
			if _, ok := failures[id]; !ok {
				failures[id] = msg
			}
		case <-ctx.Done():
			t.Fatalf("Fail was called for %d of 3 jobs", len(failures))
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(failures[ids["panic"]], "panic: boom") {
		t.Fatalf("panic became %q", failures[ids["panic"]])
	}
	permanent, err := client.GetJob(ctx, q, ids["permanent"])
	if err != nil {
		t.Fatal(err)
	}
	if permanent.Proto.GetDeadReason() != "failed, not retryable" {
		t.Fatalf("permanent failure: state %v, reason %q", permanent.Proto.GetState(), permanent.Proto.GetDeadReason())
	}
	temporary, err := client.GetJob(ctx, q, ids["temporary"])
	if err != nil {
		t.Fatal(err)
	}
	errs := temporary.Proto.GetErrors()
	if temporary.Proto.GetDeadReason() != "" || len(errs) == 0 || errs[0].GetMessage() != "temporary trouble" {
		t.Fatalf("temporary failure: %+v", temporary.Proto)
	}
}

func TestWorkerExtendsTheLeaseOfALongJob(t *testing.T) {
	ctx := testContext(t)
	client := presque.NewClient(baseURL)
	q := queueName(t, "q")
	id, err := client.Enqueue(ctx, q, "long", nil)
	if err != nil {
		t.Fatal(err)
	}
	const lease = time.Second
	done := make(chan error, 1)
	var runs atomic.Int32
	stop := runWorker(t, &presque.Worker{
		Client: client, Queues: []string{q}, Lease: lease,
		Handler: presque.HandlerFunc(func(ctx context.Context, job *presque.Job) error {
			runs.Add(1)
			// The work itself outlasts the lease three times over.
			select {
			case <-time.After(3 * lease):
			case <-ctx.Done():
			}
			select {
			case done <- context.Cause(ctx):
			default: // a second run (the lease was lost): counted, and reported below
			}
			return context.Cause(ctx)
		}),
	})
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the job's context ended: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the job did not run")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("the job ran %d times", n)
	}
	info, err := client.QueueInfo(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if info.GetProcessed() != 1 || info.GetExpiredLeases() != 0 || info.GetFailed() != 0 || info.GetReady() != 0 {
		t.Fatalf("after a job longer than its lease: %+v", info)
	}
	if _, err := client.GetJob(ctx, q, id); !presque.IsNotFound(err) {
		t.Fatalf("the acked job is still there: %v", err)
	}
}

func TestWorkerStopsGracefully(t *testing.T) {
	ctx := testContext(t)
	client := presque.NewClient(baseURL)
	q := queueName(t, "q")
	for i := range 2 {
		if _, err := client.Enqueue(ctx, q, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	started := make(chan struct{}, 2)
	release := make(chan struct{})
	var ctxErr error
	runCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &presque.Worker{
		Client: client, Queues: []string{q}, Concurrency: 1,
		Handler: presque.HandlerFunc(func(ctx context.Context, job *presque.Job) error {
			started <- struct{}{}
			<-release
			ctxErr = ctx.Err()
			return nil
		}),
	}
	returned := make(chan error, 1)
	go func() { returned <- w.Run(runCtx) }()
	<-started
	cancel() // as signal.NotifyContext does on SIGTERM
	close(release)
	if err := <-returned; err != nil {
		t.Fatal(err)
	}
	if ctxErr != nil {
		t.Fatalf("the running job's context was cancelled by the stop: %v", ctxErr)
	}
	if len(started) != 0 {
		t.Fatal("a second job was started after the stop")
	}
	// The running job was acked; the other one is back in the queue for another worker.
	eventually(t, "one job processed, one ready", func() bool {
		info, err := client.QueueInfo(ctx, q)
		return err == nil && info.GetProcessed() == 1 && info.GetReady() == 1 && info.GetInFlight() == 0
	})
}

func TestWorkerStopTimeoutCancelsRunningJobs(t *testing.T) {
	ctx := testContext(t)
	client := presque.NewClient(baseURL)
	q := queueName(t, "q")
	if _, err := client.Enqueue(ctx, q, "stuck", nil); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	stop := runWorker(t, &presque.Worker{
		Client: client, Queues: []string{q}, StopTimeout: 100 * time.Millisecond,
		Handler: presque.HandlerFunc(func(ctx context.Context, job *presque.Job) error {
			close(started)
			<-ctx.Done()
			return context.Cause(ctx)
		}),
	})
	<-started
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	job, err := client.GetJob(ctx, q, "1")
	if err != nil {
		t.Fatal(err)
	}
	if errs := job.Proto.GetErrors(); len(errs) != 1 || errs[0].GetMessage() != presque.ErrStopTimeout.Error() {
		t.Fatalf("errors of the stopped job: %v", errs)
	}
}

func TestWorkerChecksItsSettings(t *testing.T) {
	ctx := testContext(t)
	client := presque.NewClient(baseURL)
	if err := (&presque.Worker{Client: client, Queues: []string{"x"}}).Run(ctx); err == nil || !strings.Contains(err.Error(), "Handler") {
		t.Fatalf("no handler: %v", err)
	}
	noop := presque.HandlerFunc(func(context.Context, *presque.Job) error { return nil })
	if err := (&presque.Worker{Client: client, Handler: noop}).Run(ctx); err == nil {
		t.Fatal("no queues: no error")
	}
	err := (&presque.Worker{Client: client, Handler: noop, Queues: []string{"bad/name"}}).Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "subscribe") {
		t.Fatalf("a bad queue name: %v", err)
	}
}
