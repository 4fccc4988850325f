package queue

import (
	"os"
	"syscall"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// dropMapped takes the pages holding v, a value read in tx, out of the
// process's memory (madvise MADV_DONTNEED): they stay in the page cache
// and in the file, as a file read with read(2) would, instead of counting
// as the process's own until the mapping ends. bbolt maps the database
// read-only and shared, so a later read maps the same pages again,
// unchanged. Only a range inside the mapping, as tx sees it, is dropped;
// a value from a write transaction's memory never is.
func (s *Embedded) dropMapped(tx *bolt.Tx, v []byte) {
	if len(v) == 0 || tx.Writable() {
		return
	}
	base := s.db.Info().Data
	p := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
	if p < base || p+uintptr(len(v)) > base+uintptr(tx.Size()) {
		return
	}
	// Whole pages: the mapping starts on a page and tx.Size is a number
	// of pages.
	ps := uintptr(os.Getpagesize())
	off := (p - base) % ps
	n := (off + uintptr(len(v)) + ps - 1) / ps * ps
	start := unsafe.Add(unsafe.Pointer(unsafe.SliceData(v)), -int(off))
	syscall.Madvise(unsafe.Slice((*byte)(start), n), syscall.MADV_DONTNEED)
}
