package queue

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterr "go.etcd.io/bbolt/errors"
)

// Options configure the embedded store. The zero value is a good default.
type Options struct {
	// InlineLimit is the largest body kept inside the database (those of
	// more than half a page in its arena); larger bodies are files in
	// dir/bodies. 0 means 64 KiB; negative means every body is a file.
	InlineLimit int64
	// MaxBatch bounds how many operations share one commit. 0 means 1024.
	MaxBatch int
	// Logger receives commit errors and cleanup notes; nil is silent.
	Logger *slog.Logger
}

const (
	dbName       = "queue.db"
	bodiesDir    = "bodies"
	magic        = "mxkit-queue-1"
	defaultLimit = 64 << 10
	// layout is the version of the database's buckets: 1 had the due
	// times in buckets (due, domdue), 2 keeps them in memory, 3 keeps
	// large inline bodies in buckets of their own (getBody), 4 in the
	// arena (arena.go). Open moves older files to 4; their bodies stay
	// where they are until their messages go.
	layout = "4"
)

var (
	bMeta   = []byte("meta")
	bMsgs   = []byte("msgs")   // id -> record
	bBodies = []byte("bodies") // id -> inline body
	bDead   = []byte("dead")   // id -> nil
	bIdem   = []byte("idem")   // tenant 0 key -> id
	kBody   = []byte("b")      // the body in a body's own bucket
	kMagic  = []byte("magic")
	kLayout = []byte("layout")

	// Layout 1's due times.
	bDueV1    = []byte("due")    // time|id -> nil, live messages
	bDomDueV1 = []byte("domdue") // domain 0 time|id -> nil, live messages with a domain
)

// record is a message as stored in the embedded store.
type record struct {
	Message
	File string `json:",omitempty"` // body file name in dir/bodies, if not inline
	CRC  uint32 // CRC-32C of the body
	// Chunk and Page place the body in the arena, if Chunk is not 0.
	Chunk, Page uint64
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Embedded is the embedded store: a bbolt database with group commit in a
// directory. Create it with Open. It is safe for concurrent use; only one
// process may have a directory open at a time.
//
// Which messages are due, and their leases, are kept in memory (about 180
// bytes a message, rebuilt at Open), so a lease writes nothing to disk. A
// lease therefore ends with the process: after a restart every message is
// due at its NextAttempt, and Attempts counts only the leases that were
// completed (or are current).
type Embedded struct {
	dir         string
	db          *bolt.DB
	file        *os.File // the database, read with pread (readBody) and written in the arena
	arena       *arena
	inlineLimit int64
	ownBucket   int // inline bodies of this size and more go in the arena
	maxBatch    int
	log         *slog.Logger
	sched       *sched

	bufs   sync.Pool    // *[]byte for reading bodies, each as large as the largest it held
	mu     sync.RWMutex // guards closed and sends on ops
	closed bool
	ops    chan *op
	loop   sync.WaitGroup
	coming atomic.Int32 // enqueues between their call and handing over their op

	// Bytes of bodies whose pages the commit loop may have mapped since
	// it last dropped the mapping's pages, and how many make it do so
	// (trimMapping). The commit loop's alone.
	mapped, trimAfter int64
	// Arena bodies removed by the last commit, their pages to release
	// (cleanup). The commit loop's alone.
	released []place
}

var _ Store = (*Embedded)(nil)

// op is one write operation for the commit loop. fn runs inside the shared
// write transaction; it must do its checks before its first write, and
// return a writeError if a write fails, which aborts the shared
// transaction (the other operations are then retried one by one).
type op struct {
	enqueue bool
	fn      func(tx *bolt.Tx) error
	after   func() // run after a successful commit
	undo    func() // run when the operation fails or does not commit
	done    chan error
}

type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }
func (e writeError) Unwrap() error { return e.err }

func wr(err error) error {
	if err != nil {
		return writeError{err}
	}
	return nil
}

