package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/smtpclient"
)

// dispatch leases due messages in batches and hands them to the workers.
// It leases only as many as the workers can take now, so that a message
// never waits under lease behind a slow one.
func (m *MTA) dispatch(ctx context.Context) {
	defer close(m.dispDone)
	poll := time.NewTicker(500 * time.Millisecond)
	defer poll.Stop()
	for ctx.Err() == nil {
		free := cap(m.jobs) - len(m.jobs)
		if free == 0 {
			// Workers are all busy: wait for room.
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Millisecond):
			}
			continue
		}
		msgs, err := m.q.Lease(ctx, min(free, 256), "")
		if err != nil {
			if ctx.Err() == nil {
				m.log.Error("lease", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
			continue
		}
		for _, msg := range msgs {
			m.jobs <- msg // room was checked; only this goroutine sends
		}
		if len(msgs) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-m.wake:
		case <-poll.C:
		}
	}
}

// worker delivers leased messages until the dispatcher stops and the
// jobs already handed out are done.
func (m *MTA) worker() {
	defer m.workersWG.Done()
	for {
		select {
		case msg := <-m.jobs:
			m.process(msg)
		case <-m.dispDone:
			// Drain what the dispatcher handed out before it stopped.
			for {
				select {
				case msg := <-m.jobs:
					m.process(msg)
				default:
					return
				}
			}
		}
	}
}

// process delivers one leased message and completes it.
func (m *MTA) process(msg *queue.Message) {
	ctx, cancel := context.WithTimeout(m.workCtx, time.Duration(m.cfg.Delivery.Timeout))
	defer cancel()
	body := &queuedBody{m: m, id: msg.ID}
	defer body.release()
	// A delivery aborted by a shutdown that ran out of time reports its
	// recipients as deferred: they are retried on the schedule.
	trace := &sendTrace{}
	results, relayed := m.deliver(ctx, msg, body, trace)
	delayed := m.markDelays(msg, results)
	var raw []byte
	if len(relayed)+len(delayed) > 0 || slices.ContainsFunc(results, func(o delivery.Outcome) bool { return o.Status != delivery.Delivered }) {
		// A notice may quote the message, which Complete may remove.
		raw, _ = body.bytes(ctx)
	}

	decided, err := m.q.Complete(context.WithoutCancel(ctx), msg, results)
	if err != nil {
		m.log.Error("complete", "id", msg.ID, "err", err)
		return
	}
	m.maillog.outcomes(msg, decided, trace)
	if len(delayed) > 0 {
		if err := m.sendDelayNotice(context.WithoutCancel(ctx), msg, decided, delayed, raw); err != nil {
			m.log.Error("delay notice", "id", msg.ID, "err", err)
		}
	}
	finished := true
	var failed []queue.Decision
	for _, d := range decided {
		switch d.State {
		case queue.Pending:
			finished = false
		case queue.Failed:
			failed = append(failed, d)
		}
	}
	if finished {
		m.queued.Add(-1)
	}
	if len(failed)+len(relayed) > 0 && !m.cfg.DSN.Disabled {
		if err := m.bounceMessage(context.WithoutCancel(ctx), msg, failed, relayed, raw); err != nil {
			m.log.Error("dsn", "id", msg.ID, "err", err)
		}
	}
}

// queuedBody is the body of a message being delivered, read from the
// queue when it is first wanted: by a transaction that has its session
// and starts the data, not before. A delivery waiting for a session
// (delivery.workers of them may wait for max_conns_per_host sessions)
// holds no copy of its message, nor a buffer for one.
//
// A store whose body reader can seek and write itself out (the embedded
// store's holds the body in memory) is read from directly, once per
// transaction: no copy of the message into a buffer of the MTA's own.
// Other readers (a body file, PostgreSQL) are read into a buffer.
type queuedBody struct {
	m      *MTA
	id     queue.ID
	src    bodySource // once loaded
	rc     io.Closer  // the store's reader, closed by release
	buf    *bytes.Buffer
	loaded bool
	err    error
}

// bodySource is a body that each transaction can read from its start.
type bodySource interface {
	io.ReadSeeker
	io.WriterTo
}

