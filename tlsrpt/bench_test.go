package tlsrpt

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkAdd measures Aggregator.Add, which runs on the sending path
// once per session: a success and a failure under an MTA-STS policy.
func BenchmarkAdd(b *testing.B) {
	a := newAggregator(nil)
	ok := Result{Time: day1, Policy: stsPolicy, MXHost: "mx1.mail.example.org", Success: true}
	fail := Result{Time: day1, Policy: stsPolicy, MXHost: "mx2.mail.example.org", SendingIP: ip("192.0.2.1"),
		ReceivingIP: ip("198.51.100.2"), ResultType: ResultCertificateExpired, Reason: "x509: certificate has expired"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if i++; i%10 == 0 {
				a.Add(fail)
			} else {
				a.Add(ok)
			}
		}
	})
}

// BenchmarkParseReport reads the report mail of testdata/reporter-a.eml.
func BenchmarkParseReport(b *testing.B) {
	data, err := os.ReadFile("testdata/reporter-a.eml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseReport(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlushAndReports measures a Flush of one day with 1000 domains
// into a DirStore and building their reports.
func BenchmarkFlushAndReports(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		a := newAggregator(&DirStore{Dir: b.TempDir()})
		for d := range 1000 {
			p := stsPolicy
			p.Domain = "d" + string(rune('a'+d%26)) + time.Duration(d).String() + ".example"
			a.Add(Result{Time: day1, Policy: p, Success: true})
			a.Add(Result{Time: day1, Policy: p, ResultType: ResultCertificateExpired, SendingIP: ip("192.0.2.1")})
		}
		b.StartTimer()
		reps, err := a.Reports(ctx, day1)
		if err != nil || len(reps) != 1000 {
			b.Fatal(len(reps), err)
		}
	}
}
