//go:build !unix

package testenv

import "testing"

// lockServer does nothing where flock(2) is not available: tests that
// stop the server may then disturb others running beside them.
func lockServer(tb testing.TB, dsn string, excl bool) {}
