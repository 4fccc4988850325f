package queue

import (
	"context"
	"errors"
	"fmt"
	"github.com/mxkit/mxkit/delivery"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"
)

// Schedule is a retry schedule: exponential backoff with jitter, capped,
// for at most MaxAge. The zero value is close to Postfix's defaults.
type Schedule struct {
	Initial time.Duration // delay after the first failure; 0 means 5m (Postfix minimal_backoff_time)
	Max     time.Duration // longest delay; 0 means 4000s (Postfix maximal_backoff_time)
	Factor  float64       // growth per attempt; 0 means 2
	Jitter  float64       // delays are shortened by up to this fraction at random; 0 means 0.2, negative none
	MaxAge  time.Duration // give up this long after enqueue; 0 means 5 days (Postfix maximal_queue_lifetime)
}

func (s Schedule) withDefaults() Schedule {
	if s.Initial <= 0 {
		s.Initial = 5 * time.Minute
	}
	if s.Max <= 0 {
		s.Max = 4000 * time.Second
	}
	if s.Max < s.Initial {
		s.Max = s.Initial
	}
	if s.Factor < 1 {
		s.Factor = 2
	}
	switch {
	case s.Jitter == 0:
		s.Jitter = 0.2
	case s.Jitter < 0:
		s.Jitter = 0
	case s.Jitter > 1:
		s.Jitter = 1
	}
	if s.MaxAge <= 0 {
		s.MaxAge = 5 * 24 * time.Hour
	}
	return s
}

// Delay returns the wait after the attempt-th failed attempt (1-based),
// before jitter.
func (s Schedule) Delay(attempt int) time.Duration {
	s = s.withDefaults()
	if attempt < 1 {
		attempt = 1
	}
	d := float64(s.Initial) * math.Pow(s.Factor, float64(attempt-1))
	if d >= float64(s.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		return s.Max
	}
	return time.Duration(d)
}

// retryAt picks the time of the next attempt, jittered, or reports that the
// message's lifetime would be over by then.
func (s Schedule) retryAt(attempt int, created, now time.Time) (time.Time, bool) {
	s = s.withDefaults()
	d := s.Delay(attempt)
	if s.Jitter > 0 {
		d -= time.Duration(rand.Float64() * s.Jitter * float64(d))
	}
	// Whole milliseconds, which every store keeps exactly.
	at := now.Add(d).Truncate(time.Millisecond)
	if at.Sub(created) > s.MaxAge {
		return at, false
	}
	return at, true
}

// EventKind says what happened in an Event.
type EventKind uint8

const (
	EventEnqueued  EventKind = iota + 1 // a message was queued
	EventAttempted                      // a message was leased for a delivery attempt
	EventDeferred                       // a recipient failed temporarily and will be retried
	EventDelivered                      // a recipient was delivered
	EventFailed                         // a recipient failed permanently or expired
	EventCanceled                       // a recipient (or, with no Recipient, every pending one) was canceled
)

func (k EventKind) String() string {
	switch k {
	case EventEnqueued:
		return "enqueued"
	case EventAttempted:
		return "attempted"
	case EventDeferred:
		return "deferred"
	case EventDelivered:
		return "delivered"
	case EventFailed:
		return "failed"
	case EventCanceled:
		return "canceled"
	}
	return "invalid"
}

// Event is reported to Queue.Hook after the change is durable.
type Event struct {
	Kind      EventKind
	ID        ID
	Recipient string // for EventDeferred, EventDelivered and EventFailed
	// Outcome is what the attempt came to, for EventDeferred,
	// EventDelivered and EventFailed; Expired is set for an EventFailed
	// that is the queue giving up on a deferral.
	Outcome  *delivery.Outcome
	Expired  bool
	RetryAt  time.Time
	Tenant   string
	Campaign string
	Time     time.Time
}

// Queue is the queue's policy on top of a Store: envelope and size checks,
// retry schedules and the change hook. Set the fields before first use; the
// zero values are good defaults (a Store is required).
type Queue struct {
	Store Store

	// Schedules holds retry schedules by Envelope.Class; classes not listed
	// use Default.
	Schedules map[string]Schedule
	Default   Schedule

	// MaxSize is the largest body accepted; 0 means 64 MiB, negative no
	// limit.
	MaxSize int64
	// LeaseTime is how long a worker holds leased messages; 0 means 10
	// minutes.
	LeaseTime time.Duration
	// LeaseWait is how long Lease waits for a message to come due when
	// none is; 0 means it returns at once.
	LeaseWait time.Duration
	// TenantLimit, if > 0, caps each tenant's messages under lease at
	// once; TenantLimits overrides it per tenant (see LeaseRequest).
	TenantLimit  int
	TenantLimits map[string]int

	// Hook, if set, is called synchronously after each durable change. It
	// is for observers (logs, metrics); the caller of Complete learns what
	// was decided from its result.
	Hook func(Event)
	// Logger, if set, logs queue events at debug level.
	Logger *slog.Logger
	// Now, if set, replaces time.Now (for tests and simulations).
	Now func() time.Time
}

