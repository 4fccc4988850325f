package queue_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/queuetest"
)

const crashDirEnv = "MXKIT_QUEUE_CRASH_DIR"

// TestCrashChild is the child process of TestCrash.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrash")
	}
	s, err := queue.Open(dir, nil)
	if err != nil {
		fmt.Printf("OPEN-ERROR %v\n", err)
		os.Exit(3)
	}
	queuetest.Work(context.Background(), os.Stdout, s)
}

// TestCrash kills a process working on the queue with SIGKILL at random
// points, 55 times (with the PostgreSQL store's 55, over 100 in a CI run;
// MXKIT_CRASH_KILLS for more), and checks after each kill that the queue
// opens and kept every acknowledged enqueue, completion, cancel and hold.
// (SIGKILL loses what the process had not written; it does not test the
// fsyncs against power loss, which is bbolt's and the kernel's part.)
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes 55 times (about a minute)")
	}
	dir := t.TempDir()
	queuetest.Crash(t, queuetest.CrashOptions{Kills: 55}, func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		return cmd
	}, func(t *testing.T) (queue.Store, func()) {
		s, err := queue.Open(dir, nil)
		if err != nil {
			t.Fatalf("Open after the kill: %v", err)
		}
		return s, func() { s.Close() }
	})
}
