// Command queue measures durable enqueue → lease → complete cycles per
// second for mxkit's queue stores against a maildir-style spool (one file
// per message, fsynced, renamed into place; leased by renaming, completed
// by unlinking), in the same run.
//
//	go run ./queue -d 3s -producers 1,8,64 -stores embedded,pg,spool
//
// -stores pebble runs the same cycle on Pebble (an LSM), the other engine
// candidate for the embedded store.
//
// Each figure comes with this process's CPU time and heap allocation per
// completed cycle (for pg the server's work is not in it). -buffer hands
// bodies over as *bytes.Buffer, as examples/mta does (the embedded store
// then stores them without a copy); with -inline 262144 the embedded store
// keeps 100 KB bodies inside its database, as the mta sets it:
//
//	go run ./queue -stores embedded,spool -size 102400 -inline 262144 -buffer
//
// With -large it instead compares enqueueing 1 MiB bodies into the bbolt
// file (InlineLimit raised) and as body files beside it (the default).
//
// With -compare river it compares the PostgreSQL store with River
// (github.com/riverqueue/river), three processes sharing one server (see
// compare.go):
//
//	go run ./queue -compare river -d 3s -rounds 3 -producers 1,8,64 -sizes 64,10240
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"github.com/mxkit/mxkit/bench/internal/results"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-child" {
		childMain()
		return
	}
	compare := flag.String("compare", "", "river: compare the PostgreSQL store with River (3 processes)")
	sizesFlag := flag.String("sizes", "64,10240", "message sizes for -compare")
	flag.BoolVar(&compareBulk, "bulk", true, "with -compare, the bulk runs too (InsertMany against EnqueueMany)")
	flag.DurationVar(&riverCooldown, "river-cooldown", 0, "River's FetchCooldown for -compare (0: River's default)")
	dur := flag.Duration("d", 3*time.Second, "duration of each run")
	prods := flag.String("producers", "1,8,64", "producer counts")
	stores := flag.String("stores", "embedded,pg,spool", "stores to measure")
	size := flag.Int("size", 10<<10, "message size in bytes")
	workers := flag.Int("workers", 4, "worker goroutines leasing and completing")
	rounds := flag.Int("rounds", 3, "rounds; each figure is the median")
	dir := flag.String("dir", "", "directory for the files (default a temporary one)")
	dsn := flag.String("dsn", os.Getenv("MXKIT_PG_DSN"), "PostgreSQL URL for the pg store")
	large := flag.Bool("large", false, "compare 1 MiB bodies inside bbolt and as files")
	out := flag.String("out", "results", "folder for the results file (bench/plot)")
	flag.Int64Var(&inlineLimit, "inline", 0, "embedded store's InlineLimit (0 default, -1 every body a file)")
	flag.BoolVar(&asBuffer, "buffer", false, "hand bodies over as *bytes.Buffer (as examples/mta does)")
	flag.Parse()

	if *compare == "river" {
		var ps, sz []int
		for _, v := range strings.Split(*prods, ",") {
			n, err := strconv.Atoi(v)
			if err != nil {
				log.Fatal(err)
			}
			ps = append(ps, n)
		}
		for _, v := range strings.Split(*sizesFlag, ",") {
			n, err := strconv.Atoi(v)
			if err != nil {
				log.Fatal(err)
			}
			sz = append(sz, n)
		}
		runCompare(*dsn, *dur, *rounds, ps, sz, *out)
		return
	}
	base := *dir
	if base == "" {
		var err error
		if base, err = os.MkdirTemp("", "mxkit-queue-bench-"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(base)
	}
	if *large {
		runLarge(base, *dur)
		return
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), *size/16+1)[:*size]
	fmt.Printf("durable cycles (enqueue, lease, read body, complete) of %d-byte messages, %d workers, %v per run, %d CPUs\n",
		*size, *workers, *dur, runtime.NumCPU())
	fmt.Printf("load average before: %s (the machine is shared: figures move with it)\n", loadavg())
	// Stores take turns within each round, so that a change in the load
	// from other processes hits them alike; each figure is the median of
	// the rounds.
	names := strings.Split(*stores, ",")
	var counts []int
	for _, ps := range strings.Split(*prods, ",") {
		p, err := strconv.Atoi(ps)
		if err != nil {
			log.Fatal(err)
		}
		counts = append(counts, p)
	}
	samples := map[string]map[int][]float64{}
	enqs := map[string]map[int][]float64{}
	costs := map[string]map[int][]cost{}
	skip := map[string]bool{}
	for _, name := range names {
		samples[name], enqs[name], costs[name] = map[int][]float64{}, map[int][]float64{}, map[int][]cost{}
	}
	for r := range *rounds {
		for _, p := range counts {
			for _, name := range names {
				if skip[name] {
					continue
				}
				s, closeStore, err := open(name, filepath.Join(base, fmt.Sprintf("%s-%d-%d", name, p, r)), *dsn)
				if err != nil {
					log.Printf("%s: %v (skipped)", name, err)
					skip[name] = true
					continue
				}
				before := measure()
				done, enq := cycle(s, p, *workers, *dur, body)
				costs[name][p] = append(costs[name][p], measure().per(before, done))
				closeStore()
				samples[name][p] = append(samples[name][p], float64(done)/dur.Seconds())
				enqs[name][p] = append(enqs[name][p], float64(enq)/dur.Seconds())
			}
		}
	}
	fmt.Printf("load average after: %s\n", loadavg())
	fmt.Printf("%-9s %9s %12s %12s %9s %9s %7s   %s\n", "store", "producers", "cycles/s", "enqueues/s", "cpu µs", "alloc KB", "allocs", "cycles/s of each round (per cycle: medians)")
	cycleRates := map[string]map[int]float64{}
	for _, name := range names {
		cycleRates[name] = map[int]float64{}
		for _, p := range counts {
			if len(samples[name][p]) == 0 {
				continue
			}
			cycleRates[name][p] = median(samples[name][p])
			c := medianCost(costs[name][p])
			fmt.Printf("%-9s %9d %12.0f %12.0f %9.0f %9.1f %7.0f   %.0f\n", name, p, cycleRates[name][p], median(enqs[name][p]),
				c.cpuMicros, c.allocKB, c.allocs, samples[name][p])
		}
	}
	file := results.File{Benchmark: "queue", Notes: fmt.Sprintf("durable enqueue-lease-complete cycles, %d-byte messages", *size)}
	label := map[string]string{"embedded": "mxkit embedded (bbolt)", "pg": "mxkit PostgreSQL", "spool": "maildir-style spool", "pebble": "Pebble (stand-in store)"}
	for _, name := range names {
		s := results.Series{Name: label[name], Unit: "cycles/s (producers)"}
		if s.Name == "" {
			s.Name = name
		}
		for _, p := range counts {
			if r, ok := cycleRates[name][p]; ok {
				s.Points = append(s.Points, results.Point{Concurrency: p, PerSecond: r})
			}
		}
		if len(s.Points) > 0 {
			file.Series = append(file.Series, s)
		}
	}
	if err := results.Write(*out, file); err != nil {
		log.Fatal(err)
	}
	if sp := cycleRates["spool"]; len(sp) > 0 {
		fmt.Println("ratio of medians to the spool:")
		for _, name := range names {
			if name == "spool" {
				continue
			}
			for _, p := range counts {
				if r, ok := cycleRates[name][p]; ok && sp[p] > 0 {
					fmt.Printf("  %-9s %3d producers: %.1fx\n", name, p, r/sp[p])
				}
			}
		}
	}
}

