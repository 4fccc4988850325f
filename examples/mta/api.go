package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/queue"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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

	Campaign       string `json:"campaign,omitempty"`
	Tenant         string `json:"tenant,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// handler routes the HTTP API.
func (m *MTA) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/send", m.authAPI(m.handleSend))
	mux.HandleFunc("POST /api/feedback", m.authAPI(m.handleFeedback))
	mux.HandleFunc("GET /api/stats", m.authAPI(m.handleStats))
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}

// apiUser is the context key of the SMTP user an API request
// authenticated as; requests with a token or without authentication have
// none.
type apiUser struct{}

// authAPI requires a bearer token from http.api_tokens, or HTTP Basic
// credentials of an SMTP user, when either is configured.
func (m *MTA) authAPI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(m.tokens) == 0 && len(m.users) == 0 {
			h(w, r)
			return
		}
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && m.tokens[tok] {
			h(w, r)
			return
		}
		if u, p, ok := r.BasicAuth(); ok {
			if m.checkPassword(u, p) {
				h(w, r.WithContext(context.WithValue(r.Context(), apiUser{}, u)))
				return
			}
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="mta"`)
		jsonError(w, http.StatusUnauthorized, "authentication required")
	}
}

func jsonError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (m *MTA) handleStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(m.Stats())
}

func (m *MTA) handleSend(w http.ResponseWriter, r *http.Request) {
	var req SendRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, m.cfg.SMTP.MaxMessageBytes*2))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		jsonError(w, http.StatusBadRequest, "request: "+err.Error())
		return
	}
	if u, ok := r.Context().Value(apiUser{}).(string); ok && !m.mayUse(u, req.From) {
		jsonError(w, http.StatusForbidden, "sender address not allowed for this login")
		return
	}
	env := &queue.Envelope{From: req.From, Tenant: req.Tenant, Campaign: req.Campaign, IdempotencyKey: req.IdempotencyKey}
	for _, to := range req.To {
		env.Recipients = append(env.Recipients, queue.Recipient{Addr: to})
	}
	if err := env.Check(); err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	var raw []byte
	if req.Raw != "" {
		raw = crlf(req.Raw)
		if u, ok := r.Context().Value(apiUser{}).(string); ok && !m.headerFromAllowed(u, raw) {
			jsonError(w, http.StatusForbidden, "From header address not allowed for this login")
			return
		}
	} else {
		var err error
		if raw, err = m.build(&req); err != nil {
			jsonError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	trace := fmt.Sprintf("Received: from %s\r\n\tby %s with HTTP;\r\n\t%s\r\n", sanitize(r.RemoteAddr), m.cfg.Hostname, time.Now().Format(time.RFC1123Z))
	id, err := m.submit(r.Context(), env, trace, raw)
	switch {
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
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]string{"id": string(id)})
}

// build makes a text/plain message from the simple fields. Header values
// with CR or LF are refused (they would inject fields).
func (m *MTA) build(req *SendRequest) ([]byte, error) {
	var b bytes.Buffer
	field := func(name, value string) error {
		if strings.ContainsAny(name, "\r\n: ") || name == "" {
			return fmt.Errorf("header name %q: invalid", name)
		}
		if strings.ContainsAny(value, "\r\n") {
			return fmt.Errorf("header %s: CR or LF in the value", name)
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
		if _, override := req.Headers[f[0]]; override {
			continue
		}
		if err := field(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	for k, v := range req.Headers {
		if err := field(k, v); err != nil {
			return nil, err
		}
	}
	b.WriteString("\r\n")
	b.Write(crlf(req.Text))
	return b.Bytes(), nil
}

// crlf turns bare LF line ends into CRLF.
func crlf(s string) []byte {
	out := make([]byte, 0, len(s)+len(s)/32)
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' && (i == 0 || s[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, s[i])
	}
	return out
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
	var evs []Event
	now := time.Now().UTC()
	for _, rc := range rep.Recipients {
		ev := Event{Time: now, Recipient: rc.FinalRecipient, MessageID: rep.MessageID}
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
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"kind": rep.Kind.String(), "events": evs})
}
