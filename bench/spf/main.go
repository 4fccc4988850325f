// Command spf compares mxkit's spf package with blitiri.com.ar/go/spf on the
// same records served by the same resolvertest DNS server, in one run.
//
//	cd bench && go run ./spf [-benchtime 2s]
//
// Cold: no cache on either side; every evaluation asks the server over
// loopback UDP (mxkit through a resolver.Client with CacheSize -1, blitiri
// through net.Resolver{PreferGo: true} dialing the server).
// Warm: every answer is cached; mxkit through a warm resolver.Client,
// blitiri through an adapter that returns its own net types from a
// memo filled once from the same resolver.Client, so the adapter adds no
// allocations to blitiri's count.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	blitiri "blitiri.com.ar/go/spf"
	"github.com/mxkit/mxkit/bench/internal/results"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/spf"
)

// zone: a realistic policy with ip4 and ip6 ranges, mx and three includes
// (one with an a: term). The client address matches in the third include,
// so the whole record is evaluated.
const zone = `
example.com.        TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 mx include:_spf1.example.net include:_spf2.example.org include:_spf3.example.info ~all"
example.com.        MX 10 mx1.example.com.
example.com.        MX 20 mx2.example.com.
mx1.example.com.    A 198.51.100.1
mx2.example.com.    A 198.51.100.2
_spf1.example.net.  TXT "v=spf1 ip4:203.0.113.0/26 ip4:203.0.113.128/26 ip6:2001:db8:1::/48 ~all"
_spf2.example.org.  TXT "v=spf1 ip4:100.64.0.0/16 ip4:100.65.0.0/16 a:relay.example.org -all"
relay.example.org.  A 100.66.0.1
_spf3.example.info. TXT "v=spf1 ip4:172.16.0.0/12 ip6:2001:db8:3::/48 -all"
`

const (
	helo   = "mail.example.com"
	sender = "alice@example.com"
)

var benchIP = netip.MustParseAddr("172.16.5.5")

func main() {
	benchtime := flag.Duration("benchtime", time.Second, "time per benchmark")
	out := flag.String("out", "results", "folder for the results file (bench/plot)")
	flag.Parse()
	testing.Init()
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		log.Fatal(err)
	}

	srv, err := resolvertest.Start(zone)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	warmClient := srv.Client()
	warmClient.Timeout = 2 * time.Second
	coldClient := srv.Client()
	coldClient.CacheSize = -1
	coldClient.Timeout = 2 * time.Second

	ours := map[string]*spf.Checker{
		"warm": {Resolver: warmClient},
		"cold": {Resolver: coldClient},
	}
	netRes := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	}}
	theirs := map[string]blitiri.DNSResolver{
		"warm": &memo{c: warmClient},
		"cold": netRes,
	}

	// Both must agree before their speed means anything.
	ctx := context.Background()
	for _, ipText := range []string{"172.16.5.5", "192.0.2.9", "198.51.100.2", "203.0.113.140", "100.66.0.1", "2001:db8:3::1", "10.1.1.1"} {
		ip := netip.MustParseAddr(ipText)
		for _, mode := range []string{"cold", "warm"} {
			a := ours[mode].Check(ctx, spf.Args{IP: ip, Helo: helo, MailFrom: sender})
			b, berr := blitiri.CheckHostWithSender(net.IP(ip.AsSlice()), helo, sender, blitiri.WithResolver(theirs[mode]), blitiri.WithContext(ctx))
			if a.Status.String() != string(b) {
				log.Fatalf("%s %s: mxkit %s (%v), blitiri %s (%v)", mode, ip, a.Status, a.Err, b, berr)
			}
		}
	}

	type row struct {
		name string
		r    testing.BenchmarkResult
	}
	var rows []row
	run := func(name string, f func() bool) testing.BenchmarkResult {
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !f() {
					b.Fatal("unexpected result")
				}
			}
		})
		rows = append(rows, row{name, r})
		return r
	}
	ipSlice := net.IP(benchIP.AsSlice())
	res := map[string][2]testing.BenchmarkResult{}
	for _, mode := range []string{"warm", "cold"} {
		c, r := ours[mode], theirs[mode]
		a := run("mxkit/"+mode, func() bool {
			return c.Check(ctx, spf.Args{IP: benchIP, Helo: helo, MailFrom: sender}).Status == spf.Pass
		})
		b := run("blitiri/"+mode, func() bool {
			st, _ := blitiri.CheckHostWithSender(ipSlice, helo, sender, blitiri.WithResolver(r), blitiri.WithContext(ctx))
			return st == blitiri.Pass
		})
		res[mode] = [2]testing.BenchmarkResult{a, b}
	}

	fmt.Printf("%-16s %12s %10s %10s\n", "", "ns/op", "B/op", "allocs/op")
	for _, r := range rows {
		fmt.Printf("%-16s %12d %10d %10d\n", r.name, r.r.NsPerOp(), r.r.AllocedBytesPerOp(), r.r.AllocsPerOp())
	}
	for _, mode := range []string{"warm", "cold"} {
		a, b := res[mode][0], res[mode][1]
		fmt.Printf("%s: blitiri/mxkit time %.2fx, allocs %d vs %d\n", mode,
			float64(b.NsPerOp())/float64(max(a.NsPerOp(), 1)), a.AllocsPerOp(), b.AllocsPerOp())
	}
	// Throughput against concurrency, warm cache, for bench/plot.
	file := results.File{Benchmark: "spf", Notes: "warm-cache check_host() of a record with three includes, ip4/ip6 and mx"}
	for _, impl := range []struct {
		name string
		f    func() bool
	}{
		{"mxkit spf", func() bool {
			return ours["warm"].Check(ctx, spf.Args{IP: benchIP, Helo: helo, MailFrom: sender}).Status == spf.Pass
		}},
		{"blitiri.com.ar/go/spf", func() bool {
			st, _ := blitiri.CheckHostWithSender(ipSlice, helo, sender, blitiri.WithResolver(theirs["warm"]), blitiri.WithContext(ctx))
			return st == blitiri.Pass
		}},
	} {
		series := results.Series{Name: impl.name, Unit: "evaluations/s"}
		for _, c := range []int{1, 2, 4, 8} {
			rate, err := results.Sweep(c, *benchtime, func() error {
				if !impl.f() {
					return errors.New("unexpected result")
				}
				return nil
			})
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%-22s concurrency %d: %10.0f evaluations/s\n", impl.name, c, rate)
			series.Points = append(series.Points, results.Point{Concurrency: c, PerSecond: rate})
		}
		file.Series = append(file.Series, series)
	}
	if err := results.Write(*out, file); err != nil {
		log.Fatal(err)
	}
	os.Exit(0)
}

