package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/suppression"
)

// SendRequest is the body of POST /api/send: an envelope and either a
// complete message (raw) or the fields to build a plain-text one.
type SendRequest struct {
	From string   `json:"from"`
	To   []string `json:"to"`

	// Raw is the whole message (header and body). Bare LF line ends are
	// turned into CRLF.
	Raw string `json:"raw,omitempty"`

	// Without Raw, a text/plain UTF-8 message is built from these: its
	// fields folded, its text 8bit, or quoted-printable when a line is
	// longer than 998 octets.
	Subject string            `json:"subject,omitempty"`
	Text    string            `json:"text,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`

	Campaign string `json:"campaign,omitempty"`
	// Tenant is the login's: its user name, or none for the operator.
	// It is taken from the login, never from here; a request that names
	// another is refused.
	Tenant string `json:"tenant,omitempty"`
	// IdempotencyKey makes a repeated request return the first one's ID
	// instead of sending again. Keys are the tenant's own.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Unsubscribe adds one-click unsubscribe fields (RFC 8058).
	Unsubscribe *UnsubscribeRequest `json:"unsubscribe,omitempty"`
}

// handler routes the HTTP API, refusing state-changing requests a
// browser makes for another site (CSRF): a browser that remembers a
// user's HTTP Basic login sends it with any site's POST, and a text/plain
// body needs no CORS preflight. Clients other than browsers send
// neither Sec-Fetch-Site nor Origin, and pass. The one-click unsubscribe
// path takes its authority from the token in its URL, not from a
// remembered login, so a mail client's cross-site POST is let through.
func (m *MTA) handler() http.Handler {
	csrf := http.NewCrossOriginProtection()
	if m.rep.signer != nil {
		u, _ := url.Parse(m.rep.unsubURL) // checked by LoadConfig
		csrf.AddInsecureBypassPattern(u.Path)
	}
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		jsonError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return csrf.Handler(m.routes())
}

// routes routes the HTTP API.
func (m *MTA) routes() *http.ServeMux {
	mux := http.NewServeMux()
	sends := &sendBudget{max: m.cfg.HTTP.MaxSendBytes, largest: sendBodyLimit(m.cfg.SMTP.MaxMessageBytes)}
	mux.HandleFunc("POST /api/send", m.authAPI(m.limitSends(sends, m.handleSend)))
	// Feedback makes webhook events about any recipient, and the stats
	// count every tenant's mail: they are the operator's.
	mux.HandleFunc("POST /api/feedback", m.authAPI(operatorOnly(m.handleFeedback)))
	mux.HandleFunc("GET /api/stats", m.authAPI(operatorOnly(m.handleStats)))
	mux.HandleFunc("GET /metrics", m.handleMetrics())
	m.adminRoutes(mux)
	m.rep.routes(mux)
	return mux
}

// apiLogin is the context key of the *account an API request
// authenticated as (nil for the operator).
type apiLogin struct{}

// loginOf returns the account of an authenticated request.
func loginOf(r *http.Request) *account {
	a, _ := r.Context().Value(apiLogin{}).(*account)
	return a
}

