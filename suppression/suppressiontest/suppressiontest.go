// Package suppressiontest is the conformance suite for suppression.Store
// implementations. Every store in mxkit passes it; a third-party store
// runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		suppressiontest.Run(t, func(t *testing.T) suppression.Store { return openMyStore(t) })
//	}
//
// A store that is also a suppression.Watcher runs RunWatch too, with two
// handles on one backend.
package suppressiontest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/suppression"
)

// Run runs the conformance suite. newStore must return a new, empty store
// each time it is called and arrange its cleanup (t.Cleanup).
func Run(t *testing.T, newStore func(t *testing.T) suppression.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s suppression.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Replace", testReplace},
		{"TenantsApart", testTenants},
		{"Delete", testDelete},
		{"Scan", testScan},
		{"ScanStops", testScanStops},
		{"BadEntries", testBad},
		{"Purge", testPurge},
		{"CountSoft", testCountSoft},
		{"Concurrent", testConcurrent},
		{"ListOverStore", testList},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// t0 is the suite's clock origin, on a millisecond.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 6e6, time.UTC)

var ctx = context.Background()

func full() suppression.Entry {
	return suppression.Entry{
		Address: "ünïcode.user@xn--bcher-kva.example",
		Tenant:  "tenant-ß 1",
		Reason:  suppression.Complaint,
		Evidence: suppression.Evidence{
			BounceReason: "userunknown", Status: "5.1.1", Diagnostic: "550 5.1.1 no such user", RemoteMTA: "mx.example",
			SoftCount: 3, FeedbackType: "abuse", UserAgent: "Yahoo!-Mail-Feedback/2.0", SourceIP: "192.0.2.1",
			ArrivalDate: t0.Add(-time.Hour), List: "news", MessageID: "abc@example.org", Note: "line one, \"quoted\"",
		},
		Created: t0,
		Expires: t0.Add(48 * time.Hour),
	}
}

// same compares entries, times by instant.
func same(t *testing.T, what string, got, want suppression.Entry) {
	t.Helper()
	if !got.Created.Equal(want.Created) || !got.Expires.Equal(want.Expires) || !got.Evidence.ArrivalDate.Equal(want.Evidence.ArrivalDate) {
		t.Errorf("%s: times created %v expires %v arrival %v, want %v %v %v", what, got.Created, got.Expires,
			got.Evidence.ArrivalDate, want.Created, want.Expires, want.Evidence.ArrivalDate)
	}
	got.Created, got.Expires, got.Evidence.ArrivalDate = want.Created, want.Expires, want.Evidence.ArrivalDate
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func put(t *testing.T, s suppression.Store, es ...suppression.Entry) {
	t.Helper()
	if err := s.Put(ctx, es...); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

func testRoundTrip(t *testing.T, s suppression.Store) {
	e := full()
	put(t, s, e)
	got, err := s.Get(ctx, e.Tenant, e.Address)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	same(t, "full entry", got, e)
	d := suppression.Entry{Address: "example.net", Reason: suppression.HardBounce, Created: t0}
	put(t, s, d)
	got, err = s.Get(ctx, "", "example.net")
	if err != nil {
		t.Fatalf("Get domain entry: %v", err)
	}
	same(t, "domain entry", got, d)
	if !got.IsDomain() || e.IsDomain() {
		t.Errorf("IsDomain: domain %v, address %v", got.IsDomain(), e.IsDomain())
	}
	if _, err := s.Get(ctx, "", "nobody@example.com"); !errors.Is(err, suppression.ErrNotFound) {
		t.Errorf("Get of a missing entry: %v, want ErrNotFound", err)
	}
}

func testReplace(t *testing.T, s suppression.Store) {
	e := full()
	put(t, s, e)
	e.Reason, e.Evidence, e.Expires = suppression.Manual, suppression.Evidence{Note: "again"}, time.Time{}
	put(t, s, e)
	got, err := s.Get(ctx, e.Tenant, e.Address)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "replaced entry", got, e)
	n := 0
	s.Scan(ctx, func(suppression.Entry) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d entries after a replace, want 1", n)
	}
}

func testTenants(t *testing.T, s suppression.Store) {
	a := suppression.Entry{Address: "a@example.com", Tenant: "t1", Reason: suppression.Unsubscribe, Created: t0}
	b := a
	b.Tenant, b.Reason = "", suppression.HardBounce
	put(t, s, a, b)
	for _, want := range []suppression.Entry{a, b} {
		got, err := s.Get(ctx, want.Tenant, want.Address)
		if err != nil {
			t.Fatalf("Get %q: %v", want.Tenant, err)
		}
		same(t, "tenant "+want.Tenant, got, want)
	}
	if _, err := s.Get(ctx, "t2", "a@example.com"); !errors.Is(err, suppression.ErrNotFound) {
		t.Errorf("another tenant's entry: %v, want ErrNotFound", err)
	}
}

func testDelete(t *testing.T, s suppression.Store) {
	e := full()
	put(t, s, e)
	if err := s.Delete(ctx, e.Tenant, e.Address); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, e.Tenant, e.Address); !errors.Is(err, suppression.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := s.Delete(ctx, e.Tenant, e.Address); !errors.Is(err, suppression.ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
}

func many(n int, tenant string) []suppression.Entry {
	es := make([]suppression.Entry, n)
	for i := range es {
		es[i] = suppression.Entry{Address: fmt.Sprintf("user%d@d%d.example", i, i%7), Tenant: tenant,
			Reason: suppression.Manual, Created: t0.Add(time.Duration(i) * time.Millisecond)}
	}
	return es
}

func testScan(t *testing.T, s suppression.Store) {
	es := many(2500, "t")
	put(t, s, es[:1000]...)
	put(t, s, es[1000:]...)
	seen := map[string]int{}
	err := s.Scan(ctx, func(e suppression.Entry) error {
		seen[e.Address]++
		if e.Tenant != "t" || e.Reason != suppression.Manual {
			return fmt.Errorf("entry %+v", e)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if len(seen) != len(es) {
		t.Errorf("Scan saw %d entries, want %d", len(seen), len(es))
	}
	for a, n := range seen {
		if n != 1 {
			t.Errorf("Scan saw %s %d times", a, n)
		}
	}
}

func testScanStops(t *testing.T, s suppression.Store) {
	put(t, s, many(50, "")...)
	stop := errors.New("stop here")
	n := 0
	err := s.Scan(ctx, func(suppression.Entry) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("Scan after fn failed: err %v after %d calls, want the error after 10", err, n)
	}
}

func testBad(t *testing.T, s suppression.Store) {
	good := suppression.Entry{Address: "ok@example.com", Reason: suppression.Manual, Created: t0}
	bad := []suppression.Entry{
		{Address: "Upper@example.com", Reason: suppression.Manual, Created: t0},
		{Address: "a@EXAMPLE.com", Reason: suppression.Manual, Created: t0},
		{Address: "a@bücher.example", Reason: suppression.Manual, Created: t0},
		{Address: "not an address", Reason: suppression.Manual, Created: t0},
		{Address: "a@b.example\r\nRCPT TO:<x@y>", Reason: suppression.Manual, Created: t0},
		{Address: "", Reason: suppression.Manual, Created: t0},
		{Address: "a@example.com", Tenant: "t\x00", Reason: suppression.Manual, Created: t0},
		{Address: "a@example.com", Reason: "whatever", Created: t0},
		{Address: "a@example.com", Reason: suppression.Manual},
	}
	for _, b := range bad {
		err := s.Put(ctx, good, b)
		if !errors.Is(err, suppression.ErrInvalid) {
			t.Errorf("Put %+v: %v, want ErrInvalid", b, err)
		}
	}
	if _, err := s.Get(ctx, "", good.Address); !errors.Is(err, suppression.ErrNotFound) {
		t.Errorf("the good entry of a refused batch was stored (%v)", err)
	}
}

func testPurge(t *testing.T, s suppression.Store) {
	es := many(10, "")
	for i := range es {
		switch i % 3 {
		case 0:
			es[i].Expires = t0.Add(time.Hour) // expired at t0+2h
		case 1:
			es[i].Expires = t0.Add(3 * time.Hour)
		}
	}
	put(t, s, es...)
	n, err := s.Purge(ctx, t0.Add(2*time.Hour))
	if err != nil || n != 4 {
		t.Errorf("Purge: %d, %v; want 4 removed", n, err)
	}
	left := 0
	s.Scan(ctx, func(e suppression.Entry) error {
		left++
		if e.Expired(t0.Add(2 * time.Hour)) {
			t.Errorf("expired entry %s left after Purge", e.Address)
		}
		return nil
	})
	if left != 6 {
		t.Errorf("%d entries left, want 6", left)
	}
	// An entry expiring exactly at now is expired.
	if n, _ := s.Purge(ctx, t0.Add(3*time.Hour)); n != 3 {
		t.Errorf("Purge at the expiry instant removed %d, want 3", n)
	}
}

func testCountSoft(t *testing.T, s suppression.Store) {
	const w = 24 * time.Hour
	count := func(tenant, addr string, at time.Time) int {
		t.Helper()
		n, err := s.CountSoft(ctx, tenant, addr, at, w)
		if err != nil {
			t.Fatalf("CountSoft: %v", err)
		}
		return n
	}
	for i, want := range []int{1, 2, 3} {
		if n := count("t", "a@example.com", t0.Add(time.Duration(i)*time.Hour)); n != want {
			t.Errorf("failure %d counted %d, want %d", i+1, n, want)
		}
	}
	if n := count("", "a@example.com", t0); n != 1 {
		t.Errorf("tenants share soft counts: %d", n)
	}
	if n := count("t", "b@example.com", t0); n != 1 {
		t.Errorf("addresses share soft counts: %d", n)
	}
	// A day after the first, it has left the window; two remain, plus this one.
	if n := count("t", "a@example.com", t0.Add(w)); n != 3 {
		t.Errorf("window: counted %d, want 3", n)
	}
	if n := count("t", "a@example.com", t0.Add(10*w)); n != 1 {
		t.Errorf("after a long pause: counted %d, want 1", n)
	}
}

func testConcurrent(t *testing.T, s suppression.Store) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, e := range many(50, fmt.Sprint("g", g)) {
				if err := s.Put(ctx, e); err != nil {
					errs <- err
					return
				}
				if _, err := s.Get(ctx, e.Tenant, e.Address); err != nil {
					errs <- err
					return
				}
				if i%10 == 0 {
					if err := s.Delete(ctx, e.Tenant, e.Address); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	s.Scan(ctx, func(suppression.Entry) error { n++; return nil })
	if n != 8*45 {
		t.Errorf("%d entries after concurrent work, want %d", n, 8*45)
	}
}

// testList runs a List over the store: what Check answers follows Add,
// Remove and a reload.
func testList(t *testing.T, s suppression.Store) {
	l, err := suppression.New(ctx, s, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer l.Close()
	if _, _, err := l.Add(ctx, suppression.Entry{Address: "Some.One@Example.COM", Tenant: "t", Reason: suppression.Complaint}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Add(ctx, suppression.Entry{Address: "example.org", Reason: suppression.HardBounce}); err != nil {
		t.Fatal(err)
	}
	check := func(l *suppression.List, tenant, addr string, want bool) {
		t.Helper()
		if _, got := l.Check(tenant, addr); got != want {
			t.Errorf("Check(%q, %q) = %v, want %v", tenant, addr, got, want)
		}
	}
	check(l, "t", "some.one@example.com", true)
	check(l, "t", "SOME.ONE@example.com", true)
	check(l, "u", "some.one@example.com", false)
	check(l, "", "some.one@example.com", false)
	check(l, "u", "anyone@example.org", true)
	check(l, "u", "anyone@sub.example.org", false)
	l2, err := suppression.New(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	check(l2, "t", "Some.One@example.com", true)
	if err := l.Remove(ctx, "t", "some.one@EXAMPLE.com"); err != nil {
		t.Fatal(err)
	}
	check(l, "t", "some.one@example.com", false)
}

// RunWatch checks a store that is a suppression.Watcher: a List over one
// handle follows what another handle on the same backend (another process,
// in production) puts and deletes. newPair returns two handles on one new,
// empty backend.
func RunWatch(t *testing.T, newPair func(t *testing.T) (a, b suppression.Store)) {
	a, b := newPair(t)
	if _, ok := b.(suppression.Watcher); !ok {
		t.Fatalf("%T is not a suppression.Watcher", b)
	}
	lb, err := suppression.New(ctx, b, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer lb.Close()
	la, err := suppression.New(ctx, a, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer la.Close()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("after 10s: %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	put(t, a, suppression.Entry{Address: "w@example.com", Tenant: "t", Reason: suppression.Complaint, Created: t0, Expires: exp})
	waitFor("an entry put through one handle reaches the List over the other", func() bool {
		m, ok := lb.Check("t", "w@example.com")
		return ok && m.Reason == suppression.Complaint && m.Expires.Equal(exp)
	})
	if err := a.Delete(ctx, "t", "w@example.com"); err != nil {
		t.Fatal(err)
	}
	waitFor("a deletion reaches the other List", func() bool { _, ok := lb.Check("t", "w@example.com"); return !ok })
	if _, _, err := la.Add(ctx, suppression.Entry{Address: "example.net", Reason: suppression.HardBounce}); err != nil {
		t.Fatal(err)
	}
	waitFor("a List's Add reaches the other List", func() bool { _, ok := lb.Check("x", "any@example.net"); return ok })
	// Changes arrive in commit order: the last one wins.
	for i := range 20 {
		put(t, a, suppression.Entry{Address: "flip@example.com", Reason: suppression.Manual, Created: t0})
		if i < 19 {
			if err := a.Delete(ctx, "", "flip@example.com"); err != nil {
				t.Fatal(err)
			}
		}
	}
	put(t, a, suppression.Entry{Address: "marker@example.com", Reason: suppression.Manual, Created: t0})
	waitFor("the marker after the flips", func() bool { _, ok := lb.Check("", "marker@example.com"); return ok })
	if _, ok := lb.Check("", "flip@example.com"); !ok {
		t.Error("after put/delete flips ending in a put, the other List has no entry")
	}
}
