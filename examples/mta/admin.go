package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// Queue administration while the MTA runs: the embedded queue's file is
// locked by the running process, and a PostgreSQL queue is shared, so the
// operator's tools go through the HTTP API. Only admin.tokens open it;
// they cannot send, and sending tokens cannot open it.
//
//	GET    /api/queue              list (filters below; paged with after and limit)
//	GET    /api/queue/{id}         one message: envelope, header, each recipient's attempts
//	POST   /api/queue/{id}/{verb}  flush, hold, release, requeue or delete one message
//	DELETE /api/queue/{id}         delete one message
//	POST   /api/queue/{verb}       the verb on every message the filters select
//
// Filters (query parameters): state (active, deferred, queued, scheduled,
// hold, comma-separated; or dead), domain (a recipient's), sender and
// recipient (an address, @domain, or <> for the null sender), tenant,
// min_age and max_age (durations since arrival). A bulk verb other than
// flush needs a filter or all=1.

// adminAPI holds the admin tokens by their SHA-256.
type adminAPI struct {
	tokens map[[sha256.Size]byte]bool
}

func newAdminAPI(c AdminConfig) *adminAPI {
	a := &adminAPI{tokens: map[[sha256.Size]byte]bool{}}
	for _, t := range c.Tokens {
		a.tokens[sha256.Sum256([]byte(t))] = true
	}
	return a
}

// adminRoutes adds the queue administration endpoints to mux.
func (m *MTA) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/queue", m.authAdmin(m.handleQueueList))
	mux.HandleFunc("GET /api/queue/{id}", m.authAdmin(m.handleQueueShow))
	mux.HandleFunc("POST /api/queue/{id}/{verb}", m.authAdmin(m.handleQueueVerb))
	mux.HandleFunc("DELETE /api/queue/{id}", m.authAdmin(m.handleQueueVerb))
	mux.HandleFunc("POST /api/queue/{verb}", m.authAdmin(m.handleQueueBulk))
}

// authAdmin requires one of admin.tokens, under the rules of authAPI:
// not over plain HTTP from another host (unless allowed), failures
// counted against the client, blocked clients refused.
func (m *MTA) authAdmin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(m.admin.tokens) == 0 {
			jsonError(w, http.StatusForbidden, "queue administration is off: set admin.tokens in the configuration")
			return
		}
		m.bearer(w, r, m.admin.tokens, "mta-admin", "an admin token is required", h)
	}
}

