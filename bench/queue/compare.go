package main

// -compare river: mxkit's PostgreSQL store against River
// (github.com/riverqueue/river), a Go job queue on PostgreSQL, on the same
// server with the same durability (the server's synchronous_commit, on),
// each run by three worker processes sharing the database (the figures
// are their sum). Each process runs its share of the producers and a
// worker pool of 100, with 24 connections: River's own workers
// (MaxWorkers 100, 8 connections) beside an insert-only client for the
// producers (16), and for mxkit one store whose lessees keep up to 100
// deliveries going (lease with Wait, read the body, complete). A cycle is an insert, worked and completed; the bulk runs
// insert only, 500 jobs a call (River's InsertMany, mxkit's EnqueueMany).

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/mxkit/mxkit/bench/internal/results"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
)

const (
	processes   = 3
	poolConns   = 24  // per process, both systems
	workerSlots = 100 // per process, both systems
	bulkBatch   = 500
)

// payload is n bytes of printable text that does not compress much (as a
// base64 attachment would not), the same for both systems.
func payload(n int) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}

// childFlags are the flags of a child process.
type childFlags struct {
	system, schema, dsn, mode string
	app                       string // the application name of its connections
	producers, size           int
	start, end                time.Time
}

// childReport is what a child prints as JSON on its last line.
type childReport struct {
	Enqueued, Completed int64
	Backends            time.Duration // CPU time of the process's own server backends in the window
	Err                 string        `json:",omitempty"`
}

// runCompare runs the comparison rounds and prints the table.
func runCompare(dsn string, d time.Duration, rounds int, prods []int, sizes []int, out string) {
	if dsn == "" {
		log.Fatal("-compare needs -dsn or MXKIT_PG_DSN")
	}
	fmt.Printf("mxkit pgstore vs River %s, %d processes, %d connections and %d workers each, %v per run, %d rounds (median)\n",
		riverVersion, processes, poolConns, workerSlots, d, rounds)
	fmt.Printf("load average before: %s\n", loadavg())
	fmt.Printf("server: %s\n", serverSettings(dsn))
	type key struct {
		system, mode string
		size, prods  int
	}
	samples := map[key][]float64{}
	cpus := map[key][]float64{}
	systems := []string{"mxkit", "river"}
	for r := range rounds {
		for _, size := range sizes {
			for _, p := range prods {
				for i := range systems {
					// Alternate who goes first from round to round.
					sys := systems[(i+r)%len(systems)]
					rate, cpu := compareRun(dsn, sys, "cycle", p, size, d)
					k := key{sys, "cycle", size, p}
					samples[k] = append(samples[k], rate)
					cpus[k] = append(cpus[k], float64(cpu.Microseconds()))
				}
			}
			for i := range systems {
				if !compareBulk {
					break
				}
				sys := systems[(i+r)%len(systems)]
				rate, cpu := compareRun(dsn, sys, "bulk", 2*processes, size, d)
				k := key{sys, "bulk", size, 0}
				samples[k] = append(samples[k], rate)
				cpus[k] = append(cpus[k], float64(cpu.Microseconds()))
			}
		}
	}
	fmt.Printf("load average after: %s\n", loadavg())
	fmt.Println("CPU: the server's and the processes' CPU time per job, median")
	fmt.Printf("%-6s %-6s %9s %10s %10s %7s %11s %11s   %s\n", "size", "run", "producers", "mxkit/s", "River/s", "ratio",
		"mxkit CPU", "River CPU", "rounds, jobs/s (mxkit | River)")
	file := results.File{Benchmark: "queue-river", Notes: "insert, work, complete; 3 processes on one PostgreSQL, synchronous_commit on"}
	series := map[string]*results.Series{}
	for _, size := range sizes {
		rows := append([]int(nil), prods...)
		if compareBulk {
			rows = append(rows, 0)
		}
		for _, p := range rows {
			mode, label := "cycle", strconv.Itoa(p)
			if p == 0 {
				mode, label = "bulk", fmt.Sprintf("%dx%d", 2*processes, bulkBatch)
			}
			m, rv := samples[key{"mxkit", mode, size, p}], samples[key{"river", mode, size, p}]
			mc, rc := cpus[key{"mxkit", mode, size, p}], cpus[key{"river", mode, size, p}]
			fmt.Printf("%-6d %-6s %9s %10.0f %10.0f %6.2fx %8.0f µs %8.0f µs   %.0f | %.0f\n", size, mode, label, median(m), median(rv),
				median(m)/median(rv), median(mc), median(rc), m, rv)
			if mode == "cycle" {
				for sys, v := range map[string]float64{"mxkit PostgreSQL store": median(m), "River " + riverVersion: median(rv)} {
					name := fmt.Sprintf("%s, %d B", sys, size)
					if series[name] == nil {
						series[name] = &results.Series{Name: name, Unit: "cycles/s (producers)"}
					}
					series[name].Points = append(series[name].Points, results.Point{Concurrency: p, PerSecond: v})
				}
			}
		}
	}
	names := make([]string, 0, len(series))
	for n := range series {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		file.Series = append(file.Series, *series[n])
	}
	if err := results.Write(out, file); err != nil {
		log.Fatal(err)
	}
}

