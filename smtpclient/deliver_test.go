package smtpclient

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const mxZone = `
example.test.       MX   10 mx1.example.test.
example.test.       MX   20 mx2.example.test.
mx1.example.test.   A    127.0.0.1
mx2.example.test.   A    127.0.0.2
`

func TestDeliverNextMXOnGreetingFailure(t *testing.T) {
	port := testenv.SharedPort(t)
	// mx1 is busy (421 greeting); mx2 takes the message.
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("421 4.3.2 mx1 too busy\r\n"))
			c.Close()
		}
	}()
	defer func() { l.Close(); <-done }()
	be, _, _ := startServer(t, serverOpts{addr: "127.0.0.2:" + strconv.Itoa(port)})

	dns := resolvertest.New(t, mxZone)
	tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: port}
	defer tr.Close()
	res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg))
	mustDelivered(t, res, err)
	if res.Host != "mx2.example.test" || len(be.messages()) != 1 {
		t.Errorf("delivered via %s; mx2 got %d messages", res.Host, len(be.messages()))
	}
}

func TestDeliverNextMXOnConnectionRefused(t *testing.T) {
	port := testenv.SharedPort(t) // nothing listens on 127.0.0.1
	be, _, _ := startServer(t, serverOpts{addr: "127.0.0.2:" + strconv.Itoa(port)})
	dns := resolvertest.New(t, mxZone)
	tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: port}
	defer tr.Close()
	// A reader without Seek is fine: nothing was read from it at mx1.
	res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg))
	mustDelivered(t, res, err)
	if res.Host != "mx2.example.test" || string(be.messages()[0].data) != testMsg {
		t.Errorf("delivered via %s", res.Host)
	}
}

func TestDeliverAnsweredTransactionNotRetried(t *testing.T) {
	port := testenv.SharedPort(t)
	be1, _, _ := startServer(t, serverOpts{addr: "127.0.0.1:" + strconv.Itoa(port)})
	be2, _, _ := startServer(t, serverOpts{addr: "127.0.0.2:" + strconv.Itoa(port)})
	dns := resolvertest.New(t, mxZone)
	tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: port}
	defer tr.Close()
	res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"unknown@example.test"}}, strings.NewReader(testMsg))
	if e := smtpErr(err); e == nil || e.Code != 550 || res.Recipients[0].Status != delivery.Failed || res.Host != "mx1.example.test" {
		t.Fatalf("got %v via %s", err, res.Host)
	}
	_, _, _, m1 := be1.counts()
	_, _, _, m2 := be2.counts()
	if m1 != 1 || m2 != 0 {
		t.Errorf("MAIL at mx1 %d, mx2 %d: a refusal must not be retried at the next MX", m1, m2)
	}
}

func TestDeliverAllHostsDown(t *testing.T) {
	port := testenv.SharedPort(t)
	dns := resolvertest.New(t, mxZone)
	tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: port}
	defer tr.Close()
	res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg))
	if err == nil || !isTemporary(err) || res.Recipients[0].Status != delivery.Deferred {
		t.Fatalf("got %v %v, want a temporary failure", err, res.Recipients[0].Status)
	}
	// A domain that does not exist fails permanently.
	res, err = tr.Deliver(context.Background(), "nowhere.test", Envelope{From: "a@x.org", To: []string{"b@nowhere.test"}}, strings.NewReader(testMsg))
	if err == nil || res.Recipients[0].Status == delivery.Delivered {
		t.Fatalf("nowhere.test: %v", err)
	}
}

// refusedDial is a DialContext's own error type, as a caller's connect
// policy returns it.
type refusedDial struct{ addr string }

func (e *refusedDial) Error() string { return "refused by policy: " + e.addr }

