package tlsrptsmtp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/smtpclient"
	"github.com/mxkit/mxkit/tlsrpt"
)

type backend struct{}

func (backend) NewSession(*smtp.Conn) (smtp.Session, error) { return session{}, nil }

type session struct{}

func (session) Reset()                               {}
func (session) Logout() error                        { return nil }
func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (session) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func startSMTP(t *testing.T, conf *tls.Config) (port int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(backend{})
	srv.Domain = "example.com"
	srv.TLSConfig = conf
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// policyServer serves the MTA-STS policy of example.org over HTTPS with
// httptest's certificate (for example.com), or the status it is set to.
type policyServer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
}

func (p *policyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	status := p.status
	p.mu.Unlock()
	if status != http.StatusOK {
		http.Error(w, "no policy here", status)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "version: STSv1\nmode: enforce\nmx: example.com\nmax_age: 86400\n")
}

// client returns an HTTP client for mx that reaches the policy server
// whatever the name, and checks its certificate for example.com.
func (p *policyServer) client(roots *x509.CertPool) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, p.srv.Listener.Addr().String())
		},
		TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: "example.com"},
		DisableKeepAlives: true,
	}}
}

// TestDeliveries counts real deliveries: smtpclient delivers to go-smtp
// servers on loopback through mx routes found with resolvertest, under an
// MTA-STS policy, after its fetch failed (counted by Router), and to a
// server without STARTTLS; the day's report holds each.
func TestDeliveries(t *testing.T) {
	policy := &policyServer{status: http.StatusOK}
	policy.srv = httptest.NewUnstartedServer(policy)
	policy.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	policy.srv.StartTLS()
	defer policy.srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(policy.srv.Certificate())
	tlsPort := startSMTP(t, &tls.Config{Certificates: policy.srv.TLS.Certificates})
	plainPort := startSMTP(t, nil)

	dns := resolvertest.New(t, `
example.org.           MX  10 example.com.
example.com.           A   127.0.0.1
_mta-sts.example.org.  TXT "v=STSv1; id=1"
`)
	agg := &tlsrpt.Aggregator{OrganizationName: "Sender", ContactInfo: "tlsrpt@sender.example"}
	ctx := context.Background()
	deliver := func(port int) {
		t.Helper()
		router := &Router{Router: &mx.Router{Resolver: dns.Client(), HTTPClient: policy.client(roots)}, Aggregator: agg}
		tr := &smtpclient.Transport{Router: router, Port: port, TLSConfig: &tls.Config{RootCAs: roots},
			LocalName: "sender.example", TLSReport: func(r smtpclient.TLSResult) { agg.Add(Result(r)) }}
		defer tr.Close()
		_, err := tr.Deliver(ctx, "example.org", smtpclient.Envelope{From: "a@sender.example", To: []string{"b@example.org"}},
			strings.NewReader("From: a@sender.example\r\nTo: b@example.org\r\nSubject: t\r\n\r\nhi\r\n"))
		if err != nil {
			t.Fatalf("Deliver: %v", err)
		}
	}
	before := time.Now()
	deliver(tlsPort) // MTA-STS enforce, verified TLS
	policy.mu.Lock()
	policy.status = http.StatusNotFound
	policy.mu.Unlock()
	deliver(tlsPort)   // policy fetch fails: no policy, STARTTLS all the same
	deliver(plainPort) // no policy, no STARTTLS
	if !sameDay(before, time.Now()) {
		t.Skip("the deliveries straddled midnight UTC")
	}

	reps, err := agg.Reports(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].PolicyDomain() != "example.org" {
		t.Fatalf("reports %+v", reps)
	}
	byKind := map[string]tlsrpt.PolicyResult{}
	for _, p := range reps[0].Policies {
		kind := string(p.Policy.Type)
		if len(p.Policy.Strings) > 0 {
			kind += "+strings"
		}
		byKind[kind] = p
	}
	sts, stsFail, none := byKind["sts+strings"], byKind["sts"], byKind["no-policy-found"]
	if len(reps[0].Policies) != 3 {
		t.Fatalf("policies %+v, want sts, sts without policy, no-policy-found", reps[0].Policies)
	}
	if sts.Summary != (tlsrpt.Summary{TotalSuccessfulSessionCount: 1}) ||
		!slices.Equal(sts.Policy.Strings, []string{"version: STSv1", "mode: enforce", "mx: example.com", "max_age: 86400"}) ||
		!slices.Equal(sts.Policy.MXHost, []string{"example.com"}) {
		t.Errorf("MTA-STS policy: %+v", sts)
	}
	// A failed refresh beside a cached policy counts under the policy the
	// sessions count under: the strings are written alike.
	route, err := (&mx.Router{Resolver: dns.Client(), HTTPClient: policy.client(roots)}).Lookup(ctx, "example.org")
	if err != nil {
		t.Fatal(err)
	}
	route.Policy.MTASTS = &mx.STSPolicy{Version: "STSv1", Mode: "enforce", MX: []string{"example.com"}, MaxAge: 24 * time.Hour}
	if r, ok := PolicyFailure(route, before); !ok || !slices.Equal(r.Policy.Strings, sts.Policy.Strings) ||
		!slices.Equal(r.Policy.MXHost, sts.Policy.MXHost) || r.ResultType != tlsrpt.ResultSTSPolicyFetchError {
		t.Errorf("PolicyFailure with a cached policy = %+v, %v; want the strings %q", r, ok, sts.Policy.Strings)
	}
	if stsFail.Summary != (tlsrpt.Summary{TotalFailureSessionCount: 2}) || len(stsFail.FailureDetails) != 1 ||
		stsFail.FailureDetails[0].ResultType != tlsrpt.ResultSTSPolicyFetchError ||
		!strings.Contains(stsFail.FailureDetails[0].FailureReasonCode, "404") {
		t.Errorf("failed policy fetches: %+v", stsFail)
	}
	if none.Summary != (tlsrpt.Summary{TotalSuccessfulSessionCount: 1, TotalFailureSessionCount: 1}) || len(none.FailureDetails) != 1 {
		t.Fatalf("no policy: %+v", none)
	}
	f := none.FailureDetails[0]
	if f.ResultType != tlsrpt.ResultSTARTTLSNotSupported || f.ReceivingMXHostname != "example.com" ||
		f.ReceivingIP.String() != "127.0.0.1" || f.SendingMTAIP.String() != "127.0.0.1" || f.FailureReasonCode == "" {
		t.Errorf("session without STARTTLS: %+v", f)
	}
}

func sameDay(a, b time.Time) bool {
	a, b = a.UTC(), b.UTC()
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

func TestResultDANE(t *testing.T) {
	r := Result(smtpclient.TLSResult{PolicyType: "tlsa", PolicyDomain: "example.org",
		PolicyStrings: []string{"3 1 1 00ff"}, MXHost: "mx1.example.org", ResultType: "tlsa-invalid", Detail: "no match"})
	if r.Policy.Type != tlsrpt.PolicyTLSA || !slices.Equal(r.Policy.MXHost, []string{"mx1.example.org"}) ||
		r.ResultType != tlsrpt.ResultTLSAInvalid || r.Reason != "no match" || r.Success {
		t.Errorf("Result = %+v", r)
	}
	if _, ok := PolicyFailure(&mx.Route{Domain: "example.org"}, time.Now()); ok {
		t.Error("PolicyFailure for a route without a failure")
	}
}
