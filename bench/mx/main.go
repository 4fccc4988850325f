// Command mx compares route lookups of mxkit's mx.Router with the Go
// standard library's resolver (net.Resolver: LookupMX, then LookupNetIP
// for each host), both asking the same resolvertest DNS server on
// loopback. The library's numbers come with its resolver cache on (the
// steady state of a sending MTA) and off (every query on the wire, like
// net.Resolver, which has no cache). MTA-STS and DANE are off so that all
// do the same DNS work: MX, then A and AAAA for each of two hosts.
//
//	go run ./mx -duration 2s -conc 1,4,16
//
// It prints lookups per second and writes results/mx.json for bench/plot.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mxkit/mxkit/bench/internal/results"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const zone = `
bench.example.      MX 10 mx1.bench.example.
bench.example.      MX 20 mx2.bench.example.
mx1.bench.example.  A    192.0.2.1
mx1.bench.example.  AAAA 2001:db8::1
mx2.bench.example.  A    192.0.2.2
mx2.bench.example.  AAAA 2001:db8::2
`

func main() {
	dur := flag.Duration("duration", 2*time.Second, "time per implementation and concurrency")
	concList := flag.String("conc", "1,4,16", "concurrency levels")
	out := flag.String("out", "results", "folder for mx.json")
	flag.Parse()
	var concs []int
	for _, s := range strings.Split(*concList, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			log.Fatalf("bad -conc %q", *concList)
		}
		concs = append(concs, n)
	}

	srv, err := resolvertest.Start(zone)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()

	cached := &mx.Router{Resolver: srv.Client(), DisableMTASTS: true, DisableDANE: true}
	uc := srv.Client()
	uc.CacheSize = -1
	uncached := &mx.Router{Resolver: uc, DisableMTASTS: true, DisableDANE: true}
	std := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	}}

	router := func(r *mx.Router) func() error {
		return func() error {
			route, err := r.Lookup(ctx, "bench.example")
			if err == nil && (len(route.Hosts) != 2 || len(route.Hosts[0].Addrs) != 2) {
				err = fmt.Errorf("unexpected route %+v", route)
			}
			return err
		}
	}
	impls := []struct {
		name string
		run  func() error
	}{
		{"mxkit mx.Router (resolver cache on)", router(cached)},
		{"mxkit mx.Router (resolver cache off)", router(uncached)},
		{"Go net.Resolver (no cache)", func() error {
			mxs, err := std.LookupMX(ctx, "bench.example.")
			if err != nil {
				return err
			}
			if len(mxs) != 2 {
				return fmt.Errorf("%d MX records", len(mxs))
			}
			for _, m := range mxs {
				addrs, err := std.LookupNetIP(ctx, "ip", m.Host)
				if err != nil {
					return err
				}
				if len(addrs) != 2 {
					return fmt.Errorf("%s: %d addresses", m.Host, len(addrs))
				}
			}
			return nil
		}},
	}

	file := results.File{Benchmark: "mx", Notes: "route lookups/s against resolvertest on loopback; 2 MX hosts with A+AAAA each; MTA-STS and DANE off"}
	rates := map[string][]float64{}
	for _, impl := range impls {
		s := results.Series{Name: impl.name, Unit: "lookups/s"}
		for _, c := range concs {
			rate, err := measure(impl.run, c, *dur)
			if err != nil {
				log.Fatalf("%s: %v", impl.name, err)
			}
			s.Points = append(s.Points, results.Point{Concurrency: c, PerSecond: rate})
			rates[impl.name] = append(rates[impl.name], rate)
		}
		file.Series = append(file.Series, s)
	}

	fmt.Printf("%-40s", "lookups/s at concurrency")
	for _, c := range concs {
		fmt.Printf("%12d", c)
	}
	fmt.Println()
	for _, impl := range impls {
		fmt.Printf("%-40s", impl.name)
		for _, r := range rates[impl.name] {
			fmt.Printf("%12.0f", r)
		}
		fmt.Println()
	}
	peer := rates[impls[2].name]
	for _, impl := range impls[:2] {
		fmt.Printf("%-40s", "ratio "+strings.TrimPrefix(impl.name, "mxkit mx.Router ")+" / net.Resolver")
		for i, r := range rates[impl.name] {
			fmt.Printf("%11.1fx", r/peer[i])
		}
		fmt.Println()
	}
	if err := results.Write(*out, file); err != nil {
		log.Fatal(err)
	}
}

// measure runs f from conc goroutines for d and returns calls per second.
func measure(f func() error, conc int, d time.Duration) (float64, error) {
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for time.Now().Before(stop) {
				if err := f(); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds(), firstErr
}