const riverVersion = "v0.51.2"

func serverSettings(dsn string) string {
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		return err.Error()
	}
	defer conn.Close(context.Background())
	var v, sc, fsync string
	conn.QueryRow(context.Background(), `SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync')`).Scan(&v, &sc, &fsync)
	return fmt.Sprintf("PostgreSQL %s, synchronous_commit=%s, fsync=%s", v, sc, fsync)
}

// postgresCPU is the CPU time used so far by the server's processes (all
// of them: other users of the server count too, so runs are interleaved).
func postgresCPU() time.Duration {
	ents, _ := os.ReadDir("/proc")
	var cpu time.Duration
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if name, t, ok := procCPU(e.Name()); ok && strings.HasPrefix(name, "postgres") {
			cpu += t
		}
	}
	return cpu
}

// procCPU returns the name and the CPU time used so far of the process
// pid, from /proc.
func procCPU(pid string) (name string, cpu time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return "", 0, false
	}
	s := string(b)
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return "", 0, false
	}
	f := strings.Fields(s[j+1:])
	if len(f) < 13 {
		return "", 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return s[i+1 : j], time.Duration(u+st) * 10 * time.Millisecond, true // USER_HZ is 100
}

// compareRun prepares a fresh schema, runs the processes and returns the
// summed rate (completions per second for a cycle, inserts for bulk) and
// the CPU time per job of the server and the processes together.
func compareRun(dsn, system, mode string, producers, size int, d time.Duration) (float64, time.Duration) {
	ctx := context.Background()
	schema := "bench_" + system + "_" + token()
	if err := prepare(ctx, dsn, system, schema); err != nil {
		log.Fatalf("%s: %v", system, err)
	}
	defer func() {
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
			c.Close(ctx)
		}
	}()
	var statsBefore pgStats
	if os.Getenv("BENCH_CPU_DETAIL") != "" {
		statsBefore = readPGStats(ctx, dsn)
	}
	pgBefore := postgresCPU()
	start := time.Now().Add(1500 * time.Millisecond) // time to start and connect
	end := start.Add(d)
	var wg sync.WaitGroup
	var cpuMu sync.Mutex
	var childCPU time.Duration
	reports := make([]childReport, processes)
	for i := range processes {
		share := producers / processes
		if i < producers%processes {
			share++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-child", system, "-mode", mode, "-schema", schema, "-dsn", dsn,
				"-producers", strconv.Itoa(share), "-size", strconv.Itoa(size),
				"-start", strconv.FormatInt(start.UnixNano(), 10), "-end", strconv.FormatInt(end.UnixNano(), 10))
			var stdout bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				log.Fatalf("%s child: %v\n%s", system, err, stdout.String())
			}
			cpuMu.Lock()
			childCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			cpuMu.Unlock()
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &reports[i]); err != nil {
				log.Fatalf("%s child report %q: %v", system, lines[len(lines)-1], err)
			}
		}()
	}
	wg.Wait()
	var n int64
	for _, r := range reports {
		if r.Err != "" {
			log.Fatalf("%s child: %s", system, r.Err)
		}
		if mode == "bulk" {
			n += r.Enqueued
		} else {
			n += r.Completed
		}
	}
	pgCPU := postgresCPU() - pgBefore
	var own time.Duration
	for _, r := range reports {
		own += r.Backends
	}
	cpu := pgCPU + childCPU
	if n := max(reports[0].Completed+reports[1].Completed+reports[2].Completed, reports[0].Enqueued+reports[1].Enqueued+reports[2].Enqueued); n > 0 && os.Getenv("BENCH_CPU_DETAIL") != "" {
		fmt.Printf("  %s %s %d producers %d B: server %v (its own backends %v), processes %v per job (of %d counted); per job %s\n", system, mode, producers, size,
			pgCPU/time.Duration(n), own/time.Duration(n), childCPU/time.Duration(n), n, readPGStats(ctx, dsn).perJob(statsBefore, n))
	}
	if system == "river" && mode == "cycle" {
		// River completes jobs in the background: count what the
		// database says was completed within the window.
		n = riverCompleted(ctx, dsn, schema, start, end)
	}
	if n == 0 {
		return 0, 0
	}
	// The CPU of the whole run (startup and the last jobs included) over
	// the jobs of the window: comparable between systems, not exact.
	return float64(n) / d.Seconds(), cpu / time.Duration(n)
}