func (q *Queue) now() time.Time {
	if q.Now != nil {
		return q.Now()
	}
	return time.Now()
}

func (q *Queue) emit(ev Event) {
	if q.Logger != nil {
		args := []any{"kind", ev.Kind.String(), "id", ev.ID, "rcpt", ev.Recipient}
		if o := ev.Outcome; o != nil && o.Status != delivery.Delivered {
			args = append(args, "outcome", o.Error())
		}
		q.Logger.Debug("queue event", args...)
	}
	if q.Hook != nil {
		q.Hook(ev)
	}
}

func (q *Queue) schedule(class string) Schedule {
	if s, ok := q.Schedules[class]; ok {
		return s
	}
	return q.Default
}

// Enqueue queues a message for delivery now, or at env.SendAt if that is
// later, and returns its ID once it is durable. Errors match
// ErrNoRecipients, ErrInvalidAddress, ErrInvalidInput (a SendAt further
// ahead than the class's MaxAge among them) or ErrTooLarge for bad input.
func (q *Queue) Enqueue(ctx context.Context, env *Envelope, body io.Reader) (ID, error) {
	now := q.now()
	sub := Submission{Envelope: env, Body: body}
	if err := q.prepare(&sub, now); err != nil {
		return "", err
	}
	id, err := q.Store.Enqueue(ctx, env, sub.Body, now, sub.Next)
	if err != nil {
		return "", err
	}
	q.emit(Event{Kind: EventEnqueued, ID: id, Tenant: env.Tenant, Campaign: env.Campaign, Time: now})
	return id, nil
}

// EnqueueMany queues many messages as Enqueue does, in one transaction if
// the store is a BatchEnqueuer (all or none are queued), else one after
// the other (envelopes are all checked first, but a failure of the store
// or of reading a body leaves those before it queued). It returns their
// IDs in order; an error names the index of the message it is about.
func (q *Queue) EnqueueMany(ctx context.Context, msgs []Submission) ([]ID, error) {
	now := q.now()
	subs := make([]Submission, len(msgs))
	for i, m := range msgs {
		subs[i] = m
		err := q.prepare(&subs[i], now)
		if err == nil && m.Envelope == nil {
			err = ErrNoRecipients
		} else if err == nil {
			err = m.Envelope.Check()
		}
		if err != nil {
			return nil, fmt.Errorf("message %d: %w", i, err)
		}
	}
	var ids []ID
	if b, ok := q.Store.(BatchEnqueuer); ok {
		var err error
		if ids, err = b.EnqueueMany(ctx, subs, now); err != nil {
			return nil, err
		}
	} else {
		for i, m := range subs {
			id, err := q.Store.Enqueue(ctx, m.Envelope, m.Body, now, m.Next)
			if err != nil {
				return nil, fmt.Errorf("message %d: %w", i, err)
			}
			ids = append(ids, id)
		}
	}
	for i, id := range ids {
		e := subs[i].Envelope
		q.emit(Event{Kind: EventEnqueued, ID: id, Tenant: e.Tenant, Campaign: e.Campaign, Time: now})
	}
	return ids, nil
}

// prepare limits the body's size and sets the due time from SendAt.
func (q *Queue) prepare(sub *Submission, now time.Time) error {
	limit := q.MaxSize
	if limit == 0 {
		limit = 64 << 20
	}
	if limit > 0 && sub.Body != nil {
		sub.Body = &limitReader{r: sub.Body, left: limit}
	}
	sub.Next = now
	if env := sub.Envelope; env != nil && env.SendAt.After(now) {
		if ahead, maxAge := env.SendAt.Sub(now), q.schedule(env.Class).withDefaults().MaxAge; ahead > maxAge {
			return fmt.Errorf("%w: SendAt is %v ahead, more than the class's MaxAge (%v)", ErrInvalidInput, ahead.Round(time.Second), maxAge)
		}
		sub.Next = env.SendAt
	}
	return nil
}

type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, ErrTooLarge
	}
	return n, err
}

// Lease takes up to max due messages (for one destination domain if domain
// is not "") for LeaseTime, in priority and tenant order (see Priority),
// waiting up to LeaseWait for one. The worker reads each body with
// Store.Body and reports with Complete before the lease runs out.
func (q *Queue) Lease(ctx context.Context, max int, domain string) ([]*Message, error) {
	d := q.LeaseTime
	if d <= 0 {
		d = 10 * time.Minute
	}
	now := q.now()
	msgs, err := q.Store.Lease(ctx, LeaseRequest{Now: now, Duration: d, Max: max, Domain: domain,
		TenantLimit: q.TenantLimit, TenantLimits: q.TenantLimits, Wait: q.LeaseWait})
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		q.emit(Event{Kind: EventAttempted, ID: m.ID, Tenant: m.Tenant, Campaign: m.Campaign, Time: now})
	}
	return msgs, nil
}

