package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// laterZone adds later.example, whose MX is an address where nothing
// listens (127.0.0.9 at the recorder's port): its recipients are
// deferred until something does.
const laterZone = `
later.example.      IN MX 10 mx.later.example.
mx.later.example.   IN A 127.0.0.9
elsewhere.example.  IN MX 10 mx.shop.example.
`

// slowFinal makes the recorder pause before its reply to the message
// data: a transmission time that shows in milliseconds.
func slowFinal(d time.Duration) func(*smtp.Server) {
	return func(s *smtp.Server) {
		inner := s.Backend
		s.Backend = smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
			sess, err := inner.NewSession(c)
			return slowSession{sess, d}, err
		})
	}
}

type slowSession struct {
	smtp.Session
	pause time.Duration
}

func (s slowSession) Data(r io.Reader) error {
	err := s.Session.Data(r)
	time.Sleep(s.pause)
	return err
}

// parseLogfmt reads a line of slog's text handler: key=value pairs,
// values quoted as strconv.Quote does when they need it.
func parseLogfmt(t *testing.T, line string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for s := line; s != ""; {
		s = strings.TrimLeft(s, " ")
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			t.Fatalf("no key=value at %q in %q", s, line)
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("bad quoted value at %q: %v", rest, err)
			}
			v, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			v, rest, _ = strings.Cut(rest, " ")
			rest = " " + rest
		}
		out[k] = v
		s = strings.TrimLeft(rest, " ")
	}
	return out
}

// mailLogLines reads the mail log file: text lines parsed, or JSON
// objects with every value as its JSON text (strings unquoted).
func mailLogLines(t *testing.T, file string, asJSON bool) []map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if !asJSON {
			out = append(out, parseLogfmt(t, sc.Text()))
			continue
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatalf("mail log line %q: %v", sc.Text(), err)
		}
		m := map[string]string{}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				m[k] = s
			} else {
				m[k] = string(v) // numbers stay numbers
			}
		}
		out = append(out, m)
	}
	return out
}

// findLine returns the first line with msg and every key=value of want.
func findLine(lines []map[string]string, msg string, want map[string]string) map[string]string {
next:
	for _, l := range lines {
		if l["msg"] != msg {
			continue
		}
		for k, v := range want {
			if l[k] != v {
				continue next
			}
		}
		return l
	}
	return nil
}

// checkDelays checks that a line's delay parts are numbers of seconds,
// none negative, adding up to the delay (each is rounded to the
// millisecond).
func checkDelays(t *testing.T, l map[string]string) {
	t.Helper()
	var sum float64
	vals := map[string]float64{}
	for _, k := range []string{"delay", "delay_queue", "delay_conn", "delay_xmit"} {
		v, err := strconv.ParseFloat(l[k], 64)
		if err != nil || v < 0 {
			t.Errorf("%s=%q: want seconds, not negative (line %v)", k, l[k], l)
		}
		vals[k] = v
		if k != "delay" {
			sum += v
		}
	}
	if math.Abs(sum-vals["delay"]) > 0.0025 {
		t.Errorf("delay parts %v add up to %.3f, not the delay %.3f", vals, sum, vals["delay"])
	}
}

