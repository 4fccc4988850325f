package queue

import (
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// The arena holds the inline bodies of more than half a page (layout 4).
// It is a set of chunks, each a bucket of its own in the arena bucket
// holding one large value that bbolt wrote once, when the chunk was made,
// and never writes again: the store writes bodies into the value's pages
// itself, with pwrite on the database file, and the record names the
// chunk and the body's first page (tagArena).
//
// Why: bbolt copies every value of more than a page into a buffer it
// allocates for the commit (98 KB a 100 KB message, most of a relay's
// allocation, and the garbage collector's and the runtime's page
// returning work after it), and removing it reads its page through the
// mapping and works the freelist. Written into the arena, a body costs its
// pwrite; its removal, once committed, only marks its pages free.
//
// Durability is bbolt's, with no fsync more: a body is written before its
// enqueue is handed to the commit loop, so the commit's first fdatasync
// (of this same file, before the meta page that makes the record visible
// is written) makes it durable. Bodies take whole pages, so that writing
// one never rewrites a page of another. Pages are reused only after the
// removal of their body has committed, and not while a Body read that
// may have found the old record is running (reading), so a record in a
// committed or read state never names pages being written.
type arena struct {
	file     *os.File // the database, for pread and pwrite
	pageSize int64

	// reading is held shared by Body reads of arena bodies, exclusively
	// to give pages back (release).
	reading sync.RWMutex
	grow    sync.Mutex // one chunk made at a time

	mu     sync.Mutex // guards what follows
	chunks []*chunk   // in number order
	next   uint64     // number of the next chunk
}

// chunk is one chunk of the arena: pages pages from file offset at, and
// the runs of free ones.
type chunk struct {
	n     uint64
	at    int64
	pages int64
	free  []run // sorted, not touching
}

type run struct{ page, n int64 }

// holds reports whether a body of size bytes from page on lies within c.
func (c *chunk) holds(page, size, pageSize int64) bool {
	return page >= 0 && page < c.pages && size >= 0 && size <= (c.pages-page)*pageSize
}

// A chunk made for bodies smaller than it has as many pages as the arena
// already has, from minChunk to maxChunk (256 KiB to 1 MiB with 4 KiB
// pages): a small queue's arena stays small, and making a chunk, whose
// value is briefly in memory twice (ours of zeros and bbolt's buffer for
// the commit), does not raise a process's peak memory by much: with 4 MiB
// chunks examples/mta's peak at 100 KB rose by 4 to 12 MiB while its queue
// grew (bench/pipeline). A chunk costs a commit of its own when made.
const minChunk, maxChunk = 64, 256

var bArena = []byte("arena") // chunk number -> bucket holding the chunk (kBody)

func chunkKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// pagesFor is how many pages a body of size bytes takes.
func (a *arena) pagesFor(size int64) int64 { return max(1, (size+a.pageSize-1)/a.pageSize) }

// alloc finds pages for a body of size bytes (first fit), or reports
// that no chunk has room.
func (a *arena) alloc(size int64) (c *chunk, page int64, ok bool) {
	n := a.pagesFor(size)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.chunks {
		for i, r := range c.free {
			if r.n < n {
				continue
			}
			if r.n == n {
				c.free = slices.Delete(c.free, i, i+1)
			} else {
				c.free[i] = run{r.page + n, r.n - n}
			}
			return c, r.page, true
		}
	}
	return nil, 0, false
}

// free gives back the pages of a body that no record names; release is
// for one whose removal just committed.
func (a *arena) free(chunkN uint64, page, size int64) {
	n := a.pagesFor(size)
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := slices.BinarySearchFunc(a.chunks, chunkN, func(c *chunk, n uint64) int { return cmpUint(c.n, n) })
	if !ok {
		return
	}
	c := a.chunks[i]
	j, _ := slices.BinarySearchFunc(c.free, page, func(r run, p int64) int { return cmpUint(uint64(r.page), uint64(p)) })
	c.free = slices.Insert(c.free, j, run{page, n})
	// Join the run to its neighbours.
	if j+1 < len(c.free) && c.free[j].page+c.free[j].n == c.free[j+1].page {
		c.free[j].n += c.free[j+1].n
		c.free = slices.Delete(c.free, j+1, j+2)
	}
	if j > 0 && c.free[j-1].page+c.free[j-1].n == c.free[j].page {
		c.free[j-1].n += c.free[j].n
		c.free = slices.Delete(c.free, j, j+1)
	}
}

// release gives back the pages of bodies whose removal has committed,
// once no Body read that started before the commit is running.
func (a *arena) release(places []place) {
	if len(places) == 0 {
		return
	}
	a.reading.Lock()
	defer a.reading.Unlock()
	for _, p := range places {
		a.free(p.chunk, p.page, p.size)
	}
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// place is where a body lies in the arena.
type place struct {
	chunk      uint64
	page, size int64
}

// offset is the file offset of page of chunk c.
func (a *arena) offset(c *chunk, page int64) int64 { return c.at + page*a.pageSize }

// find returns chunk n, or nil.
func (a *arena) find(n uint64) *chunk {
	a.mu.Lock()
	defer a.mu.Unlock()
	i, ok := slices.BinarySearchFunc(a.chunks, n, func(c *chunk, n uint64) int { return cmpUint(c.n, n) })
	if !ok {
		return nil
	}
	return a.chunks[i]
}

// valueAt returns the file offset and length of the value of a bucket
// that holds one value (kBody): a chunk, or a body as layout 3 kept it;
// reading its leaf's header with pread; ok is false for a leaf not
// as expected.
func valueAt(f *os.File, pageSize int64, own *bolt.Bucket) (at, size int64, ok bool, err error) {
	// bbolt's page header (id, flags, count, overflow) and the leaf
	// element (flags, pos, ksize, vsize; pos counts from the element),
	// in the machine's byte order.
	const header, element, leafPage = 16, 16, 0x02
	var h [header + element]byte
	page := int64(own.Root()) * pageSize
	if page == 0 {
		return 0, 0, false, nil
	}
	if _, err := f.ReadAt(h[:], page); err != nil {
		return 0, 0, false, fmt.Errorf("queue: reading %s: %w", f.Name(), err)
	}
	e := binary.NativeEndian
	pos, ksize, vsize := int64(e.Uint32(h[header+4:])), int64(e.Uint32(h[header+8:])), int64(e.Uint32(h[header+12:]))
	span := (int64(e.Uint32(h[12:])) + 1) * pageSize // the page and its overflow
	if e.Uint64(h[:]) != uint64(own.Root()) || e.Uint16(h[8:])&leafPage == 0 || e.Uint16(h[10:]) != 1 ||
		ksize != int64(len(kBody)) || header+pos+ksize+vsize > span {
		return 0, 0, false, nil
	}
	return page + header + pos + ksize, vsize, true, nil
}

// addChunk makes the chunk in tx's arena bucket; its place in the file is
// known once committed (mapChunk).
func (a *arena) addChunk(tx *bolt.Tx, n uint64, pages int64) error {
	own, err := tx.Bucket(bArena).CreateBucket(chunkKey(n))
	if err != nil {
		return err
	}
	// One page more than used, so that the used pages can start on a
	// page boundary after the leaf's header.
	return own.Put(kBody, make([]byte, (pages+1)*a.pageSize))
}

// mapChunk finds where chunk n's pages lie in the file (the value's first
// whole page on).
func (a *arena) mapChunk(tx *bolt.Tx, n uint64) (*chunk, error) {
	own := tx.Bucket(bArena).Bucket(chunkKey(n))
	if own == nil {
		return nil, fmt.Errorf("%w: arena chunk %d missing", ErrCorrupt, n)
	}
	at, size, ok, err := valueAt(a.file, a.pageSize, own)
	if err != nil {
		return nil, err
	}
	if !ok || size < 2*a.pageSize {
		return nil, fmt.Errorf("%w: arena chunk %d damaged", ErrCorrupt, n)
	}
	first := (at + a.pageSize - 1) / a.pageSize * a.pageSize
	return &chunk{n: n, at: first, pages: (at + size - first) / a.pageSize}, nil
}

// makeRoom adds a chunk with room for a body of size bytes, unless one
// was made meanwhile that has it: update runs a function in a committed
// write transaction, view in a read one.
func (a *arena) makeRoom(size int64, update, view func(func(*bolt.Tx) error) error) error {
	a.grow.Lock()
	defer a.grow.Unlock()
	if c, page, ok := a.alloc(size); ok {
		a.free(c.n, page, size)
		return nil
	}
	a.mu.Lock()
	n := a.next
	var have int64
	for _, c := range a.chunks {
		have += c.pages
	}
	a.mu.Unlock()
	pages := max(min(max(have, minChunk), maxChunk), a.pagesFor(size))
	err := update(func(tx *bolt.Tx) error { return wr(a.addChunk(tx, n, pages)) })
	if err != nil {
		return err
	}
	// The chunk's pages are in place once committed.
	var c *chunk
	if err := view(func(tx *bolt.Tx) error {
		var err error
		c, err = a.mapChunk(tx, n)
		return err
	}); err != nil {
		return err
	}
	c.free = []run{{0, c.pages}}
	a.mu.Lock()
	a.chunks = append(a.chunks, c)
	a.next = n + 1
	a.mu.Unlock()
	return nil
}

// load reads the arena's chunks from tx (none before layout 4), each
// wholly used until setFree.
func (a *arena) load(tx *bolt.Tx) error {
	a.chunks, a.next = nil, 1
	b := tx.Bucket(bArena)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		if len(k) != 8 || v != nil || binary.BigEndian.Uint64(k) == 0 {
			return fmt.Errorf("%w: arena entry %x is not a chunk", ErrCorrupt, k)
		}
		own := b.Bucket(k)
		if st := own.Stats(); st.KeyN != 1 || own.Get(kBody) == nil {
			return fmt.Errorf("%w: arena chunk %x damaged", ErrCorrupt, k)
		}
		c, err := a.mapChunk(tx, binary.BigEndian.Uint64(k))
		if err != nil {
			return err
		}
		a.chunks = append(a.chunks, c)
		a.next = c.n + 1
		return nil
	})
}

