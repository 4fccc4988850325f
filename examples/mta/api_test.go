package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"reflect"
	"strings"
	"testing"
)

// failingReader fails the read past a refusal: what decodeSend must not
// reach.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("read past the refusal") }

// TestAPISendBounds: POST /api/send refuses a recipient past
// smtp.max_recipients as it meets it, without reading the rest of the
// body; raw or text, and the message built, over smtp.max_message_bytes
// get 413 (the queue's own bound has room for trace fields, so they were
// queued); a body over its bound gets 413 too, before or while it is read.
// The campaign and the idempotency key, copied into every recipient's
// send log record and event, are bounded.
func TestAPISendBounds(t *testing.T) {
	_, cfg := tenants(t)
	cfg.SMTP.MaxMessageBytes, cfg.SMTP.MaxRecipients = 4096, 3
	m := startMTA(t, cfg)
	serve := func(body io.Reader, length int64) (int, string) {
		req := httptest.NewRequest("POST", "/api/send", body)
		req.RemoteAddr = "127.0.0.1:40000"
		req.ContentLength = length
		bearer("tok")(req)
		rec := httptest.NewRecorder()
		m.handler().ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	prefix := `{"from":"a@alice.example","to":["r0@customers.example","r1@customers.example","r2@customers.example","r3@customers.example"`
	if code, ans := serve(io.MultiReader(strings.NewReader(prefix), failingReader{}), -1); code != http.StatusBadRequest || !strings.Contains(ans, "max_recipients") {
		t.Errorf("4 recipients over a limit of 3, then a body that fails: %d %s, want 400 naming smtp.max_recipients", code, ans)
	}
	msg := func(n int) string {
		head := "From: a@alice.example\r\nTo: r@customers.example\r\nSubject: s\r\n\r\n"
		return head + strings.Repeat("x", n-len(head))
	}
	send := func(fields map[string]any) (int, string) {
		body := sendJSON(fields)
		return serve(strings.NewReader(body), int64(len(body)))
	}
	for _, tc := range []struct {
		name   string
		fields map[string]any
		want   int
		says   string
	}{
		{"raw of the largest size", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "raw": msg(4096)}, http.StatusAccepted, ""},
		{"raw one octet over", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "raw": msg(4097)}, http.StatusRequestEntityTooLarge, "max_message_bytes"},
		{"text over", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "text": strings.Repeat("y", 4097)}, http.StatusRequestEntityTooLarge, "max_message_bytes"},
		{"built message over", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "subject": "s", "text": strings.Repeat("y", 4000)}, http.StatusRequestEntityTooLarge, "max_message_bytes"},
		{"campaign of 255 octets", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "text": "t", "campaign": strings.Repeat("c", 255)}, http.StatusAccepted, ""},
		{"campaign of 256 octets", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "text": "t", "campaign": strings.Repeat("c", 256)}, http.StatusBadRequest, "campaign"},
		{"idempotency key of 256 octets", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "text": "t", "idempotency_key": strings.Repeat("k", 256)}, http.StatusBadRequest, "idempotency_key"},
		{"unknown field", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "text": "t", "bcc": "x"}, http.StatusBadRequest, "unknown field"},
		{"unknown field of unsubscribe", map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "text": "t", "unsubscribe": map[string]any{"lst": "x"}}, http.StatusBadRequest, "unknown field"},
	} {
		if code, ans := send(tc.fields); code != tc.want || !strings.Contains(ans, tc.says) {
			t.Errorf("%s: %d %s, want %d saying %q", tc.name, code, ans, tc.want, tc.says)
		}
	}
	largest := sendBodyLimit(4096)
	// Twice the largest message in JSON escapes is taken: Go's
	// encoding/json writes < as \u003c.
	html := msg(4096)
	html = html[:len(html)-1000] + strings.Repeat("<", 1000)
	if code, ans := send(map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "raw": html}); code != http.StatusAccepted {
		t.Errorf("a largest message with escapes: %d %s, want 202", code, ans)
	}
	huge := strings.Repeat(" ", int(largest)+1)
	if code, ans := serve(strings.NewReader(huge), largest+1); code != http.StatusRequestEntityTooLarge || !strings.Contains(ans, "body over") {
		t.Errorf("a body declared over the bound: %d %s, want 413", code, ans)
	}
	if code, ans := serve(strings.NewReader(`{"raw":"`+huge+`"}`), -1); code != http.StatusRequestEntityTooLarge || !strings.Contains(ans, "body over") {
		t.Errorf("a chunked body over the bound: %d %s, want 413", code, ans)
	}
	if code, ans := send(map[string]any{"from": "a@alice.example", "to": []string{"r@customers.example"}, "text": "t"}); code != http.StatusAccepted {
		t.Errorf("a small message after refusals: %d %s", code, ans)
	}
}

