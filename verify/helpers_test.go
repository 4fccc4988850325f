package verify

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// testZone serves a DNS case for every check. The addresses are public
// ones (nothing connects to them) unless a case is about addresses the
// Internet does not route.
const testZone = `
acme.com.                MX 10 mx1.acme.com.
acme.com.                MX 20 mx2.acme.com.
mx1.acme.com.            A    45.33.10.1
mx1.acme.com.            AAAA 2a01:4f8::1
mx2.acme.com.            A    45.33.10.2
gmail.com.               MX 5 gmail-smtp-in.l.google.com.
gmail-smtp-in.l.google.com. A 142.250.102.26
yahoo.com.               MX 1 mta5.am0.yahoodns.net.
mta5.am0.yahoodns.net.   A 67.195.204.72
hotmail.com.             MX 2 hotmail-com.olc.protection.outlook.com.
hotmail-com.olc.protection.outlook.com. A 52.101.68.1
gmaill.com.              MX 10 mx1.acme.com.
mailinator.com.          MX 10 mail.mailinator.com.
*.mailinator.com.        MX 10 mail.mailinator.com.
mail.mailinator.com.     A 45.33.20.1
xn--bcher-kva.com.       MX 10 mx1.acme.com.
implicit.net.            A 45.33.10.5
nullmx.net.              MX 0 .
nohosts.net.             MX 10 nowhere.nohosts.net.
loopmx.net.              MX 10 localhost.loopmx.net.
localhost.loopmx.net.    A 127.0.0.1
privmx.net.              MX 10 mx.privmx.net.
mx.privmx.net.           A 10.1.2.3
mx.privmx.net.           AAAA fd00::25
tempfail.net.            MX 10 mx1.acme.com.
hostfail.net.            MX 10 mx.hostfail.net.
mx.hostfail.net.         A 45.33.30.1
partial.net.             MX 10 mx.hostfail.net.
partial.net.             MX 20 mx1.acme.com.
cname.net.               MX 10 alias.cname.net.
alias.cname.net.         CNAME mx1.acme.com.
v6only.net.              MX 10 mx6.v6only.net.
mx6.v6only.net.          AAAA 2a01:4f8::6
ai.                      MX 10 mail.nic.ai.
mail.nic.ai.             A 45.33.40.1
other.co.                MX 10 mx1.acme.com.
`

// newZone starts the test zone with its faults.
func newZone(tb testing.TB) *resolvertest.Server {
	tb.Helper()
	srv := resolvertest.New(tb, testZone)
	srv.SetFault("tempfail.net.", dns.TypeMX, resolvertest.ServFail)
	srv.SetFault("mx.hostfail.net.", 0, resolvertest.ServFail)
	return srv
}

// countingResolver passes every lookup to a real resolver and counts the
// MX lookups made through it, and the most that were in flight at once.
type countingResolver struct {
	resolver.Resolver
	mu       sync.Mutex
	mx       map[string]int
	inFlight atomic.Int32
	maxSeen  atomic.Int32
}

func (r *countingResolver) LookupMX(ctx context.Context, name string) ([]resolver.MX, resolver.Result, error) {
	r.mu.Lock()
	if r.mx == nil {
		r.mx = map[string]int{}
	}
	r.mx[name]++
	r.mu.Unlock()
	n := r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	for {
		m := r.maxSeen.Load()
		if n <= m || r.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	return r.Resolver.LookupMX(ctx, name)
}

func (r *countingResolver) mxCount(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mx[name]
}
