package tlsrpt

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/smtpclient"
)

// reportSink is an HTTPS server on loopback that takes reports, with the
// certificate of httptest (for example.com), answering with status.
type reportSink struct {
	srv *httptest.Server

	mu      sync.Mutex
	status  int
	posts   []*Report
	hits    int
	badPost string
}

func newReportSink(t *testing.T) *reportSink {
	s := &reportSink{status: http.StatusOK}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *reportSink) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits++
	if s.status != http.StatusOK {
		if s.status/100 == 3 {
			w.Header().Set("Location", "https://example.com/elsewhere")
		}
		http.Error(w, "not now", s.status)
		return
	}
	var rep *Report
	zr, err := gzip.NewReader(r.Body)
	if err == nil {
		rep, err = ParseReport(zr)
	}
	switch {
	case r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/tlsrpt+gzip" || r.URL.Path != "/tlsrpt":
		s.badPost = fmt.Sprintf("%s %s, Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	case err != nil:
		s.badPost = err.Error()
	default:
		s.posts = append(s.posts, rep)
	}
	w.WriteHeader(http.StatusCreated)
}

func (s *reportSink) set(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

func (s *reportSink) state() (posts []*Report, hits int, bad string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Report(nil), s.posts...), s.hits, s.badPost
}

func (s *reportSink) port() string {
	_, port, _ := net.SplitHostPort(s.srv.Listener.Addr().String())
	return port
}

// roots trusts the sink's certificate.
func (s *reportSink) roots() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	return &tls.Config{RootCAs: pool}
}

// sendSetup serves the TLSRPT record of example.org, pointing at the
// sink, and none for example.net; the sender trusts the sink's CA.
func sendSetup(t *testing.T, extra string) (*resolvertest.Server, *reportSink, *Sender) {
	t.Helper()
	sink := newReportSink(t)
	dnsSrv := resolvertest.New(t, fmt.Sprintf(`
_smtp._tls.example.org.  TXT "v=TLSRPTv1; rua=https://example.com:%s/tlsrpt"
example.com.             A   127.0.0.1
example.net.             A   192.0.2.1
%s`, sink.port(), extra))
	r := dnsSrv.Client()
	r.CacheSize = -1 // zone changes are seen at once
	s := &Sender{Resolver: r, TLSConfig: sink.roots(), AllowPrivateAddresses: true, Timeout: 5 * time.Second}
	return dnsSrv, sink, s
}

func outcomeOf(outs []Outcome, domain string) *Outcome {
	for i := range outs {
		if outs[i].Domain == domain {
			return &outs[i]
		}
	}
	return nil
}

