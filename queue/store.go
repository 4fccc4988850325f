package queue

import (
	"context"
	"io"
	"time"
)

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
)

func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Delivered:
		return "delivered"
	case Failed:
		return "failed"
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

	State     State  `json:",omitempty"`
	Attempts  int    `json:",omitempty"` // completions reported for this recipient
	LastError string `json:",omitempty"` // last temporary error or the permanent reason
}

// Envelope is what travels with the body: the SMTP envelope, the DSN
// parameters and the sender's own metadata.
type Envelope struct {
	From       string // reverse-path; "" is the null sender of bounces
	Recipients []Recipient

	// Ret and EnvID are the RFC 3461 §4.3 and §4.4 MAIL parameters.
	Ret   string `json:",omitempty"` // "FULL", "HDRS" or ""
	EnvID string `json:",omitempty"`

	Tenant   string `json:",omitempty"`
	Campaign string `json:",omitempty"`
	// Class selects the retry schedule (Queue.Schedules); "" is the default.
	Class string `json:",omitempty"`
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

	// Lease is the token of the current lease (set on messages returned by
	// Lease), and LeaseExpires when it runs out.
	Lease        string    `json:",omitempty"`
	LeaseExpires time.Time `json:",omitzero"`
}

// LeaseRequest asks a store for due messages.
type LeaseRequest struct {
	Now      time.Time     // messages with NextAttempt <= Now are due
	Duration time.Duration // the lease runs until Now+Duration; must be > 0
	Max      int           // at most this many messages (<= 0: 1)
	Domain   string        // only messages for this destination domain, if set
}

// Outcome reports what happened to one recipient of a leased message.
type Outcome struct {
	Recipient string // address, as enqueued
	State     State  // Delivered, Failed, or Pending to retry
	RetryAt   time.Time
	Error     string // the temporary error or the permanent reason
}

// ListOptions selects messages for List.
type ListOptions struct {
	Dead   bool   // list the dead-letter area instead of the live queue
	Domain string // only this destination domain
	Tenant string // only this tenant
	After  ID     // resume after this ID (from the previous page)
	Limit  int    // at most this many (<= 0: 100)
}

// Counts summarises a store's contents.
type Counts struct {
	Queued   int // live messages, leased or not
	Leased   int // live messages under an unexpired lease
	Due      int // live messages due now and not leased
	Dead     int
	ByDomain map[string]int // live messages by destination domain
}

// Store is the persistence a Queue runs on. Implementations must be safe for
// concurrent use and pass queuetest.Run. They take times from the caller and
// read no clock for queue decisions.
type Store interface {
	// Enqueue validates env (Envelope.Check), stores it with the body read
	// to EOF, and returns its ID once both are durable. The message is due
	// at next. A read error from body aborts the enqueue, stores nothing
	// and is returned wrapped.
	Enqueue(ctx context.Context, env *Envelope, body io.Reader, now, next time.Time) (ID, error)

	// Lease returns up to req.Max due messages in NextAttempt order under a
	// fresh lease token. While leased a message is not due; when the lease
	// expires it is due again. Attempts counts leases.
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

	Close() error
}
