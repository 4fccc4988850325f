// Package pgstore is a queue.Store in PostgreSQL, for several processes on
// several machines sharing one queue. Workers lease with SELECT ... FOR
// UPDATE SKIP LOCKED, so concurrent workers never take the same message; a
// lease token checked on completion keeps a worker whose lease expired, and
// whose message another worker took, from completing it. Open applies the
// store's schema migrations itself, under an advisory lock so that
// processes starting together do not race.
//
// Bodies are stored in chunks of 256 KiB in their own table, written and
// read as streams, so messages of any size pass without being held in
// memory. Times come from the callers (queue.Queue uses the local clock):
// the machines sharing a store need synchronised clocks (NTP).
package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mxkit/mxkit/queue"
)

// Options configure a Store. The zero value is a good default.
type Options struct {
	// Schema holds the store's tables; "" means "mxkit_queue". It is
	// created if missing.
	Schema string
	// MaxConns bounds the connection pool; 0 means pgxpool's default
	// (the larger of 4 and the number of CPUs).
	MaxConns int32
	// Logger receives migration notes; nil is silent.
	Logger *slog.Logger
}

const chunkSize = 256 << 10

var _ queue.Store = (*Store)(nil)

// Store is a queue.Store in PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	log    *slog.Logger
	q      queries
}

// migrations are applied in order; each runs once per schema.
var migrations = []string{
	`CREATE TABLE {s}.messages (
		id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		domain text NOT NULL,
		tenant text NOT NULL,
		idem_key text,
		next_attempt timestamptz NOT NULL,
		dead boolean NOT NULL DEFAULT false,
		lease_token text,
		lease_expires timestamptz,
		created timestamptz NOT NULL,
		attempts integer NOT NULL DEFAULT 0,
		size bigint NOT NULL,
		envelope jsonb NOT NULL
	);
	CREATE INDEX messages_due ON {s}.messages (next_attempt, id) WHERE NOT dead;
	CREATE INDEX messages_domain_due ON {s}.messages (domain, next_attempt, id) WHERE NOT dead;
	CREATE UNIQUE INDEX messages_idem ON {s}.messages (tenant, idem_key) WHERE idem_key IS NOT NULL;
	CREATE TABLE {s}.bodies (
		id bigint NOT NULL REFERENCES {s}.messages (id) ON DELETE CASCADE,
		seq integer NOT NULL,
		data bytea NOT NULL,
		PRIMARY KEY (id, seq)
	);`,
	// 2: holds.
	`ALTER TABLE {s}.messages ADD COLUMN held boolean NOT NULL DEFAULT false;
	DROP INDEX {s}.messages_due;
	DROP INDEX {s}.messages_domain_due;
	CREATE INDEX messages_due ON {s}.messages (next_attempt, id) WHERE NOT dead AND NOT held;
	CREATE INDEX messages_domain_due ON {s}.messages (domain, next_attempt, id) WHERE NOT dead AND NOT held;`,
}

type queries struct {
	insert, insertChunk, existing, lease, leaseDomain, lock, update, del,
	deliverAll, chunk, size, get, list, counts string
}

