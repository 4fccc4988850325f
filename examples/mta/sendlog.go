package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sendLog remembers, for each VERP return path handed out, which message
// and recipient it was for and whose message it was (tenant, campaign),
// for as long as a bounce to it can come back (verp.Codec.MaxAge, 7 days,
// and a day more): bounces arrive after the queue has let go of the
// message, and a bounce's tag carries the recipient only as a key. The
// return path's listener asks it for the recipient a bounce does not name
// (returnpath.Server.Lookup) and for the tenant of every bounce, whose
// suppression list it goes to.
//
// It is a bbolt file (send_log_dir/sendlog.db) with one bucket per UTC
// day of sending, keyed by queue ID and recipient, so that a lookup is a
// seek whatever the volume, and a day's records are dropped at once when
// it has passed. Records are written in the background, every
// sendLogFlush and at close, in one transaction (one commit, two
// fdatasyncs) for all the deliveries of that time: a delivery never waits
// for a disk write, and a crash loses at most the last sendLogFlush of
// records, whose bounces are then matched only when they name their
// recipient, and suppressed for no tenant (logged). Until they are written
// they are found in memory.
type sendLog struct {
	db   *bolt.DB
	keep time.Duration // how long a day's records are kept after the day ends
	log  *slog.Logger

	mu      sync.Mutex
	pending []sendRecord // not yet written
	lastErr error        // of the last write, logged once
	dropped int          // records dropped since the last report

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// sendRecord is one return path handed out: the message, the recipient
// and the message's tenant and campaign, sent at Time.
type sendRecord struct {
	ID       string // queue ID
	Rcpt     string
	Tenant   string
	Campaign string
	Time     time.Time
}

// sendLogFlush is how often the records of recent deliveries are written.
const sendLogFlush = 250 * time.Millisecond

const sendLogFile = "sendlog.db"

// openSendLog opens (or makes) the log in dir, keeping each day's records
// for keep after the day.
func openSendLog(dir string, keep time.Duration, log *slog.Logger) (*sendLog, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("send log: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, sendLogFile), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("send log: %w", err)
	}
	l := &sendLog{db: db, keep: keep, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	return l, nil
}

// maxPending bounds the records held while the file cannot be written.
const maxPending = 1 << 20

// add remembers r; it is written within sendLogFlush. While the file
// cannot be written, past maxPending records, it is dropped and counted.
func (l *sendLog) add(r sendRecord) {
	l.mu.Lock()
	if len(l.pending) < maxPending {
		l.pending = append(l.pending, r)
	} else {
		l.dropped++
	}
	l.mu.Unlock()
}

// run writes what was added every sendLogFlush and drops the days that
// have passed, until close.
func (l *sendLog) run() {
	defer close(l.done)
	t := time.NewTicker(sendLogFlush)
	defer t.Stop()
	var pruned time.Time
	for {
		select {
		case <-l.stop:
			l.flush()
			return
		case now := <-t.C:
			l.flush()
			if now.Sub(pruned) > time.Hour {
				pruned = now
				if err := l.prune(now); err != nil {
					l.log.Warn("send log: dropping old days", "err", err)
				}
			}
		}
	}
}

// flush writes the pending records in one transaction. On failure they
// stay pending, to be written by the next flush.
func (l *sendLog) flush() {
	l.mu.Lock()
	recs := l.pending
	l.mu.Unlock()
	if len(recs) == 0 {
		return
	}
	err := l.db.Update(func(tx *bolt.Tx) error {
		for _, r := range recs {
			b, err := tx.CreateBucketIfNotExists(dayKey(r.Time))
			if err != nil {
				return err
			}
			if err := b.Put(recordKey(r.ID, r.Rcpt), recordValue(&r)); err != nil {
				return err
			}
		}
		return nil
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		if l.lastErr == nil {
			l.log.Error("send log: writing", "records", len(recs), "err", err)
		}
		l.lastErr = err
		return
	}
	if l.lastErr != nil {
		l.log.Info("send log: writing again", "dropped", l.dropped)
		l.lastErr, l.dropped = nil, 0
	}
	// Added meanwhile stay; the written go (add only appends).
	l.pending = append(l.pending[:0:0], l.pending[len(recs):]...)
}

// prune drops the days whose records are older than keep.
func (l *sendLog) prune(now time.Time) error {
	oldest := dayKey(now.Add(-l.keep - 24*time.Hour))
	return l.db.Update(func(tx *bolt.Tx) error {
		var old [][]byte
		err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if bytes.Compare(name, oldest) < 0 {
				old = append(old, bytes.Clone(name))
			}
			return nil
		})
		for _, name := range old {
			if err == nil {
				err = tx.DeleteBucket(name)
			}
		}
		return err
	})
}

// find returns the records of message id sent during the hour that
// begins at hour (a VERP tag's Issued time), and in the hour after it (a
// record is written with the time of its send, a tag with that time
// truncated to the hour), written or pending.
func (l *sendLog) find(id string, hour time.Time) ([]sendRecord, error) {
	from, to := hour, hour.Add(2*time.Hour)
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	var out []sendRecord
	l.mu.Lock()
	for _, r := range l.pending {
		if r.ID == id && in(r.Time) {
			out = append(out, r)
		}
	}
	l.mu.Unlock()
	prefix := recordKey(id, "")
	err := l.db.View(func(tx *bolt.Tx) error {
		days := [][]byte{dayKey(from)}
		if last := dayKey(to.Add(-time.Nanosecond)); !bytes.Equal(last, days[0]) {
			days = append(days, last)
		}
		for _, day := range days {
			b := tx.Bucket(day)
			if b == nil {
				continue
			}
			c := b.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				r, err := decodeRecord(id, k[len(prefix):], v)
				if err != nil {
					return err
				}
				if in(r.Time) {
					out = append(out, r)
				}
			}
		}
		return nil
	})
	return out, err
}

