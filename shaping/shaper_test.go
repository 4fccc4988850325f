package shaping_test

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

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/shaping"
	"github.com/mxkit/mxkit/smtpclient"
)

func TestProviderOf(t *testing.T) {
	for host, want := range map[string]string{
		"gmail-smtp-in.l.google.com":              "google",
		"ALT1.ASPMX.L.GOOGLE.COM.":                "google",
		"example-com.mail.protection.outlook.com": "microsoft",
		"hotmail-com.olc.protection.outlook.com":  "microsoft",
		"mta5.am0.yahoodns.net":                   "yahoo",
		"mx-aol.mail.gm0.yahoodns.net":            "yahoo",
		"mx01.mail.icloud.com":                    "apple",
		"mx1a1.comcast.net":                       "comcast",
		"smtp-in.orange.fr":                       "orange",
		"mx00.emig.gmx.net":                       "gmx",
		"mx-ha03.web.de":                          "gmx",
		"mxs.mail.ru":                             "mailru",
		"mx.yandex.net":                           "yandex",
		"mx.zoho.eu":                              "zoho",
		"mx0a-001.pphosted.com":                   "proofpoint",
		"mail.example.com":                        "",
		"google.com.evil.example":                 "",
		"notgoogle.com":                           "",
		"":                                        "",
	} {
		if got := shaping.ProviderOf(host); got != want {
			t.Errorf("ProviderOf(%q) = %q, want %q", host, got, want)
		}
	}
	s := &shaping.Shaper{Providers: map[string]string{"mx.partner.example": "partner"}}
	if d := s.Destination("MX.Partner.example"); d != "partner" {
		t.Errorf("extra table: %q", d)
	}
	if d := s.Destination("Mail.Unknown.Example."); d != "mail.unknown.example" {
		t.Errorf("unknown host's destination %q, want the host", d)
	}
}

func reply(host string, st delivery.Status, code int, enh delivery.EnhancedCode, text string) *delivery.Outcome {
	return &delivery.Outcome{Recipient: "r@example.com", Status: st, Stage: delivery.StageMail, Code: code,
		Enhanced: enh, Text: text, Host: host, Time: time.Now()}
}

var src = netip.MustParseAddr("192.0.2.10")

