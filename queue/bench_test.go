package queue_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// BenchmarkEnqueue measures durable enqueues of 10 KB messages from 64
// concurrent producers (group commit shares the fsyncs).
func BenchmarkEnqueue(b *testing.B) {
	for _, producers := range []int{1, 64} {
		b.Run(fmt.Sprintf("producers=%d", producers), func(b *testing.B) {
			s, err := queue.Open(b.TempDir(), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			body := bytes.Repeat([]byte("x"), 10<<10)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.SetParallelism(max(1, producers/2)) // GOMAXPROCS is 2 here
			if producers == 1 {
				for b.Loop() {
					enqueueOne(b, s, body)
				}
				return
			}
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					enqueueOne(b, s, body)
				}
			})
		})
	}
}

func enqueueOne(b *testing.B, s *queue.Embedded, body []byte) {
	e := &queue.Envelope{From: "s@example.org", Recipients: []queue.Recipient{{Addr: "r@example.com"}}}
	if _, err := s.Enqueue(context.Background(), e, bytes.NewReader(body), time.Now(), time.Now()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCycle measures enqueue, lease, body read and completion of 10 KB
// messages with 64 producers and parallel deliveries.
func BenchmarkCycle(b *testing.B) {
	s, err := queue.Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	body := bytes.Repeat([]byte("x"), 10<<10)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	ctx := context.Background()
	done := make(chan struct{})
	exited := make(chan struct{})
	var completed sync.WaitGroup
	completed.Add(b.N)
	go func() { // worker: lease batches, deliver in parallel
		defer close(exited)
		for {
			select {
			case <-done:
				return
			default:
			}
			ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 128})
			if err != nil {
				panic(err)
			}
			if len(ms) == 0 {
				time.Sleep(100 * time.Microsecond)
			}
			var wg sync.WaitGroup
			for _, m := range ms {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rc, _ := s.Body(ctx, m.ID)
					io.Copy(io.Discard, rc)
					if err := s.Complete(ctx, m.ID, m.Lease, time.Now(), []queue.Outcome{{Recipient: m.Recipients[0].Addr, State: queue.Delivered, Attempt: delivery.Outcome{Status: delivery.Delivered}}}); err != nil {
						panic(err)
					}
					completed.Done()
				}()
			}
			wg.Wait()
		}
	}()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			enqueueOne(b, s, body)
		}
	})
	completed.Wait()
	close(done)
	<-exited
}
