package queue

import (
	"context"
	"github.com/mxkit/mxkit/delivery"
	"io"
	"time"
)

// Priority ranks a message at lease time. Each tenant's messages of one
// priority form a flow, and flows with due messages take turns, getting
// leases in proportion to their priority's weight:
//
//	PriorityTransactional  16   what a person waits for: sign-in codes, resets, receipts
//	PriorityNormal          4   the default
//	PriorityBulk            1   campaigns and newsletters
//
// So with a backlog of bulk mail and of transactional mail, 16 of every 17
// leases go to transactional mail and 1 to bulk: bulk mail is slowed, never
// stopped. A message whose flow had nothing due is leased next, ahead of
// any backlog (start-time fair queuing: a message's place is the later of
// the queue's current position and its flow's last place plus 1/weight).
// Two tenants with backlogs of one priority alternate, so a tenant's 10
// messages are all leased within about 20 leases however many another
// tenant has queued.
type Priority int8

// The priorities.
const (
	PriorityBulk          Priority = -1
	PriorityNormal        Priority = 0
	PriorityTransactional Priority = 1
)

// Weight returns p's share of leases relative to the others.
func (p Priority) Weight() int {
	switch p {
	case PriorityTransactional:
		return 16
	case PriorityBulk:
		return 1
	}
	return 4
}

func (p Priority) String() string {
	switch p {
	case PriorityTransactional:
		return "transactional"
	case PriorityNormal:
		return "normal"
	case PriorityBulk:
		return "bulk"
	}
	return "invalid"
}

// ID identifies a message in one store. Stores choose the form; IDs are
// opaque to callers and never reused by a store.
type ID string

// State is where a recipient stands.
type State uint8

const (
	// Pending recipients still have to be tried (or retried).
	Pending State = iota
	// Delivered recipients were accepted by the next hop.
	Delivered
	// Failed recipients failed permanently or expired.
	Failed
	// Canceled recipients were withdrawn before delivery (Store.Cancel).
	Canceled
)

func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Delivered:
		return "delivered"
	case Failed:
		return "failed"
	case Canceled:
		return "canceled"
	}
	return "invalid"
}

// Recipient is one envelope recipient and its delivery state.
type Recipient struct {
	Addr string
	// Notify is the RFC 3461 §4.1 NOTIFY parameter ("" when not given),
	// for example "SUCCESS,FAILURE".
	Notify string `json:",omitempty"`
	// ORcpt is the RFC 3461 §4.2 ORCPT parameter, as "addr-type;xtext".
	ORcpt string `json:",omitempty"`

	State    State `json:",omitempty"`
	Attempts int   `json:",omitempty"` // delivery attempts reported for this recipient
	// History holds what the recipient's latest attempts came to, oldest
	// first, at most MaxHistory: the typed outcome of each (status,
	// stage, reply code, enhanced code, text, remote host, time), as the
	// delivery agent reported it.
	History []delivery.Outcome `json:",omitempty"`
	// DelayNotified is when the sender was told that delivery to this
	// recipient is delayed (a DSN with Action "delayed", RFC 3464 §2.3.3,
	// asked for with NOTIFY=DELAY, RFC 3461 §4.1); zero before that. The
	// delivery agent sets it on the leased message before Queue.Complete,
	// which stores it with the recipient, so that a restart does not send
	// the notice twice. Once stored it is never cleared.
	DelayNotified time.Time `json:",omitzero"`
}

// MaxHistory is how many attempts' outcomes a recipient keeps.
const MaxHistory = 16

// Last returns the outcome of the recipient's last attempt, or nil before
// any.
func (r *Recipient) Last() *delivery.Outcome {
	if len(r.History) == 0 {
		return nil
	}
	return &r.History[len(r.History)-1]
}

// Expired reports a recipient the queue gave up on because its message
// outlived its schedule: failed, its last attempt only deferred.
func (r *Recipient) Expired() bool {
	last := r.Last()
	return r.State == Failed && last != nil && last.Status == delivery.Deferred
}