// authAPI requires a bearer token (one of http.api_tokens, or a user's
// api_tokens) or HTTP Basic credentials of a user, when any is
// configured. Credentials are refused over plain HTTP except from
// loopback (or with http.allow_insecure_auth): they would cross the
// network in clear. Failures count against the client and the user name
// as SMTP AUTH's do, and a blocked one gets 429.
func (m *MTA) authAPI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		as := func(a *account) { h(w, r.WithContext(context.WithValue(r.Context(), apiLogin{}, a))) }
		if len(m.tokens) == 0 && len(m.users) == 0 {
			as(nil)
			return
		}
		ip, ok := m.admitCredentials(w, r)
		if !ok {
			return
		}
		authz := r.Header.Get("Authorization")
		if tok, ok := strings.CutPrefix(authz, "Bearer "); ok {
			if a, ok := m.tokens[sha256.Sum256([]byte(tok))]; ok {
				as(a)
				return
			}
			m.logins.failed(clientKey(ip))
		} else if user, pass, ok := r.BasicAuth(); ok {
			if m.refuseBlocked(w, userKey(user)) {
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), loginWait)
			a, err := m.passwords.check(ctx, user, pass)
			cancel()
			switch {
			case err == nil:
				m.logins.succeeded(userKey(user))
				as(a)
				return
			case !errors.Is(err, errLoginFailed):
				jsonError(w, http.StatusServiceUnavailable, err.Error())
				return
			}
			m.logins.failed(clientKey(ip), userKey(user))
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="mta"`)
		jsonError(w, http.StatusUnauthorized, "authentication required")
	}
}

// operatorOnly refuses users (403): h is for the operator's tokens.
func operatorOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if loginOf(r) != nil {
			jsonError(w, http.StatusForbidden, "for the operator's tokens only")
			return
		}
		h(w, r)
	}
}

// refuseBlocked answers 429 Too Many Requests (RFC 6585 §4), with
// Retry-After, when logins of key are blocked.
func (m *MTA) refuseBlocked(w http.ResponseWriter, key string) bool {
	until := m.logins.blocked(key)
	if until.IsZero() {
		return false
	}
	m.metrics.limited.WithLabelValues("login_blocked").Inc()
	w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(until).Seconds())+1))
	jsonError(w, http.StatusTooManyRequests, "too many failed logins, try again later")
	return true
}

func jsonError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func (m *MTA) handleStats(w http.ResponseWriter, r *http.Request) {
	s := m.Stats()
	if err := m.queueStats(r.Context(), &s); err != nil {
		m.queueError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (m *MTA) handleSend(w http.ResponseWriter, r *http.Request) {
	maxMsg := m.cfg.SMTP.MaxMessageBytes
	req, err := decodeSend(http.MaxBytesReader(w, r.Body, sendBodyLimit(maxMsg)), m.cfg.SMTP.MaxRecipients, maxMsg)
	if err != nil {
		w.Header().Set("Connection", "close") // the rest of the body unread (see limitSends)
		var re *requestError
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &re):
			jsonError(w, re.code, re.msg)
		case errors.As(err, &tooLarge):
			jsonError(w, http.StatusRequestEntityTooLarge, bodyTooLarge(tooLarge.Limit))
		default:
			jsonError(w, http.StatusBadRequest, "request: "+err.Error())
		}
		return
	}
	// The campaign goes with every recipient into the send log and the
	// webhook's events, the key into the queue's index: unbounded, one
	// request could make gigabytes of them.
	for name, v := range map[string]string{"campaign": req.Campaign, "idempotency_key": req.IdempotencyKey} {
		if len(v) > maxLabel {
			jsonError(w, http.StatusBadRequest, fmt.Sprintf("%s: more than %d octets", name, maxLabel))
			return
		}
	}
	login := loginOf(r)
	if !login.mayUse(req.From) {
		jsonError(w, http.StatusForbidden, "sender address not allowed for this login")
		return
	}
	if req.Tenant != "" && req.Tenant != login.tenant() {
		jsonError(w, http.StatusForbidden, "tenant: not this login's")
		return
	}
	env := &queue.Envelope{From: req.From, Tenant: login.tenant(), Campaign: req.Campaign, IdempotencyKey: req.IdempotencyKey}
	for _, to := range req.To {
		env.Recipients = append(env.Recipients, queue.Recipient{Addr: to})
	}
	if err := env.Check(); err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	refused, unverified, ok := m.rep.screenRequest(w, r, env)
	if !ok {
		return
	}
	raw := []byte(req.Raw)
	req.Raw = ""
	if len(raw) == 0 {
		if raw, err = m.build(req); err != nil {
			jsonError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	raw, err = m.rep.withUnsubscribe(login.tenant(), req.Unsubscribe, env, raw)
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	// The bound of the SMTP door (552 5.3.4 there), on what is queued
	// before the Received and DKIM-Signature fields.
	if int64(len(raw)) > maxMsg {
		jsonError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("message: %d octets, over smtp.max_message_bytes (%d)", len(raw), maxMsg))
		return
	}
	trace := fmt.Sprintf("Received: from %s\r\n\tby %s with HTTP;\r\n\t%s\r\n", sanitize(r.RemoteAddr), m.cfg.Hostname, time.Now().Format(time.RFC1123Z))
	id, err := m.submit(m.apiOrigin(r, login), login, env, trace, raw, nil)
	var he *headerError
	switch {
	case errors.As(err, &he) && he.policy:
		jsonError(w, http.StatusForbidden, he.msg)
		return
	case errors.As(err, &he):
		jsonError(w, http.StatusBadRequest, he.msg)
		return
	case errors.Is(err, queue.ErrTooLarge):
		jsonError(w, http.StatusRequestEntityTooLarge, err.Error())
		return
	case err != nil && queue.IsBadInput(err):
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		m.log.Error("enqueue", "err", err)
		jsonError(w, http.StatusServiceUnavailable, "queue unavailable")
		return
	}
	writeJSON(w, http.StatusAccepted, SendReply{ID: string(id), Refused: refused, Unverified: unverified})
}

// sendBudget bounds the /api/send bodies being read and handled at once
// (http.max_send_bytes), in total and per login, so that their memory is
// bounded whatever the number of connections.
type sendBudget struct {
	max, largest int64 // http.max_send_bytes; sendBodyLimit

	mu      sync.Mutex
	used    int64
	byLogin map[string]int64
}

// take reserves n octets for login, or returns the status of the
// refusal: 503 with the budget spent, 429 with the login's half spent.
func (b *sendBudget) take(login string, n int64) (ok bool, code int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	share := max(b.max/2, b.largest)
	switch {
	case b.used+n > b.max:
		return false, http.StatusServiceUnavailable
	case b.byLogin[login]+n > share:
		return false, http.StatusTooManyRequests
	}
	if b.byLogin == nil {
		b.byLogin = map[string]int64{}
	}
	b.used += n
	b.byLogin[login] += n
	return true, 0
}

// give returns what take reserved.
func (b *sendBudget) give(login string, n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.byLogin[login] -= n; b.byLogin[login] == 0 {
		delete(b.byLogin, login)
	}
}

// limitSends runs h with its body's size reserved in b (Content-Length,
// or the largest body allowed when it is not given), before any of it is
// read. A body declared over the largest is refused at once (413);
// without room, the request gets 503 or 429 (RFC 6585 §4) and
// Retry-After.
func (m *MTA) limitSends(b *sendBudget, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// A refusal leaves the body unread: the connection is closed
		// after it, rather than the body read to make room for the next
		// request (net/http reads up to 256 KiB, as slowly as it comes).
		n := r.ContentLength
		if n > b.largest {
			w.Header().Set("Connection", "close")
			jsonError(w, http.StatusRequestEntityTooLarge, bodyTooLarge(b.largest))
			return
		}
		if n < 0 {
			n = b.largest
		}
		login := loginOf(r).tenant()
		ok, code := b.take(login, n)
		if !ok {
			m.metrics.limited.WithLabelValues("api_send_bytes").Inc()
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "1")
			msg := "too many /api/send bodies at once (http.max_send_bytes), try again"
			if code == http.StatusTooManyRequests {
				msg = "too many /api/send bodies at once from this login (half of http.max_send_bytes), try again"
			}
			jsonError(w, code, msg)
			return
		}
		defer b.give(login, n)
		h(w, r)
	}
}

// maxLabel bounds the campaign and the idempotency key of a send.
const maxLabel = 255

// sendBodyLimit bounds the body of POST /api/send: twice the largest
// message, as its JSON string may take escapes (Go's encoding/json
// writes each < > & as six octets), and 64 KiB for the other fields.
func sendBodyLimit(maxMsg int64) int64 { return 2*maxMsg + 64<<10 }

// bodyTooLarge is the refusal of a body over limit (sendBodyLimit).
func bodyTooLarge(limit int64) string {
	return fmt.Sprintf("request: body over %d octets (twice smtp.max_message_bytes, for JSON escapes, and 64 KiB)", limit)
}

// requestError is a refused request: its HTTP status and message.
type requestError struct {
	code int
	msg  string
}

func (e *requestError) Error() string { return e.msg }

// decodeSend reads a SendRequest one field at a time, so that what is
// over a bound is refused where it is met, before the rest is read: a
// recipient past maxRcpts (smtp.max_recipients) as it comes, raw or
// text longer than maxMsg (smtp.max_message_bytes) with 413 once it is
// read. Fields it does not know, and anything after the object, are
// refused as encoding/json's DisallowUnknownFields would.
func decodeSend(r io.Reader, maxRcpts int, maxMsg int64) (*SendRequest, error) {
	req := &SendRequest{}
	fields := map[string]any{
		"from": &req.From, "subject": &req.Subject, "headers": &req.Headers,
		"campaign": &req.Campaign, "tenant": &req.Tenant, "idempotency_key": &req.IdempotencyKey,
		"unsubscribe": &req.Unsubscribe,
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		switch key {
		case "to":
			if req.To, err = decodeRecipients(dec, maxRcpts); err != nil {
				return nil, err
			}
		case "raw", "text":
			var v *string // nil for null, which changes nothing
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			switch {
			case v == nil:
			case int64(len(*v)) > maxMsg:
				return nil, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("%s: %d octets, over smtp.max_message_bytes (%d)", key, len(*v), maxMsg)}
			case key == "raw":
				req.Raw = *v
			default:
				req.Text = *v
			}
		default:
			f, ok := fields[key]
			if !ok {
				return nil, fmt.Errorf("json: unknown field %q", key)
			}
			if err := dec.Decode(f); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more after the JSON object")
	}
	return req, nil
}

// decodeRecipients reads the "to" array, refusing the recipient past max
// (0: no bound) before it reads on.
func decodeRecipients(dec *json.Decoder, max int) ([]string, error) {
	if err := expectDelim(dec, '['); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	to := []string{}
	for dec.More() {
		if max > 0 && len(to) == max {
			return nil, &requestError{http.StatusBadRequest, fmt.Sprintf("to: more than %d recipients (smtp.max_recipients)", max)}
		}
		var a string
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("to: %w", err)
		}
		to = append(to, a)
	}
	if err := expectDelim(dec, ']'); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	return to, nil
}

// expectDelim reads the next token, which must be d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("want %v, not %v", d, t)
	}
	return nil
}

// build makes a text/plain message from the simple fields. The headers
// replace the built fields of the same name (compared without case).
// Names must be RFC 5322 §2.2 field names; values with control
// characters are refused (CR or LF would inject fields).
func (m *MTA) build(req *SendRequest) ([]byte, error) {
	var b bytes.Buffer
	field := func(name, value string) error {
		if !validFieldName(name) {
			return fmt.Errorf("header name %q: not printable ASCII without a colon (RFC 5322 §2.2)", name)
		}
		if strings.ContainsFunc(value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			return fmt.Errorf("header %s: control character in the value", name)
		}
		return writeFolded(&b, name, value)
	}
	if strings.ContainsAny(req.Subject, "\r\n") {
		return nil, errors.New("subject: CR or LF in the value")
	}
	given := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(req.Headers)) {
		if given[strings.ToLower(k)] {
			return nil, fmt.Errorf("header %s: given twice", k)
		}
		given[strings.ToLower(k)] = true
	}
	// RFC 5322 §2.1.1 (and RFC 6152 for 8bit): lines of at most 998
	// octets; a longer one is broken by the receiver, and the DKIM
	// signature with it. Such text goes quoted-printable (RFC 2045
	// §6.7), unless the caller chose the encoding.
	cte, body := "8bit", req.Text
	if longLine(req.Text) {
		if given["content-transfer-encoding"] {
			return nil, errors.New("text: a line longer than 998 octets (RFC 5322 §2.1.1), and a Content-Transfer-Encoding given: encode it, or leave the field out")
		}
		var qp strings.Builder
		w := quotedprintable.NewWriter(&qp)
		w.Write([]byte(req.Text))
		w.Close()
		cte, body = "quoted-printable", qp.String()
	}
	var rnd [12]byte
	rand.Read(rnd[:])
	fields := [][2]string{
		{"From", req.From},
		{"To", strings.Join(req.To, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", req.Subject)},
		{"Date", time.Now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(rnd[:]) + "@" + m.cfg.Hostname + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", cte},
	}
	for _, f := range fields {
		if given[strings.ToLower(f[0])] {
			continue
		}
		if err := field(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(req.Headers)) {
		if err := field(k, req.Headers[k]); err != nil {
			return nil, err
		}
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.Bytes(), nil
}

// Line lengths of RFC 5322 §2.1.1: at most 998 octets, and 78 should.
const (
	maxLine  = 998
	foldLine = 78
)

// longLine reports whether text has a line over maxLine octets, its CR
// or LF not counted.
func longLine(text string) bool {
	for line := range strings.SplitSeq(text, "\n") {
		if len(strings.TrimSuffix(line, "\r")) > maxLine {
			return true
		}
	}
	return false
}

// writeFolded writes the field name: value to b, folded (RFC 5322
// §2.2.3) before a space where a line would pass foldLine octets, never
// before an empty word (a line of white space alone is not allowed). A
// word that leaves its line over maxLine is refused.
func writeFolded(b *bytes.Buffer, name, value string) error {
	b.WriteString(name)
	b.WriteString(":")
	n, first := len(name)+1, true
	for w := range strings.SplitSeq(value, " ") {
		if !first && w != "" && n+1+len(w) > foldLine {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteString(" ")
		b.WriteString(w)
		n += 1 + len(w)
		first = false
		if n > maxLine {
			return fmt.Errorf("header %s: a word of %d octets makes a line longer than %d octets (RFC 5322 §2.1.1)", name, len(w), maxLine)
		}
	}
	b.WriteString("\r\n")
	return nil
}

// handleFeedback takes returned mail (a DSN or an ARF complaint, RFC 5965)
// that the sending platform received, and turns it into webhook events:
// "bounced" for failed recipients, "complaint" for feedback reports.
func (m *MTA) handleFeedback(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 10<<20))
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	rep, err := bounce.Parse(bytes.NewReader(body))
	if err != nil {
		jsonError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	// The tenant whose mail came back, if the operator knows: what it
	// calls for is suppressed for that tenant's mail, or all mail.
	tenant, code, err := m.rep.tenantFor(r, r.URL.Query().Get("tenant"))
	if err != nil {
		jsonError(w, code, err.Error())
		return
	}
	suppressed, err := m.rep.feedback(r.Context(), tenant, rep)
	if err != nil && !errors.Is(err, suppression.ErrInvalid) {
		m.log.Error("feedback: suppression", "err", err)
		jsonError(w, http.StatusServiceUnavailable, "suppression store unavailable, try again")
		return
	}
	var evs []Event
	now := time.Now().UTC()
	for _, rc := range rep.Recipients {
		ev := Event{Time: now, Recipient: rc.FinalRecipient, MessageID: rep.MessageID, Tenant: tenant}
		switch {
		case rep.Kind == bounce.KindFeedback:
			ev.Type = "complaint"
			if rep.Feedback != nil {
				ev.FeedbackType = rep.Feedback.Type
			}
		case rc.Temporary || rc.Action == "delayed":
			ev.Type = "deferred"
		default:
			ev.Type = "bounced"
		}
		ev.Reason, ev.Status, ev.Hard, ev.Error = string(rc.Reason), rc.Status, rc.Hard, rc.DiagnosticCode
		evs = append(evs, ev)
	}
	if m.hooks != nil {
		for _, ev := range evs {
			m.hooks.add(ev)
		}
	}
	m.metrics.feedback.Add(float64(len(evs)))
	writeJSON(w, http.StatusOK, map[string]any{"kind": rep.Kind.String(), "events": evs, "suppressed": entriesOf(suppressed)})
}
