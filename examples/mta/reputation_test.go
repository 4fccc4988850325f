package main

// Tests of the reputation loop (issue 15 section 5, issue 22 item 3, issue
// 16 section 1's monitor): suppression at intake and at delivery, fed by
// outcomes, DSNs, complaints and one-click unsubscribes; traffic shaping
// from a provider's throttling replies; rate thresholds; address checks at
// intake; the blocklist monitor.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/dnsbl"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/smtpclient"
	"github.com/mxkit/mxkit/suppression"
	"github.com/redis/go-redis/v9"
)

// gmailThrottle is the reply Gmail documents for a sender going too fast
// (Google Workspace Admin Help, "Gmail SMTP errors and codes",
// https://support.google.com/a/answer/3726730).
const gmailThrottle = "Our system has detected an unusual rate of unsolicited mail originating from your IP address. " +
	"To protect our users from spam, mail sent from your IP address has been temporarily rate limited."

// provider is a scripted receiving server for every domain of the test
// world. It refuses recipients whose local part starts with "unknown"
// (550 5.1.1) and keeps what it accepts, with the time. For
// throttle.example it answers as Gmail does when a sender goes too fast:
// after `after` messages, 421 4.7.28 to every message for `window`
// (always, with after < 0).
type provider struct {
	port   int
	after  int
	window time.Duration

	mu        sync.Mutex
	got       []delivered
	throttled []time.Time // each 421
	start     time.Time   // of the throttling
}

type delivered struct {
	to   []string
	from string
	at   time.Time
	data []byte
}

func startProvider(t *testing.T, after int, window time.Duration) *provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{port: ln.Addr().(*net.TCPAddr).Port, after: after, window: window}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &provSession{p: p}, nil }))
	srv.Domain = "mx.provider.localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return p
}

type provSession struct {
	p    *provider
	from string
	to   []string
}

func (s *provSession) Reset()        { s.from, s.to = "", nil }
func (s *provSession) Logout() error { return nil }
func (s *provSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *provSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "unknown") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "The email account that you tried to reach does not exist"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *provSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	p := s.p
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if strings.HasSuffix(s.to[0], "@throttle.example") {
		n := 0
		for _, d := range p.got {
			if strings.HasSuffix(d.to[0], "@throttle.example") {
				n++
			}
		}
		if p.after >= 0 && n >= p.after && p.start.IsZero() {
			p.start = now
		}
		if p.after < 0 || !p.start.IsZero() && now.Sub(p.start) < p.window {
			p.throttled = append(p.throttled, now)
			return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 28}, Message: gmailThrottle}
		}
	}
	p.got = append(p.got, delivered{to: s.to, from: s.from, at: now, data: b})
	return nil
}

func (p *provider) messages() []delivered {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.got)
}

// to returns the messages accepted for rcpt.
func (p *provider) to(rcpt string) []delivered {
	var out []delivered
	for _, d := range p.messages() {
		if slices.Contains(d.to, rcpt) {
			out = append(out, d)
		}
	}
	return out
}

// startLogged starts an MTA that logs into the returned buffer.
func startLogged(t *testing.T, cfg *Config) (*MTA, *testenv.Buffer) {
	t.Helper()
	logs := &testenv.Buffer{}
	return startMTALog(t, cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))), logs
}

// events returns the webhook events of a type.
func (h *hookReceiver) all(typ string) []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Event
	for _, e := range h.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// api calls the HTTP API and decodes the JSON answer into out (if not
