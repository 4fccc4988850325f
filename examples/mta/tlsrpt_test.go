package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/tlsrpt"
	"github.com/mxkit/mxkit/tlsrpt/tlsrptsmtp"
)

// selfSigned is a certificate for names, and a pool that trusts it.
func selfSigned(t *testing.T, names ...string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// webServer is customers.example's HTTPS server: its MTA-STS policy, and
// the endpoint its TLS reports are posted to.
type webServer struct {
	srv     *httptest.Server
	pool    *x509.CertPool
	mu      sync.Mutex
	reports [][]byte // gzip bodies posted
	types   []string // their Content-Type
}

func startWebServer(t *testing.T, policy string) *webServer {
	t.Helper()
	cert, pool := selfSigned(t, "mta-sts.customers.example", "reports.customers.example")
	ws := &webServer{pool: pool}
	mux := http.NewServeMux()
	mux.HandleFunc("GET mta-sts.customers.example/.well-known/mta-sts.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, policy)
	})
	mux.HandleFunc("POST reports.customers.example/tlsrpt", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ws.mu.Lock()
		ws.reports = append(ws.reports, body)
		ws.types = append(ws.types, r.Header.Get("Content-Type"))
		ws.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	})
	ws.srv = httptest.NewUnstartedServer(mux)
	ws.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ws.srv.StartTLS()
	t.Cleanup(ws.srv.Close)
	return ws
}

func (ws *webServer) posted() ([][]byte, []string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return append([][]byte(nil), ws.reports...), append([]string(nil), ws.types...)
}

// port is the server's port on loopback.
func (ws *webServer) port() string {
	_, p, _ := net.SplitHostPort(ws.srv.Listener.Addr().String())
	return p
}

