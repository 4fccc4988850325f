package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/returnpath"
	"github.com/mxkit/mxkit/verp"
	"github.com/prometheus/client_golang/prometheus"
)

// ReturnPathConfig turns on signed VERP return paths (package verp): each
// message goes out with one envelope per recipient, whose sender is an
// address of Domain naming the message and the recipient, so that a
// bounce coming back says which send failed, and a forged or replayed one
// is refused. Listen is the SMTP listener of that domain (package
// returnpath), which takes the bounces and feedback reports and hands
// them to the suppression list and the webhook.
type ReturnPathConfig struct {
	Domain string    `json:"domain"`
	Prefix string    `json:"prefix"`
	Keys   []VERPKey `json:"keys"`
	MaxAge Duration  `json:"max_age"`
	Listen string    `json:"listen"`
	// Feedback are the addresses of Domain taken as they are; default
	// fbl@ and postmaster@ the domain.
	Feedback   []string `json:"feedback"`
	SendLogDir string   `json:"send_log_dir"`
}

// VERPKey is a return-path signing key: Keys[0] signs, all verify.
type VERPKey struct {
	ID         int    `json:"id"`
	SecretFile string `json:"secret_file"`
}

func (c *ReturnPathConfig) check() error {
	if c.Domain == "" {
		if c.Listen != "" || len(c.Keys) > 0 || c.SendLogDir != "" {
			return fieldErr("return_path.domain", "listen, keys and send_log_dir need a domain")
		}
		return nil
	}
	if len(c.Keys) == 0 {
		return fieldErr("return_path.keys", "at least one key is needed to sign return paths")
	}
	ids := map[int]bool{}
	for i, k := range c.Keys {
		if k.ID < 0 || k.ID > 31 || ids[k.ID] || k.SecretFile == "" {
			return fieldErr(fmt.Sprintf("return_path.keys[%d]", i), "each key needs a secret_file and an id of its own from 0 to 31 (id %d)", k.ID)
		}
		ids[k.ID] = true
	}
	if c.MaxAge < 0 {
		return fieldErr("return_path.max_age", "negative")
	}
	if c.Listen != "" && c.SendLogDir == "" {
		return fieldErr("return_path.send_log_dir", "needed with listen: bounces come back after their message has left the queue")
	}
	dom, err := address.ParseDomain(c.Domain)
	if err != nil || dom.Literal().IsValid() {
		return fieldErr("return_path.domain", "%q: not a domain name", c.Domain)
	}
	if len(c.Feedback) == 0 {
		c.Feedback = []string{"fbl@" + c.Domain, "postmaster@" + c.Domain}
	}
	for i, f := range c.Feedback {
		if a, err := address.Parse(f); err != nil || a.Domain != dom {
			return fieldErr(fmt.Sprintf("return_path.feedback[%d]", i), "%q: not an address at %s", f, c.Domain)
		}
	}
	return nil
}

// suppressor is where a bounce or feedback report that came back to a
// return path goes, reduced to the one recipient its tag confirms
// (returnpath.Bounce.ForRecipient), with the tenant of the message: the
// reputation section's feedback (reputation.Report), which suppresses and
// counts it, when it has a suppression list or rate counters. An error
// refuses the message with 451, so that the bounce comes again.
type suppressor interface {
	Report(ctx context.Context, tenant string, rep *bounce.Report) error
}

// returnPath is the return path's state: the codec that writes and reads
// the addresses, the send log, and the listener.
type returnPath struct {
	codec    *verp.Codec
	log      *sendLog // nil without send_log_dir
	srv      *returnpath.Server
	ln       net.Listener
	suppress suppressor // nil: events only

	returned *prometheus.CounterVec // by kind and match
	refused  *prometheus.CounterVec // by reason

	handled recentReports
}

// recentReports remembers the last maxRecentReports reports handled, by
// what they say about which send (see reportKey), so that one that comes
// again is not counted again: the return path stays valid for days, and
// whoever received the message (and so its return path) could otherwise
// send the same complaint a thousand times and push the tenant's
// complaint rate over its threshold. A mailbox provider's duplicate
// report is the same report, and is not counted twice either.
//
// The memory is this process's, and bounded: at most maxRecentReports
// keys of at most about 80 octets (verp.MaxMessageID bounds the message
// ID), some 10 MB with the map's overhead. A restart forgets it, as does
// another process behind the same MX: a copy of a report sent again
// after that counts again.
type recentReports struct {
	mu   sync.Mutex
	seen map[string]int // key: its slot in ring
	ring []string       // the keys claimed, oldest first from next
	next int
}

