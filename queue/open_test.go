package queue_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mxkit/mxkit/queue"
)

func fillQueue(t *testing.T, dir string, n int) {
	t.Helper()
	s, err := queue.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e := &queue.Envelope{Recipients: []queue.Recipient{{Addr: "a@example.com"}}}
		size := 3000
		if i%5 == 0 {
			size = 100 << 10 // a body file
		}
		if _, err := s.Enqueue(context.Background(), e, strings.NewReader(strings.Repeat("x", size)), time.Now(), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesWhatIsNotAQueue(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path to open
	}{
		{"path is a file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "q")
			os.WriteFile(p, []byte("hello"), 0o600)
			return p
		}},
		{"directory with other files", func(t *testing.T, dir string) string {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600)
			return dir
		}},
		{"queue.db is text", func(t *testing.T, dir string) string {
			os.WriteFile(filepath.Join(dir, "queue.db"), []byte(strings.Repeat("not a database\n", 1000)), 0o600)
			return dir
		}},
		{"queue.db is empty", func(t *testing.T, dir string) string {
			os.WriteFile(filepath.Join(dir, "queue.db"), nil, 0o600)
			return dir
		}},
		{"queue.db is another bbolt database", func(t *testing.T, dir string) string {
			db, err := bolt.Open(filepath.Join(dir, "queue.db"), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("users")); return err })
			db.Close()
			return dir
		}},
		{"queue.db missing but bodies present", func(t *testing.T, dir string) string {
			fillQueue(t, dir, 6)
			os.Remove(filepath.Join(dir, "queue.db"))
			return dir
		}},
		{"body file missing", func(t *testing.T, dir string) string {
			fillQueue(t, dir, 6)
			ents, _ := os.ReadDir(filepath.Join(dir, "bodies"))
			if len(ents) == 0 {
				t.Fatal("no body files made")
			}
			os.Remove(filepath.Join(dir, "bodies", ents[0].Name()))
			return dir
		}},
		{"queue.db from a newer version", func(t *testing.T, dir string) string {
			fillQueue(t, dir, 3)
			db, err := bolt.Open(filepath.Join(dir, "queue.db"), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("layout"), []byte("5")) })
			db.Close()
			return dir
		}},
		{"queue.db truncated", func(t *testing.T, dir string) string {
			fillQueue(t, dir, 50)
			p := filepath.Join(dir, "queue.db")
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()/3)
			return dir
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.setup(t, t.TempDir())
			s, err := queue.Open(path, nil)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, queue.ErrCorrupt) {
				t.Errorf("Open: %v, want ErrCorrupt", err)
			}
		})
	}
}

// Damage at random places in a queue's file must give an error at Open or
// from the operations that meet it, never a panic or a silently empty queue.
func TestOpenCorruptedPages(t *testing.T) {
	const n = 40
	clean := t.TempDir()
	fillQueue(t, clean, n)
	orig, err := os.ReadFile(filepath.Join(clean, "queue.db"))
	if err != nil {
		t.Fatal(err)
	}
	bodies, _ := os.ReadDir(filepath.Join(clean, "bodies"))
	var used []int
	for p := 2; p < len(orig)/4096; p++ {
		if !bytes.Equal(orig[p*4096:(p+1)*4096], make([]byte, 4096)) {
			used = append(used, p)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	refused := 0
	for i := range 60 {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, "bodies"), 0o700)
		for _, b := range bodies {
			data, _ := os.ReadFile(filepath.Join(clean, "bodies", b.Name()))
			os.WriteFile(filepath.Join(dir, "bodies", b.Name()), data, 0o600)
		}
		data := append([]byte(nil), orig...)
		// Overwrite a run of bytes inside one page in use (page 0 and 1
		// are the meta pages, which bbolt checksums; pages of zeros are
		// free, most of them in the arena's chunk).
		page := used[rng.IntN(len(used))]
		off := page*4096 + rng.IntN(4000)
		for j := range 1 + rng.IntN(64) {
			data[off+j] = byte(rng.Uint32())
		}
		os.WriteFile(filepath.Join(dir, "queue.db"), data, 0o600)
		s, err := queue.Open(dir, nil)
		if err != nil {
			if !errors.Is(err, queue.ErrCorrupt) {
				t.Errorf("case %d (page %d): Open: %v, want ErrCorrupt", i, page, err)
			}
			refused++
			continue
		}
		// It opened: the damage was in free space or message content.
		ctx := context.Background()
		// Open walked every live page, so all messages must be there intact.
		c, err := s.Counts(ctx, time.Now())
		if err != nil || c.Queued != n {
			t.Errorf("case %d (page %d): opened, then Counts = %+v, %v; want %d queued", i, page, c, err, n)
		}
		ms, _ := s.List(ctx, queue.ListOptions{Limit: 1000})
		for _, m := range ms {
			rc, err := s.Body(ctx, m.ID)
			if err != nil {
				t.Errorf("case %d: Body(%s): %v", i, m.ID, err)
				continue
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				t.Errorf("case %d: reading body %s: %v", i, m.ID, err)
			}
			rc.Close()
		}
		s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 1000})
		s.Close()
	}
	t.Logf("%d of 60 damaged files refused at Open", refused)
}

func TestOpenTwice(t *testing.T) {
	dir := t.TempDir()
	s, err := queue.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s2, err := queue.Open(dir, nil); err == nil {
		s2.Close()
		t.Fatal("second Open of the same directory succeeded")
	} else if errors.Is(err, queue.ErrCorrupt) {
		t.Errorf("second Open: %v; a locked queue is not corrupt", err)
	}
}

func TestReopenKeepsMessages(t *testing.T) {
	dir := t.TempDir()
	fillQueue(t, dir, 12)
	s, err := queue.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Counts(context.Background(), time.Now())
	if err != nil || c.Queued != 12 {
		t.Fatalf("after reopen Counts = %+v, %v; want 12 queued", c, err)
	}
	// An orphaned body file (from an enqueue that never committed) is
	// removed at Open.
	s.Close()
	orphan := filepath.Join(dir, "bodies", "0123456789abcdef0123456789abcdef")
	os.WriteFile(orphan, []byte("x"), 0o600)
	s, err = queue.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("orphaned body file still there: %v", err)
	}
	if c, _ := s.Counts(context.Background(), time.Now()); c.Queued != 12 {
		t.Errorf("Queued = %d after orphan cleanup, want 12", c.Queued)
	}
}
