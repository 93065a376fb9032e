package presque_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"connectrpc.com/connect"

	presquev1 "github.com/presque/presque/clients/go/gen/presque/v1"
	"github.com/presque/presque/clients/go/presque"
)

// Both protocols: Connect over HTTP/1.1 (the default) and gRPC over h2c.
func clients() map[string]*presque.Client {
	return map[string]*presque.Client{
		"connect": presque.NewClient(baseURL),
		"grpc":    presque.NewClient(baseURL, presque.WithGRPC()),
	}
}

func TestClient(t *testing.T) {
	for name, client := range clients() {
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t)
			q := queueName(t, "q")

			// The payload comes back byte for byte, big integer and trailing zero included.
			raw := json.RawMessage(`{"big": 12345678901234567890, "f": 1.10}`)
			id, err := client.Enqueue(ctx, q, raw, &presque.EnqueueOptions{Priority: 5, Traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := client.Fetch(ctx, q, presque.FetchOptions{Lease: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != 1 {
				t.Fatalf("fetched %d jobs, want 1", len(jobs))
			}
			job := jobs[0]
			if job.ID != id || job.Queue != q || string(job.Payload) != string(raw) {
				t.Fatalf("fetched %s/%s %s, want %s/%s %s", job.Queue, job.ID, job.Payload, q, id, raw)
			}
			if job.Attempt != 1 || job.Deliveries != 1 || job.Priority != 5 || job.LeaseToken == "" || job.Traceparent == "" {
				t.Fatalf("unexpected job %+v", job)
			}
			var decoded struct{ F float64 }
			if err := job.Decode(&decoded); err != nil || decoded.F != 1.1 {
				t.Fatalf("decode: %v %v", decoded, err)
			}
			deadline, err := client.Extend(ctx, job, 60*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if !deadline.After(job.LeaseDeadline) {
				t.Fatalf("extended deadline %v is not after %v", deadline, job.LeaseDeadline)
			}
			if err := client.Ack(ctx, job); err != nil {
				t.Fatal(err)
			}
			// A second ack of the same lease is refused, with the code wrapped in the error.
			err = client.Ack(ctx, job)
			if err == nil || !presque.IsLeaseLost(err) {
				t.Fatalf("second ack: %v", err)
			}
			var connectErr *connect.Error
			if !errors.As(err, &connectErr) {
				t.Fatalf("second ack error %v does not wrap a *connect.Error", err)
			}

			// Batch, then a nack that retries and one that kills.
			batch, err := client.EnqueueBatch(ctx, q, []any{map[string]int{"n": 1}, []string{"two"}}, &presque.EnqueueOptions{MaxAttempts: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(batch.IDs) != 2 || batch.Duplicate {
				t.Fatalf("batch: %+v", batch)
			}
			jobs, err = client.Fetch(ctx, q, presque.FetchOptions{Max: 2, Lease: 10 * time.Second})
			if err != nil || len(jobs) != 2 {
				t.Fatalf("fetch 2: %v %v", jobs, err)
			}
			if string(jobs[0].Payload) != `{"n":1}` || string(jobs[1].Payload) != `["two"]` {
				t.Fatalf("batch payloads %s %s", jobs[0].Payload, jobs[1].Payload)
			}
			delay := time.Duration(0)
			retried, err := client.Nack(ctx, jobs[0], presque.NackOptions{Error: "try again", Delay: &delay})
			if err != nil || retried.Dead {
				t.Fatalf("nack: %+v %v", retried, err)
			}
			dead, err := client.Nack(ctx, jobs[1], presque.NackOptions{Error: "broken", NoRetry: true})
			if err != nil || !dead.Dead || dead.DeadReason == "" {
				t.Fatalf("nack no retry: %+v %v", dead, err)
			}
			again, err := client.GetJob(ctx, q, jobs[0].ID)
			if err != nil || again.Proto.GetState() != presquev1.JobState_JOB_STATE_READY || len(again.Proto.GetErrors()) != 1 {
				t.Fatalf("retried job: %+v %v", again, err)
			}

			info, err := client.QueueInfo(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if info.GetEnqueued() != 3 || info.GetProcessed() != 1 || info.GetReady() != 1 || info.GetDead() != 1 {
				t.Fatalf("queue info %+v", info)
			}
			all, err := client.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, qi := range all {
				found = found || qi.GetQueue() == q
			}
			if !found {
				t.Fatalf("stats do not list %s", q)
			}

			// Control: stop, start, purge, delete.
			if err := client.StopQueue(ctx, q); err != nil {
				t.Fatal(err)
			}
			if stopped, err := client.QueueStopped(ctx, q); err != nil || !stopped {
				t.Fatalf("stopped: %v %v", stopped, err)
			}
			if jobs, err := client.Fetch(ctx, q, presque.FetchOptions{}); err != nil || len(jobs) != 0 {
				t.Fatalf("fetch from a stopped queue: %v %v", jobs, err)
			}
			if err := client.StartQueue(ctx, q); err != nil {
				t.Fatal(err)
			}
			if stopped, err := client.QueueStopped(ctx, q); err != nil || stopped {
				t.Fatalf("stopped after start: %v %v", stopped, err)
			}
			if purged, err := client.PurgeQueue(ctx, q); err != nil || purged != 1 {
				t.Fatalf("purged %d %v", purged, err)
			}
			if err := client.DeleteQueue(ctx, q); err != nil {
				t.Fatal(err)
			}
			_, err = client.GetJob(ctx, q, id)
			if !presque.IsNotFound(err) {
				t.Fatalf("get job of a deleted queue: %v", err)
			}
		})
	}
}

func TestClientRefusesBadInput(t *testing.T) {
	ctx := testContext(t)
	client := presque.NewClient(baseURL)
	_, err := client.Enqueue(ctx, "bad/name", 1, nil)
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("bad queue name: %v", err)
	}
	_, err = client.Enqueue(ctx, queueName(t, "q"), json.RawMessage(`{not json`), nil)
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("not JSON: %v", err)
	}
	_, err = client.Enqueue(ctx, queueName(t, "q"), func() {}, nil)
	if err == nil {
		t.Fatal("a func payload was accepted")
	}
}
