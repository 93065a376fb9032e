package presque

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"connectrpc.com/connect"

	presquev1 "github.com/presque/presque/clients/go/gen/presque/v1"
)

// Handler runs one job. Returning nil acks the job; returning an error nacks it (retried
// unless out of attempts, or the error wraps Permanent). A panic counts as an error.
//
// ctx is cancelled with ErrLeaseLost as its cause when the lease can no longer be extended,
// and when Worker.StopTimeout runs out during a graceful stop; it is not cancelled by the stop
// itself, so running jobs finish.
type Handler interface {
	Work(ctx context.Context, job *Job) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job *Job) error

// Work calls f.
func (f HandlerFunc) Work(ctx context.Context, job *Job) error { return f(ctx, job) }

// Failer is optionally implemented by a Handler: Fail is called after Work returned err,
// before the job is nacked (e.g. to log or alert).
type Failer interface {
	Fail(ctx context.Context, job *Job, err error)
}

// ErrLeaseLost is the cause of a job context's cancellation when its lease could not be
// extended: another worker may be running the job.
var ErrLeaseLost = errors.New("presque: lease lost")

// ErrStopTimeout is the cause of a job context's cancellation when the graceful stop waited
// Worker.StopTimeout for it.
var ErrStopTimeout = errors.New("presque: stop timeout")

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks a handler's error as not worth retrying: the job goes to dead letters at once.
func Permanent(err error) error { return permanentError{err} }

// Worker runs Handler on jobs of Queues, Concurrency at a time, over one Subscribe stream
// (earlier queues first). While a job runs its lease is extended every third of Lease.
//
// Run stops gracefully when its context is cancelled (e.g. by signal.NotifyContext on SIGTERM):
// it takes no new jobs, waits for the running ones to be settled, then returns.
type Worker struct {
	Client      *Client
	Queues      []string
	Handler     Handler
	Concurrency int           // jobs at once (default 1)
	Lease       time.Duration // lease of each job, whole seconds (default 30 s)
	// StopTimeout bounds how long a graceful stop waits for running jobs before cancelling
	// their contexts (0: wait for them however long they take).
	StopTimeout time.Duration
	Logger      *slog.Logger // default slog.Default()
}

const maxErrorLength = 4000

func (w *Worker) check() error {
	switch {
	case w.Client == nil:
		return errors.New("presque: Worker.Client is nil")
	case w.Handler == nil:
		return errors.New("presque: Worker.Handler is nil: give it a Handler with a Work method")
	case len(w.Queues) == 0:
		return errors.New("presque: Worker.Queues is empty")
	case w.Concurrency < 0:
		return fmt.Errorf("presque: Worker.Concurrency is %d", w.Concurrency)
	}
	return nil
}

// Run takes and runs jobs until ctx is cancelled (then it returns nil once running jobs are
// settled) or presque refuses the subscription (then it returns that error). A broken
// connection is retried with backoff.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.check(); err != nil {
		return err
	}
	concurrency := max(w.Concurrency, 1)
	lease := w.Lease
	if lease <= 0 {
		lease = 30 * time.Second
	}
	log := w.logger()

	// Jobs run under a context that the stop does not cancel; StopTimeout (or a lost lease) does.
	jobsCtx, cancelJobs := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelJobs(nil)
	// The stream outlives ctx until running jobs are settled: closing it releases unsettled jobs.
	streamCtx, closeStream := context.WithCancel(context.WithoutCancel(ctx))
	defer closeStream()

	jobs := make(chan *Job)
	subscribed := make(chan error, 1)
	go func() { subscribed <- w.subscribe(streamCtx, ctx, lease, uint32(concurrency), jobs, log) }()

	slots := make(chan struct{}, concurrency) // guards concurrency across a resubscription too
	var running sync.WaitGroup
	var fatal error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-subscribed:
			fatal = err
			break loop
		case job := <-jobs:
			if ctx.Err() != nil {
				break loop // stopping: not started, released back to its queue when the stream closes
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				break loop // not started: released back to its queue when the stream closes
			}
			running.Add(1)
			go func() {
				defer running.Done()
				defer func() { <-slots }()
				w.runJob(jobsCtx, job, lease, log)
			}()
		}
	}
	if w.StopTimeout > 0 && fatal == nil {
		timer := time.AfterFunc(w.StopTimeout, func() { cancelJobs(ErrStopTimeout) })
		defer timer.Stop()
	}
	running.Wait()
	closeStream()
	return fatal
}