var (
	inlineLimit int64
	asBuffer    bool
)

// usage is what this process has used so far: CPU time and heap
// allocation.
type usage struct {
	cpu            time.Duration
	bytes, objects uint64
}

func measure() usage {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return usage{time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ms.TotalAlloc, ms.Mallocs}
}

// cost is a run's usage per completed cycle.
type cost struct{ cpuMicros, allocKB, allocs float64 }

func (u usage) per(before usage, cycles int64) cost {
	n := float64(max(cycles, 1))
	return cost{float64((u.cpu - before.cpu).Microseconds()) / n, float64(u.bytes-before.bytes) / 1024 / n, float64(u.objects-before.objects) / n}
}

func medianCost(cs []cost) cost {
	var cpu, kb, n []float64
	for _, c := range cs {
		cpu, kb, n = append(cpu, c.cpuMicros), append(kb, c.allocKB), append(n, c.allocs)
	}
	return cost{median(cpu), median(kb), median(n)}
}

// bodyReader is how a producer hands body over.
func bodyReader(body []byte) io.Reader {
	if asBuffer {
		return bytes.NewBuffer(body)
	}
	return bytes.NewReader(body)
}

// delivered is the outcome each benchmark attempt reports, as smtpclient
// would for a message the server took.
var delivered = delivery.Outcome{Status: delivery.Delivered, Stage: delivery.StageFinal, Code: 250, Text: "2.0.0 Ok: queued"}