// withAppName returns dsn (a URL or key=value string) with the
// application name set to app.
func withAppName(dsn, app string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		q.Set("application_name", app)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " application_name=" + app
}

// backendCPU is the CPU time used so far by each server backend of the
// connections with the application name app (read from /proc: the
// server runs on this machine), so that the server's work for one
// process is told apart from other users of the server. Shared server
// processes (WAL writer, checkpointer, autovacuum) are not counted.
func backendCPU(ctx context.Context, dsn, app string) map[int32]time.Duration {
	cpu := map[int32]time.Duration{}
	conn, err := pgx.Connect(ctx, withAppName(dsn, "mxkit-bench-parent"))
	if err != nil {
		return cpu
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, app)
	if err != nil {
		return cpu
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return cpu
	}
	for _, pid := range pids {
		if _, t, ok := procCPU(strconv.Itoa(int(pid))); ok {
			cpu[pid] = t
		}
	}
	return cpu
}

// backendsSince is the CPU time the backends of app used since before
// (a backendCPU reading): in the measured window, their start excluded
// for those that were connected when it began.
func backendsSince(ctx context.Context, dsn, app string, before map[int32]time.Duration) time.Duration {
	var d time.Duration
	for pid, t := range backendCPU(ctx, dsn, app) {
		d += t - before[pid]
	}
	return d
}

// pgStats are the server's counters of the run's database and of its
// WAL: transactions committed, rows written, WAL records and flushes.
// Other users of the database count too (runs are interleaved), and
// counters are those the server has flushed (its sessions report at
// most every second, and when they end: the children's have ended).
type pgStats struct{ commits, inserted, updated, deleted, walRecords, walSyncs float64 }

func readPGStats(ctx context.Context, dsn string) pgStats {
	var p pgStats
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return p
	}
	defer conn.Close(ctx)
	time.Sleep(1100 * time.Millisecond) // let the ended sessions' counters arrive
	conn.QueryRow(ctx, `SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, w.wal_records, w.wal_sync
		FROM pg_stat_database, pg_stat_wal w WHERE datname = current_database()`).Scan(
		&p.commits, &p.inserted, &p.updated, &p.deleted, &p.walRecords, &p.walSyncs)
	return p
}

func (p pgStats) perJob(before pgStats, n int64) string {
	f := func(a, b float64) float64 { return (a - b) / float64(n) }
	return fmt.Sprintf("%.2f commits, %.2f inserted, %.2f updated, %.2f deleted rows, %.1f WAL records, %.2f WAL flushes",
		f(p.commits, before.commits), f(p.inserted, before.inserted), f(p.updated, before.updated), f(p.deleted, before.deleted),
		f(p.walRecords, before.walRecords), f(p.walSyncs, before.walSyncs))
}

// prepare creates the schema of a run.
func prepare(ctx context.Context, dsn, system, schema string) error {
	switch system {
	case "mxkit":
		s, err := pgstore.Open(ctx, dsn, &pgstore.Options{Schema: schema})
		if err != nil {
			return err
		}
		return s.Close()
	case "river":
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return err
		}
		defer pool.Close()
		if _, err := pool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
			return err
		}
		m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Schema: schema, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return err
	}
	return fmt.Errorf("unknown system %q", system)
}

