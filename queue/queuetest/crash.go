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
	"os"
	"os/exec"
	"strconv"
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

// Work runs 8 producers, 4 workers and an operator on s until ctx is done,
// reporting each acknowledged step to w in the line protocol that Log
// reads:
//
//	E id tag     enqueue acknowledged (durable)
//	L id         leased
//	P id         about to complete (the completion may or may not land)
//	C id         completion acknowledged
//	x id         about to cancel the whole message (it may or may not land)
//	X id         cancel of the whole message acknowledged
//	Y id rcpt    cancel of one recipient acknowledged
//	H id         hold acknowledged
//	r id         about to release (it may or may not land)
//	R id         release acknowledged
//
// Messages have random priorities and one of three tenants, one in ten is
// sent 200ms later (send-at), some leases cap tenants, some wait for
// messages (LeaseRequest.Wait), and the operator cancels (whole messages
// or one recipient), holds and releases messages picked among those
// recently enqueued. Bodies are 10 KB, one in 20 is
// 200 KB. Run it in a child process that is killed (Crash), or in-process
// while the store's server is restarted.
func Work(ctx context.Context, w io.Writer, s queue.Store) {
	pid := randomTag()
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		fmt.Fprintf(w, format+"\n", args...)
		mu.Unlock()
	}
	// Recently enqueued IDs, for the operator.
	var rmu sync.Mutex
	var recent []queue.ID
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
					size = 200 << 10 // a body file, or chunks
				}
				e := &queue.Envelope{From: "s@example.org", Campaign: tag,
					Tenant:     fmt.Sprintf("t%d", rng.IntN(3)),
					Priority:   queue.Priority(rng.IntN(3) - 1),
					Recipients: []queue.Recipient{{Addr: "a@example.com"}, {Addr: "b@example.net"}}}
				now := time.Now()
				next := now
				if rng.IntN(10) == 0 {
					next = now.Add(200 * time.Millisecond)
				}
				id, err := s.Enqueue(ctx, e, bodyFor(tag, size), now, next)
				if err != nil {
					say("ERR enqueue %v", err)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				say("E %s %s", id, tag)
				rmu.Lock()
				if recent = append(recent, id); len(recent) > 200 {
					recent = recent[100:]
				}
				rmu.Unlock()
			}
		}()
	}
	for k := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req := queue.LeaseRequest{Now: time.Now(), Duration: time.Second, Max: 8}
				switch k {
				case 0:
					req.TenantLimit = 6
				case 1, 2:
					// Waiting lessees: a store may hand them messages as
					// they are enqueued.
					req.Wait = 100 * time.Millisecond
				}
				ms, err := s.Lease(ctx, req)
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
					var outs []queue.Outcome
					for _, r := range m.Recipients {
						if r.State == queue.Pending {
							outs = append(outs, delivered(r.Addr)...)
						}
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
	// The operator.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 99))
		type hold struct {
			id    queue.ID
			until time.Time
		}
		var held []hold
		for ctx.Err() == nil {
			time.Sleep(time.Duration(2+rng.IntN(5)) * time.Millisecond)
			if len(held) > 0 && time.Now().After(held[0].until) {
				say("r %s", held[0].id)
				if err := s.Release(ctx, held[0].id); err == nil {
					say("R %s", held[0].id)
				}
				held = held[1:]
			}
			rmu.Lock()
			if len(recent) == 0 {
				rmu.Unlock()
				continue
			}
			id := recent[rng.IntN(len(recent))]
			rmu.Unlock()
			var err error
			switch rng.IntN(3) {
			case 0:
				say("x %s", id)
				if err = s.Cancel(ctx, id, nil, time.Now()); err == nil {
					say("X %s", id)
				}
			case 1:
				if err = s.Cancel(ctx, id, []string{"b@example.net"}, time.Now()); err == nil {
					say("Y %s b@example.net", id)
				}
			case 2:
				if err = s.Hold(ctx, id, time.Now()); err == nil {
					say("H %s", id)
					held = append(held, hold{id, time.Now().Add(100 * time.Millisecond)})
				}
			}
			if err != nil && !errors.Is(err, queue.ErrLeased) && !errors.Is(err, queue.ErrNotFound) &&
				!errors.Is(err, queue.ErrInvalidInput) && ctx.Err() == nil {
				say("ERR control %s %v", id, err)
			}
		}
	}()
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
	canceled        map[queue.ID]bool   // X
	maybeCanceled   map[queue.ID]bool   // x
	rcptCanceled    map[queue.ID]string // Y: the recipient
	held            map[queue.ID]bool   // H and no r since
	leasedAfterDone []queue.ID
	fresh           map[queue.ID]bool // named in the report read last
}