func TestSendDueHTTPS(t *testing.T) {
	_, sink, sender := sendSetup(t, "")
	ctx := context.Background()
	a := newAggregator(nil)
	addSample(a)
	want, err := a.Reports(ctx, day1)
	if err != nil {
		t.Fatal(err)
	}

	// Before the day has ended two hours ago, nothing is due.
	outs, err := a.SendDue(ctx, sender, day2.Add(2*time.Hour-time.Second))
	if _, hits, _ := sink.state(); err != nil || len(outs) != 0 || hits != 0 {
		t.Fatalf("too early: %+v, %v, %d posts", outs, err, hits)
	}

	now := day2.Add(2 * time.Hour)
	outs, err = a.SendDue(ctx, sender, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 2 {
		t.Fatalf("outcomes %+v, want one for each domain of day1", outs)
	}
	org, net := outcomeOf(outs, "example.org"), outcomeOf(outs, "example.net")
	wantTo := "https://example.com:" + sink.port() + "/tlsrpt"
	if org == nil || org.Status != StatusDelivered || org.To != wantTo || org.Err != nil || org.ReportID != want[1].ReportID {
		t.Errorf("example.org: %+v, want delivered to %s", org, wantTo)
	}
	if net == nil || net.Status != StatusNoRecord || !errors.Is(net.Err, ErrNoRecord) {
		t.Errorf("example.net: %+v, want no-record", net)
	}
	posts, hits, bad := sink.state()
	if bad != "" || hits != 1 || len(posts) != 1 {
		t.Fatalf("sink: %d requests, %d reports, bad %q", hits, len(posts), bad)
	}
	if !reflect.DeepEqual(posts[0], want[1]) {
		t.Errorf("the sink got\n%+v\nwant\n%+v", posts[0], want[1])
	}

	// Day1 is settled and forgotten; day2 waits. A result for day1 that
	// comes now is dropped: its report has gone.
	days, _ := a.store().Days(ctx)
	if len(days) != 1 || !days[0].Equal(day2) {
		t.Errorf("days kept: %v, want only day2", days)
	}
	a.Add(Result{Time: day1.Add(23 * time.Hour), Policy: stsPolicy, Success: true})
	if reps, err := a.Reports(ctx, day1); err != nil || len(reps) != 0 {
		t.Errorf("a late result for a reported day was counted: %+v, %v", reps, err)
	}
	if outs, err := a.SendDue(ctx, sender, now.Add(time.Hour)); err != nil || len(outs) != 0 {
		t.Errorf("SendDue again: %+v, %v; want nothing", outs, err)
	}
	if _, hits, _ := sink.state(); hits != 1 {
		t.Errorf("%d posts, want the one", hits)
	}
}

// TestSendDueRetry checks redelivery with backoff, and giving up 24
// hours after the first attempt (RFC 8460 §5.5), across a restart.
func TestSendDueRetry(t *testing.T) {
	_, sink, sender := sendSetup(t, "")
	ctx := context.Background()
	dir := t.TempDir()
	a := newAggregator(&DirStore{Dir: dir})
	a.Add(Result{Time: day1, Policy: stsPolicy, Success: true})
	a.Add(Result{Time: day2, Policy: stsPolicy, Success: true})
	sink.set(http.StatusServiceUnavailable)

	send := func(a *Aggregator, now time.Time) *Outcome {
		t.Helper()
		outs, err := a.SendDue(ctx, sender, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(outs) > 1 {
			t.Fatalf("outcomes %+v", outs)
		}
		if len(outs) == 0 {
			return nil
		}
		return &outs[0]
	}
	hits := func() int { _, n, _ := sink.state(); return n }

	t0 := day2.Add(3 * time.Hour)
	if o := send(a, t0); o == nil || o.Status != StatusRetry || !strings.Contains(o.Err.Error(), "503") {
		t.Fatalf("503: %+v, want retry", o)
	}
	if o := send(a, t0.Add(4*time.Minute)); o != nil || hits() != 1 {
		t.Fatalf("within the backoff: %+v, %d requests; want nothing tried", o, hits())
	}
	// After a restart the attempts are remembered.
	a = newAggregator(&DirStore{Dir: dir})
	if o := send(a, t0.Add(5*time.Minute)); o == nil || o.Status != StatusRetry || hits() != 2 {
		t.Fatalf("after 5 minutes: %+v, %d requests", o, hits())
	}
	if o := send(a, t0.Add(14*time.Minute)); o != nil || hits() != 2 {
		t.Fatalf("the second backoff is 10 minutes: %+v, %d requests", o, hits())
	}
	sink.set(http.StatusOK)
	if o := send(a, t0.Add(15*time.Minute)); o == nil || o.Status != StatusDelivered || hits() != 3 {
		t.Fatalf("repaired: %+v, %d requests", o, hits())
	}

	// Day2's report is never taken: given up 24 hours after the first try.
	sink.set(http.StatusInternalServerError)
	t1 := day2.Add(26 * time.Hour)
	tries := 0
	var last *Outcome
	for now := t1; now.Before(t1.Add(25 * time.Hour)); now = now.Add(5 * time.Minute) {
		if o := send(a, now); o != nil {
			tries++
			last = o
			if o.Status != StatusRetry {
				break
			}
		}
	}
	if last == nil || last.Status != StatusFailed || !strings.Contains(last.Err.Error(), "24 hours") {
		t.Fatalf("last outcome %+v, want failed after 24 hours", last)
	}
	// Waits of 5 min doubling to at most 4 h: tries at 0, 5, 15, 35, 75,
	// 155, 315, 555, 795, 1035 and 1275 minutes, then the verdict.
	if _, n, _ := sink.state(); tries != 12 || n != 3+11 {
		t.Errorf("%d outcomes and %d more requests, want 11 tries and the verdict", tries, n-3)
	}
	if days, _ := a.store().Days(ctx); len(days) != 0 {
		t.Errorf("days kept after everything settled: %v", days)
	}
}

// TestSendFailures checks what Send makes of each way a destination can
// fail, and how SendDue would file it.
func TestSendFailures(t *testing.T) {
	ctx := context.Background()
	rep := func() *Report {
		a := newAggregator(nil)
		a.Add(Result{Time: day1, Policy: stsPolicy, Success: true})
		reps, err := a.Reports(ctx, day1)
		if err != nil {
			t.Fatal(err)
		}
		return reps[0]
	}()
	tests := []struct {
		name   string
		extra  string // zone lines; example.org's record is replaced when it has one
		setup  func(s *Sender, sink *reportSink)
		status Status
		hits   int
		errHas string
	}{
		{"HTTP 400", "", func(_ *Sender, k *reportSink) { k.set(http.StatusBadRequest) }, StatusFailed, 1, "400"},
		{"HTTP 429", "", func(_ *Sender, k *reportSink) { k.set(http.StatusTooManyRequests) }, StatusRetry, 1, "429"},
		{"redirect not followed", "", func(_ *Sender, k *reportSink) { k.set(http.StatusFound) }, StatusFailed, 1, "redirect"},
		{"certificate not trusted", "", func(s *Sender, _ *reportSink) { s.TLSConfig = nil }, StatusRetry, 0, "certificate"},
		{"loopback refused by default", "", func(s *Sender, _ *reportSink) { s.AllowPrivateAddresses = false }, StatusFailed, 0, "not public"},
		{"report too large", "", func(s *Sender, _ *reportSink) { s.MaxReportSize = 10 }, StatusFailed, 0, "more than 10"},
		{"no usable scheme", `_smtp._tls.example.org. TXT "v=TLSRPTv1; rua=ftp://example.com/r"`, nil, StatusFailed, 0, "no usable destination"},
		{"mailto without SendMail", `_smtp._tls.example.org. TXT "v=TLSRPTv1; rua=mailto:r@example.org"`, nil, StatusFailed, 0, "no usable destination"},
		{"invalid record", `_smtp._tls.example.org. TXT "v=TLSRPTv1; rua=r@example.org"`, nil, StatusNoRecord, 0, "syntax"},
		{"DNS failure", "", func(s *Sender, _ *reportSink) {}, StatusRetry, 0, "server failure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dnsSrv, sink, s := sendSetup(t, "")
			if tt.extra != "" {
				dnsSrv.SetZone(tt.extra + "\nexample.com. A 127.0.0.1\n")
			}
			if tt.name == "DNS failure" {
				dnsSrv.SetFault("_smtp._tls.example.org.", dns.TypeTXT, resolvertest.ServFail)
			}
			if tt.setup != nil {
				tt.setup(s, sink)
			}
			to, err := s.Send(ctx, rep, "")
			_, hits, _ := sink.state()
			if got := status(err); got != tt.status || to != "" || hits != tt.hits || err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("Send = %q, %v (%s), %d requests; want %s, %d requests, error with %q", to, err, got, hits, tt.status, tt.hits, tt.errHas)
			}
		})
	}
}

