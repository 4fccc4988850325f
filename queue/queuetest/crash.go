package queuetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mxkit/mxkit/queue"
)

func randomTag() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Work runs 8 producers and 4 workers on s until ctx is done, reporting
// each acknowledged step to w in the line protocol that Check reads:
//
//	E id tag  enqueue acknowledged (durable)
//	L id      leased
//	P id      about to complete (the completion may or may not land)
//	C id      completion acknowledged
//
// Run it in a child process that is killed (Crash), or in-process while
// the store's server is restarted. Bodies are 10 KB, one in 20 is 200 KB.
func Work(ctx context.Context, w io.Writer, s queue.Store) {
	pid := randomTag()
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		fmt.Fprintf(w, format+"\n", args...)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for p := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), uint64(p)))
			for i := 0; ctx.Err() == nil; i++ {
				tag := fmt.Sprintf("%s-%d-%d", pid, p, i)
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Second, Max: 8})
				if err != nil {
					say("ERR lease %v", err)
					time.Sleep(20 * time.Millisecond)
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
	wg.Wait()
}

// bodyFor is a body that names its tag and has the given size.
func bodyFor(tag string, size int) io.Reader {
	head := "X-Tag: " + tag + "\r\n\r\n"
	return io.MultiReader(strings.NewReader(head), bytes.NewReader(bytes.Repeat([]byte("x"), size-len(head))))
}

// Log accumulates what children reported across rounds.
type Log struct {
	acked           map[queue.ID]string // E: the tag
	completed       map[queue.ID]int    // C count
	pending         map[queue.ID]bool   // P (completion maybe landed)
	leasedAfterDone []queue.ID
}

// Acked returns the acknowledged enqueues (ID to tag).
func (l *Log) Acked() map[queue.ID]string { return l.acked }

// Completed returns how many completions were acknowledged.
func (l *Log) Completed() int { return len(l.completed) }

// NewLog returns an empty Log.
func NewLog() *Log {
	return &Log{acked: map[queue.ID]string{}, completed: map[queue.ID]int{}, pending: map[queue.ID]bool{}}
}

// Read adds a Work report to the log.
func (l *Log) Read(t *testing.T, out []byte) (lines int) {
	t.Helper()
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

// Check verifies the store against the log: every acknowledged enqueue
// is in the store unless its completion was at least attempted; nothing
// completed twice or leased after completion; bodies intact.
func (l *Log) Check(t *testing.T, s queue.Store) {
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

// Crash runs child processes from start, each running Work on the store
// and reporting on its stdout, and kills each with SIGKILL at a random
// moment, until budget is spent. After each kill it opens the store with
// reopen (which must succeed: the store opens cleanly) and checks it
// against everything the children acknowledged so far.
func Crash(t *testing.T, budget time.Duration, start func() *exec.Cmd, reopen func(t *testing.T) (queue.Store, func())) {
	log := NewLog()
	deadline := time.Now().Add(budget)
	rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 1))
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
		log.Read(t, out.Bytes())
		rounds++
		s, closeStore := reopen(t)
		log.Check(t, s)
		closeStore()
		if t.Failed() {
			t.Fatalf("after round %d", rounds)
		}
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
