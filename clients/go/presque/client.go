// Package presque is a Go client for presque, a job queue served over HTTP: a Client for
// producers and administrators (enqueue, fetch, ack, nack, extend, stats, control) and a Worker
// that runs a Handler on the jobs of one or more queues.
//
// The generated Connect/gRPC clients for every service are in
// github.com/presque/presque/clients/go/gen/presque/v1/presquev1connect; the Client exposes them
// too (Client.QueueService, Client.ConsumerService, ...) for calls it does not wrap.
package presque

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	presquev1 "github.com/presque/presque/clients/go/gen/presque/v1"
	"github.com/presque/presque/clients/go/gen/presque/v1/presquev1connect"
)

// Client talks to one presque server. It is safe for concurrent use.
type Client struct {
	QueueService      presquev1connect.QueueServiceClient
	ConsumerService   presquev1connect.ConsumerServiceClient
	ControlService    presquev1connect.ControlServiceClient
	StatsService      presquev1connect.StatsServiceClient
	DeadLetterService presquev1connect.DeadLetterServiceClient
	ScheduleService   presquev1connect.ScheduleServiceClient
}

type clientConfig struct {
	httpClient connect.HTTPClient
	tlsConfig  *tls.Config
	grpc       bool
	options    []connect.ClientOption
}

// Option configures NewClient.
type Option func(*clientConfig)

// WithHTTPClient sets the HTTP client (default: http.DefaultClient, or an h2c client with WithGRPC).
func WithHTTPClient(c connect.HTTPClient) Option {
	return func(cfg *clientConfig) { cfg.httpClient = c }
}

// WithGRPC speaks gRPC (HTTP/2: over http:// URLs with prior knowledge, over https:// by ALPN)
// instead of the Connect protocol over HTTP/1.1.
func WithGRPC() Option {
	return func(cfg *clientConfig) { cfg.grpc = true }
}

// WithConnectOptions passes options to every generated client (interceptors, compression, ...).
func WithConnectOptions(opts ...connect.ClientOption) Option {
	return func(cfg *clientConfig) { cfg.options = append(cfg.options, opts...) }
}

// H2CClient returns an HTTP client that speaks HTTP/2 without TLS (prior knowledge) to http://
// URLs, as gRPC over plain TCP needs.
func H2CClient() *http.Client {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	p.SetHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: p}}
}

// NewClient returns a Client for the presque at baseURL, e.g. "http://127.0.0.1:5000", or
// "https://queue.example:5000" for a presque serving TLS (WithTLSConfig for a private CA).
// WithAPIKey gives the key of a presque that has keys.
func NewClient(baseURL string, opts ...Option) *Client {
	cfg := clientConfig{}
	for _, opt := range opts {
		opt(&cfg)
	}
	options := cfg.options
	if cfg.grpc {
		options = append([]connect.ClientOption{connect.WithGRPC()}, options...)
	}
	if cfg.httpClient == nil {
		cfg.httpClient = defaultHTTPClient(cfg.grpc, cfg.tlsConfig)
	}
	baseURL = strings.TrimRight(baseURL, "/")
	h := cfg.httpClient
	return &Client{
		QueueService:      presquev1connect.NewQueueServiceClient(h, baseURL, options...),
		ConsumerService:   presquev1connect.NewConsumerServiceClient(h, baseURL, options...),
		ControlService:    presquev1connect.NewControlServiceClient(h, baseURL, options...),
		StatsService:      presquev1connect.NewStatsServiceClient(h, baseURL, options...),
		DeadLetterService: presquev1connect.NewDeadLetterServiceClient(h, baseURL, options...),
		ScheduleService:   presquev1connect.NewScheduleServiceClient(h, baseURL, options...),
	}
}

// Job is a job as presque handed it out. Payload holds the JSON text exactly as it was stored.
type Job struct {
	ID            string
	Queue         string
	Payload       json.RawMessage
	Attempt       uint32 // tries so far, this one included
	Deliveries    uint32 // hand-outs so far, never undone
	MaxAttempts   uint32
	Priority      int32
	EnqueuedAt    time.Time
	LeaseToken    string    // empty when fetched without a lease
	LeaseDeadline time.Time // on the server's clock
	Traceparent   string
	// Proto is the job as received, with every field.
	Proto *presquev1.Job
}