// Envelope is what travels with the body: the SMTP envelope, the DSN
// parameters and the sender's own metadata.
type Envelope struct {
	From       string // reverse-path; "" is the null sender of bounces
	Recipients []Recipient

	// Ret and EnvID are the RFC 3461 §4.3 and §4.4 MAIL parameters.
	Ret   string `json:",omitempty"` // "FULL", "HDRS" or ""
	EnvID string `json:",omitempty"`

	// Tenant is the sender's customer. Leases take turns between tenants
	// (see Priority), and LeaseRequest can cap each tenant's messages in
	// delivery at once.
	Tenant   string `json:",omitempty"`
	Campaign string `json:",omitempty"`
	// Class selects the retry schedule (Queue.Schedules); "" is the default.
	Class string `json:",omitempty"`
	// Priority ranks the message at lease time; the zero value is
	// PriorityNormal.
	Priority Priority `json:",omitempty"`
	// SendAt, if set, is when the message is to be sent: Queue.Enqueue
	// makes it due then, not before (and refuses a time further ahead than
	// the class's MaxAge). Its lifetime (MaxAge) counts from then.
	SendAt time.Time `json:",omitzero"`
	// IdempotencyKey, when set, makes Enqueue return the ID of the message
	// already queued (or dead) with the same Tenant and key instead of
	// queueing a second copy.
	IdempotencyKey string `json:",omitempty"`
}

// Message is a queued message as a store reports it.
type Message struct {
	ID ID
	Envelope
	// Domain is the destination domain (lower case) when all recipients
	// share one, else "" (leases for one domain skip such messages).
	Domain      string
	Size        int64
	Created     time.Time
	NextAttempt time.Time
	Attempts    int  // times leased
	Dead        bool // in the dead-letter area
	Held        bool // on hold: never leased until released (Store.Hold)

	// Lease is the token of the current lease (set on messages returned by
	// Lease), and LeaseExpires when it runs out.
	Lease        string    `json:",omitempty"`
	LeaseExpires time.Time `json:",omitzero"`
}

// Leased reports whether m is under a lease that runs past now.
func (m *Message) Leased(now time.Time) bool {
	return m.Lease != "" && m.LeaseExpires.After(now)
}

// LeaseRequest asks a store for due messages.
type LeaseRequest struct {
	Now      time.Time     // messages with NextAttempt <= Now are due
	Duration time.Duration // the lease runs until Now+Duration; must be > 0
	Max      int           // at most this many messages (<= 0: 1)
	Domain   string        // only messages for this destination domain, if set

	// TenantLimit, if > 0, caps each tenant's messages under an unexpired
	// lease: the lease passes over the messages of a tenant that has that
	// many out. TenantLimits overrides it for the tenants it names (0 or
	// less: no cap for that tenant).
	TenantLimit  int
	TenantLimits map[string]int

	// Wait, if > 0, is how long Lease waits for a message to come due when
	// none is: it returns as soon as one can be leased (an enqueue, a
	// release, a retry or a lease coming due), or empty after Wait.
	Wait time.Duration
}

// Limit returns the cap on tenant's messages under lease; 0 means none.
func (r *LeaseRequest) Limit(tenant string) int {
	if n, ok := r.TenantLimits[tenant]; ok {
		return max(n, 0)
	}
	return max(r.TenantLimit, 0)
}

// Outcome reports what happened to one recipient of a leased message:
// the state it is in now, and, unless Canceled, what the attempt came to,
// which the store appends to the recipient's History.
type Outcome struct {
	Recipient string // address, as enqueued
	State     State  // Delivered, Failed, Canceled, or Pending to retry
	RetryAt   time.Time
	Attempt   delivery.Outcome
	// DelayNotified, if not zero, is stored as the recipient's
	// DelayNotified unless it has one already.
	DelayNotified time.Time
}

// ListOptions selects messages for List.
type ListOptions struct {
	Dead   bool   // list the dead-letter area instead of the live queue
	Held   bool   // only messages on hold (live ones)
	Domain string // only this destination domain
	Tenant string // only this tenant
	After  ID     // resume after this ID (from the previous page)
	Limit  int    // at most this many (<= 0: 100)
}

// Submission is one message of an EnqueueMany.
type Submission struct {
	Envelope *Envelope
	Body     io.Reader
	// Next is when the message is due (zero: now). Queue.EnqueueMany sets
	// it from Envelope.SendAt.
	Next time.Time
}