func riverCompleted(ctx context.Context, dsn, schema string, start, end time.Time) int64 {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{schema, "river_job"}.Sanitize()+`
		WHERE state = 'completed' AND finalized_at >= $1 AND finalized_at < $2`, start, end).Scan(&n)
	if err != nil {
		log.Fatal(err)
	}
	return n
}

// childMain runs one process of a run and prints its report.
func childMain() {
	var f childFlags
	var start, end int64
	flag.StringVar(&f.system, "child", "", "")
	flag.StringVar(&f.mode, "mode", "cycle", "")
	flag.StringVar(&f.schema, "schema", "", "")
	flag.StringVar(&f.dsn, "dsn", "", "")
	flag.IntVar(&f.producers, "producers", 1, "")
	flag.IntVar(&f.size, "size", 10<<10, "")
	flag.Int64Var(&start, "start", 0, "")
	flag.Int64Var(&end, "end", 0, "")
	flag.Parse()
	f.start, f.end = time.Unix(0, start), time.Unix(0, end)
	f.app = fmt.Sprintf("mxkit-bench-%d", os.Getpid())
	f.dsn = withAppName(f.dsn, f.app)
	var r childReport
	var err error
	switch f.system {
	case "mxkit":
		r, err = mxkitChild(f)
	case "river":
		r, err = riverChild(f)
	default:
		err = fmt.Errorf("unknown system %q", f.system)
	}
	if err != nil {
		r.Err = err.Error()
	}
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

// firstError keeps the first error set, of any type (atomic.Value would
// panic on a second error of another type).
type firstError struct{ p atomic.Pointer[error] }

func (f *firstError) set(err error) { f.p.CompareAndSwap(nil, &err) }

func (f *firstError) get() error {
	if p := f.p.Load(); p != nil {
		return *p
	}
	return nil
}

func inWindow(f childFlags, t time.Time) bool { return !t.Before(f.start) && t.Before(f.end) }

func mxkitChild(f childFlags) (childReport, error) {
	ctx := context.Background()
	if dir := os.Getenv("BENCH_CPUPROFILE"); dir != "" {
		pf, err := os.Create(fmt.Sprintf("%s/mxkit-%d.pprof", dir, os.Getpid()))
		if err != nil {
			return childReport{}, err
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	s, err := pgstore.Open(ctx, f.dsn, &pgstore.Options{Schema: f.schema, MaxConns: poolConns})
	if err != nil {
		return childReport{}, err
	}
	defer s.Close()
	body := payload(f.size)
	var enq, done atomic.Int64
	var firstErr firstError
	fail := firstErr.set
	env := func(p, i int) *queue.Envelope {
		return &queue.Envelope{From: "sender@example.org", Recipients: []queue.Recipient{{Addr: fmt.Sprintf("r%d-%d-%d@example.com", os.Getpid(), p, i)}}}
	}
	time.Sleep(time.Until(f.start))
	backends := backendCPU(ctx, f.dsn, f.app)
	var wg sync.WaitGroup
	for p := range f.producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(f.end); i++ {
				if f.mode == "bulk" {
					items := make([]queue.Submission, bulkBatch)
					for j := range items {
						items[j] = queue.Submission{Envelope: env(p, i*bulkBatch+j), Body: bytes.NewReader(body)}
					}
					now := time.Now()
					if _, err := s.EnqueueMany(ctx, items, now); err != nil {
						fail(err)
						return
					}
					if inWindow(f, time.Now()) {
						enq.Add(bulkBatch)
					}
					continue
				}
				now := time.Now()
				if _, err := s.Enqueue(ctx, env(p, i), bytes.NewReader(body), now, now); err != nil {
					fail(err)
					return
				}
				if inWindow(f, time.Now()) {
					enq.Add(1)
				}
			}
		}()
	}
	if f.mode == "cycle" {
		sem := make(chan struct{}, workerSlots)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(f.end) {
					free := workerSlots - len(sem)
					if free <= 0 {
						time.Sleep(time.Millisecond)
						continue
					}
					ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: min(free, 64), Wait: time.Until(f.end)})
					if err != nil {
						fail(err)
						return
					}
					for _, m := range ms {
						sem <- struct{}{}
						wg.Add(1)
						go func() {
							defer wg.Done()
							defer func() { <-sem }()
							rc, err := s.Body(ctx, m.ID)
							if err != nil {
								fail(err)
								return
							}
							io.Copy(io.Discard, rc)
							rc.Close()
							err = s.Complete(ctx, m.ID, m.Lease, time.Now(), []queue.Outcome{{Recipient: m.Recipients[0].Addr, State: queue.Delivered, Attempt: delivered}})
							if err != nil {
								fail(err)
								return
							}
							if inWindow(f, time.Now()) {
								done.Add(1)
							}
						}()
					}
				}
			}()
		}
	}
	wg.Wait()
	if err := firstErr.get(); err != nil {
		return childReport{}, err
	}
	return childReport{Enqueued: enq.Load(), Completed: done.Load(), Backends: backendsSince(ctx, f.dsn, f.app, backends)}, nil
}