// TestDeliverDialErrorType: an error of DialContext's, on every host
// tried, reaches the caller with its type: errors.As finds it through the
// error Deliver returns and each recipient's outcome, a deferral at the
// connect stage. A caller decides on it without parsing text.
func TestDeliverDialErrorType(t *testing.T) {
	dns := resolvertest.New(t, mxZone)
	var tried []string
	tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: 25,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			tried = append(tried, addr)
			return nil, &net.OpError{Op: "dial", Net: network, Err: &refusedDial{addr}}
		}}
	defer tr.Close()
	res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test", "c@example.test"}}, strings.NewReader(testMsg))
	var re *refusedDial
	if !errors.As(err, &re) || re.addr != "127.0.0.2:25" {
		t.Fatalf("Deliver's error %v: want the last host's *refusedDial", err)
	}
	if !slices.Equal(tried, []string{"127.0.0.1:25", "127.0.0.2:25"}) {
		t.Errorf("dialed %v, want both hosts in order", tried)
	}
	for _, o := range res.Recipients {
		if re = nil; !errors.As(&o, &re) || o.Status != delivery.Deferred || o.Stage != delivery.StageConnect {
			t.Errorf("outcome %+v: want a deferral at connect wrapping *refusedDial", o)
		}
	}
}

func TestDeliverAddressLiteral(t *testing.T) {
	be, _, port := startServer(t, serverOpts{})
	tr := &Transport{Router: &mx.Router{}, Port: port}
	defer tr.Close()
	res, err := tr.Deliver(context.Background(), "[127.0.0.1]", Envelope{From: "a@x.org", To: []string{"b@[127.0.0.1]"}}, strings.NewReader(testMsg))
	mustDelivered(t, res, err)
	if len(be.messages()) != 1 {
		t.Error("no message at the server")
	}
}

func TestDeliverDANE(t *testing.T) {
	p := pkiOnce()
	spki := sha256.Sum256(p.cert.Leaf.RawSubjectPublicKeyInfo)
	for _, tc := range []struct {
		name   string
		tlsa   string
		ok     bool
		result string // TLS-RPT result type, "" for success
	}{
		{"matching DANE-EE record", hex.EncodeToString(spki[:]), true, ""},
		{"mismatching record", strings.Repeat("ab", 32), false, "tlsa-invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be, _, port := startServer(t, serverOpts{tls: true})
			// mx looks TLSA up for port 25; the server listens elsewhere.
			zone := mxZone + "_25._tcp.mx1.example.test. TLSA 3 1 1 " + tc.tlsa + "\n"
			dns := resolvertest.New(t, strings.ReplaceAll(zone, "MX   20 mx2.example.test.", "TXT \"x\""))
			dns.SetSecure("example.test", true)
			var reports tlsReports
			tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: port, TLSReport: reports.add}
			defer tr.Close()
			route, err := tr.Router.Lookup(context.Background(), "example.test")
			if err != nil {
				t.Fatal(err)
			}
			if route.Policy.Kind != mx.PolicyDANE {
				t.Fatalf("mx gave policy %v (%s) for a signed zone with TLSA records", route.Policy.Kind, route.Policy.Reason)
			}
			res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg))
			checkPolicyDelivery(t, tc.ok, be, res, err)
			reports.check(t, "tlsa", "3 1 1 "+tc.tlsa, tc.result)
		})
	}
}

