package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// TestDNSQueriesPerDomain: a batch asks DNS about each distinct domain
// once, however many addresses share it, even with the resolver's cache
// off.
func TestDNSQueriesPerDomain(t *testing.T) {
	srv := newZone(t)
	r := &countingResolver{Resolver: &resolver.Client{Servers: []string{srv.Addr()}, Timeout: time.Second, Attempts: 1, CacheSize: -1}}
	c := &Checker{Resolver: r}
	var addrs []string
	domains := []string{"acme.com", "gmail.com", "nullmx.net", "nonexistent.com", "implicit.net", "cname.net"}
	for i := range 600 {
		addrs = append(addrs, fmt.Sprintf("user%d@%s", i, domains[i%len(domains)]))
	}
	results := c.CheckAll(context.Background(), addrs)
	for _, d := range domains {
		if n := r.mxCount(d); n != 1 {
			t.Errorf("%s: %d MX lookups for 100 addresses, want 1", d, n)
		}
		if n := srv.Queries(d+".", dns.TypeMX); n != 1 {
			t.Errorf("%s: %d MX queries reached the server, want 1", d, n)
		}
	}
	if results[0].Verdict != Deliverable || results[2].Verdict != Undeliverable || results[4].Verdict != Risky {
		t.Errorf("verdicts: %v %v %v", results[0].Verdict, results[2].Verdict, results[4].Verdict)
	}
}

// TestSingleFlight: concurrent Checks of addresses at one domain share one
// lookup, and later ones are answered from the resolver's cache.
func TestSingleFlight(t *testing.T) {
	srv := newZone(t)
	srv.SetDelay("acme.com.", 100*time.Millisecond)
	r := &countingResolver{Resolver: srv.Client()}
	c := &Checker{Resolver: r}
	var wg sync.WaitGroup
	results := make([]Result, 40)
	for i := range results {
		wg.Go(func() { results[i] = c.Check(context.Background(), fmt.Sprintf("u%d@acme.com", i)) })
	}
	wg.Wait()
	for _, res := range results {
		if res.Verdict != Deliverable {
			t.Fatalf("%s: %v %v", res.Input, res.Verdict, res.Reasons)
		}
	}
	if n := r.mxCount("acme.com"); n != 1 {
		t.Errorf("%d MX lookups by 40 concurrent checks, want 1", n)
	}
	srv.ResetCounts()
	if res := c.Check(context.Background(), "later@acme.com"); res.Verdict != Deliverable {
		t.Fatalf("later: %v", res.Reasons)
	}
	if n := srv.TotalQueries(); n != 0 {
		t.Errorf("a later check sent %d queries, want 0 (the resolver's cache)", n)
	}
}

// TestConcurrencyBound: at most Concurrency domains are in DNS at once.
func TestConcurrencyBound(t *testing.T) {
	srv := newZone(t)
	if err := srv.Add("*.wild.net. MX 10 mx1.acme.com."); err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for i := range 40 {
		name := fmt.Sprintf("d%d.wild.net", i)
		srv.SetDelay(name+".", 20*time.Millisecond)
		addrs = append(addrs, "x@"+name)
	}
	r := &countingResolver{Resolver: srv.Client()}
	c := &Checker{Resolver: r, Concurrency: 3}
	for _, res := range c.CheckAll(context.Background(), addrs) {
		if res.Verdict != Deliverable {
			t.Fatalf("%s: %v", res.Input, res.Reasons)
		}
	}
	if m := r.maxSeen.Load(); m > 3 || m < 2 {
		t.Errorf("%d MX lookups in flight at once, want 2 or 3 (Concurrency 3)", m)
	}
}

// TestDNSTimeout: a domain whose server does not answer is Unknown, with
// the resolver's timeout as Err, within the Checker's Timeout.
func TestDNSTimeout(t *testing.T) {
	srv := newZone(t)
	srv.SetFault("acme.com.", dns.TypeMX, resolvertest.Timeout)
	c := &Checker{Resolver: srv.Client(), Timeout: 2 * time.Second}
	start := time.Now()
	res := c.Check(context.Background(), "jane@acme.com")
	if res.Verdict != Unknown || !res.Has(DNSError) || !errors.Is(res.Err, resolver.ErrTimeout) {
		t.Fatalf("got %v %v err %v", res.Verdict, res.Reasons, res.Err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	// The Checker's Timeout ends a lookup that takes too long.
	srv.SetFault("acme.com.", dns.TypeMX, resolvertest.NoFault)
	srv.SetDelay("gmail.com.", 400*time.Millisecond)
	c = &Checker{Resolver: &resolver.Client{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second, Attempts: 1}, Timeout: 100 * time.Millisecond}
	res = c.Check(context.Background(), "jane@gmail.com")
	if res.Verdict != Unknown || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Fatalf("with Timeout: got %v %v err %v", res.Verdict, res.Reasons, res.Err)
	}
}

// TestCancelled: a cancelled context gives Unknown, never a verdict made
// without the checks.
func TestCancelled(t *testing.T) {
	c := tableChecker(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, res := range c.CheckAll(ctx, []string{"jane@acme.com", "jane@nullmx.net", "bad..x@acme.com", "jane@example.com"}) {
		switch res.Input {
		case "bad..x@acme.com", "jane@example.com":
			if res.Verdict != Undeliverable {
				t.Errorf("%s: %v (no DNS needed)", res.Input, res.Verdict)
			}
		default:
			if res.Verdict != Unknown || !errors.Is(res.Err, context.Canceled) {
				t.Errorf("%s: %v err %v", res.Input, res.Verdict, res.Err)
			}
		}
	}
}

// TestLeaderCancelled: when the check that leads a shared lookup is
// cancelled, a waiting check still gets its answer.
func TestLeaderCancelled(t *testing.T) {
	srv := newZone(t)
	srv.SetDelay("acme.com.", 200*time.Millisecond)
	c := &Checker{Resolver: srv.Client()}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var lead Result
	done := make(chan struct{})
	go func() {
		lead = c.Check(ctx, "lead@acme.com")
		close(done)
	}()
	time.Sleep(10 * time.Millisecond)
	res := c.Check(context.Background(), "wait@acme.com")
	<-done
	if lead.Verdict != Unknown {
		t.Errorf("leader: %v %v", lead.Verdict, lead.Reasons)
	}
	if res.Verdict != Deliverable {
		t.Errorf("waiter: %v %v err %v", res.Verdict, res.Reasons, res.Err)
	}
}

// TestNoDNSForLocalVerdicts: syntax errors, reserved names and address
// literals are decided without a query.
func TestNoDNSForLocalVerdicts(t *testing.T) {
	srv := newZone(t)
	c := &Checker{Resolver: srv.Client()}
	c.CheckAll(context.Background(), []string{"a..b@acme.com", "x@example.com", "x@foo.test", "x@localhost", "x@[45.33.10.1]", "x@[127.0.0.1]", "x@host.onion"})
	if n := srv.TotalQueries(); n != 0 {
		t.Errorf("%d DNS queries, want 0", n)
	}
}

// TestUnroutableDetail names the addresses that make a domain undeliverable.
func TestUnroutableDetail(t *testing.T) {
	c := tableChecker(t)
	res := c.Check(context.Background(), "x@privmx.net")
	r, ok := res.Reason(UnroutableHost)
	if !ok || !strings.Contains(r.Detail, "10.1.2.3") || !strings.Contains(r.Detail, "fd00::25") {
		t.Errorf("%v", res.Reasons)
	}
}