// Decision is what Queue.Complete decided for one recipient, once the
// store has recorded it.
type Decision struct {
	Recipient string
	// State is Delivered; Failed (permanently, or with Expired set because
	// the message would outlive its schedule's MaxAge); or Pending,
	// deferred until RetryAt.
	State   State
	Expired bool
	RetryAt time.Time
	// Outcome is the attempt's outcome as recorded in the recipient's
	// History: for an expired recipient, the deferral it ended on.
	Outcome delivery.Outcome
	Time    time.Time // when it was decided
}

// Complete records the outcomes of a delivery attempt of a leased message
// (one per recipient tried, as smtpclient returns them) and returns what
// it decided for each, in the same order: a delivered or failed outcome is
// final; a deferred one is retried on the message class's schedule, or
// fails as expired when that would pass its MaxAge. The DelayNotified
// marks of m's recipients that have an outcome are stored with them (see
// Recipient.DelayNotified). It fails with
// ErrInvalidInput for an outcome without a status, and with ErrLeaseLost
// if the message was leased again meanwhile (and then decided nothing).
func (q *Queue) Complete(ctx context.Context, m *Message, outcomes []delivery.Outcome) ([]Decision, error) {
	now := q.now()
	sched := q.schedule(m.Class)
	attempts := make(map[string]int, len(m.Recipients))
	var notified map[string]time.Time
	for _, r := range m.Recipients {
		attempts[r.Addr] = r.Attempts
		if !r.DelayNotified.IsZero() {
			if notified == nil {
				notified = map[string]time.Time{}
			}
			notified[r.Addr] = r.DelayNotified
		}
	}
	outs := make([]Outcome, len(outcomes))
	decided := make([]Decision, len(outcomes))
	for i, a := range outcomes {
		if a.Time.IsZero() {
			a.Time = now
		}
		o := Outcome{Recipient: a.Recipient, Attempt: a, DelayNotified: notified[a.Recipient]}
		d := Decision{Recipient: a.Recipient, Time: now}
		switch a.Status {
		case delivery.Delivered:
			o.State = Delivered
		case delivery.Failed:
			o.State = Failed
		case delivery.Deferred:
			born := m.Created
			if m.SendAt.After(born) {
				born = m.SendAt // its lifetime began when it was to be sent
			}
			if at, ok := sched.retryAt(attempts[a.Recipient]+1, born, now); ok {
				o.State, o.RetryAt = Pending, at
			} else {
				o.State, d.Expired = Failed, true
			}
		default:
			return nil, fmt.Errorf("%w: outcome for %q has no status", ErrInvalidInput, a.Recipient)
		}
		d.State, d.RetryAt, d.Outcome = o.State, o.RetryAt, cleanOutcome(a)
		d.Outcome.Recipient = a.Recipient
		outs[i], decided[i] = o, d
	}
	if err := q.Store.Complete(ctx, m.ID, m.Lease, now, outs); err != nil {
		return nil, err
	}
	for i := range decided {
		d := &decided[i]
		ev := Event{ID: m.ID, Recipient: d.Recipient, Outcome: &d.Outcome, Expired: d.Expired, RetryAt: d.RetryAt,
			Tenant: m.Tenant, Campaign: m.Campaign, Time: now}
		switch d.State {
		case Delivered:
			ev.Kind = EventDelivered
		case Pending:
			ev.Kind = EventDeferred
		default:
			ev.Kind = EventFailed
		}
		q.emit(ev)
	}
	return decided, nil
}

// Cancel withdraws recipients of a message that is not being delivered
// (all its pending ones if none are named); see Store.Cancel. It fails
// with ErrLeased while the message is under lease: try again after the
// attempt. Once Cancel returns nil, the recipients are never delivered.
func (q *Queue) Cancel(ctx context.Context, id ID, recipients ...string) error {
	now := q.now()
	if err := q.Store.Cancel(ctx, id, recipients, now); err != nil {
		return err
	}
	if len(recipients) == 0 {
		recipients = []string{""}
	}
	for _, r := range recipients {
		q.emit(Event{Kind: EventCanceled, ID: id, Recipient: r, Time: now})
	}
	return nil
}

// Hold keeps a message from being leased until Release; it fails with
// ErrLeased while the message is under lease.
func (q *Queue) Hold(ctx context.Context, id ID) error {
	return q.Store.Hold(ctx, id, q.now())
}

// Release takes a message off hold.
func (q *Queue) Release(ctx context.Context, id ID) error {
	return q.Store.Release(ctx, id)
}

// IsBadInput reports whether err is a refusal of bad input (as opposed to a
// store failure worth retrying).
func IsBadInput(err error) bool {
	return errors.Is(err, ErrNoRecipients) || errors.Is(err, ErrInvalidAddress) ||
		errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrTooLarge)
}
