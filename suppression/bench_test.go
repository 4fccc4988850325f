package suppression

import (
	"fmt"
	"hash/maphash"
	"runtime"
	"testing"
	"time"
)

// benchList is a List whose cache holds n entries for tenants t0..t9 and
// all tenants, a tenth of them whole domains; no store is behind it.
func benchList(n int) *List {
	l := &List{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	for i := range l.shards {
		l.shards[i].m, l.shards[i].count = make(map[ckey]cval, n/nShards), map[uint32]int{}
	}
	for i := range n {
		tenant := ""
		if i%2 == 0 {
			tenant = fmt.Sprint("t", i%10)
		}
		addr := fmt.Sprintf("user%d@domain%d.example", i, i%50000)
		if i%10 == 9 {
			addr = fmt.Sprintf("whole%d.example", i)
		}
		l.remember(tenant, addr, Complaint, time.Time{})
	}
	return l
}

// BenchmarkCheck measures Check against a list of a million entries: the
// issue's target is a million checks a second on one core (1000 ns/op).
func BenchmarkCheck(b *testing.B) {
	l := benchList(1_000_000)
	for _, c := range []struct{ name, tenant, addr string }{
		{"hit", "t4", "user4@domain4.example"},
		{"miss", "t4", "someone.else@domain7.example"},
		{"domain", "t3", "anyone@whole19.example"},
		{"upper-case", "t4", "User4@Domain4.example"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.Check(c.tenant, c.addr)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
		})
	}
	b.Run("miss-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Check("t4", "someone.else@domain7.example")
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	})
}

// BenchmarkCollect measures a garbage collection while a List of a million
// entries is live: the cache holds no pointers, so the collector does not
// scan it, and the mark takes about what it takes without the list.
func BenchmarkCollect(b *testing.B) {
	l := benchList(1_000_000)
	for b.Loop() {
		runtime.GC()
	}
	runtime.KeepAlive(l)
}
