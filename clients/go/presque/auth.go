package presque

import (
	"context"
	"crypto/tls"
	"net/http"

	"connectrpc.com/connect"
)

// WithAPIKey sends the API key's secret ("pq_...") as "Authorization: Bearer <key>" on every
// call, unary and streaming; with WithGRPC it is the "authorization" metadata. A presque with
// keys configured answers calls without it with connect.CodeUnauthenticated, and calls the key
// has no scope for with connect.CodePermissionDenied.
func WithAPIKey(key string) Option {
	return func(cfg *clientConfig) {
		cfg.options = append(cfg.options, connect.WithInterceptors(bearer("Bearer "+key)))
	}
}

// WithTLSConfig sets the TLS configuration for an https:// base URL, e.g. RootCAs holding a
// private CA that signed presque's certificate:
//
//	pool := x509.NewCertPool()
//	pool.AppendCertsFromPEM(caPEM)
//	client := presque.NewClient("https://queue.example:5000", presque.WithTLSConfig(&tls.Config{RootCAs: pool}))
//
// Without it, https:// URLs are verified against the system's roots. It shapes the HTTP client
// NewClient makes, so it has no effect together with WithHTTPClient.
func WithTLSConfig(config *tls.Config) Option {
	return func(cfg *clientConfig) { cfg.tlsConfig = config }
}

// bearer is the interceptor of WithAPIKey. The header is set on the request itself, so it goes
// with every retry and every message of a stream's one HTTP request.
type bearer string

func (b bearer) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		req.Header().Set("Authorization", string(b))
		return next(ctx, req)
	}
}

func (b bearer) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		conn.RequestHeader().Set("Authorization", string(b))
		return conn
	}
}

func (b bearer) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// defaultHTTPClient is the client NewClient uses when given none: gRPC needs HTTP/2 (h2c for
// http://, h2 over TLS for https://); Connect takes Go's default client, with the TLS config if any.
func defaultHTTPClient(grpc bool, tlsConfig *tls.Config) *http.Client {
	if grpc {
		client := H2CClient()
		client.Transport.(*http.Transport).TLSClientConfig = tlsConfig
		return client
	}
	if tlsConfig == nil {
		return http.DefaultClient
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	return &http.Client{Transport: transport}
}
