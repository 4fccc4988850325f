// Command dmarc compares mxkit's dmarc package with
// github.com/emersion/go-msgauth/dmarc, the Go library that parses and looks
// up DMARC records, in one run on the same records and the same resolver.
//
//	cd bench && go run ./dmarc [-benchtime 1s]
//
// parse: one record with tags both understand.
// lookup: go-msgauth's LookupWithOptions (the _dmarc TXT query and parse,
// nothing more) against mxkit's Evaluate for the same domain with an
// identical SPF identifier (discovery, parse, alignment, policy, reasons).
// Both ask the same warm resolver.Client, so the DNS cost is a cache hit.
// go-msgauth does no organizational-domain fallback, alignment or policy
// selection: the comparison shows what mxkit's extra work costs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"testing"
	"time"

	msgauth "github.com/emersion/go-msgauth/dmarc"
	"github.com/mxkit/mxkit/dmarc"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const record = "v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=100; rua=mailto:a@example.com,mailto:b@example.net; ruf=mailto:f@example.com; fo=1; ri=86400; rf=afrf"

func main() {
	benchtime := flag.Duration("benchtime", time.Second, "time per benchmark")
	flag.Parse()
	testing.Init()
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		log.Fatal(err)
	}

	srv, err := resolvertest.Start(`_dmarc.example.com. TXT "` + record + `"`)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client()
	client.Timeout = 5 * time.Second
	ctx := context.Background()
	lookupTXT := func(name string) ([]string, error) {
		txts, _, err := client.LookupTXT(ctx, name)
		return txts, err
	}
	if _, err := msgauth.LookupWithOptions("example.com", &msgauth.LookupOptions{LookupTXT: lookupTXT}); err != nil {
		log.Fatal("go-msgauth lookup: ", err)
	}
	ev := &dmarc.Evaluator{Resolver: client}
	in := dmarc.Input{FromDomain: "example.com", SPF: dmarc.SPFInput{Result: "pass", Domain: "example.com"}}
	if res, err := ev.Evaluate(ctx, in); err != nil || res.Status != dmarc.StatusPass {
		log.Fatal("mxkit evaluate: ", res.Status, err)
	}

	type pair struct {
		name         string
		ours, theirs func(b *testing.B)
	}
	pairs := []pair{
		{"parse",
			func(b *testing.B) {
				for b.Loop() {
					if _, err := dmarc.Parse(record); err != nil {
						b.Fatal(err)
					}
				}
			},
			func(b *testing.B) {
				for b.Loop() {
					if _, err := msgauth.Parse(record); err != nil {
						b.Fatal(err)
					}
				}
			}},
		{"lookup (warm cache)",
			func(b *testing.B) {
				for b.Loop() {
					if _, err := ev.Evaluate(ctx, in); err != nil {
						b.Fatal(err)
					}
				}
			},
			func(b *testing.B) {
				opts := &msgauth.LookupOptions{LookupTXT: lookupTXT}
				for b.Loop() {
					if _, err := msgauth.LookupWithOptions("example.com", opts); err != nil {
						b.Fatal(err)
					}
				}
			}},
	}
	fmt.Printf("%-22s %-16s %12s %10s %10s\n", "benchmark", "implementation", "ns/op", "B/op", "allocs/op")
	for _, p := range pairs {
		o := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); p.ours(b) })
		t := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); p.theirs(b) })
		fmt.Printf("%-22s %-16s %12d %10d %10d\n", p.name, "mxkit", o.NsPerOp(), o.AllocedBytesPerOp(), o.AllocsPerOp())
		fmt.Printf("%-22s %-16s %12d %10d %10d\n", p.name, "go-msgauth", t.NsPerOp(), t.AllocedBytesPerOp(), t.AllocsPerOp())
		fmt.Printf("%-22s time ratio mxkit/go-msgauth = %.2f\n\n", p.name, float64(o.NsPerOp())/float64(t.NsPerOp()))
	}
}