const maxRecentReports = 1 << 16

// reportKey names what a report says about one send: the return path's
// message and recipient key, the kind of report, and what it counts as —
// a complaint or an unsubscribe request, the DSN action — from a fixed
// set. The sender of the report writes Feedback-Type and Action as it
// likes: keyed as written, "abuse", "abuse2", "abuse3" ... would each
// count as a complaint of their own.
func reportKey(b *returnpath.Bounce) string {
	kind, what := "unreadable", ""
	if b.Report != nil {
		kind = b.Report.Kind.String()
		if b.Report.Feedback != nil {
			what = "complaint"
			if b.Report.Feedback.Type == "unsubscribe" { // RFC 2369 opt-out (bounce.Feedback)
				what = "unsubscribe"
			}
		}
	}
	if b.Verdict != nil {
		switch a := b.Verdict.Action; a {
		case "failed", "delayed", "delivered", "relayed", "expanded": // RFC 3464 §2.3.3
			what += "/" + a
		default:
			what += "/other"
		}
	}
	return fmt.Sprintf("%s\x00%x\x00%s\x00%s", b.Tag.MessageID, b.Tag.Recipient[:], kind, what)
}

// claim remembers key, forgetting the oldest past maxRecentReports, and
// reports whether it is new: false for a report handled lately or being
// handled now (copies sent at once over several connections count once
// too).
func (r *recentReports) claim(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.seen[key]; ok {
		return false
	}
	if r.seen == nil {
		r.seen = map[string]int{}
	}
	slot := len(r.ring)
	if slot < maxRecentReports {
		r.ring = append(r.ring, key)
	} else {
		slot = r.next
		// The slot's old key, unless it was forgotten and claimed again
		// since (it lives in a later slot then).
		if old := r.ring[slot]; r.seen[old] == slot {
			delete(r.seen, old)
		}
		r.ring[slot] = key
		r.next = (r.next + 1) % maxRecentReports
	}
	r.seen[key] = slot
	return true
}

// forget drops key, claimed by a report that could not be handled: its
// sender is told to try again, and the copy that comes then counts. Its
// slot in the ring is reused in its turn.
func (r *recentReports) forget(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.seen, key)
}

// newReturnPath reads the keys, checks that return paths can be made and
// opens the send log.
func (m *MTA) newReturnPath() error {
	c := &m.cfg.ReturnPath
	if c.Domain == "" {
		return nil
	}
	codec := &verp.Codec{Domain: c.Domain, Prefix: c.Prefix, MaxAge: time.Duration(c.MaxAge)}
	for _, k := range c.Keys {
		secret, err := os.ReadFile(k.SecretFile)
		if err != nil {
			return fmt.Errorf("return_path.keys: %w", err)
		}
		codec.Keys = append(codec.Keys, verp.Key{ID: uint8(k.ID), Secret: bytes.TrimRight(secret, "\r\n")})
	}
	// Every key, every message ID the queues make (16 hex digits, or up
	// to 19 decimal ones): caught now rather than at the first send.
	for _, k := range codec.Keys {
		one := &verp.Codec{Domain: codec.Domain, Prefix: codec.Prefix, Keys: []verp.Key{k}}
		if _, err := one.Encode("9223372036854775807", "postmaster@"+c.Domain, time.Now()); err != nil {
			return fmt.Errorf("return_path: %w", err)
		}
	}
	rp := &returnPath{
		codec: codec,
		returned: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_returned_total", Help: "Messages that came back to the return path, by kind (dsn, feedback, ...) and how their recipient was found (report, lookup, none).",
		}, []string{"kind", "match"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_returnpath_refused_total", Help: "Connections and recipients the return-path listener refused, by reason.",
		}, []string{"reason"}),
	}
	m.metrics.reg.MustRegister(rp.returned, rp.refused)
	if c.SendLogDir != "" {
		maxAge := codec.MaxAge
		if maxAge <= 0 {
			maxAge = verp.DefaultMaxAge
		}
		l, err := openSendLog(c.SendLogDir, maxAge, m.log)
		if err != nil {
			return err
		}
		rp.log = l
	}
	if m.rep.list != nil || m.rep.counter != nil {
		rp.suppress = m.rep
	}
	m.rp = rp
	return nil
}

// listenReturnPath opens the return-path listener, if one is configured.
func (m *MTA) listenReturnPath() error {
	if m.rp == nil || m.cfg.ReturnPath.Listen == "" {
		return nil
	}
	ln, err := net.Listen("tcp", m.cfg.ReturnPath.Listen)
	if err != nil {
		return fmt.Errorf("return path listener: %w", err)
	}
	m.rp.ln = ln
	return nil
}