// The default rules act on the replies their providers publish, and only
// from those providers.
func TestDefaultRules(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		o    *delivery.Outcome
		want shaping.ActionKind
		rule string
	}{
		{"gmail 4.7.28", reply("gmail-smtp-in.l.google.com", delivery.Deferred, 421, delivery.EnhancedCode{4, 7, 28},
			"[192.0.2.10] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp"),
			shaping.SetRate, "gmail-rate-limited"},
		{"yahoo TSS04", reply("mta6.am0.yahoodns.net", delivery.Deferred, 421, delivery.EnhancedCode{4, 7, 0},
			"[TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"),
			shaping.Suspend, "yahoo-tss04"},
		{"yahoo TSS09", reply("mta6.am0.yahoodns.net", delivery.Failed, 553, delivery.EnhancedCode{5, 7, 2},
			"[TSS09] All messages from 192.0.2.10 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes"),
			shaping.Suspend, "yahoo-tss09"},
		{"outlook RP-001", reply("hotmail-com.olc.protection.outlook.com", delivery.Deferred, 421, delivery.EnhancedCode{},
			"RP-001 (BAY004-MC1F41) Unfortunately, some messages from 192.0.2.10 weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day."),
			shaping.SetRate, "outlook-rp001"},
		{"outlook RP-002", reply("hotmail-com.olc.protection.outlook.com", delivery.Deferred, 421, delivery.EnhancedCode{},
			"RP-002 (COL004-MC1F18) Unfortunately, some messages from 192.0.2.10 weren't sent. Please try again."),
			shaping.SetMaxConns, "outlook-rp002-rp003"},
		{"microsoft 4.7.650", reply("example-com.mail.protection.outlook.com", delivery.Deferred, 451, delivery.EnhancedCode{4, 7, 650},
			"The mail server [192.0.2.10] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775)"),
			shaping.Suspend, "microsoft-ip-reputation"},
		{"comcast sessions", reply("mx1a1.comcast.net", delivery.Deferred, 421, delivery.EnhancedCode{},
			"Too many sessions opened"), shaping.SetMaxConns, "comcast-too-many-sessions"},
		{"gmail 5.1.1 changes nothing", reply("gmail-smtp-in.l.google.com", delivery.Failed, 550, delivery.EnhancedCode{5, 1, 1},
			"The email account that you tried to reach does not exist."), 0, ""},
		{"yahoo's text from another provider", reply("mx.example.net", delivery.Deferred, 421, delivery.EnhancedCode{4, 7, 0},
			"[TSS04] Messages from 192.0.2.10 temporarily deferred"), 0, ""},
		{"4.7.28 from a host that is not Google's", reply("mx.example.net", delivery.Deferred, 421, delivery.EnhancedCode{4, 7, 28},
			"rate limited"), 0, ""},
	} {
		s := &shaping.Shaper{}
		got, err := s.Observe(ctx, "acme", src, c.o)
		if err != nil {
			t.Fatal(err)
		}
		if c.want == 0 {
			if len(got) != 0 {
				t.Errorf("%s: actions %+v, want none", c.name, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Action != c.want || got[0].Rule != c.rule || got[0].Source != src || !got[0].Until.After(time.Now()) {
			t.Errorf("%s: actions %+v, want %v by %s", c.name, got, c.want, c.rule)
		}
	}
	// Ten Gmail 4.7.28 replies within ten minutes suspend.
	s := &shaping.Shaper{}
	o := reply("alt1.gmail-smtp-in.l.google.com", delivery.Deferred, 421, delivery.EnhancedCode{4, 7, 28}, "rate limited")
	var kinds []shaping.ActionKind
	for range 10 {
		got, _ := s.Observe(ctx, "", src, o)
		for _, g := range got {
			kinds = append(kinds, g.Action)
		}
	}
	if len(kinds) != 2 || kinds[0] != shaping.SetRate || kinds[1] != shaping.Suspend {
		t.Errorf("ten 4.7.28 replies: actions %v, want set-rate once then suspend once", kinds)
	}
	os, _ := s.Overrides(ctx)
	if len(os) != 2 {
		t.Errorf("Overrides: %+v", os)
	}
	err := s.Admit(ctx, "gmail-smtp-in.l.google.com", src)
	if !errors.Is(err, shaping.ErrSuspended) {
		t.Fatalf("Admit while suspended: %v", err)
	}
	var out *delivery.Outcome
	if !errors.As(err, &out) || out.Status != delivery.Deferred || out.Enhanced != (delivery.EnhancedCode{4, 4, 5}) {
		t.Errorf("suspension outcome %+v", out)
	}
	if err := s.Admit(ctx, "gmail-smtp-in.l.google.com", netip.MustParseAddr("192.0.2.11")); err != nil {
		t.Errorf("another source is suspended too: %v", err)
	}
	if err := s.Admit(ctx, "mta5.am0.yahoodns.net", src); err != nil {
		t.Errorf("another provider is suspended too: %v", err)
	}
}

// throttler is an SMTP server that answers like a throttling provider:
// after n messages it answers 421 4.7.28 to MAIL FROM until release.
type throttler struct {
	n        int
	mu       sync.Mutex
	taken    int
	refused  int
	throttle atomic.Bool
	open     atomic.Int32
	peak     atomic.Int32
}

func (b *throttler) NewSession(*smtp.Conn) (smtp.Session, error) {
	if n := b.open.Add(1); n > b.peak.Load() {
		b.peak.Store(n)
	}
	return &tsession{b: b}, nil
}

type tsession struct{ b *throttler }

func (s *tsession) AuthPlain(string, string) error { return nil }
func (s *tsession) Mail(string, *smtp.MailOptions) error {
	b := s.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.taken >= b.n && b.throttle.Load() {
		b.refused++
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 28},
			Message: "Our system has detected an unusual rate of unsolicited mail originating from your IP address."}
	}
	return nil
}
func (s *tsession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *tsession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	s.b.mu.Lock()
	s.b.taken++
	s.b.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	return nil
}
func (s *tsession) Reset()        {}
func (s *tsession) Logout() error { s.b.open.Add(-1); return nil }