// Open opens the embedded queue in dir, creating the directory and an
// empty queue if dir does not exist or is empty. A file at dir, a non-empty
// directory without a queue, or a queue database that is damaged or not a
// queue fails with an error matching ErrCorrupt; a directory another process
// has open fails after one second. opts may be nil.
func Open(dir string, opts *Options) (*Embedded, error) {
	if opts == nil {
		opts = &Options{}
	}
	s := &Embedded{dir: dir, inlineLimit: opts.InlineLimit, maxBatch: opts.MaxBatch, log: opts.Logger, trimAfter: trimAfter}
	if s.inlineLimit == 0 {
		s.inlineLimit = defaultLimit
	}
	if s.maxBatch <= 0 {
		s.maxBatch = 1024
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.bufs.New = func() any { return new([]byte) }
	if err := s.prepare(); err != nil {
		return nil, err
	}
	// First read-only, to walk every page where a damaged one cannot crash
	// the process; then for writing.
	path := filepath.Join(dir, dbName)
	db, err := openBolt(path, true)
	if err != nil {
		return nil, err
	}
	s.db = db
	if s.file, err = os.OpenFile(path, os.O_RDWR, 0); err != nil {
		db.Close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	s.arena = &arena{file: s.file, pageSize: int64(db.Info().PageSize), next: 1}
	err = s.verify()
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("queue: %w", cerr)
	}
	if err == nil {
		db, err = openBolt(path, false)
	}
	if err != nil {
		s.file.Close()
		return nil, err
	}
	s.db = db
	s.ownBucket = db.Info().PageSize / 2
	if err = s.migrate(); err == nil {
		err = s.load()
	}
	if err != nil {
		db.Close()
		s.file.Close()
		return nil, err
	}
	s.ops = make(chan *op, s.maxBatch)
	s.loop.Add(1)
	go s.commitLoop()
	return s, nil
}

// prepare makes sure dir holds a queue database, creating one atomically
// (built under a temporary name, then renamed) in a new or empty directory.
func (s *Embedded) prepare() error {
	fi, err := os.Stat(s.dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("queue: %w", err)
		}
	case err != nil:
		return fmt.Errorf("queue: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("%w: %s is a file, not a queue directory", ErrCorrupt, s.dir)
	}
	if err := os.MkdirAll(filepath.Join(s.dir, bodiesDir), 0o700); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	path := filepath.Join(s.dir, dbName)
	if fi, err := os.Stat(path); err == nil {
		if fi.Size() == 0 {
			return fmt.Errorf("%w: %s is empty", ErrCorrupt, path)
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("queue: %w", err)
	}
	// No database: only an empty directory (bar our own bodies folder, empty,
	// and a leftover temporary database) may become a new queue.
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	for _, e := range ents {
		switch e.Name() {
		case bodiesDir:
			if b, _ := os.ReadDir(filepath.Join(s.dir, bodiesDir)); len(b) == 0 {
				continue
			}
			return fmt.Errorf("%w: %s has message bodies but no %s", ErrCorrupt, s.dir, dbName)
		case dbName + ".new":
			continue
		}
		return fmt.Errorf("%w: %s is not empty and holds no queue (found %q)", ErrCorrupt, s.dir, e.Name())
	}
	tmp := path + ".new"
	os.Remove(tmp)
	db, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("queue: creating %s: %w", tmp, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bMeta, bMsgs, bBodies, bDead, bIdem, bArena} {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bMeta).Put(kLayout, []byte(layout)); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(kMagic, []byte(magic))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("queue: creating %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return syncDir(s.dir)
}

func openBolt(path string, readOnly bool) (db *bolt.DB, err error) {
	// bbolt may panic on pages it cannot make sense of.
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			}
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, r)
		}
	}()
	// A damaged file must not crash the process: faults on the mapped file
	// become panics that are recovered here.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	// The freelist is not synced: commits write less, and Open rebuilds it
	// by walking the pages. That walk runs in a goroutine of bbolt's own,
	// where a damaged page would panic beyond recovery; hence the
	// read-only open and verify before (the read-only open does not build
	// the freelist).
	db, err = bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        time.Second,
		ReadOnly:       readOnly,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, bolterr.ErrTimeout):
		return nil, fmt.Errorf("queue: %s is open in another process: %w", path, err)
	case errors.Is(err, bolterr.ErrInvalid), errors.Is(err, bolterr.ErrChecksum),
		errors.Is(err, bolterr.ErrVersionMismatch), errors.Is(err, bolterr.ErrInvalidMapping):
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("queue: %w", err)
	}
	// Other open failures come from reading the file's content (too small,
	// bad page sizes, unreadable freelist).
	return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
}