// BatchEnqueuer is implemented by stores that enqueue many messages in one
// transaction (pgstore).
type BatchEnqueuer interface {
	// EnqueueMany checks and stores every message, or none: it returns
	// their IDs in order once all are durable. Bad input in one fails
	// all, with an error naming the message's index. Idempotency keys
	// work as in Enqueue.
	EnqueueMany(ctx context.Context, msgs []Submission, now time.Time) ([]ID, error)
}

// Counts summarises a store's contents.
type Counts struct {
	Queued   int // live messages, leased or not
	Leased   int // live messages under an unexpired lease
	Due      int // live messages due now, not leased and not held
	Held     int // live messages on hold
	Dead     int
	ByDomain map[string]int // live messages by destination domain
}

// Store is the persistence a Queue runs on. Implementations must be safe for
// concurrent use and pass queuetest.Run. They take times from the caller
// and read no clock of their own for queue decisions, with one allowance: a
// store shared by several machines may move the callers' times onto one
// clock they share (pgstore moves them onto the database's clock by the
// measured offset of the local one), keeping them consistent for each
// caller.
//
// Due messages are leased in an order that mixes priority and fairness:
// each tenant's messages of one priority form a flow; flows with due
// messages take turns, each getting leases in proportion to its priority's
// weight (PriorityTransactional 16, PriorityNormal 4, PriorityBulk 1), and
// within a flow messages go in NextAttempt order. See Priority.
type Store interface {
	// Enqueue validates env (Envelope.Check), stores it with the body read
	// to EOF, and returns its ID once both are durable. The message is due
	// at next. A read error from body aborts the enqueue, stores nothing
	// and is returned wrapped.
	Enqueue(ctx context.Context, env *Envelope, body io.Reader, now, next time.Time) (ID, error)

	// Lease returns up to req.Max due messages, not on hold, under a fresh
	// lease token, in the order described above. While leased a message is
	// not due; when the lease expires it is due again. Attempts counts
	// leases.
	Lease(ctx context.Context, req LeaseRequest) ([]*Message, error)

	// Complete applies outcomes to a message leased with token. It fails
	// with ErrLeaseLost if the message was leased again since (or is gone).
	// Recipients without an outcome stay pending. If all recipients are
	// final the message leaves the queue, into the dead-letter area if any
	// failed; otherwise it is released and due at the earliest RetryAt of
	// its pending recipients (now if one has none).
	Complete(ctx context.Context, id ID, token string, now time.Time, outcomes []Outcome) error

	// Body opens the body of a live or dead message.
	Body(ctx context.Context, id ID) (io.ReadCloser, error)

	// Get returns one live or dead message.
	Get(ctx context.Context, id ID) (*Message, error)
	// List returns messages in ID order.
	List(ctx context.Context, opts ListOptions) ([]*Message, error)
	// Counts counts messages; now decides what is leased and due.
	Counts(ctx context.Context, now time.Time) (Counts, error)
	// Remove deletes a live or dead message with its body.
	Remove(ctx context.Context, id ID) error
	// Requeue moves a dead message back to the queue, due at now, with its
	// failed recipients pending again.
	Requeue(ctx context.Context, id ID, now time.Time) error

	// Cancel withdraws the given pending recipients of a live message that
	// is not under a lease at now (all its pending recipients if none are
	// given): they become Canceled and are never delivered. A message left
	// without pending recipients leaves the queue, into the dead-letter
	// area if one failed. It fails with ErrLeased while a lease runs (the
	// message may be in delivery), and ErrInvalidInput for a dead message
	// or a recipient that is unknown or not pending. A lease that ran out
	// is ended: its holder can no longer complete.
	Cancel(ctx context.Context, id ID, recipients []string, now time.Time) error
	// Hold puts a live message on hold: it is not leased until Release. It
	// fails with ErrLeased while a lease runs, and ends a lease that ran
	// out, as Cancel does. Holding a held message does nothing.
	Hold(ctx context.Context, id ID, now time.Time) error
	// Release takes a message off hold; it is due at its NextAttempt (or
	// at once if that has passed). Releasing a message not on hold does
	// nothing.
	Release(ctx context.Context, id ID) error

	Close() error
}