// nil); it returns the status.
func api(t *testing.T, m *MTA, method, path, token, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+m.HTTPAddr()+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

// rcptReply opens an SMTP session as user app and returns the reply to
// RCPT TO for each recipient.
func rcptReplies(t *testing.T, m *MTA, rcpts ...string) []string {
	t.Helper()
	c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.1")
	c.cmd("EHLO client.localhost")
	if r := c.cmd(authPlain("app", "s3cret")); !strings.HasPrefix(r, "235") {
		t.Fatalf("AUTH: %q", r)
	}
	if r := c.cmd("MAIL FROM:<news@shop.example>"); !strings.HasPrefix(r, "250") {
		t.Fatalf("MAIL: %q", r)
	}
	var out []string
	for _, rc := range rcpts {
		out = append(out, c.cmd("RCPT TO:<"+rc+">"))
	}
	c.cmd("QUIT")
	return out
}

// metricValue returns the value of a series in /metrics, or -1.
func metricValue(t *testing.T, m *MTA, series string) float64 {
	t.Helper()
	for _, l := range strings.Split(fetch(t, "http://"+m.HTTPAddr()+"/metrics"), "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	return -1
}

// reputationWorld is the test world with the scripted provider as every
// domain's MX, throttle.example run by "google", a webhook receiver and
// the suppression list, shaping and rates configured.
func reputationWorld(t *testing.T, p *provider) (*world, *Config, *hookReceiver) {
	t.Helper()
	w := newWorld(t)
	if err := w.dns.Add("throttle.example. IN MX 10 mx.throttle.example.\nmx.throttle.example. IN A 127.0.0.1\n"); err != nil {
		t.Fatal(err)
	}
	cfg, hr := w.reputationConfig(t, p)
	return w, cfg, hr
}

// reputationConfig is an MTA configuration of the reputation world, with
// a webhook receiver and a queue and suppression list of its own.
func (w *world) reputationConfig(t *testing.T, p *provider) (*Config, *hookReceiver) {
	t.Helper()
	hr := &hookReceiver{posts: 1}
	cfg := w.config(t.TempDir())
	cfg.Delivery.MXPort = p.port
	withWebhook(t, cfg, hr)
	cfg.SMTP.Users[0].APITokens = []string{"tok-app"}
	cfg.Reputation = ReputationConfig{
		Suppression: SuppressionConfig{
			Path:            filepath.Join(t.TempDir(), "suppression.db"),
			UnsubscribeURL:  "https://mta.shop.example/unsubscribe/",
			UnsubscribeKeys: []UnsubscribeKey{{ID: "k1", Secret: "00112233445566778899aabbccddeeff"}},
		},
		Shaping: ShapingConfig{Enabled: true, Providers: map[string]string{"mx.throttle.example": "google"}},
		Rates:   RatesConfig{Enabled: true},
	}
	return cfg, hr
}

// TestReputationLoop is issue 15's end-to-end test. A provider answers
// like Gmail throttling a sender (421 4.7.28 after 5 messages, for half a
// second): the MTA suspends sending to it for the rule's time, then sends
// at the rule's rate, then at full speed once the rule's time is over.
// Hard bounces (a 550 5.1.1 at delivery, a Postfix DSN) and a complaint
// (RFC 5965) suppress their addresses, as does a one-click unsubscribe
// (RFC 8058); a recipient suppressed while its message waits fails before
// it is sent; a second enqueue to each is refused, over SMTP and the API.
// Crossings of the rate thresholds, the shaping actions and the
// suppressions are logged, sent as events and exported as metrics.
func TestReputationLoop(t *testing.T) {
	const (
		total    = 80
		after    = 5
		rate     = 10.0 // messages a second, the rule's
		burst    = 2
		suspend  = 1500 * time.Millisecond
		slowFor  = 3500 * time.Millisecond // from the trigger
		throttle = 500 * time.Millisecond  // the provider's 421s
	)
	p := startProvider(t, after, throttle)
	w, cfg, hr := reputationWorld(t, p)
	cite := "https://support.google.com/a/answer/3726730"
	cfg.Reputation.Shaping.NoDefaultRules = true // theirs last an hour
	cfg.Reputation.Shaping.Rules = []ShapingRule{
		{Name: "gmail-4.7.28-suspend", Cite: cite, Provider: "google", Status: "deferred", Enhanced: []string{"4.7.28"},
			Action: "suspend", Duration: Duration(suspend)},
		{Name: "gmail-4.7.28-slow", Cite: cite, Provider: "google", Status: "deferred", Enhanced: []string{"4.7.28"},
			Action: "set-rate", Rate: rate, Burst: burst, Duration: Duration(slowFor)},
	}
	cfg.Reputation.Rates.Thresholds = []ThresholdConfig{
		{Name: "deferrals", Metric: "deferral_rate", Limit: 0.05, MinVolume: 5, Dimensions: []string{"provider"}},
		{Name: "hard-bounces", Metric: "hard_bounce_rate", Limit: 0.1, MinVolume: 3, Dimensions: []string{"tenant"}},
	}
	logFile := filepath.Join(t.TempDir(), "mail.log")
	cfg.MailLog.File = logFile
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m, logs := startLogged(t, cfg)

	// 1. Throttling. The operator queues total messages to the
	// throttled provider.
	var rcpts []string
	for i := range total {
		rcpts = append(rcpts, fmt.Sprintf("t%02d@throttle.example", i))
	}
	for _, rc := range rcpts {
		body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{rc}, "subject": "s", "text": "x"})
		if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
			t.Fatalf("send to %s: %d", rc, code)
		}
	}
	waitFor(t, "the shaping events", func() bool { return len(hr.all("shaping")) == 2 })
	// A recipient still waiting is suppressed meanwhile (by the
	// operator, for all tenants): it must fail without being sent.
	var late string
	for i := total - 1; i >= 0 && late == ""; i-- {
		if len(p.to(rcpts[i])) == 0 {
			late = rcpts[i]
		}
	}
	if code := api(t, m, "POST", "/api/suppressions", "tok", `{"address":"`+late+`","note":"asked by phone"}`, nil); code != http.StatusOK {
		t.Fatalf("adding a suppression: %d", code)
	}
	var susp, slow *ShapingDetail
	for _, ev := range hr.all("shaping") {
		switch ev.Shaping.Action {
		case "suspend":
			susp = ev.Shaping
		case "set-rate":
			slow = ev.Shaping
		}
	}
	if susp == nil || slow == nil || susp.Destination != "google" || slow.Rate != rate || !strings.Contains(susp.Reply, "421 4.7.28") {
		t.Fatalf("shaping events %+v %+v: want a suspension and a rate of %v for google, with the 421 reply", susp, slow, rate)
	}
	// The overrides are listed, and counted by provider, while in force.
	asked := time.Now()
	var listing struct{ Overrides []ShapingDetail }
	api(t, m, "GET", "/api/shaping", "tok", "", &listing)
	suspended := metricValue(t, m, `mta_shaping_overrides{action="suspend",provider="google"}`)
	for _, o := range []*ShapingDetail{susp, slow} {
		if asked.After(o.Until.Add(-100 * time.Millisecond)) {
			continue // this test ran too slowly to see it
		}
		if !slices.ContainsFunc(listing.Overrides, func(l ShapingDetail) bool { return l.Rule == o.Rule && l.Until.Equal(o.Until) }) {
			t.Errorf("/api/shaping lists %+v, not %s", listing.Overrides, o.Rule)
		}
		if o == susp && suspended != 1 {
			t.Errorf("mta_shaping_overrides for the suspension: %v, want 1", suspended)
		}
	}
	throttled := func() []time.Time {
		var times []time.Time
		for _, d := range p.messages() {
			if strings.HasSuffix(d.to[0], "@throttle.example") {
				times = append(times, d.at)
			}
		}
		return times
	}
	waitFor(t, "every message but the late one", func() bool { return len(throttled()) == total-1 })
	waitFor(t, "the late recipient's failure", func() bool { return hr.find("bounced", late) != nil })

	times := throttled()
	count := func(from, to time.Time) int {
		n := 0
		for _, at := range times {
			if !at.Before(from) && at.Before(to) {
				n++
			}
		}
		return n
	}
	p.mu.Lock()
	first421, refusals := p.start, len(p.throttled)
	p.mu.Unlock()
	trigger := susp.Until.Add(-suspend)
	before := count(time.Time{}, first421)
	during := count(first421.Add(throttle), susp.Until)
	slowed := count(susp.Until, slow.Until)
	afterwards := count(slow.Until, time.Now())
	// The rate's bound: GCRA admits at most rate*W + burst messages in any
	// window W (one more for a message admitted as the window opens).
	maxSlowed := int(rate*slow.Until.Sub(susp.Until).Seconds()) + burst + 1
	var densest int
	for _, at := range times {
		if at.After(slow.Until) {
			densest = max(densest, count(at, at.Add(time.Second)))
		}
	}
	t.Logf("provider: %d accepted before its first 421, %d refused with 421 4.7.28; suspended %v, slowed to %v/s until %v after the trigger",
		before, refusals, suspend, rate, slowFor)
	t.Logf("accepted %d while suspended, %d at the rule's rate (%.1f/s over %.2fs, bound %d), %d after it ended (densest second: %d, rule's bound %d)",
		during, slowed, float64(slowed)/slow.Until.Sub(susp.Until).Seconds(), slow.Until.Sub(susp.Until).Seconds(), maxSlowed,
		afterwards, densest, int(rate)+burst+1)
	switch {
	case before != after:
		t.Errorf("%d messages before the first 421, want %d", before, after)
	case during > cfg.Delivery.Workers: // in flight when the suspension began
		t.Errorf("%d messages accepted while suspended", during)
	case slowed > maxSlowed:
		t.Errorf("%d messages at the rule's rate in %v: more than %d", slowed, slow.Until.Sub(susp.Until), maxSlowed)
	case afterwards+slowed+during+before != total-1:
		t.Errorf("accepted %d+%d+%d+%d, want %d", before, during, slowed, afterwards, total-1)
	case densest <= int(rate)+burst+1:
		t.Errorf("after the rule ended at most %d messages in a second: still at the rule's rate", densest)
	}
	if !trigger.Before(first421.Add(time.Second)) {
		t.Errorf("the rules triggered at %v, more than a second after the first 421 (%v)", trigger, first421)
	}
	if len(p.to(late)) != 0 {
		t.Errorf("%s was suppressed while queued, yet sent", late)
	}
	if ev := hr.find("suppressed", late); ev == nil || ev.Suppression == nil || ev.Suppression.Where != "delivery" || ev.Suppression.Reason != "manual" {
		t.Errorf("no suppressed event at delivery for %s: %+v", late, ev)
	}
	if ev := hr.find("bounced", late); ev == nil || ev.Enhanced != "5.7.1" {
		t.Errorf("the late recipient's failure: %+v, want 5.7.1", ev)
	}
	api(t, m, "GET", "/api/shaping", "tok", "", &listing)
	if len(listing.Overrides) != 0 {
		t.Errorf("/api/shaping after the rules' time lists %+v", listing.Overrides)
	}
	if v := metricValue(t, m, `mta_shaping_held_total{provider="google",why="suspended"}`); v <= 0 {
		t.Errorf("mta_shaping_held_total for the suspension: %v", v)
	}
	if v := metricValue(t, m, `mta_shaping_actions_total{action="suspend",provider="google"}`); v != 1 {
		t.Errorf("mta_shaping_actions_total for the suspension: %v, want 1", v)
	}
	if v := metricValue(t, m, `mta_provider_outcomes_total{outcome="deferred",provider="google"}`); v < 1 {
		t.Errorf("mta_provider_outcomes_total of deferrals at google: %v", v)
	}
	// The deferrals of the throttling crossed the provider's threshold.
	ths := hr.all("threshold")
	if len(ths) == 0 || ths[0].Threshold.Name != "deferrals" || ths[0].Threshold.Value != "google" || !ths[0].Threshold.Above {
		t.Errorf("threshold events %+v: want deferrals above for provider google", ths)
	}
	if v := metricValue(t, m, `mta_rate_threshold_above{dimension="provider",threshold="deferrals",value="google"}`); v < 0 {
		t.Errorf("mta_rate_threshold_above for google's deferrals is missing")
	}
	for _, want := range []string{"shaping: rule triggered", "rule=gmail-4.7.28-suspend", "rates: threshold crossed"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q", want)
		}
	}

	// 2. Hard bounces and a complaint, for tenant app's mail.
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"unknown1@customers.example", "unknown2@customers.example", "bob@customers.example"},
		"subject": "hello", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok-app", body, nil); code != http.StatusAccepted {
		t.Fatalf("send as app: %d", code)
	}
	waitFor(t, "the hard bounces' suppressions", func() bool {
		return hr.find("suppression_added", "unknown1@customers.example") != nil && hr.find("suppression_added", "unknown2@customers.example") != nil
	})
	if ev := hr.find("suppression_added", "unknown1@customers.example"); ev.Suppression.Reason != "hard-bounce" || ev.Suppression.Scope != "app" ||
		ev.Suppression.Source != "delivery" || ev.Suppression.Status != "5.1.1" {
		t.Errorf("suppression_added %+v: want a hard bounce for app from delivery, 5.1.1", ev.Suppression)
	}
	dsn, err := os.ReadFile("../../bounce/testdata/mta/postfix/unknown-user.eml") // written by Postfix
	if err != nil {
		t.Fatal(err)
	}
	var fb struct {
		Suppressed []entryJSON
	}
	if code := api(t, m, "POST", "/api/feedback?tenant=app", "tok", string(dsn), &fb); code != http.StatusOK || len(fb.Suppressed) != 1 ||
		fb.Suppressed[0].Address != "nobody@rcpt.test" || fb.Suppressed[0].Reason != "hard-bounce" {
		t.Fatalf("Postfix DSN: %d, suppressed %+v", code, fb.Suppressed)
	}
	if code := api(t, m, "POST", "/api/feedback?tenant=app", "tok-app", string(dsn), nil); code != http.StatusForbidden {
		t.Errorf("feedback from a user: %d, want 403", code)
	}
	if code := api(t, m, "POST", "/api/feedback?tenant=nobody", "tok", string(dsn), nil); code != http.StatusBadRequest {
		t.Errorf("feedback for an unknown tenant: %d, want 400", code)
	}
	if code := api(t, m, "POST", "/api/feedback?tenant=app", "tok", complaintARF("alice@customers.example", "news-1@shop.example"), &fb); code != http.StatusOK ||
		len(fb.Suppressed) != 1 || fb.Suppressed[0].Reason != "complaint" || fb.Suppressed[0].Evidence == nil || fb.Suppressed[0].Evidence.FeedbackType != "abuse" {
		t.Fatalf("complaint: %d, suppressed %+v", code, fb.Suppressed)
	}

	// 3. One-click unsubscribe (RFC 8058) from a message that carried
	// the link, signed.
	body = sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"carol@customers.example"}, "subject": "news", "text": "x",
		"unsubscribe": map[string]string{"list": "weekly"}})
	if code := api(t, m, "POST", "/api/send", "tok-app", body, nil); code != http.StatusAccepted {
		t.Fatalf("send with unsubscribe: %d", code)
	}
	waitFor(t, "carol's message", func() bool { return len(p.to("carol@customers.example")) == 1 })
	link := unsubscribeLink(t, w, p.to("carol@customers.example")[0].data)
	u, _ := url.Parse(link)
	local := "http://" + m.HTTPAddr() + u.Path
	forged := local[:len(local)-3] + "AAA"
	for _, tc := range []struct {
		url, body string
		want      int
	}{
		{forged, "List-Unsubscribe=One-Click", http.StatusBadRequest},
		{local, "List-Unsubscribe=Other", http.StatusBadRequest},
		{local, "List-Unsubscribe=One-Click", http.StatusOK},
		{local, "List-Unsubscribe=One-Click", http.StatusOK}, // repeated: harmless
	} {
		resp, err := http.Post(tc.url, "application/x-www-form-urlencoded", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("POST %s %q: %d, want %d", tc.url, tc.body, resp.StatusCode, tc.want)
		}
	}
	waitFor(t, "the unsubscribed event", func() bool { return hr.find("unsubscribed", "carol@customers.example") != nil })
	if n := len(hr.all("unsubscribed")); n != 1 {
		t.Errorf("%d unsubscribed events, want 1 (a repeated POST is no new unsubscribe)", n)
	}
	if ev := hr.find("unsubscribed", "carol@customers.example"); ev.Suppression.List != "weekly" || ev.Tenant != "app" {
		t.Errorf("unsubscribed event %+v: want list weekly, tenant app", ev.Suppression)
	}
	// A link for a message built elsewhere (an SMTP submission), for the
	// login's tenant.
	var links map[string]string
	if code := api(t, m, "GET", "/api/unsubscribe-url?address=gina@customers.example&list=weekly", "tok-app", "", &links); code != http.StatusOK ||
		links["list_unsubscribe"] != "<"+links["url"]+">" || links["list_unsubscribe_post"] != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe-url: %d %v", code, links)
	}
	if code := api(t, m, "GET", "/api/unsubscribe-url?address=gina@customers.example&list="+strings.Repeat("x", 101), "tok-app", "", nil); code != http.StatusBadRequest {
		t.Errorf("unsubscribe-url with a long list name: %d, want 400", code)
	}
	u, _ = url.Parse(links["url"])
	resp, err := http.Post("http://"+m.HTTPAddr()+u.Path, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click for gina: %s", resp.Status)
	}

	// 4. A second enqueue to each is refused: over SMTP with 550 5.7.1
	// and the reason, over the API with 422 and the reason; the others
	// still go.
	replies := rcptReplies(t, m, "unknown1@customers.example", "nobody@rcpt.test", "alice@customers.example", "carol@customers.example", "gina@customers.example", "dave@customers.example")
	for i, want := range []string{"hard-bounce", "hard-bounce", "complaint", "unsubscribe", "unsubscribe", ""} {
		switch {
		case want == "" && !strings.HasPrefix(replies[i], "250"):
			t.Errorf("RCPT of a recipient not suppressed: %q", replies[i])
		case want != "" && (!strings.HasPrefix(replies[i], "550 5.7.1 ") || !strings.Contains(replies[i], "("+want+")")):
			t.Errorf("RCPT %d: %q, want 550 5.7.1 with %s", i, replies[i], want)
		}
	}
	var refused struct {
		Error   string
		ID      string
		Refused []Refusal
	}
	body = sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"alice@customers.example"}, "subject": "again", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok-app", body, &refused); code != http.StatusUnprocessableEntity ||
		len(refused.Refused) != 1 || refused.Refused[0].Reason != "complaint" || refused.Refused[0].Code != 550 || refused.Refused[0].Enhanced != "5.7.1" {
		t.Errorf("API send to a complainer: %d %+v, want 422 with the reason", code, refused)
	}
	refused.Refused = nil
	body = sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"unknown2@customers.example", "erin@customers.example"}, "subject": "again", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok-app", body, &refused); code != http.StatusAccepted || refused.ID == "" ||
		len(refused.Refused) != 1 || refused.Refused[0].Recipient != "unknown2@customers.example" || refused.Refused[0].Reason != "hard-bounce" {
		t.Errorf("API send to one suppressed and one other: %d %+v, want 202 with the refused one", code, refused)
	}
	// The complaint was about app's mail: the operator's still goes.
	body = sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"alice@customers.example"}, "subject": "receipt", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
		t.Errorf("the operator's mail to app's complainer: %d, want 202", code)
	}
	waitFor(t, "erin's and alice's messages", func() bool {
		return len(p.to("erin@customers.example")) == 1 && len(p.to("alice@customers.example")) == 1
	})
	if n := len(p.to("unknown2@customers.example")); n != 0 {
		t.Errorf("unknown2 got %d messages", n)
	}
	if ev := hr.find("suppressed", "alice@customers.example"); ev == nil || ev.Suppression.Where != "intake" || ev.Tenant != "app" || ev.Reason != "complaint" {
		t.Errorf("suppressed event for alice: %+v", ev)
	}
	// The mail log has both refusals: at intake (no queue ID yet) and at
	// delivery, where the recipient's bounced line follows.
	lines := mailLogLines(t, logFile, false)
	if l := findLine(lines, "suppressed", map[string]string{"to": "<alice@customers.example>", "where": "intake"}); l == nil ||
		l["reason"] != "complaint" || l["tenant"] != "app" || l["id"] != "" {
		t.Errorf("mail log line of alice's refusal at intake: %v", l)
	}
	if l := findLine(lines, "suppressed", map[string]string{"to": "<" + late + ">", "where": "delivery"}); l == nil || l["reason"] != "manual" || l["id"] == "" {
		t.Errorf("mail log line of %s's suppression at delivery: %v", late, l)
	} else if b := findLine(lines, "bounced", map[string]string{"to": "<" + late + ">", "id": l["id"]}); b == nil || b["dsn"] != "5.7.1" {
		t.Errorf("bounced line of %s: %v", late, b)
	}
	// Tenant app's hard bounces (2 delivered, 3 bounced) cross its
	// threshold; refusals are counted too, so another one makes the
	// check that reports it, within a second.
	waitFor(t, "app's hard-bounce threshold", func() bool {
		rcptReplies(t, m, "alice@customers.example")
		for _, ev := range hr.all("threshold") {
			if ev.Threshold.Name == "hard-bounces" && ev.Tenant == "app" && ev.Threshold.Above {
				return true
			}
		}
		time.Sleep(200 * time.Millisecond)
		return false
	})
	for _, series := range []string{
		`mta_suppressed_total{reason="complaint",where="intake"}`,
		`mta_suppressed_total{reason="manual",where="delivery"}`,
		`mta_suppressions_added_total{reason="hard-bounce",source="delivery"}`,
		`mta_suppressions_added_total{reason="hard-bounce",source="feedback"}`,
		`mta_suppressions_added_total{reason="complaint",source="feedback"}`,
		`mta_suppressions_added_total{reason="unsubscribe",source="unsubscribe"}`,
		`mta_rate_threshold_above{dimension="tenant",threshold="hard-bounces",value="app"}`,
	} {
		if v := metricValue(t, m, series); v < 1 {
			t.Errorf("%s: %v, want at least 1", series, v)
		}
	}
	if v := metricValue(t, m, "mta_suppression_entries"); v != 7 {
		t.Errorf("mta_suppression_entries %v, want 7 (the late one, unknown1, unknown2, nobody, alice, carol, gina)", v)
	}

	// The tenant's own view of its list: its entries, and no evidence of
	// entries for all tenants.
	var e entryJSON
	if code := api(t, m, "GET", "/api/suppressions?address=alice@customers.example", "tok-app", "", &e); code != http.StatusOK || e.Reason != "complaint" || e.Scope != "app" {
		t.Errorf("lookup: %d %+v", code, e)
	}
	if code := api(t, m, "DELETE", "/api/suppressions?address=alice@customers.example", "tok-app", "", nil); code != http.StatusForbidden {
		t.Errorf("a user removing a complaint: %d, want 403", code)
	}
	if code := api(t, m, "DELETE", "/api/suppressions?address=unknown1@customers.example", "tok-app", "", nil); code != http.StatusOK {
		t.Errorf("a user removing its hard bounce: %d, want 200", code)
	}
	if r := rcptReplies(t, m, "unknown1@customers.example"); !strings.HasPrefix(r[0], "250") {
		t.Errorf("RCPT after the entry was removed: %q", r[0])
	}
	var all entryJSON
	if code := api(t, m, "GET", "/api/suppressions?address="+late, "tok-app", "", &all); code != http.StatusOK || all.Scope != "all" || all.Evidence != nil {
		t.Errorf("a user's lookup of an entry for all tenants: %d %+v, want it without evidence", code, all)
	}
	if code := api(t, m, "GET", "/api/suppressions?address="+late, "tok", "", &all); code != http.StatusOK || all.Evidence == nil || all.Evidence.Note != "asked by phone" {
		t.Errorf("the operator's lookup: %d %+v, want the evidence", code, all)
	}
}

