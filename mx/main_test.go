package mx

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no goroutine (host lookups, policy fetches, TLS
// servers of the tests) outlives the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
