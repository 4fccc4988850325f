package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/queue"
)

// TestQueueAdmin drives every queue command, through "mta queue" and the
// admin API, against a running MTA with deferred messages and a dead
// letter, on both queue stores.
func TestQueueAdmin(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { testQueueAdmin(t, func(*Config) {}) })
	t.Run("postgres", func(t *testing.T) {
		dsn := testenv.PostgresDSN(t)
		testQueueAdmin(t, func(c *Config) { postgresQueue(t, c, dsn) })
	})
}

func (r *recorder) got(to string) bool {
	for _, m := range r.messages() {
		if slices.Contains(m.to, to) {
			return true
		}
	}
	return false
}

func testQueueAdmin(t *testing.T, setStore func(*Config)) {
	ctx := context.Background()
	w := newWorld(t)
	if err := w.dns.Add(laterZone); err != nil {
		t.Fatal(err)
	}
	cfg := w.config(t.TempDir())
	cfg.Queue.RetryInitial, cfg.Queue.RetryMax = Duration(time.Hour), Duration(time.Hour)
	cfg.Admin.Tokens = []string{"admin-tok"}
	logFile := filepath.Join(t.TempDir(), "mail.log")
	cfg.MailLog.File = logFile
	setStore(cfg)
	m := startMTA(t, cfg)

	// What "mta queue" reads: the running MTA's address and the token.
	cliCfg := filepath.Join(t.TempDir(), "mta.json")
	os.WriteFile(cliCfg, fmt.Appendf(nil, `{"hostname":"h","http":{"listen":%q},"queue":{"dir":"unused"},"admin":{"tokens":["admin-tok"]}}`, m.HTTPAddr()), 0o600)
	run := func(args ...string) (string, int) {
		t.Helper()
		var out, errOut bytes.Buffer
		rc := runQueue(ctx, cliCfg, args, &out, &errOut)
		return out.String() + errOut.String(), rc
	}
	mustRun := func(args ...string) string {
		t.Helper()
		out, rc := run(args...)
		if rc != 0 {
			t.Fatalf("mta queue %s: exit %d: %s", strings.Join(args, " "), rc, out)
		}
		return out
	}
	list := func(args ...string) QueueList {
		t.Helper()
		var l QueueList
		out := mustRun(append([]string{"-json", "list"}, args...)...)
		if err := json.Unmarshal([]byte(out), &l); err != nil {
			t.Fatalf("list -json %v: %v: %s", args, err, out)
		}
		return l
	}
	show := func(id string) QueueMessage {
		t.Helper()
		var q QueueMessage
		out := mustRun("-json", "show", id)
		if err := json.Unmarshal([]byte(out), &q); err != nil {
			t.Fatalf("show -json %s: %v: %s", id, err, out)
		}
		return q
	}
	ids := func(l QueueList) []string {
		var out []string
		for _, q := range l.Messages {
			out = append(out, q.ID)
		}
		slices.Sort(out)
		return out
	}
	idOf := func(rcpt string) string {
		t.Helper()
		for _, st := range []string{"", "dead"} {
			args := []string{"-recipient", rcpt}
			if st != "" {
				args = append(args, "-state", st)
			}
			if l := list(args...); len(l.Messages) == 1 {
				return l.Messages[0].ID
			}
		}
		t.Fatalf("no message for %s", rcpt)
		return ""
	}

	// Three messages deferred (nothing listens at later.example's MX) and
	// a dead letter.
	app := sasl.NewPlainClient("", "app", "s3cret")
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.1", app, "orders@shop.example", "carl@later.example", message("orders@shop.example", "carl@later.example", "adm-carl")); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"dan@later.example", "erin@later.example", "unknown-x@customers.example"} {
		if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", to, message("news@shop.example", to, "adm-"+strings.Split(to, "@")[0])); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "three deferrals, a bounce and its DSN", func() bool { s := m.Stats(); return s.Deferred >= 3 && s.Failed >= 1 && s.Delivered >= 1 })
	carl, dan, erin, dead := idOf("carl@later.example"), idOf("dan@later.example"), idOf("erin@later.example"), idOf("unknown-x@customers.example")

	// list, as mailq.
	out := mustRun("list")
	for _, want := range []string{"-Queue ID-", "\n" + carl + " ", "\n" + dan + " ", "\n" + erin + " ", "carl@later.example", "(", "127.0.0.9", "-- ", "in 3 Requests.", "-- 1 dead letter:"} {
		if !strings.Contains(out, want) {
			t.Errorf("list does not show %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\n"+dead+"#") {
		t.Errorf("list shows the dead letter %s among live messages:\n%s", dead, out)
	}
	// Filters.
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{carl, dan, erin}},
		{[]string{"-state", "deferred"}, []string{carl, dan, erin}},
		{[]string{"-state", "hold,active"}, nil},
		{[]string{"-state", "dead"}, []string{dead}},
		{[]string{"-domain", "later.example"}, []string{carl, dan, erin}},
		{[]string{"-domain", "LATER.example."}, []string{carl, dan, erin}},
		{[]string{"-domain", "customers.example"}, nil},
		{[]string{"-domain", "customers.example", "-state", "dead"}, []string{dead}},
		{[]string{"-sender", "orders@shop.example"}, []string{carl}},
		{[]string{"-sender", "@shop.example"}, []string{carl, dan, erin}},
		{[]string{"-sender", "<>"}, nil},
		{[]string{"-recipient", "DAN@later.example"}, []string{dan}},
		{[]string{"-tenant", "app"}, []string{carl}},
		{[]string{"-min-age", "1h"}, nil},
		{[]string{"-max-age", "1h"}, []string{carl, dan, erin}},
	} {
		if got := ids(list(tc.args...)); !slices.Equal(got, tc.want) {
			t.Errorf("list %v = %v, want %v", tc.args, got, tc.want)
		}
	}
	// Pages.
	p1 := list("-limit", "1")
	if len(p1.Messages) != 1 || p1.Next == "" || p1.Counts.Queued != 3 || p1.Counts.Dead != 1 {
		t.Fatalf("first page of 1: %+v", p1)
	}
	p2 := list("-limit", "1", "-after", p1.Next)
	if len(p2.Messages) != 1 || p2.Messages[0].ID == p1.Messages[0].ID {
		t.Errorf("second page: %+v after %+v", p2.Messages, p1.Messages)
	}
	if got := ids(list("-limit", "1", "-all-pages")); !slices.Equal(got, []string{carl, dan, erin}) {
		t.Errorf("every page of 1: %v", got)
	}
	if out, rc := run("list", "-state", "nonsense"); rc != 1 || !strings.Contains(out, "state") {
		t.Errorf("list -state nonsense: exit %d: %s", rc, out)
	}

	// show: envelope, header, the attempts as typed outcomes.
	q := show(carl)
	if q.State != "deferred" || q.From != "orders@shop.example" || q.Tenant != "app" || q.Attempts != 1 || len(q.Recipients) != 1 {
		t.Fatalf("show %s: %+v", carl, q)
	}
	if until := time.Until(q.NextAttempt); until < 30*time.Minute || until > time.Hour {
		t.Errorf("next attempt in %v, want about an hour", until)
	}
	r := q.Recipients[0]
	if r.State != "pending" || r.Attempts != 1 || len(r.History) != 1 {
		t.Fatalf("recipient %+v", r)
	}
	if o := r.History[0]; o.Status != delivery.Deferred || o.Stage != delivery.StageConnect || o.IP.String() != "127.0.0.9" || o.Host != "mx.later.example" || o.Enhanced[0] != 4 {
		t.Errorf("attempt outcome %+v: want deferred at connect to mx.later.example[127.0.0.9], 4.x.x", o)
	}
	if !slices.ContainsFunc(q.Header, func(f HeaderField) bool { return f.Name == "Subject" && f.Value == "adm-carl" }) ||
		!slices.ContainsFunc(q.Header, func(f HeaderField) bool { return f.Name == "DKIM-Signature" }) {
		t.Errorf("header %+v: want the Subject and the DKIM-Signature", q.Header)
	}
	out = mustRun("show", carl)
	for _, want := range []string{"Queue ID:", carl, "deferred, 1 attempts", "Next attempt:", "<carl@later.example>  pending, 1 attempts", "deferred at connect", "Subject: adm-carl"} {
		if !strings.Contains(out, want) {
			t.Errorf("show does not say %q:\n%s", want, out)
		}
	}

	// flush one: carl is tried again (still nobody there), the others not.
	if out := mustRun("flush", carl); !strings.Contains(out, "flushed: 1 message") {
		t.Errorf("flush %s: %s", carl, out)
	}
	waitFor(t, "carl's second attempt", func() bool { q := show(carl); return q.State == "deferred" && q.Attempts == 2 })
	if q := show(dan); q.Attempts != 1 {
		t.Errorf("flush of %s also tried %s (%d attempts)", carl, dan, q.Attempts)
	}

	// delete: erin is withdrawn and gone.
	if out := mustRun("delete", erin); !strings.Contains(out, "removed: 1 message") {
		t.Errorf("delete %s: %s", erin, out)
	}
	if out, rc := run("show", erin); rc != 1 || !strings.Contains(out, "no such message") {
		t.Errorf("show of a deleted message: exit %d: %s", rc, out)
	}

	// hold, then flush by domain: the held message stays.
	if out := mustRun("hold", dan); !strings.Contains(out, "held: 1 message") {
		t.Errorf("hold: %s", out)
	}
	if got := ids(list("-state", "hold")); !slices.Equal(got, []string{dan}) {
		t.Errorf("held: %v, want [%s]", got, dan)
	}
	rec2 := startRecorderAt(t, fmt.Sprintf("127.0.0.9:%d", w.rec.port)) // later.example's MX comes up
	out = mustRun("flush", "-domain", "later.example")
	if !strings.Contains(out, "flushed: 1 message, 1 skipped") || !strings.Contains(out, dan+": not flushed: on hold") {
		t.Errorf("flush -domain later.example: %s", out)
	}
	waitFor(t, "carl's delivery", func() bool { return rec2.got("carl@later.example") })
	time.Sleep(100 * time.Millisecond)
	if rec2.got("dan@later.example") {
		t.Fatal("a held message was delivered")
	}
	// release: due at its retry time, an hour ahead; flush sends it now.
	if out := mustRun("release", dan); !strings.Contains(out, "released: 1 message") {
		t.Errorf("release: %s", out)
	}
	if q := show(dan); q.State != "deferred" || time.Until(q.NextAttempt) < 30*time.Minute {
		t.Errorf("released: %+v, want deferred until its retry time", q)
	}
	mustRun("flush")
	waitFor(t, "dan's delivery", func() bool { return rec2.got("dan@later.example") })
	waitFor(t, "an empty queue", func() bool { return len(list().Messages) == 0 })

	// requeue: the dead letter is tried again, refused again, and dead
	// again with both attempts.
	if out, rc := run("flush", dead); rc != 1 || !strings.Contains(out, "dead letter") {
		t.Errorf("flush of a dead letter: exit %d: %s", rc, out)
	}
	received := m.Stats().Received
	if out := mustRun("requeue", dead); !strings.Contains(out, "requeued: 1 message") {
		t.Errorf("requeue: %s", out)
	}
	waitFor(t, "the second refusal", func() bool {
		q := show(dead)
		return q.State == "dead" && len(q.Recipients[0].History) == 2
	})
	// The refusal's DSN to the sender is queued just after the dead
	// letter is recorded (deliver.go): the checks of an empty queue
	// below wait until it is queued and gone.
	waitFor(t, "the second refusal's DSN", func() bool {
		return m.Stats().Received == received+1 && len(list().Messages) == 0
	})
	if o := show(dead).Recipients[0].History[1]; o.Status != delivery.Failed || o.Code != 550 || o.Stage != delivery.StageRcpt {
		t.Errorf("second attempt %+v: want 550 at RCPT", o)
	}
	// Bulk verbs other than flush need a filter or -all.
	if out, rc := run("delete"); rc != 1 || !strings.Contains(out, "all=1") {
		t.Errorf("delete without a filter: exit %d: %s", rc, out)
	}
	if out, rc := run("delete", dead, "-state", "dead"); rc != 2 {
		t.Errorf("delete with an ID and a filter: exit %d: %s", rc, out)
	}
	if out := mustRun("delete", "-state", "dead"); !strings.Contains(out, "removed: 1 message") {
		t.Errorf("delete -state dead: %s", out)
	}
	if l := list("-state", "dead"); len(l.Messages) != 0 || l.Counts.Dead != 0 {
		t.Errorf("dead letters after delete: %+v", l)
	}
	if out := mustRun("hold", "-all"); !strings.Contains(out, "held: 0 messages") {
		t.Errorf("hold -all of an empty queue: %s", out)
	}
	if out := mustRun("list"); !strings.Contains(out, "Mail queue is empty") {
		t.Errorf("list of an empty queue: %s", out)
	}

	// The operator's commands are in the mail log.
	lines := mailLogLines(t, logFile, false)
	for _, want := range []struct{ msg, id string }{{"flushed", carl}, {"removed", erin}, {"held", dan}, {"released", dan}, {"requeued", dead}, {"removed", dead}} {
		if l := findLine(lines, want.msg, map[string]string{"id": want.id}); l == nil || l["client"] != "127.0.0.1" {
			t.Errorf("no %s line for %s with the client: %v", want.msg, want.id, l)
		}
	}
	if s := getStats(t, m); s.Queued != 0 || s.Dead != 0 {
		t.Errorf("stats after the commands: %+v", s)
	}
}

