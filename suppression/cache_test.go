package suppression

import (
	"testing"
	"time"
)

// TestCacheKeys checks what the pointer-free cache keeps apart and gives
// back: tenants, addresses whose concatenations agree, each reason (one a
// store's feed brought that the package does not know too), and expiry.
func TestCacheKeys(t *testing.T) {
	l := benchList(0)
	exp := time.Now().Add(time.Hour).Truncate(time.Nanosecond)
	l.remember("ab", "c@d.example", HardBounce, time.Time{})
	l.remember("a", "bc@d.example", Reason("legacy-reason"), exp)
	l.remember("", "e.example", Unsubscribe, time.Time{})
	for _, tc := range []struct {
		tenant, addr string
		want         Match
		ok           bool
	}{
		{"ab", "c@d.example", Match{Address: "c@d.example", Tenant: "ab", Reason: HardBounce}, true},
		{"a", "bc@d.example", Match{Address: "bc@d.example", Tenant: "a", Reason: "legacy-reason", Expires: exp}, true},
		{"a", "c@d.example", Match{}, false},
		{"abc", "@d.example", Match{}, false},
		{"", "c@d.example", Match{}, false},
		{"z", "x@e.example", Match{Address: "e.example", Reason: Unsubscribe}, true},
	} {
		got, ok := l.Check(tc.tenant, tc.addr)
		if ok != tc.ok || got.Address != tc.want.Address || got.Tenant != tc.want.Tenant || got.Reason != tc.want.Reason || !got.Expires.Equal(tc.want.Expires) {
			t.Errorf("Check(%q, %q) = %+v, %v; want %+v, %v", tc.tenant, tc.addr, got, ok, tc.want, tc.ok)
		}
	}
	if n := l.Len(); n != 3 {
		t.Errorf("Len() = %d, want 3", n)
	}
	l.forget("ab", "c@d.example")
	if _, ok := l.Check("ab", "c@d.example"); ok {
		t.Error("an entry forgotten still matches")
	}
}

// TestCount checks the entries counted by tenant through additions,
// replacements, removals and a purge.
func TestCount(t *testing.T) {
	l := benchList(0)
	l.remember("a", "x@d.example", Manual, time.Time{})
	l.remember("a", "y@d.example", Manual, time.Now().Add(-time.Second))
	l.remember("a", "x@d.example", Complaint, time.Time{}) // replaces
	l.remember("b", "x@d.example", Manual, time.Time{})
	l.remember("", "d.example", HardBounce, time.Time{})
	for tenant, want := range map[string]int{"a": 2, "b": 1, "": 1, "c": 0} {
		if got := l.Count(tenant); got != want {
			t.Errorf("Count(%q) = %d, want %d", tenant, got, want)
		}
	}
	l.forget("b", "x@d.example")
	l.forget("b", "x@d.example") // gone already
	if got := l.Count("b"); got != 0 {
		t.Errorf("Count(b) after forget = %d, want 0", got)
	}
	for i := range l.shards { // what Purge does to the cache
		s := &l.shards[i]
		for k, v := range s.m {
			if v.expires != 0 && v.expires <= time.Now().UnixNano() {
				s.del(k)
			}
		}
	}
	if got := l.Count("a"); got != 1 {
		t.Errorf("Count(a) after the purge = %d, want 1", got)
	}
}
