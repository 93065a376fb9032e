package presque_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/presque/presque/clients/go/presque"
)

// securedPresque is a presque with API keys, serving TLS with a certificate of a throwaway CA.
type securedPresque struct {
	url       string // https://127.0.0.1:port
	fullKey   string // scope *
	readerKey string // scope read:*: may read stats, may not enqueue
	ca        *x509.CertPool
	otherCA   *x509.CertPool // signed nothing here
}

func startSecuredPresque() (*securedPresque, func(), error) {
	dir, err := os.MkdirTemp("", "presque-go-secured-")
	if err != nil {
		return nil, nil, err
	}
	s := &securedPresque{fullKey: newSecret(), readerKey: newSecret()}
	keys := map[string]any{"keys": []map[string]any{
		{"name": "go-full", "hash": hashOf(s.fullKey), "scopes": []string{"*"}},
		{"name": "go-reader", "hash": hashOf(s.readerKey), "scopes": []string{"read:*"}},
	}}
	text, _ := json.Marshal(keys) // JSON is YAML
	keysFile := filepath.Join(dir, "keys.yaml")
	if err := os.WriteFile(keysFile, text, 0o600); err != nil {
		return nil, nil, err
	}
	if s.ca, err = writeCertificates(dir); err != nil {
		return nil, nil, err
	}
	if s.otherCA, err = writeCertificates(filepath.Join(dir, "other")); err != nil {
		return nil, nil, err
	}
	url, stop, err := startPresque([]string{
		"PRESQUE_AUTH_KEYS_FILE=" + keysFile,
		"PRESQUE_AUTH_MAX_FAILURES=100000",
		"PRESQUE_TLS_CERT=" + filepath.Join(dir, "server.crt"),
		"PRESQUE_TLS_KEY=" + filepath.Join(dir, "server.key"),
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, err
	}
	s.url = url
	return s, func() { stop(); _ = os.RemoveAll(dir) }, nil
}

// newSecret makes a secret as `presque keys create` does: pq_ and 256 random bits in base64url.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "pq_" + base64.RawURLEncoding.EncodeToString(b)
}

func hashOf(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// writeCertificates makes a CA and a server certificate it signed for 127.0.0.1 (server.crt,
// server.key in dir), and answers a pool holding the CA.
func writeCertificates(dir string) (*x509.CertPool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "presque test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	serverKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	server := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	serverDER, err := x509.CreateCertificate(rand.Reader, server, caCert, &serverKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(serverKey)
	if err != nil {
		return nil, err
	}
	files := map[string]*pem.Block{
		"server.crt": {Type: "CERTIFICATE", Bytes: serverDER},
		"server.key": {Type: "PRIVATE KEY", Bytes: keyDER},
	}
	for name, block := range files {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			return nil, err
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, nil
}

// Both protocols over TLS, with the options a user of a secured presque gives.
func securedClients(opts ...presque.Option) map[string]*presque.Client {
	tlsConfig := presque.WithTLSConfig(&tls.Config{RootCAs: secured.ca})
	return map[string]*presque.Client{
		"connect": presque.NewClient(secured.url, append([]presque.Option{tlsConfig}, opts...)...),
		"grpc":    presque.NewClient(secured.url, append([]presque.Option{tlsConfig, presque.WithGRPC()}, opts...)...),
	}
}

func TestAPIKeyOverTLS(t *testing.T) {
	for name, client := range securedClients(presque.WithAPIKey(secured.fullKey)) {
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t)
			q := queueName(t, "q")
			id, err := client.Enqueue(ctx, q, map[string]string{"over": "tls"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := client.Fetch(ctx, q, presque.FetchOptions{Lease: 10 * time.Second})
			if err != nil || len(jobs) != 1 || jobs[0].ID != id {
				t.Fatalf("fetched %v, %v; want job %s", jobs, err, id)
			}
			if err := client.Ack(ctx, jobs[0]); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAPIKeyRefusals(t *testing.T) {
	cases := map[string]struct {
		opts []presque.Option
		want connect.Code
	}{
		"no key":          {nil, connect.CodeUnauthenticated},
		"unknown key":     {[]presque.Option{presque.WithAPIKey(newSecret())}, connect.CodeUnauthenticated},
		"key lacks scope": {[]presque.Option{presque.WithAPIKey(secured.readerKey)}, connect.CodePermissionDenied},
	}
	for caseName, c := range cases {
		for name, client := range securedClients(c.opts...) {
			t.Run(caseName+"/"+name, func(t *testing.T) {
				_, err := client.Enqueue(testContext(t), queueName(t, "q"), map[string]int{"n": 1}, nil)
				if got := connect.CodeOf(err); got != c.want {
					t.Fatalf("enqueue: %v (code %v), want code %v", err, got, c.want)
				}
			})
		}
	}
}

func TestWorkerWithAPIKeyOverTLS(t *testing.T) {
	ctx := testContext(t)
	client := securedClients(presque.WithAPIKey(secured.fullKey))["connect"]
	q := queueName(t, "q")
	if _, err := client.Enqueue(ctx, q, map[string]int{"n": 7}, nil); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	runCtx, stop := context.WithCancel(ctx)
	w := &presque.Worker{Client: client, Queues: []string{q}, Handler: presque.HandlerFunc(
		func(_ context.Context, job *presque.Job) error { got <- string(job.Payload); stop(); return nil },
	)}
	if err := w.Run(runCtx); err != nil {
		t.Fatal(err)
	}
	if payload := <-got; payload != `{"n":7}` {
		t.Fatalf("payload %s", payload)
	}
}

func TestTLSRefusesAServerTheRootsDidNotSign(t *testing.T) {
	for name, config := range map[string]*tls.Config{"system roots": nil, "another CA": {RootCAs: secured.otherCA}} {
		client := presque.NewClient(secured.url, presque.WithTLSConfig(config), presque.WithAPIKey(secured.fullKey))
		t.Run(name, func(t *testing.T) {
			_, err := client.Enqueue(testContext(t), queueName(t, "q"), map[string]int{}, nil)
			var unknown x509.UnknownAuthorityError
			if err == nil || !errors.As(err, &unknown) && !strings.Contains(err.Error(), "certificate") {
				t.Fatalf("enqueue: %v, want a certificate verification error", err)
			}
		})
	}
}
