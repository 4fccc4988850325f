// Package pgstore is a queue.Store in PostgreSQL, for several processes on
// several machines sharing one queue. Open applies the store's schema
// migrations itself, under an advisory lock so that processes starting
// together do not race; a schema written by an earlier version is moved
// up, its messages kept.
//
// # Order and leases
//
// Leases follow the order queue.Priority describes (start-time fair
// queuing over each tenant's messages of one priority): a message due and
// not leased is ready, with a tag, and a lease takes the lowest tags with
// SELECT ... FOR UPDATE SKIP LOCKED, so concurrent workers never take the
// same message. Each flow's last tag is a row (flows) that enqueues
// reserve runs of tags from, in short transactions of their own, so that
// processes enqueuing for one tenant at once do not get the same places.
// Messages that come due (a retry, a send time, a lease that ran out) are
// made ready by a lease: at once for what is known in this process, within
// a second for what comes due through another. A lease token checked on
// completion keeps a worker whose lease ran out, and whose message another
// worker took, from completing it. Tenant caps (LeaseRequest.TenantLimit)
// serialise the leases that use them with an advisory lock, so that the
// caps hold across machines.
//
// # One clock
//
// Due times and leases are decided on the database's clock, so that the
// machines sharing a queue need no synchronised clocks: each Store measures
// how far the local clock is from the database's (now()) when it opens and
// every 30 seconds after, and moves the times its callers give onto the
// database's clock by that offset (and back for the times it returns). A
// worker whose clock is minutes off therefore neither leases a message
// early nor takes one whose lease is still running elsewhere.
//
// # Speed
//
// Concurrent calls share round trips and commits: the enqueues and
// completions that arrive while one round is being written go in the next
// round together (an INSERT from arrays and the completions' DELETE or
// UPDATE, in one transaction and one commit; each caller hears of its
// operation only once it is committed, with the server's
// synchronous_commit as set). Completions are checked against their lease
// token and applied to the message as leased (no read first). A message
// due at once that is enqueued while a lessee here waits for work
// (LeaseRequest.Wait, its last look having found nothing leasable) is
// inserted already leased to that lessee and handed over in memory: no
// lease statement, no wake-up, no second write of the row. The lease is an
// ordinary one (a process that dies holding it loses it when it runs out),
// and a cancel or hold after the enqueue returns finds the message leased.
// EnqueueMany writes many messages in one transaction and one round trip.
// Bodies up to 64 KiB come with their lease. Lessees waiting for work are
// woken one at a time, here when an enqueue commits and elsewhere by
// NOTIFY, and wait a little before they look when work comes in slowly, so
// that one lease takes several messages; a lessee does not look when this
// store knows nothing is leasable, but at least once a second. A NOTIFY is
// never sent in the transaction that enqueued: PostgreSQL lets one
// notifying transaction commit at a time, which would undo the shared
// commits. A body that fits in one chunk (256 KiB) is kept in its
// message's row, out of line and uncompressed, so that the changes a
// message goes through never copy it; larger bodies are written and read
// as streams of chunks in their own table, so messages of any size pass
// without being held in memory. The writer's statements run on a
// connection of their own, where they are planned once rather than at
// each round.
//
// bench/queue -compare river measures this store against River, a Go job
// queue on PostgreSQL, three processes sharing one server; bench/README.md
// has the figures.
package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
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
	// (the larger of 4 and the number of CPUs). The store holds two
	// connections besides: its writer's (see Store.Enqueue) and, while a
	// lessee waits, one that listens for NOTIFYs.
	MaxConns int32
	// Logger receives migration notes and errors of the background work
	// (the LISTEN connection); nil is silent.
	Logger *slog.Logger
}

const (
	chunkSize = 256 << 10 // bodies up to this size are kept in the row
	prefetch  = 64 << 10  // bodies up to this size come with their lease
	maxBatch  = 256       // operations sharing one round trip
)

var _ queue.Store = (*Store)(nil)