// complaintARF is an RFC 5965 abuse report about the message msgID to
// rcpt.
func complaintARF(rcpt, msgID string) string {
	return strings.ReplaceAll(`From: <fbl@isp.example>
To: <fbl@shop.example>
Subject: FW: News
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b1"

--b1
Content-Type: text/plain

This is an email abuse report.

--b1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <news@shop.example>
Original-Rcpt-To: <`+rcpt+`>

--b1
Content-Type: message/rfc822

From: <news@shop.example>
To: <`+rcpt+`>
Subject: News
Message-ID: <`+msgID+`>

Hello.

--b1--
`, "\n", "\r\n")
}

// unsubscribeLink checks the one-click fields of a delivered message (RFC
// 8058 §3.1: List-Unsubscribe with an https URI, List-Unsubscribe-Post,
// both covered by a valid DKIM signature, as go-msgauth verifies it) and
// returns the link.
func unsubscribeLink(t *testing.T, w *world, msg []byte) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^List-Unsubscribe: <(https://[^>]+)>\r$`).FindSubmatch(msg)
	if m == nil || !bytes.Contains(msg, []byte("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")) {
		t.Fatalf("no one-click fields in:\n%.800s", msg)
	}
	lookup := func(name string) ([]string, error) {
		txt, _, err := w.dns.Client().LookupTXT(context.Background(), name)
		return txt, err
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(msg), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(verifs) == 0 {
		t.Fatalf("DKIM: %v", err)
	}
	for _, v := range verifs {
		if v.Err != nil {
			t.Errorf("DKIM signature %s: %v", v.Domain, v.Err)
		}
		var fields []string
		for _, f := range v.HeaderKeys {
			fields = append(fields, strings.ToLower(f))
		}
		if !slices.Contains(fields, "list-unsubscribe") || !slices.Contains(fields, "list-unsubscribe-post") {
			t.Errorf("DKIM signature %s covers %v, not both unsubscribe fields (RFC 8058 §4)", v.Domain, v.HeaderKeys)
		}
	}
	return string(m[1])
}

// TestDefaultShapingRules: with shaping's default rules, Gmail's published
// 421 4.7.28 sets Gmail's rate to one message every two seconds for an
// hour, and one such reply does not suspend (that takes ten).
func TestDefaultShapingRules(t *testing.T) {
	p := startProvider(t, -1, 0) // always throttling
	_, cfg, hr := reputationWorld(t, p)
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"x@throttle.example"}, "subject": "s", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
		t.Fatalf("send: %d", code)
	}
	waitFor(t, "the shaping event", func() bool { return len(hr.all("shaping")) > 0 })
	ev := hr.all("shaping")[0].Shaping
	if ev.Rule != "gmail-rate-limited" || ev.Action != "set-rate" || ev.Rate != 0.5 || ev.Destination != "google" ||
		time.Until(ev.Until) < 59*time.Minute {
		t.Errorf("shaping event %+v: want gmail-rate-limited, 0.5/s for google for an hour", ev)
	}
	var listing struct{ Overrides []ShapingDetail }
	api(t, m, "GET", "/api/shaping", "tok", "", &listing)
	if len(listing.Overrides) != 1 || listing.Overrides[0].Rule != "gmail-rate-limited" {
		t.Errorf("/api/shaping: %+v", listing.Overrides)
	}
	if code := api(t, m, "GET", "/api/shaping", "tok-app", "", nil); code != http.StatusForbidden {
		t.Errorf("/api/shaping for a user: %d, want 403", code)
	}
}