// newReportingMTA makes an MTA from cfg whose MTA-STS fetches reach ws
// (whatever address the name has) and whose report sender trusts ws's
// certificate and may post to loopback.
func newReportingMTA(t *testing.T, cfg *Config, ws *webServer) *MTA {
	t.Helper()
	m, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	router := m.tr.Router.(*tlsrptsmtp.Router).Router.(*mx.Router)
	router.HTTPClient = &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ws.pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, ws.srv.Listener.Addr().String())
		},
	}}
	m.reports.sender.TLSConfig = &tls.Config{RootCAs: ws.pool}
	m.reports.sender.AllowPrivateAddresses = true
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTLSReports (issue 16 item 4): customers.example publishes an
// MTA-STS policy in enforce mode and a TLSRPT record with a mailto: and an
// https: destination; its MX offers no STARTTLS. Two processes, one after
// the other on the same directories, each fail one session for want of
// TLS; the counts survive the restart, and the day's report (two failed
// sessions, starttls-not-supported, under the sts policy) is posted to the
// https: endpoint and mailed through the MTA's own queue, DKIM-signed, to
// the mailto: address at customers.example itself: delivered in plain text
// despite the policy, as RFC 8460 §3 asks, while ordinary mail there stays
// queued. A second SendDue sends nothing again.
func TestTLSReports(t *testing.T) {
	ws := startWebServer(t, "version: STSv1\r\nmode: enforce\r\nmx: mx.customers.example\r\nmax_age: 86400\r\n")
	w := newWorld(t)
	if err := w.dns.Add(fmt.Sprintf(`_mta-sts.customers.example. IN TXT "v=STSv1; id=20261201"
mta-sts.customers.example. IN A 127.0.0.1
reports.customers.example. IN A 127.0.0.1
_smtp._tls.customers.example. IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@customers.example,https://reports.customers.example:%s/tlsrpt"
`, ws.port())); err != nil {
		t.Fatal(err)
	}
	qdir, rdir := t.TempDir(), t.TempDir()
	config := func() *Config {
		cfg := w.config(qdir)
		cfg.Queue.RetryInitial, cfg.Queue.RetryMax = Duration(time.Hour), Duration(time.Hour) // one attempt per message here
		cfg.TLSRPT = TLSRPTConfig{Dir: rdir, OrganizationName: "Shop Inc.", ContactInfo: "tlsrpt@shop.example", UniqueID: "mta1"}
		if err := cfg.check(); err != nil {
			t.Fatal(err)
		}
		return cfg
	}

	m1 := newReportingMTA(t, config(), ws)
	if err := submitSMTP(m1.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", "a@customers.example", message("news@shop.example", "a@customers.example", "tls-1")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first attempt", func() bool { return m1.Stats().Deferred == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m1.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	m2 := newReportingMTA(t, config(), ws)
	t.Cleanup(func() { m2.Shutdown(context.Background()) })
	if err := submitSMTP(m2.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", "b@customers.example", message("news@shop.example", "b@customers.example", "tls-2")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second attempt", func() bool { return m2.Stats().Deferred == 1 })

	// Two days on, yesterday's and today's reports are due (two, should
	// the test run across midnight UTC).
	outs, err := m2.sendDueReports(ctx, time.Now().Add(50*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) == 0 {
		t.Fatal("no report sent")
	}
	for _, o := range outs {
		if o.Domain != "customers.example" || o.Status != tlsrpt.StatusDelivered {
			t.Errorf("report %+v, want customers.example delivered", o)
		}
	}

	// Over HTTPS: gzip JSON, read here with encoding/json alone.
	bodies, types := ws.posted()
	if len(bodies) != len(outs) {
		t.Fatalf("%d reports posted, want %d", len(bodies), len(outs))
	}
	failed := 0
	for i, b := range bodies {
		if types[i] != "application/tlsrpt+gzip" {
			t.Errorf("posted as %q", types[i])
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Org      string `json:"organization-name"`
			Contact  string `json:"contact-info"`
			ReportID string `json:"report-id"`
			Policies []struct {
				Policy struct {
					Type   string   `json:"policy-type"`
					String []string `json:"policy-string"`
					Domain string   `json:"policy-domain"`
				} `json:"policy"`
				Summary struct {
					Success int `json:"total-successful-session-count"`
					Failure int `json:"total-failure-session-count"`
				} `json:"summary"`
				Failures []struct {
					Type   string `json:"result-type"`
					MXHost string `json:"receiving-mx-hostname"`
					Count  int    `json:"failed-session-count"`
				} `json:"failure-details"`
			} `json:"policies"`
		}
		if err := json.NewDecoder(zr).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if doc.Org != "Shop Inc." || doc.Contact != "tlsrpt@shop.example" || !strings.HasSuffix(doc.ReportID, "_customers.example_mta1") || len(doc.Policies) != 1 {
			t.Fatalf("report %+v", doc)
		}
		p := doc.Policies[0]
		if p.Policy.Type != "sts" || p.Policy.Domain != "customers.example" || !strings.Contains(strings.Join(p.Policy.String, "\n"), "mode: enforce") ||
			p.Summary.Success != 0 || len(p.Failures) != 1 || p.Failures[0].Type != "starttls-not-supported" ||
			p.Failures[0].MXHost != "mx.customers.example" || p.Failures[0].Count != p.Summary.Failure {
			t.Errorf("policy %+v", p)
		}
		failed += p.Summary.Failure
	}
	if failed != 2 {
		t.Errorf("%d failed sessions reported, want 2 (one in each process)", failed)
	}

	// By mail, through the queue, to the enforce-mode domain.
	var mails []received
	waitFor(t, "the report mail", func() bool {
		mails = mails[:0]
		for _, r := range w.rec.messages() {
			if len(r.to) == 1 && r.to[0] == "tls-reports@customers.example" {
				mails = append(mails, r)
			}
		}
		return len(mails) == len(outs)
	})
	mailed := 0
	for _, r := range mails {
		if r.from != "tlsrpt@shop.example" {
			t.Errorf("report mail from %q", r.from)
		}
		sigs := verifyDKIM(t, w, r.data)
		if len(sigs) == 0 || sigs[0].Status != dkim.Pass || sigs[0].Domain != "shop.example" {
			t.Errorf("report mail signatures %+v, want shop.example's", sigs)
		}
		rep, err := tlsrpt.ParseReport(bytes.NewReader(r.data))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range rep.Policies {
			mailed += int(p.Summary.TotalFailureSessionCount)
		}
	}
	if mailed != 2 {
		t.Errorf("the mailed reports count %d failed sessions, want 2", mailed)
	}
	// The reports leave the queue; a@ and b@ stay, under the policy.
	waitFor(t, "the reports to leave the queue", func() bool { s := m2.Stats(); return s.Delivered == int64(len(outs)) && s.Queued == 2 })

	// Settled: nothing is sent again.
	if again, err := m2.sendDueReports(ctx, time.Now().Add(50*time.Hour)); err != nil || len(again) != 0 {
		t.Errorf("second SendDue: %+v, %v; want nothing", again, err)
	}
}

func TestTLSRPTConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     TLSRPTConfig
		relay string
		ok    bool
	}{
		{"off", TLSRPTConfig{}, "", true},
		{"on", TLSRPTConfig{Dir: "/var/lib/mta/tlsrpt", OrganizationName: "Shop", ContactInfo: "tlsrpt@shop.example"}, "", true},
		{"relay", TLSRPTConfig{Dir: "/d", OrganizationName: "Shop", ContactInfo: "tlsrpt@shop.example"}, "smarthost:587", false},
		{"no organization", TLSRPTConfig{Dir: "/d", ContactInfo: "tlsrpt@shop.example"}, "", false},
		{"contact", TLSRPTConfig{Dir: "/d", OrganizationName: "Shop", ContactInfo: "https://shop.example/"}, "", false},
	} {
		if err := tc.c.check(tc.relay); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// TestTLSReportsPrivateDestination: report mail to a domain whose MX
// hosts are all at addresses the Internet does not route is refused as
// other mail is (TestPrivateDestinations): no connection there, and the
// report fails at once with RFC 3463 5.4.4 rather than waiting in the
// queue. Port 25: nothing needs to listen (without the guard the attempt
// is a refused connection, a deferral).
func TestTLSReportsPrivateDestination(t *testing.T) {
	w := newWorld(t)
	w.addMX(t, "internal.example", "127.0.0.1", "10.0.0.7")
	if err := w.dns.Add(`_smtp._tls.internal.example. IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@internal.example"` + "\n"); err != nil {
		t.Fatal(err)
	}
	hr := &hookReceiver{}
	cfg := w.config(t.TempDir())
	cfg.Delivery.MXPort = 0 // 25: not a test's MX port
	cfg.TLSRPT = TLSRPTConfig{Dir: t.TempDir(), OrganizationName: "Shop Inc.", ContactInfo: "tlsrpt@shop.example"}
	withWebhook(t, cfg, hr)
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m, logs := startLogged(t, cfg)
	m.reports.agg.Add(tlsrpt.Result{Policy: tlsrpt.Policy{Type: tlsrpt.PolicyNone, Domain: "internal.example"},
		MXHost: "mx1.internal.example", Success: true})
	outs, err := m.sendDueReports(context.Background(), time.Now().Add(50*time.Hour))
	if err != nil || len(outs) == 0 {
		t.Fatalf("reports: %+v, %v; want internal.example's queued", outs, err)
	}
	waitFor(t, "the report's failure", func() bool { return hr.find("bounced", "tls-reports@internal.example") != nil })
	ev := hr.find("bounced", "tls-reports@internal.example")
	if !strings.Contains(ev.Error, "is not a globally reachable address") || ev.Enhanced != "5.4.4" || !ev.Hard {
		t.Errorf("bounced event %+v, want 5.4.4, hard, saying the destination was refused", ev)
	}
	if ev := hr.find("deferred", "tls-reports@internal.example"); ev != nil {
		t.Errorf("deferred first: %+v", ev)
	}
	if s := m.Stats(); s.Deferred != 0 {
		t.Errorf("stats %+v: want no deferral", s)
	}
	if !strings.Contains(logs.String(), "no MX address is globally reachable") {
		t.Errorf("the log does not say why the report failed:\n%s", logs.String())
	}
	if m.reports.sender.AllowPrivateAddresses {
		t.Error("https: destinations may be private")
	}
	cfg.Delivery.AllowPrivateDestinations = true
	cfg.Queue.Dir, cfg.TLSRPT.Dir = t.TempDir(), t.TempDir() // another MTA's
	if allowed := startMTA(t, cfg); !allowed.reports.sender.AllowPrivateAddresses {
		t.Error("with delivery.allow_private_destinations, https: destinations may not be private")
	}
}