// load reads the body on the first call.
func (b *queuedBody) load(ctx context.Context) (bodySource, error) {
	if b.loaded {
		return b.src, b.err
	}
	b.loaded = true
	rc, err := b.m.store.Body(ctx, b.id)
	if err != nil {
		b.err = fmt.Errorf("reading the queued body: %w", err)
		return nil, b.err
	}
	b.rc = rc
	if src, ok := rc.(bodySource); ok {
		b.src = src
		return src, nil
	}
	b.buf = b.m.bufs.Get().(*bytes.Buffer)
	b.buf.Reset()
	if _, err := b.buf.ReadFrom(rc); err != nil {
		b.err = fmt.Errorf("reading the queued body: %w", err)
		return nil, b.err
	}
	b.src = bytes.NewReader(b.buf.Bytes())
	return b.src, nil
}

// bytes returns the whole body (for a notice that quotes it), valid
// until release.
func (b *queuedBody) bytes(ctx context.Context) ([]byte, error) {
	src, err := b.load(ctx)
	if err != nil {
		return nil, err
	}
	if b.buf == nil {
		b.buf = b.m.bufs.Get().(*bytes.Buffer)
		b.buf.Reset()
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		if _, err := src.WriteTo(b.buf); err != nil {
			return nil, err
		}
	}
	return b.buf.Bytes(), nil
}

// release closes the store's reader and gives the buffer back to the
// pool, unless it grew past 1 MiB.
func (b *queuedBody) release() {
	if b.rc != nil {
		b.rc.Close()
		b.rc = nil
	}
	if b.buf != nil && b.buf.Cap() <= 1<<20 {
		b.m.bufs.Put(b.buf)
	}
	b.buf, b.src = nil, nil
}

// reader returns a reader of the body for one transaction.
func (b *queuedBody) reader(ctx context.Context) io.Reader {
	return &bodyReader{ctx: ctx, b: b}
}

// bodyReader reads the body from its start for one transaction; the
// transactions of a message run one after another.
type bodyReader struct {
	ctx context.Context
	b   *queuedBody
	src bodySource
}

func (r *bodyReader) Read(p []byte) (int, error) {
	if err := r.load(); err != nil {
		return 0, err
	}
	return r.src.Read(p)
}

// WriteTo hands the body to smtpclient in one piece: no copy, and the
// fewest writes to the connection.
func (r *bodyReader) WriteTo(w io.Writer) (int64, error) {
	if err := r.load(); err != nil {
		return 0, err
	}
	return r.src.WriteTo(w)
}

// Seek lets smtpclient rewind the body for the next MX host after a
// failed one (RFC 5321 §5.1), or for a stale pooled session: without it,
// Deliver tries no host after the first. A reader not yet read is at the
// start, and stays unloaded.
func (r *bodyReader) Seek(offset int64, whence int) (int64, error) {
	if r.src == nil {
		if offset == 0 && whence != io.SeekEnd {
			return 0, nil
		}
		if err := r.load(); err != nil {
			return 0, err
		}
	}
	return r.src.Seek(offset, whence)
}

func (r *bodyReader) load() error {
	if r.src == nil {
		src, err := r.b.load(r.ctx)
		if err != nil {
			return err
		}
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r.src = src
	}
	return nil
}

