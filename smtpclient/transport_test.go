package smtpclient

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/miekg/dns"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// TestMaxConnsPerHostName sends from three source addresses at once: each
// source makes sessions of its own (they cannot be shared), yet
// MaxConnsPerHost bounds them all, since it counts sessions per host name.
// The sessions open at once are counted at the client, from dial to
// Close: the server ends a session a moment after it has answered QUIT,
// so its own count may briefly hold a session the client has closed.
func TestMaxConnsPerHostName(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	var open, peak atomic.Int32
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 2, Sources: []Source{
		{Addr: netip.MustParseAddr("127.0.0.1")},
		{Addr: netip.MustParseAddr("127.0.0.2")},
		{Addr: netip.MustParseAddr("127.0.0.3")},
	}, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		local, ok := LocalAddr(ctx)
		if !ok {
			return nil, errors.New("no source address in the dial context")
		}
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: local.AsSlice()}}
		nc, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		n := open.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		return &countedConn{TCPConn: nc.(*net.TCPConn), open: &open}, nil
	}}
	defer tr.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for range 60 {
		wg.Go(func() {
			res, err := send1(tr)
			if err == nil && res.Recipients[0].Status != delivery.Delivered {
				err = &res.Recipients[0]
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sessions, _, _, _ := be.counts()
	if p := peak.Load(); p > 2 {
		t.Errorf("%d sessions open at once to one host (%d in all), want at most MaxConnsPerHost = 2", p, sessions)
	}
	if sessions <= 2 {
		t.Errorf("%d sessions in all: the three sources did not need sessions of their own", sessions)
	}
	if n := len(be.messages()); n != 60 {
		t.Errorf("server got %d messages, want 60", n)
	}
}

// countedConn counts itself out of open when it is closed.
type countedConn struct {
	*net.TCPConn
	open *atomic.Int32
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.open.Add(-1) })
	return c.TCPConn.Close()
}

// TestWarmupChargedOnlyWhenCarrying: connections that fail cost a source
// nothing against its warm-up cap; only messages a session carries count.
func TestWarmupChargedOnlyWhenCarrying(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	src := netip.MustParseAddr("127.0.0.2")
	var dials, failing atomic.Int32
	failing.Store(5)
	var bound sync.Map
	tr := &Transport{
		Host: host, Port: port, TLS: TLSNone,
		Sources: []Source{{Addr: src, Warmup: &Warmup{Start: time.Now().Add(-time.Hour), Daily: []int{2}}}},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			local, ok := LocalAddr(ctx)
			if !ok {
				return nil, errors.New("no source address in the dial context")
			}
			bound.Store(local, true)
			if failing.Add(-1) >= 0 {
				return nil, errors.New("connection refused (test)")
			}
			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: local.AsSlice()}}
			return d.DialContext(ctx, network, addr)
		},
	}
	defer tr.Close()
	for i := range 5 {
		res, err := send1(tr)
		o := res.Recipients[0]
		if err == nil || o.Status != delivery.Deferred || o.Stage != delivery.StageConnect || o.Enhanced != (delivery.EnhancedCode{4, 4, 1}) {
			t.Fatalf("send %d over a failing dialer: %v (%+v), want deferred at connect with 4.4.1", i, err, o)
		}
	}
	for i := range 2 {
		res, err := send1(tr)
		mustDelivered(t, res, err)
		_ = i
	}
	res, err := send1(tr)
	if !errors.Is(err, ErrSourceExhausted) || res.Recipients[0].Status != delivery.Deferred {
		t.Fatalf("third carried message: %v, want a deferral for the used-up cap (the failed dials cost nothing)", err)
	}
	if n := len(be.messages()); n != 2 {
		t.Errorf("server got %d messages, want 2", n)
	}
	if _, ok := bound.Load(src); !ok {
		t.Error("DialContext was not given the source address to bind")
	}
}

