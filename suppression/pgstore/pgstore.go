// Package pgstore is a suppression.Store in PostgreSQL, shared by the
// processes on several machines that send for the same senders. It is a
// suppression.Watcher: every change is announced with NOTIFY in the
// transaction that makes it, so each process's suppression.List hears of
// an entry another process added as soon as it commits, and Check stays a
// memory lookup (see the suppression package for why LISTEN/NOTIFY and
// not a cache with a short TTL). Open applies the schema migrations
// itself, under an advisory lock.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mxkit/mxkit/internal/pgschema"
	"github.com/mxkit/mxkit/suppression"
)

// Options configure a Store. The zero value is a good default.
type Options struct {
	// Schema holds the store's tables; "" means "mxkit_suppression". It
	// is created if missing. The change channel is named after it.
	Schema string
	// MaxConns bounds the connection pool; 0 means pgxpool's default.
	MaxConns int32
	// Logger receives migration notes; nil is silent.
	Logger *slog.Logger
}

// Store is a suppression.Store in PostgreSQL. It is safe for concurrent
// use.
type Store struct {
	pool    *pgxpool.Pool
	schema  string
	channel string
	log     *slog.Logger
	q       queries
}

var (
	_ suppression.Store   = (*Store)(nil)
	_ suppression.Watcher = (*Store)(nil)
)

var migrations = []string{
	`CREATE TABLE {s}.entries (
		tenant text NOT NULL,
		address text NOT NULL,
		reason text NOT NULL,
		evidence jsonb NOT NULL,
		created timestamptz NOT NULL,
		expires timestamptz,
		PRIMARY KEY (tenant, address)
	);
	CREATE INDEX entries_expires ON {s}.entries (expires) WHERE expires IS NOT NULL;
	CREATE TABLE {s}.soft (
		tenant text NOT NULL,
		address text NOT NULL,
		at timestamptz NOT NULL
	);
	CREATE INDEX soft_key ON {s}.soft (tenant, address, at);`,
}

type queries struct {
	put, notify, del, get, scan, purge, softAdd, softTrim, softCount string
}

// bulkNotify is the batch size from which Put announces one reload
// instead of each entry.
const bulkNotify = 200

