// Command pipeline measures the whole outbound path, mxkit against Postfix,
// on the same machine in the same run (issues 9 and 20):
//
//   - Postfix from Debian's package, as an outbound relay: smtpd on a
//     loopback port, queue on disk as shipped, relayhost = an smtp-sink,
//     its mail log on.
//   - mxkit's examples/mta: SMTP submission from trusted loopback, durable
//     embedded queue, DKIM signing with each of -keys (Postfix signs
//     nothing), its mail log on, pooled delivery to the same kind of sink.
//   - The wire ceiling: the same injection straight into an smtp-sink, no
//     relay in between (twice per size, before and after the relays; the
//     higher counts). Each mxkit figure is also given as a share of it.
//
// All get N messages of each of -sizes injected by Postfix's smtp-source
// over 20 sessions; the clock runs from the first injection until the last
// message has left the queue. Peak memory is the proportional set size of
// the server's process tree, sampled every 20ms; the mta's CPU time over
// the run is divided by N. Each line carries the load average when it
// started. Run as root (Postfix drops privileges to its postfix user):
//
//	cd bench && GOWORK=off go run ./pipeline -n 5000 -sizes 10240,102400 -keys ed25519,rsa2048
//
// With -reputation it compares examples/mta with its reputation section
// (suppression, shaping, rates) on and off instead (reputation.go).
//
// MXKIT_BENCH_PROFILE=dir writes a CPU and an allocation profile of each
// timed mxkit run there (the mta's -cpuprofile and -memprofile), and
// MXKIT_BENCH_STRACE=dir a system call count of each (strace -c -f,
// attached for the timed part).
//
// Results go to results/pipeline.json for bench/plot: a panel per size.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bench/internal/results"
)

type measurement struct {
	name        string // "postfix", "mxkit", "mxkit+reputation" or "wire"
	canon       string // mxkit's DKIM canonicalization
	key         string // mxkit's DKIM key type
	size        int
	concurrency int
	elapsed     time.Duration
	n           int
	peak        memUse
	cpu         time.Duration // the server's CPU time over the run (mxkit only)
	disk        int64         // bytes the server wrote to storage over the run (mxkit only)
	peers       time.Duration // the CPU time smtp-source and smtp-sink used over the run (mxkit and wire)
	load        string        // the 1-minute load average when the run began
}

func (m measurement) rate() float64 { return float64(m.n) / m.elapsed.Seconds() }

// keyNames are the -keys values and how tables and the plot name them.
var keyNames = map[string]string{"ed25519": "Ed25519", "rsa2048": "RSA-2048"}