// TestDeliverDANEAlias delivers through an MX host that is an alias: the
// TLSA records come from where the chain ends, and that name is the SNI
// (RFC 7672 §2.2.3, §8.1).
func TestDeliverDANEAlias(t *testing.T) {
	p := pkiOnce()
	spki := sha256.Sum256(p.cert.Leaf.RawSubjectPublicKeyInfo)
	var mu sync.Mutex
	var sni []string
	be, _, port := startServer(t, serverOpts{tls: true, setup: func(s *smtp.Server) {
		s.TLSConfig.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			mu.Lock()
			sni = append(sni, h.ServerName)
			mu.Unlock()
			return nil, nil
		}
	}})
	dns := resolvertest.New(t, `
example.test.                 MX    10 alias.example.test.
alias.example.test.           CNAME mx1.example.test.
mx1.example.test.             A     127.0.0.1
_25._tcp.mx1.example.test.    TLSA  3 1 1 `+hex.EncodeToString(spki[:])+`
`)
	dns.SetSecure("example.test", true)
	tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: port}
	defer tr.Close()
	res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg))
	mustDelivered(t, res, err)
	if !res.TLS || len(be.messages()) != 1 {
		t.Errorf("TLS %v, %d messages", res.TLS, len(be.messages()))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sni) == 0 || sni[0] != "mx1.example.test" {
		t.Errorf("SNI %q, want the TLSA base domain mx1.example.test", sni)
	}
}

func TestDeliverMTASTSEnforce(t *testing.T) {
	p := pkiOnce()
	policy := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 86400\r\n")
	}))
	policy.TLS = &tls.Config{Certificates: []tls.Certificate{p.cert}}
	policy.StartTLS()
	defer policy.Close()
	httpClient := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: p.roots},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", policy.Listener.Addr().String()) // mta-sts.example.test
		},
	}}
	defer httpClient.CloseIdleConnections()
	for _, tc := range []struct {
		name   string
		opts   serverOpts
		ok     bool
		result string // TLS-RPT result type, "" for success
	}{
		{"verified STARTTLS", serverOpts{tls: true}, true, ""},
		{"no STARTTLS", serverOpts{}, false, "starttls-not-supported"},
		{"untrusted certificate", serverOpts{tls: true, selfCert: true}, false, "certificate-not-trusted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be, _, port := startServer(t, tc.opts)
			dns := resolvertest.New(t, `
example.test.             MX  10 mx1.example.test.
mx1.example.test.         A   127.0.0.1
_mta-sts.example.test.    TXT "v=STSv1; id=1"
mta-sts.example.test.     A   127.0.0.1
`)
			router := &mx.Router{Resolver: dns.Client(), HTTPClient: httpClient}
			var reports tlsReports
			tr := &Transport{Router: router, Port: port, TLSConfig: clientTLS(), TLSReport: reports.add}
			defer tr.Close()
			route, err := router.Lookup(context.Background(), "example.test")
			if err != nil || route.Policy.Kind != mx.PolicyMTASTSEnforce {
				t.Fatalf("route policy: %v %+v", err, route)
			}
			res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, strings.NewReader(testMsg))
			checkPolicyDelivery(t, tc.ok, be, res, err)
			reports.check(t, "sts", "mx: mx1.example.test", tc.result)
		})
	}
}

// tlsReports collects what Transport.TLSReport is given.
type tlsReports struct {
	mu sync.Mutex
	rs []TLSResult
}

func (r *tlsReports) add(x TLSResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rs = append(r.rs, x)
}

// check expects one report, for example.test's mx1 on 127.0.0.1, of the
// policy type with a policy string holding policyString, and the result
// type (or success for "").
func (r *tlsReports) check(t *testing.T, policyType, policyString, result string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.rs) != 1 {
		t.Fatalf("%d TLS reports, want 1: %+v", len(r.rs), r.rs)
	}
	x := r.rs[0]
	if x.PolicyType != policyType || x.PolicyDomain != "example.test" || x.MXHost != "mx1.example.test" ||
		x.ReceivingIP.String() != "127.0.0.1" || policyString != "" && !slices.Contains(x.PolicyStrings, policyString) {
		t.Errorf("report %+v, want policy %s for example.test with %q, MX mx1.example.test at 127.0.0.1", x, policyType, policyString)
	}
	if x.Success != (result == "") || x.ResultType != result {
		t.Errorf("report success %v, result type %q (%s); want %q", x.Success, x.ResultType, x.Detail, result)
	}
	if x.Success && !x.SendingIP.IsValid() {
		t.Error("report without the sending IP")
	}
}