// serveReturnPath serves the return-path listener (STARTTLS with tlsConfig
// if not nil): only the VERP addresses this MTA signed and the feedback
// addresses are accepted, everything else is refused at RCPT.
func (m *MTA) serveReturnPath(tlsConfig *tls.Config) {
	if m.rp == nil || m.rp.ln == nil {
		return
	}
	rp := m.rp
	rp.srv = &returnpath.Server{
		Codec:     rp.codec,
		Feedback:  m.cfg.ReturnPath.Feedback,
		Hostname:  m.cfg.Hostname,
		TLSConfig: tlsConfig,
		Logger:    m.log.With("listener", "return_path"),
		OnRefusal: func(r returnpath.Refusal) { rp.refused.WithLabelValues(refusalReason(r.Err)).Inc() },
		Lookup: func(ctx context.Context, tag verp.Tag) (string, error) {
			rec, err := m.sentTo(ctx, tag)
			if rec == nil {
				return "", err
			}
			return rec.Rcpt, nil
		},
		Handler: returnpath.HandlerFunc(m.handleReturned),
	}
	m.serveWG.Add(1)
	go func() {
		defer m.serveWG.Done()
		if err := rp.srv.Serve(rp.ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			m.log.Error("return path listener", "err", err)
		}
	}()
	m.log.Info("return path listening", "addr", rp.ln.Addr().String(), "domain", rp.codec.Domain)
}

// ReturnPathAddr returns the return-path listener's address.
func (m *MTA) ReturnPathAddr() string {
	if m.rp == nil {
		return ""
	}
	return addrOf(m.rp.ln)
}

// stopReturnPath stops the listener, waiting for its sessions until ctx
// is done.
func (m *MTA) stopReturnPath(ctx context.Context) error {
	if m.rp == nil || m.rp.srv == nil {
		if m.rp != nil && m.rp.ln != nil {
			m.rp.ln.Close()
		}
		return nil
	}
	err := m.rp.srv.Shutdown(ctx)
	if err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		m.rp.srv.Close()
		return err
	}
	return nil
}

// closeSendLog writes the send log's last records and closes it, once no
// delivery and no return-path session runs.
func (m *MTA) closeSendLog() error {
	if m.rp == nil || m.rp.log == nil {
		return nil
	}
	return m.rp.log.close()
}

// verpRecipient returns rcpt when it goes in an envelope of its own with
// a return path, else "": with return paths on, for every recipient
// except those of a notice (the null sender stays null) and those whose
// submitter asked for notices (NOTIFY SUCCESS, FAILURE or DELAY, RFC 3461
// §4.1, in notify): the notices of the next hops go to whom asked for
// them, the message's own sender.
func (m *MTA) verpRecipient(msg *queue.Message, rcpt, notify string) string {
	if m.rp == nil || msg.From == "" || notify != "" && notify != "NEVER" {
		return ""
	}
	return rcpt
}

// envelopeFrom returns the reverse-path of a transaction of msg: the
// signed return path for rcpt, recorded in the send log, when rcpt is not
// "" (see verpRecipient), else msg.From. A return path that cannot be
// made is logged, and msg.From used.
func (m *MTA) envelopeFrom(msg *queue.Message, rcpt string) string {
	if rcpt == "" {
		return msg.From
	}
	now := time.Now()
	a, err := m.rp.codec.Encode(string(msg.ID), rcpt, now)
	if err != nil {
		m.log.Warn("return path: sending with the message's own sender", "id", msg.ID, "rcpt", rcpt, "err", err)
		return msg.From
	}
	if m.rp.log != nil {
		m.rp.log.add(sendRecord{ID: string(msg.ID), Rcpt: rcpt, Tenant: msg.Tenant, Campaign: msg.Campaign, Time: now})
	}
	return a.String()
}

// sentTo finds the send a return path's tag names: a recipient of message
// tag.MessageID whose key is the tag's, from the send log, or from the
// queue while the message is there. Nil when neither knows it.
func (m *MTA) sentTo(ctx context.Context, tag verp.Tag) (*sendRecord, error) {
	rp := m.rp
	match := func(rcpt string) bool {
		k, err := rp.codec.RecipientKey(tag.KeyID, rcpt)
		return err == nil && k == tag.Recipient
	}
	var logErr error
	if rp.log != nil {
		recs, err := rp.log.find(tag.MessageID, tag.Issued)
		for i := range recs {
			if match(recs[i].Rcpt) {
				return &recs[i], nil
			}
		}
		logErr = err
	}
	msg, err := m.store.Get(ctx, queue.ID(tag.MessageID))
	if err != nil {
		if errors.Is(err, queue.ErrNotFound) {
			err = nil
		}
		return nil, errors.Join(logErr, err)
	}
	for _, r := range msg.Recipients {
		if match(r.Addr) {
			return &sendRecord{ID: tag.MessageID, Rcpt: r.Addr, Tenant: msg.Tenant, Campaign: msg.Campaign}, nil
		}
	}
	return nil, logErr
}

