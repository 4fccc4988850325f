package queue

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// mappedRss is the resident size of this process's mappings of path
// (/proc/self/smaps), in bytes.
func mappedRss(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) >= 5 && strings.Contains(fields[0], "-") {
			in = len(fields) == 6 && fields[5] == path
			continue
		}
		if v, ok := strings.CutPrefix(line, "Rss:"); ok && in {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			total += kb << 10
		}
	}
	return total
}

// Reading inline bodies leaves them in the page cache, not in the
// process's memory: a backlog read through the mapping would otherwise
// count as the process's own until the mapping ends. So does removing
// them: arena bodies are only marked free; layout 3's bodies in buckets
// of their own have their first pages mapped (and those around, the
// kernel's fault-around), which the commit loop drops every trimAfter
// bytes of such bodies removed, here every 1 MiB.
func TestBodyLeavesNoMappedPages(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("layout3=%v", legacy), func(t *testing.T) {
			dir := t.TempDir()
			const n, size = 40, 100 << 10
			bodies := distinctBodies(n, size)
			s := openInternal(t, dir)
			ids := enqueueBodies(t, s, time.Now(), bodies...)
			if legacy {
				toLegacy(t, s, "3")
				s.Close()
				s = openInternal(t, dir)
			}
			path, _ := filepath.EvalSymlinks(filepath.Join(dir, dbName))
			before := mappedRss(t, path)
			for i, id := range ids {
				if got := readBody(t, s, id); string(got) != string(bodies[i]) {
					t.Fatalf("body %s differs", id)
				}
			}
			// Read through the mapping, this grows by the bodies' size, 4 MB.
			if grew := mappedRss(t, path) - before; grew > n*8<<10 {
				t.Errorf("reading %d bodies of %d bytes left %d bytes of the database mapped, want at most %d", n, size, grew, n*8<<10)
			}
			err := s.run(context.Background(), &op{fn: func(*bolt.Tx) error { s.trimAfter = 1 << 20; return nil }}) // on the commit loop
			if err != nil {
				t.Fatal(err)
			}
			before = mappedRss(t, path)
			for _, id := range ids {
				if err := s.Remove(context.Background(), id); err != nil {
					t.Fatal(err)
				}
			}
			// In buckets of their own and without trimMapping, this grows
			// by 2.4 MB.
			if grew := mappedRss(t, path) - before; grew > 1<<20 {
				t.Errorf("removing %d bodies of %d bytes left %d bytes of the database mapped, want at most %d", n, size, grew, 1<<20)
			}
		})
	}
}