// subscribe keeps a Subscribe stream open and passes its jobs on, resubscribing after a broken
// connection. It returns nil when streamCtx ends, or the error of a refused subscription.
func (w *Worker) subscribe(streamCtx, runCtx context.Context, lease time.Duration, prefetch uint32, jobs chan<- *Job, log *slog.Logger) error {
	backoff := 100 * time.Millisecond
	for {
		stream, err := w.Client.ConsumerService.Subscribe(streamCtx, &presquev1.SubscribeRequest{
			Queues: w.Queues, Prefetch: prefetch, LeaseSeconds: wholeSeconds(lease),
		})
		if err == nil {
			for stream.Receive() {
				backoff = 100 * time.Millisecond
				p := stream.Msg().GetJob()
				if p == nil {
					continue // subscribed, heartbeat
				}
				select {
				case jobs <- jobFromProto(p):
				case <-runCtx.Done():
					// Stopping: the job is not started and goes back when the stream closes.
				case <-streamCtx.Done():
				}
			}
			err = stream.Err()
			_ = stream.Close()
		}
		if streamCtx.Err() != nil {
			return nil
		}
		switch connect.CodeOf(err) {
		case connect.CodeInvalidArgument, connect.CodeNotFound, connect.CodeUnimplemented,
			connect.CodePermissionDenied, connect.CodeUnauthenticated:
			return fmt.Errorf("presque: subscribe to %v: %w", w.Queues, err)
		}
		log.Warn("presque: subscription broke; subscribing again", "queues", w.Queues, "error", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-streamCtx.Done():
			return nil
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// runJob runs the handler on one job, extending its lease meanwhile, then acks or nacks it.
func (w *Worker) runJob(jobsCtx context.Context, job *Job, lease time.Duration, log *slog.Logger) {
	ctx, cancel := context.WithCancelCause(jobsCtx)
	defer cancel(nil)
	settleCtx := context.WithoutCancel(jobsCtx)

	extended := make(chan struct{})
	go func() {
		defer close(extended)
		ticker := time.NewTicker(lease / 3)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				if _, err := w.Client.Extend(ctx, job, lease); err != nil {
					if ctx.Err() != nil {
						return
					}
					log.Warn("presque: lost the lease of a running job; it may run twice", "queue", job.Queue, "id", job.ID, "error", err)
					cancel(ErrLeaseLost)
					return
				}
			}
		}
	}()

	err := w.work(ctx, job)
	cancel(nil)
	<-extended
	if err == nil {
		if ackErr := w.Client.Ack(settleCtx, job); ackErr != nil {
			log.Warn("presque: ack refused; the job may run twice", "queue", job.Queue, "id", job.ID, "error", ackErr)
		}
		return
	}
	log.Warn("presque: job failed", "queue", job.Queue, "id", job.ID, "attempt", job.Attempt, "error", err)
	if f, ok := w.Handler.(Failer); ok {
		f.Fail(settleCtx, job, err)
	}
	msg := err.Error()
	if len(msg) > maxErrorLength {
		msg = msg[len(msg)-maxErrorLength:]
	}
	var permanent permanentError
	opts := NackOptions{Error: msg, NoRetry: errors.As(err, &permanent)}
	if _, nackErr := w.Client.Nack(settleCtx, job, opts); nackErr != nil {
		log.Warn("presque: nack failed", "queue", job.Queue, "id", job.ID, "error", nackErr)
	}
}

func (w *Worker) work(ctx context.Context, job *Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
			w.logger().Error("presque: handler panicked", "queue", job.Queue, "id", job.ID, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	return w.Handler.Work(ctx, job)
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}
