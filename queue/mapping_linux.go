package queue

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// trimAfter is how many bytes of removed bodies make the commit loop drop
// the mapping's pages: about 5 MiB of them mapped at most, by removals
// (deleteBody).
const trimAfter = 8 << 20

// trimMapping takes the pages of the database's mapping out of the
// process's memory (madvise MADV_DONTNEED): they stay in the page cache
// and in the file, and the few that are read often (branch pages, the
// records' leaves) are mapped again by their next read. bbolt maps the
// file read-only and shared, so nothing is lost. A read transaction
// holds the mapping in place meanwhile.
func (s *Embedded) trimMapping() {
	s.db.View(func(tx *bolt.Tx) error {
		syscall.Syscall(syscall.SYS_MADVISE, s.db.Info().Data, uintptr(tx.Size()), syscall.MADV_DONTNEED)
		return nil
	})
}