// Open connects to the database at dsn, applies migrations and returns the
// store. opts may be nil.
func Open(ctx context.Context, dsn string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	pool, err := pgschema.Connect(ctx, dsn, opts.MaxConns)
	if err != nil {
		return nil, fmt.Errorf("suppression/pgstore: %w", err)
	}
	s := &Store{pool: pool, schema: opts.Schema, log: opts.Logger}
	if s.schema == "" {
		s.schema = "mxkit_suppression"
	}
	s.channel = s.schema + ".changes"
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.q = makeQueries(pgx.Identifier{s.schema}.Sanitize())
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func makeQueries(sch string) queries {
	r := strings.NewReplacer("{s}", sch)
	return queries{
		put: r.Replace(`INSERT INTO {s}.entries (tenant, address, reason, evidence, created, expires)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (tenant, address) DO UPDATE SET reason = $3, evidence = $4, created = $5, expires = $6`),
		notify:    `SELECT pg_notify($1, $2)`,
		del:       r.Replace(`DELETE FROM {s}.entries WHERE tenant = $1 AND address = $2`),
		get:       r.Replace(`SELECT tenant, address, reason, evidence, created, expires FROM {s}.entries WHERE tenant = $1 AND address = $2`),
		scan:      r.Replace(`SELECT tenant, address, reason, evidence, created, expires FROM {s}.entries`),
		purge:     r.Replace(`DELETE FROM {s}.entries WHERE expires <= $1`),
		softAdd:   r.Replace(`INSERT INTO {s}.soft (tenant, address, at) VALUES ($1, $2, $3)`),
		softTrim:  r.Replace(`DELETE FROM {s}.soft WHERE tenant = $1 AND address = $2 AND at <= $3`),
		softCount: r.Replace(`SELECT count(*) FROM {s}.soft WHERE tenant = $1 AND address = $2`),
	}
}

func (s *Store) migrate(ctx context.Context) error {
	if err := pgschema.Migrate(ctx, s.pool, s.schema, "mxkit.suppression.migrate.", migrations, s.log); err != nil {
		return fmt.Errorf("suppression/pgstore: migrate: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// change is a NOTIFY payload.
type change struct {
	Tenant  string             `json:"t,omitempty"`
	Address string             `json:"a,omitempty"`
	Reason  suppression.Reason `json:"r,omitempty"`
	Expires time.Time          `json:"e,omitzero"`
	Deleted bool               `json:"d,omitempty"`
	Reload  bool               `json:"reload,omitempty"`
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Put stores entries in one transaction and announces them.
func (s *Store) Put(ctx context.Context, entries ...suppression.Entry) error {
	for i := range entries {
		if err := entries[i].Check(); err != nil {
			return err
		}
	}
	if len(entries) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for i := range entries {
		e := &entries[i]
		ev, err := json.Marshal(&e.Evidence)
		if err != nil {
			return fmt.Errorf("suppression/pgstore: %w", err)
		}
		b.Queue(s.q.put, e.Tenant, e.Address, string(e.Reason), ev, e.Created, nullTime(e.Expires))
		if len(entries) < bulkNotify {
			s.queueNotify(b, change{Tenant: e.Tenant, Address: e.Address, Reason: e.Reason, Expires: e.Expires})
		}
	}
	if len(entries) >= bulkNotify {
		s.queueNotify(b, change{Reload: true})
	}
	return s.inTx(ctx, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
}

func (s *Store) queueNotify(b *pgx.Batch, c change) {
	p, _ := json.Marshal(c) // a few hundred octets: under NOTIFY's 8000
	b.Queue(s.q.notify, s.channel, string(p))
}

func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, fn)
	if err != nil {
		return fmt.Errorf("suppression/pgstore: %w", err)
	}
	return nil
}

// Delete removes one entry and announces it.
func (s *Store) Delete(ctx context.Context, tenant, addr string) error {
	var found bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, s.q.del, tenant, addr)
		if err != nil {
			return err
		}
		if found = tag.RowsAffected() > 0; !found {
			return nil
		}
		p, _ := json.Marshal(change{Tenant: tenant, Address: addr, Deleted: true})
		_, err = tx.Exec(ctx, s.q.notify, s.channel, string(p))
		return err
	})
	if err == nil && !found {
		return suppression.ErrNotFound
	}
	return err
}

func scanEntry(row pgx.Row) (suppression.Entry, error) {
	var e suppression.Entry
	var reason string
	var ev []byte
	var exp *time.Time
	if err := row.Scan(&e.Tenant, &e.Address, &reason, &ev, &e.Created, &exp); err != nil {
		return e, err
	}
	e.Reason = suppression.Reason(reason)
	if exp != nil {
		e.Expires = *exp
	}
	if err := json.Unmarshal(ev, &e.Evidence); err != nil {
		return e, fmt.Errorf("suppression/pgstore: damaged evidence for %s: %w", e.Address, err)
	}
	return e, nil
}

// Get returns one entry.
func (s *Store) Get(ctx context.Context, tenant, addr string) (suppression.Entry, error) {
	e, err := scanEntry(s.pool.QueryRow(ctx, s.q.get, tenant, addr))
	if errors.Is(err, pgx.ErrNoRows) {
		return e, suppression.ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("suppression/pgstore: %w", err)
	}
	return e, nil
}

// Scan streams every entry.
func (s *Store) Scan(ctx context.Context, fn func(suppression.Entry) error) error {
	rows, err := s.pool.Query(ctx, s.q.scan)
	if err != nil {
		return fmt.Errorf("suppression/pgstore: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("suppression/pgstore: %w", err)
	}
	return nil
}

// Purge removes the entries expired at now. Expired entries suppress
// nothing already, so no change is announced.
func (s *Store) Purge(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, s.q.purge, now)
	if err != nil {
		return 0, fmt.Errorf("suppression/pgstore: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// CountSoft records a soft failure and counts those in the window, in one
// transaction.
func (s *Store) CountSoft(ctx context.Context, tenant, addr string, t time.Time, window time.Duration) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(s.q.softTrim, tenant, addr, t.Add(-window))
		b.Queue(s.q.softAdd, tenant, addr, t)
		b.Queue(s.q.softCount, tenant, addr).QueryRow(func(r pgx.Row) error { return r.Scan(&n) })
		return tx.SendBatch(ctx, b).Close()
	})
	return n, err
}

// watchName is the application_name of the connection that listens, as
// pg_stat_activity shows it.
const watchName = "mxkit-suppression-watch"

// Watch listens on the store's channel on a connection of its own (not
// one of the pool's) and reports each change.
func (s *Store) Watch(ctx context.Context, ready func() error, changed func(suppression.Change)) error {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = watchName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("suppression/pgstore: watch: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return fmt.Errorf("suppression/pgstore: watch: %w", err)
	}
	if err := ready(); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("suppression/pgstore: watch: %w", err)
		}
		var c change
		if err := json.Unmarshal([]byte(n.Payload), &c); err != nil {
			s.log.Warn("suppression/pgstore: unreadable change; reloading", "payload", n.Payload, "err", err)
			c = change{Reload: true}
		}
		changed(suppression.Change{Tenant: c.Tenant, Address: c.Address, Deleted: c.Deleted,
			Reason: c.Reason, Expires: c.Expires, Reload: c.Reload})
	}
}
