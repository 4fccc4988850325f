// Command dkim compares mxkit/dkim with calling go-msgauth/dkim directly,
// in the same run: signing (signature header only, and the whole signed
// message) and verifying 10 KB and 1 MB messages with RSA-2048 and Ed25519.
//
// The two sides of each pair run in alternating short batches so that load
// from other processes hits both alike. It prints msgs/s and MB/s (median
// batch, wall clock, one goroutine), the CPU time per message (median
// batch) and mxkit's overhead in percent of CPU time (median and quartiles
// of the per-round ratios, which show how much the machine's load blurs
// it).
//
//	cd bench && go run ./dkim [-budget 3s] [-batch 2ms]
package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	"unsafe"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"github.com/mxkit/mxkit/bench/internal/results"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func main() {
	budget := flag.Duration("budget", 3*time.Second, "time spent on each pair")
	batch := flag.Duration("batch", 2*time.Millisecond, "length of one batch")
	out := flag.String("out", "results", "folder for the results file (bench/plot)")
	only := flag.String("op", "", "run only the operations whose name contains this (\"verify\", \"sign\"); no results file")
	sizeList := flag.String("sizes", "10240,1048576", "message sizes in octets for the table")
	flag.Parse()
	var sizes []int
	for _, f := range strings.Split(*sizeList, ",") {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1024 {
			log.Fatalf("-sizes: %q is not a size of at least 1024", f)
		}
		sizes = append(sizes, n)
	}

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	keys := []struct {
		name, sel string
		key       crypto.Signer
	}{{"rsa2048", "rsa", rsaKey}, {"ed25519", "ed", edKey}}

	var zone strings.Builder
	for _, k := range keys {
		txt, err := dkim.TXTRecord(k.key.Public())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(&zone, "%s._domainkey.football.example.com. TXT \"%s\"\n", k.sel, strings.Join(txt, "\" \""))
	}
	srv, err := resolvertest.Start(zone.String())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client() // caching: both sides ask it
	lookup := func(name string) ([]string, error) {
		txts, _, err := client.LookupTXT(context.Background(), name)
		return txts, err
	}
	verifier := &dkim.Verifier{Resolver: client}
	ctx := context.Background()

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tsize\tkey\tmxkit msgs/s\tmxkit MB/s\tgo-msgauth msgs/s\tgo-msgauth MB/s\tmxkit CPU/msg\tgo-msgauth CPU/msg\toverhead (CPU)\tquartiles\t")
	for _, size := range sizes {
		msg := message(size)
		for _, k := range keys {
			signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{{Domain: "football.example.com", Selector: k.sel, Signer: k.key}}})
			if err != nil {
				log.Fatal(err)
			}
			// go-msgauth signs the same h= list as mxkit.
			sig, err := signer.Sign(ctx, bytes.NewReader(msg))
			if err != nil {
				log.Fatal(err)
			}
			opts := &msgdkim.SignOptions{
				Domain: "football.example.com", Selector: k.sel, Signer: k.key,
				HeaderCanonicalization: msgdkim.CanonicalizationRelaxed, BodyCanonicalization: msgdkim.CanonicalizationRelaxed,
				HeaderKeys: headerKeys(sig),
			}
			var signed bytes.Buffer
			if err := signer.SignTo(ctx, &signed, bytes.NewReader(msg)); err != nil {
				log.Fatal(err)
			}
			sm := signed.Bytes()

			pairs := []struct {
				op         string
				mxkit, ref func() error
			}{
				{"sign (header out)",
					func() error { _, err := signer.Sign(ctx, bytes.NewReader(msg)); return err },
					func() error {
						s, err := msgdkim.NewSigner(opts)
						if err != nil {
							return err
						}
						if _, err := io.Copy(s, bytes.NewReader(msg)); err != nil {
							return err
						}
						if err := s.Close(); err != nil {
							return err
						}
						_ = s.Signature()
						return nil
					}},
				{"sign (message out)",
					func() error { return signer.SignTo(ctx, io.Discard, bytes.NewReader(msg)) },
					func() error { return msgdkim.Sign(io.Discard, bytes.NewReader(msg), opts) }},
				{"verify",
					func() error {
						res, err := verifier.Verify(ctx, bytes.NewReader(sm))
						if err == nil && (len(res) != 1 || res[0].Status != dkim.Pass) {
							err = fmt.Errorf("verify: %+v", res)
						}
						return err
					},
					func() error {
						vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(sm), &msgdkim.VerifyOptions{LookupTXT: lookup})
						if err == nil && (len(vs) != 1 || vs[0].Err != nil) {
							err = fmt.Errorf("verify: %+v", vs[0])
						}
						return err
					}},
			}
			for _, p := range pairs {
				if !strings.Contains(p.op, *only) {
					continue
				}
				a, b, overhead, err := compare(p.mxkit, p.ref, *budget, *batch)
				if err != nil {
					log.Fatalf("%s %d %s: %v", p.op, size, k.name, err)
				}
				mb := float64(len(msg)) / (1 << 20)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.1f\t%.0f\t%.1f\t%v\t%v\t%+.1f%%\t[%+.1f%%, %+.1f%%]\t\n",
					p.op, sizeName(size), k.name, 1/a.wall.Seconds(), mb/a.wall.Seconds(), 1/b.wall.Seconds(), mb/b.wall.Seconds(),
					a.cpu.Round(time.Microsecond), b.cpu.Round(time.Microsecond), overhead[1]*100, overhead[0]*100, overhead[2]*100)
			}
		}
	}
	tw.Flush()
	if *only != "" {
		return
	}

	// Throughput against concurrency for bench/plot: 10 KB messages signed
	// with Ed25519 (signature header out), from 1, 2 and 4 goroutines.
	msg := message(10 << 10)
	signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{{Domain: "football.example.com", Selector: "ed", Signer: edKey}}})
	if err != nil {
		log.Fatal(err)
	}
	sig, err := signer.Sign(ctx, bytes.NewReader(msg))
	if err != nil {
		log.Fatal(err)
	}
	opts := &msgdkim.SignOptions{
		Domain: "football.example.com", Selector: "ed", Signer: edKey,
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed, BodyCanonicalization: msgdkim.CanonicalizationRelaxed,
		HeaderKeys: headerKeys(sig),
	}
	file := results.File{Benchmark: "dkim", Notes: "10 KB messages signed with Ed25519, relaxed/relaxed, signature header out"}
	for _, impl := range []struct {
		name string
		f    func() error
	}{
		{"mxkit dkim.Signer", func() error { _, err := signer.Sign(ctx, bytes.NewReader(msg)); return err }},
		{"go-msgauth dkim.Signer", func() error {
			s, err := msgdkim.NewSigner(opts)
			if err != nil {
				return err
			}
			if _, err := io.Copy(s, bytes.NewReader(msg)); err != nil {
				return err
			}
			return s.Close()
		}},
	} {
		series := results.Series{Name: impl.name, Unit: "messages/s"}
		for _, c := range []int{1, 2, 4} {
			rate, err := results.Sweep(c, *budget/2, impl.f)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%-24s concurrency %d: %8.0f messages/s\n", impl.name, c, rate)
			series.Points = append(series.Points, results.Point{Concurrency: c, PerSecond: rate})
		}
		file.Series = append(file.Series, series)
	}
	if err := results.Write(*out, file); err != nil {
		log.Fatal(err)
	}
}

