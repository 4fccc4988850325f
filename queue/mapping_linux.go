package queue

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// trimAfter is how many bytes of removed bodies make the commit loop drop
// the mapping's pages (deleteBody maps up to 64 KiB a removal). At 100 KB
// a body and 8 MiB the mapping held 7–8 MiB of examples/mta's peak Pss;
// at 2 MiB it holds 1.5–3 MiB, and the cost of trimming more often (one
// madvise, a few faults to map the hot pages again) did not show.
const trimAfter = 2 << 20

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