// TestAPISendBudget: http.max_send_bytes bounds the bodies being read at
// once: a chunked body counts as the largest allowed. With room for two,
// one login holding one gets 429 for the next (its half is spent), and
// with both held anyone gets 503, both with Retry-After; once they end,
// requests are taken again.
func TestAPISendBudget(t *testing.T) {
	_, cfg := tenants(t)
	cfg.SMTP.MaxMessageBytes = 4096
	cfg.HTTP.MaxSendBytes = 2 * sendBodyLimit(4096)
	m := startMTA(t, cfg)
	type answer struct {
		code int
		err  error
	}
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)
	// held is a chunked request whose body stays open until end.
	type held struct {
		pw   *io.PipeWriter
		from string
		done chan answer
	}
	open := func(auth func(*http.Request), from string) *held {
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send", pr)
		auth(req)
		h := &held{pw: pw, from: from, done: make(chan answer, 1)}
		go func() {
			resp, err := client.Do(req)
			if err != nil {
				h.done <- answer{0, err}
				return
			}
			resp.Body.Close()
			h.done <- answer{resp.StatusCode, nil}
		}()
		// Nothing of the body yet: net/http sends the header alone.
		return h
	}
	// stillHeld reports whether h is held, opening it again when it was
	// refused: a poll that ran at the same time took the room.
	stillHeld := func(h **held, auth func(*http.Request)) bool {
		select {
		case a := <-(*h).done:
			if a.err != nil || a.code != http.StatusTooManyRequests && a.code != http.StatusServiceUnavailable {
				t.Fatalf("a held request ended: %d %v", a.code, a.err)
			}
			*h = open(auth, (*h).from)
			return false
		default:
			return true
		}
	}
	end := func(h *held) answer {
		fmt.Fprintf(h.pw, `{"from":%q,"to":["r@customers.example"],"subject":"s","text":"t"}`, h.from)
		h.pw.Close()
		return <-h.done
	}
	small := func(auth func(*http.Request), from string) (int, string) {
		req, _ := http.NewRequest("POST", "http://"+m.HTTPAddr()+"/api/send",
			strings.NewReader(sendJSON(map[string]any{"from": from, "to": []string{"r@customers.example"}, "subject": "s", "text": "t"})))
		auth(req)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	aliceAuth, bobAuth := basic("alice", "pw-alice"), basic("bob", "pw-bob")
	alice := open(aliceAuth, "a@alice.example")
	// A 429 needs alice's held request in place: nothing else of hers
	// is.
	waitFor(t, "alice's next request to get 429", func() bool {
		code, retry := small(aliceAuth, "a@alice.example")
		return stillHeld(&alice, aliceAuth) && code == http.StatusTooManyRequests && retry != ""
	})
	if code, _ := small(bearer("tok"), "a@alice.example"); code != http.StatusAccepted {
		t.Errorf("the operator with alice's half held: %d, want 202", code)
	}
	bob := open(bobAuth, "b@bob.example")
	waitFor(t, "the operator's request to get 503", func() bool {
		code, retry := small(bearer("tok"), "a@alice.example")
		return stillHeld(&bob, bobAuth) && code == http.StatusServiceUnavailable && retry != ""
	})
	for name, h := range map[string]*held{"alice": alice, "bob": bob} {
		if a := end(h); a.err != nil || a.code != http.StatusAccepted {
			t.Errorf("%s's held request: %d %v, want 202", name, a.code, a.err)
		}
	}
	for _, who := range []func(*http.Request){bearer("tok"), basic("alice", "pw-alice")} {
		if code, _ := small(who, "a@alice.example"); code != http.StatusAccepted {
			t.Errorf("after the held requests ended: %d, want 202", code)
		}
	}
}

// TestDecodeSend: what decodeSend takes, encoding/json takes too, with
// the same result; and it refuses what it should.
func TestDecodeSend(t *testing.T) {
	for _, in := range []string{
		`{}`,
		`{"from":"a@b.example","to":["c@d.example"],"raw":"x","campaign":"c","tenant":"t","idempotency_key":"k"}`,
		`{"to":[],"text":"t","subject":"s","headers":{"X-A":"1"},"unsubscribe":{"list":"l"}}`,
		`{"raw":"a","raw":null,"headers":{"A":"1"},"headers":{"B":"2"}}`,
		`{"unsubscribe":null,"headers":null}`,
	} {
		got, err := decodeSend(strings.NewReader(in), 3, 100)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		checkLikeStdlib(t, in, got)
	}
	for _, in := range []string{``, `[]`, `{"to":"a"}`, `{"to":[1]}`, `{"From":"x"}`, `{"from":1}`, `{} {}`, `{"raw":"` + strings.Repeat("x", 101) + `"}`,
		`{"to":["a","b","c","d"]}`, `{"unsubscribe":{"x":1}}`, `{"from":"a"`, `{"to":["a"`} {
		if _, err := decodeSend(strings.NewReader(in), 3, 100); err == nil {
			t.Errorf("%s: taken", in)
		}
	}
}

// checkLikeStdlib fails t unless encoding/json, with unknown fields
// refused, reads in as got.
func checkLikeStdlib(t *testing.T, in string, got *SendRequest) {
	t.Helper()
	var want SendRequest
	dec := json.NewDecoder(strings.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&want); err != nil {
		t.Errorf("%q: decodeSend took what encoding/json refuses: %v", in, err)
		return
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("%q: decodeSend read %+v, encoding/json %+v", in, *got, want)
	}
}