// Acked returns the acknowledged enqueues (ID to tag).
func (l *Log) Acked() map[queue.ID]string { return l.acked }

// Completed returns how many completions were acknowledged.
func (l *Log) Completed() int { return len(l.completed) }

// NewLog returns an empty Log.
func NewLog() *Log {
	return &Log{acked: map[queue.ID]string{}, completed: map[queue.ID]int{}, pending: map[queue.ID]bool{},
		canceled: map[queue.ID]bool{}, maybeCanceled: map[queue.ID]bool{}, rcptCanceled: map[queue.ID]string{}, held: map[queue.ID]bool{}, fresh: map[queue.ID]bool{}}
}

// Read adds a Work report to the log.
func (l *Log) Read(t *testing.T, out []byte) (lines int) {
	t.Helper()
	clear(l.fresh)
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
		case "x":
			l.maybeCanceled[id] = true
		case "X":
			l.canceled[id] = true
		case "Y":
			if len(f) == 3 {
				l.rcptCanceled[id] = f[2]
			}
		case "H":
			l.held[id] = true
		case "r", "R":
			delete(l.held, id)
		case "OPEN-ERROR":
			t.Fatalf("child could not open the store: %s", line)
		default:
			continue
		}
		l.fresh[id] = true
		lines++
	}
	return lines
}

// Check verifies the store against the whole log: every acknowledged
// enqueue is in the store unless its completion was at least attempted or
// it was canceled; nothing completed twice, leased after its completion,
// or completed after a cancel or while held; canceled messages gone,
// canceled recipients canceled, held messages held; bodies intact.
func (l *Log) Check(t *testing.T, s queue.Store) {
	t.Helper()
	l.check(t, s, func(queue.ID) bool { return true })
}

// CheckRecent is Check for the messages named in the report read last, a
// sample of 200 others, and those canceled or held.
func (l *Log) CheckRecent(t *testing.T, s queue.Store) {
	t.Helper()
	sample := map[queue.ID]bool{}
	for id := range l.acked { // map order is random enough for a sample
		if len(sample) == 200 {
			break
		}
		sample[id] = true
	}
	l.check(t, s, func(id queue.ID) bool {
		return l.fresh[id] || sample[id] || l.canceled[id] || l.held[id] || l.rcptCanceled[id] != ""
	})
}