// verify checks that the database is a queue and walks every page of it
// (bbolt checks each page's identity as it goes), decoding every record.
// bbolt's own checker is not used: it runs in a goroutine where a damaged
// page would crash the process.
func (s *Embedded) verify() (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: %v", ErrCorrupt, s.dir, r)
		}
	}()
	return s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta == nil || string(meta.Get(kMagic)) != magic {
			return fmt.Errorf("%w: %s is a bbolt database but not an mxkit queue", ErrCorrupt, s.dir)
		}
		v1 := meta.Get(kLayout) == nil
		if l := string(meta.Get(kLayout)); !v1 && l != "2" && l != "3" && l != layout {
			return fmt.Errorf("%w: %s has layout %q, unknown to this version", ErrCorrupt, s.dir, meta.Get(kLayout))
		}
		names := [][]byte{bMsgs, bBodies, bDead, bIdem}
		if v1 {
			names = append(names, bDueV1, bDomDueV1)
		}
		if string(meta.Get(kLayout)) == layout {
			names = append(names, bArena)
		}
		for _, name := range names {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("%w: %s lacks bucket %s", ErrCorrupt, s.dir, name)
			}
		}
		bad := func(what string, k []byte) error {
			return fmt.Errorf("%w: %s: %s %x", ErrCorrupt, s.dir, what, k)
		}
		msgs := tx.Bucket(bMsgs)
		bodies := tx.Bucket(bBodies)
		if err := s.arena.load(tx); err != nil {
			return err
		}
		var buf []byte
		err = msgs.ForEach(func(k, v []byte) error {
			r, err := decodeRecord(v)
			if err != nil || len(k) != 8 || r.ID != formatID(k) {
				return bad("undecodable message", k)
			}
			var b []byte
			switch {
			case r.Chunk != 0:
				if buf, err = s.arena.read(r.place(), buf[:0]); errors.Is(err, ErrCorrupt) {
					return bad("body outside the arena of message", k)
				} else if err != nil {
					return err
				}
				b = buf
			case r.File == "":
				b = getBody(bodies, k)
			default:
				return nil
			}
			if int64(len(b)) != r.Size || crc32.Checksum(b, castagnoli) != r.CRC {
				return bad("damaged body of message", k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		checks := []struct {
			name []byte
			ok   func(k, v []byte) bool
		}{
			{bBodies, func(k, v []byte) bool {
				// A body's own bucket holds the body alone.
				own := bodies.Bucket(k)
				return len(k) == 8 && msgs.Get(k) != nil && (own == nil || own.Stats().KeyN == 1 && own.Get(kBody) != nil)
			}},
			{bDead, func(k, v []byte) bool { return len(k) == 8 && msgs.Get(k) != nil }},
			{bIdem, func(k, v []byte) bool { return len(v) == 8 && msgs.Get(v) != nil }},
		}
		if v1 {
			checks = append(checks, []struct {
				name []byte
				ok   func(k, v []byte) bool
			}{
				{bDueV1, func(k, v []byte) bool { return len(k) == 16 && msgs.Get(k[8:]) != nil }},
				{bDomDueV1, func(k, v []byte) bool { return len(k) > 16 && msgs.Get(k[len(k)-8:]) != nil }},
			}...)
		}
		for _, c := range checks {
			err := tx.Bucket(c.name).ForEach(func(k, v []byte) error {
				if !c.ok(k, v) {
					return bad("dangling entry in "+string(c.name), k)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// migrate moves an older database to the current layout: from 1 the
// due-time buckets go (the times are in the records); from 2 and 3 the
// arena bucket is added (bodies stored as values in the bodies bucket or
// in buckets of their own stay readable, getBody, until their messages
// go). Records stay in the format they were written in until they change.
func (s *Embedded) migrate() error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		switch string(meta.Get(kLayout)) {
		case layout:
			return nil
		case "": // layout 1
			for _, name := range [][]byte{bDueV1, bDomDueV1} {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
		}
		if _, err := tx.CreateBucketIfNotExists(bArena); err != nil {
			return err
		}
		s.log.Info("queue: moved the database to layout "+layout, "dir", s.dir)
		return meta.Put(kLayout, []byte(layout))
	})
	if err != nil {
		return fmt.Errorf("queue: migrating %s: %w", s.dir, err)
	}
	return nil
}

// load indexes the live messages in memory and removes body files that no
// record names: written by an enqueue that did not commit, or left by a
// removal cut short.
func (s *Embedded) load() error {
	s.sched = newSched()
	used := map[string]bool{}
	var places []place
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := s.arena.load(tx); err != nil {
			return err
		}
		return tx.Bucket(bMsgs).ForEach(func(k, v []byte) error {
			r, err := decodeRecord(v)
			if err != nil {
				return err
			}
			if r.File != "" {
				used[r.File] = true
			}
			if r.Chunk != 0 {
				places = append(places, r.place())
			}
			if !r.Dead {
				s.sched.add(binary.BigEndian.Uint64(k), &r.Message)
			}
			return nil
		})
	})
	if err == nil {
		err = s.arena.setFree(places)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	ents, err := os.ReadDir(filepath.Join(s.dir, bodiesDir))
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	for _, e := range ents {
		if !used[e.Name()] {
			s.log.Info("queue: removing orphaned body file", "file", e.Name())
			os.Remove(filepath.Join(s.dir, bodiesDir, e.Name()))
		}
	}
	for f := range used {
		if _, err := os.Stat(filepath.Join(s.dir, bodiesDir, f)); err != nil {
			return fmt.Errorf("%w: body file %s: %v", ErrCorrupt, f, err)
		}
	}
	return nil
}

// Close waits for pending operations and closes the database.
func (s *Embedded) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closed = true
	close(s.ops)
	s.mu.Unlock()
	s.sched.mu.Lock()
	close(s.sched.wake) // waiting lessees see the store closed
	s.sched.wake = make(chan struct{})
	s.sched.mu.Unlock()
	s.loop.Wait()
	s.file.Close()
	return s.db.Close()
}

// run hands o to the commit loop and waits for its commit. It counts
// itself out of coming, if given, once it has handed o over (or failed).
func (s *Embedded) run(ctx context.Context, o *op, coming ...*atomic.Int32) error {
	out := func() {
		for _, c := range coming {
			c.Add(-1)
		}
	}
	if err := ctx.Err(); err != nil {
		out()
		return err
	}
	o.done = make(chan error, 1)
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		out()
		return ErrClosed
	}
	s.ops <- o
	s.mu.RUnlock()
	out()
	// Once handed over the operation commits or fails on its own; waiting
	// for it (a commit takes milliseconds) keeps the answer truthful.
	return <-o.done
}

func (s *Embedded) commitLoop() {
	defer s.loop.Done()
	debug.SetPanicOnFault(true) // a damaged page fails the batch, not the process
	batch := make([]*op, 0, s.maxBatch)
	enqueued := false // the last batch had an enqueue
	for o := range s.ops {
		batch = append(batch[:0], o)
		var deadline <-chan time.Time
		hasEnqueue := o.enqueue
	gather:
		for len(batch) < s.maxBatch {
			select {
			case o, ok := <-s.ops:
				if !ok {
					break gather
				}
				batch = append(batch, o)
				hasEnqueue = hasEnqueue || o.enqueue
				continue
			default:
			}
			// Wait a moment for enqueues on their way (callers reading
			// their body), or when enqueues have been coming and this
			// batch has none (a lone producer's next one, which would
			// otherwise wait for this commit and then take one of its
			// own): a commit costs two fdatasyncs whatever it holds.
			if s.coming.Load() == 0 && (hasEnqueue || !enqueued) {
				break
			}
			if deadline == nil {
				deadline = time.After(300 * time.Microsecond)
			}
			select {
			case o, ok := <-s.ops:
				if !ok {
					break gather
				}
				batch = append(batch, o)
				hasEnqueue = hasEnqueue || o.enqueue
			case <-deadline:
				break gather
			}
		}
		enqueued = hasEnqueue
		s.commit(batch)
		if s.mapped >= s.trimAfter {
			s.mapped = 0
			s.trimMapping()
		}
	}
}

// commit runs a batch in one transaction (one fsync for all). If an
// operation's write fails the transaction is rolled back and each
// operation is run alone.
func (s *Embedded) commit(batch []*op) {
	errs := make([]error, len(batch))
	var abort error
	err := func() (err error) {
		// A damaged page met while committing fails the batch (bbolt rolls
		// the transaction back), not the process.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: %v", ErrCorrupt, r)
			}
		}()
		return s.db.Update(func(tx *bolt.Tx) error {
			for i, o := range batch {
				errs[i] = safeRun(o.fn, tx)
				var we writeError
				if errors.As(errs[i], &we) {
					abort = errs[i]
					return abort
				}
			}
			return nil
		})
	}()
	if abort != nil && len(batch) > 1 {
		for _, o := range batch {
			s.commit([]*op{o})
		}
		return
	}
	if err != nil {
		s.log.Error("queue: commit failed", "err", err, "ops", len(batch))
	}
	for i, o := range batch {
		e := errs[i]
		if err != nil {
			e = fmt.Errorf("queue: commit: %w", err)
		}
		switch {
		case e == nil && o.after != nil:
			o.after()
		case e != nil && o.undo != nil:
			o.undo()
		}
		o.done <- e
	}
	s.arena.release(s.released)
	s.released = s.released[:0]
}

func safeRun(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = writeError{fmt.Errorf("%w: %v", ErrCorrupt, r)}
		}
	}()
	return fn(tx)
}