// FuzzDecodeSend: never a panic; what is taken keeps the bounds, and is
// what encoding/json reads.
func FuzzDecodeSend(f *testing.F) {
	for _, s := range []string{
		`{"from":"a@b.example","to":["c@d.example"],"raw":"x"}`,
		`{"to":["a","b","c","d"]}`,
		`{"subject":"s","text":"t","headers":{"X":"y"},"unsubscribe":{"list":"l"}}`,
		`{"raw":"\u003chtml\u003e","raw":null}`,
		`{"to":null}`,
		`{"from":"x"} x`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := decodeSend(strings.NewReader(in), 3, 100)
		if err != nil {
			return
		}
		if len(got.To) > 3 || len(got.Raw) > 100 || len(got.Text) > 100 {
			t.Fatalf("%q: over the bounds: %+v", in, got)
		}
		checkLikeStdlib(t, in, got)
	})
}

// TestMaxSendBytesConfig: http.max_send_bytes defaults to four largest
// bodies, and must hold one.
func TestMaxSendBytesConfig(t *testing.T) {
	c, err := ParseConfig([]byte(`{"hostname":"h","smtp":{"listen":":25","max_message_bytes":1000},"queue":{"dir":"q"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := 4 * sendBodyLimit(1000); c.HTTP.MaxSendBytes != want {
		t.Errorf("default %d, want %d", c.HTTP.MaxSendBytes, want)
	}
	_, err = ParseConfig([]byte(`{"hostname":"h","smtp":{"listen":":25","max_message_bytes":1000},"queue":{"dir":"q"},"http":{"max_send_bytes":60000}}`))
	if err == nil || !strings.Contains(err.Error(), "http.max_send_bytes") {
		t.Errorf("less than one body: %v, want an error naming http.max_send_bytes", err)
	}
}

// TestBuildLineLength: a message built from the simple fields keeps its
// lines within RFC 5322 §2.1.1's 998 octets (receivers break longer ones,
// and the DKIM signature with them): long fields are folded at their
// spaces (78 octets where it can), a long line of text makes the body
// quoted-printable, and a value with a word that cannot be folded short
// enough is refused. net/mail and mime, not this code, read it back.
func TestBuildLineLength(t *testing.T) {
	m := &MTA{cfg: &Config{Hostname: "mta.shop.example"}}
	var to []string
	for i := range 100 {
		to = append(to, fmt.Sprintf("recipient-%03d@customers.example", i))
	}
	subject := strings.Repeat("Grüße aus Köln, ", 20)
	text := "short line\n" + strings.Repeat("long line ", 300) + "\nend\n"
	raw, err := m.build(&SendRequest{From: "a@shop.example", To: to, Subject: subject, Text: text,
		Headers: map[string]string{"X-Long": strings.Repeat("word ", 100) + "end"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d: %d octets", i, len(line))
		}
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for i, line := range strings.Split(head, "\r\n") {
		// Over 78 only when one word (an encoded word has up to 75)
		// cannot be folded shorter.
		_, value, named := strings.Cut(line, ": ")
		if !named {
			value = line[1:]
		}
		if len(line) > 78 && strings.Contains(value, " ") {
			t.Errorf("header line %d: %d octets, want 78 at most: %q", i, len(line), line)
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := msg.Header.AddressList("To")
	if err != nil || len(addrs) != 100 || addrs[99].Address != to[99] {
		t.Errorf("To read back: %d addresses, %v", len(addrs), err)
	}
	if got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || got != subject {
		t.Errorf("Subject read back: %q, %v", got, err)
	}
	if got := msg.Header.Get("X-Long"); got != strings.Repeat("word ", 100)+"end" {
		t.Errorf("X-Long read back: %q", got)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Errorf("Content-Transfer-Encoding %q, want quoted-printable", cte)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil || strings.ReplaceAll(string(body), "\r\n", "\n") != text {
		t.Errorf("body read back (%v):\n%q\nwant\n%q", err, body, text)
	}

	// Short lines stay 8bit.
	raw, err = m.build(&SendRequest{From: "a@shop.example", To: to[:1], Subject: "s", Text: "Grüße\n"})
	if err != nil || !strings.Contains(string(raw), "Content-Transfer-Encoding: 8bit\r\n") {
		t.Errorf("a short text: %v\n%s", err, raw)
	}
	for name, req := range map[string]*SendRequest{
		"a header word over a line": {From: "a@shop.example", To: to[:1], Text: "t", Headers: map[string]string{"X-A": strings.Repeat("x", 1000)}},
		"a long line of text, 8bit given": {From: "a@shop.example", To: to[:1], Text: strings.Repeat("x", 1000),
			Headers: map[string]string{"Content-Transfer-Encoding": "8bit"}},
	} {
		if _, err := m.build(req); err == nil || !strings.Contains(err.Error(), "998") {
			t.Errorf("%s: %v, want an error naming the 998-octet bound", name, err)
		}
	}
}