func open(name, dir, dsn string) (queue.Store, func(), error) {
	switch name {
	case "embedded":
		s, err := queue.Open(dir, &queue.Options{InlineLimit: inlineLimit})
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	case "spool":
		s, err := openSpool(dir)
		return s, func() {}, err
	case "pebble":
		s, err := openPebble(dir)
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	case "pg":
		if dsn == "" {
			return nil, nil, fmt.Errorf("no -dsn or MXKIT_PG_DSN")
		}
		schema := "mxq_bench_" + token()
		s, err := pgstore.Open(context.Background(), dsn, &pgstore.Options{Schema: schema, MaxConns: 32})
		if err != nil {
			return nil, nil, err
		}
		return s, func() {
			s.Close()
			if c, err := pgx.Connect(context.Background(), dsn); err == nil {
				c.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
				c.Close(context.Background())
			}
		}, nil
	}
	return nil, nil, fmt.Errorf("unknown store %q", name)
}

// cycle runs producers enqueueing and workers leasing, reading and
// completing for d, and returns completed and enqueued counts.
func cycle(s queue.Store, producers, workers int, d time.Duration, body []byte) (done, enq int64) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var nDone, nEnq atomic.Int64
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				e := &queue.Envelope{From: "sender@example.org", Recipients: []queue.Recipient{{Addr: fmt.Sprintf("r%d-%d@example.com", p, i)}}}
				now := time.Now()
				if _, err := s.Enqueue(context.Background(), e, bodyReader(body), now, now); err != nil {
					log.Fatalf("enqueue: %v", err)
				}
				nEnq.Add(1)
			}
		}()
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				ms, err := s.Lease(context.Background(), queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 64})
				if err != nil {
					log.Fatalf("lease: %v", err)
				}
				if len(ms) == 0 {
					time.Sleep(time.Millisecond)
					continue
				}
				// Deliveries run in parallel, as an MTA's would; their
				// completions share commits.
				var mw sync.WaitGroup
				for _, m := range ms {
					mw.Add(1)
					go func() {
						defer mw.Done()
						rc, err := s.Body(context.Background(), m.ID)
						if err != nil {
							log.Fatalf("body: %v", err)
						}
						io.Copy(io.Discard, rc)
						rc.Close()
						err = s.Complete(context.Background(), m.ID, m.Lease, time.Now(), []queue.Outcome{{Recipient: m.Recipients[0].Addr, State: queue.Delivered, Attempt: delivered}})
						if err != nil {
							log.Fatalf("complete: %v", err)
						}
						if ctx.Err() == nil {
							nDone.Add(1)
						}
					}()
				}
				mw.Wait()
			}
		}()
	}
	wg.Wait()
	return nDone.Load(), nEnq.Load()
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func token() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// runLarge compares enqueueing 1 MiB bodies inline in bbolt and as files.
func runLarge(base string, d time.Duration) {
	body := bytes.Repeat([]byte("x"), 1<<20)
	fmt.Printf("enqueue of 1 MiB bodies, 8 producers, %v per run\n", d)
	for _, mode := range []struct {
		name  string
		limit int64
	}{{"inline in bbolt", 2 << 20}, {"body files", 0}} {
		dir := filepath.Join(base, "large-"+token())
		s, err := queue.Open(dir, &queue.Options{InlineLimit: mode.limit})
		if err != nil {
			log.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), d)
		var n atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					e := &queue.Envelope{Recipients: []queue.Recipient{{Addr: "a@example.com"}}}
					if _, err := s.Enqueue(context.Background(), e, bytes.NewReader(body), time.Now(), time.Now()); err != nil {
						log.Fatal(err)
					}
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		cancel()
		fi, _ := os.Stat(filepath.Join(dir, "queue.db"))
		s.Close()
		fmt.Printf("%-16s %6.0f msgs/s  %6.1f MB/s  queue.db %d MB\n", mode.name, float64(n.Load())/d.Seconds(),
			float64(n.Load())/d.Seconds(), fi.Size()>>20)
	}
}