// handleReturned takes what came back to a return path, once per
// recipient it was accepted for (returnpath logs each one): a report about
// a recipient its tag confirms goes to the suppression list, for the
// tenant of the message, and becomes a webhook event. An error refuses
// the message with 451 (the sending MTA keeps it and tries again); the
// suppression list and the events take a report twice without harm. A
// report handled lately that comes again changes nothing (recentReports).
func (m *MTA) handleReturned(ctx context.Context, b *returnpath.Bounce) error {
	rp := m.rp
	kind := "unreadable"
	if b.Report != nil {
		kind = b.Report.Kind.String()
	}
	rp.returned.WithLabelValues(kind, b.Match.String()).Inc()
	if b.Match == returnpath.MatchNone {
		return nil // logged by returnpath, with what it could read
	}
	key := reportKey(b)
	if !rp.handled.claim(key) {
		// Suppressed and reported already: once is what it says.
		m.log.Info("return path: a report handled already: not counted again", "id", b.Tag.MessageID, "rcpt", b.Recipient)
		return nil
	}
	rec, err := m.sentTo(ctx, b.Tag)
	if err != nil {
		rp.handled.forget(key)
		return fmt.Errorf("send log: %w", err)
	}
	if rec == nil {
		// Sent more than the send log keeps ago, or lost in a crash: the
		// tenant is not known, and a suppression for all tenants would
		// be more than the bounce says.
		m.log.Warn("return path: no record of the send: not suppressed", "id", b.Tag.MessageID, "rcpt", b.Recipient)
	} else if rep := b.ForRecipient(); rep != nil && rp.suppress != nil {
		if err := rp.suppress.Report(ctx, rec.Tenant, rep); err != nil {
			rp.handled.forget(key)
			return fmt.Errorf("suppression: %w", err)
		}
	}
	if ev, ok := eventFromReturned(b, rec); ok && m.hooks != nil {
		m.hooks.add(ev)
	}
	return nil
}

// eventFromReturned is the webhook event of a report that came back about
// a confirmed recipient: "complaint" for a feedback report, "bounced" for
// a failure, "deferred" for a delay notice; other reports (success
// notices, auto-replies) make none.
func eventFromReturned(b *returnpath.Bounce, rec *sendRecord) (Event, bool) {
	if b.Report == nil {
		return Event{}, false
	}
	ev := Event{Time: b.Received.UTC(), ID: b.Tag.MessageID, Recipient: b.Recipient, MessageID: b.Report.MessageID}
	if rec != nil {
		ev.Tenant, ev.Campaign = rec.Tenant, rec.Campaign
	}
	v := b.Verdict
	switch {
	case b.Report.Kind == bounce.KindFeedback:
		ev.Type = "complaint"
		if b.Report.Feedback != nil {
			ev.FeedbackType = b.Report.Feedback.Type
		}
	case v == nil:
		return Event{}, false
	case v.Action == "failed":
		ev.Type = "bounced"
	case v.Action == "delayed":
		ev.Type = "deferred"
	default:
		return Event{}, false
	}
	if v != nil {
		ev.Reason, ev.Status, ev.Hard = string(v.Reason), v.Status, v.Hard
		ev.Error, ev.RemoteHost = v.DiagnosticCode, v.RemoteMTA
	}
	return ev, true
}

// refusalReason names a refusal of the return-path listener for metrics.
func refusalReason(err error) string {
	switch {
	case errors.Is(err, returnpath.ErrRelay):
		return "relay"
	case errors.Is(err, returnpath.ErrUnknownUser):
		return "unknown_user"
	case errors.Is(err, returnpath.ErrTooManyConnections):
		return "connections"
	case errors.Is(err, returnpath.ErrBadAddress):
		return "bad_address"
	case errors.Is(err, returnpath.ErrHandler):
		return "handler"
	case errors.Is(err, verp.ErrExpired), errors.Is(err, verp.ErrFuture):
		return "expired"
	case errors.Is(err, verp.ErrForged), errors.Is(err, verp.ErrUnknownKey), errors.Is(err, verp.ErrMalformed):
		return "signature"
	}
	return "other"
}