// Store is a queue.Store in PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	wpool  *pgxpool.Pool   // the writer's connection (see writeConfig)
	connCf *pgx.ConnConfig // for the LISTEN connection
	schema string
	log    *slog.Logger
	q      queries
	notify string // the NOTIFY channel
	self   string // this store, in the NOTIFYs it sends

	notifyPromote atomic.Bool // the pending NOTIFY asks for a promotion

	clock    func() time.Time // the local clock
	skew     atomic.Int64     // database clock minus local clock, ns
	measured atomic.Int64     // when skew was last measured, local Unix ns

	sendMu   sync.RWMutex // guards sending and sends on ops
	sendDone bool         // closed: nothing more may be sent
	ops      chan writeOp // enqueues and completions for the writer
	coming   atomic.Int32 // callers between their call and handing their operation over
	notifies chan struct{}
	stop     chan struct{}
	bg       sync.WaitGroup

	idMu    sync.Mutex
	idCache []int64 // message IDs drawn from the sequence, not yet used

	linger    atomic.Int64 // how long a woken lessee waits before it looks, ns
	handedOff atomic.Int64 // messages handed to waiting lessees (see claim)
	listened  atomic.Int64 // LISTEN connections made, each followed by its wake (see listenLoop)

	hintMu   sync.Mutex
	hinted   bool      // dueHint holds (else the next lease promotes)
	dueHint  time.Time // no waiting message comes due before, as far as is known here
	promoted time.Time // when the last promotion was sent, local clock

	blockMu sync.Mutex
	blocks  map[flowKey]*block // tags reserved for flows, not yet used

	mu      sync.Mutex
	leases  map[int64]*leased // messages this store leased, until completed or run out
	waiters []*waiter         // lessees waiting for a message, first come first
	woken   bool              // a wake came while nobody waited
	// What is known of leasable messages: readyGen counts the wakes
	// (anything that may have made a message leasable here); emptyGen is
	// readyGen as it was when a lease for any domain without caps last
	// took all there was (see nothingLeasable).
	readyGen, emptyGen uint64
	emptyKnown         bool
	listening          bool
	closed             bool
}

// leased is a message as leased through this store: what Complete applies
// outcomes to without reading the message again (while the lease is the
// caller's nobody else changes it), and its body if small.
type leased struct {
	m    *queue.Message // in the callers' clock
	body []byte         // nil unless fetched with the lease
	end  time.Time      // the lease's end, local clock
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
	wpool, err := pgxpool.NewWithConfig(ctx, writeConfig(cfg))
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s := &Store{pool: pool, wpool: wpool, connCf: cfg.ConnConfig, schema: opts.Schema, log: opts.Logger, clock: time.Now,
		ops: make(chan writeOp, maxBatch), notifies: make(chan struct{}, 1),
		stop:   make(chan struct{}),
		leases: map[int64]*leased{}, blocks: map[flowKey]*block{}}
	if s.schema == "" {
		s.schema = "mxkit_queue"
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	h := fnv.New64a()
	h.Write([]byte(s.schema))
	s.notify = fmt.Sprintf("mxkit_queue_%x", h.Sum64())
	s.self = randomToken()[:12]
	s.q = makeQueries(pgx.Identifier{s.schema}.Sanitize())
	s.linger.Store(int64(5 * time.Millisecond))
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		wpool.Close()
		return nil, err
	}
	if err := s.measure(ctx, true); err != nil {
		pool.Close()
		wpool.Close()
		return nil, err
	}
	s.bg.Add(2)
	go s.writeLoop()
	go s.notifyLoop()
	return s, nil
}

// migrate applies the migrations not yet applied, in one transaction,
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
	if version == len(migrations) {
		return nil
	}
	for v := version; v < len(migrations); v++ {
		if err := migrations[v](ctx, tx, sch); err != nil {
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

// Close stops the store's background work and closes the connection pool.
// It waits for operations already handed to a shared statement.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return queue.ErrClosed
	}
	s.closed = true
	close(s.stop)
	for _, w := range s.waiters {
		w.ch <- struct{}{} // they see the store closed
	}
	s.waiters = nil
	s.mu.Unlock()
	s.sendMu.Lock()
	s.sendDone = true
	close(s.ops) // the writer finishes what was sent, then stops
	s.sendMu.Unlock()
	s.bg.Wait()
	s.pool.Close()
	s.wpool.Close()
	return nil
}