// checkPolicyDelivery checks a delivery under a required TLS policy (DANE,
// MTA-STS): delivered over TLS when ok, else deferred with ErrTLSRequired
// and nothing at the server.
func checkPolicyDelivery(t *testing.T, ok bool, be *backend, res *Result, err error) {
	t.Helper()
	if ok {
		mustDelivered(t, res, err)
		if !res.TLS {
			t.Error("delivered without TLS")
		}
		return
	}
	if !errors.Is(err, ErrTLSRequired) || res.Recipients[0].Status != delivery.Deferred || len(be.messages()) != 0 {
		t.Fatalf("got %v %v; server got %d messages, want ErrTLSRequired and none", err, res.Recipients[0].Status, len(be.messages()))
	}
}

// TestDeliverNextHostUnseekable checks that a body which cannot rewind
// still goes to the next host after the first refused the connection
// (nothing of it was read), and is not offered to another host once one
// has taken part of it.
func TestDeliverNextHostUnseekable(t *testing.T) {
	dns := resolvertest.New(t, mxZone)
	be, host, port := startServer(t, serverOpts{})
	var tried []string
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		tried = append(tried, addr)
		if addr == "127.0.0.1:25" {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &refusedDial{addr}}
		}
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort(host, strconv.Itoa(port)))
	}
	for i, body := range []io.Reader{
		struct{ io.Reader }{strings.NewReader(testMsg)}, // no Seek, no WriteTo
		bytes.NewBufferString(testMsg),                  // no Seek, read in place
	} {
		tried = nil
		// A Transport each, so that the second host is dialled, not
		// found idle in the pool.
		tr := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: 25, TLS: TLSNone, DialContext: dial}
		res, err := tr.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, body)
		mustDelivered(t, res, err)
		if !slices.Equal(tried, []string{"127.0.0.1:25", "127.0.0.2:25"}) {
			t.Errorf("%T: dialed %v, want both hosts in order", body, tried)
		}
		if m := be.messages(); len(m) != i+1 || !strings.Contains(string(m[i].data), "Hello.") {
			t.Fatalf("%T: server got %+v, want the message once", body, m)
		}
		tr.Close()
	}

	// A first host that takes part of the body and breaks: the second is
	// not given what is left of it, and nothing is reported delivered.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		c.Write([]byte("220 broken.test ESMTP\r\n"))
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(line); {
			case strings.HasPrefix(cmd, "EHLO"):
				c.Write([]byte("250 broken.test\r\n"))
			case strings.HasPrefix(cmd, "DATA"):
				c.Write([]byte("354 go on\r\n"))
				br.ReadString('\n') // the first line of the body, then gone
				return
			default:
				c.Write([]byte("250 ok\r\n"))
			}
		}
	}()
	tried = nil
	tr2 := &Transport{Router: &mx.Router{Resolver: dns.Client(), DisableMTASTS: true}, Port: 25, TLS: TLSNone,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			tried = append(tried, addr)
			target := net.JoinHostPort(host, strconv.Itoa(port))
			if addr == "127.0.0.1:25" {
				target = ln.Addr().String()
			}
			var d net.Dialer
			return d.DialContext(ctx, network, target)
		}}
	defer tr2.Close()
	body := struct{ io.Reader }{strings.NewReader(testMsg)}
	res, _ := tr2.Deliver(context.Background(), "example.test", Envelope{From: "a@x.org", To: []string{"b@example.test"}}, body)
	if o := res.Recipients[0]; o.Status == delivery.Delivered {
		t.Errorf("a body cut off by the first host reported delivered: %+v", o)
	}
	if len(be.messages()) != 2 {
		t.Errorf("the second host got what was left of a body the first had taken part of")
	}
	if slices.Contains(tried, "127.0.0.2:25") {
		t.Errorf("dialed %v: the second host was tried with a body that cannot rewind", tried)
	}
}
