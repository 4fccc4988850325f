// Command pipeline measures the whole outbound path, mxkit against Postfix,
// on the same machine in the same run (issue 9's comparison):
//
//   - Postfix from Debian's package, as an outbound relay: smtpd on a
//     loopback port, queue on disk as shipped, relayhost = an smtp-sink.
//   - mxkit's examples/mta: SMTP submission from trusted loopback, durable
//     embedded queue, DKIM signing (Postfix does none), pooled delivery to
//     the same kind of sink.
//
// Both get N messages of SIZE bytes injected by Postfix's smtp-source over
// 20 sessions; the clock runs from the first injection until the last
// message has left the queue. Peak memory is the resident set of the
// server's process tree, sampled every 20ms. Run as root (Postfix drops
// privileges to its postfix user):
//
//	cd bench && GOWORK=off go run ./pipeline -n 5000
//
// With -reputation it compares examples/mta with its reputation section
// (suppression, shaping, rates) on and off instead (reputation.go).
//
// Results go to results/pipeline.json for bench/plot.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bench/internal/results"
)

type measurement struct {
	name        string
	canon       string // mxkit's DKIM canonicalization
	concurrency int
	elapsed     time.Duration
	n           int
	peakRSS     int64
	cpu         time.Duration // the server's CPU time over the run (mxkit only)
}

func (m measurement) rate() float64 { return float64(m.n) / m.elapsed.Seconds() }

func main() {
	n := flag.Int("n", 3000, "messages per run")
	size := flag.Int("size", 10240, "message size in bytes")
	levels := flag.String("concurrency", "2,5,10,20", "delivery concurrency levels (Postfix destination concurrency, mxkit connections per host)")
	work := flag.String("work", "", "work directory (default: a temporary one)")
	root := flag.String("root", "..", "the mxkit repository (to build examples/mta)")
	out := flag.String("out", "results", "results folder")
	skipPostfix := flag.Bool("skip-postfix", false, "measure only mxkit")
	canon := flag.String("canon", "relaxed/relaxed", "mxkit's DKIM canonicalization (header/body); relaxed/simple is what Amazon SES uses")
	reputation := flag.Bool("reputation", false, "compare examples/mta with its reputation section (suppression, shaping, rates) on and off, instead of against Postfix")
	rounds := flag.Int("rounds", 3, "with -reputation: pairs of runs per concurrency level")
	entries := flag.Int("suppressed", 100000, "with -reputation: suppression entries in the list")
	parts := flag.String("parts", "", "with -reputation: the parts turned on, among suppression,shaping,rates (default all)")
	warmup := flag.Int("warmup", 2000, "with -reputation: messages each mta delivers before the clock starts")
	flag.Parse()

	dir := *work
	if dir == "" {
		var err error
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
	var conc []int
	for _, f := range strings.Split(*levels, ",") {
		var c int
		fmt.Sscan(f, &c)
		conc = append(conc, c)
	}

	if *reputation {
		// The check run with reputation on: every message arrives signed.
		path, err := suppressionStore(filepath.Join(dir, "on-check"), *entries)
		if err == nil {
			_, err = runMxkit(mta, filepath.Join(dir, "on-check"), 200, *size, 5, *canon, true, reputationSection(path, *parts), runOpts{})
		}
		if err != nil {
			log.Fatalf("mxkit check run with reputation on: %v", err)
		}
		if err := compareReputation(mta, dir, *n, *size, conc, *rounds, *entries, *canon, *parts, runOpts{warmup: *warmup}); err != nil {
			log.Fatal(err)
		}
		return
	}

	// A short run of each with the sinks keeping what they receive: every
	// message mxkit delivers arrives DKIM-signed, none of Postfix's does.
	// The timed runs below keep nothing at the sink.
	if !*skipPostfix {
		if _, err := runPostfix(filepath.Join(dir, "postfix-check"), 200, *size, 5, true); err != nil {
			log.Fatalf("postfix check run: %v", err)
		}
	}
	if _, err := runMxkit(mta, filepath.Join(dir, "mxkit-check"), 200, *size, 5, *canon, true, nil, runOpts{}); err != nil {
		log.Fatalf("mxkit check run: %v", err)
	}
	fmt.Println("check runs: 200 of 200 mxkit messages arrived DKIM-signed, 0 of 200 Postfix messages")

	var all []measurement
	for _, c := range conc {
		if !*skipPostfix {
			m, err := runPostfix(filepath.Join(dir, fmt.Sprintf("postfix-%d", c)), *n, *size, c, false)
			if err != nil {
				log.Fatalf("postfix: %v", err)
			}
			report(m)
			all = append(all, m)
		}
		m, err := runMxkit(mta, filepath.Join(dir, fmt.Sprintf("mxkit-%d", c)), *n, *size, c, *canon, false, nil, runOpts{})
		if err != nil {
			log.Fatalf("mxkit: %v", err)
		}
		report(m)
		all = append(all, m)
	}
	summary(all)
	if err := write(*out, all, *n, *size); err != nil {
		log.Fatal(err)
	}
}

func report(m measurement) {
	name := m.name
	if m.canon != "" {
		name += " (DKIM " + m.canon + ")"
	}
	fmt.Printf("%-32s concurrency %3d: %5d messages in %7.2fs = %7.0f msg/s, peak PSS %6.1f MiB\n",
		name, m.concurrency, m.n, m.elapsed.Seconds(), m.rate(), float64(m.peakRSS)/(1<<20))
}

func summary(all []measurement) {
	best := map[string]measurement{}
	for _, m := range all {
		if b, ok := best[m.name]; !ok || m.rate() > b.rate() {
			best[m.name] = m
		}
	}
	p, okp := best["postfix"]
	x, okx := best["mxkit"]
	if okp && okx {
		fmt.Printf("\nbest: mxkit %.0f msg/s (concurrency %d, peak PSS %.1f MiB) vs Postfix %.0f msg/s (concurrency %d, peak PSS %.1f MiB): ratio %.2fx\n",
			x.rate(), x.concurrency, float64(x.peakRSS)/(1<<20), p.rate(), p.concurrency, float64(p.peakRSS)/(1<<20), x.rate()/p.rate())
		for _, m := range all {
			if m.name != "mxkit" {
				continue
			}
			for _, q := range all {
				if q.name == "postfix" && q.concurrency == m.concurrency {
					fmt.Printf("concurrency %d: ratio %.2fx\n", m.concurrency, m.rate()/q.rate())
				}
			}
		}
	}
}

func write(dir string, all []measurement, n, size int) error {
	series := map[string]*results.Series{}
	var order []string
	for _, m := range all {
		name := m.name
		if name == "mxkit" {
			name = "mxkit mta (DKIM " + m.canon + ")"
		} else {
			name = "Postfix relay"
		}
		s, ok := series[name]
		if !ok {
			s = &results.Series{Name: name, Unit: "messages/s"}
			series[name] = s
			order = append(order, name)
		}
		s.Points = append(s.Points, results.Point{Concurrency: m.concurrency, PerSecond: m.rate()})
	}
	f := results.File{Benchmark: "pipeline", Notes: fmt.Sprintf("%d messages of %d bytes, smtp-source -s 20 injecting, delivery into smtp-sink", n, size)}
	for _, name := range order {
		f.Series = append(f.Series, *series[name])
	}
	return results.Write(dir, f)
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
	start := time.Now()
	if err := inject(fmt.Sprintf("127.0.0.1:%d", smtpdPort), n, size, 20); err != nil {
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
	return measurement{name: "postfix", concurrency: conc, elapsed: elapsed, n: n, peakRSS: peak.Stop()}, nil
}