// deliver sends msg to each recipient domain (or the relay) and returns
// the outcome for each pending recipient (as smtpclient reports it), and
// the recipients owed a "relayed" notice: delivered with NOTIFY=SUCCESS to
// a server without DSN, which makes this MTA the last that can send one
// (RFC 3461 §4.1, §6.2.3). body is read when a transaction sends it;
// trace gets the times of the transactions, for the mail log.
func (m *MTA) deliver(ctx context.Context, msg *queue.Message, body *queuedBody, trace *sendTrace) (results []delivery.Outcome, relayed []string) {
	var pending []string
	params := map[string]*queue.Recipient{} // NOTIFY and ORCPT (RFC 3461) to pass on
	for i, rc := range msg.Recipients {
		if rc.State == queue.Pending {
			pending = append(pending, rc.Addr)
			params[rc.Addr] = &msg.Recipients[i]
		}
	}
	// Recipients suppressed since the message was queued fail here.
	pending, refused := m.rep.screenQueued(msg, pending)

	// One transaction per destination: the relay takes all, direct
	// delivery one per recipient domain; recipients with different
	// NOTIFY parameters go in separate transactions, as smtpclient sends
	// one NOTIFY for all recipients of a transaction.
	type group struct{ domain, notify, rcpt string }
	groups := map[group][]string{}
	var order []group
	for _, a := range pending {
		g := group{notify: strings.ToUpper(params[a].Notify)}
		g.rcpt = m.verpRecipient(msg, a, g.notify) // with return paths, one transaction per recipient
		if !m.relay {
			_, g.domain, _ = strings.Cut(a, "@")
			g.domain = strings.ToLower(g.domain)
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], a)
	}
	out := append(make([]delivery.Outcome, 0, len(pending)+len(refused)), refused...)
	ctx = m.rep.deliveryContext(ctx, msg)
	for _, g := range order {
		d, rcpts := g.domain, groups[g]
		env := smtpclient.Envelope{From: m.envelopeFrom(msg, g.rcpt), To: rcpts, Size: msg.Size, DSN: dsnParams(msg, g.notify, rcpts, params)}
		start := time.Now()
		var res *smtpclient.Result
		var err error
		var slot *routeSlot
		if m.relay {
			res, err = m.tr.Send(ctx, env, body.reader(ctx))
		} else {
			var dctx context.Context
			dctx, slot = withRouteSlot(ctx)
			res, err = m.deliveryTransport(msg).Deliver(dctx, d, env, body.reader(ctx))
		}
		m.metrics.attempt.Observe(time.Since(start).Seconds())
		trace.add(res, start)
		m.rep.observe(ctx, msg, res)
		// One outcome per recipient, in order; res is never nil.
		for i := range res.Recipients {
			o := &res.Recipients[i]
			// After rep.observe: the guard's refusal is this MTA's
			// policy, not the provider's word, so it neither suppresses
			// the recipient nor counts as a bounce in the rates.
			if slot != nil && unroutable(o, slot.route) {
				failUnroutable(o)
				m.log.Warn("delivery refused: no MX address is globally reachable, failed for good (delivery.allow_private_destinations)",
					"id", msg.ID, "rcpt", o.Recipient, "domain", d, "status", o.Enhanced.String())
			}
			if o.Status == delivery.Delivered && res.DSNNotSent && strings.Contains(g.notify, "SUCCESS") {
				relayed = append(relayed, o.Recipient)
			}
			out = append(out, *o)
		}
		if err != nil && m.log.Enabled(ctx, -4) {
			m.log.Debug("delivery", "id", msg.ID, "domain", d, "err", err)
		}
	}
	return out, relayed
}

// dsnParams are the RFC 3461 parameters to pass on for rcpts, all with
// the NOTIFY value notify: RET and ENVID of the message, NOTIFY, and each
// recipient's ORCPT where it was given as an rfc822 address. Nil when
// there are none.
func dsnParams(msg *queue.Message, notify string, rcpts []string, params map[string]*queue.Recipient) *smtpclient.DSN {
	d := &smtpclient.DSN{Ret: msg.Ret, EnvID: msg.EnvID}
	if notify != "" {
		d.Notify = strings.Split(notify, ",")
	}
	for i, a := range rcpts {
		addr := orcptAddress(params[a].ORcpt)
		if addr == "" {
			continue
		}
		if d.ORCPT == nil {
			d.ORCPT = make([]string, len(rcpts))
		}
		d.ORCPT[i] = addr
	}
	if d.Ret == "" && d.EnvID == "" && d.Notify == nil && d.ORCPT == nil {
		return nil
	}
	return d
}

// orcptAddress returns the address of an ORCPT parameter, kept as
// "addr-type;address", when its type is rfc822 (RFC 3461 §4.2); "" for
// none or another type. It is what a DSN's Original-Recipient names (RFC
// 3464 §2.3.1) and what goes on to the next hop.
func orcptAddress(orcpt string) string {
	typ, addr, ok := strings.Cut(orcpt, ";")
	if !ok || !strings.EqualFold(typ, "rfc822") {
		return ""
	}
	return addr
}