// smtpSink is a go-smtp server on loopback that keeps what it receives.
type smtpSink struct {
	mu   sync.Mutex
	msgs []sunkMessage
}

type sunkMessage struct {
	from string
	to   []string
	data []byte
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }

type sinkSession struct {
	sink *smtpSink
	msg  sunkMessage
}

func (*sinkSession) Reset()        {}
func (*sinkSession) Logout() error { return nil }
func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg = sunkMessage{from: from}
	return nil
}
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = b
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, s.msg)
	s.sink.mu.Unlock()
	return nil
}

func startSMTPSink(t *testing.T) (*smtpSink, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink := &smtpSink{}
	srv := smtp.NewServer(sink)
	srv.Domain = "sink.example"
	srv.AllowInsecureAuth = true
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return sink, l.Addr().(*net.TCPAddr).Port
}

// TestSendMailto delivers a report by mail: SendMail hands it to an
// smtpclient.Transport that relays to a go-smtp sink, as a sending path
// would. The message is then read by ParseReport and by Python's email
// package.
func TestSendMailto(t *testing.T) {
	dnsSrv, sink, s := sendSetup(t, "")
	dnsSrv.SetZone(fmt.Sprintf(`
_smtp._tls.example.org. TXT "v=TLSRPTv1; rua=mailto:tls%%2Dreports@example.org,https://example.com:%s/tlsrpt"
example.com. A 127.0.0.1
`, sink.port()))
	smtpS, port := startSMTPSink(t)
	relay := &smtpclient.Transport{Host: "127.0.0.1", Port: port, TLS: smtpclient.TLSNone, LocalName: "sender.example"}
	defer relay.Close()
	s.SendMail = func(ctx context.Context, from, to string, msg []byte) error {
		_, err := relay.Send(ctx, smtpclient.Envelope{From: from, To: []string{to}}, bytes.NewReader(msg))
		return err
	}
	ctx := context.Background()
	a := newAggregator(nil)
	a.UniqueID = "mta1"
	addSample(a)
	want, err := a.Reports(ctx, day1)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := a.SendDue(ctx, s, day2.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomeOf(outs, "example.org"); o == nil || o.Status != StatusDelivered || o.To != "mailto:tls%2Dreports@example.org" {
		t.Fatalf("outcome %+v, want delivered by mail first", o)
	}
	if posts, _, _ := sink.state(); len(posts) != 1 {
		t.Errorf("the https: destination got %d reports, want it too", len(posts))
	}
	smtpS.mu.Lock()
	msgs := smtpS.msgs
	smtpS.mu.Unlock()
	if len(msgs) != 1 || msgs[0].from != "tlsrpt@sender.example" || !reflect.DeepEqual(msgs[0].to, []string{"tls-reports@example.org"}) {
		t.Fatalf("SMTP sink got %+v", msgs)
	}
	data := msgs[0].data
	got, err := ParseReport(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading the report mail: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(got, want[1]) {
		t.Errorf("report in the mail\n%+v\nwant\n%+v", got, want[1])
	}
	if !bytes.Contains(data, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("the message does not end its lines with CRLF only")
	}
	start, end := strconv.FormatInt(day1.Unix(), 10), strconv.FormatInt(day1.Add(24*time.Hour-time.Second).Unix(), 10)
	checkReportMail(t, data, map[string]string{
		"content_type":  "multipart/report",
		"report_type":   "tlsrpt",
		"subject":       "Report Domain: example.org Submitter: sender.example Report-ID: <2026-12-01T00.00.00Z_example.org_mta1@sender.example>",
		"domain":        "example.org",
		"submitter":     "sender.example",
		"from":          "tlsrpt@sender.example",
		"to":            "tls-reports@example.org",
		"part_type":     "application/tlsrpt+gzip",
		"filename":      "sender.example!example.org!" + start + "!" + end + "!mta1.json.gz",
		"report_id":     "2026-12-01T00:00:00Z_example.org_mta1",
		"organization":  "Sender Inc.",
		"policies":      "2",
		"text_mentions": "example.org",
	})
}

// readMailPy reads a report message with Python's email package and
// prints what RFC 8460 §5.3 specifies about it, as JSON.
const readMailPy = `
import sys, json, gzip, email
from email import policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=policy.default)
out = {"content_type": m.get_content_type(), "report_type": m.get_param("report-type"),
       "subject": str(m["Subject"]), "domain": str(m["TLS-Report-Domain"]),
       "submitter": str(m["TLS-Report-Submitter"]),
       "from": m["From"].addresses[0].addr_spec, "to": m["To"].addresses[0].addr_spec}
defects = len(m.defects)
for p in m.walk():
    defects += len(p.defects)
    if p.get_content_type() == "application/tlsrpt+gzip":
        out["part_type"] = p.get_content_type()
        out["filename"] = p.get_filename()
        rep = json.loads(gzip.decompress(p.get_payload(decode=True)))
        out["report_id"] = rep["report-id"]
        out["organization"] = rep["organization-name"]
        out["policies"] = str(len(rep["policies"]))
    elif p.get_content_type() == "text/plain" and "example.org" in p.get_content():
        out["text_mentions"] = "example.org"
out["defects"] = str(defects)
print(json.dumps(out))
`

// checkReportMail checks a report message with Python's email package,
// an independent reader.
func checkReportMail(t *testing.T, msg []byte, want map[string]string) {
	t.Run("python", func(t *testing.T) {
		py := testenv.Program(t, "/usr/bin/python3", "python3")
		cmd := exec.Command(py, "-c", readMailPy)
		cmd.Stdin = bytes.NewReader(msg)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("python3: %v\n%s", err, stderr.Bytes())
		}
		var got map[string]string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("python3 printed %q: %v", out, err)
		}
		want["defects"] = "0"
		for k, v := range want {
			if got[k] != v {
				t.Errorf("Python's email package reads %s = %q, want %q", k, got[k], v)
			}
		}
	})
}

