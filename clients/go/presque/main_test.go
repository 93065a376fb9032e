package presque_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// baseURL is the presque the tests talk to: PRESQUE_URL, or one TestMain starts on a
// redis-server of its own (both real processes, in a temporary directory).
var baseURL string

// secured is a presque with API keys serving TLS (secured_test.go), which TestMain always starts.
var secured *securedPresque

func TestMain(m *testing.M) {
	if queue := os.Getenv("PRESQUE_TEST_AS_WORKER"); queue != "" {
		os.Exit(workerProcess(os.Getenv("PRESQUE_URL"), queue))
	}
	s, stopSecured, err := startSecuredPresque()
	if err != nil {
		fmt.Fprintln(os.Stderr, "presque tests: could not start the presque with keys and TLS:", err)
		os.Exit(1)
	}
	secured = s
	code := runAgainstBaseURL(m)
	stopSecured()
	os.Exit(code)
}

func runAgainstBaseURL(m *testing.M) int {
	if url := os.Getenv("PRESQUE_URL"); url != "" {
		baseURL = url
		return m.Run()
	}
	url, stop, err := startPresque(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "presque tests: could not start presque:", err)
		return 1
	}
	defer stop()
	baseURL = url
	return m.Run()
}

// startPresque starts redis-server on a free port, then `presque serve` on it (port 0) with
// extraEnv (NAME=value) added, and answers presque's URL once it logs that it listens.
func startPresque(extraEnv []string) (string, func(), error) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "presque-go-test-")
	if err != nil {
		return "", nil, err
	}
	var procs []*process
	stop := func() {
		for i := len(procs) - 1; i >= 0; i-- {
			_ = procs[i].cmd.Process.Signal(os.Interrupt)
			<-procs[i].exited
		}
		_ = os.RemoveAll(dir)
	}
	fail := func(err error) (string, func(), error) { stop(); return "", nil, err }

	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	redisPath, err := exec.LookPath("redis-server")
	if err != nil {
		redisPath = "/usr/bin/redis-server"
	}
	redis := exec.Command(redisPath, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no")
	redisProc, _, err := startAndWait(redis, regexp.MustCompile(`Ready to accept connections`))
	if err != nil {
		return fail(fmt.Errorf("redis-server: %w", err))
	}
	procs = append(procs, redisProc)

	presque := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "bin", "presque.js"),
		"serve", "--port", "0", "--data-dir", dir)
	presque.Dir = dir
	presque.Env = append(append(os.Environ(), fmt.Sprintf("REDIS_URL=redis://127.0.0.1:%d", port)), extraEnv...)
	presqueProc, match, err := startAndWait(presque, regexp.MustCompile(`presque listening on (https?://[0-9.:]+)`))
	if err != nil {
		return fail(fmt.Errorf("presque serve: %w", err))
	}
	procs = append(procs, presqueProc)
	return match[1], stop, nil
}

// startAndWait starts cmd and waits (at most 30 s) for a line of its output matching re; the
// rest of its output goes on to stderr when PRESQUE_TEST_LOG is set.
type process struct {
	cmd    *exec.Cmd
	exited chan error // receives Wait's answer once
}

func startAndWait(cmd *exec.Cmd, re *regexp.Regexp) (*process, []string, error) {
	r, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	found := make(chan []string, 1)
	exited := make(chan error, 1)
	var seen strings.Builder
	go func() {
		s := bufio.NewScanner(r)
		s.Buffer(make([]byte, 64*1024), 1024*1024)
		sent := false
		for s.Scan() {
			line := s.Text()
			if os.Getenv("PRESQUE_TEST_LOG") != "" {
				fmt.Fprintln(os.Stderr, line)
			}
			if !sent {
				seen.WriteString(line + "\n")
				if m := re.FindStringSubmatch(line); m != nil {
					found <- m
					sent = true
				}
			}
		}
	}()
	go func() { exited <- cmd.Wait(); _ = w.Close() }()
	select {
	case m := <-found:
		return &process{cmd, exited}, m, nil
	case err := <-exited:
		return nil, nil, fmt.Errorf("exited (%v) before it was ready", err)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		return nil, nil, fmt.Errorf("not ready after 30 s")
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// queueName answers a queue name unique to this test run.
func queueName(t *testing.T, suffix string) string {
	name := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-")
	return fmt.Sprintf("go-%s-%s-%d", name, suffix, time.Now().UnixNano())
}

// eventually polls cond until it holds or 10 s pass (for state the server changes on its own).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not after 10 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