// bounceMessage queues a delivery status notification (RFC 3464) to the
// sender of msg for its failed recipients and those owed a "relayed"
// notice, from the null reverse-path (RFC 5321 §4.5.5) so that it can
// never cause another bounce.
func (m *MTA) bounceMessage(ctx context.Context, msg *queue.Message, failed []queue.Decision, relayed []string, body []byte) error {
	if msg.From == "" {
		return nil // never bounce a bounce
	}
	notify := map[string]string{}
	orcpt := map[string]string{}
	for _, r := range msg.Recipients {
		notify[r.Addr], orcpt[r.Addr] = strings.ToUpper(r.Notify), orcptAddress(r.ORcpt)
	}
	dsn := m.newDSN(msg, body)
	dsn.HeadersOnly = !(msg.Ret == "FULL" || (msg.Ret == "" && m.cfg.DSN.ReturnFull))
	for _, e := range failed {
		// RFC 3461 §4.1: NOTIFY=NEVER, or a list without FAILURE, asks
		// for no failure notice.
		if n := notify[e.Recipient]; n != "" && !strings.Contains(n, "FAILURE") {
			continue
		}
		// Status, Remote-MTA and Diagnostic-Code from the outcome: a
		// domain that does not exist gives 5.1.2, a null MX 5.1.10, a
		// refusal the server's reply. An expired recipient keeps the
		// status of the deferral it ended on (RFC 3463: a persistent
		// transient failure), with Action failed (RFC 3464 §2.3.3).
		r := bounce.NewDSNRecipient(&e.Outcome)
		r.Action, r.OriginalRecipient = "failed", orcpt[e.Recipient]
		if e.Expired && r.Status == "" {
			r.Status = "4.4.7" // RFC 3463 X.4.7: delivery time expired
		}
		dsn.Recipients = append(dsn.Recipients, r)
	}
	for _, a := range relayed {
		// NOTIFY=SUCCESS, and the next hop could not take it on.
		dsn.Recipients = append(dsn.Recipients, bounce.DSNRecipient{
			FinalRecipient:    a,
			OriginalRecipient: orcpt[a],
			Action:            "relayed",
			Status:            "2.0.0",
			LastAttemptDate:   time.Now(),
		})
	}
	if len(dsn.Recipients) == 0 {
		return nil
	}
	if len(dsn.Recipients) == len(relayed) {
		// Only good news: the headers identify the message (RFC 3461
		// §4.3 has RET govern failure notices).
		dsn.HeadersOnly = true
	}
	if len(body) > m.cfg.DSN.MaxReturned {
		dsn.HeadersOnly = true
	}
	return m.queueDSN(ctx, msg, dsn)
}

// newDSN starts a notification about msg to its sender, returning body
// (or its header: the caller sets HeadersOnly).
func (m *MTA) newDSN(msg *queue.Message, body []byte) *bounce.DSN {
	return &bounce.DSN{
		ReportingMTA: m.cfg.Hostname,
		To:           msg.From,
		EnvelopeID:   msg.EnvID,
		ArrivalDate:  msg.Created,
		Original:     bytes.NewReader(body),
	}
}

// queueDSN queues dsn to the sender of msg, from the null reverse-path
// (RFC 5321 §4.5.5) so that it can never cause another notice.
func (m *MTA) queueDSN(ctx context.Context, msg *queue.Message, dsn *bounce.DSN) error {
	var out bytes.Buffer
	if _, err := dsn.WriteTo(&out); err != nil {
		return err
	}
	env := &queue.Envelope{From: "", Recipients: []queue.Recipient{{Addr: msg.From}}, Tenant: msg.Tenant, Campaign: msg.Campaign}
	_, err := m.submit(ctx, nil, env, "", out.Bytes(), nil)
	if err != nil && queue.IsBadInput(err) {
		return nil // the sender's address cannot take a notice
	}
	return err
}
