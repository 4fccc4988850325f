package verify

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no goroutine (lookups, workers) outlives the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
