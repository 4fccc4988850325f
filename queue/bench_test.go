package queue_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
			deliver(ctx, s, ms, completed.Done)
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

// BenchmarkMTACycle runs the durable cycle as examples/mta does (bodies
// handed over as *bytes.Buffer, InlineLimit 256 KiB, leased in batches and
// completed in parallel) at 10 KB and 100 KB with 1 and 8 producers, and
// reports the process's CPU time per cycle (cpu-µs/op; ns/op is wall
// time).
func BenchmarkMTACycle(b *testing.B) {
	for _, c := range []struct{ size, producers int }{{10 << 10, 1}, {10 << 10, 8}, {100 << 10, 1}, {100 << 10, 8}} {
		size := c.size
		b.Run(fmt.Sprintf("size=%dK/producers=%d", size>>10, c.producers), func(b *testing.B) {
			s, err := queue.Open(b.TempDir(), &queue.Options{InlineLimit: 256 << 10})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			ctx := context.Background()
			var completed atomic.Int64
			work := make(chan struct{}, b.N)
			for range b.N {
				work <- struct{}{}
			}
			close(work)
			cpu, disk := cpuTime(), writtenBytes()
			b.ResetTimer()
			var wg sync.WaitGroup
			for range c.producers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range work {
						e := &queue.Envelope{From: "s@example.org", Recipients: []queue.Recipient{{Addr: "r@example.com"}}}
						if _, err := s.Enqueue(ctx, e, bytes.NewBuffer(body), time.Now(), time.Now()); err != nil {
							panic(err)
						}
					}
				}()
			}
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						ms, err := s.Lease(ctx, queue.LeaseRequest{Now: time.Now(), Duration: time.Minute, Max: 64, Wait: 20 * time.Millisecond})
						if err != nil {
							panic(err)
						}
						if len(ms) == 0 {
							if completed.Load() == int64(b.N) {
								return
							}
							continue
						}
						deliver(ctx, s, ms, func() { completed.Add(1) })
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(writtenBytes()-disk)/1024/float64(b.N), "disk-KiB/op")
		})
	}
}

// deliver reads the body of each leased message and completes it as
// delivered, in parallel as an MTA's deliveries run (their completions
// share commits), calling done after each.
func deliver(ctx context.Context, s *queue.Embedded, ms []*queue.Message, done func()) {
	var wg sync.WaitGroup
	for _, m := range ms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rc, err := s.Body(ctx, m.ID)
			if err != nil {
				panic(err)
			}
			io.Copy(io.Discard, rc)
			rc.Close()
			if err := s.Complete(ctx, m.ID, m.Lease, time.Now(), []queue.Outcome{{Recipient: m.Recipients[0].Addr, State: queue.Delivered, Attempt: delivery.Outcome{Status: delivery.Delivered}}}); err != nil {
				panic(err)
			}
			done()
		}()
	}
	wg.Wait()
}

// writtenBytes is what this process has sent to storage (write_bytes of
// /proc/self/io), or 0 where that is not known.
func writtenBytes() int64 {
	b, _ := os.ReadFile("/proc/self/io")
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