// writeConfig is the configuration of the writer's connection (see
// Store.wpool), from the pool's: one connection (rounds are written one
// at a time) on which PostgreSQL plans each statement once. The rounds'
// statements find rows by ID, from arrays, so their best plan does not
// depend on the values; yet PostgreSQL planned them anew for each
// execution (a plan for the arrays' values looks cheaper than one for
// any values, so it never settles on the latter), which cost the server
// more than running them: 0.3-0.5 ms against 0.15-0.2 ms for a round of
// three enqueues and three completions. Scans of a whole table or index,
// and hash and merge joins, are off on it: a plan made while the table
// was small (a new queue, before autovacuum's first ANALYZE) would
// otherwise scan the table, or every leased message, in each round as
// the table grows, instead of looking up each ID. (They are set once
// connected, not as startup parameters, which PgBouncer refuses.)
func writeConfig(cfg *pgxpool.Config) *pgxpool.Config {
	w := cfg.Copy()
	w.MaxConns, w.MinConns = 1, 0
	w.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, `SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; SET enable_bitmapscan = off;
			SET enable_hashjoin = off; SET enable_mergejoin = off`)
		return err
	}
	return w
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// The clock. Times from callers are in the local clock; the database
// keeps its own.

// measure reads the database's clock and sets the offset of the local one,
// rounded to the millisecond. At Open it takes the best of three readings;
// later it takes one reading, and moves the offset only if it is more than
// a quarter of a second off, so that the times a caller gets back stay the
// times it gave unless the clocks truly moved apart.
func (s *Store) measure(ctx context.Context, first bool) error {
	best, bestRTT := int64(0), time.Duration(-1)
	n := 1
	if first {
		n = 3
	}
	for range n {
		var db time.Time
		t1 := s.clock()
		if err := s.pool.QueryRow(ctx, `SELECT now()`).Scan(&db); err != nil {
			return fmt.Errorf("pgstore: reading the database's clock: %w", err)
		}
		t2 := s.clock()
		rtt := t2.Sub(t1)
		if bestRTT < 0 || rtt < bestRTT {
			mid := t1.Add(rtt / 2)
			best, bestRTT = db.Sub(mid).Round(time.Millisecond).Nanoseconds(), rtt
		}
	}
	s.measured.Store(s.clock().UnixNano())
	if first {
		s.skew.Store(best)
		return nil
	}
	if d := time.Duration(best - s.skew.Load()); bestRTT < 50*time.Millisecond && (d > 250*time.Millisecond || d < -250*time.Millisecond) {
		s.log.Info("pgstore: local clock moved against the database's", "offset", time.Duration(best))
		s.skew.Store(best)
	}
	return nil
}

// remeasure measures again if the last measurement is 30 seconds old.
func (s *Store) remeasure(ctx context.Context) {
	if s.clock().UnixNano()-s.measured.Load() > int64(30*time.Second) {
		s.measured.Store(s.clock().UnixNano()) // one measurer at a time
		if err := s.measure(ctx, false); err != nil {
			s.log.Warn("pgstore: measuring the clock", "err", err)
		}
	}
}

// toDB moves a caller's time onto the database's clock; fromDB back.
func (s *Store) toDB(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(time.Duration(s.skew.Load())).UTC()
}

func (s *Store) fromDB(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(-time.Duration(s.skew.Load())).UTC()
}

// IDs and rows.

func parseID(id queue.ID) (int64, error) {
	n, err := strconv.ParseInt(string(id), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: malformed ID %q", queue.ErrNotFound, id)
	}
	return n, nil
}

func formatID(n int64) queue.ID { return queue.ID(strconv.FormatInt(n, 10)) }

func randomToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// row is a message as stored, in the database's clock.
type row struct {
	m     queue.Message
	id    int64
	ready bool
	tag   float64
}

// scanRow reads the columns of cols, then extra.
func scanRow(r pgx.Row, extra ...any) (*row, error) {
	var (
		w       row
		token   *string
		expires *time.Time
		env     []byte
	)
	dest := append([]any{&w.id, &w.m.Domain, &w.m.NextAttempt, &w.m.Dead, &w.m.Held, &w.ready, &w.tag,
		&token, &expires, &w.m.Created, &w.m.Attempts, &w.m.Size, &env}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	if err := w.m.Envelope.UnmarshalBinary(env); err != nil {
		return nil, fmt.Errorf("pgstore: message %d: bad envelope: %w", w.id, err)
	}
	w.m.ID = formatID(w.id)
	if token != nil {
		w.m.Lease = *token
	}
	if expires != nil {
		w.m.LeaseExpires = expires.UTC()
	}
	w.m.NextAttempt, w.m.Created = w.m.NextAttempt.UTC(), w.m.Created.UTC()
	return &w, nil
}

// message returns w's message in the callers' clock.
func (s *Store) message(w *row) *queue.Message {
	m := w.m
	m.NextAttempt, m.Created, m.LeaseExpires = s.fromDB(m.NextAttempt), s.fromDB(m.Created), s.fromDB(m.LeaseExpires)
	return &m
}
