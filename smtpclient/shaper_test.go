package smtpclient

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

// testShaper refuses the sources in refuse with outcome, and caps sessions
// at maxConns.
type testShaper struct {
	mu        sync.Mutex
	refuse    map[netip.Addr]bool
	refuseAll bool
	outcome   *delivery.Outcome
	maxConns  atomic.Int32
	admits    []string // host|src of each call

	opened, released atomic.Int32
}

func (s *testShaper) Admit(_ context.Context, host string, src netip.Addr) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admits = append(s.admits, host+"|"+src.String())
	if s.refuseAll || s.refuse[src] {
		o := *s.outcome
		return &o
	}
	return nil
}

func (s *testShaper) MaxConns(string) int { return int(s.maxConns.Load()) }

type gateShaper struct{ *testShaper }

func (g gateShaper) OpenConn(context.Context, string, netip.Addr) (func(), error) {
	g.opened.Add(1)
	return func() { g.released.Add(1) }, nil
}

var suspended = &delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageLocal,
	Enhanced: delivery.EnhancedCode{4, 4, 5}, Text: "suspended by a test rule"}

// A refusal is every recipient's outcome, as the Shaper gave it, and
// nothing reaches the server.
func TestShaperRefuses(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	sh := &testShaper{refuseAll: true, outcome: suspended}
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, Shaper: sh}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com", "c@x.com"}}, strings.NewReader(testMsg))
	if err == nil {
		t.Fatal("sent despite the refusal")
	}
	for _, o := range res.Recipients {
		if o.Status != delivery.Deferred || o.Enhanced != suspended.Enhanced || o.Text != suspended.Text {
			t.Errorf("outcome %+v, want the Shaper's %+v", o, suspended)
		}
	}
	if s, _, _, _ := be.counts(); s != 0 {
		t.Errorf("%d sessions opened for a refused message", s)
	}
	if len(sh.admits) != 1 || sh.admits[0] != host+"|invalid IP" {
		t.Errorf("Admit calls %q, want one for %s without a source", sh.admits, host)
	}
}

// A source the Shaper refuses is left out; the message goes from another,
// which the Result names. With every source refused the message is not
// sent.
func TestShaperRefusesSource(t *testing.T) {
	var mu sync.Mutex
	var from []string
	host, port := rawServer(t, func(c *rawConn, n int) {
		mu.Lock()
		from = append(from, strings.Split(c.RemoteAddr().String(), ":")[0])
		mu.Unlock()
		c.send("220 raw ESMTP")
		c.expect(t, "EHLO")
		c.send("250-raw", "250 PIPELINING")
		for serveOne(t, c, false) {
		}
	})
	a2, a3 := netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.3")
	sh := &testShaper{refuse: map[netip.Addr]bool{a2: true}, outcome: suspended}
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, Shaper: sh,
		Sources: []Source{{Addr: a2, Weight: 1000}, {Addr: a3}}}
	defer tr.Close()
	for range 5 {
		res, err := send1(tr)
		mustDelivered(t, res, err)
		if res.Source != a3 {
			t.Errorf("Result.Source %v, want %v", res.Source, a3)
		}
	}
	mu.Lock()
	for _, f := range from {
		if f != "127.0.0.3" {
			t.Errorf("a session from %s, which the Shaper refused", f)
		}
	}
	mu.Unlock()

	sh.mu.Lock()
	sh.refuse[a3] = true
	sh.admits = nil
	sh.mu.Unlock()
	res, err := send1(tr)
	if err == nil || res.Recipients[0].Text != suspended.Text {
		t.Errorf("every source refused: err %v, outcome %+v", err, res.Recipients[0])
	}
	if len(sh.admits) != 2 {
		t.Errorf("Admit asked %d times (%q), want once per source", len(sh.admits), sh.admits)
	}
}

// MaxConns caps the sessions to a host below MaxConnsPerHost, and a cap
// lowered at run time closes the sessions above it as they come back.
func TestShaperMaxConns(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	sh := &testShaper{}
	sh.maxConns.Store(2)
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 10, Shaper: gateShaper{sh}}
	defer tr.Close()
	sendMany := func(n int) {
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res, err := send1(tr); err != nil {
					t.Error(err, res.Recipients[0])
				}
			}()
		}
		wg.Wait()
	}
	sendMany(30)
	if _, _, peak, _ := be.counts(); peak > 2 {
		t.Errorf("peak %d sessions with the Shaper's cap of 2", peak)
	}
	sh.maxConns.Store(1)
	sendMany(30)
	time.Sleep(50 * time.Millisecond)
	if _, open, _, _ := be.counts(); open > 1 {
		t.Errorf("%d sessions open after the cap went down to 1", open)
	}
	if n := len(be.messages()); n != 60 {
		t.Errorf("%d messages arrived, want 60", n)
	}
	tr.Close()
	time.Sleep(50 * time.Millisecond)
	if o, r := sh.opened.Load(), sh.released.Load(); o == 0 || o != r {
		t.Errorf("ConnGate: %d sessions opened, %d released", o, r)
	}
}

// A ConnGate that refuses defers the message.
func TestShaperConnGateRefuses(t *testing.T) {
	_, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, Shaper: refusingGate{&testShaper{}}}
	defer tr.Close()
	res, err := send1(tr)
	if err == nil || res.Recipients[0].Status != delivery.Deferred || !errors.Is(err, errGateFull) {
		t.Errorf("refused session: err %v, outcome %+v", err, res.Recipients[0])
	}
}

var errGateFull = errors.New("no session slot")

type refusingGate struct{ *testShaper }

func (refusingGate) OpenConn(context.Context, string, netip.Addr) (func(), error) {
	return nil, errGateFull
}

// A message retried on a fresh session after a reused one answered its
// first command with 421 keeps the host in its outcome.
func TestRetryKeepsHost(t *testing.T) {
	host, port := rawServer(t, func(c *rawConn, n int) {
		c.send("220 raw ESMTP")
		c.expect(t, "EHLO")
		c.send("250-raw", "250 PIPELINING")
		if n == 0 && !serveOne(t, c, false) {
			return
		}
		c.line()
		c.send("421 4.7.28 slow down")
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	res, err := send1(tr)
	mustDelivered(t, res, err)
	res, err = send1(tr)
	if err == nil || res.Recipients[0].Host != host || res.Recipients[0].Code != 421 {
		t.Errorf("retried message: err %v, outcome %+v; want the 421 from %s", err, res.Recipients[0], host)
	}
}
