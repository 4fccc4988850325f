package tlsrpt

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	day1 = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	day2 = day1.Add(24 * time.Hour)

	stsPolicy = Policy{Type: PolicySTS, Domain: "example.org",
		Strings: Strings{"version: STSv1", "mode: enforce", "mx: *.mail.example.org", "max_age: 604800"},
		MXHost:  Strings{"*.mail.example.org"}}
	tlsaPolicy = Policy{Type: PolicyTLSA, Domain: "example.org",
		Strings: Strings{"3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		MXHost:  Strings{"mx1.mail.example.org"}}
	nonePolicy = Policy{Type: PolicyNone, Domain: "example.net"}

	ip = netip.MustParseAddr
)

func newAggregator(store Store) *Aggregator {
	return &Aggregator{OrganizationName: "Sender Inc.", ContactInfo: "tlsrpt@sender.example", Store: store}
}

// addSample adds, for day1: under stsPolicy 5 successes, 3 expired
// certificates on mx2 from one address and 1 from another, 2 sessions
// without STARTTLS; under tlsaPolicy 1 success and 1 tlsa-invalid; for
// example.net 4 successes; and for day2 one success under stsPolicy.
func addSample(a *Aggregator) {
	at := day1.Add(10 * time.Hour)
	for range 5 {
		a.Add(Result{Time: at, Policy: stsPolicy, MXHost: "mx1.mail.example.org", Success: true})
	}
	for i := range 4 {
		src := ip("192.0.2.1")
		if i == 3 {
			src = ip("::ffff:192.0.2.2") // counted as the IPv4 address
		}
		a.Add(Result{Time: at.Add(time.Duration(i) * time.Minute), Policy: stsPolicy, MXHost: "mx2.mail.example.org",
			ReceivingIP: ip("198.51.100.2"), SendingIP: src, ResultType: ResultCertificateExpired,
			Reason: fmt.Sprintf("x509: certificate has expired (session %d)", i)})
	}
	for range 2 {
		a.Add(Result{Time: at, Policy: stsPolicy, MXHost: "mx1.mail.example.org", ReceivingIP: ip("198.51.100.1"),
			SendingIP: ip("192.0.2.1"), ResultType: ResultSTARTTLSNotSupported})
	}
	a.Add(Result{Time: at, Policy: tlsaPolicy, MXHost: "mx1.mail.example.org", Success: true})
	a.Add(Result{Time: at, Policy: tlsaPolicy, MXHost: "mx1.mail.example.org", ResultType: ResultTLSAInvalid,
		SendingIP: ip("2001:db8::1"), ReceivingIP: ip("2001:db8::25")})
	for range 4 {
		a.Add(Result{Time: day1.Add(23*time.Hour + 59*time.Minute), Policy: nonePolicy, MXHost: "mx.example.net", Success: true})
	}
	upper := stsPolicy
	upper.Domain = "Example.ORG."
	a.Add(Result{Time: day2.Add(time.Hour), Policy: upper, Success: true})
}

// checkSample checks the reports of day1 built from addSample.
func checkSample(t *testing.T, reps []*Report) {
	t.Helper()
	if len(reps) != 2 || reps[0].PolicyDomain() != "example.net" || reps[1].PolicyDomain() != "example.org" {
		t.Fatalf("got %d reports (%v), want example.net and example.org", len(reps), reps)
	}
	net, org := reps[0], reps[1]
	if net.ReportID != "2026-12-01T00:00:00Z_example.net" || net.OrganizationName != "Sender Inc." ||
		net.ContactInfo != "tlsrpt@sender.example" || !net.DateRange.Start.Equal(day1) ||
		!net.DateRange.End.Equal(day1.Add(24*time.Hour-time.Second)) {
		t.Errorf("example.net metadata: %+v", net)
	}
	if len(net.Policies) != 1 || net.Policies[0].Summary != (Summary{4, 0}) || net.Policies[0].FailureDetails != nil {
		t.Errorf("example.net policies: %+v", net.Policies)
	}
	if len(org.Policies) != 2 {
		t.Fatalf("example.org policies: %+v", org.Policies)
	}
	sts, tlsa := org.Policies[0], org.Policies[1]
	if !reflect.DeepEqual(sts.Policy, stsPolicy) || !reflect.DeepEqual(tlsa.Policy, tlsaPolicy) {
		t.Errorf("policies %+v, %+v", sts.Policy, tlsa.Policy)
	}
	if sts.Summary != (Summary{5, 6}) || tlsa.Summary != (Summary{1, 1}) {
		t.Errorf("summaries %+v %+v, want {5 6} {1 1}", sts.Summary, tlsa.Summary)
	}
	want := []FailureDetail{
		{ResultType: ResultCertificateExpired, SendingMTAIP: ip("192.0.2.1"), ReceivingMXHostname: "mx2.mail.example.org",
			ReceivingIP: ip("198.51.100.2"), FailedSessionCount: 3, FailureReasonCode: "x509: certificate has expired (session 0)"},
		{ResultType: ResultSTARTTLSNotSupported, SendingMTAIP: ip("192.0.2.1"), ReceivingMXHostname: "mx1.mail.example.org",
			ReceivingIP: ip("198.51.100.1"), FailedSessionCount: 2},
		{ResultType: ResultCertificateExpired, SendingMTAIP: ip("192.0.2.2"), ReceivingMXHostname: "mx2.mail.example.org",
			ReceivingIP: ip("198.51.100.2"), FailedSessionCount: 1, FailureReasonCode: "x509: certificate has expired (session 3)"},
	}
	if !reflect.DeepEqual(sts.FailureDetails, want) {
		t.Errorf("failure details\n got %+v\nwant %+v", sts.FailureDetails, want)
	}
	for _, rep := range reps {
		var buf bytes.Buffer
		if _, err := rep.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		checkSchema(t, buf.Bytes())
		back, err := ParseReport(&buf)
		if err != nil || !reflect.DeepEqual(back, rep) {
			t.Errorf("read back: %v\n got %+v\nwant %+v", err, back, rep)
		}
	}
}

func TestAggregate(t *testing.T) {
	a := newAggregator(nil)
	addSample(a)
	ctx := context.Background()
	reps, err := a.Reports(ctx, day1.Add(5*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	checkSample(t, reps)
	reps, err = a.Reports(ctx, day2)
	if err != nil || len(reps) != 1 || reps[0].Policies[0].Summary != (Summary{1, 0}) {
		t.Errorf("day2: %+v, %v", reps, err)
	}
	if reps, err := a.Reports(ctx, day2.Add(24*time.Hour)); err != nil || len(reps) != 0 {
		t.Errorf("a day without results: %+v, %v", reps, err)
	}
	// Without the reporter's name and address there is no report.
	if _, err := (&Aggregator{}).Reports(ctx, day1); err == nil {
		t.Error("Reports without OrganizationName and ContactInfo did not fail")
	}
}

// TestAggregateConcurrent adds from many goroutines while flushing.
func TestAggregateConcurrent(t *testing.T) {
	a := newAggregator(&DirStore{Dir: t.TempDir()})
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				r := Result{Time: day1.Add(time.Duration(i) * time.Second), Policy: stsPolicy, Success: i%5 != 0}
				if !r.Success {
					r.ResultType, r.SendingIP = ResultCertificateNotTrusted, netip.AddrFrom4([4]byte{192, 0, 2, byte(g)})
				}
				a.Add(r)
				if i%100 == 0 {
					if err := a.Flush(ctx); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	reps, err := a.Reports(ctx, day1)
	if err != nil {
		t.Fatal(err)
	}
	if s := reps[0].Policies[0].Summary; s != (Summary{3200, 800}) || len(reps[0].Policies[0].FailureDetails) != 8 {
		t.Errorf("summary %+v with %d failure details, want {3200 800} and 8", s, len(reps[0].Policies[0].FailureDetails))
	}
}

// TestAggregateLimits checks that a destination with endless distinct
// failures does not grow a report without end, and that no session is
// lost from the counts.
func TestAggregateLimits(t *testing.T) {
	a := newAggregator(nil)
	const n = maxFailureGroups + 500
	for i := range n {
		a.Add(Result{Time: day1, Policy: stsPolicy, ResultType: ResultValidationFailure,
			SendingIP: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Reason: strings.Repeat("x", 1000)})
	}
	a.Add(Result{Time: day1, Policy: stsPolicy, ResultType: ResultCertificateExpired, SendingIP: ip("192.0.2.9")})
	a.Add(Result{Time: day1, Policy: Policy{Type: PolicySTS}, Success: true}) // no domain: dropped
	reps, err := a.Reports(context.Background(), day1)
	if err != nil {
		t.Fatal(err)
	}
	p := reps[0].Policies[0]
	var sum int64
	for _, f := range p.FailureDetails {
		sum += f.FailedSessionCount
		if len(f.FailureReasonCode) > maxReasonLen {
			t.Fatalf("failure-reason-code of %d bytes", len(f.FailureReasonCode))
		}
	}
	if len(reps) != 1 || p.Summary.TotalFailureSessionCount != n+1 || sum != n+1 {
		t.Errorf("%d reports, failures %d, sum of details %d; want 1, %d, %d", len(reps), p.Summary.TotalFailureSessionCount, sum, n+1, n+1)
	}
	if len(p.FailureDetails) > maxFailureGroups+2 {
		t.Errorf("%d failure details, want at most %d", len(p.FailureDetails), maxFailureGroups+2)
	}
}

// TestDirStoreRestart counts with one Aggregator, flushes, and builds the
// reports with another on the same directory, as after a restart.
func TestDirStoreRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first := newAggregator(&DirStore{Dir: dir})
	addSample(first)
	if err := first.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Counts from several flushes are added up.
	first.Add(Result{Time: day2.Add(2 * time.Hour), Policy: stsPolicy, Success: true})
	if err := first.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of a write leaves a line cut short.
	f, err := os.OpenFile(filepath.Join(dir, "2026-12-01.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"policy":{"policy-type":"sts","policy-domain":"example.org"},"succ`)
	f.Close()

	second := newAggregator(&DirStore{Dir: dir})
	second.Add(Result{Time: day2.Add(3 * time.Hour), Policy: stsPolicy, Success: true})
	reps, err := second.Reports(ctx, day1)
	if err != nil {
		t.Fatal(err)
	}
	checkSample(t, reps)
	reps, err = second.Reports(ctx, day2)
	if err != nil || len(reps) != 1 || reps[0].Policies[0].Summary != (Summary{3, 0}) {
		t.Errorf("day2 after the restart: %+v, %v; want 3 successes", reps, err)
	}
	days, err := second.Store.Days(ctx)
	if err != nil || len(days) != 2 {
		t.Errorf("Days = %v, %v", days, err)
	}
}

// TestFlushFailureKeepsCounts makes the Store fail (its directory is a
// file) and checks that the counts are kept for the next Flush.
func TestFlushFailureKeepsCounts(t *testing.T) {
	dir := t.TempDir()
	blocked := filepath.Join(dir, "store")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := newAggregator(&DirStore{Dir: blocked})
	addSample(a)
	if err := a.Flush(ctx); err == nil {
		t.Fatal("Flush into a file did not fail")
	}
	a.Add(Result{Time: day1, Policy: nonePolicy, Success: true})
	if err := os.Remove(blocked); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	b := newAggregator(&DirStore{Dir: blocked})
	reps, err := b.Reports(ctx, day1)
	if err != nil || len(reps) != 2 || reps[0].Policies[0].Summary != (Summary{5, 0}) || reps[1].Policies[0].Summary != (Summary{5, 6}) {
		t.Errorf("after the failed Flush: %+v, %v", reps, err)
	}
}

func TestDiscard(t *testing.T) {
	ctx := context.Background()
	a := newAggregator(&DirStore{Dir: t.TempDir()})
	addSample(a)
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	a.Add(Result{Time: day1, Policy: nonePolicy, Success: true}) // pending
	if err := a.Discard(ctx, day1.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a.Add(Result{Time: day1, Policy: nonePolicy, Success: true}) // late: dropped
	if reps, err := a.Reports(ctx, day1); err != nil || len(reps) != 0 {
		t.Errorf("day1 after Discard: %+v, %v", reps, err)
	}
	if reps, err := a.Reports(ctx, day2); err != nil || len(reps) != 1 {
		t.Errorf("day2 after Discard of day1: %+v, %v", reps, err)
	}
}

// TestCompaction flushes after every result: the records of a day stay
// about as many as its policies, and no count is lost.
func TestCompaction(t *testing.T) {
	ctx := context.Background()
	a := newAggregator(nil)
	const n = 5000
	maxLines := 0
	for i := range n {
		p := nonePolicy
		p.Domain = fmt.Sprintf("d%d.example", i%10)
		a.Add(Result{Time: day1, Policy: p, Success: i%3 != 0, ResultType: ResultSTARTTLSNotSupported})
		if err := a.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		lines, _ := a.mem.Read(ctx, day1)
		maxLines = max(maxLines, len(lines))
	}
	if maxLines > 2*10+compactSlack+1 {
		t.Errorf("a day held up to %d records for 10 policies", maxLines)
	}
	reps, err := a.Reports(ctx, day1)
	if err != nil {
		t.Fatal(err)
	}
	var ok, failed int64
	for _, rep := range reps {
		ok += rep.Policies[0].Summary.TotalSuccessfulSessionCount
		failed += rep.Policies[0].Summary.TotalFailureSessionCount
	}
	if len(reps) != 10 || ok+failed != n || failed != (n+2)/3 {
		t.Errorf("%d reports, %d + %d sessions; want 10, %d sessions, %d failed", len(reps), ok, failed, n, (n+2)/3)
	}
}

func TestDirStoreReplace(t *testing.T) {
	ctx := context.Background()
	s := &DirStore{Dir: filepath.Join(t.TempDir(), "new")}
	if err := s.Append(ctx, day1, [][]byte{[]byte("a"), []byte("b")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Replace(ctx, day1.Add(time.Hour), [][]byte{[]byte("c")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Replace(ctx, day1, [][]byte{[]byte("x\ny")}); err == nil {
		t.Error("a record with a line break was stored")
	}
	got, err := s.Read(ctx, day1)
	if err != nil || len(got) != 1 || string(got[0]) != "c" {
		t.Errorf("Read after Replace = %q, %v", got, err)
	}
	entries, _ := os.ReadDir(s.Dir)
	if len(entries) != 1 {
		t.Errorf("files left in the store: %v", entries)
	}
	if err := s.Remove(ctx, day1); err != nil {
		t.Fatal(err)
	}
	if days, err := s.Days(ctx); err != nil || len(days) != 0 {
		t.Errorf("Days after Remove = %v, %v", days, err)
	}
}
