//go:build unix

package testenv

import (
	"os"
	"sync"
	"syscall"
	"testing"
)

// exclusive counts the PostgresExclusive holds of this process: while one
// is held, the process's other PostgreSQL tests need no lock of their own.
var exclusive struct {
	sync.Mutex
	n int
}

// lockServer takes the cross-process lock on the server at dsn, shared or
// exclusive (flock(2) on a file in the temporary directory), until tb
// ends. A lock that cannot be taken (no such directory) is not taken: the
// tests then run as they would without it.
func lockServer(tb testing.TB, dsn string, excl bool) {
	tb.Helper()
	exclusive.Lock()
	held := exclusive.n > 0
	exclusive.Unlock()
	if held {
		return
	}
	f, err := os.OpenFile(serverLockPath(dsn), os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		tb.Logf("testenv: no server lock: %v", err)
		return
	}
	how := syscall.LOCK_SH
	if excl {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		tb.Logf("testenv: no server lock: %v", err)
		return
	}
	if excl {
		exclusive.Lock()
		exclusive.n++
		exclusive.Unlock()
	}
	tb.Cleanup(func() {
		if excl {
			exclusive.Lock()
			exclusive.n--
			exclusive.Unlock()
		}
		f.Close() // releases the lock
	})
}
