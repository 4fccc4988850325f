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
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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

	// Without Raw, a text/plain UTF-8 message is built from these.
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
	mux.HandleFunc("POST /api/send", m.authAPI(m.handleSend))
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
	var req SendRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, m.cfg.SMTP.MaxMessageBytes*2))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		jsonError(w, http.StatusBadRequest, "request: "+err.Error())
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		jsonError(w, http.StatusBadRequest, "request: more after the JSON object")
		return
	}
	// smtp.max_recipients bounds a message from either door: each
	// recipient is screened (and checked in DNS) before the answer.
	if n := m.cfg.SMTP.MaxRecipients; n > 0 && len(req.To) > n {
		jsonError(w, http.StatusBadRequest, fmt.Sprintf("to: more than %d recipients (smtp.max_recipients)", n))
		return
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
	if req.Raw == "" {
		var err error
		if raw, err = m.build(&req); err != nil {
			jsonError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	raw, err := m.rep.withUnsubscribe(login.tenant(), req.Unsubscribe, env, raw)
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
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
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteString("\r\n")
		return nil
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
		{"Content-Transfer-Encoding", "8bit"},
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
	b.WriteString(req.Text)
	return b.Bytes(), nil
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