// Decode unmarshals the payload into v (encoding/json rules).
func (j *Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("presque: decode payload of job %s/%s: %w", j.Queue, j.ID, err)
	}
	return nil
}

func jobFromProto(p *presquev1.Job) *Job {
	j := &Job{
		ID: p.GetId(), Queue: p.GetQueue(), Payload: json.RawMessage(p.GetPayloadJson()),
		Attempt: p.GetAttempt(), Deliveries: p.GetDeliveries(), MaxAttempts: p.GetMaxAttempts(),
		Priority: p.GetPriority(), LeaseToken: p.GetLeaseToken(), Traceparent: p.GetTraceparent(),
		Proto: p,
	}
	if p.GetEnqueuedAt() != nil {
		j.EnqueuedAt = p.GetEnqueuedAt().AsTime()
	}
	if p.GetLeaseDeadline() != nil {
		j.LeaseDeadline = p.GetLeaseDeadline().AsTime()
	}
	return j
}

// EnqueueOptions are the optional settings of an enqueue; the zero value means none.
type EnqueueOptions struct {
	Priority       int32         // -1000..1000, higher first
	Delay          time.Duration // ready after this long
	RunAt          time.Time     // ready at this time (instead of Delay)
	MaxAttempts    uint32        // 0: the queue's setting
	ExpiresAt      time.Time     // dead if not started by then
	UniqueKey      string        // refused while a job with this key is queued or leased
	IdempotencyKey string        // a retried enqueue with this key returns the first ids
	Traceparent    string        // W3C trace context handed to the worker
}

func (o *EnqueueOptions) proto() *presquev1.EnqueueOptions {
	if o == nil {
		return nil
	}
	p := &presquev1.EnqueueOptions{
		Priority: o.Priority, DelaySeconds: o.Delay.Seconds(), MaxAttempts: o.MaxAttempts,
		UniqueKey: o.UniqueKey, IdempotencyKey: o.IdempotencyKey, Traceparent: o.Traceparent,
	}
	if !o.RunAt.IsZero() {
		p.RunAt = timestamppb.New(o.RunAt)
	}
	if !o.ExpiresAt.IsZero() {
		p.ExpiresAt = timestamppb.New(o.ExpiresAt)
	}
	return p
}

// payloadText is the JSON text of a payload: json.RawMessage and []byte are sent as they are
// (presque checks that they are JSON), anything else is marshalled with encoding/json.
func payloadText(payload any) (string, error) {
	switch p := payload.(type) {
	case json.RawMessage:
		return string(p), nil
	case []byte:
		return string(p), nil
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return "", fmt.Errorf("presque: marshal payload: %w", err)
		}
		return string(b), nil
	}
}

// EnqueueResult is the answer to an enqueue.
type EnqueueResult struct {
	IDs       []string // one per payload
	Duplicate bool     // an earlier enqueue with the same idempotency key answered these ids
}

// Enqueue adds one job to queue and returns its id. opts may be nil.
func (c *Client) Enqueue(ctx context.Context, queue string, payload any, opts *EnqueueOptions) (string, error) {
	text, err := payloadText(payload)
	if err != nil {
		return "", err
	}
	res, err := c.QueueService.Enqueue(ctx, &presquev1.EnqueueRequest{Queue: queue, PayloadJson: text, Options: opts.proto()})
	if err != nil {
		return "", fmt.Errorf("presque: enqueue to %s: %w", queue, err)
	}
	return res.GetId(), nil
}

