package tlsrpt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Store keeps what an Aggregator needs across restarts: for each UTC day,
// an append-only list of records (the counts of each Flush, and the
// delivery attempts of the day's reports). Records are opaque single-line
// byte strings. Implementations must be safe for concurrent use;
// [DirStore] keeps them in files.
type Store interface {
	// Append adds records to day's list, all or none.
	Append(ctx context.Context, day time.Time, records [][]byte) error
	// Replace sets day's list to records, all or none: the Aggregator
	// merges a day's records from time to time.
	Replace(ctx context.Context, day time.Time, records [][]byte) error
	// Read returns day's records in the order appended; none for a day
	// without any.
	Read(ctx context.Context, day time.Time) ([][]byte, error)
	// Days returns the days that have records, in any order.
	Days(ctx context.Context) ([]time.Time, error)
	// Remove deletes day's records.
	Remove(ctx context.Context, day time.Time) error
}

// DirStore is a Store of files in the directory Dir, one per day named
// 2006-01-02.jsonl, one record a line. Each Append is written with one
// write and synced to disk before it returns; a line cut short by a crash
// is ignored when read. Replace writes a new file and renames it over the
// old one. Dir is created when missing.
type DirStore struct {
	Dir string

	mu sync.Mutex
}

const dayFileExt = ".jsonl"

func (s *DirStore) path(day time.Time) string {
	return filepath.Join(s.Dir, dayOf(day).Format(time.DateOnly)+dayFileExt)
}

// lock joins records one a line and locks the store, Dir made; the
// caller unlocks s.mu when there is no error.
func (s *DirStore) lock(records [][]byte) ([]byte, error) {
	var buf bytes.Buffer
	for _, r := range records {
		if bytes.ContainsAny(r, "\r\n") {
			return nil, errors.New("tlsrpt: a record holds a line break")
		}
		buf.Write(r)
		buf.WriteByte('\n')
	}
	s.mu.Lock()
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	return buf.Bytes(), nil
}

// Append implements Store.
func (s *DirStore) Append(ctx context.Context, day time.Time, records [][]byte) error {
	out, err := s.lock(records)
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	f, err := os.OpenFile(s.path(day), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	// After a crash in the middle of a write the file may end in a line
	// cut short: end it, so that it does not swallow the first new one.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err != nil {
			return err
		}
		if last[0] != '\n' {
			out = append([]byte{'\n'}, out...)
		}
	}
	if _, err := f.Write(out); err != nil {
		return err
	}
	return f.Sync()
}

// Replace implements Store: it writes a new file, syncs it and renames it
// over the old one.
func (s *DirStore) Replace(ctx context.Context, day time.Time, records [][]byte) error {
	data, err := s.lock(records)
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	f, err := os.CreateTemp(s.Dir, ".replace-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing to remove
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.path(day))
	}
	if err != nil {
		return err
	}
	if d, err := os.Open(s.Dir); err == nil {
		d.Sync() // the rename, on file systems that need it
		d.Close()
	}
	return nil
}

// Read implements Store.
func (s *DirStore) Read(ctx context.Context, day time.Time) ([][]byte, error) {
	data, err := os.ReadFile(s.path(day))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for len(data) > 0 {
		line, rest, ok := bytes.Cut(data, []byte{'\n'})
		if !ok {
			break // cut short by a crash
		}
		if len(line) > 0 {
			out = append(out, line)
		}
		data = rest
	}
	return out, nil
}

// Days implements Store.
func (s *DirStore) Days(ctx context.Context) ([]time.Time, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var days []time.Time
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), dayFileExt)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if d, err := time.Parse(time.DateOnly, name); err == nil {
			days = append(days, d)
		}
	}
	return days, nil
}

// Remove implements Store.
func (s *DirStore) Remove(ctx context.Context, day time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := os.Remove(s.path(day))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// memStore is the Store of an Aggregator without one.
type memStore struct {
	mu   sync.Mutex
	days map[time.Time][][]byte
}

func (m *memStore) Append(_ context.Context, day time.Time, records [][]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.days == nil {
		m.days = map[time.Time][][]byte{}
	}
	day = dayOf(day)
	for _, r := range records {
		m.days[day] = append(m.days[day], slices.Clone(r))
	}
	return nil
}

func (m *memStore) Replace(_ context.Context, day time.Time, records [][]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.days == nil {
		m.days = map[time.Time][][]byte{}
	}
	cp := make([][]byte, len(records))
	for i, r := range records {
		cp[i] = slices.Clone(r)
	}
	m.days[dayOf(day)] = cp
	return nil
}

func (m *memStore) Read(_ context.Context, day time.Time) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.days[dayOf(day)]), nil
}

func (m *memStore) Days(context.Context) ([]time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var days []time.Time
	for d := range m.days {
		days = append(days, d)
	}
	return days, nil
}

func (m *memStore) Remove(_ context.Context, day time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.days, dayOf(day))
	return nil
}

var _, _ Store = (*DirStore)(nil), (*memStore)(nil)