// TestMailLog submits over SMTP and the API a message delivered, one
// refused by the recipient's server, one deferred and one unsigned, and
// reads the mail log back: one queued line per message with its origin
// and signing, one line per recipient outcome with the relay, the delay
// parts, the DSN status and the reply; then the same in JSON, an expiry,
// and the file reopened after a rotation.
func TestMailLog(t *testing.T) {
	w := newWorld(t, slowFinal(20*time.Millisecond))
	if err := w.dns.Add(laterZone); err != nil {
		t.Fatal(err)
	}
	cfg := w.config(t.TempDir())
	cfg.Queue.RetryInitial, cfg.Queue.RetryMax = Duration(time.Hour), Duration(time.Hour)
	logFile := filepath.Join(t.TempDir(), "mail.log")
	cfg.MailLog.File = logFile
	m := startMTA(t, cfg)

	from := "news@shop.example"
	auth := sasl.NewPlainClient("", "app", "s3cret")
	for _, to := range []string{"ann@customers.example", "unknown-bob@customers.example", "carl@later.example"} {
		if err := submitSMTP(m.SMTPAddr(), "127.0.0.1", auth, from, to, message(from, to, "log-"+strings.Split(to, "@")[0])); err != nil {
			t.Fatal(err)
		}
	}
	// From a trusted network, a From domain without a key: sent unsigned.
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "x@elsewhere.example", "dora@customers.example", message("x@elsewhere.example", "dora@customers.example", "log-unsigned")); err != nil {
		t.Fatal(err)
	}
	if code, _ := post(t, m, "/api/send", bearer("tok"), sendJSON(map[string]any{"from": from, "to": []string{"eve@customers.example"}, "subject": "s", "text": "t"})); code != 202 {
		t.Fatalf("API send: %d", code)
	}
	// ann, dora, eve and the DSN for unknown-bob delivered; carl deferred.
	waitFor(t, "the outcomes", func() bool { s := m.Stats(); return s.Delivered >= 4 && s.Deferred >= 1 && s.Failed >= 1 })
	lines := mailLogLines(t, logFile, false)

	queued := findLine(lines, "queued", map[string]string{"from": "<" + from + ">", "user": "app", "proto": "smtp", "client": "127.0.0.1"})
	if queued == nil || queued["nrcpt"] != "1" || queued["dkim"] != "signed" || queued["dkim_keys"] == "" || queued["level"] != "INFO" {
		t.Fatalf("queued line of an SMTP submission: %v\nall: %v", queued, lines)
	}
	for _, k := range strings.Split(queued["dkim_keys"], ",") {
		if k != "shop.example/ed1" && k != "shop.example/rsa1" {
			t.Errorf("dkim_keys=%q: want shop.example/ed1 and shop.example/rsa1", queued["dkim_keys"])
		}
	}
	if api := findLine(lines, "queued", map[string]string{"proto": "http", "from": "<" + from + ">"}); api == nil || api["client"] != "127.0.0.1" || api["user"] != "" {
		t.Errorf("queued line of an API submission with the operator's token: %v", api)
	}
	unsigned := findLine(lines, "queued", map[string]string{"from": "<x@elsewhere.example>"})
	if unsigned == nil || unsigned["dkim"] != "unsigned" || !strings.Contains(unsigned["dkim_reason"], "no DKIM key for the From domain elsewhere.example") || unsigned["client"] != "127.0.0.2" {
		t.Errorf("queued line of an unsigned message: %v", unsigned)
	}
	if dsn := findLine(lines, "queued", map[string]string{"from": "<>", "proto": "local"}); dsn == nil {
		t.Errorf("no queued line for the DSN")
	}

	recPort := strconv.Itoa(w.rec.port)
	ann := findLine(lines, "delivered", map[string]string{"to": "<ann@customers.example>"})
	if ann == nil {
		t.Fatalf("no delivered line for ann: %v", lines)
	}
	// The size logged is the size delivered.
	annQueued := findLine(lines, "queued", map[string]string{"id": ann["id"]})
	for _, r := range w.rec.messages() {
		if len(r.to) == 1 && r.to[0] == "ann@customers.example" && (annQueued == nil || annQueued["size"] != strconv.Itoa(len(r.data))) {
			t.Errorf("queued line %v: the recorder got %d bytes", annQueued, len(r.data))
		}
	}
	if ann["relay"] != "mx.customers.example[127.0.0.1]:"+recPort || ann["dsn"] != "2.0.0" || !strings.HasPrefix(ann["reply"], "250 ") ||
		ann["stage"] != "final" || ann["attempts"] != "1" {
		t.Errorf("delivered line: %v", ann)
	}
	if x, _ := strconv.ParseFloat(ann["delay_xmit"], 64); x < 0.02 {
		t.Errorf("delivered line: delay_xmit less than the recorder's 20 ms pause before its final reply: %v", ann)
	}
	checkDelays(t, ann)

	bob := findLine(lines, "bounced", map[string]string{"to": "<unknown-bob@customers.example>"})
	if bob == nil || bob["dsn"] != "5.1.1" || !strings.HasPrefix(bob["reply"], "550 5.1.1 ") || bob["stage"] != "rcpt" ||
		bob["reason"] != "userunknown" || bob["relay"] != "mx.customers.example[127.0.0.1]:"+recPort {
		t.Errorf("bounced line: %v", bob)
	}
	carl := findLine(lines, "deferred", map[string]string{"to": "<carl@later.example>"})
	if carl == nil || carl["relay"] != "mx.later.example[127.0.0.9]:"+recPort || !strings.HasPrefix(carl["dsn"], "4.") ||
		carl["stage"] != "connect" || carl["reply"] == "" || carl["delay_xmit"] != "0" {
		t.Fatalf("deferred line: %v", carl)
	}
	if at, err := time.Parse(time.RFC3339, carl["retry_at"]); err != nil || time.Until(at) < 30*time.Minute {
		t.Errorf("deferred retry_at=%q: want about an hour ahead", carl["retry_at"])
	}
	checkDelays(t, carl)
	// Every outcome line names a message that has a queued line.
	ids := map[string]bool{}
	for _, l := range lines {
		if l["msg"] == "queued" {
			ids[l["id"]] = true
		}
	}
	for _, l := range lines {
		if l["to"] != "" && !ids[l["id"]] {
			t.Errorf("outcome line for a message never logged as queued: %v", l)
		}
	}

	// logrotate: the file is moved, SIGHUP reopens it.
	if err := os.Rename(logFile, logFile+".1"); err != nil {
		t.Fatal(err)
	}
	if err := m.ReopenLogs(); err != nil {
		t.Fatal(err)
	}
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.1", auth, from, "fay@customers.example", message(from, "fay@customers.example", "log-rotated")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "fay's delivery in the new file", func() bool {
		_, err := os.Stat(logFile)
		return err == nil && findLine(mailLogLines(t, logFile, false), "delivered", map[string]string{"to": "<fay@customers.example>"}) != nil
	})
	if findLine(mailLogLines(t, logFile+".1", false), "delivered", map[string]string{"to": "<fay@customers.example>"}) != nil {
		t.Error("a line after the reopen went to the old file")
	}
}