// EnqueueBatch adds jobs to queue atomically, in one round trip. opts (may be nil) apply to each.
func (c *Client) EnqueueBatch(ctx context.Context, queue string, payloads []any, opts *EnqueueOptions) (*EnqueueResult, error) {
	texts := make([]string, len(payloads))
	for i, p := range payloads {
		t, err := payloadText(p)
		if err != nil {
			return nil, err
		}
		texts[i] = t
	}
	res, err := c.QueueService.EnqueueBatch(ctx, &presquev1.EnqueueBatchRequest{Queue: queue, PayloadsJson: texts, Options: opts.proto()})
	if err != nil {
		return nil, fmt.Errorf("presque: enqueue batch to %s: %w", queue, err)
	}
	return &EnqueueResult{IDs: res.GetIds(), Duplicate: res.GetDuplicate()}, nil
}

// FetchOptions are the optional settings of Fetch; the zero value fetches one job with the
// queue's default lease, without waiting.
type FetchOptions struct {
	Max     uint32        // at most this many jobs (0: one)
	Lease   time.Duration // lease length, whole seconds (0: the queue's default)
	Wait    time.Duration // long poll: wait up to this long for a job (whole seconds)
	AutoAck bool          // remove the jobs as they are fetched (at most once, no lease)
}

// Fetch takes jobs from queue, leased unless AutoAck. It answers no jobs when none is ready.
func (c *Client) Fetch(ctx context.Context, queue string, opts FetchOptions) ([]*Job, error) {
	res, err := c.QueueService.Fetch(ctx, &presquev1.FetchRequest{
		Queue: queue, MaxJobs: opts.Max, LeaseSeconds: wholeSeconds(opts.Lease),
		WaitSeconds: wholeSeconds(opts.Wait), AutoAck: opts.AutoAck,
	})
	if err != nil {
		return nil, fmt.Errorf("presque: fetch from %s: %w", queue, err)
	}
	jobs := make([]*Job, len(res.GetJobs()))
	for i, p := range res.GetJobs() {
		jobs[i] = jobFromProto(p)
	}
	return jobs, nil
}

// wholeSeconds rounds a duration up to whole seconds (presque's lease and wait unit).
func wholeSeconds(d time.Duration) uint32 {
	if d <= 0 {
		return 0
	}
	return uint32(math.Ceil(d.Seconds()))
}

// Ack settles a leased job as done.
func (c *Client) Ack(ctx context.Context, job *Job) error {
	_, err := c.QueueService.Ack(ctx, &presquev1.AckRequest{Queue: job.Queue, Id: job.ID, LeaseToken: job.LeaseToken})
	if err != nil {
		return fmt.Errorf("presque: ack %s/%s: %w", job.Queue, job.ID, err)
	}
	return nil
}

// NackOptions are the optional settings of Nack.
type NackOptions struct {
	Error   string         // recorded in the job's error history
	Delay   *time.Duration // retry after this long instead of the queue's backoff
	NoRetry bool           // dead at once, whatever attempts are left
}

// NackResult says what became of a nacked job.
type NackResult struct {
	Dead       bool
	DeadReason string
	RetryAt    time.Time // zero when dead or retried at once
}

// Nack settles a leased job as failed: it is retried, or dead when out of attempts.
func (c *Client) Nack(ctx context.Context, job *Job, opts NackOptions) (*NackResult, error) {
	req := &presquev1.NackRequest{Queue: job.Queue, Id: job.ID, LeaseToken: job.LeaseToken, Error: opts.Error}
	if opts.Delay != nil {
		s := opts.Delay.Seconds()
		req.DelaySeconds = &s
	}
	if opts.NoRetry {
		f := false
		req.Retryable = &f
	}
	res, err := c.QueueService.Nack(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("presque: nack %s/%s: %w", job.Queue, job.ID, err)
	}
	out := &NackResult{Dead: res.GetDead(), DeadReason: res.GetDeadReason()}
	if res.GetRetryAt() != nil {
		out.RetryAt = res.GetRetryAt().AsTime()
	}
	return out, nil
}

