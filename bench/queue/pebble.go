package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/mxkit/mxkit/queue"
)

// pebbleStore is the same cycle on Pebble, the LSM the issue names as the
// other candidate engine: envelope, body and due-index entries in one
// batch committed with pebble.Sync (Pebble's commit pipeline groups
// concurrent synced batches into one WAL fsync, as the embedded store's
// commit loop does for bbolt). One leaser at a time stands in for the
// transactions Pebble does not have. It implements just what the cycle
// uses.
type pebbleStore struct {
	db  *pebble.DB
	seq atomic.Uint64
	mu  sync.Mutex // serialises leases
}

func openPebble(dir string) (*pebbleStore, error) {
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietLogger{}})
	if err != nil {
		return nil, err
	}
	return &pebbleStore{db: db}, nil
}

func pkey(prefix byte, parts ...uint64) []byte {
	k := []byte{prefix}
	for _, p := range parts {
		k = binary.BigEndian.AppendUint64(k, p)
	}
	return k
}

func (s *pebbleStore) Enqueue(ctx context.Context, env *queue.Envelope, body io.Reader, now, next time.Time) (queue.ID, error) {
	id := s.seq.Add(1)
	b, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	envJSON, _ := json.Marshal(env)
	batch := s.db.NewBatch()
	batch.Set(pkey('m', id), envJSON, nil)
	batch.Set(pkey('b', id), b, nil)
	batch.Set(pkey('d', uint64(next.UnixNano()), id), nil, nil)
	if err := batch.Commit(pebble.Sync); err != nil {
		return "", err
	}
	return queue.ID(fmt.Sprint(id)), nil
}

func (s *pebbleStore) Lease(ctx context.Context, req queue.LeaseRequest) ([]*queue.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{'d'}, UpperBound: pkey('d', uint64(req.Now.UnixNano())+1)})
	if err != nil {
		return nil, err
	}
	exp := uint64(req.Now.Add(req.Duration).UnixNano())
	batch := s.db.NewBatch()
	var out []*queue.Message
	for it.First(); it.Valid() && len(out) < req.Max; it.Next() {
		k := bytes.Clone(it.Key())
		id := binary.BigEndian.Uint64(k[9:])
		v, closer, err := s.db.Get(pkey('m', id))
		if err != nil {
			it.Close()
			return nil, err
		}
		m := &queue.Message{ID: queue.ID(fmt.Sprint(id)), Lease: hex.EncodeToString(binary.BigEndian.AppendUint64(nil, exp))}
		err = json.Unmarshal(v, &m.Envelope)
		closer.Close()
		if err != nil {
			it.Close()
			return nil, err
		}
		batch.Delete(k, nil)
		batch.Set(pkey('d', exp, id), nil, nil)
		out = append(out, m)
	}
	it.Close()
	if err := batch.Commit(pebble.Sync); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *pebbleStore) Body(ctx context.Context, id queue.ID) (io.ReadCloser, error) {
	var n uint64
	fmt.Sscan(string(id), &n)
	v, closer, err := s.db.Get(pkey('b', n))
	if err != nil {
		return nil, err
	}
	b := bytes.Clone(v)
	closer.Close()
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (s *pebbleStore) Complete(ctx context.Context, id queue.ID, token string, now time.Time, outcomes []queue.Outcome) error {
	var n uint64
	fmt.Sscan(string(id), &n)
	expb, err := hex.DecodeString(token)
	if err != nil || len(expb) != 8 {
		return queue.ErrLeaseLost
	}
	batch := s.db.NewBatch()
	batch.Delete(pkey('m', n), nil)
	batch.Delete(pkey('b', n), nil)
	batch.Delete(pkey('d', binary.BigEndian.Uint64(expb), n), nil)
	return batch.Commit(pebble.Sync)
}

func (s *pebbleStore) Get(context.Context, queue.ID) (*queue.Message, error) { return nil, errNo }
func (s *pebbleStore) List(context.Context, queue.ListOptions) ([]*queue.Message, error) {
	return nil, errNo
}
func (s *pebbleStore) Counts(context.Context, time.Time) (queue.Counts, error) {
	return queue.Counts{}, errNo
}
func (s *pebbleStore) Remove(context.Context, queue.ID) error                      { return errNo }
func (s *pebbleStore) Requeue(context.Context, queue.ID, time.Time) error          { return errNo }
func (s *pebbleStore) Cancel(context.Context, queue.ID, []string, time.Time) error { return errNo }
func (s *pebbleStore) Hold(context.Context, queue.ID, time.Time) error             { return errNo }
func (s *pebbleStore) Release(context.Context, queue.ID) error                     { return errNo }
func (s *pebbleStore) Close() error                                                { return s.db.Close() }

type quietLogger struct{}

func (quietLogger) Infof(string, ...any)      {}
func (quietLogger) Errorf(f string, a ...any) { log.Printf(f, a...) }
func (quietLogger) Fatalf(f string, a ...any) { log.Fatalf(f, a...) }