// TestVerifyAtIntake (issue 22 item 3): with
// reputation.verify.refuse_undeliverable, recipients mxkit/verify finds
// undeliverable are refused at RCPT with Result.Refusal's codes, and over
// the API with 422; a check DNS cannot answer now accepts.
func TestVerifyAtIntake(t *testing.T) {
	w := newWorld(t)
	// Global addresses in the zone only: nothing here is sent (no DATA).
	if err := w.dns.Add(`
acme.com.           IN MX 10 mx.acme.com.
mx.acme.com.        IN A  93.184.215.14
nullmx.com.         IN MX 0 .
nomail.com.         IN MX 10 mx.nomail.com.
loopback.com.       IN MX 10 mx.loopback.com.
mx.loopback.com.    IN A  127.0.0.1
slow.com.           IN MX 10 mx.slow.com.
`); err != nil {
		t.Fatal(err)
	}
	w.dns.SetFault("slow.com.", 0, resolvertest.Timeout)
	hr := &hookReceiver{posts: 1}
	cfg := w.config(t.TempDir())
	withWebhook(t, cfg, hr)
	cfg.Reputation.Verify = VerifyConfig{RefuseUndeliverable: true, Timeout: Duration(time.Second)}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	cases := []struct{ rcpt, want string }{
		{"jane@acme.com", "250 "},
		{"jane@nullmx.com", "556 5.1.10 "},     // RFC 7505 §4.2
		{"jane@nonexistent.com", "550 5.1.2 "}, // NXDOMAIN
		{"jane@nomail.com", "550 5.1.2 "},      // its MX host has no address
		{"jane@loopback.com", "550 5.1.2 "},    // nor one the Internet routes
		{"jane@shop.invalid", "550 5.1.2 "},    // RFC 2606: never receives mail
		{"jane@slow.com", "250 "},              // DNS timed out: accepted, delivery decides
	}
	var rcpts []string
	for _, c := range cases {
		rcpts = append(rcpts, c.rcpt)
	}
	for i, r := range rcptReplies(t, m, rcpts...) {
		if !strings.HasPrefix(r, cases[i].want) {
			t.Errorf("RCPT %s: %q, want %q", cases[i].rcpt, r, cases[i].want)
		}
	}
	var reply struct {
		Error   string
		Refused []Refusal
	}
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"jane@nullmx.com"}, "subject": "s", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok", body, &reply); code != http.StatusUnprocessableEntity || len(reply.Refused) != 1 ||
		reply.Refused[0].Code != 556 || reply.Refused[0].Enhanced != "5.1.10" || reply.Refused[0].Reason != "null_mx" {
		t.Errorf("API send to a null MX: %d %+v, want 422 with 556 5.1.10 null_mx", code, reply)
	}
	waitFor(t, "refused events", func() bool { return len(hr.all("refused")) >= 5 })
	if ev := hr.find("refused", "jane@nullmx.com"); ev == nil || ev.Reason != "null_mx" || ev.Code != 556 {
		t.Errorf("refused event %+v", ev)
	}
	if v := metricValue(t, m, `mta_intake_refused_total{kind="null_mx"}`); v != 2 {
		t.Errorf("mta_intake_refused_total for null_mx: %v, want 2", v)
	}
	if m.Stats().Received != 0 {
		t.Errorf("something was queued: %+v", m.Stats())
	}
}