// TestMailLogJSON has the mail log in JSON, with an expiry: queue.max_age
// so short that the first deferral ends the message.
func TestMailLogJSON(t *testing.T) {
	w := newWorld(t)
	if err := w.dns.Add(laterZone); err != nil {
		t.Fatal(err)
	}
	cfg := w.config(t.TempDir())
	cfg.Queue.MaxAge = Duration(time.Millisecond)
	logFile := filepath.Join(t.TempDir(), "mail.json")
	cfg.MailLog = MailLogConfig{File: logFile, Format: "json"}
	m := startMTA(t, cfg)
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", "gil@later.example", message("news@shop.example", "gil@later.example", "log-expire")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the expiry", func() bool { return m.Stats().Failed >= 1 })
	lines := mailLogLines(t, logFile, true)
	exp := findLine(lines, "expired", map[string]string{"to": "<gil@later.example>"})
	if exp == nil || !strings.HasPrefix(exp["dsn"], "4.") || exp["relay"] != fmt.Sprintf("mx.later.example[127.0.0.9]:%d", w.rec.port) || exp["level"] != "INFO" {
		t.Fatalf("expired line: %v\nall: %v", exp, lines)
	}
	checkDelays(t, exp) // numbers in JSON, not strings
	if q := findLine(lines, "queued", map[string]string{"id": exp["id"]}); q == nil || q["nrcpt"] != "1" || q["from"] != "<news@shop.example>" {
		t.Errorf("queued line: %v", q)
	}
}

