package queue_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mxkit/mxkit/queue"
)

// The crash test re-runs the test binary as a child that enqueues and
// works until it is killed. The child reports on stdout, each line written
// only after the store returned:
//
//	E id tag   enqueue acknowledged (durable)
//	L id   leased
//	P id   about to complete (the completion may or may not land)
//	C id   completion acknowledged
const crashDirEnv = "MXKIT_QUEUE_CRASH_DIR"

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
	runChild(s)
}

// runChild runs producers and workers against s until the process dies.
func runChild(s queue.Store) {
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		fmt.Printf(format+"\n", args...)
		mu.Unlock()
	}
	ctx := context.Background()
	for p := range 8 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(p)))
			for i := 0; ; i++ {
				tag := fmt.Sprintf("%d-%d-%d", os.Getpid(), p, i)
				size := 10 << 10
				if rng.IntN(20) == 0 {
					size = 200 << 10 // a body file
				}
				e := &queue.Envelope{From: "s@example.org", Campaign: tag,
					Recipients: []queue.Recipient{{Addr: "a@example.com"}, {Addr: "b@example.net"}}}
				id, err := s.Enqueue(ctx, e, bodyFor(tag, size), time.Now(), time.Now())
				if err != nil {
					say("ERR enqueue %v", err)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				say("E %s %s", id, tag)
			}
		}()
	}
	for range 4 {
		go func() {
			for {
				ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Second, Max: 8})
				if err != nil {
					say("ERR lease %v", err)
					continue
				}
				if len(ms) == 0 {
					time.Sleep(5 * time.Millisecond)
				}
				for _, m := range ms {
					say("L %s", m.ID)
					outs := []queue.Outcome{{Recipient: "a@example.com", State: queue.Delivered}}
					if m.Recipients[1].State == queue.Pending {
						outs = append(outs, queue.Outcome{Recipient: "b@example.net", State: queue.Delivered})
					}
					say("P %s", m.ID)
					if err := s.Complete(ctx, m.ID, m.Lease, time.Now(), outs); err != nil {
						say("ERR complete %s %v", m.ID, err)
						continue
					}
					say("C %s", m.ID)
				}
			}
		}()
	}
	select {}
}

// bodyFor is a body that names its tag and has the given size.
func bodyFor(tag string, size int) io.Reader {
	head := "X-Tag: " + tag + "\r\n\r\n"
	return io.MultiReader(strings.NewReader(head), bytes.NewReader(bytes.Repeat([]byte("x"), size-len(head))))
}

// crashLog accumulates what children reported across rounds.
type crashLog struct {
	acked           map[queue.ID]string // E: the tag
	completed       map[queue.ID]int    // C count
	pending         map[queue.ID]bool   // P (completion maybe landed)
	leasedAfterDone []queue.ID
}

func newCrashLog() *crashLog {
	return &crashLog{acked: map[queue.ID]string{}, completed: map[queue.ID]int{}, pending: map[queue.ID]bool{}}
}

func (l *crashLog) read(t *testing.T, out []byte) (lines int) {
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue // an empty or cut-off last line
		}
		id := queue.ID(f[1])
		switch f[0] {
		case "E":
			if len(f) < 3 {
				continue
			}
			l.acked[id] = f[2]
		case "L":
			if l.completed[id] > 0 {
				l.leasedAfterDone = append(l.leasedAfterDone, id)
			}
		case "P":
			l.pending[id] = true
		case "C":
			l.completed[id]++
		case "OPEN-ERROR":
			t.Fatalf("child could not open the store: %s", line)
		}
		lines++
	}
	return lines
}

// check verifies the store against the log: every acknowledged enqueue
// is in the store unless its completion was at least attempted; nothing
// completed twice or leased after completion; bodies intact.
func (l *crashLog) check(t *testing.T, s queue.Store) {
	t.Helper()
	ctx := context.Background()
	for id, n := range l.completed {
		if n > 1 {
			t.Errorf("message %s completed %d times", id, n)
		}
	}
	for _, id := range l.leasedAfterDone {
		t.Errorf("message %s leased again after its completion was acknowledged", id)
	}
	lost := 0
	for id, tag := range l.acked {
		m, err := s.Get(ctx, id)
		if err == nil && m.Campaign != tag {
			t.Errorf("message %s is %q, but the acknowledged enqueue was %q", id, m.Campaign, tag)
		}
		switch {
		case err == nil && l.completed[id] > 0:
			t.Errorf("message %s still queued after its completion was acknowledged", id)
		case err == nil:
			rc, err := s.Body(ctx, id)
			if err != nil {
				t.Errorf("body of %s: %v", id, err)
				continue
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.HasPrefix(b, []byte("X-Tag: "+m.Campaign+"\r\n")) || int64(len(b)) != m.Size {
				t.Errorf("body of %s damaged: %d bytes (want %d), starts %q", id, len(b), m.Size, b[:min(len(b), 40)])
			}
		case errors.Is(err, queue.ErrNotFound):
			if !l.pending[id] {
				lost++
				if lost < 5 {
					t.Errorf("acknowledged message %s lost (never completed)", id)
				}
			}
		default:
			t.Errorf("Get(%s): %v", id, err)
		}
	}
	if lost > 0 {
		t.Errorf("%d acknowledged messages lost", lost)
	}
}

// crashRounds runs start() children killed at random times until budget is
// spent, calling after() between rounds.
func crashRounds(t *testing.T, budget time.Duration, start func() *exec.Cmd, log *crashLog, after func(round int)) {
	deadline := time.Now().Add(budget)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	rounds := 0
	for time.Now().Before(deadline) {
		cmd := start()
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The child needs some time to start and open the store; kill it
		// anywhere from during startup to well into its work.
		time.Sleep(time.Duration(20+rng.IntN(600)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, not by SIGKILL; output:\n%s", rounds, err, tail(out.Bytes()))
		}
		log.read(t, out.Bytes())
		rounds++
		after(rounds)
	}
	t.Logf("%d rounds: %d enqueues acknowledged, %d completions acknowledged", rounds, len(log.acked), len(log.completed))
	if len(log.acked) == 0 || len(log.completed) == 0 {
		t.Errorf("children acknowledged %d enqueues and %d completions; the test checked nothing", len(log.acked), len(log.completed))
	}
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return b
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes for ~10s")
	}
	dir := t.TempDir()
	log := newCrashLog()
	crashRounds(t, 10*time.Second, func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		return cmd
	}, log, func(round int) {
		s, err := queue.Open(dir, nil)
		if err != nil {
			t.Fatalf("after round %d: Open: %v", round, err)
		}
		defer s.Close()
		log.check(t, s)
		if t.Failed() {
			t.FailNow()
		}
	})
}
