package presque_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"

	"github.com/presque/presque/clients/go/presque"
)

// workerProcess is the test binary run as a worker program (see TestWorkerStopsOnSIGTERM): the
// README's worker, whose handler says "started" and waits for a "finish" line on stdin.
func workerProcess(url, queue string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdin := bufio.NewScanner(os.Stdin)
	w := &presque.Worker{
		Client: presque.NewClient(url), Queues: []string{queue},
		Handler: presque.HandlerFunc(func(ctx context.Context, job *presque.Job) error {
			fmt.Println("started", job.ID)
			for stdin.Scan() && stdin.Text() != "finish" {
			}
			fmt.Println("finished", job.ID, context.Cause(ctx))
			return nil
		}),
	}
	if err := w.Run(ctx); err != nil {
		fmt.Println("run:", err)
		return 1
	}
	fmt.Println("stopped")
	return 0
}

func TestWorkerStopsOnSIGTERM(t *testing.T) {
	ctx := testContext(t)
	client := presque.NewClient(baseURL)
	q := queueName(t, "q")
	for range 2 {
		if _, err := client.Enqueue(ctx, q, "job", nil); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PRESQUE_TEST_AS_WORKER="+q, "PRESQUE_URL="+baseURL)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	next := func() string {
		if !lines.Scan() {
			t.Fatalf("the worker's output ended: %v", lines.Err())
		}
		return lines.Text()
	}
	if line := next(); line != "started 1" {
		t.Fatalf("worker said %q", line)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The running job finishes after the SIGTERM, with its context intact; the other is not started.
	if _, err := fmt.Fprintln(stdin, "finish"); err != nil {
		t.Fatal(err)
	}
	if line := next(); line != "finished 1 <nil>" {
		t.Fatalf("worker said %q", line)
	}
	if line := next(); line != "stopped" {
		t.Fatalf("worker said %q", line)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the worker exited with %v", err)
	}
	eventually(t, "one job processed, one ready", func() bool {
		info, err := client.QueueInfo(ctx, q)
		return err == nil && info.GetProcessed() == 1 && info.GetReady() == 1 && info.GetInFlight() == 0
	})
}