// TestQueueAdminAuth: only admin.tokens open /api/queue, and they open
// nothing else; never over plain HTTP from another host; failures count.
// Each check comes from an address of its own, as failures block the
// client.
func TestQueueAdminAuth(t *testing.T) {
	_, cfg := tenants(t)
	cfg.Admin.Tokens = []string{"admin-tok"}
	m := startMTA(t, cfg)
	n := 0
	next := func() string { n++; return fmt.Sprintf("127.0.1.%d", n) }
	call := func(m *MTA, local, method, path string, auth func(*http.Request)) int {
		t.Helper()
		client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}).DialContext}}
		defer client.CloseIdleConnections()
		req, _ := http.NewRequest(method, "http://"+m.HTTPAddr()+path, strings.NewReader(sendJSON(map[string]any{"from": "a@alice.example", "to": []string{"x@customers.example"}, "subject": "s", "text": "t"})))
		if auth != nil {
			auth(req)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		method, path string
		auth         func(*http.Request)
		want         int
	}{
		{"GET", "/api/queue", bearer("admin-tok"), 200},
		{"GET", "/api/queue", bearer("tok"), 401},       // the operator's sending token
		{"GET", "/api/queue", bearer("tok-alice"), 401}, // a user's token
		{"GET", "/api/queue", basic("alice", "pw-alice"), 401},
		{"GET", "/api/queue", nil, 401},
		{"POST", "/api/queue/flush", bearer("tok"), 401},
		{"DELETE", "/api/queue/1", bearer("tok"), 401},
		{"POST", "/api/send", bearer("admin-tok"), 401},
		{"POST", "/api/feedback", bearer("admin-tok"), 401},
		{"GET", "/api/stats", bearer("admin-tok"), 401},
	} {
		if got := call(m, next(), tc.method, tc.path, tc.auth); got != tc.want {
			t.Errorf("%s %s with %v: %d, want %d", tc.method, tc.path, tc.auth != nil, got, tc.want)
		}
	}
	// From another host over plain HTTP: refused before the token is
	// looked at.
	req := httptest.NewRequest("GET", "/api/queue", nil)
	req.RemoteAddr = "192.0.2.7:40000"
	bearer("admin-tok")(req)
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, req)
	if rec.Code != 403 {
		t.Errorf("admin token over plain HTTP from another host: %d, want 403", rec.Code)
	}
	// Wrong tokens count as failed logins and block the client.
	guesser := next()
	for range cfg.SMTP.MaxLoginFailures {
		if code := call(m, guesser, "GET", "/api/queue", bearer("guess")); code != 401 {
			t.Fatalf("a wrong token: %d", code)
		}
	}
	if got := call(m, guesser, "GET", "/api/queue", bearer("admin-tok")); got != 429 {
		t.Errorf("after %d wrong tokens: %d, want 429", cfg.SMTP.MaxLoginFailures, got)
	}

	// Without admin.tokens the API is off, whatever else is configured.
	cfg2 := *cfg
	cfg2.Admin.Tokens = nil
	cfg2.Queue.Dir = t.TempDir()
	m2 := startMTA(t, &cfg2)
	if got := call(m2, next(), "GET", "/api/queue", bearer("tok")); got != 403 {
		t.Errorf("without admin.tokens: %d, want 403", got)
	}
}