// memo is blitiri's DNSResolver over mxkit's resolver.Client, with the
// answers converted to net types once and kept, so that in the warm
// benchmark blitiri pays for its own work only.
type memo struct {
	c  *resolver.Client
	mu sync.Mutex
	m  map[memoKey]any
}

type memoKey struct{ typ, name string }

type memoEntry[T any] struct {
	v   T
	err error
}

func lookup[T any](r *memo, key memoKey, f func() (T, error)) (T, error) {
	r.mu.Lock()
	if r.m == nil {
		r.m = map[memoKey]any{}
	}
	e, ok := r.m[key].(memoEntry[T])
	r.mu.Unlock()
	if ok {
		return e.v, e.err
	}
	v, err := f()
	r.mu.Lock()
	r.m[key] = memoEntry[T]{v, err}
	r.mu.Unlock()
	return v, err
}

// netErr gives blitiri the *net.DNSError it tests for not-found and
// temporary failures.
func netErr(name string, err error) error {
	if err == nil {
		return nil
	}
	return &net.DNSError{Err: err.Error(), Name: name, IsNotFound: resolver.IsNotFound(err),
		IsTemporary: resolver.IsTemporary(err), IsTimeout: errors.Is(err, resolver.ErrTimeout)}
}

func (r *memo) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return lookup(r, memoKey{"TXT", name}, func() ([]string, error) {
		v, _, err := r.c.LookupTXT(ctx, name)
		return v, netErr(name, err)
	})
}

func (r *memo) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return lookup(r, memoKey{"MX", name}, func() ([]*net.MX, error) {
		mxs, _, err := r.c.LookupMX(ctx, name)
		var out []*net.MX
		for _, mx := range mxs {
			out = append(out, &net.MX{Host: mx.Host + ".", Pref: mx.Pref})
		}
		return out, netErr(name, err)
	})
}

func (r *memo) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	return lookup(r, memoKey{"IP", host}, func() ([]net.IPAddr, error) {
		ips, _, err := r.c.LookupIP(ctx, "ip", host)
		var out []net.IPAddr
		for _, ip := range ips {
			out = append(out, net.IPAddr{IP: ip.AsSlice()})
		}
		return out, netErr(host, err)
	})
}

func (r *memo) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return lookup(r, memoKey{"PTR", addr}, func() ([]string, error) {
		ip, err := netip.ParseAddr(addr)
		if err != nil {
			return nil, err
		}
		names, _, err := r.c.LookupAddr(ctx, ip)
		return names, netErr(addr, err)
	})
}