// Open connects to the database at dsn (a PostgreSQL URL or key=value
// string), applies migrations and returns the store. opts may be nil.
func Open(ctx context.Context, dsn string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s := &Store{pool: pool, schema: opts.Schema, log: opts.Logger}
	if s.schema == "" {
		s.schema = "mxkit_queue"
	}
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
	const cols = `id, domain, next_attempt, dead, held, lease_token, lease_expires, created, attempts, size, envelope`
	return queries{
		insert: r.Replace(`WITH m AS (
			INSERT INTO {s}.messages (domain, tenant, idem_key, next_attempt, created, size, envelope)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (tenant, idem_key) WHERE idem_key IS NOT NULL DO NOTHING
			RETURNING id)
			, b AS (INSERT INTO {s}.bodies (id, seq, data) SELECT id, 0, $8 FROM m)
			SELECT id FROM m`),
		insertChunk: r.Replace(`INSERT INTO {s}.bodies (id, seq, data) VALUES ($1, $2, $3)`),
		existing:    r.Replace(`SELECT id FROM {s}.messages WHERE tenant = $1 AND idem_key = $2`),
		lease: r.Replace(`WITH c AS (
			SELECT id, next_attempt FROM {s}.messages
			WHERE NOT dead AND NOT held AND next_attempt <= $1
			ORDER BY next_attempt, id LIMIT $2 FOR UPDATE SKIP LOCKED)
			UPDATE {s}.messages m SET lease_token = $3, lease_expires = $4, next_attempt = $4, attempts = m.attempts + 1
			FROM c WHERE m.id = c.id
			RETURNING c.next_attempt, m.` + strings.ReplaceAll(cols, ", ", ", m.")),
		leaseDomain: r.Replace(`WITH c AS (
			SELECT id, next_attempt FROM {s}.messages
			WHERE NOT dead AND NOT held AND domain = $5 AND next_attempt <= $1
			ORDER BY next_attempt, id LIMIT $2 FOR UPDATE SKIP LOCKED)
			UPDATE {s}.messages m SET lease_token = $3, lease_expires = $4, next_attempt = $4, attempts = m.attempts + 1
			FROM c WHERE m.id = c.id
			RETURNING c.next_attempt, m.` + strings.ReplaceAll(cols, ", ", ", m.")),
		lock:   r.Replace(`SELECT ` + cols + ` FROM {s}.messages WHERE id = $1 FOR UPDATE`),
		update: r.Replace(`UPDATE {s}.messages SET next_attempt = $2, dead = $3, lease_token = $4, lease_expires = $5, created = $6, envelope = $7, held = $8 WHERE id = $1`),
		del:    r.Replace(`DELETE FROM {s}.messages WHERE id = $1`),
		// The common completion in one statement: every outcome is
		// Delivered, names a pending recipient, and no other recipient is
		// left pending or failed. State is omitted from the JSON when 0
		// (pending); 1 is delivered.
		deliverAll: r.Replace(`DELETE FROM {s}.messages m
			WHERE id = $1 AND lease_token = $2 AND NOT dead
			AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(m.envelope->'Recipients') r
				WHERE CASE WHEN r->>'Addr' = ANY($3::text[])
					THEN coalesce((r->>'State')::int, 0) <> 0
					ELSE coalesce((r->>'State')::int, 0) <> 1 END)
			AND cardinality($3::text[]) = (SELECT count(*) FROM jsonb_array_elements(m.envelope->'Recipients') r
				WHERE r->>'Addr' = ANY($3::text[]))`),
		chunk: r.Replace(`SELECT data FROM {s}.bodies WHERE id = $1 AND seq = $2`),
		size:  r.Replace(`SELECT size, (SELECT data FROM {s}.bodies WHERE id = $1 AND seq = 0) FROM {s}.messages WHERE id = $1`),
		get:   r.Replace(`SELECT ` + cols + ` FROM {s}.messages WHERE id = $1`),
		list: r.Replace(`SELECT ` + cols + ` FROM {s}.messages
			WHERE id > $1 AND dead = $2 AND ($3 = '' OR domain = $3) AND ($4 = '' OR tenant = $4) AND (held OR NOT $6)
			ORDER BY id LIMIT $5`),
		counts: r.Replace(`SELECT dead, domain, count(*),
			count(*) FILTER (WHERE NOT held AND lease_token IS NOT NULL AND lease_expires > $1),
			count(*) FILTER (WHERE NOT held AND next_attempt <= $1 AND NOT (lease_token IS NOT NULL AND lease_expires > $1)),
			count(*) FILTER (WHERE held)
			FROM {s}.messages GROUP BY dead, domain`),
	}
}