// riverArgs carries the payload as a JSON string.
type riverArgs struct {
	Body string `json:"body"`
}

func (riverArgs) Kind() string { return "bench" }

// riverWorker reads the payload and succeeds, as mxkit's workers read the
// body and complete.
type riverWorker struct {
	river.WorkerDefaults[riverArgs]
}

func (riverWorker) Work(ctx context.Context, job *river.Job[riverArgs]) error {
	if len(job.Args.Body) == 0 {
		return fmt.Errorf("empty payload")
	}
	return nil
}

func riverChild(f childFlags) (childReport, error) {
	ctx := context.Background()
	// Inserts go through a client of their own (as in a web process), so
	// that producers do not take the connections River's fetches and
	// completions need: 16 connections for inserts, 8 for the workers.
	newClient := func(conns int32, work bool) (*river.Client[pgx.Tx], *pgxpool.Pool, error) {
		cfg, err := pgxpool.ParseConfig(f.dsn)
		if err != nil {
			return nil, nil, err
		}
		cfg.MaxConns = conns
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		rc := &river.Config{Schema: f.schema, Logger: slog.New(slog.DiscardHandler)}
		if work {
			workers := river.NewWorkers()
			river.AddWorker(workers, &riverWorker{})
			rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workerSlots}}
			rc.Workers = workers
			rc.FetchCooldown = riverCooldown
		}
		c, err := river.NewClient(riverpgxv5.New(pool), rc)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return c, pool, nil
	}
	client, pool, err := newClient(poolConns*2/3, false)
	if err != nil {
		return childReport{}, err
	}
	defer pool.Close()
	var worker *river.Client[pgx.Tx]
	if f.mode == "cycle" {
		var wpool *pgxpool.Pool
		if worker, wpool, err = newClient(poolConns/3, true); err != nil {
			return childReport{}, err
		}
		defer wpool.Close()
		if err := worker.Start(ctx); err != nil {
			return childReport{}, err
		}
	}
	body := string(payload(f.size))
	var enq atomic.Int64
	var firstErr firstError
	time.Sleep(time.Until(f.start))
	backends := backendCPU(ctx, f.dsn, f.app)
	var wg sync.WaitGroup
	for range f.producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(f.end) {
				if f.mode == "bulk" {
					params := make([]river.InsertManyParams, bulkBatch)
					for j := range params {
						params[j] = river.InsertManyParams{Args: riverArgs{Body: body}}
					}
					if _, err := client.InsertMany(ctx, params); err != nil {
						firstErr.set(err)
						return
					}
					if inWindow(f, time.Now()) {
						enq.Add(bulkBatch)
					}
					continue
				}
				if _, err := client.Insert(ctx, riverArgs{Body: body}, nil); err != nil {
					firstErr.set(err)
					return
				}
				if inWindow(f, time.Now()) {
					enq.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if worker != nil {
		time.Sleep(200 * time.Millisecond) // let the completer write what it holds
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		worker.StopAndCancel(sctx)
		cancel()
	}
	if err := firstErr.get(); err != nil {
		return childReport{}, err
	}
	return childReport{Enqueued: enq.Load(), Backends: backendsSince(ctx, f.dsn, f.app, backends)}, nil
}

// compareBulk is whether -compare measures bulk enqueues too; set by
// -bulk.
var compareBulk = true

// riverCooldown is River's FetchCooldown (its default is 100ms); set by
// -river-cooldown.
var riverCooldown time.Duration