// measure is what one side of a pair took per operation.
type measure struct {
	wall time.Duration // median batch, wall clock
	cpu  time.Duration // median batch, process CPU time (user+system)
}

// compare runs a and b in alternating short batches for about budget.
// Wall-clock time on a shared machine swings with other processes' load,
// so the overhead is taken from process CPU time (which does not count
// time spent waiting for a CPU): the median over rounds of the ratio of
// the two sides' batches in that round, with its quartiles. Garbage
// collection is not forced: its cost falls on the side whose allocations
// cause it, which is part of the comparison.
func compare(a, b func() error, budget, batch time.Duration) (measure, measure, [3]float64, error) {
	// Warm up and size a batch.
	n := 1
	for {
		start := time.Now()
		for i := 0; i < n; i++ {
			if err := a(); err != nil {
				return measure{}, measure{}, [3]float64{}, err
			}
			if err := b(); err != nil {
				return measure{}, measure{}, [3]float64{}, err
			}
		}
		if d := time.Since(start); d > batch || n > 1<<20 {
			n = max(1, int(float64(n)*float64(batch)/float64(d)*2))
			break
		}
		n *= 2
	}
	var wa, wb, ca, cb, ratios []time.Duration
	deadline := time.Now().Add(budget)
	for r := 0; r < 21 || time.Now().Before(deadline); r++ {
		sides := []struct {
			f         func() error
			wall, cpu *[]time.Duration
		}{{a, &wa, &ca}, {b, &wb, &cb}}
		if r%2 == 1 { // alternate which side goes first
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, side := range sides {
			c0 := cpuTime()
			start := time.Now()
			for i := 0; i < n; i++ {
				if err := side.f(); err != nil {
					return measure{}, measure{}, [3]float64{}, err
				}
			}
			*side.wall = append(*side.wall, time.Since(start)/time.Duration(n))
			*side.cpu = append(*side.cpu, (cpuTime()-c0)/time.Duration(n))
		}
		// The ratio of this round's pair, in millionths.
		ratios = append(ratios, time.Duration(float64(ca[r])/float64(cb[r])*1e6))
	}
	sort.Slice(ratios, func(i, j int) bool { return ratios[i] < ratios[j] })
	q := func(f float64) float64 { return float64(ratios[int(f*float64(len(ratios)-1))])/1e6 - 1 }
	return measure{median(wa), median(ca)}, measure{median(wb), median(cb)}, [3]float64{q(0.25), q(0.5), q(0.75)}, nil
}

// cpuTime is the CPU time used by this process so far, all threads
// (clock_gettime CLOCK_PROCESS_CPUTIME_ID, nanosecond resolution).
func cpuTime() time.Duration {
	var ts syscall.Timespec
	const clockProcessCPUTime = 2
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		log.Fatal(errno)
	}
	return time.Duration(ts.Nano())
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

func sizeName(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// headerKeys returns the h= list of a DKIM-Signature header.
func headerKeys(sig string) []string {
	unfolded := strings.NewReplacer("\r\n", "", "\t", "", " ", "").Replace(sig)
	_, rest, _ := strings.Cut(unfolded, ";h=")
	h, _, _ := strings.Cut(rest, ";")
	return strings.Split(h, ":")
}

// message is a message of about size bytes with a realistic header.
func message(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Newsletter <news@football.example.com>\r\n" +
		"To: Suzie Q <suzie@shopping.example.net>\r\n" +
		"Subject: Weekly results\r\n" +
		"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n" +
		"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"List-Unsubscribe: <https://football.example.com/u/123>\r\n" +
		"\r\n")
	line := "The quick brown fox jumps over the lazy dog, and the  game was lost.  \r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}
