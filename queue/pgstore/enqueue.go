package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/queue"
)

// enqueueOp is one message waiting for a shared INSERT.
type enqueueOp struct {
	e      *queue.Envelope
	env    []byte
	domain string
	idem   *string
	next   time.Time // database clock
	now    time.Time
	size   int64
	body   []byte // nil: the body is written in chunks afterwards
	ready  bool
	lease  *waiter // handed to this lessee as it is inserted (see claim)
	id     int64
	dup    bool // the idempotency key was taken: id is not set
	done   chan error
}

// due reports whether o is inserted ready, to be leased in tag order.
func (o *enqueueOp) due() bool { return o.ready && o.lease == nil }

// newEnvelope checks env and copies it with fresh recipient states.
func newEnvelope(env *queue.Envelope) (*queue.Envelope, error) {
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

// Enqueue implements queue.Store. A body up to 256 KiB is read into memory
// and written with the enqueues that arrive meanwhile, in one statement
// and one commit; a larger one is streamed in chunks in a transaction of
// its own. Either way the ID is returned once the commit is done (durable,
// with the server's synchronous_commit on).
func (s *Store) Enqueue(ctx context.Context, env *queue.Envelope, body io.Reader, now, next time.Time) (queue.ID, error) {
	s.coming.Add(1)
	o, rest, err := s.newOp(env, body, now, next)
	if err != nil || rest != nil {
		s.coming.Add(-1)
	}
	if err != nil {
		return "", err
	}
	if rest == nil {
		err = s.hand(ctx, o)
	} else {
		if err = s.inTx(ctx, func(tx pgx.Tx) error { return s.insertLarge(ctx, tx, o, rest) }); err == nil && o.ready {
			s.wakeLessees(true)
		}
	}
	if err != nil {
		return "", err
	}
	if o.dup {
		return s.existing(ctx, o.e)
	}
	return formatID(o.id), nil
}

// EnqueueMany implements queue.BatchEnqueuer: every message in one
// transaction, 500 to a statement.
func (s *Store) EnqueueMany(ctx context.Context, msgs []queue.Submission, now time.Time) ([]queue.ID, error) {
	ops := make([]*enqueueOp, len(msgs))
	rests := make([]io.Reader, len(msgs))
	for i, m := range msgs {
		var err error
		if ops[i], rests[i], err = s.newOp(m.Envelope, m.Body, now, m.Next); err != nil {
			return nil, fmt.Errorf("message %d: %w", i, err)
		}
	}
	var err error
	if !slices.ContainsFunc(rests, func(r io.Reader) bool { return r != nil }) {
		err = s.insertAll(ctx, ops)
	} else {
		err = s.inTx(ctx, func(tx pgx.Tx) error { return s.insertSome(ctx, tx, ops, rests) })
	}
	if err == nil && slices.ContainsFunc(ops, func(o *enqueueOp) bool { return o.ready }) {
		s.wakeLessees(true)
	}
	if err != nil {
		return nil, err
	}
	ids := make([]queue.ID, len(ops))
	for i, o := range ops {
		if ids[i] = formatID(o.id); o.dup {
			if ids[i], err = s.existing(ctx, o.e); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

// insertSome writes ops in tx, streaming the bodies that did not fit in a
// chunk (rests), 500 rows to an INSERT for the others.
func (s *Store) insertSome(ctx context.Context, tx pgx.Tx, ops []*enqueueOp, rests []io.Reader) error {
	var small []*enqueueOp
	for i, o := range ops {
		if rests[i] != nil {
			if err := s.insertLarge(ctx, tx, o, rests[i]); err != nil {
				return err
			}
			continue
		}
		if small = append(small, o); len(small) == 500 {
			if err := s.insert(ctx, tx, small); err != nil {
				return err
			}
			small = small[:0]
		}
	}
	if len(small) > 0 {
		return s.insert(ctx, tx, small)
	}
	return nil
}

// newOp checks a message and reads its body: whole if it fits in one chunk
// (rest nil), else the first chunk, the rest to be streamed from rest.
func (s *Store) newOp(env *queue.Envelope, body io.Reader, now, next time.Time) (o *enqueueOp, rest io.Reader, err error) {
	e, err := newEnvelope(env)
	if err != nil {
		return nil, nil, err
	}
	if body == nil {
		return nil, nil, fmt.Errorf("%w: nil body", queue.ErrInvalidInput)
	}
	if next.IsZero() {
		next = now
	}
	buf, err := readChunk(body)
	if err != nil {
		return nil, nil, fmt.Errorf("pgstore: reading body: %w", err)
	}
	n := len(buf)
	o = &enqueueOp{e: e, domain: e.DestDomain(), next: s.toDB(next), now: s.toDB(now), size: int64(n),
		ready: !next.After(now), done: make(chan error, 1)}
	o.env, _ = e.MarshalBinary()
	if e.IdempotencyKey != "" {
		o.idem = &e.IdempotencyKey
	}
	if n <= chunkSize {
		o.body = buf
		return o, nil, nil
	}
	return o, io.MultiReader(bytes.NewReader(buf), body), nil
}

// readChunk reads up to chunkSize+1 bytes of body (all of it when it fits
// in a chunk), into a buffer sized from the body's Len if it has one, else
// grown as it fills: a small body does not cost a chunk's allocation.
func readChunk(body io.Reader) ([]byte, error) {
	size := 16 << 10
	if l, ok := body.(interface{ Len() int }); ok {
		size = l.Len() + 1 // +1 to see the end without another allocation
	}
	buf := make([]byte, 0, min(size, chunkSize+1))
	for len(buf) <= chunkSize {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
		n, err := body.Read(buf[len(buf):min(cap(buf), chunkSize+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// inTx runs fn in a transaction and commits it.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	return nil
}

// hand gives o to the writer and waits for its commit.
func (s *Store) hand(ctx context.Context, o *enqueueOp) error {
	err := ctx.Err()
	if err == nil {
		err = s.send(writeOp{enq: o})
	}
	s.coming.Add(-1)
	if err != nil {
		return err
	}
	// Once handed over the enqueue commits or fails on its own; waiting
	// for it (a commit takes milliseconds) keeps the answer truthful.
	return <-o.done
}

// insert writes batch in tx in one statement, setting each one's ID (or
// dup). Tags come from blocks reserved earlier (see block); a flow
// without one reserves a block, in a round trip before.
func (s *Store) insert(ctx context.Context, tx pgx.Tx, batch []*enqueueOp) error {
	b := &pgx.Batch{}
	ip, err := s.queueInsert(ctx, b, batch, true, nil)
	if err != nil {
		return err
	}
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	if err := s.readInsert(br, ip); err != nil {
		return err
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return nil
}

// insertPlan is an INSERT queued in a pgx.Batch, for readInsert.
type insertPlan struct {
	batch    []*enqueueOp
	p        *tagPlan
	groups   [][]int       // the messages of each INSERT, by index in batch
	reserved bool          // tags are reserved in the same round trip
	cp       *completePlan // deletions merged into the first INSERT
}

// queueInsert queues in b the INSERT of batch, carrying the deletions of
// cp if it is not nil (see completePlan). A flow without reserved tags
// reserves a block: in a round trip of its own before (inTx), or in b, in
// a transaction of its own before the INSERT's.
func (s *Store) queueInsert(ctx context.Context, b *pgx.Batch, batch []*enqueueOp, inTx bool, cp *completePlan) (*insertPlan, error) {
	ids, err := s.takeIDs(ctx, len(batch))
	if err != nil {
		return nil, err
	}
	ip := &insertPlan{batch: batch, p: s.planTags(batch)}
	if need := ip.p.need; need != nil {
		if inTx {
			bases, err := s.reserve(ctx, need)
			if err != nil {
				return nil, err
			}
			ip.p.fill(bases)
			s.keepBlocks(ip.p, bases)
		} else {
			queueReserve(b, &s.q, need)
			ip.reserved = true
		}
	}
	ip.groups = s.queueInserts(b, batch, ids, ip.p, 0, len(batch), cp)
	if cp != nil && cp.merged {
		ip.cp = cp
	}
	return ip, nil
}

// queueInserts queues the INSERTs of batch[from:to]: one for the messages
// without idempotency keys (with the deletions of cp if any: cp.merged),
// one for those with. It returns the messages of each, in order, for
// readInserted.
func (s *Store) queueInserts(b *pgx.Batch, batch []*enqueueOp, ids []int64, p *tagPlan, from, to int, cp *completePlan) [][]int {
	var plain, idem []int
	for i := from; i < to; i++ {
		if batch[i].idem == nil {
			plain = append(plain, i)
		} else {
			idem = append(idem, i)
		}
	}
	var groups [][]int
	if len(plain) > 0 {
		args := s.insertArgs(batch, ids, p, plain)
		if cp != nil && len(cp.delIDs) > 0 {
			b.Queue(s.q.insertDelete, append(args, cp.delIDs, cp.delToks)...)
			cp.merged = true
		} else {
			b.Queue(s.q.insert, args...)
		}
		groups = append(groups, plain)
	}
	if len(idem) > 0 {
		b.Queue(s.q.insertIdem, s.insertArgs(batch, ids, p, idem)...)
		groups = append(groups, idem)
	}
	return groups
}

// readInsert reads the results of what queueInsert queued.
func (s *Store) readInsert(br pgx.BatchResults, ip *insertPlan) error {
	if ip.reserved {
		bases, err := readReserve(br, len(ip.p.need.tenants))
		if err != nil {
			return err
		}
		s.keepBlocks(ip.p, bases)
	}
	for i, g := range ip.groups {
		var cp *completePlan
		if i == 0 {
			cp = ip.cp
		}
		if err := readInserted(br, ip.batch, g, cp); err != nil {
			return err
		}
	}
	return nil
}

// insertAll writes batch, whose bodies are all in hand, in one
// transaction and one round trip: tags reserved if need be, then the
// INSERTs, 500 rows each.
func (s *Store) insertAll(ctx context.Context, batch []*enqueueOp) error {
	ids, err := s.takeIDs(ctx, len(batch))
	if err != nil {
		return err
	}
	p := s.planTags(batch)
	b := &pgx.Batch{}
	if p.need != nil {
		queueReserve(b, &s.q, p.need)
	}
	b.Queue("BEGIN")
	var groups [][]int
	for i := 0; i < len(batch); i += 500 {
		groups = append(groups, s.queueInserts(b, batch, ids, p, i, min(i+500, len(batch)), nil)...)
	}
	b.Queue("COMMIT")
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	if p.need != nil {
		bases, err := readReserve(br, len(p.need.tenants))
		if err != nil {
			return err
		}
		s.keepBlocks(p, bases)
	}
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	for _, g := range groups {
		if err := readInserted(br, batch, g, nil); err != nil {
			return err
		}
	}
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("pgstore: enqueue: commit: %w", err)
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return nil
}

// insertArgs are the arguments of queries.insert for the messages of
// batch at idx.
func (s *Store) insertArgs(batch []*enqueueOp, ids []int64, p *tagPlan, idx []int) []any {
	n := len(idx)
	domains, tenants := make([]string, n), make([]string, n)
	idems := make([]*string, n)
	prios := make([]int16, n)
	nexts, nows := make([]time.Time, n), make([]time.Time, n)
	sizes := make([]int64, n)
	envs, bodies := make([][]byte, n), make([][]byte, n)
	readies := make([]bool, n)
	tokens, ends := make([]*string, n), make([]*time.Time, n)
	idIDs, tags := make([]int64, n), make([]*float64, n)
	fs, ks := make([]int32, n), make([]int32, n)
	for i, j := range idx {
		o := batch[j]
		o.id = ids[j]
		idIDs[i], tags[i], fs[i], ks[i] = ids[j], p.tags[j], p.fs[j], p.ks[j]
		if w := o.lease; w != nil {
			tokens[i], ends[i] = &w.token, &w.end
			s.dueBy(w.end) // due again if the lease runs out
		} else if !o.ready {
			s.dueBy(o.next)
		}
		domains[i], tenants[i], idems[i], prios[i] = o.domain, o.e.Tenant, o.idem, int16(o.e.Priority)
		nexts[i], nows[i], sizes[i], envs[i], bodies[i], readies[i] = o.next, o.now, o.size, o.env, o.body, o.due()
	}
	return []any{idIDs, domains, tenants, idems, prios, nexts, nows, sizes, envs, bodies, readies,
		tags, fs, ks, tokens, ends}
}

// readInserted reads the result of an INSERT of the messages of batch at
// idx. One without idempotency keys (plain) inserts them all; with cp, it
// carried cp's deletions (queries.insertDelete) and returns the IDs
// deleted, whose completions are marked as applied. Otherwise it returns
// the IDs it inserted, and the messages it did not insert (their
// idempotency key was taken) are marked dup.
func readInserted(br pgx.BatchResults, batch []*enqueueOp, idx []int, cp *completePlan) error {
	plain := batch[idx[0]].idem == nil // a group is all one or the other (see queueInserts)
	if plain && cp == nil {
		tag, err := br.Exec()
		if err != nil {
			return fmt.Errorf("pgstore: enqueue: %w", err)
		}
		if tag.RowsAffected() != int64(len(idx)) {
			return fmt.Errorf("pgstore: enqueue: %d of %d messages inserted", tag.RowsAffected(), len(idx))
		}
		return nil
	}
	rows, err := br.Query()
	if err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	var inserted map[int64]bool
	if !plain {
		inserted = make(map[int64]bool, len(idx))
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("pgstore: enqueue: %w", err)
		}
		if cp == nil {
			inserted[id] = true
		} else if o := cp.byID[id]; o != nil {
			o.ok = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	if !plain {
		for _, j := range idx {
			batch[j].dup = !inserted[batch[j].id]
		}
	}
	return nil
}

// A block is a run of tags a flow reserved (queries.reserve) and hands out
// to its next messages, so that most enqueues reserve nothing. A block
// lasts blockLife: past it, the queue's position has moved on and the
// block's tags would put the flow ahead of its turn. When the flow
// reserves again, its unused tags are given back (in queries.reserve) if
// nobody reserved for the flow after it, so that a flow that enqueues
// slowly is not put behind the tags it never used; otherwise they are
// left, a gap (the flow then waits a little longer than its due, never
// less).
const (
	blockSize = 64
	blockLife = 100 * time.Millisecond
)

type block struct {
	next    float64 // the next tag
	left    int
	end     float64 // the flow's finish the reservation left
	expires time.Time
}

type flowKey struct {
	tenant string
	prio   queue.Priority
}

// tagPlan is how the due messages of a batch get their tags: from blocks
// (tags), or from blocks reserved with the batch (need, by the flow's
// index fs and place ks).
type tagPlan struct {
	tags   []*float64
	fs, ks []int32
	need   *flows
	keys   []flowKey // of need
	used   []int     // messages of the batch in each needed flow
}

// flows are the arguments of queries.reserve: each flow, how many tags,
// and the tags it gives back: unused (in tag units) of the block it
// reserved before, which ended at end (0 and 0 when none).
type flows struct {
	tenants []string
	prios   []int16
	counts  []int64
	ends    []float64
	unused  []float64
}

func (s *Store) planTags(batch []*enqueueOp) *tagPlan {
	p := &tagPlan{tags: make([]*float64, len(batch)), fs: make([]int32, len(batch)), ks: make([]int32, len(batch))}
	counts := map[flowKey]int{}
	var order []flowKey
	for _, o := range batch {
		if o.due() {
			k := flowKey{o.e.Tenant, o.e.Priority}
			if counts[k] == 0 {
				order = append(order, k)
			}
			counts[k]++
		}
	}
	if len(order) == 0 {
		return p
	}
	s.blockMu.Lock()
	defer s.blockMu.Unlock()
	now := time.Now()
	idx := map[flowKey]int32{}
	var need flows
	for _, k := range order {
		b := s.blocks[k]
		if b != nil && now.Before(b.expires) && b.left >= counts[k] {
			continue
		}
		end, unused := 0.0, 0.0
		if b != nil && b.left > 0 {
			end, unused = b.end, float64(b.left)/float64(k.prio.Weight())
		}
		need.ends, need.unused = append(need.ends, end), append(need.unused, unused)
		delete(s.blocks, k)
		idx[k] = int32(len(p.keys))
		p.keys, p.used = append(p.keys, k), append(p.used, counts[k])
		need.tenants, need.prios = append(need.tenants, k.tenant), append(need.prios, int16(k.prio))
		need.counts = append(need.counts, int64(max(counts[k], blockSize)))
	}
	place := map[flowKey]int32{}
	for i, o := range batch {
		if !o.due() {
			continue
		}
		k := flowKey{o.e.Tenant, o.e.Priority}
		if j, ok := idx[k]; ok {
			p.fs[i], p.ks[i] = j, place[k]
			place[k]++
			continue
		}
		b := s.blocks[k]
		t := b.next
		p.tags[i] = &t
		b.next += 1 / float64(k.prio.Weight())
		b.left--
	}
	if len(p.keys) > 0 {
		p.need = &need
	}
	return p
}

// fill sets the tags of the messages in needed flows from their first
// tags.
func (p *tagPlan) fill(bases []float64) {
	for i, t := range p.tags {
		if t == nil && p.need != nil {
			for j, k := range p.keys {
				if int32(j) == p.fs[i] {
					v := bases[j] + float64(p.ks[i])/float64(k.prio.Weight())
					p.tags[i] = &v
				}
			}
		}
	}
}

// keepBlocks keeps what the batch left of the blocks it reserved.
func (s *Store) keepBlocks(p *tagPlan, bases []float64) {
	s.blockMu.Lock()
	defer s.blockMu.Unlock()
	exp := time.Now().Add(blockLife)
	for j, k := range p.keys {
		step := 1 / float64(k.prio.Weight())
		s.blocks[k] = &block{next: bases[j] + float64(p.used[j])*step, left: int(p.need.counts[j]) - p.used[j],
			end: bases[j] + float64(p.need.counts[j])*step, expires: exp}
	}
}

// takeIDs returns n message IDs, drawn from the sequence a thousand or
// more at a time (IDs are unique and never reused; across processes they are not
// in enqueue order, which nothing needs).
func (s *Store) takeIDs(ctx context.Context, n int) ([]int64, error) {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	if len(s.idCache) < n {
		rows, err := s.pool.Query(ctx, s.q.nextIDs, max(n-len(s.idCache), 1024))
		if err != nil {
			return nil, fmt.Errorf("pgstore: enqueue: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("pgstore: enqueue: %w", err)
			}
			s.idCache = append(s.idCache, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("pgstore: enqueue: %w", err)
		}
	}
	ids := append([]int64(nil), s.idCache[:n]...)
	s.idCache = s.idCache[n:]
	return ids, nil
}

// queueReserve queues the reservation of tags for fl in a transaction of
// its own that does not wait for the disk (see queries.reserve).
func queueReserve(b *pgx.Batch, q *queries, fl *flows) {
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit TO off")
	b.Queue(q.reserve, fl.tenants, fl.prios, fl.counts, fl.ends, fl.unused)
	b.Queue("COMMIT")
}

// reserve reserves tags for fl and returns the first tag of each flow, by
// its index.
func (s *Store) reserve(ctx context.Context, fl *flows) ([]float64, error) {
	b := &pgx.Batch{}
	queueReserve(b, &s.q, fl)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	bases, err := readReserve(br, len(fl.tenants))
	if err != nil {
		return nil, err
	}
	return bases, br.Close()
}

// readReserve reads the results of queueReserve's statements: the first
// tag of each of n flows, by index.
func readReserve(br pgx.BatchResults, n int) ([]float64, error) {
	bases := make([]float64, n)
	for i := range 4 {
		if i != 2 {
			if _, err := br.Exec(); err != nil {
				return nil, fmt.Errorf("pgstore: enqueue: %w", err)
			}
			continue
		}
		rows, err := br.Query()
		if err != nil {
			return nil, fmt.Errorf("pgstore: enqueue: %w", err)
		}
		for rows.Next() {
			var j int
			var v string
			if err := rows.Scan(&j, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("pgstore: enqueue: %w", err)
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || j < 0 || j >= n {
				rows.Close()
				return nil, fmt.Errorf("pgstore: enqueue: reserved tag %d %q", j, v)
			}
			bases[j] = f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("pgstore: enqueue: %w", err)
		}
	}
	return bases, nil
}

// insertLarge writes, in tx, a message whose body does not fit in one
// chunk: the row, then the body streamed in chunks.
func (s *Store) insertLarge(ctx context.Context, tx pgx.Tx, o *enqueueOp, body io.Reader) error {
	if err := s.insert(ctx, tx, []*enqueueOp{o}); err != nil {
		return err
	}
	if o.dup {
		return nil
	}
	buf := make([]byte, chunkSize)
	var size int64
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(body, buf)
		if n > 0 {
			if _, err := tx.Exec(ctx, s.q.insertChunk, o.id, seq, buf[:n]); err != nil {
				return fmt.Errorf("pgstore: enqueue: %w", err)
			}
			size += int64(n)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("pgstore: reading body: %w", rerr)
		}
	}
	if _, err := tx.Exec(ctx, s.q.setSize, o.id, size); err != nil {
		return fmt.Errorf("pgstore: enqueue: %w", err)
	}
	return nil
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
