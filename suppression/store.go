package suppression

import (
	"context"
	"time"
)

// Store keeps suppression entries. Implementations must be safe for
// concurrent use and pass suppressiontest.Run. Entries are keyed by
// (Tenant, Address); times are the caller's, kept to the millisecond.
type Store interface {
	// Put stores entries, each replacing any entry with the same
	// Tenant and Address. Every entry is checked (Entry.Check) first;
	// if one fails, none is stored and the error matches ErrInvalid.
	// All are stored or none.
	Put(ctx context.Context, entries ...Entry) error
	// Delete removes one entry; ErrNotFound if there is none.
	Delete(ctx context.Context, tenant, address string) error
	// Get returns one entry; ErrNotFound if there is none. Expired
	// entries are returned until purged.
	Get(ctx context.Context, tenant, address string) (Entry, error)
	// Scan calls fn for every entry, in no particular order, until fn
	// returns an error, which Scan returns.
	Scan(ctx context.Context, fn func(Entry) error) error
	// Purge removes the entries expired at now and returns how many.
	Purge(ctx context.Context, now time.Time) (int, error)
	// CountSoft records one soft failure of (tenant, address) at t and
	// returns how many are recorded for it in (t-window, t], forgetting
	// older ones.
	CountSoft(ctx context.Context, tenant, address string, t time.Time, window time.Duration) (int, error)
	Close() error
}

// Watcher is a Store that other processes change too (a database they
// share). A List over a Watcher keeps its cache right from the changes
// it reports.
type Watcher interface {
	// Watch listens for changes. Once it listens it calls ready (the
	// List loads every entry then, so nothing committed before is
	// missed), then changed for every entry put or deleted by any
	// process, in commit order, until ctx ends or the connection is
	// lost; it returns why it stopped.
	Watch(ctx context.Context, ready func() error, changed func(Change)) error
}

// Change is one change a Watcher reports.
type Change struct {
	Tenant, Address string
	// Deleted reports a removed entry; otherwise Reason and Expires are
	// the entry's now.
	Deleted bool
	Reason  Reason
	Expires time.Time
	// Reload asks for every entry to be loaded again (a change too large
	// to report entry by entry, such as an import).
	Reload bool
}
