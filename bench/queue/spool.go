package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mxkit/mxkit/queue"
)

// spool is the naive peer: a maildir-style spool. Each message is one file
// (envelope line, then body) written to tmp/, fsynced and renamed into
// new/; a lease renames it into cur/ (the rename is the claim); completion
// unlinks it. One fsync per message. It implements just what the cycle
// uses.
type spool struct {
	dir string
	seq atomic.Int64
	mu  sync.Mutex // one lister at a time, as a single queue manager would
}

func openSpool(dir string) (*spool, error) {
	for _, d := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	return &spool{dir: dir}, nil
}

func (s *spool) Enqueue(ctx context.Context, env *queue.Envelope, body io.Reader, now, next time.Time) (queue.ID, error) {
	id := fmt.Sprintf("%d.%d", now.UnixNano(), s.seq.Add(1))
	tmp := filepath.Join(s.dir, "tmp", id)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	hdr, _ := json.Marshal(env)
	f.Write(append(hdr, '\n'))
	if _, err := io.Copy(f, body); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	f.Close()
	if err := os.Rename(tmp, filepath.Join(s.dir, "new", id)); err != nil {
		return "", err
	}
	return queue.ID(id), nil
}

func (s *spool) Lease(ctx context.Context, req queue.LeaseRequest) ([]*queue.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := os.Open(filepath.Join(s.dir, "new"))
	if err != nil {
		return nil, err
	}
	names, _ := d.Readdirnames(req.Max)
	d.Close()
	var out []*queue.Message
	for _, n := range names {
		if err := os.Rename(filepath.Join(s.dir, "new", n), filepath.Join(s.dir, "cur", n)); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, "cur", n))
		if err != nil {
			return nil, err
		}
		line, _, _ := bytes.Cut(b, []byte("\n"))
		m := &queue.Message{ID: queue.ID(n), Lease: n}
		if err := json.Unmarshal(line, &m.Envelope); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *spool) Body(ctx context.Context, id queue.ID) (io.ReadCloser, error) {
	f, err := os.Open(filepath.Join(s.dir, "cur", string(id)))
	if err != nil {
		return nil, err
	}
	// Skip the envelope line.
	var one [1]byte
	for {
		if _, err := f.Read(one[:]); err != nil || one[0] == '\n' {
			break
		}
	}
	return f, nil
}

func (s *spool) Complete(ctx context.Context, id queue.ID, token string, now time.Time, outcomes []queue.Outcome) error {
	return os.Remove(filepath.Join(s.dir, "cur", string(id)))
}

func (s *spool) Get(context.Context, queue.ID) (*queue.Message, error) { return nil, errNo }
func (s *spool) List(context.Context, queue.ListOptions) ([]*queue.Message, error) {
	return nil, errNo
}
func (s *spool) Counts(context.Context, time.Time) (queue.Counts, error) {
	return queue.Counts{}, errNo
}
func (s *spool) Remove(context.Context, queue.ID) error                      { return errNo }
func (s *spool) Requeue(context.Context, queue.ID, time.Time) error          { return errNo }
func (s *spool) Cancel(context.Context, queue.ID, []string, time.Time) error { return errNo }
func (s *spool) Hold(context.Context, queue.ID, time.Time) error             { return errNo }
func (s *spool) Release(context.Context, queue.ID) error                     { return errNo }
func (s *spool) Close() error                                                { return nil }

var errNo = fmt.Errorf("spool: %s", strings.ToLower("not implemented by the benchmark peer"))