// setFree makes free the pages of the loaded chunks that no body in used
// takes, failing if two bodies overlap.
func (a *arena) setFree(used []place) error {
	slices.SortFunc(used, func(x, y place) int {
		if c := cmpUint(x.chunk, y.chunk); c != 0 {
			return c
		}
		return cmpUint(uint64(x.page), uint64(y.page))
	})
	for _, c := range a.chunks {
		c.free = nil
		at := int64(0)
		for len(used) > 0 && used[0].chunk < c.n {
			used = used[1:] // verify saw to it that chunks exist
		}
		for len(used) > 0 && used[0].chunk == c.n {
			p := used[0]
			used = used[1:]
			if p.page < at {
				return fmt.Errorf("two bodies share page %d of arena chunk %d", p.page, c.n)
			}
			if p.page > at {
				c.free = append(c.free, run{at, p.page - at})
			}
			at = p.page + a.pagesFor(p.size)
		}
		if at < c.pages {
			c.free = append(c.free, run{at, c.pages - at})
		}
	}
	return nil
}

// place is where r's body lies in the arena.
func (r *record) place() place { return place{r.Chunk, int64(r.Page), r.Size} }

// read appends the body at p to dst.
func (a *arena) read(p place, dst []byte) ([]byte, error) {
	c := a.find(p.chunk)
	if c == nil || !c.holds(p.page, p.size, a.pageSize) {
		return dst, fmt.Errorf("%w: body outside the arena (chunk %d, page %d)", ErrCorrupt, p.chunk, p.page)
	}
	n := len(dst)
	dst = slices.Grow(dst, int(p.size))[:n+int(p.size)]
	if _, err := a.file.ReadAt(dst[n:], a.offset(c, p.page)); err != nil {
		return dst[:n], fmt.Errorf("queue: reading %s: %w", a.file.Name(), err)
	}
	return dst, nil
}