// migrate applies the migrations not yet applied, one transaction each,
// serialised across processes by an advisory lock.
func (s *Store) migrate(ctx context.Context) error {
	sch := pgx.Identifier{s.schema}.Sanitize()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('mxkit.queue.migrate.' || $1))`, s.schema); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+sch); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+sch+`.schema_version (version integer NOT NULL)`); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	var version int
	err = tx.QueryRow(ctx, `SELECT version FROM `+sch+`.schema_version`).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO `+sch+`.schema_version VALUES (0)`)
	}
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("pgstore: schema %s is at version %d, newer than this code (%d)", s.schema, version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.Exec(ctx, strings.ReplaceAll(migrations[v], "{s}", sch)); err != nil {
			return fmt.Errorf("pgstore: migration %d: %w", v+1, err)
		}
		s.log.Info("pgstore: applied migration", "schema", s.schema, "version", v+1)
	}
	if _, err := tx.Exec(ctx, `UPDATE `+sch+`.schema_version SET version = $1`, len(migrations)); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

func parseID(id queue.ID) (int64, error) {
	n, err := strconv.ParseInt(string(id), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: malformed ID %q", queue.ErrNotFound, id)
	}
	return n, nil
}

func formatID(n int64) queue.ID { return queue.ID(strconv.FormatInt(n, 10)) }

// newMessage checks env and copies it with fresh recipient states.
func newMessage(env *queue.Envelope) (*queue.Envelope, error) {
	if env == nil {
		return nil, queue.ErrNoRecipients
	}
	e := *env
	e.Recipients = make([]queue.Recipient, len(env.Recipients))
	for i, r := range env.Recipients {
		e.Recipients[i] = queue.Recipient{Addr: r.Addr, Notify: r.Notify, ORcpt: r.ORcpt}
	}
	if err := e.Check(); err != nil {
		return nil, err
	}
	return &e, nil
}