// close writes what is pending and closes the file; later calls return
// what the first did.
func (l *sendLog) close() error {
	l.closeOnce.Do(func() {
		close(l.stop)
		<-l.done
		l.mu.Lock()
		left, err := len(l.pending), l.lastErr
		l.mu.Unlock()
		l.closeErr = l.db.Close()
		if left > 0 {
			l.closeErr = fmt.Errorf("send log: %d records not written: %w", left, err)
		}
	})
	return l.closeErr
}

func dayKey(t time.Time) []byte { return []byte(t.UTC().Format(time.DateOnly)) }

// recordKey is the queue ID, a NUL and the recipient: a message's
// recipients are next to each other.
func recordKey(id, rcpt string) []byte {
	return append(append(append(make([]byte, 0, len(id)+1+len(rcpt)), id...), 0), rcpt...)
}

// recordValue is the send time (Unix nanoseconds, a varint), then the
// tenant and the campaign, each a uvarint length and its bytes.
func recordValue(r *sendRecord) []byte {
	b := binary.AppendVarint(nil, r.Time.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(r.Tenant)))
	b = append(b, r.Tenant...)
	b = binary.AppendUvarint(b, uint64(len(r.Campaign)))
	return append(b, r.Campaign...)
}

var errBadRecord = errors.New("send log: malformed record")

func decodeRecord(id string, rcpt, v []byte) (sendRecord, error) {
	r := sendRecord{ID: id, Rcpt: string(rcpt)}
	t, n := binary.Varint(v)
	if n <= 0 {
		return r, errBadRecord
	}
	r.Time = time.Unix(0, t).UTC()
	v = v[n:]
	for _, s := range []*string{&r.Tenant, &r.Campaign} {
		l, n := binary.Uvarint(v)
		if n <= 0 || l > uint64(len(v)-n) {
			return r, errBadRecord
		}
		*s = string(v[n : n+int(l)])
		v = v[n+int(l):]
	}
	return r, nil
}