// blocklistZones serve zen.spamhaus.org and dbl.spamhaus.org as a sender
// meets them: their RFC 5782 §5 test entries, 203.0.113.5 listed in the
// SBL (127.0.0.2, with the TXT record that explains it).
const blocklistZones = `
2.0.0.127.zen.spamhaus.org.    IN A   127.0.0.2
2.0.0.127.zen.spamhaus.org.    IN A   127.0.0.10
5.113.0.203.zen.spamhaus.org.  IN A   127.0.0.2
5.113.0.203.zen.spamhaus.org.  IN TXT "https://check.spamhaus.org/listed/?searchterm=203.0.113.5"
dbltest.com.dbl.spamhaus.org.  IN A   127.0.1.2
`

// TestBlocklistMonitor (issue 16 section 1's monitor): the sending
// addresses and domains are checked at start and every interval; a
// listing is logged, a "blocklist" event and mta_blocklist_listed 1 for
// its address and zone; clean answers are metrics only; a change is an
// event with the previous status; a zone that stops answering is never
// taken for clean.
func TestBlocklistMonitor(t *testing.T) {
	w := newWorld(t)
	if err := w.dns.Add(blocklistZones); err != nil {
		t.Fatal(err)
	}
	hr := &hookReceiver{posts: 1}
	cfg := w.config(t.TempDir())
	withWebhook(t, cfg, hr)
	cfg.Reputation.Blocklists = BlocklistConfig{Enabled: true, IPs: []string{"203.0.113.5", "203.0.113.6"},
		Zones: []BlocklistZone{{Name: "zen.spamhaus.org"}, {Name: "dbl.spamhaus.org"}}, DNSServers: []string{w.dns.Addr()}}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	if d := cfg.Reputation.Blocklists.Domains; len(d) != 1 || d[0] != "shop.example" {
		t.Errorf("domains by default %v, want the DKIM domain shop.example", d)
	}
	m, logs := startLogged(t, cfg)
	waitFor(t, "the first check", func() bool { return metricValue(t, m, "mta_blocklist_last_check_timestamp_seconds") > 0 })
	waitFor(t, "the listing's event", func() bool { return len(hr.all("blocklist")) > 0 })
	evs := hr.all("blocklist")
	if len(evs) != 1 || evs[0].Blocklist.Target != "203.0.113.5" || evs[0].Blocklist.Zone != "zen.spamhaus.org" ||
		evs[0].Blocklist.Status != "listed" || !slices.Equal(evs[0].Blocklist.Codes, []string{"127.0.0.2"}) ||
		len(evs[0].Blocklist.Meanings) != 1 || !strings.Contains(evs[0].Blocklist.Text, "spamhaus.org/listed") {
		t.Errorf("blocklist events %+v: want one, 203.0.113.5 listed in zen (127.0.0.2, its meaning and TXT)", evs)
	}
	for series, want := range map[string]float64{
		`mta_blocklist_listed{target="203.0.113.5",zone="zen.spamhaus.org"}`:   1,
		`mta_blocklist_listed{target="203.0.113.6",zone="zen.spamhaus.org"}`:   0,
		`mta_blocklist_answered{target="203.0.113.6",zone="zen.spamhaus.org"}`: 1,
		`mta_blocklist_listed{target="shop.example",zone="dbl.spamhaus.org"}`:  0,
	} {
		if v := metricValue(t, m, series); v != want {
			t.Errorf("%s: %v, want %v", series, v, want)
		}
	}
	if !strings.Contains(logs.String(), "blocklist: listed") {
		t.Error("the listing is not logged")
	}
	var status struct {
		Checked time.Time
		Results []BlocklistDetail
	}
	if code := api(t, m, "GET", "/api/blocklists", "tok", "", &status); code != http.StatusOK || len(status.Results) != 3 || status.Checked.IsZero() {
		t.Errorf("/api/blocklists: %d %+v, want 3 results (2 addresses in zen, 1 domain in dbl)", code, status)
	}

	// Later checks report changes: 203.0.113.6 listed, and the DBL
	// failing (a timeout is unknown, never clean). A monitor over the
	// same MTA, with a resolver without a cache, sees them at once.
	if err := w.dns.Add("6.113.0.203.zen.spamhaus.org. IN A 127.0.0.4\n"); err != nil {
		t.Fatal(err)
	}
	w.dns.SetFault("shop.example.dbl.spamhaus.org.", 0, resolvertest.Timeout)
	mon := m.rep.monitor
	b := &blocklistMonitor{r: mon.r, ips: mon.ips, domains: mon.domains, interval: mon.interval,
		checker: &dnsbl.Checker{Resolver: &resolver.Client{Servers: []string{w.dns.Addr()}, CacheSize: -1, Timeout: 200 * time.Millisecond, Attempts: 1},
			Zones: mon.checker.Zones, Timeout: time.Second}}
	b.last, _ = mon.results()
	b.check(context.Background())
	waitFor(t, "the changes' events", func() bool { return len(hr.all("blocklist")) == 3 })
	got := map[string]*BlocklistDetail{}
	for _, ev := range hr.all("blocklist")[1:] {
		got[ev.Blocklist.Target] = ev.Blocklist
	}
	if d := got["203.0.113.6"]; d == nil || d.Status != "listed" || d.Previous != "not listed" || !strings.Contains(strings.Join(d.Meanings, " "), "XBL") {
		t.Errorf("203.0.113.6's change: %+v, want listed (XBL), previously not listed", d)
	}
	if d := got["shop.example"]; d == nil || d.Status != "unknown" || d.Previous != "not listed" {
		t.Errorf("shop.example's change: %+v, want unknown, previously not listed", d)
	}
	if v := metricValue(t, m, `mta_blocklist_answered{target="shop.example",zone="dbl.spamhaus.org"}`); v != 0 {
		t.Errorf("mta_blocklist_answered for a timeout: %v, want 0", v)
	}
}

