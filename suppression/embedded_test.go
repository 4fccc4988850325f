package suppression_test

import (
	"path/filepath"
	"testing"

	"github.com/mxkit/mxkit/suppression"
	"github.com/mxkit/mxkit/suppression/suppressiontest"
)

func openTemp(t testing.TB) *suppression.Embedded {
	t.Helper()
	s, err := suppression.Open(filepath.Join(t.TempDir(), "suppression.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	suppressiontest.Run(t, func(t *testing.T) suppression.Store { return openTemp(t) })
}