func (l *Log) check(t *testing.T, s queue.Store, want func(queue.ID) bool) {
	t.Helper()
	ctx := context.Background()
	for id, n := range l.completed {
		if n > 1 {
			t.Errorf("message %s completed %d times", id, n)
		}
		if l.canceled[id] {
			t.Errorf("message %s was canceled and completed", id)
		}
		if l.held[id] {
			t.Errorf("message %s was held (and not released) and completed", id)
		}
	}
	for _, id := range l.leasedAfterDone {
		t.Errorf("message %s leased again after its completion was acknowledged", id)
	}
	lost := 0
	for id, tag := range l.acked {
		if !want(id) {
			continue
		}
		m, err := s.Get(ctx, id)
		if err == nil && m.Campaign != tag {
			t.Errorf("message %s is %q, but the acknowledged enqueue was %q", id, m.Campaign, tag)
		}
		switch {
		case err == nil && l.canceled[id]:
			t.Errorf("message %s still queued after its cancel was acknowledged", id)
		case err == nil && l.completed[id] > 0:
			t.Errorf("message %s still queued after its completion was acknowledged", id)
		case err == nil:
			if l.held[id] && !m.Held {
				t.Errorf("message %s not held after its hold was acknowledged", id)
			}
			if r := l.rcptCanceled[id]; r != "" {
				for _, rc := range m.Recipients {
					if rc.Addr == r && rc.State != queue.Canceled {
						t.Errorf("recipient %s of %s is %s after its cancel was acknowledged", r, id, rc.State)
					}
				}
			}
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
			if l.held[id] && !l.maybeCanceled[id] {
				t.Errorf("held message %s is gone", id)
			}
			if !l.pending[id] && !l.maybeCanceled[id] {
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

// CrashOptions size a Crash run. The environment variables
// MXKIT_CRASH_KILLS and MXKIT_CRASH_BUDGET (a Go duration), when set,
// override them, so that a long run is one command:
//
//	MXKIT_CRASH_KILLS=500 MXKIT_CRASH_BUDGET=30m go test -run 'TestCrash$' ./queue/...
type CrashOptions struct {
	Kills  int           // kill this many children; 0 means 50
	Budget time.Duration // but stop when this has passed; 0 means 3 minutes
	// Each child is killed at a random moment up to Life after it
	// starts (from during its startup to well into its work); 0 means
	// 500ms.
	Life time.Duration
}

// Crash runs child processes from start, each running Work on the store
// and reporting on its stdout, and kills each with SIGKILL at a random
// moment, opts.Kills times (or until opts.Budget is spent). After each kill
// it opens the store with reopen (which must succeed: the store opens
// cleanly) and checks it against what the children acknowledged (the
// messages named since the last kill and a sample of the others); after
// the last kill, against everything.
func Crash(t *testing.T, opts CrashOptions, start func() *exec.Cmd, reopen func(t *testing.T) (queue.Store, func())) {
	if v := os.Getenv("MXKIT_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("MXKIT_CRASH_KILLS: %v", err)
		}
		opts.Kills = n
	}
	if v := os.Getenv("MXKIT_CRASH_BUDGET"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("MXKIT_CRASH_BUDGET: %v", err)
		}
		opts.Budget = d
	}
	if opts.Kills <= 0 {
		opts.Kills = 50
	}
	if opts.Budget <= 0 {
		opts.Budget = 3 * time.Minute
	}
	if opts.Life <= 20*time.Millisecond {
		opts.Life = 500 * time.Millisecond
	}
	log := NewLog()
	began := time.Now()
	deadline := began.Add(opts.Budget)
	rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills := 0
	for kills < opts.Kills && time.Now().Before(deadline) {
		cmd := start()
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The child needs some time to start and open the store; kill it
		// anywhere from during startup to well into its work.
		time.Sleep(20*time.Millisecond + time.Duration(rng.Int64N(int64(opts.Life-20*time.Millisecond))))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("kill %d: child ended with %v, not by SIGKILL; output:\n%s", kills+1, err, tail(out.Bytes()))
		}
		kills++
		log.Read(t, out.Bytes())
		s, closeStore := reopen(t)
		if kills == opts.Kills || !time.Now().Before(deadline) {
			log.Check(t, s)
		} else {
			log.CheckRecent(t, s)
		}
		closeStore()
		if t.Failed() {
			t.Fatalf("after kill %d", kills)
		}
	}
	t.Logf("%d kills in %v: %d enqueues, %d completions, %d cancels (%d of one recipient), %d holds outstanding, all acknowledged and checked",
		kills, time.Since(began).Round(time.Second), len(log.acked), len(log.completed), len(log.canceled), len(log.rcptCanceled), len(log.held))
	if kills < opts.Kills {
		t.Logf("stopped at the budget (%v) before %d kills", opts.Budget, opts.Kills)
	}
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