// TestSharedShaping: two MTAs sharing Redis (reputation.redis) share the
// Shaper's overrides. A suspension one of them triggers holds the other's
// mail to that provider back, without a session, and both list it.
func TestSharedShaping(t *testing.T) {
	addr := testenv.RedisAddr(t)
	prefix := fmt.Sprintf("mxkit-mta-test-%d:", time.Now().UnixNano())
	t.Cleanup(func() {
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		defer rdb.Close()
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	p := startProvider(t, -1, 0) // always throttling
	w, cfgA, hrA := reputationWorld(t, p)
	cfgB, _ := w.reputationConfig(t, p)
	for _, cfg := range []*Config{cfgA, cfgB} {
		cfg.Reputation.Redis = RedisConfig{URL: "redis://" + addr, Prefix: prefix}
		cfg.Reputation.Shaping.NoDefaultRules = true
		cfg.Reputation.Shaping.Rules = []ShapingRule{{Name: "gmail-4.7.28-suspend", Cite: "https://support.google.com/a/answer/3726730",
			Provider: "google", Enhanced: []string{"4.7.28"}, Action: "suspend", Duration: Duration(time.Minute)}}
		if err := cfg.check(); err != nil {
			t.Fatal(err)
		}
	}
	a, b := startMTA(t, cfgA), startMTA(t, cfgB)
	send := func(m *MTA, to string) {
		body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{to}, "subject": "s", "text": "x"})
		if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
			t.Fatalf("send: %d", code)
		}
	}
	send(a, "x@throttle.example")
	waitFor(t, "A's suspension", func() bool { return len(hrA.all("shaping")) == 1 })
	waitFor(t, "A's deferral", func() bool { return a.Stats().Deferred > 0 })
	p.mu.Lock()
	refusals := len(p.throttled)
	p.mu.Unlock()

	var listing struct{ Overrides []ShapingDetail }
	api(t, b, "GET", "/api/shaping", "tok", "", &listing)
	if len(listing.Overrides) != 1 || listing.Overrides[0].Action != "suspend" || listing.Overrides[0].Destination != "google" {
		t.Errorf("B lists %+v, want A's suspension of google", listing.Overrides)
	}
	send(b, "y@throttle.example")
	waitFor(t, "B holding its message back", func() bool {
		return metricValue(t, b, `mta_shaping_held_total{provider="google",why="suspended"}`) > 0
	})
	p.mu.Lock()
	after := len(p.throttled)
	p.mu.Unlock()
	if after != refusals {
		t.Errorf("the provider answered %d more sessions after the suspension", after-refusals)
	}
	if v := metricValue(t, b, `mta_shaping_overrides{action="suspend",provider="google"}`); v != 1 {
		t.Errorf("B's mta_shaping_overrides: %v, want 1", v)
	}
}

// TestSharedSuppression: two MTAs sharing a PostgreSQL suppression store
// (reputation.suppression.postgres_dsn): a complaint reported to one is
// refused at intake by the other (the store's LISTEN/NOTIFY feed).
func TestSharedSuppression(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	schema := fmt.Sprintf("mta_suppression_test_%d", time.Now().UnixNano())
	dropSchema(t, dsn, schema)
	p := startProvider(t, -1, 0)
	w, cfgA, _ := reputationWorld(t, p)
	cfgB, _ := w.reputationConfig(t, p)
	for _, cfg := range []*Config{cfgA, cfgB} {
		cfg.Reputation.Suppression.Path = ""
		cfg.Reputation.Suppression.PostgresDSN, cfg.Reputation.Suppression.PostgresSchema = dsn, schema
		if err := cfg.check(); err != nil {
			t.Fatal(err)
		}
	}
	a, b := startMTA(t, cfgA), startMTA(t, cfgB)
	if r := rcptReplies(t, b, "frank@customers.example")[0]; !strings.HasPrefix(r, "250") {
		t.Fatalf("B before the complaint: %q", r)
	}
	if code := api(t, a, "POST", "/api/feedback?tenant=app", "tok", complaintARF("frank@customers.example", "n-2@shop.example"), nil); code != http.StatusOK {
		t.Fatalf("complaint to A: %d", code)
	}
	waitFor(t, "B refusing the complainer", func() bool {
		return strings.HasPrefix(rcptReplies(t, b, "frank@customers.example")[0], "550 5.7.1")
	})
}