func main() {
	n := flag.Int("n", 3000, "messages per run")
	size := flag.Int("size", 10240, "message size in bytes (with -reputation, and when -sizes is empty)")
	sizeList := flag.String("sizes", "", "message sizes in bytes, comma-separated, e.g. 10240,102400 (default: -size)")
	keyList := flag.String("keys", "ed25519", "mxkit's DKIM key types, comma-separated: ed25519, rsa2048")
	levels := flag.String("concurrency", "2,5,10,20", "delivery concurrency levels (Postfix destination concurrency, mxkit connections per host)")
	work := flag.String("work", "", "work directory (default: a temporary one)")
	root := flag.String("root", "..", "the mxkit repository (to build examples/mta)")
	out := flag.String("out", "results", "results folder")
	skipPostfix := flag.Bool("skip-postfix", false, "measure only mxkit (and the wire ceiling)")
	skipWire := flag.Bool("skip-wire", false, "do not measure the wire ceiling")
	canon := flag.String("canon", "relaxed/relaxed", "mxkit's DKIM canonicalization (header/body); relaxed/simple is what Amazon SES uses")
	reputation := flag.Bool("reputation", false, "compare examples/mta with its reputation section (suppression, shaping, rates) on and off, instead of against Postfix")
	rounds := flag.Int("rounds", 3, "with -reputation: pairs of runs per concurrency level")
	entries := flag.Int("suppressed", 100000, "with -reputation: suppression entries in the list")
	parts := flag.String("parts", "", "with -reputation: the parts turned on, among suppression,shaping,rates (default all)")
	warmup := flag.Int("warmup", 2000, "with -reputation: messages each mta delivers before the clock starts")
	flag.Parse()

	conc, err := ints(*levels)
	if err != nil {
		log.Fatalf("-concurrency: %v", err)
	}
	sizes := []int{*size}
	if *sizeList != "" {
		if sizes, err = ints(*sizeList); err != nil {
			log.Fatalf("-sizes: %v", err)
		}
	}
	keys := strings.Split(*keyList, ",")
	for _, k := range keys {
		if keyNames[k] == "" {
			log.Fatalf("-keys: %q: want ed25519 or rsa2048", k)
		}
	}

	dir := *work
	if dir == "" {
		if dir, err = os.MkdirTemp("", "mxkit-pipeline-"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
	}
	os.Chmod(dir, 0o755)
	mta, err := buildMTA(*root, dir)
	if err != nil {
		log.Fatal(err)
	}

	if *reputation {
		// The check run with reputation on: every message arrives signed.
		path, err := suppressionStore(filepath.Join(dir, "on-check"), *entries)
		if err == nil {
			_, err = runMxkit(mta, filepath.Join(dir, "on-check"), 200, *size, 5, *canon, true, reputationSection(path, *parts), runOpts{key: keys[0]})
		}
		if err != nil {
			log.Fatalf("mxkit check run with reputation on: %v", err)
		}
		if err := compareReputation(mta, dir, *n, *size, conc, *rounds, *entries, *canon, *parts, runOpts{warmup: *warmup, key: keys[0]}); err != nil {
			log.Fatal(err)
		}
		return
	}

	// A short run of each with the sinks keeping what they receive: every
	// message mxkit delivers arrives DKIM-signed, none of Postfix's does.
	// The timed runs below keep nothing at the sink.
	for _, sz := range sizes {
		if !*skipPostfix {
			if _, err := runPostfix(filepath.Join(dir, "postfix-check"), 200, sz, 5, true); err != nil {
				log.Fatalf("postfix check run: %v", err)
			}
		}
		for _, k := range keys {
			if _, err := runMxkit(mta, filepath.Join(dir, "mxkit-check"), 200, sz, 5, *canon, true, nil, runOpts{key: k}); err != nil {
				log.Fatalf("mxkit check run (%s, %d bytes): %v", k, sz, err)
			}
		}
	}
	fmt.Printf("check runs: at each size, 200 of 200 mxkit messages arrived DKIM-signed with each key, 0 of 200 Postfix messages\n")

	var all []measurement
	for _, sz := range sizes {
		wire := func() {
			if *skipWire {
				return
			}
			m, err := runWire(*n, sz)
			if err != nil {
				log.Fatalf("wire ceiling: %v", err)
			}
			report(m)
			all = append(all, m)
		}
		wire()
		for _, c := range conc {
			if !*skipPostfix {
				m, err := runPostfix(filepath.Join(dir, fmt.Sprintf("postfix-%d", c)), *n, sz, c, false)
				if err != nil {
					log.Fatalf("postfix: %v", err)
				}
				report(m)
				all = append(all, m)
			}
			for _, k := range keys {
				m, err := runMxkit(mta, filepath.Join(dir, fmt.Sprintf("mxkit-%d", c)), *n, sz, c, *canon, false, nil, runOpts{key: k})
				if err != nil {
					log.Fatalf("mxkit: %v", err)
				}
				report(m)
				all = append(all, m)
			}
		}
		wire()
	}
	summary(all, sizes, conc, keys)
	if err := write(*out, all, *n, sizes, conc, keys); err != nil {
		log.Fatal(err)
	}
}

func ints(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// loadAverage is the 1-minute load average, from /proc/loadavg.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// label names a measurement in reports and the plot.
func (m measurement) label() string {
	switch m.name {
	case "postfix":
		return "Postfix relay"
	case "wire":
		return "wire ceiling (no relay)"
	}
	s := m.name + " (" + keyNames[m.key]
	if m.canon != "" && m.canon != "relaxed/relaxed" {
		s += " " + m.canon
	}
	return s + ")"
}

func report(m measurement) {
	cpu := ""
	if m.cpu > 0 {
		cpu = fmt.Sprintf(", CPU %4.0f µs/msg, disk %4.0f KB/msg", float64(m.cpu.Microseconds())/float64(m.n), float64(m.disk)/1024/float64(m.n))
	}
	if m.peers > 0 {
		cpu += fmt.Sprintf(", smtp-source+sink CPU %4.0f µs/msg", float64(m.peers.Microseconds())/float64(m.n))
	}
	fmt.Printf("%-26s %6d B, concurrency %3d: %5d messages in %6.2fs = %5.0f msg/s, peak PSS %6.1f MiB (anon %5.1f)%s, load %s\n",
		m.label(), m.size, m.concurrency, m.n, m.elapsed.Seconds(), m.rate(), float64(m.peak.pss)/(1<<20), float64(m.peak.anon)/(1<<20), cpu, m.load)
}

// ceiling is the wire ceiling at a size: the higher of its runs.
func ceiling(all []measurement, size int) float64 {
	var best float64
	for _, m := range all {
		if m.name == "wire" && m.size == size {
			best = max(best, m.rate())
		}
	}
	return best
}

func find(all []measurement, name, key string, size, conc int) (measurement, bool) {
	for _, m := range all {
		if m.name == name && m.size == size && m.concurrency == conc && (key == "" || m.key == key) {
			return m, true
		}
	}
	return measurement{}, false
}

// summary prints a table per size: each mxkit key against Postfix and the
// wire ceiling, with memory and the mta's CPU per message.
func summary(all []measurement, sizes, conc []int, keys []string) {
	for _, sz := range sizes {
		wire := ceiling(all, sz)
		fmt.Printf("\n%s messages; wire ceiling %.0f msg/s\n\n", sizeName(sz), wire)
		head := "| concurrency | Postfix msg/s |"
		rule := "|---:|---:|"
		for _, k := range keys {
			head += fmt.Sprintf(" mxkit %[1]s msg/s | ratio | of wire | CPU µs/msg |", keyNames[k])
			rule += "---:|---:|---:|---:|"
		}
		head += " Postfix peak (anon) |"
		rule += "---:|"
		for _, k := range keys {
			head += fmt.Sprintf(" mxkit %s peak (anon) |", keyNames[k])
			rule += "---:|"
		}
		fmt.Println(head)
		fmt.Println(rule)
		best := map[string]float64{}
		for _, c := range conc {
			p, okp := find(all, "postfix", "", sz, c)
			row := fmt.Sprintf("| %d | %s |", c, rateOf(p, okp))
			mem := fmt.Sprintf(" %s |", mib(p, okp))
			for _, k := range keys {
				x, ok := find(all, "mxkit", k, sz, c)
				ratio, share := "", ""
				if ok && okp {
					ratio = fmt.Sprintf("%.2f×", x.rate()/p.rate())
				}
				if ok && wire > 0 {
					share = fmt.Sprintf("%.0f%%", 100*x.rate()/wire)
				}
				cpu := ""
				if ok {
					cpu = fmt.Sprintf("%.0f", float64(x.cpu.Microseconds())/float64(x.n))
					best[k] = max(best[k], x.rate())
				}
				row += fmt.Sprintf(" %s | %s | %s | %s |", rateOf(x, ok), ratio, share, cpu)
				mem += fmt.Sprintf(" %s |", mib(x, ok))
			}
			fmt.Println(row + mem)
		}
		if wire > 0 {
			for _, k := range keys {
				fmt.Printf("mxkit %s best: %.0f msg/s, %.0f%% of the wire ceiling\n", keyNames[k], best[k], 100*best[k]/wire)
			}
		}
	}
}

func rateOf(m measurement, ok bool) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf("%.0f", m.rate())
}

func mib(m measurement, ok bool) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf("%.0f (%.0f) MiB", float64(m.peak.pss)/(1<<20), float64(m.peak.anon)/(1<<20))
}