// TestSendMaxDestinations: a report goes to at most MaxDestinations of
// the record's destinations (each https: URI, each mailbox of a mailto:
// URI), in the record's order; default 5.
func TestSendMaxDestinations(t *testing.T) {
	dnsSrv, sink, s := sendSetup(t, "")
	var rua []string
	for i := range 7 {
		rua = append(rua, fmt.Sprintf("mailto:r%d@example.org", i))
	}
	rua[1] = "mailto:r1@example.org%2Cr1b@example.org"
	rua[2] = fmt.Sprintf("https://example.com:%s/tlsrpt", sink.port())
	dnsSrv.SetZone(fmt.Sprintf(`
_smtp._tls.example.org. TXT "v=TLSRPTv1; rua=%s"
example.com. A 127.0.0.1
`, strings.Join(rua, ",")))
	var mailed []string
	s.SendMail = func(_ context.Context, _, to string, _ []byte) error {
		mailed = append(mailed, to)
		return nil
	}
	ctx := context.Background()
	a := newAggregator(nil)
	addSample(a)
	reps, err := a.Reports(ctx, day1)
	if err != nil {
		t.Fatal(err)
	}
	var rep *Report
	for _, r := range reps {
		if r.PolicyDomain() == "example.org" {
			rep = r
		}
	}
	if rep == nil {
		t.Fatal("no report for example.org")
	}
	for _, tc := range []struct {
		max    int
		mailed []string
		posts  int
	}{
		{3, []string{"r0@example.org", "r1@example.org", "r1b@example.org"}, 0},
		{4, []string{"r0@example.org", "r1@example.org", "r1b@example.org"}, 1},
		{0, []string{"r0@example.org", "r1@example.org", "r1b@example.org", "r3@example.org"}, 1},
	} {
		mailed = nil
		before, _, _ := sink.state()
		s.MaxDestinations = tc.max
		if _, err := s.Send(ctx, rep, "mta1"); err != nil {
			t.Fatal(err)
		}
		after, _, _ := sink.state()
		if !slices.Equal(mailed, tc.mailed) || len(after)-len(before) != tc.posts {
			t.Errorf("MaxDestinations %d: mailed %v and posted %d, want %v and %d", tc.max, mailed, len(after)-len(before), tc.mailed, tc.posts)
		}
	}
}