// bearer serves h when r carries a bearer token of tokens (kept by their
// SHA-256), under the rules of authAPI (no credentials over plain HTTP
// from another host unless allowed, failures counted against the client,
// blocked clients refused); otherwise 401 with realm and msg.
func (m *MTA) bearer(w http.ResponseWriter, r *http.Request, tokens map[[sha256.Size]byte]bool, realm, msg string, h http.HandlerFunc) {
	ip, ok := m.admitCredentials(w, r)
	if !ok {
		return
	}
	authz := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(authz, "Bearer "); ok && tokens[sha256.Sum256([]byte(tok))] {
		h(w, r)
		return
	}
	if authz != "" {
		m.logins.failed(clientKey(ip))
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="`+realm+`"`)
	jsonError(w, http.StatusUnauthorized, msg)
}

// admitCredentials answers requests whose credentials must not be
// looked at: sent over plain HTTP from another host than loopback (403,
// unless http.allow_insecure_auth; they crossed the network in clear),
// or from a client blocked after failed logins (429). It returns the
// client's address and whether to go on.
func (m *MTA) admitCredentials(w http.ResponseWriter, r *http.Request) (netip.Addr, bool) {
	ip := remoteIP(r)
	if r.Header.Get("Authorization") != "" && r.TLS == nil && !ip.IsLoopback() && !m.cfg.HTTP.AllowInsecureAuth {
		jsonError(w, http.StatusForbidden, "credentials over plain HTTP are refused: use HTTPS")
		return ip, false
	}
	return ip, !m.refuseBlocked(w, clientKey(ip))
}

// QueueRecipient is one recipient in a listing or a message's details.
type QueueRecipient struct {
	Addr     string `json:"addr"`
	State    string `json:"state"` // pending, delivered, failed, canceled
	Notify   string `json:"notify,omitempty"`
	ORcpt    string `json:"orcpt,omitempty"`
	Attempts int    `json:"attempts,omitempty"`
	Expired  bool   `json:"expired,omitempty"`
	// Last is the outcome of the last attempt; History (details only)
	// every outcome kept, oldest first.
	Last    *delivery.Outcome  `json:"last,omitempty"`
	History []delivery.Outcome `json:"history,omitempty"`
}

// QueueMessage is a message in a listing (GET /api/queue) or, with the
// detail fields, on its own (GET /api/queue/{id}).
type QueueMessage struct {
	ID          string           `json:"id"`
	State       string           `json:"state"` // active, deferred, queued, scheduled, hold, dead
	Size        int64            `json:"size"`
	Arrival     time.Time        `json:"arrival"`
	From        string           `json:"from"`
	Tenant      string           `json:"tenant,omitempty"`
	Campaign    string           `json:"campaign,omitempty"`
	Priority    string           `json:"priority"`
	Attempts    int              `json:"attempts"`
	NextAttempt time.Time        `json:"next_attempt,omitzero"`
	Recipients  []QueueRecipient `json:"recipients"`

	// Details.
	Class        string        `json:"class,omitempty"`
	SendAt       time.Time     `json:"send_at,omitzero"`
	Ret          string        `json:"ret,omitempty"`
	EnvID        string        `json:"envid,omitempty"`
	LeaseExpires time.Time     `json:"lease_expires,omitzero"`
	Header       []HeaderField `json:"header,omitempty"`
}

// HeaderField is one field of a message's header, unfolded.
type HeaderField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// QueueList is the answer to GET /api/queue.
type QueueList struct {
	Messages []QueueMessage `json:"messages"`
	// Next, when set, is the after= of the next page.
	Next   string      `json:"next,omitempty"`
	Counts QueueCounts `json:"counts"`
}

// QueueCounts sums up the whole queue (queue.Counts).
type QueueCounts struct {
	Queued   int            `json:"queued"` // live messages
	Active   int            `json:"active"` // ... in delivery now
	Due      int            `json:"due"`    // ... due, waiting for a worker
	Held     int            `json:"held"`
	Dead     int            `json:"dead"`
	ByDomain map[string]int `json:"by_domain,omitempty"` // live messages by destination domain
}

// QueueResult is the answer to a verb.
type QueueResult struct {
	Verb    string            `json:"verb"`
	Done    []string          `json:"done"`              // IDs the verb applied to
	Skipped map[string]string `json:"skipped,omitempty"` // ID: why not (at most 1000)
	More    int               `json:"more_skipped,omitempty"`
	Note    string            `json:"note,omitempty"`
}

// messageState names where m stands, as the listing shows it.
func messageState(m *queue.Message, now time.Time) string {
	switch {
	case m.Dead:
		return "dead"
	case m.Held:
		return "hold"
	case m.Leased(now):
		return "active"
	case m.Attempts > 0:
		return "deferred"
	case m.NextAttempt.After(now):
		return "scheduled"
	}
	return "queued"
}

var liveStates = map[string]bool{"active": true, "deferred": true, "queued": true, "scheduled": true, "hold": true}

// queueFilter selects messages for a listing or a bulk verb.
type queueFilter struct {
	states         map[string]bool // live states; empty: all
	dead           bool            // the dead-letter area instead
	domain         address.Domain  // a recipient's
	sender         string          // an address, "@domain" or "<>"
	recipient      string
	tenant         string
	minAge, maxAge time.Duration
}

// parseFilter reads the filters of a query.
func parseFilter(q url.Values) (*queueFilter, error) {
	f := &queueFilter{states: map[string]bool{}, sender: q.Get("sender"), recipient: q.Get("recipient"), tenant: q.Get("tenant")}
	if s := q.Get("state"); s != "" {
		for _, st := range strings.Split(s, ",") {
			switch {
			case st == "dead":
				f.dead = true
			case liveStates[st]:
				f.states[st] = true
			default:
				return nil, fmt.Errorf("state %q: want active, deferred, queued, scheduled, hold or dead", st)
			}
		}
		if f.dead && len(f.states) > 0 {
			return nil, errors.New("state: dead letters are listed on their own")
		}
	}
	if d := q.Get("domain"); d != "" {
		dom, err := address.ParseDomain(d)
		if err != nil {
			return nil, fmt.Errorf("domain %q: %w", d, err)
		}
		f.domain = dom
	}
	for _, p := range []struct {
		name string
		v    *time.Duration
	}{{"min_age", &f.minAge}, {"max_age", &f.maxAge}} {
		if s := q.Get(p.name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d < 0 {
				return nil, fmt.Errorf("%s %q: want a duration like 30m or 2h", p.name, s)
			}
			*p.v = d
		}
	}
	for _, a := range []string{f.sender, f.recipient} {
		if strings.ContainsFunc(a, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return nil, errors.New("sender, recipient: control characters")
		}
	}
	return f, nil
}

// selective reports whether any filter is set.
func (f *queueFilter) selective() bool {
	return len(f.states) > 0 || f.dead || !f.domain.IsZero() || f.sender != "" || f.recipient != "" ||
		f.tenant != "" || f.minAge > 0 || f.maxAge > 0
}

// matchAddr reports whether a matches pattern: an address (compared
// without case), "@domain" for any address there, or "<>" for the null
// sender.
func matchAddr(pattern, a string) bool {
	switch {
	case pattern == "<>":
		return a == ""
	case strings.HasPrefix(pattern, "@"):
		d, err := address.ParseDomain(pattern[1:])
		return err == nil && domainOf(a) == d
	}
	return strings.EqualFold(pattern, a)
}

// domainOf is the domain of an address in canonical form (zero if it
// does not parse).
func domainOf(a string) address.Domain {
	p, err := address.Parse(a)
	if err != nil {
		return address.Domain{}
	}
	return p.Domain
}

func (f *queueFilter) match(m *queue.Message, now time.Time) bool {
	if len(f.states) > 0 && !f.states[messageState(m, now)] {
		return false
	}
	age := now.Sub(m.Created)
	if f.minAge > 0 && age < f.minAge || f.maxAge > 0 && age > f.maxAge {
		return false
	}
	if f.sender != "" && !matchAddr(f.sender, m.From) {
		return false
	}
	if f.domain.IsZero() && f.recipient == "" {
		return true
	}
	for _, r := range m.Recipients {
		if (f.domain.IsZero() || domainOf(r.Addr) == f.domain) && (f.recipient == "" || matchAddr(f.recipient, r.Addr)) {
			return true
		}
	}
	return false
}

// scanPage is how many messages are read from the store at a time;
// scanBudget how many one listing reads at most before it returns what
// it found with a cursor to go on from.
const (
	scanPage   = 500
	scanBudget = 50_000
)

// scan calls fn for the messages f selects, in ID order after after,
// until fn returns false or budget messages were read (0: no limit). It
// returns the ID of the last message read and whether the store had no
// more.
func (m *MTA) scan(ctx context.Context, f *queueFilter, after queue.ID, budget int, fn func(*queue.Message) bool) (last queue.ID, end bool, err error) {
	opts := queue.ListOptions{Dead: f.dead, Tenant: f.tenant, After: after, Limit: scanPage}
	if len(f.states) == 1 && f.states["hold"] {
		opts.Held = true
	}
	read := 0
	for {
		page, err := m.store.List(ctx, opts)
		if err != nil {
			return last, false, err
		}
		now := time.Now()
		for _, msg := range page {
			last = msg.ID
			read++
			if f.match(msg, now) && !fn(msg) {
				return last, false, nil
			}
			if budget > 0 && read >= budget {
				return last, false, nil
			}
		}
		if len(page) < opts.Limit {
			return last, true, nil
		}
		opts.After = last
	}
}

// listing turns a message into its QueueMessage; details adds the
// recipients' histories.
func listing(msg *queue.Message, now time.Time, details bool) QueueMessage {
	q := QueueMessage{
		ID: string(msg.ID), State: messageState(msg, now), Size: msg.Size, Arrival: msg.Created.UTC(),
		From: msg.From, Tenant: msg.Tenant, Campaign: msg.Campaign, Priority: msg.Priority.String(),
		Attempts: msg.Attempts, Recipients: []QueueRecipient{},
	}
	if !msg.Dead && !msg.Leased(now) {
		q.NextAttempt = msg.NextAttempt.UTC()
	}
	for i := range msg.Recipients {
		r := &msg.Recipients[i]
		qr := QueueRecipient{Addr: r.Addr, State: r.State.String(), Attempts: r.Attempts, Expired: r.Expired(), Last: r.Last()}
		if details {
			qr.Notify, qr.ORcpt, qr.History = r.Notify, r.ORcpt, r.History
		}
		q.Recipients = append(q.Recipients, qr)
	}
	if details {
		q.Class, q.SendAt, q.Ret, q.EnvID = msg.Class, msg.SendAt, msg.Ret, msg.EnvID
		if msg.Leased(now) {
			q.LeaseExpires = msg.LeaseExpires.UTC()
		}
	}
	return q
}

// writeJSON writes v as the JSON body of a reply with code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// maxListLimit is the largest page of a listing.
const maxListLimit = 1000

func (m *MTA) handleQueueList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := parseFilter(q)
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit := 100
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 {
			jsonError(w, http.StatusBadRequest, "limit: want a positive number")
			return
		}
		limit = min(limit, maxListLimit)
	}
	out := QueueList{Messages: []QueueMessage{}}
	now := time.Now()
	last, end, err := m.scan(r.Context(), f, queue.ID(q.Get("after")), scanBudget, func(msg *queue.Message) bool {
		out.Messages = append(out.Messages, listing(msg, now, false))
		return len(out.Messages) < limit
	})
	if queue.IsBadInput(err) {
		jsonError(w, http.StatusBadRequest, "after: not an ID of this queue")
		return
	} else if err != nil {
		m.queueError(w, err)
		return
	}
	if !end {
		out.Next = string(last)
	}
	c, err := m.store.Counts(r.Context(), now)
	if err != nil {
		m.queueError(w, err)
		return
	}
	out.Counts = QueueCounts{Queued: c.Queued, Active: c.Leased, Due: c.Due, Held: c.Held, Dead: c.Dead, ByDomain: c.ByDomain}
	writeJSON(w, http.StatusOK, out)
}

// maxHeaderBytes bounds the header a message's details show.
const maxHeaderBytes = 256 << 10

func (m *MTA) handleQueueShow(w http.ResponseWriter, r *http.Request) {
	msg, err := m.store.Get(r.Context(), queue.ID(r.PathValue("id")))
	if err != nil {
		m.queueError(w, err)
		return
	}
	out := listing(msg, time.Now(), true)
	if out.Header, err = m.header(r.Context(), msg.ID); err != nil {
		m.queueError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// header reads the header of a queued message (at most maxHeaderBytes)
// as unfolded fields.
func (m *MTA) header(ctx context.Context, id queue.ID) ([]HeaderField, error) {
	rc, err := m.store.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var hdr []byte
	br := bufio.NewReader(io.LimitReader(rc, maxHeaderBytes))
	for {
		line, err := br.ReadBytes('\n')
		if len(line) == 0 || string(line) == "\r\n" || string(line) == "\n" {
			break
		}
		hdr = append(hdr, line...)
		if err != nil {
			break
		}
	}
	fields, err := headerFields(append(crlf(hdr), "\r\n"...))
	if err != nil {
		return nil, nil // shown without its header rather than not at all
	}
	out := make([]HeaderField, len(fields))
	for i, f := range fields {
		out[i] = HeaderField{Name: f.name, Value: strings.TrimSpace(f.value)}
	}
	return out, nil
}

// queueError answers a store error.
func (m *MTA) queueError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, queue.ErrNotFound):
		jsonError(w, http.StatusNotFound, "no such message")
	case errors.Is(err, queue.ErrLeased):
		jsonError(w, http.StatusConflict, "in delivery now: try again after the attempt")
	case queue.IsBadInput(err):
		jsonError(w, http.StatusConflict, err.Error())
	default:
		m.log.Error("queue administration", "err", err)
		jsonError(w, http.StatusServiceUnavailable, "queue unavailable")
	}
}

// verbs are what the queue commands do to a message.
var verbs = map[string]bool{"flush": true, "hold": true, "release": true, "requeue": true, "delete": true}

func (m *MTA) handleQueueVerb(w http.ResponseWriter, r *http.Request) {
	verb := r.PathValue("verb")
	if r.Method == http.MethodDelete {
		verb = "delete"
	}
	if !verbs[verb] {
		jsonError(w, http.StatusNotFound, "no such verb: flush, hold, release, requeue or delete")
		return
	}
	id := queue.ID(r.PathValue("id"))
	msg, err := m.store.Get(r.Context(), id)
	if err != nil {
		m.queueError(w, err)
		return
	}
	note, err := m.apply(r.Context(), verb, msg)
	if err != nil {
		m.queueError(w, err)
		return
	}
	m.maillog.action(pastTense(verb), id, remoteIP(r))
	m.wakeDispatcher()
	writeJSON(w, http.StatusOK, QueueResult{Verb: verb, Done: []string{string(id)}, Note: note})
}

// handleQueueBulk applies a verb to every message the filters select
// (flush with none: every message, as postqueue -f).
func (m *MTA) handleQueueBulk(w http.ResponseWriter, r *http.Request) {
	verb := r.PathValue("verb")
	if !verbs[verb] {
		jsonError(w, http.StatusNotFound, "no such verb: flush, hold, release, requeue or delete")
		return
	}
	q := r.URL.Query()
	f, err := parseFilter(q)
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	if verb != "flush" && !f.selective() && q.Get("all") != "1" {
		jsonError(w, http.StatusBadRequest, verb+" of every message: give a filter, or all=1")
		return
	}
	if verb == "requeue" {
		f.dead = true // only dead letters come back
		if len(f.states) > 0 {
			jsonError(w, http.StatusBadRequest, "requeue takes dead letters: no state filter")
			return
		}
	}
	out := QueueResult{Verb: verb, Done: []string{}, Skipped: map[string]string{}}
	client := remoteIP(r)
	_, _, err = m.scan(r.Context(), f, "", 0, func(msg *queue.Message) bool {
		why := ""
		switch st := messageState(msg, time.Now()); {
		case verb == "flush" && st == "hold":
			why = "on hold"
		case verb == "flush" && st == "scheduled":
			why = "scheduled for " + msg.NextAttempt.UTC().Format(time.RFC3339)
		case verb == "flush" && st == "active":
			why = "in delivery now"
		case verb == "release" && st != "hold":
			return true // nothing to do, and nothing worth saying
		}
		if why == "" {
			if _, err := m.apply(r.Context(), verb, msg); err != nil {
				why = err.Error()
				if errors.Is(err, queue.ErrLeased) {
					why = "in delivery now"
				}
			}
		}
		switch {
		case why == "":
			out.Done = append(out.Done, string(msg.ID))
			m.maillog.action(pastTense(verb), msg.ID, client)
		case len(out.Skipped) < 1000:
			out.Skipped[string(msg.ID)] = why
		default:
			out.More++
		}
		return r.Context().Err() == nil
	})
	if err != nil {
		m.queueError(w, err)
		return
	}
	m.wakeDispatcher()
	writeJSON(w, http.StatusOK, out)
}

// apply does verb to msg (as read just before): flush makes it due now
// (a held one when released; a scheduled one keeps its time), hold and
// release, requeue brings a dead letter back, delete withdraws a live
// one's recipients (so that it is never delivered afterwards) and
// removes it. A note says what the caller may not expect.
func (m *MTA) apply(ctx context.Context, verb string, msg *queue.Message) (note string, err error) {
	dead := fmt.Errorf("%w: message %s is a dead letter (requeue or delete it)", queue.ErrInvalidInput, msg.ID)
	switch verb {
	case "flush":
		if msg.Dead {
			return "", dead
		}
		if err := m.q.Retry(ctx, msg.ID); err != nil {
			return "", err
		}
		if msg.Held {
			note = "on hold: it goes when released"
		}
	case "hold":
		if msg.Dead {
			return "", dead
		}
		return "", m.q.Hold(ctx, msg.ID)
	case "release":
		if msg.Dead {
			return "", dead
		}
		return "", m.q.Release(ctx, msg.ID)
	case "requeue":
		if !msg.Dead {
			return "", fmt.Errorf("%w: message %s is not a dead letter", queue.ErrInvalidInput, msg.ID)
		}
		if err := m.store.Requeue(ctx, msg.ID, time.Now()); err != nil {
			return "", err
		}
		m.queued.Add(1)
	case "delete":
		if !msg.Dead {
			// Withdrawn first: refused while an attempt runs, and once
			// it returns nothing delivers the message. It then leaves
			// the queue, or goes to the dead letters if a recipient
			// had failed, from where it is removed.
			if err := m.q.Cancel(ctx, msg.ID); err != nil {
				return "", err
			}
			m.queued.Add(-1)
		}
		if err := m.store.Remove(ctx, msg.ID); err != nil && !errors.Is(err, queue.ErrNotFound) {
			return "", err
		}
	}
	return note, nil
}

// pastTense is the mail log's word for a verb done.
func pastTense(verb string) string {
	switch verb {
	case "flush":
		return "flushed"
	case "hold":
		return "held"
	case "release":
		return "released"
	case "requeue":
		return "requeued"
	}
	return "removed"
}

// wakeDispatcher has the dispatcher lease at once.
func (m *MTA) wakeDispatcher() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// queueStats fills the counters of s that the queue keeps: they survive
// restarts and, with PostgreSQL, cover every process sharing it.
func (m *MTA) queueStats(ctx context.Context, s *Stats) error {
	c, err := m.store.Counts(ctx, time.Now())
	if err != nil {
		return err
	}
	s.Queued, s.Active, s.Due, s.Held, s.Dead = int64(c.Queued), int64(c.Leased), int64(c.Due), int64(c.Held), int64(c.Dead)
	return nil
}
