package suppression

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterr "go.etcd.io/bbolt/errors"
)

// Embedded is a Store in a bbolt file, for one process. Open it with Open.
type Embedded struct {
	db *bolt.DB
}

var _ Store = (*Embedded)(nil)

var (
	bEntries = []byte("entries") // tenant 0 address -> JSON entry
	bSoft    = []byte("soft")    // tenant 0 address -> big-endian Unix milliseconds, oldest first
	bMeta    = []byte("meta")
	kMagic   = []byte("magic")
	magic    = []byte("mxkit-suppression-1")
)

// Open opens (creating it if needed) the embedded store in the file at
// path. A file that is not a suppression store fails; a file another
// process has open fails after one second.
func Open(path string) (*Embedded, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("suppression: %w", err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolterr.ErrTimeout) {
			return nil, fmt.Errorf("suppression: %s is open in another process: %w", path, err)
		}
		return nil, fmt.Errorf("suppression: opening %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta == nil {
			if tx.Bucket(bEntries) != nil || len(bucketNames(tx)) > 0 {
				return fmt.Errorf("suppression: %s is not a suppression store", path)
			}
			var err error
			if meta, err = tx.CreateBucket(bMeta); err != nil {
				return err
			}
			if err := meta.Put(kMagic, magic); err != nil {
				return err
			}
		} else if !bytes.Equal(meta.Get(kMagic), magic) {
			return fmt.Errorf("suppression: %s is not a suppression store (or a newer format)", path)
		}
		for _, b := range [][]byte{bEntries, bSoft} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Embedded{db: db}, nil
}

func bucketNames(tx *bolt.Tx) []string {
	var names []string
	tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		names = append(names, string(name))
		return nil
	})
	return names
}

func dbKey(tenant, addr string) []byte {
	k := make([]byte, 0, len(tenant)+1+len(addr))
	k = append(k, tenant...)
	k = append(k, 0)
	return append(k, addr...)
}

// Close closes the file.
func (s *Embedded) Close() error { return s.db.Close() }

// Put stores entries in one transaction.
func (s *Embedded) Put(ctx context.Context, entries ...Entry) error {
	vals := make([][]byte, len(entries))
	for i := range entries {
		e := entries[i]
		if err := e.Check(); err != nil {
			return err
		}
		v, err := json.Marshal(&e)
		if err != nil {
			return fmt.Errorf("suppression: %w", err)
		}
		vals[i] = v
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bEntries)
		for i := range entries {
			if err := b.Put(dbKey(entries[i].Tenant, entries[i].Address), vals[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Delete removes one entry.
func (s *Embedded) Delete(ctx context.Context, tenant, addr string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bEntries)
		k := dbKey(tenant, addr)
		if b.Get(k) == nil {
			return ErrNotFound
		}
		return b.Delete(k)
	})
}

// Get returns one entry.
func (s *Embedded) Get(ctx context.Context, tenant, addr string) (Entry, error) {
	var e Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bEntries).Get(dbKey(tenant, addr))
		if v == nil {
			return ErrNotFound
		}
		return decode(v, &e)
	})
	return e, err
}

func decode(v []byte, e *Entry) error {
	if err := json.Unmarshal(v, e); err != nil {
		return fmt.Errorf("suppression: damaged entry: %w", err)
	}
	return nil
}

// Scan calls fn for every entry, in key order. fn runs inside a read
// transaction: it must not write to the store.
func (s *Embedded) Scan(ctx context.Context, fn func(Entry) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bEntries).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var e Entry
			if err := decode(v, &e); err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// Purge removes the entries expired at now.
func (s *Embedded) Purge(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bEntries)
		var dead [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var e Entry
			if err := decode(v, &e); err != nil {
				return err
			}
			if e.Expired(now) {
				dead = append(dead, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	return n, err
}

// maxSoft bounds the soft failures kept per address.
const maxSoft = 64

// CountSoft records a soft failure and counts those in the window.
func (s *Embedded) CountSoft(ctx context.Context, tenant, addr string, t time.Time, window time.Duration) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSoft)
		k := dbKey(tenant, addr)
		old := b.Get(k)
		from := t.Add(-window).UnixMilli()
		kept := make([]byte, 0, len(old)+8)
		for i := 0; i+8 <= len(old); i += 8 {
			if ms := int64(binary.BigEndian.Uint64(old[i:])); ms > from {
				kept = append(kept, old[i:i+8]...)
			}
		}
		kept = binary.BigEndian.AppendUint64(kept, uint64(t.UnixMilli()))
		if len(kept) > maxSoft*8 {
			kept = kept[len(kept)-maxSoft*8:]
		}
		n = len(kept) / 8
		return b.Put(k, kept)
	})
	return n, err
}
