package queue_test

import (
	"testing"

	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/queuetest"
)

func openTemp(t *testing.T, opts *queue.Options) *queue.Embedded {
	t.Helper()
	s, err := queue.Open(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Store { return openTemp(t, nil) })
}

// Every body in a file, the path large bodies take.
func TestConformanceFileBodies(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Store { return openTemp(t, &queue.Options{InlineLimit: -1}) })
}