// Keys.

func idKey(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

func formatID(k []byte) ID { return ID(fmt.Sprintf("%016x", k)) }

func parseID(id ID) ([]byte, error) {
	if len(id) != 16 {
		return nil, fmt.Errorf("%w: malformed ID %q", ErrNotFound, id)
	}
	k, err := hex.DecodeString(string(id))
	if err != nil {
		return nil, fmt.Errorf("%w: malformed ID %q", ErrNotFound, id)
	}
	return k, nil
}

func idemKey(e *Envelope) []byte {
	return []byte(e.Tenant + "\x00" + e.IdempotencyKey)
}

func put(tx *bolt.Tx, r *record, id []byte) error {
	b, err := encodeRecord(r)
	if err != nil {
		return err
	}
	return wr(tx.Bucket(bMsgs).Put(id, b))
}

func get(tx *bolt.Tx, id []byte) (*record, error) {
	v := tx.Bucket(bMsgs).Get(id)
	if v == nil {
		return nil, ErrNotFound
	}
	r, err := decodeRecord(v)
	if err != nil {
		return nil, fmt.Errorf("%w: message %x: %v", ErrCorrupt, id, err)
	}
	return r, nil
}

// Enqueue implements Store. A body that is a *bytes.Buffer of at most
// Options.InlineLimit bytes is stored from the buffer's bytes, without a
// copy (written into the arena, or handed to bbolt); like any body it is
// read to its end.
func (s *Embedded) Enqueue(ctx context.Context, env *Envelope, body io.Reader, now, next time.Time) (ID, error) {
	s.coming.Add(1)
	handed := false
	defer func() {
		if !handed {
			s.coming.Add(-1)
		}
	}()
	m, err := newMessage(env, now, next)
	if err != nil {
		return "", err
	}
	if body == nil {
		return "", fmt.Errorf("%w: nil body", ErrInvalidInput)
	}
	r := &record{Message: *m}

	// Read the body: small ones into memory, the rest to a fsynced file.
	// The buffer goes back to the pool once the commit (which reads it) is
	// done. A *bytes.Buffer within the limit is in memory already: its
	// bytes are stored as they are, without a copy (they do not change
	// before Enqueue returns, the caller's goroutine being here).
	var inline, buf []byte
	limit := max(s.inlineLimit, 0)
	if b, ok := inMemory(body, limit); ok {
		buf = b
	} else {
		bp := s.bufs.Get().(*[]byte)
		defer s.bufs.Put(bp)
		buf, err = readUpTo((*bp)[:0], body, int(limit)+1)
		*bp = buf
		if err != nil {
			return "", fmt.Errorf("queue: reading body: %w", err)
		}
	}
	n := len(buf)
	var arenaPlace place
	if n <= int(limit) && s.inlineLimit >= 0 {
		inline = buf[:n]
		r.Size, r.CRC = int64(n), crc32.Checksum(inline, castagnoli)
		if n >= s.ownBucket {
			// Into the arena, written now: durable with the commit.
			if arenaPlace, err = s.toArena(ctx, inline); err != nil {
				return "", err
			}
			r.Chunk, r.Page = arenaPlace.chunk, uint64(arenaPlace.page)
			inline = nil
		}
	} else {
		name, size, sum, err := s.writeBody(ctx, io.MultiReader(bytes.NewReader(buf[:n]), body))
		if err != nil {
			return "", err
		}
		r.File, r.Size, r.CRC = name, size, sum
	}
	file := r.File
	removeFile := func() { // no record names the body
		if file != "" {
			os.Remove(filepath.Join(s.dir, bodiesDir, file))
		}
		if arenaPlace.chunk != 0 {
			s.arena.free(arenaPlace.chunk, arenaPlace.page, arenaPlace.size)
		}
	}

	var id ID
	var k []byte
	var keep bool // the file belongs to a committed record
	o := &op{enqueue: true, fn: func(tx *bolt.Tx) error {
		keep = false
		if r.IdempotencyKey != "" {
			if v := tx.Bucket(bIdem).Get(idemKey(&r.Envelope)); v != nil {
				id = formatID(v)
				return nil
			}
		}
		msgs := tx.Bucket(bMsgs)
		seq, err := msgs.NextSequence()
		if err != nil {
			return wr(err)
		}
		k = idKey(seq)
		id = formatID(k)
		r.ID = id
		if err := put(tx, r, k); err != nil {
			return err
		}
		if inline != nil {
			if err := tx.Bucket(bBodies).Put(k, inline); err != nil {
				return wr(err)
			}
		}
		if r.IdempotencyKey != "" {
			if err := tx.Bucket(bIdem).Put(idemKey(&r.Envelope), k); err != nil {
				return wr(err)
			}
		}
		keep = true
		return nil
	}, after: func() {
		if keep {
			s.sched.mu.Lock()
			s.sched.add(binary.BigEndian.Uint64(k), &r.Message)
			s.sched.mu.Unlock()
		}
	}}
	handed = true
	err = s.run(ctx, o, &s.coming)
	if err != nil {
		removeFile()
		return "", err
	}
	if !keep {
		removeFile() // the idempotency key named an earlier message
	}
	return id, nil
}

// toArena writes body into free pages of the arena, making a chunk if
// none has room.
func (s *Embedded) toArena(ctx context.Context, body []byte) (place, error) {
	size := int64(len(body))
	update := func(fn func(*bolt.Tx) error) error { return s.run(ctx, &op{fn: fn}) }
	for {
		if c, page, ok := s.arena.alloc(size); ok {
			if _, err := s.file.WriteAt(body, s.arena.offset(c, page)); err != nil {
				s.arena.free(c.n, page, size)
				return place{}, fmt.Errorf("queue: writing body: %w", err)
			}
			return place{c.n, page, size}, nil
		}
		if err := s.arena.makeRoom(size, update, func(fn func(*bolt.Tx) error) error { return s.view(ctx, fn) }); err != nil {
			return place{}, err
		}
	}
}

// inMemory returns the bytes of a body that is a *bytes.Buffer of at most
// limit bytes, reading them; also when Queue.Enqueue has wrapped it in its
// size limit (limitReader), which would otherwise hide it and cost a copy
// of every message into a pooled buffer. A buffer over either limit is
// left to be read, which fails as a read of any other body does.
func inMemory(body io.Reader, limit int64) ([]byte, bool) {
	lr, wrapped := body.(*limitReader)
	if wrapped {
		body = lr.r
	}
	b, ok := body.(*bytes.Buffer)
	if !ok || int64(b.Len()) > limit || wrapped && int64(b.Len()) > lr.left {
		return nil, false
	}
	if wrapped {
		lr.left -= int64(b.Len())
	}
	return b.Next(b.Len()), true
}

// readUpTo appends to dst what r gives, up to n bytes (fewer: r ended),
// growing dst as it goes: a buffer for the largest body, not for the
// limit.
func readUpTo(dst []byte, r io.Reader, n int) ([]byte, error) {
	for len(dst) < n {
		if len(dst) == cap(dst) {
			dst = slices.Grow(dst, min(max(len(dst), 4096), n-len(dst)))
		}
		k, err := r.Read(dst[len(dst):min(cap(dst), n)])
		dst = dst[:len(dst)+k]
		if err == io.EOF {
			break
		}
		if err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// newMessage checks env and makes the message to store.
func newMessage(env *Envelope, now, next time.Time) (*Message, error) {
	if env == nil {
		return nil, ErrNoRecipients
	}
	e := *env
	e.Recipients = make([]Recipient, len(env.Recipients))
	for i, r := range env.Recipients {
		e.Recipients[i] = Recipient{Addr: r.Addr, Notify: r.Notify, ORcpt: r.ORcpt}
	}
	if err := e.Check(); err != nil {
		return nil, err
	}
	if next.IsZero() {
		next = now
	}
	return &Message{Envelope: e, Domain: e.DestDomain(), Created: now.UTC(), NextAttempt: next.UTC()}, nil
}

// writeBody streams a body to a new file and makes it durable.
func (s *Embedded) writeBody(ctx context.Context, body io.Reader) (string, int64, uint32, error) {
	name := randomToken()
	path := filepath.Join(s.dir, bodiesDir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", 0, 0, fmt.Errorf("queue: %w", err)
	}
	h := crc32.New(castagnoli)
	n, err := io.Copy(io.MultiWriter(f, h), ctxReader{ctx, body})
	if err != nil {
		f.Close()
		os.Remove(path)
		return "", 0, 0, fmt.Errorf("queue: reading body: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(filepath.Join(s.dir, bodiesDir))
	}
	if err != nil {
		os.Remove(path)
		return "", 0, 0, fmt.Errorf("queue: writing body: %w", err)
	}
	return name, n, h.Sum32(), nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("queue: syncing %s: %w", dir, err)
	}
	return nil
}

func randomToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Lease implements Store. It writes nothing to disk: leases live in
// memory (see Embedded).
func (s *Embedded) Lease(ctx context.Context, req LeaseRequest) ([]*Message, error) {
	if req.Duration <= 0 {
		return nil, fmt.Errorf("%w: lease duration %v", ErrInvalidInput, req.Duration)
	}
	if req.Max <= 0 {
		req.Max = 1
	}
	domain := strings.ToLower(req.Domain)
	start := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.mu.RLock()
		closed := s.closed
		s.mu.RUnlock()
		if closed {
			return nil, ErrClosed
		}
		token := randomToken()
		sc := s.sched
		sc.mu.Lock()
		es := sc.lease(&req, domain, token)
		attempts := make([]int, len(es))
		for i, e := range es {
			attempts[i] = e.leases
		}
		wake := sc.wake
		next, pending := sc.nextDue()
		sc.mu.Unlock()
		if len(es) > 0 {
			return s.leased(ctx, es, attempts, token, req.Now.Add(req.Duration).UTC())
		}
		wait := req.Wait - time.Since(start)
		if wait <= 0 {
			return nil, nil
		}
		if pending {
			wait = min(wait, max(next.Sub(req.Now), time.Millisecond))
		}
		t := time.NewTimer(wait)
		slept := time.Now()
		select {
		case <-wake:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		// The caller's clock moved on while we waited.
		req.Now = req.Now.Add(time.Since(slept))
	}
}

// leased reads the records of the messages just leased with token until
// end. Messages removed meanwhile are left out.
func (s *Embedded) leased(ctx context.Context, es []*entry, attempts []int, token string, end time.Time) ([]*Message, error) {
	out := make([]*Message, 0, len(es))
	err := s.view(ctx, func(tx *bolt.Tx) error {
		for i, e := range es {
			r, err := get(tx, idKey(e.id))
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			m := &r.Message
			m.Lease, m.LeaseExpires, m.NextAttempt = token, end, end
			m.Attempts += attempts[i]
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claim marks the entry of message n busy with o, out of the lease order,
// unless a lease runs past now. A message without an entry (dead or gone)
// gives nil: the record says which.
func (sc *sched) claim(n uint64, o *op, now time.Time) (*entry, error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e := sc.byID[n]
	if e == nil {
		return nil, nil
	}
	if (e.busy != nil && e.busy != o) || e.leasedAt(now.UnixNano()) {
		return nil, ErrLeased
	}
	e.busy = o
	sc.detach(e)
	return e, nil
}

// unclaim ends o's claim on e and puts e back in the lease order as it was.
func (sc *sched) unclaim(e *entry, o *op) {
	if e == nil {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if e.busy == o {
		e.busy = nil
		if !e.held {
			sc.attach(e)
		}
	}
}

// settle records a committed change to e: gone (finished), or due at next
// with no lease and its leases counted in the record.
func (sc *sched) settle(e *entry, finished bool, next time.Time, held bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e.busy = nil
	if finished {
		sc.remove(e)
		return
	}
	sc.setToken(e, "")
	e.leases = 0
	e.next = next.UnixNano()
	e.held = held
	if held {
		sc.detach(e)
	} else {
		sc.attach(e)
	}
}

// Complete implements Store.
func (s *Embedded) Complete(ctx context.Context, id ID, token string, now time.Time, outcomes []Outcome) error {
	k, err := parseID(id)
	if err != nil {
		return ErrLeaseLost
	}
	sc := s.sched
	claim := func(n uint64, o *op) (*entry, error) {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		e := sc.byID[n]
		if e == nil || token == "" || e.token != token || (e.busy != nil && e.busy != o) {
			return nil, ErrLeaseLost
		}
		e.busy = o
		sc.detach(e)
		return e, nil
	}
	return s.change(ctx, k, claim, ErrLeaseLost, ErrLeaseLost, func(m *Message) (bool, error) {
		return m.Apply(now.UTC(), outcomes)
	})
}

// change commits a change to a live message. claim takes the message's
// entry out of the lease order (or refuses the change; a nil entry means
// the record decides); apply changes the message and reports whether it is
// finished. A message not found fails with gone, a dead one with dead.
func (s *Embedded) change(ctx context.Context, k []byte, claim func(uint64, *op) (*entry, error), gone, dead error,
	apply func(*Message) (bool, error)) error {
	n := binary.BigEndian.Uint64(k)
	c := &changeOp{}
	o := &c.op
	o.fn = func(tx *bolt.Tx) error {
		var err error
		if c.e, err = claim(n, o); err != nil {
			return err
		}
		r, err := get(tx, k)
		if errors.Is(err, ErrNotFound) {
			return gone
		} else if err != nil {
			return err
		}
		if r.Dead {
			return dead
		}
		c.m = r.Message
		c.m.Recipients = append([]Recipient(nil), r.Recipients...)
		if c.e != nil {
			c.m.Attempts += c.e.leases
		}
		if c.finished, err = apply(&c.m); err != nil {
			return err
		}
		r.Message = c.m
		c.left = leftover{}
		return s.write(tx, r, k, c.finished, &c.left)
	}
	o.after = func() {
		if c.e != nil {
			s.sched.settle(c.e, c.finished, c.m.NextAttempt, c.m.Held)
		}
		s.cleanup(c.left)
	}
	o.undo = func() { s.sched.unclaim(c.e, o) }
	return s.run(ctx, o)
}

// changeOp is change's operation with what its steps share, in one
// allocation rather than one for each variable they would capture.
type changeOp struct {
	op
	e        *entry // the message's entry, claimed
	left     leftover
	finished bool
	m        Message // as changed
}

// write stores a changed record: deleted if finished and not dead (naming
// its body file or arena pages in *left for cleanup after the commit), in
// the dead-letter area if finished and dead, else kept.
func (s *Embedded) write(tx *bolt.Tx, r *record, k []byte, finished bool, left *leftover) error {
	switch {
	case finished && !r.Dead:
		*left = r.leftover()
		return s.deleteRecord(tx, r, k)
	case finished:
		if err := put(tx, r, k); err != nil {
			return err
		}
		return wr(tx.Bucket(bDead).Put(k, nil))
	}
	return put(tx, r, k)
}

// leftover is what a removed record leaves to clean up once its removal
// has committed: its body file or its pages in the arena.
type leftover struct {
	file  string
	place place
}

func (r *record) leftover() leftover {
	l := leftover{file: r.File}
	if r.Chunk != 0 {
		l.place = r.place()
	}
	return l
}

func (s *Embedded) cleanup(l leftover) {
	if l.file != "" {
		os.Remove(filepath.Join(s.dir, bodiesDir, l.file))
	}
	if l.place.chunk != 0 {
		s.released = append(s.released, l.place)
	}
}

// Cancel implements Store.
func (s *Embedded) Cancel(ctx context.Context, id ID, recipients []string, now time.Time) error {
	return s.control(ctx, id, now, func(m *Message) (bool, error) {
		return m.Cancel(now.UTC(), recipients)
	})
}

// control applies an operator's change (cancel, retry) to message id at
// now, through change: a message whose lease runs fails with ErrLeased, a
// missing one with ErrNotFound, a dead one with ErrInvalidInput.
func (s *Embedded) control(ctx context.Context, id ID, now time.Time, apply func(*Message) (bool, error)) error {
	k, err := parseID(id)
	if err != nil {
		return err
	}
	claim := func(n uint64, o *op) (*entry, error) { return s.sched.claim(n, o, now) }
	dead := fmt.Errorf("%w: message %s is dead", ErrInvalidInput, id)
	return s.change(ctx, k, claim, ErrNotFound, dead, apply)
}

// Hold implements Store.
func (s *Embedded) Hold(ctx context.Context, id ID, now time.Time) error {
	return s.setHeld(ctx, id, true, now)
}

// Release implements Store.
func (s *Embedded) Release(ctx context.Context, id ID) error {
	return s.setHeld(ctx, id, false, time.Time{})
}

func (s *Embedded) setHeld(ctx context.Context, id ID, held bool, now time.Time) error {
	k, err := parseID(id)
	if err != nil {
		return err
	}
	n := binary.BigEndian.Uint64(k)
	sc := s.sched
	var e *entry
	var m Message
	var changed bool
	o := &op{}
	o.fn = func(tx *bolt.Tx) error {
		changed = false
		r, err := get(tx, k)
		if err != nil {
			return err
		}
		if r.Dead {
			return fmt.Errorf("%w: message %s is dead", ErrInvalidInput, id)
		}
		if held {
			// A lease that ran out ends; one that runs refuses the hold.
			if e, err = sc.claim(n, o, now); err != nil {
				return err
			}
		}
		if r.Held == held {
			return nil
		}
		changed = true
		m = r.Message
		m.Held = held
		if e != nil {
			m.Attempts += e.leases
		}
		r.Message = m
		return put(tx, r, k)
	}
	o.after = func() {
		if !changed {
			sc.unclaim(e, o)
			return
		}
		if !held {
			sc.mu.Lock()
			e = sc.byID[n]
			sc.mu.Unlock()
		}
		if e != nil && (e.busy == o || e.busy == nil) {
			sc.settle(e, false, m.NextAttempt, held)
		}
	}
	o.undo = func() { sc.unclaim(e, o) }
	return s.run(ctx, o)
}

// deleteRecord removes a record, its inline body, idempotency key and dead
// mark; the caller has removed its due keys and removes its file.
func (s *Embedded) deleteRecord(tx *bolt.Tx, r *record, k []byte) error {
	if err := tx.Bucket(bMsgs).Delete(k); err != nil {
		return wr(err)
	}
	if r.Chunk == 0 && r.File == "" {
		if err := s.deleteBody(tx.Bucket(bBodies), k, r.Size); err != nil {
			return wr(err)
		}
	}
	if err := tx.Bucket(bDead).Delete(k); err != nil {
		return wr(err)
	}
	if r.IdempotencyKey != "" {
		ik := idemKey(&r.Envelope)
		if bytes.Equal(tx.Bucket(bIdem).Get(ik), k) {
			return wr(tx.Bucket(bIdem).Delete(ik))
		}
	}
	return nil
}

// getBody returns the inline body of message k (nil if none), a value in
// the bodies bucket or, as layout 3 kept a body of more than half a page,
// the only value (kBody) of a bucket of its own: bbolt puts at least two
// values in a leaf and writes a changed leaf whole, so large bodies
// sharing leaves were written again with every neighbour added or
// removed. Layout 4 puts those in the arena.
func getBody(bodies *bolt.Bucket, k []byte) []byte {
	if own := bodies.Bucket(k); own != nil {
		return own.Get(kBody)
	}
	return bodies.Get(k)
}

// deleteBody removes the inline body of message k, if any, of size
// bytes. Removing a body in a bucket of its own (layout 3) reads the page
// that starts it through the mapping, and the kernel maps the pages
// around it too (fault-around, 64 KiB); the commit loop counts them in
// s.mapped and drops them now and then (trimMapping).
func (s *Embedded) deleteBody(bodies *bolt.Bucket, k []byte, size int64) error {
	if bodies.Bucket(k) != nil {
		s.mapped += size
		return bodies.DeleteBucket(k)
	}
	return bodies.Delete(k)
}

// Body implements Store.
func (s *Embedded) Body(ctx context.Context, id ID) (io.ReadCloser, error) {
	k, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var rec *record
	var inline *pooledBody
	// The pages of an arena body are not given to another while read.
	s.arena.reading.RLock()
	err = s.view(ctx, func(tx *bolt.Tx) error {
		r, err := get(tx, k)
		if err != nil {
			return err
		}
		rec = r
		if r.File == "" {
			bp := s.bufs.Get().(*[]byte)
			inline = &pooledBody{s: s, bp: bp}
			if r.Chunk != 0 {
				*bp, err = s.arena.read(r.place(), (*bp)[:0])
			} else {
				*bp, err = s.readBody(tx.Bucket(bBodies), k, r.Size, (*bp)[:0])
			}
			if err != nil {
				inline.Close()
				return err
			}
			inline.Reset(*bp)
		}
		return nil
	})
	s.arena.reading.RUnlock()
	if err != nil {
		return nil, err
	}
	if inline != nil {
		if b := *inline.bp; int64(len(b)) != rec.Size || crc32.Checksum(b, castagnoli) != rec.CRC {
			inline.Close()
			return nil, fmt.Errorf("%w: body of message %s fails its checksum", ErrCorrupt, id)
		}
		return inline, nil
	}
	f, err := os.Open(filepath.Join(s.dir, bodiesDir, rec.File))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound // removed between the lookup and the open
	}
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return &checkedFile{f: f, id: id, h: crc32.New(castagnoli), left: rec.Size, sum: rec.CRC}, nil
}

// readBody appends the inline body of message k, not in the arena, to
// dst. A body in a bucket of its own (layout 3) is read from the file
// with pread, as arena bodies are, not through bbolt's
// mapping of it: reading through the mapping costs a page fault per page
// or two (about twice the time of pread's copy from the page cache here)
// and maps the pages into the process, where they stay counted as its
// memory until the mapping ends, so that a backlog read once grew the
// process by its size. The bucket's root page is the leaf that holds the
// body, whose place in the file it gives; the page is not changed or
// reused while the read transaction is open. A leaf that is not as
// layout 3 wrote it, or whose value is not the size the record gives, is
// read through the mapping (and Body's checksum then judges it).
func (s *Embedded) readBody(bodies *bolt.Bucket, k []byte, size int64, dst []byte) ([]byte, error) {
	own := bodies.Bucket(k)
	if own == nil {
		return append(dst, bodies.Get(k)...), nil
	}
	at, vsize, ok, err := valueAt(s.file, int64(s.db.Info().PageSize), own)
	if err != nil {
		return dst, err
	}
	if !ok || vsize != size {
		return append(dst, own.Get(kBody)...), nil
	}
	n := len(dst)
	dst = slices.Grow(dst, int(vsize))[:n+int(vsize)]
	if _, err := s.file.ReadAt(dst[n:], at); err != nil {
		return dst[:n], fmt.Errorf("queue: reading %s: %w", s.file.Name(), err)
	}
	return dst, nil
}

// pooledBody reads an inline body from a buffer of the store's pool,
// which Close gives back.
type pooledBody struct {
	bytes.Reader
	s  *Embedded
	bp *[]byte
}

func (b *pooledBody) Close() error {
	if b.bp != nil {
		b.Reset(nil)
		b.s.bufs.Put(b.bp)
		b.bp = nil
	}
	return nil
}

// checkedFile reads a body file and fails at its end if the size or
// checksum differs from the record's.
type checkedFile struct {
	f    *os.File
	id   ID
	h    hash.Hash32
	left int64
	sum  uint32
}

func (c *checkedFile) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.h.Write(p[:n])
	c.left -= int64(n)
	if err == io.EOF && (c.left != 0 || c.h.Sum32() != c.sum) {
		return n, fmt.Errorf("%w: body file of message %s fails its checksum", ErrCorrupt, c.id)
	}
	return n, err
}

func (c *checkedFile) Close() error { return c.f.Close() }

func (s *Embedded) view(ctx context.Context, fn func(*bolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: %v", ErrCorrupt, s.dir, r)
		}
	}()
	return s.db.View(fn)
}

// overlay sets the fields of m that live in memory: its lease and the
// leases not yet counted in its record.
func (s *Embedded) overlay(ms ...*Message) {
	sc := s.sched
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, m := range ms {
		if m.Dead {
			continue
		}
		k, err := parseID(m.ID)
		if err != nil {
			continue
		}
		e := sc.byID[binary.BigEndian.Uint64(k)]
		if e == nil {
			continue
		}
		m.Attempts += e.leases
		if e.token != "" {
			m.Lease, m.LeaseExpires = e.token, time.Unix(0, e.next).UTC()
			m.NextAttempt = m.LeaseExpires
		}
	}
}

// Get implements Store.
func (s *Embedded) Get(ctx context.Context, id ID) (*Message, error) {
	k, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var m *Message
	err = s.view(ctx, func(tx *bolt.Tx) error {
		r, err := get(tx, k)
		if err != nil {
			return err
		}
		m = &r.Message
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.overlay(m)
	return m, nil
}

// List implements Store.
func (s *Embedded) List(ctx context.Context, opts ListOptions) ([]*Message, error) {
	if opts.Limit <= 0 {
		opts.Limit = 100
	}
	var start []byte
	if opts.After != "" {
		k, err := parseID(opts.After)
		if err != nil {
			return nil, fmt.Errorf("%w: bad After", ErrInvalidInput)
		}
		start = append(k, 0) // just past After
	}
	domain := strings.ToLower(opts.Domain)
	var out []*Message
	err := s.view(ctx, func(tx *bolt.Tx) error {
		bucket := bMsgs
		if opts.Dead {
			bucket = bDead
		}
		c := tx.Bucket(bucket).Cursor()
		k, _ := c.First()
		if start != nil {
			k, _ = c.Seek(start)
		}
		for ; k != nil && len(out) < opts.Limit; k, _ = c.Next() {
			r, err := get(tx, k)
			if err != nil {
				return err
			}
			if r.Dead != opts.Dead || (opts.Held && !r.Held) || (domain != "" && r.Domain != domain) ||
				(opts.Tenant != "" && r.Tenant != opts.Tenant) {
				continue
			}
			out = append(out, &r.Message)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.overlay(out...)
	return out, nil
}

// Counts implements Store.
func (s *Embedded) Counts(ctx context.Context, now time.Time) (Counts, error) {
	c := Counts{ByDomain: map[string]int{}}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c.Dead = tx.Bucket(bDead).Stats().KeyN
		return nil
	})
	if err != nil {
		return c, err
	}
	t := now.UnixNano()
	sc := s.sched
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, e := range sc.byID {
		c.Queued++
		if e.domain != "" {
			c.ByDomain[e.domain]++
		}
		switch {
		case e.held:
			c.Held++
		case e.leasedAt(t):
			c.Leased++
		case e.next <= t:
			c.Due++
		}
	}
	return c, nil
}

// Remove implements Store.
func (s *Embedded) Remove(ctx context.Context, id ID) error {
	k, err := parseID(id)
	if err != nil {
		return err
	}
	var left leftover
	return s.run(ctx, &op{fn: func(tx *bolt.Tx) error {
		r, err := get(tx, k)
		if err != nil {
			return err
		}
		left = r.leftover()
		return s.deleteRecord(tx, r, k)
	}, after: func() {
		sc := s.sched
		sc.mu.Lock()
		if e := sc.byID[binary.BigEndian.Uint64(k)]; e != nil {
			sc.remove(e)
		}
		sc.mu.Unlock()
		s.cleanup(left)
	}})
}

// Requeue implements Store.
func (s *Embedded) Requeue(ctx context.Context, id ID, now time.Time) error {
	k, err := parseID(id)
	if err != nil {
		return err
	}
	var m Message
	return s.run(ctx, &op{fn: func(tx *bolt.Tx) error {
		r, err := get(tx, k)
		if err != nil {
			return err
		}
		if !r.Dead {
			return fmt.Errorf("%w: message %s is not dead", ErrInvalidInput, id)
		}
		revive(&r.Message, now)
		m = r.Message
		if err := put(tx, r, k); err != nil {
			return err
		}
		return wr(tx.Bucket(bDead).Delete(k))
	}, after: func() {
		s.sched.mu.Lock()
		s.sched.add(binary.BigEndian.Uint64(k), &m)
		s.sched.mu.Unlock()
	}})
}

// revive turns a dead message live again: failed recipients pending, due
// now, with a fresh lifetime (Created = now) so that it is not expired at
// its first retry.
func revive(m *Message, now time.Time) {
	for i := range m.Recipients {
		if m.Recipients[i].State == Failed {
			m.Recipients[i].State = Pending
		}
	}
	m.Dead = false
	m.Created = now.UTC()
	m.NextAttempt = now.UTC()
	m.Lease, m.LeaseExpires = "", time.Time{}
}

// String describes the store for logs.
func (s *Embedded) String() string { return "queue.Embedded(" + strconv.Quote(s.dir) + ")" }