// TestStatsFromQueue: /api/stats reads the queue's counts, which a
// restart keeps, while the process's counters start again.
func TestStatsFromQueue(t *testing.T) {
	w := newWorld(t)
	if err := w.dns.Add(laterZone); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := w.config(dir)
	cfg.Queue.RetryInitial, cfg.Queue.RetryMax = Duration(time.Hour), Duration(time.Hour)
	m1, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m1.Start(); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"kim@later.example", "unknown-lee@customers.example"} {
		if err := submitSMTP(m1.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", to, message("news@shop.example", to, "st")); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "a deferral and a dead letter", func() bool { s := getStats(t, m1); return s.Queued == 1 && s.Dead == 1 && s.Delivered == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m1.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	m2 := startMTA(t, w.config(dir))
	s := getStats(t, m2)
	if s.Queued != 1 || s.Dead != 1 || s.Received != 0 || s.Delivered != 0 || time.Since(s.Since) > time.Minute {
		t.Errorf("after a restart: %+v; want queued 1 and dead 1 from the queue, the process's counters at 0", s)
	}
}

// FuzzQueueFilter: any query gives a filter or an error, and a filter
// matches any message without a panic.
func FuzzQueueFilter(f *testing.F) {
	f.Add("state=deferred,hold&domain=Later.Example.&sender=%3C%3E&min_age=1h")
	f.Add("state=dead&recipient=@xn--bcher-kva.example&max_age=-1s")
	f.Add("sender=@&recipient=a@&domain=[192.0.2.1]&tenant=%00")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		flt, err := parseFilter(q)
		if err != nil {
			return
		}
		msg := &queue.Message{ID: "1", Envelope: queue.Envelope{From: "a@b.example", Recipients: []queue.Recipient{{Addr: "c@d.example"}, {Addr: "\"x y\"@[192.0.2.1]"}}}}
		flt.match(msg, time.Now())
	})
}