// Enqueue implements queue.Store. The message row and the body chunks are
// written in one transaction, committed (and so durable, with PostgreSQL's
// default synchronous_commit) before the ID is returned.
func (s *Store) Enqueue(ctx context.Context, env *queue.Envelope, body io.Reader, now, next time.Time) (queue.ID, error) {
	e, err := newMessage(env)
	if err != nil {
		return "", err
	}
	if body == nil {
		return "", fmt.Errorf("%w: nil body", queue.ErrInvalidInput)
	}
	if next.IsZero() {
		next = now
	}
	first := make([]byte, chunkSize)
	n, err := io.ReadFull(body, first)
	first = first[:n]
	small := false
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		small = true
	case err != nil:
		return "", fmt.Errorf("pgstore: reading body: %w", err)
	}
	envJSON, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("pgstore: %w", err)
	}
	var idem *string
	if e.IdempotencyKey != "" {
		idem = &e.IdempotencyKey
	}
	args := []any{e.DestDomain(), e.Tenant, idem, next.UTC(), now.UTC(), int64(n), envJSON, first}

	if small {
		// One statement, one round trip, one commit.
		var id int64
		err := s.pool.QueryRow(ctx, s.q.insert, args...).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return s.existing(ctx, e)
		}
		if err != nil {
			return "", fmt.Errorf("pgstore: enqueue: %w", err)
		}
		return formatID(id), nil
	}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", fmt.Errorf("pgstore: enqueue: %w", err)
	}
	defer tx.Rollback(ctx)
	var id int64
	err = tx.QueryRow(ctx, s.q.insert, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		tx.Rollback(ctx)
		return s.existing(ctx, e)
	}
	if err != nil {
		return "", fmt.Errorf("pgstore: enqueue: %w", err)
	}
	size := int64(n)
	buf := first
	for seq := 1; ; seq++ {
		n, rerr := io.ReadFull(body, buf[:chunkSize])
		if n > 0 {
			if _, err := tx.Exec(ctx, s.q.insertChunk, id, seq, buf[:n]); err != nil {
				return "", fmt.Errorf("pgstore: enqueue: %w", err)
			}
			size += int64(n)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return "", fmt.Errorf("pgstore: reading body: %w", rerr)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE `+pgx.Identifier{s.schema}.Sanitize()+`.messages SET size = $2 WHERE id = $1`, id, size); err != nil {
		return "", fmt.Errorf("pgstore: enqueue: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return "", fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return formatID(id), nil
}

// existing returns the ID of the message with e's idempotency key.
func (s *Store) existing(ctx context.Context, e *queue.Envelope) (queue.ID, error) {
	var id int64
	err := s.pool.QueryRow(ctx, s.q.existing, e.Tenant, e.IdempotencyKey).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("pgstore: enqueue: message with idempotency key %q vanished; retry", e.IdempotencyKey)
	}
	if err != nil {
		return "", fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return formatID(id), nil
}

// scanMessage reads the columns of makeQueries' cols.
func scanMessage(row pgx.Row, extra ...any) (*queue.Message, error) {
	var (
		m       queue.Message
		id      int64
		token   *string
		expires *time.Time
		envJSON []byte
	)
	dest := append(extra, &id, &m.Domain, &m.NextAttempt, &m.Dead, &m.Held, &token, &expires, &m.Created, &m.Attempts, &m.Size, &envJSON)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(envJSON, &m.Envelope); err != nil {
		return nil, fmt.Errorf("pgstore: message %d: bad envelope: %w", id, err)
	}
	m.ID = formatID(id)
	if token != nil {
		m.Lease = *token
	}
	if expires != nil {
		m.LeaseExpires = expires.UTC()
	}
	m.NextAttempt, m.Created = m.NextAttempt.UTC(), m.Created.UTC()
	return &m, nil
}

// Lease implements queue.Store. With req.Wait it polls every 50ms.
func (s *Store) Lease(ctx context.Context, req queue.LeaseRequest) ([]*queue.Message, error) {
	start := time.Now()
	now := req.Now
	for {
		ms, err := s.lease(ctx, req)
		left := req.Wait - time.Since(start)
		if err != nil || len(ms) > 0 || left <= 0 {
			return ms, err
		}
		t := time.NewTimer(min(50*time.Millisecond, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		req.Now = now.Add(time.Since(start)) // the caller's clock moved on while we waited
	}
}

func (s *Store) lease(ctx context.Context, req queue.LeaseRequest) ([]*queue.Message, error) {
	if req.Duration <= 0 {
		return nil, fmt.Errorf("%w: lease duration %v", queue.ErrInvalidInput, req.Duration)
	}
	if req.Max <= 0 {
		req.Max = 1
	}
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	expires := req.Now.Add(req.Duration).UTC()
	q, args := s.q.lease, []any{req.Now.UTC(), req.Max, token, expires}
	if req.Domain != "" {
		q, args = s.q.leaseDomain, append(args, strings.ToLower(req.Domain))
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	defer rows.Close()
	type leased struct {
		was time.Time
		m   *queue.Message
	}
	var out []leased
	for rows.Next() {
		var was time.Time
		m, err := scanMessage(rows, &was)
		if err != nil {
			return nil, fmt.Errorf("pgstore: lease: %w", err)
		}
		out = append(out, leased{was, m})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: lease: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].was.Equal(out[j].was) {
			return out[i].was.Before(out[j].was)
		}
		a, _ := strconv.ParseInt(string(out[i].m.ID), 10, 64)
		b, _ := strconv.ParseInt(string(out[j].m.ID), 10, 64)
		return a < b
	})
	msgs := make([]*queue.Message, len(out))
	for i, l := range out {
		msgs[i] = l.m
	}
	return msgs, nil
}

// Complete implements queue.Store.
func (s *Store) Complete(ctx context.Context, id queue.ID, token string, now time.Time, outcomes []queue.Outcome) error {
	n, err := parseID(id)
	if err != nil {
		return queue.ErrLeaseLost
	}
	if addrs, ok := allDelivered(outcomes); ok && token != "" {
		tag, err := s.pool.Exec(ctx, s.q.deliverAll, n, token, addrs)
		if err != nil {
			return fmt.Errorf("pgstore: complete: %w", err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		// Not the simple case (or the lease is lost): take the long way,
		// which says why.
	}
	return s.modify(ctx, n, func(tx pgx.Tx, m *queue.Message) error {
		if m.Dead || token == "" || m.Lease != token {
			return queue.ErrLeaseLost
		}
		finished, err := m.Apply(now.UTC(), outcomes)
		if err != nil {
			return err
		}
		return s.saveOrDelete(ctx, tx, n, m, finished)
	}, queue.ErrLeaseLost)
}

// allDelivered returns the recipients of outcomes if all are Delivered and
// none is repeated.
func allDelivered(outcomes []queue.Outcome) ([]string, bool) {
	if len(outcomes) == 0 {
		return nil, false
	}
	addrs := make([]string, len(outcomes))
	seen := make(map[string]bool, len(outcomes))
	for i, o := range outcomes {
		if o.State != queue.Delivered || seen[o.Recipient] {
			return nil, false
		}
		seen[o.Recipient] = true
		addrs[i] = o.Recipient
	}
	return addrs, true
}

// modify runs fn on a locked message inside a transaction; notFound is
// returned when the message does not exist.
func (s *Store) modify(ctx context.Context, id int64, fn func(pgx.Tx, *queue.Message) error, notFound error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	defer tx.Rollback(ctx)
	m, err := scanMessage(tx.QueryRow(ctx, s.q.lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound
	}
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	if err := fn(tx, m); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	return nil
}

// saveOrDelete deletes a finished live message and saves any other.
func (s *Store) saveOrDelete(ctx context.Context, tx pgx.Tx, id int64, m *queue.Message, finished bool) error {
	if finished && !m.Dead {
		_, err := tx.Exec(ctx, s.q.del, id)
		return err
	}
	return s.save(ctx, tx, id, m)
}

func (s *Store) save(ctx context.Context, tx pgx.Tx, id int64, m *queue.Message) error {
	envJSON, err := json.Marshal(&m.Envelope)
	if err != nil {
		return err
	}
	var token *string
	var expires *time.Time
	if m.Lease != "" {
		token, expires = &m.Lease, &m.LeaseExpires
	}
	if _, err := tx.Exec(ctx, s.q.update, id, m.NextAttempt.UTC(), m.Dead, token, expires, m.Created.UTC(), envJSON, m.Held); err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	return nil
}

// Body implements queue.Store. The reader fetches one chunk at a time and
// holds no connection between reads.
func (s *Store) Body(ctx context.Context, id queue.ID) (io.ReadCloser, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var size int64
	var first []byte
	err = s.pool.QueryRow(ctx, s.q.size, n).Scan(&size, &first)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, queue.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if int64(len(first)) > size {
		return nil, fmt.Errorf("pgstore: body of message %d: first chunk longer than the message", n)
	}
	r := &bodyReader{ctx: ctx, s: s, id: n, left: size - int64(len(first)), buf: first}
	if len(first) > 0 {
		r.seq = 1
	}
	return r, nil
}

type bodyReader struct {
	ctx  context.Context
	s    *Store
	id   int64
	seq  int
	buf  []byte
	left int64 // bytes not yet fetched
	err  error
}

func (r *bodyReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.left <= 0 {
			return 0, io.EOF
		}
		var data []byte
		err := r.s.pool.QueryRow(r.ctx, r.s.q.chunk, r.id, r.seq).Scan(&data)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			r.err = fmt.Errorf("pgstore: body of message %d: chunk %d: %w", r.id, r.seq, queue.ErrNotFound)
		case err != nil:
			r.err = fmt.Errorf("pgstore: body of message %d: %w", r.id, err)
		case len(data) == 0 || int64(len(data)) > r.left:
			r.err = fmt.Errorf("pgstore: body of message %d: chunk %d has %d bytes of %d left", r.id, r.seq, len(data), r.left)
		default:
			r.buf, r.left = data, r.left-int64(len(data))
			r.seq++
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *bodyReader) Close() error {
	r.buf, r.err = nil, errors.New("pgstore: body closed")
	return nil
}

// Get implements queue.Store.
func (s *Store) Get(ctx context.Context, id queue.ID) (*queue.Message, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	m, err := scanMessage(s.pool.QueryRow(ctx, s.q.get, n))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, queue.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	return m, nil
}

// List implements queue.Store.
func (s *Store) List(ctx context.Context, opts queue.ListOptions) ([]*queue.Message, error) {
	if opts.Limit <= 0 {
		opts.Limit = 100
	}
	var after int64
	if opts.After != "" {
		var err error
		if after, err = parseID(opts.After); err != nil {
			return nil, fmt.Errorf("%w: bad After", queue.ErrInvalidInput)
		}
	}
	rows, err := s.pool.Query(ctx, s.q.list, after, opts.Dead, strings.ToLower(opts.Domain), opts.Tenant, opts.Limit, opts.Held)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list: %w", err)
	}
	defer rows.Close()
	var out []*queue.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("pgstore: list: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: list: %w", err)
	}
	return out, nil
}

// Counts implements queue.Store.
func (s *Store) Counts(ctx context.Context, now time.Time) (queue.Counts, error) {
	c := queue.Counts{ByDomain: map[string]int{}}
	rows, err := s.pool.Query(ctx, s.q.counts, now.UTC())
	if err != nil {
		return c, fmt.Errorf("pgstore: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dead bool
		var domain string
		var n, leased, due, held int
		if err := rows.Scan(&dead, &domain, &n, &leased, &due, &held); err != nil {
			return c, fmt.Errorf("pgstore: counts: %w", err)
		}
		if dead {
			c.Dead += n
			continue
		}
		c.Queued += n
		c.Leased += leased
		c.Due += due
		c.Held += held
		if domain != "" {
			c.ByDomain[domain] += n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("pgstore: counts: %w", err)
	}
	return c, nil
}

// Remove implements queue.Store.
func (s *Store) Remove(ctx context.Context, id queue.ID) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, s.q.del, n)
	if err != nil {
		return fmt.Errorf("pgstore: remove: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return queue.ErrNotFound
	}
	return nil
}

// Cancel implements queue.Store.
func (s *Store) Cancel(ctx context.Context, id queue.ID, recipients []string, now time.Time) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return s.modify(ctx, n, func(tx pgx.Tx, m *queue.Message) error {
		if m.Dead {
			return fmt.Errorf("%w: message %s is dead", queue.ErrInvalidInput, id)
		}
		if m.Leased(now) {
			return queue.ErrLeased
		}
		finished, err := m.Cancel(now.UTC(), recipients)
		if err != nil {
			return err
		}
		return s.saveOrDelete(ctx, tx, n, m, finished)
	}, queue.ErrNotFound)
}

// Hold implements queue.Store.
func (s *Store) Hold(ctx context.Context, id queue.ID, now time.Time) error {
	return s.setHeld(ctx, id, true, now)
}

// Release implements queue.Store.
func (s *Store) Release(ctx context.Context, id queue.ID) error {
	return s.setHeld(ctx, id, false, time.Time{})
}

func (s *Store) setHeld(ctx context.Context, id queue.ID, held bool, now time.Time) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return s.modify(ctx, n, func(tx pgx.Tx, m *queue.Message) error {
		if m.Dead {
			return fmt.Errorf("%w: message %s is dead", queue.ErrInvalidInput, id)
		}
		if held && m.Leased(now) {
			return queue.ErrLeased
		}
		if m.Held == held {
			return nil
		}
		m.Held = held
		m.Lease, m.LeaseExpires = "", time.Time{}
		return s.save(ctx, tx, n, m)
	}, queue.ErrNotFound)
}

// Requeue implements queue.Store: failed recipients become pending, the
// message is due at now with a fresh lifetime (Created = now).
func (s *Store) Requeue(ctx context.Context, id queue.ID, now time.Time) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return s.modify(ctx, n, func(tx pgx.Tx, m *queue.Message) error {
		if !m.Dead {
			return fmt.Errorf("%w: message %s is not dead", queue.ErrInvalidInput, id)
		}
		for i := range m.Recipients {
			if m.Recipients[i].State == queue.Failed {
				m.Recipients[i].State = queue.Pending
			}
		}
		m.Dead = false
		m.Created, m.NextAttempt = now.UTC(), now.UTC()
		m.Lease, m.LeaseExpires = "", time.Time{}
		return s.save(ctx, tx, n, m)
	}, queue.ErrNotFound)
}