func startThrottler(t *testing.T, n int) (*throttler, string, int) {
	b := &throttler{n: n}
	b.throttle.Store(true)
	srv := smtp.NewServer(b)
	srv.Domain = "mx.throttler.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return b, "127.0.0.1", l.Addr().(*net.TCPAddr).Port
}

const msg = "From: a@x.example\r\nTo: b@y.example\r\nSubject: hi\r\n\r\nhello\r\n"

// End to end through smtpclient: a receiver that throttles after 5
// messages; the rule suspends the destination, messages are deferred by
// the Shaper without reaching the server, and flow again once the
// suspension ends; then a rate rule slows them down.
func TestSuspendAndRecover(t *testing.T) {
	b, host, port := startThrottler(t, 5)
	s := &shaping.Shaper{
		Providers: map[string]string{host: "google"},
		Rules: []shaping.Rule{{Name: "test-suspend", Provider: "google", Enhanced: []delivery.EnhancedCode{{4, 7, 28}},
			Action: shaping.Action{Kind: shaping.Suspend, Duration: 300 * time.Millisecond}}},
	}
	tr := &smtpclient.Transport{Host: host, Port: port, TLS: smtpclient.TLSNone, Shaper: s}
	defer tr.Close()
	ctx := context.Background()
	send := func() (*smtpclient.Result, error) {
		return tr.Send(ctx, smtpclient.Envelope{From: "a@x.example", To: []string{"b@y.example"}}, strings.NewReader(msg))
	}
	delivered, suspended := 0, 0
	for range 8 {
		res, err := send()
		o := &res.Recipients[0]
		switch {
		case err == nil:
			delivered++
		case errors.Is(err, shaping.ErrSuspended):
			suspended++
		default:
			if ov, _ := s.Observe(ctx, "", res.Source, o); len(ov) != 1 || ov[0].Action != shaping.Suspend {
				t.Fatalf("the 421 4.7.28 did not suspend: %v, %+v", err, ov)
			}
		}
	}
	b.mu.Lock()
	refused := b.refused
	b.mu.Unlock()
	// The 421 may be met twice: smtpclient tries a fresh session when a
	// reused one refuses its first command.
	if delivered != 5 || refused < 1 || refused > 2 || suspended != 2 {
		t.Errorf("delivered %d, refused by the server %d, suspended %d; want 5, 1 or 2, 2", delivered, refused, suspended)
	}
	os, _ := s.Overrides(ctx)
	if len(os) != 1 || os[0].Reason == "" || !strings.Contains(os[0].Reason, "4.7.28") {
		t.Errorf("Overrides %+v: want the suspension with its reply", os)
	}
	b.throttle.Store(false)
	time.Sleep(350 * time.Millisecond)
	if os, _ := s.Overrides(ctx); len(os) != 0 {
		t.Errorf("suspension still listed after it ended: %+v", os)
	}
	if _, err := send(); err != nil {
		t.Errorf("after the suspension ended: %v", err)
	}
}

