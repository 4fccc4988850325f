package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
	"github.com/mxkit/mxkit/queue/queuetest"
)

// openTemp opens a store in a new schema that is dropped after the test.
func openTemp(t testing.TB) (*pgstore.Store, string) {
	t.Helper()
	dsn, schema := testenv.PostgresSchema(t, "mxq_test_")
	s, err := pgstore.Open(context.Background(), dsn, &pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, schema
}

func TestConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Store {
		s, _ := openTemp(t)
		return s
	})
}

const crashEnv = "MXKIT_PGSTORE_CRASH_SCHEMA"

// TestCrashChild is the child process of TestCrash.
func TestCrashChild(t *testing.T) {
	schema := os.Getenv(crashEnv)
	if schema == "" {
		t.Skip("run by TestCrash")
	}
	s, err := pgstore.Open(context.Background(), testenv.PostgresDSN(t), &pgstore.Options{Schema: schema})
	if err != nil {
		fmt.Printf("OPEN-ERROR %v\n", err)
		os.Exit(3)
	}
	queuetest.Work(context.Background(), os.Stdout, s)
}

// TestCrash kills client processes working on the store with SIGKILL at
// random points, 55 times (MXKIT_CRASH_KILLS for more), and checks the
// store after each kill.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes 55 times (about a minute)")
	}
	dsn := testenv.PostgresDSN(t)
	_, schema := openTemp(t)
	queuetest.Crash(t, queuetest.CrashOptions{Kills: 55, Life: 900 * time.Millisecond}, func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+schema)
		return cmd
	}, func(t *testing.T) (queue.Store, func()) {
		s, err := pgstore.Open(context.Background(), dsn, &pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatalf("Open after the kill: %v", err)
		}
		return s, func() { s.Close() }
	})
}

// pgCtl runs $MXKIT_PG_CTL with an action. The variable holds a command
// prefix such as
//
//	su postgres -c '/usr/lib/postgresql/15/bin/pg_ctl -D dir -l log -w -o "..."'
//
// The action goes inside the quoted command when the prefix ends in a quote.
func pgCtl(t *testing.T, prefix, action string) {
	t.Helper()
	cmd := prefix + " " + action
	if strings.HasSuffix(prefix, "'") {
		cmd = prefix[:len(prefix)-1] + " " + action + "'"
	}
	out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
}

// TestServerRestartUnderLoad runs producers and workers while the
// PostgreSQL server is stopped in immediate mode (a crash: no shutdown
// checkpoint, WAL recovery at start) and started again, twice; then checks
// that every acknowledged enqueue and completion survived. Without
// MXKIT_PG_CTL (from .ci/services) it kills the store's server connections
// with pg_terminate_backend instead.
func TestServerRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts the server for ~10s")
	}
	// The server is this test's alone while it runs: the tests of other
	// packages, run beside it by go test, wait (and it for them).
	dsn := testenv.PostgresExclusive(t)
	s, _ := openTemp(t)
	ctl := os.Getenv("MXKIT_PG_CTL")
	ctx, cancel := context.WithCancel(context.Background())
	var out testenv.Buffer
	done := make(chan struct{})
	go func() {
		queuetest.Work(ctx, &out, s)
		close(done)
	}()
	for i := range 2 {
		time.Sleep(2 * time.Second)
		if ctl != "" {
			pgCtl(t, ctl, "restart -m immediate")
			t.Logf("restart %d done", i+1)
			continue
		}
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		err = conn.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
			AND application_name <> 'psql'`).Scan(&n)
		conn.Close(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("terminated %d backends (MXKIT_PG_CTL not set: server not restarted)", n)
	}
	time.Sleep(2 * time.Second)
	cancel()
	<-done
	log := queuetest.NewLog()
	written := out.String()
	log.Read(t, []byte(written))
	errs := strings.Count(written, "ERR ")
	t.Logf("%d enqueues and %d completions acknowledged (%d messages handed over at enqueue), %d operations failed during the outages",
		len(log.Acked()), log.Completed(), pgstore.HandedOff(s), errs)
	if errs == 0 {
		t.Error("no operation failed: the outage did not happen under load")
	}
	log.Check(t, s)
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestSeveralProcesses opens the same schema from several stores at once,
// as processes on several machines would (racing migrations included),
// and has workers on all of them drain one queue: each message must be
// delivered exactly once.
func TestSeveralProcesses(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	first, schema := openTemp(t) // creates the schema, dropped at the end
	first.Close()
	ctx := context.Background()
	// Drop the tables so the stores below race to migrate.
	if err := testenv.DropSchema(ctx, dsn, schema); err != nil {
		t.Fatal(err)
	}
	const nStores, n = 4, 300
	stores := make([]*pgstore.Store, nStores)
	var wg sync.WaitGroup
	errs := make(chan error, nStores)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := pgstore.Open(ctx, dsn, &pgstore.Options{Schema: schema})
			if err != nil {
				errs <- err
				return
			}
			stores[i] = s
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Open: %v", err)
	}
	defer func() {
		for _, s := range stores {
			s.Close()
		}
	}()
	now := time.Now()
	for i := range n {
		e := &queue.Envelope{Recipients: []queue.Recipient{{Addr: fmt.Sprintf("r%d@example.com", i)}}}
		if _, err := stores[i%nStores].Enqueue(ctx, e, strings.NewReader("x"), now, now); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	delivered := map[queue.ID]int{}
	for i := range nStores * 3 {
		s := stores[i%nStores]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ms, err := s.Lease(ctx, queue.LeaseRequest{Now: now, Duration: time.Hour, Max: 7})
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					return
				}
				for _, m := range ms {
					err := s.Complete(ctx, m.ID, m.Lease, now, []queue.Outcome{{Recipient: m.Recipients[0].Addr, State: queue.Delivered, Attempt: delivery.Outcome{Status: delivery.Delivered}}})
					if err != nil {
						t.Errorf("Complete(%s): %v", m.ID, err)
					}
					mu.Lock()
					delivered[m.ID]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(delivered) != n {
		t.Errorf("delivered %d distinct messages, want %d", len(delivered), n)
	}
	for id, k := range delivered {
		if k != 1 {
			t.Errorf("message %s leased and delivered %d times", id, k)
		}
	}
}