// TestDKIMRequire refuses what would go unsigned, over SMTP (550 5.7.1)
// and the API (403), with the reason, and logs it; signed mail and this
// MTA's own DSNs (from a hostname in a domain without keys) still go.
func TestDKIMRequire(t *testing.T) {
	w := newWorld(t)
	if err := w.dns.Add(laterZone); err != nil {
		t.Fatal(err)
	}
	cfg := w.config(t.TempDir())
	cfg.Hostname = "mta.elsewhere.example" // the DSNs' From domain has no key
	cfg.DKIM.Require = true
	logFile := filepath.Join(t.TempDir(), "mail.log")
	cfg.MailLog.File = logFile
	m := startMTA(t, cfg)

	err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "x@elsewhere.example", "ann@customers.example", message("x@elsewhere.example", "ann@customers.example", "req-1"))
	if code, enh := smtpCode(err); code != 550 || enh != [3]int{5, 7, 1} || !strings.Contains(err.Error(), "no DKIM key for the From domain elsewhere.example") {
		t.Errorf("unsigned over SMTP: %v, want 550 5.7.1 with the reason", err)
	}
	code, body := post(t, m, "/api/send", bearer("tok"), sendJSON(map[string]any{"from": "x@elsewhere.example", "to": []string{"ann@customers.example"}, "subject": "s", "text": "t"}))
	if code != 403 || !strings.Contains(body["error"], "no DKIM key for the From domain elsewhere.example") {
		t.Errorf("unsigned over the API: %d %v, want 403 with the reason", code, body)
	}
	// Signed mail goes, and its bounce (unsigned, from the MTA) too.
	if err := submitSMTP(m.SMTPAddr(), "127.0.0.2", nil, "news@shop.example", "unknown-zed@customers.example", message("news@shop.example", "unknown-zed@customers.example", "req-2")); err != nil {
		t.Fatalf("signed mail under dkim.require: %v", err)
	}
	waitFor(t, "the DSN's delivery", func() bool {
		for _, r := range w.rec.messages() {
			if r.from == "" && len(r.to) == 1 && r.to[0] == "news@shop.example" {
				return true
			}
		}
		return false
	})
	lines := mailLogLines(t, logFile, false)
	if l := findLine(lines, "refused", map[string]string{"from": "<x@elsewhere.example>", "proto": "smtp"}); l == nil || !strings.Contains(l["reason"], "dkim.require") {
		t.Errorf("refused line over SMTP: %v\nall: %v", l, lines)
	}
	if l := findLine(lines, "refused", map[string]string{"from": "<x@elsewhere.example>", "proto": "http"}); l == nil {
		t.Errorf("no refused line for the API submission")
	}
	if l := findLine(lines, "queued", map[string]string{"from": "<>", "proto": "local"}); l == nil || l["dkim"] != "unsigned" {
		t.Errorf("the DSN's queued line: %v", l)
	}
}

// TestMailLogFileErrors: a mail log that cannot be opened stops Start
// before anything listens.
func TestMailLogFileErrors(t *testing.T) {
	w := newWorld(t)
	cfg := w.config(t.TempDir())
	cfg.MailLog.File = filepath.Join(t.TempDir(), "no", "such", "dir", "mail.log")
	m, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown(context.Background())
	if err := m.Start(); err == nil || !strings.Contains(err.Error(), "maillog.file") {
		t.Fatalf("Start with an unopenable maillog.file: %v", err)
	}
	if m.SMTPAddr() != "" || m.HTTPAddr() != "" {
		t.Errorf("listening on %q and %q", m.SMTPAddr(), m.HTTPAddr())
	}
}