func sizeName(size int) string {
	if size%1024 == 0 {
		return fmt.Sprintf("%d KB", size/1024)
	}
	return fmt.Sprintf("%d B", size)
}

// write stores the run as results/pipeline.json: a group (a panel of the
// plot) per size, a series per contender, the wire ceiling as a level
// line at each concurrency.
func write(dir string, all []measurement, n int, sizes, conc []int, keys []string) error {
	f := results.File{Benchmark: "pipeline", Notes: fmt.Sprintf("%d messages of each size, smtp-source -s 20 injecting, delivery into smtp-sink; mail logs on; wire ceiling: smtp-source straight into smtp-sink", n)}
	for _, sz := range sizes {
		group := sizeName(sz)
		add := func(name string, pts []results.Point) {
			if len(pts) > 0 {
				f.Series = append(f.Series, results.Series{Name: name, Group: group, Unit: "messages/s", Points: pts})
			}
		}
		var pf []results.Point
		for _, c := range conc {
			if m, ok := find(all, "postfix", "", sz, c); ok {
				pf = append(pf, results.Point{Concurrency: c, PerSecond: m.rate()})
			}
		}
		add("Postfix relay", pf)
		for _, k := range keys {
			var pts []results.Point
			name := ""
			for _, c := range conc {
				if m, ok := find(all, "mxkit", k, sz, c); ok {
					pts = append(pts, results.Point{Concurrency: c, PerSecond: m.rate()})
					name = "mxkit mta, DKIM " + keyNames[k]
				}
			}
			add(name, pts)
		}
		if w := ceiling(all, sz); w > 0 {
			var pts []results.Point
			for _, c := range conc {
				pts = append(pts, results.Point{Concurrency: c, PerSecond: w})
			}
			add("wire ceiling (smtp-source into smtp-sink)", pts)
		}
	}
	return results.Write(dir, f)
}