// Extend moves a leased job's deadline to now + lease (whole seconds; 0: the queue's default)
// and answers the new deadline (server clock).
func (c *Client) Extend(ctx context.Context, job *Job, lease time.Duration) (time.Time, error) {
	res, err := c.QueueService.ExtendLease(ctx, &presquev1.ExtendLeaseRequest{
		Queue: job.Queue, Id: job.ID, LeaseToken: job.LeaseToken, LeaseSeconds: wholeSeconds(lease),
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("presque: extend lease of %s/%s: %w", job.Queue, job.ID, err)
	}
	return res.GetJob().GetLeaseDeadline().AsTime(), nil
}

// GetJob looks a job up by id, in any state.
func (c *Client) GetJob(ctx context.Context, queue, id string) (*Job, error) {
	res, err := c.QueueService.GetJob(ctx, &presquev1.GetJobRequest{Queue: queue, Id: id})
	if err != nil {
		return nil, fmt.Errorf("presque: get job %s/%s: %w", queue, id, err)
	}
	return jobFromProto(res.GetJob()), nil
}

// Stats answers the counters of every queue.
func (c *Client) Stats(ctx context.Context) ([]*presquev1.QueueInfo, error) {
	res, err := c.StatsService.GetStats(ctx, &presquev1.GetStatsRequest{})
	if err != nil {
		return nil, fmt.Errorf("presque: stats: %w", err)
	}
	return res.GetQueues(), nil
}

// QueueInfo answers the counters of one queue.
func (c *Client) QueueInfo(ctx context.Context, queue string) (*presquev1.QueueInfo, error) {
	res, err := c.StatsService.GetQueueInfo(ctx, &presquev1.GetQueueInfoRequest{Queue: queue})
	if err != nil {
		return nil, fmt.Errorf("presque: stats of %s: %w", queue, err)
	}
	return res.GetInfo(), nil
}

// StopQueue stops handing out jobs of queue (enqueues still succeed).
func (c *Client) StopQueue(ctx context.Context, queue string) error {
	if _, err := c.ControlService.StopQueue(ctx, &presquev1.StopQueueRequest{Queue: queue}); err != nil {
		return fmt.Errorf("presque: stop %s: %w", queue, err)
	}
	return nil
}

// StartQueue resumes a stopped queue.
func (c *Client) StartQueue(ctx context.Context, queue string) error {
	if _, err := c.ControlService.StartQueue(ctx, &presquev1.StartQueueRequest{Queue: queue}); err != nil {
		return fmt.Errorf("presque: start %s: %w", queue, err)
	}
	return nil
}

// QueueStopped tells whether queue is stopped.
func (c *Client) QueueStopped(ctx context.Context, queue string) (bool, error) {
	res, err := c.ControlService.GetQueueControl(ctx, &presquev1.GetQueueControlRequest{Queue: queue})
	if err != nil {
		return false, fmt.Errorf("presque: control of %s: %w", queue, err)
	}
	return res.GetStopped(), nil
}

// PurgeQueue removes every ready, delayed and leased job of queue and answers how many.
func (c *Client) PurgeQueue(ctx context.Context, queue string) (uint64, error) {
	res, err := c.ControlService.PurgeQueue(ctx, &presquev1.PurgeQueueRequest{Queue: queue})
	if err != nil {
		return 0, fmt.Errorf("presque: purge %s: %w", queue, err)
	}
	return res.GetPurged(), nil
}

// DeleteQueue removes queue with its jobs, dead letters, settings and schedules.
func (c *Client) DeleteQueue(ctx context.Context, queue string) error {
	if _, err := c.ControlService.DeleteQueue(ctx, &presquev1.DeleteQueueRequest{Queue: queue}); err != nil {
		return fmt.Errorf("presque: delete %s: %w", queue, err)
	}
	return nil
}

// IsNotFound tells whether err (from any call here) means presque knows no such job or lease.
func IsNotFound(err error) bool { return connect.CodeOf(err) == connect.CodeNotFound }

// IsLeaseLost tells whether err means the lease is no longer held (expired, or settled elsewhere).
func IsLeaseLost(err error) bool {
	code := connect.CodeOf(err)
	return code == connect.CodeFailedPrecondition || code == connect.CodeNotFound
}