// pipeListener is a net.Listener whose connections are net.Pipe ends.
type pipeListener struct {
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// TestDialContextPipe runs a whole session over net.Pipe: DialContext is
// the Transport's only way to the network.
func TestDialContextPipe(t *testing.T) {
	be := &backend{}
	s := smtp.NewServer(be)
	s.Domain = "relay.test"
	s.AllowInsecureAuth = true
	s.ErrorLog = log.New(io.Discard, "", 0)
	l := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	served := make(chan struct{})
	go func() { s.Serve(l); close(served) }()
	defer func() { s.Close(); <-served }()

	var addrs []string
	var mu sync.Mutex
	tr := &Transport{Host: "relay.test", Port: 2525, TLS: TLSNone,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			addrs = append(addrs, network+" "+addr)
			mu.Unlock()
			client, server := net.Pipe()
			select {
			case l.conns <- server:
				return client, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}}
	for range 3 {
		res, err := send1(tr)
		mustDelivered(t, res, err)
	}
	tr.Close()
	if n := len(be.messages()); n != 3 {
		t.Errorf("server got %d messages, want 3", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(addrs) != 1 || addrs[0] != "tcp relay.test:2525" {
		t.Errorf("dialled %q, want one session to tcp relay.test:2525", addrs)
	}
}

// TestDeliverDomainMismatch: Deliver refuses a recipient outside its
// domain before anything is looked up or sent; domains are compared in
// canonical form.
func TestDeliverDomainMismatch(t *testing.T) {
	be, _, port := startServer(t, serverOpts{})
	srv := resolvertest.New(t, `
example.test.         MX 10 mx1.example.test.
mx1.example.test.     A  127.0.0.1
xn--bcher-kva.test.   MX 10 mx1.example.test.
`)
	tr := &Transport{Router: &mx.Router{Resolver: srv.Client(), DisableMTASTS: true}, Port: port}
	defer tr.Close()
	res, err := tr.Deliver(context.Background(), "example.test",
		Envelope{From: "a@x.org", To: []string{"a@example.test", "b@example.org"}}, strings.NewReader(testMsg))
	if !errors.Is(err, ErrDomainMismatch) {
		t.Fatalf("got %v, want ErrDomainMismatch", err)
	}
	for _, o := range res.Recipients {
		if o.Status != delivery.Deferred || !errors.Is(&o, ErrDomainMismatch) || o.Stage != delivery.StageLocal {
			t.Errorf("%s: %+v, want a deferral at the local stage wrapping ErrDomainMismatch", o.Recipient, o)
		}
	}
	if q := srv.TotalQueries(); q != 0 || len(be.messages()) != 0 {
		t.Errorf("%d DNS queries and %d messages, want none", q, len(be.messages()))
	}
	// The same domain in another spelling is the same domain.
	res, err = tr.Deliver(context.Background(), "Bücher.TEST",
		Envelope{From: "a@x.org", To: []string{"a@xn--bcher-kva.test", "b@BÜCHER.test"}}, strings.NewReader(testMsg))
	mustDelivered(t, res, err)
}

// TestDeliverRouteOutcomes: what the route lookup finds decides the
// recipients' outcomes without a session: permanent routes fail, DNS
// trouble defers.
func TestDeliverRouteOutcomes(t *testing.T) {
	srv := resolvertest.New(t, `
nullmx.test.       MX 0 .
noaddr.test.       MX 10 mx.noaddr.test.
mx.noaddr.test.    TXT "no address records"
servfail.test.     MX 10 mx.servfail.test.
`)
	srv.SetFault("servfail.test.", dns.TypeMX, resolvertest.ServFail)
	tr := &Transport{Router: &mx.Router{Resolver: srv.Client(), DisableMTASTS: true}}
	defer tr.Close()
	for _, tc := range []struct {
		domain   string
		status   delivery.Status
		enhanced delivery.EnhancedCode
		is       error
	}{
		{"nxdomain.test", delivery.Failed, delivery.EnhancedCode{5, 1, 2}, mx.ErrNoSuchDomain},
		{"nullmx.test", delivery.Failed, delivery.EnhancedCode{5, 1, 10}, mx.ErrNullMX},
		{"noaddr.test", delivery.Failed, delivery.EnhancedCode{5, 4, 4}, mx.ErrNoHosts},
		{"servfail.test", delivery.Deferred, delivery.EnhancedCode{4, 4, 3}, nil},
		{"bad_name..test", delivery.Failed, delivery.EnhancedCode{5, 1, 2}, mx.ErrInvalidDomain},
	} {
		t.Run(tc.domain, func(t *testing.T) {
			to := "a@" + tc.domain
			if strings.Contains(tc.domain, "..") {
				to = "a@example.test" // a valid address; the domain given is not
			}
			res, err := tr.Deliver(context.Background(), tc.domain,
				Envelope{From: "a@x.org", To: []string{to}}, strings.NewReader(testMsg))
			o := res.Recipients[0]
			if err == nil || o.Status != tc.status || o.Stage != delivery.StageRoute || o.Enhanced != tc.enhanced ||
				o.Code != 0 || o.Permanent() != (tc.status == delivery.Failed) {
				t.Fatalf("got %v: %+v; want %v at route with %v", err, o, tc.status, tc.enhanced)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("%v does not wrap %v", err, tc.is)
			}
		})
	}
}

// TestTLSReportNoPolicy: under no policy, a session that got TLS is a
// success of "no-policy-found", one that did not is a starttls-not-supported
// failure (RFC 8460 §4.3.1); the message goes either way.
func TestTLSReportNoPolicy(t *testing.T) {
	for _, withTLS := range []bool{true, false} {
		be, _, port := startServer(t, serverOpts{tls: withTLS})
		dns := resolvertest.New(t, "example.test. MX 10 mx1.example.test.\nmx1.example.test. A 127.0.0.1\n")
		var reports tlsReports
		tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: port, TLSReport: reports.add}
		res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg))
		tr.Close()
		mustDelivered(t, res, err)
		if len(be.messages()) != 1 || res.TLS != withTLS {
			t.Fatalf("TLS %v, %d messages", res.TLS, len(be.messages()))
		}
		want := "starttls-not-supported"
		if withTLS {
			want = ""
		}
		reports.check(t, "no-policy-found", "", want)
	}
}