// runWire measures the wire ceiling: n messages of size bytes from
// smtp-source over 20 sessions straight into an smtp-sink.
func runWire(n, size int) (measurement, error) {
	port := freePort()
	sink, err := startSink(port, "")
	if err != nil {
		return measurement{}, err
	}
	defer func() { sink.Process.Kill(); sink.Wait() }()
	load := loadAverage()
	sink0 := cpuTime(sink.Process.Pid)
	start := time.Now()
	src, err := inject(fmt.Sprintf("127.0.0.1:%d", port), n, size, 20)
	if err != nil {
		return measurement{}, err
	}
	return measurement{name: "wire", size: size, concurrency: 20, elapsed: time.Since(start), n: n, peak: treeRSS(sink.Process.Pid),
		peers: src + cpuTime(sink.Process.Pid) - sink0, load: load}, nil
}

func runPostfix(dir string, n, size, conc int, dump bool) (measurement, error) {
	sinkPort, smtpdPort := freePort(), freePort()
	dumpPath := ""
	if dump {
		dumpPath = dumpFile("postfix")
		defer os.Remove(dumpPath)
	}
	sink, err := startSink(sinkPort, dumpPath)
	if err != nil {
		return measurement{}, err
	}
	defer func() { sink.Process.Kill(); sink.Wait() }()
	pf, err := startPostfix(dir, smtpdPort, sinkPort, conc)
	if err != nil {
		return measurement{}, err
	}
	defer pf.stop()
	peak := samplePeak(pf.rss)
	load := loadAverage()
	start := time.Now()
	if _, err := inject(fmt.Sprintf("127.0.0.1:%d", smtpdPort), n, size, 20); err != nil {
		return measurement{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := pf.waitEmpty(ctx); err != nil {
		return measurement{}, err
	}
	elapsed := time.Since(start)
	if signed := countSigned(dumpPath); dump && signed != 0 {
		return measurement{}, fmt.Errorf("postfix: %d DKIM signatures at the sink, want none", signed)
	}
	if sent := pf.sent(); sent != n {
		return measurement{}, fmt.Errorf("postfix logged %d messages sent, want %d (see %s/maillog)", sent, n, dir)
	}
	return measurement{name: "postfix", size: size, concurrency: conc, elapsed: elapsed, n: n, peak: peak.Stop(), load: load}, nil
}