// A SetRate rule slows the destination down: never faster than the rate.
func TestSetRate(t *testing.T) {
	_, host, port := startThrottler(t, 1<<30)
	ctx := context.Background()
	// Standing limit: 20 messages a second.
	s := &shaping.Shaper{Providers: map[string]string{host: "google"}, Rules: []shaping.Rule{},
		Limits: map[string]shaping.Limit{"google": {Rate: shaping.Rate{Messages: 20, Per: time.Second}}}}
	tr := &smtpclient.Transport{Host: host, Port: port, TLS: smtpclient.TLSNone, Shaper: s}
	defer tr.Close()
	start := time.Now()
	for range 11 {
		if _, err := tr.Send(ctx, smtpclient.Envelope{From: "a@x.example", To: []string{"b@y.example"}}, strings.NewReader(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 400*time.Millisecond { // 2 at once (the burst), 9 at 50 ms
		t.Errorf("11 messages at 20/s took %v, less than the 450 ms the rate allows", d)
	}
}

// A tenant's suspension holds back that tenant's mail only.
func TestTenantSuspension(t *testing.T) {
	ctx := context.Background()
	s := &shaping.Shaper{Rules: []shaping.Rule{{Name: "complaints", Provider: "yahoo",
		Action: shaping.Action{Kind: shaping.Suspend, Scope: shaping.ByTenant, Duration: time.Minute}}}}
	o := reply("mta5.am0.yahoodns.net", delivery.Deferred, 421, delivery.EnhancedCode{4, 7, 0}, "deferred")
	if ov, _ := s.Observe(ctx, "acme", src, o); len(ov) != 1 || ov[0].Tenant != "acme" {
		t.Fatalf("overrides %+v", ov)
	}
	if err := s.Admit(shaping.WithTenant(ctx, "acme"), "mta5.am0.yahoodns.net", src); !errors.Is(err, shaping.ErrSuspended) {
		t.Errorf("acme's mail: %v", err)
	}
	if err := s.Admit(shaping.WithTenant(ctx, "other"), "mta5.am0.yahoodns.net", src); err != nil {
		t.Errorf("another tenant's mail: %v", err)
	}
}

// SetMaxConns caps smtpclient's sessions to the destination at run time.
func TestSetMaxConns(t *testing.T) {
	b, host, port := startThrottler(t, 1<<30)
	s := &shaping.Shaper{Providers: map[string]string{host: "comcast"}}
	tr := &smtpclient.Transport{Host: host, Port: port, TLS: smtpclient.TLSNone, Shaper: s, MaxConnsPerHost: 8}
	defer tr.Close()
	ctx := context.Background()
	if ov, _ := s.Observe(ctx, "", netip.Addr{}, reply(host, delivery.Deferred, 421, delivery.EnhancedCode{}, "Too many sessions opened")); len(ov) != 1 {
		t.Fatalf("no override: %+v", ov)
	}
	if n := s.MaxConns(host); n != 10 {
		t.Fatalf("MaxConns %d, want the rule's 10", n)
	}
	s2 := &shaping.Shaper{Providers: map[string]string{host: "comcast"}, Limits: map[string]shaping.Limit{"comcast": {MaxConns: 2}}}
	tr.Shaper = s2
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := tr.Send(ctx, smtpclient.Envelope{From: "a@x.example", To: []string{"b@y.example"}}, strings.NewReader(msg)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if p := b.peak.Load(); p > 2 {
		t.Errorf("peak %d sessions with a cap of 2", p)
	}
}

type brokenState struct{ shaping.Memory }

func (*brokenState) Allow(context.Context, string, shaping.Rate) (time.Duration, error) {
	return 0, errors.New("connection refused")
}

// Limits fail closed: when the State cannot answer, messages are
// deferred, never sent unthrottled.
func TestFailClosed(t *testing.T) {
	s := &shaping.Shaper{State: &brokenState{}, Limits: map[string]shaping.Limit{"*": {Rate: shaping.Rate{Messages: 100, Per: time.Second}}}}
	err := s.Admit(context.Background(), "mx.example.net", netip.Addr{})
	var o *delivery.Outcome
	if !errors.Is(err, shaping.ErrLimiterDown) || !errors.As(err, &o) || o.Status != delivery.Deferred {
		t.Errorf("Admit with a broken State: %v", err)
	}
}
