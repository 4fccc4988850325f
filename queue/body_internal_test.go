package queue

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	bolt "go.etcd.io/bbolt"
)

func openInternal(t *testing.T, dir string) *Embedded {
	t.Helper()
	s, err := Open(dir, &Options{InlineLimit: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// enqueueBodies enqueues one message per body, one commit each.
func enqueueBodies(t *testing.T, s *Embedded, now time.Time, bodies ...[]byte) []ID {
	t.Helper()
	var ids []ID
	for _, b := range bodies {
		id, err := s.Enqueue(context.Background(), &Envelope{Recipients: []Recipient{{Addr: "a@example.com"}}}, bytes.NewReader(b), now, now)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func readBody(t *testing.T, s *Embedded, id ID) []byte {
	t.Helper()
	rc, err := s.Body(context.Background(), id)
	if err != nil {
		t.Fatalf("Body(%s): %v", id, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading body %s: %v", id, err)
	}
	return b
}

func distinctBodies(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = bytes.Repeat([]byte{'a' + byte(i%26)}, size)
	}
	return out
}

// A large inline body costs bbolt no pages: it is written into the
// arena, so an enqueue commits its record alone, and its removal frees
// its pages for the next bodies without writing them.
func TestArenaBodies(t *testing.T) {
	s := openInternal(t, t.TempDir())
	const n, size = 16, 100 << 10
	now := time.Now()
	written := func() int64 { st := s.db.Stats(); return st.TxStats.GetPageAlloc() }
	chunks := func() int {
		s.arena.mu.Lock()
		defer s.arena.mu.Unlock()
		return len(s.arena.chunks)
	}

	made := 0
	for round := range 4 { // round 0 makes the chunks
		before := written()
		ids := enqueueBodies(t, s, now, distinctBodies(n, size)...)
		// The record, its leaf and the branch pages.
		if per := (written() - before) / n; round > 0 && per > 16<<10 {
			t.Errorf("round %d: an enqueue of a %d-byte body wrote %d bytes of pages, want at most %d", round, size, per, 16<<10)
		}
		for i, id := range ids {
			if got := readBody(t, s, id); !bytes.Equal(got, distinctBodies(n, size)[i]) {
				t.Fatalf("round %d: body %s differs", round, id)
			}
		}
		msgs, err := s.Lease(context.Background(), LeaseRequest{Now: now, Duration: time.Minute, Max: n})
		if err != nil || len(msgs) != n {
			t.Fatalf("Lease: %d messages, %v", len(msgs), err)
		}
		before = written()
		for _, m := range msgs {
			if err := s.Complete(context.Background(), m.ID, m.Lease, now, []Outcome{{Recipient: "a@example.com", State: Delivered,
				Attempt: delivery.Outcome{Status: delivery.Delivered, Stage: delivery.StageFinal, Code: 250, Time: now}}}); err != nil {
				t.Fatal(err)
			}
		}
		if per := (written() - before) / n; per > 16<<10 {
			t.Errorf("round %d: removing a %d-byte body wrote %d bytes of pages, want at most %d", round, size, per, 16<<10)
		}
		for _, id := range ids {
			if _, err := s.Body(context.Background(), id); err == nil {
				t.Errorf("body of completed message %s still readable", id)
			}
		}
		// The freed pages are used again: no chunk is made after the
		// first round.
		if round == 0 {
			made = chunks()
		} else if c := chunks(); c != made {
			t.Errorf("round %d: %d arena chunks, want the %d of round 0", round, c, made)
		}
	}
}

// toLegacy moves the arena bodies of s's messages to where layout 2
// (values of the bodies bucket) or 3 (buckets of their own) kept them,
// and marks the database with that layout.
func toLegacy(t *testing.T, s *Embedded, legacy string) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bBodies)
		err := tx.Bucket(bMsgs).ForEach(func(k, v []byte) error {
			r, err := decodeRecord(v)
			if err != nil || r.Chunk == 0 {
				return err
			}
			body, err := s.arena.read(r.place(), nil)
			if err != nil {
				return err
			}
			r.Chunk, r.Page = 0, 0
			enc, _ := encodeRecord(r)
			if err := tx.Bucket(bMsgs).Put(bytes.Clone(k), enc); err != nil {
				return err
			}
			if legacy == "2" {
				return b.Put(bytes.Clone(k), body)
			}
			own, err := b.CreateBucket(bytes.Clone(k))
			if err != nil {
				return err
			}
			return own.Put(kBody, body)
		})
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(bArena); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(kLayout, []byte(legacy))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Layouts 2 and 3 kept large inline bodies in the bodies bucket, as
// values or in buckets of their own; after Open moves the database to
// layout 4 they read, verify and go as before, beside bodies in the
// arena.
func TestLegacyBodies(t *testing.T) {
	for _, legacy := range []string{"2", "3"} {
		t.Run("layout"+legacy, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			bodies := distinctBodies(3, 50<<10)
			old := enqueueBodies(t, s, now, bodies...)
			toLegacy(t, s, legacy)
			s.Close()

			s = openInternal(t, dir)
			err = s.db.View(func(tx *bolt.Tx) error {
				if l := string(tx.Bucket(bMeta).Get(kLayout)); l != layout {
					t.Errorf("layout %q after Open, want %q", l, layout)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			newer := enqueueBodies(t, s, now, bodies[0])
			for i, id := range append(old, newer...) {
				if got := readBody(t, s, id); !bytes.Equal(got, bodies[i%len(bodies)]) {
					t.Errorf("body %s differs", id)
				}
			}
			for _, id := range append(old, newer...) {
				if err := s.Remove(context.Background(), id); err != nil {
					t.Fatalf("Remove(%s): %v", id, err)
				}
			}
			err = s.db.View(func(tx *bolt.Tx) error {
				if n := tx.Bucket(bBodies).Stats().KeyN; n != 0 {
					t.Errorf("%d bodies left after removing every message", n)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A *bytes.Buffer body is stored from its bytes when it is within the
// inline limit (and read to its end either way); over it, it goes to a
// file as any reader's would.
func TestEnqueueBytesBuffer(t *testing.T) {
	s := openInternal(t, t.TempDir())
	for _, size := range []int{0, 100 << 10, 256 << 10, 256<<10 + 1} {
		body := distinctBodies(1, size)[0]
		b := bytes.NewBuffer(bytes.Clone(body))
		id, err := s.Enqueue(context.Background(), &Envelope{Recipients: []Recipient{{Addr: "a@example.com"}}}, b, time.Now(), time.Now())
		if err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		if b.Len() != 0 {
			t.Errorf("%d bytes: %d left unread in the buffer", size, b.Len())
		}
		if got := readBody(t, s, id); !bytes.Equal(got, body) {
			t.Errorf("%d bytes: the body read back differs (%d bytes)", size, len(got))
		}
	}
}

// Through Queue.Enqueue, whose size limit wraps the body, a *bytes.Buffer
// is still stored from its own bytes, and the limit still holds.
func TestEnqueueBytesBufferThroughQueue(t *testing.T) {
	body := distinctBodies(1, 1000)[0]
	b := bytes.NewBuffer(bytes.Clone(body))
	own := &b.Bytes()[0]
	lr := &limitReader{r: b, left: 1000}
	got, ok := inMemory(lr, 4096)
	if !ok || &got[0] != own || !bytes.Equal(got, body) || lr.left != 0 || b.Len() != 0 {
		t.Errorf("inMemory within the limits: ok %v, own bytes %v, left %d, unread %d", ok, ok && &got[0] == own, lr.left, b.Len())
	}
	for _, c := range []struct{ left, limit int64 }{{999, 4096}, {1000, 999}} {
		b := bytes.NewBuffer(bytes.Clone(body))
		if _, ok := inMemory(&limitReader{r: b, left: c.left}, c.limit); ok || b.Len() != 1000 {
			t.Errorf("inMemory with %d left and a limit of %d: ok %v, %d bytes unread", c.left, c.limit, ok, b.Len())
		}
	}

	s := openInternal(t, t.TempDir())
	q := &Queue{Store: s, MaxSize: 1000}
	env := &Envelope{Recipients: []Recipient{{Addr: "a@example.com"}}}
	if _, err := q.Enqueue(context.Background(), env, bytes.NewBuffer(append(bytes.Clone(body), 'x'))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("1001 bytes with MaxSize 1000: %v, want ErrTooLarge", err)
	}
	id, err := q.Enqueue(context.Background(), env, bytes.NewBuffer(bytes.Clone(body)))
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, s, id); !bytes.Equal(got, body) {
		t.Errorf("the body read back differs (%d bytes)", len(got))
	}
}

// The pages of a completed message's body go to new bodies, but not while
// a Body read that found the old record runs: a read gives the body it
// asked for or ErrNotFound, never another body's bytes or a checksum
// failure.
func TestArenaReuseWhileReading(t *testing.T) {
	s := openInternal(t, t.TempDir())
	ctx := context.Background()
	const n, size = 300, 20 << 10
	type sent struct {
		id   ID
		body []byte
	}
	toRead := make(chan sent)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range toRead {
				for {
					rc, err := s.Body(ctx, m.id)
					if errors.Is(err, ErrNotFound) {
						break
					}
					if err != nil {
						t.Errorf("Body(%s): %v", m.id, err)
						break
					}
					got, err := io.ReadAll(rc)
					rc.Close()
					if err != nil || !bytes.Equal(got, m.body) {
						t.Errorf("Body(%s): %v, %d bytes, the body enqueued: %v", m.id, err, len(got), bytes.Equal(got, m.body))
						break
					}
				}
			}
		}()
	}
	now := time.Now()
	for i := range n {
		body := binary.BigEndian.AppendUint64(nil, uint64(i))
		body = bytes.Repeat(body, size/8+i%3)
		id := enqueueBodies(t, s, now, body)[0]
		msgs, err := s.Lease(ctx, LeaseRequest{Now: now, Duration: time.Minute, Max: 1})
		if err != nil || len(msgs) != 1 || msgs[0].ID != id {
			t.Fatalf("Lease: %d messages, %v", len(msgs), err)
		}
		toRead <- sent{id, body}
		if err := s.Complete(ctx, id, msgs[0].Lease, now, []Outcome{{Recipient: "a@example.com", State: Delivered,
			Attempt: delivery.Outcome{Status: delivery.Delivered, Stage: delivery.StageFinal, Code: 250, Time: now}}}); err != nil {
			t.Fatal(err)
		}
	}
	close(toRead)
	wg.Wait()
}

// Open refuses a database whose records place two bodies on one page of
// the arena, or a body outside it.
func TestOpenArenaPlaces(t *testing.T) {
	for _, tc := range []struct {
		name string
		move func(r *record, first *record)
	}{
		{"shared page", func(r, first *record) { r.Page = first.Page }}, // the same bytes: only the overlap is wrong
		{"outside the chunk", func(r, first *record) { r.Page = minChunk - 1 }},
		{"no such chunk", func(r, first *record) { r.Chunk = 9 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			body := distinctBodies(1, 30<<10)[0]
			enqueueBodies(t, s, time.Now(), body, body)
			err = s.db.Update(func(tx *bolt.Tx) error {
				msgs := tx.Bucket(bMsgs)
				k1, v1 := msgs.Cursor().First()
				first, err := decodeRecord(v1)
				if err != nil {
					return err
				}
				k2, v2 := msgs.Cursor().Last()
				r, err := decodeRecord(v2)
				if err != nil || bytes.Equal(k1, k2) {
					return fmt.Errorf("two records: %v", err)
				}
				tc.move(r, first)
				enc, _ := encodeRecord(r)
				return msgs.Put(bytes.Clone(k2), enc)
			})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			s, err = Open(dir, nil)
			if !errors.Is(err, ErrCorrupt) {
				if err == nil {
					s.Close()
				}
				t.Fatalf("Open: %v, want ErrCorrupt", err)
			}
			t.Log(err)
		})
	}
}