// BenchmarkReputation is the reputation loop's cost for one message with
// one recipient, delivered, with everything on: the intake check (a list
// of 100,000 entries), the check before delivery, the Shaper's Admit
// under a standing rate and its Observe, and the rate counters.
// bench/pipeline -reputation measures the same on the whole path.
func BenchmarkReputation(b *testing.B) {
	dir := b.TempDir()
	st, err := suppression.Open(filepath.Join(dir, "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	var batch []suppression.Entry
	for i := range 100000 {
		batch = append(batch, suppression.Entry{Address: fmt.Sprintf("user%d@suppressed%d.example", i, i%97), Reason: suppression.HardBounce, Created: time.Now()})
		if len(batch) == 1000 {
			if err := st.Put(context.Background(), batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	st.Close()
	cfg := &Config{Hostname: "h.localhost", SMTP: SMTPConfig{Listen: "127.0.0.1:0"}, Queue: QueueConfig{Dir: dir},
		Reputation: ReputationConfig{
			Suppression: SuppressionConfig{Path: filepath.Join(dir, "s.db")},
			Shaping:     ShapingConfig{Enabled: true, Limits: []ShapingLimit{{Destination: "*", Rate: 1e6}}},
			Rates:       RatesConfig{Enabled: true},
		}}
	if err := cfg.check(); err != nil {
		b.Fatal(err)
	}
	m := &MTA{cfg: cfg, log: slog.New(slog.DiscardHandler), tr: &smtpclient.Transport{}}
	m.metrics = newMetrics(m)
	r, err := newReputation(context.Background(), m)
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	ctx := context.Background()
	msg := &queue.Message{ID: "x", Envelope: queue.Envelope{From: "news@shop.example"}}
	b.ReportAllocs()
	for b.Loop() {
		rcpt := "rcpt@dest.example"
		if r.screen(ctx, "", rcpt) != nil {
			b.Fatal("refused")
		}
		pending, refused := r.screenQueued(msg, []string{rcpt})
		if len(pending) != 1 || refused != nil {
			b.Fatal("refused at delivery")
		}
		dctx := r.deliveryContext(ctx, msg)
		if err := r.shaper.Admit(dctx, "relay.localhost", netip.Addr{}); err != nil {
			b.Fatal(err)
		}
		res := &smtpclient.Result{Host: "relay.localhost", Recipients: []delivery.Outcome{{Recipient: rcpt, Status: delivery.Delivered, Stage: delivery.StageFinal, Code: 250, Host: "relay.localhost", Time: time.Now()}}}
		r.observe(dctx, msg, res)
	}
}

// TestSuppressionAPIPerTenant (issue 21's guarantees for the new
// endpoints): a user's suppressions are its tenant's, taken from its
// login; it cannot name, see or change another tenant's; bulk import and
// export, the shaping listing and feedback are the operator's.
func TestSuppressionAPIPerTenant(t *testing.T) {
	_, cfg := tenants(t)
	for i := range cfg.SMTP.Users {
		if cfg.SMTP.Users[i].Username == "bob" {
			cfg.SMTP.Users[i].APITokens = []string{"tok-bob"}
		}
	}
	cfg.Reputation.Suppression = SuppressionConfig{Path: filepath.Join(t.TempDir(), "suppression.db")}
	cfg.Reputation.Shaping.Enabled = true
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	if code := api(t, m, "POST", "/api/suppressions", "tok-alice", `{"address":"X@Customers.example","note":"asked"}`, nil); code != http.StatusOK {
		t.Fatalf("alice adding: %d", code)
	}
	for _, tc := range []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"no login", "GET", "/api/suppressions?address=x@customers.example", "", "", http.StatusUnauthorized},
		{"alice sees hers", "GET", "/api/suppressions?address=x@customers.example", "tok-alice", "", http.StatusOK},
		{"bob does not", "GET", "/api/suppressions?address=x@customers.example", "tok-bob", "", http.StatusNotFound},
		{"bob naming alice", "GET", "/api/suppressions?address=x@customers.example&tenant=alice", "tok-bob", "", http.StatusForbidden},
		{"bob removing for alice", "DELETE", "/api/suppressions?address=x@customers.example&tenant=alice", "tok-bob", "", http.StatusForbidden},
		{"bob removing his own (none)", "DELETE", "/api/suppressions?address=x@customers.example", "tok-bob", "", http.StatusNotFound},
		{"bob adding for alice", "POST", "/api/suppressions", "tok-bob", `{"address":"y@customers.example","tenant":"alice"}`, http.StatusForbidden},
		{"a bad address", "POST", "/api/suppressions", "tok-alice", `{"address":"not an address"}`, http.StatusBadRequest},
		{"a bad reason", "POST", "/api/suppressions", "tok-alice", `{"address":"y@customers.example","reason":"dislike"}`, http.StatusBadRequest},
		{"an unknown field", "POST", "/api/suppressions", "tok-alice", `{"address":"y@customers.example","scope":"all"}`, http.StatusBadRequest},
		{"the operator naming no user", "GET", "/api/suppressions?address=x@customers.example&tenant=carol", "tok", "", http.StatusBadRequest},
		{"export by a user", "GET", "/api/suppressions/export", "tok-alice", "", http.StatusForbidden},
		{"import by a user", "POST", "/api/suppressions/import", "tok-alice", "address\nz@customers.example\n", http.StatusForbidden},
		{"shaping by a user", "GET", "/api/shaping", "tok-alice", "", http.StatusForbidden},
		{"feedback by a user", "POST", "/api/feedback", "tok-alice", complaintARF("z@customers.example", "m@alice.example"), http.StatusForbidden},
	} {
		if code := api(t, m, tc.method, tc.path, tc.token, tc.body, nil); code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, code, tc.want)
		}
	}
	// Bob's mail to x still goes; alice's does not.
	for user, want := range map[string]string{"alice": "550 5.7.1", "bob": "250"} {
		c, _ := dialFrom(t, m.SMTPAddr(), "127.0.0.1")
		c.cmd("EHLO client.localhost")
		pass := map[string]string{"alice": "pw-alice", "bob": "pw-bob"}[user]
		if r := c.cmd(authPlain(user, pass)); !strings.HasPrefix(r, "235") {
			t.Fatalf("AUTH %s: %q", user, r)
		}
		c.cmd("MAIL FROM:<news@" + user + ".example>")
		if r := c.cmd("RCPT TO:<x@customers.example>"); !strings.HasPrefix(r, want) {
			t.Errorf("%s's RCPT to alice's suppression: %q, want %s", user, r, want)
		}
		c.cmd("QUIT")
	}

	// The operator's bulk import and export (CSV, RFC 4180).
	var imp struct {
		Added, Rejected int
		Errors          []map[string]any
	}
	csv := "address,tenant,reason\nbulk1@customers.example,bob,hard-bounce\nbulk2@customers.example,,complaint\nnot an address,,manual\n"
	if code := api(t, m, "POST", "/api/suppressions/import", "tok", csv, &imp); code != http.StatusOK || imp.Added != 2 || imp.Rejected != 1 || len(imp.Errors) != 1 {
		t.Errorf("import: %d %+v, want 2 added and 1 rejected", code, imp)
	}
	req, _ := http.NewRequest("GET", "http://"+m.HTTPAddr()+"/api/suppressions/export", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"x@customers.example,alice,manual", "bulk1@customers.example,bob,hard-bounce", "bulk2@customers.example,,complaint"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	if code := api(t, m, "POST", "/api/suppressions/import", "tok", "colour\nred\n", nil); code != http.StatusBadRequest {
		t.Errorf("import without an address column: %d, want 400", code)
	}
}

// TestReputationConfig checks the reputation section's refusals.
func TestReputationConfig(t *testing.T) {
	base := `{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q"},"reputation":%s}`
	for _, tc := range []struct{ name, json, want string }{
		{"two stores", `{"suppression":{"path":"s.db","postgres_dsn":"postgres://x"}}`, "exclude each other"},
		{"links without a store", `{"suppression":{"unsubscribe_url":"https://m.example/u/","unsubscribe_keys":[{"id":"k","secret":"0123456789abcdef"}]}}`, "need a store"},
		{"http link", `{"suppression":{"path":"s.db","unsubscribe_url":"http://m.example/u/","unsubscribe_keys":[{"id":"k","secret":"0123456789abcdef"}]}}`, "https"},
		{"link under /api/", `{"suppression":{"path":"s.db","unsubscribe_url":"https://m.example/api/u/","unsubscribe_keys":[{"id":"k","secret":"0123456789abcdef"}]}}`, "one of its own"},
		{"no key", `{"suppression":{"path":"s.db","unsubscribe_url":"https://m.example/u/"}}`, "at least one key"},
		{"short secret", `{"suppression":{"path":"s.db","unsubscribe_url":"https://m.example/u/","unsubscribe_keys":[{"id":"k","secret":"short"}]}}`, "at least 16"},
		{"limit without rate", `{"shaping":{"enabled":true,"limits":[{"destination":"google"}]}}`, "a rate or max_conns"},
		{"rule without duration", `{"shaping":{"enabled":true,"rules":[{"name":"r","action":"suspend"}]}}`, "positive duration"},
		{"rule with a bad action", `{"shaping":{"enabled":true,"rules":[{"name":"r","action":"pause","duration":"1m"}]}}`, "want set-rate"},
		{"rule with a bad code", `{"shaping":{"enabled":true,"rules":[{"name":"r","enhanced":["4.7"],"action":"suspend","duration":"1m"}]}}`, "enhanced"},
		{"rule with a bad pattern", `{"shaping":{"enabled":true,"rules":[{"name":"r","text":"(","action":"suspend","duration":"1m"}]}}`, "text"},
		{"rule counting without a period", `{"shaping":{"enabled":true,"rules":[{"name":"r","times":3,"action":"suspend","duration":"1m"}]}}`, "period"},
		{"set-rate without a rate", `{"shaping":{"enabled":true,"rules":[{"name":"r","action":"set-rate","duration":"1m"}]}}`, "positive rate"},
		{"bad threshold metric", `{"rates":{"enabled":true,"thresholds":[{"name":"t","metric":"spam","limit":0.01}]}}`, "metric"},
		{"threshold as a percentage", `{"rates":{"enabled":true,"thresholds":[{"name":"t","metric":"complaint_rate","limit":3}]}}`, "between 0 and 1"},
		{"bad dimension", `{"rates":{"enabled":true,"thresholds":[{"name":"t","metric":"complaint_rate","limit":0.003,"dimensions":["ip"]}]}}`, "dimension"},
		{"blocklists with nothing to check", `{"blocklists":{"enabled":true}}`, "nothing to check"},
		{"blocklists too often", `{"blocklists":{"enabled":true,"ips":["192.0.2.1"],"interval":"10s"}}`, "at least 1m"},
		{"bad blocklist address", `{"blocklists":{"enabled":true,"ips":["192.0.2"]}}`, "blocklists.ips"},
		{"bad zone", `{"blocklists":{"enabled":true,"ips":["192.0.2.1"],"zones":[{"name":"nodot"}]}}`, "zone name"},
		{"bad redis url", `{"redis":{"url":"127.0.0.1:6379"}}`, "redis://"},
		{"negative unsubscribe bound", `{"suppression":{"path":"s.db","max_unsubscribe_entries":-2}}`, "max_unsubscribe_entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(fmt.Sprintf(base, tc.json)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	c, err := ParseConfig([]byte(fmt.Sprintf(base, `{"shaping":{"enabled":true,"limits":[{"destination":"Google","rate":0.5,"max_conns":3}],
		"rules":[{"name":"r","provider":"google","stage":"rcpt","status":"deferred","codes":[421],"enhanced":["4.7.28"],"reasons":["speeding"],
		"text":"rate limited","times":2,"period":"1m","action":"set-rate","scope":"tenant","rate":2,"duration":"10m"}]}}`)))
	if err != nil {
		t.Fatal(err)
	}
	limits, _ := shapingLimits(c.Reputation.Shaping.Limits)
	rules, _ := shapingRules(c.Reputation.Shaping.Rules)
	if l := limits["google"]; l.Rate.Messages != 1 || l.Rate.Per != 2*time.Second || l.MaxConns != 3 {
		t.Errorf("limit %+v: want 1 message per 2s, 3 sessions", l)
	}
	if r := rules[0]; r.Stage.String() != "rcpt" || r.Status.String() != "deferred" || r.Enhanced[0].String() != "4.7.28" || r.Times != 2 ||
		r.Action.Rate.Messages != 2 || r.Action.Rate.Per != time.Second || r.Action.Duration != 10*time.Minute || !r.Text.MatchString("you are rate limited") {
		t.Errorf("rule %+v", r)
	}
}

// TestShapingBounce: a rule whose action is bounce fails the recipient
// whose reply triggered it (no retry, a DSN) and, while it holds, every
// message to that provider without a session; neither is suppressed,
// since the reply was about the sender.
func TestShapingBounce(t *testing.T) {
	p := startProvider(t, -1, 0) // always throttling
	_, cfg, hr := reputationWorld(t, p)
	cfg.Reputation.Shaping.NoDefaultRules = true
	cfg.Reputation.Shaping.Rules = []ShapingRule{{Name: "bounce-google", Provider: "google", Enhanced: []string{"4.7.28"},
		Action: "bounce", Duration: Duration(time.Minute)}}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)
	for _, to := range []string{"a@throttle.example", "b@throttle.example"} {
		body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{to}, "subject": "s", "text": "x"})
		if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
			t.Fatalf("send: %d", code)
		}
		waitFor(t, "the bounce of "+to, func() bool { return hr.find("bounced", to) != nil })
	}
	p.mu.Lock()
	refusals := len(p.throttled)
	p.mu.Unlock()
	if refusals != 1 {
		t.Errorf("the provider answered %d messages, want 1 (the second bounced before a session)", refusals)
	}
	if a, b := hr.find("bounced", "a@throttle.example"), hr.find("bounced", "b@throttle.example"); a.Code != 421 || b.Enhanced != "5.7.0" {
		t.Errorf("bounces %+v and %+v: want the provider's 421, then shaping's 5.7.0", a, b)
	}
	waitFor(t, "the DSNs", func() bool { return len(p.to("news@shop.example")) == 2 })
	if hr.find("suppression_added", "a@throttle.example") != nil || hr.find("suppression_added", "b@throttle.example") != nil {
		t.Error("a throttled recipient was suppressed")
	}
}

// TestUnsubscribeEntriesBounded: links a tenant mints for any address
// (GET /api/unsubscribe-url) and clicks itself cannot grow its entries
// past reputation.suppression.max_unsubscribe_entries: the one-click
// POST that would add one more gets 503, and adds nothing, while a click
// that finds its entry, another tenant's click and the operator's
// (unbounded) links still go through.
func TestUnsubscribeEntriesBounded(t *testing.T) {
	_, cfg := tenants(t)
	for i := range cfg.SMTP.Users {
		if cfg.SMTP.Users[i].Username == "bob" {
			cfg.SMTP.Users[i].APITokens = []string{"tok-bob"}
		}
	}
	cfg.Reputation.Suppression = SuppressionConfig{
		Path:                  filepath.Join(t.TempDir(), "suppression.db"),
		UnsubscribeURL:        "https://mta.shop.example/unsubscribe/",
		UnsubscribeKeys:       []UnsubscribeKey{{ID: "k1", Secret: "00112233445566778899aabbccddeeff"}},
		MaxUnsubscribeEntries: 3,
	}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m, logs := startLogged(t, cfg)
	click := func(token, addr string) int {
		t.Helper()
		var links map[string]string
		if code := api(t, m, "GET", "/api/unsubscribe-url?address="+addr, token, "", &links); code != http.StatusOK {
			t.Fatalf("minting for %s: %d", addr, code)
		}
		u, _ := url.Parse(links["url"])
		resp, err := http.Post("http://"+m.HTTPAddr()+u.Path, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 3 {
		if code := click("tok-alice", fmt.Sprintf("u%d@customers.example", i)); code != http.StatusOK {
			t.Fatalf("alice's click %d: %d", i, code)
		}
	}
	if code := click("tok-alice", "u3@customers.example"); code != http.StatusServiceUnavailable {
		t.Errorf("alice's click past the bound: %d, want 503", code)
	}
	if n := m.rep.list.Count("alice"); n != 3 {
		t.Errorf("alice has %d entries, want 3", n)
	}
	if !strings.Contains(logs.String(), "max_unsubscribe_entries") {
		t.Errorf("the refusal is not logged:\n%s", logs.String())
	}
	for _, c := range []struct {
		name, token, addr string
	}{
		{"alice's click that finds its entry", "tok-alice", "u1@customers.example"},
		{"bob's click", "tok-bob", "u3@customers.example"},
		{"the operator's click", "tok", "u3@customers.example"},
	} {
		if code := click(c.token, c.addr); code != http.StatusOK {
			t.Errorf("%s: %d, want 200", c.name, code)
		}
	}
}

// TestUnsubscribeSlowBody: a one-click POST whose body does not come
// does not hold up the next one (it held the lock every addition waits
// for while its body was read).
func TestUnsubscribeSlowBody(t *testing.T) {
	_, cfg := tenants(t)
	m := startMTA(t, withUnsubscribeLinks(t, cfg))
	local := func(addr string) string {
		var links map[string]string
		if code := api(t, m, "GET", "/api/unsubscribe-url?address="+addr, "tok-alice", "", &links); code != http.StatusOK {
			t.Fatalf("minting for %s: %d", addr, code)
		}
		u, _ := url.Parse(links["url"])
		return "http://" + m.HTTPAddr() + u.Path
	}
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		resp, err := http.Post(local("slow@customers.example"), "application/x-www-form-urlencoded", pr)
		if err == nil {
			resp.Body.Close()
		}
	}()
	io.WriteString(pw, "List-Unsubscribe=") // and no more
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(local("next@customers.example"), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatalf("the next click, while a slow one is open: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the next click: %d, want 200", resp.StatusCode)
	}
}
