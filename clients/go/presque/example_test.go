package presque_test

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/presque/presque/clients/go/presque"
)

func sendMail(ctx context.Context, to string) error { return nil }

// The worker of the README, in 10 lines.
func ExampleWorker() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w := &presque.Worker{
		Client: presque.NewClient("http://localhost:5000"), Queues: []string{"emails"}, Concurrency: 4,
		Handler: presque.HandlerFunc(func(ctx context.Context, job *presque.Job) error {
			var mail struct{ To string } // nil: acked; an error: nacked, retried with backoff
			if err := job.Decode(&mail); err != nil {
				return presque.Permanent(err) // straight to dead letters
			}
			return sendMail(ctx, mail.To)
		}),
	}
	if err := w.Run(ctx); err != nil { // SIGTERM: no new jobs, running ones finish
		panic(err)
	}
}

// A producer: payloads are marshalled with encoding/json; a json.RawMessage is stored as is.
func ExampleClient_Enqueue() {
	ctx := context.Background()
	client := presque.NewClient("http://localhost:5000") // presque.WithGRPC() for gRPC over h2c
	id, err := client.Enqueue(ctx, "emails", map[string]string{"to": "a@b.c"}, &presque.EnqueueOptions{Priority: 5})
	if err != nil {
		panic(err)
	}
	_ = id
}
