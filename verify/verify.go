package verify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver"
)

// Suppressions is what Checker asks whether an address must not be sent
// to. A suppression store (hard bounces, complaints, unsubscribes)
// satisfies it directly or through SuppressionsFunc; a store scoped by
// tenant is bound to one tenant by a closure.
type Suppressions interface {
	// Suppressed reports whether a is suppressed and why (the reason is
	// shown as the Suppressed reason's Detail). An error means the store
	// could not answer; the address's verdict is then Unknown.
	Suppressed(ctx context.Context, a address.Address) (reason string, ok bool, err error)
}

// SuppressionsFunc adapts a function to Suppressions.
type SuppressionsFunc func(ctx context.Context, a address.Address) (reason string, ok bool, err error)

// Suppressed calls f.
func (f SuppressionsFunc) Suppressed(ctx context.Context, a address.Address) (string, bool, error) {
	return f(ctx, a)
}

// Checker checks addresses. Set Resolver; the other fields have useful
// zero values. A Checker is safe for concurrent use and should be reused
// (its lists are prepared once); its fields must not change after the
// first check.
type Checker struct {
	// Resolver answers every DNS question. Required. Give it a cache
	// (resolver.Client has one): a domain's answers are then reused by
	// every address at that domain and every later check until their
	// TTLs run out.
	Resolver resolver.Resolver
	// Suppressions, when set, is asked about every address that parses.
	Suppressions Suppressions
	// Disposable lists disposable-mail domains. nil: DisposableDomains(),
	// the embedded list. An empty &DomainList{} turns the check off;
	// DisposableDomains().Union(mine) adds to it.
	Disposable *DomainList
	// FreeMail lists free-mail providers. nil: FreeMailDomains().
	FreeMail *DomainList
	// Concurrency bounds how many domains are looked up in DNS at once
	// (each lookup asks for the MX records, then the hosts' addresses,
	// at most 8 hosts at a time). 0: 16.
	Concurrency int
	// Timeout bounds the DNS checks of one domain. 0: 10 seconds.
	Timeout time.Duration
	// Logger receives debug logs of DNS failures; nil is silent.
	Logger *slog.Logger

	once       sync.Once
	router     *mx.Router
	sem        chan struct{}
	disposable *DomainList
	freeMail   *DomainList

	mu      sync.Mutex
	flights map[string]*routeFlight
}

func (c *Checker) init() {
	c.once.Do(func() {
		c.router = &mx.Router{Resolver: c.Resolver, DisableMTASTS: true, DisableDANE: true, Logger: c.Logger}
		n := c.Concurrency
		if n <= 0 {
			n = 16
		}
		c.sem = make(chan struct{}, n)
		c.disposable = c.Disposable
		if c.disposable == nil {
			c.disposable = DisposableDomains()
		}
		c.freeMail = c.FreeMail
		if c.freeMail == nil {
			c.freeMail = FreeMailDomains()
		}
		c.flights = map[string]*routeFlight{}
	})
}

func (c *Checker) concurrency() int { return cap(c.sem) }

func (c *Checker) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 10 * time.Second
}

// Check checks one address, written as in an SMTP command without the
// angle brackets ("jane@example.com"; no display name, no surrounding
// spaces). It never probes the mailbox: it answers from the syntax, DNS
// and data.
func (c *Checker) Check(ctx context.Context, addr string) Result {
	c.init()
	r, ok := c.checkAddress(addr)
	if !ok {
		return r
	}
	r.applyDomain(c.checkDomain(ctx, r.Address.Domain))
	c.checkSuppressed(ctx, &r)
	return r
}

// CheckAll checks many addresses and returns their results in the same
// order. Each distinct domain is checked once, however many addresses
// share it, with at most Concurrency domains in DNS at once; the
// suppression store is asked with the same bound.
func (c *Checker) CheckAll(ctx context.Context, addrs []string) []Result {
	c.init()
	results := make([]Result, len(addrs))
	index := map[address.Domain]int{}
	var domains []address.Domain
	valid := make([]bool, len(addrs))
	for i, s := range addrs {
		results[i], valid[i] = c.checkAddress(s)
		if !valid[i] {
			continue
		}
		d := results[i].Address.Domain
		if _, ok := index[d]; !ok {
			index[d] = len(domains)
			domains = append(domains, d)
		}
	}
	verdicts := make([]*domainVerdict, len(domains))
	parallel(len(domains), c.concurrency(), func(i int) {
		verdicts[i] = c.checkDomain(ctx, domains[i])
	})
	for i := range results {
		if valid[i] {
			results[i].applyDomain(verdicts[index[results[i].Address.Domain]])
		}
	}
	if c.Suppressions != nil {
		parallel(len(results), c.concurrency(), func(i int) {
			if valid[i] {
				c.checkSuppressed(ctx, &results[i])
			}
		})
	}
	return results
}

// parallel runs f(0) … f(n-1) on at most workers goroutines.
func parallel(n, workers int, f func(i int)) {
	if n == 0 {
		return
	}
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// checkAddress parses addr and makes the checks of the address itself.
func (c *Checker) checkAddress(addr string) (Result, bool) {
	r := Result{Input: addr, Verdict: Deliverable}
	a, err := address.Parse(addr)
	if err != nil {
		var ae *address.Error
		detail := err.Error()
		if errors.As(err, &ae) {
			detail = ae.Reason
		}
		r.add(Syntax, detail)
		return r, false
	}
	r.Address = a
	if a.NeedsSMTPUTF8() {
		r.add(SMTPUTF8, "the local part is not ASCII (RFC 6531)")
	}
	if src := role(a.Local); src != "" {
		r.add(Role, src)
	}
	return r, true
}

// domainVerdict is what the checks of one domain found; it is shared by
// every address at the domain and not modified once made.
type domainVerdict struct {
	reasons    []Reason
	suggestion string // a domain in Unicode form, or ""
	err        error
}

// applyDomain merges a domain's verdict into an address's result.
func (r *Result) applyDomain(v *domainVerdict) {
	for _, x := range v.reasons {
		r.add(x.Kind, x.Detail)
	}
	if v.suggestion != "" {
		r.Suggestion = r.Address.Local + "@" + v.suggestion
	}
	if r.Err == nil {
		r.Err = v.err
	}
}

// checkDomain makes the checks of one domain: its form, reserved names,
// DNS, the lists, and a typo suggestion when it receives no mail.
func (c *Checker) checkDomain(ctx context.Context, d address.Domain) *domainVerdict {
	v := &domainVerdict{}
	add := func(k Kind, detail string) { v.reasons = append(v.reasons, Reason{Kind: k, Detail: detail}) }
	if lit := d.Literal(); lit.IsValid() {
		add(AddressLiteral, d.ASCII())
		if !routable(lit) {
			add(UnroutableHost, lit.String()+" is not a globally reachable address (RFC 6890)")
		}
		return v
	}
	name := d.ASCII()
	if d.Unicode() != name {
		add(IDN, "sent as "+name)
	}
	if why := reservedDomain(name); why != "" {
		add(ReservedDomain, why)
		return v
	}
	if d.IsSingleLabel() {
		add(SingleLabel, name+" is a top-level domain")
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	route := c.route(ctx, name)
	if route.kind != 0 {
		add(route.kind, route.detail)
	}
	v.err = route.err
	if route.kind.Verdict() == Undeliverable {
		// The lists say nothing more about a domain that takes no mail
		// (typo domains are often on them); a suggestion may.
		if s := c.suggest(ctx, name); s != "" {
			if sd, err := address.ParseDomain(s); err == nil {
				s = sd.Unicode()
			}
			add(Typo, "did you mean "+s+"?")
			v.suggestion = s
		}
		return v
	}
	if e, ok := c.disposable.match(name); ok {
		add(Disposable, e)
	}
	if e, ok := c.freeMail.match(name); ok {
		add(FreeMail, e)
	}
	return v
}

// routeInfo is the DNS verdict on a domain: kind 0 when mail can be
// delivered to it.
type routeInfo struct {
	kind   Kind
	detail string
	err    error // behind DNSError
}

type routeFlight struct {
	done chan struct{}
	info routeInfo
}

// route looks up where mail for name goes, once for all concurrent
// callers, with at most Concurrency lookups at once. Answers are reused
// later through the Resolver's cache.
func (c *Checker) route(ctx context.Context, name string) routeInfo {
	for {
		c.mu.Lock()
		f, ok := c.flights[name]
		if !ok {
			f = &routeFlight{done: make(chan struct{})}
			c.flights[name] = f
			c.mu.Unlock()
			f.info = c.lookupRoute(ctx, name)
			c.mu.Lock()
			delete(c.flights, name)
			c.mu.Unlock()
			close(f.done)
			return f.info
		}
		c.mu.Unlock()
		select {
		case <-f.done:
			if isContextErr(f.info.err) && ctx.Err() == nil {
				continue // the first caller gave up, not DNS
			}
			return f.info
		case <-ctx.Done():
			return routeInfo{kind: DNSError, detail: "not checked: " + ctx.Err().Error(), err: ctx.Err()}
		}
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// receives reports whether name is a domain that takes mail.
func (c *Checker) receives(ctx context.Context, name string) bool {
	info := c.route(ctx, name)
	return info.kind == 0 || info.kind.Verdict() == Risky
}

func (c *Checker) lookupRoute(ctx context.Context, name string) routeInfo {
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return routeInfo{kind: DNSError, detail: "not checked: " + ctx.Err().Error(), err: ctx.Err()}
	}
	rt, err := c.router.Lookup(ctx, name)
	switch {
	case err == nil:
	case errors.Is(err, mx.ErrNoSuchDomain):
		return routeInfo{kind: NoSuchDomain, detail: name + " does not exist (NXDOMAIN)"}
	case errors.Is(err, mx.ErrNullMX):
		return routeInfo{kind: NullMX, detail: name + " publishes a null MX: it accepts no mail (RFC 7505)"}
	case errors.Is(err, mx.ErrNoHosts):
		return routeInfo{kind: NoMailHost, detail: strings.TrimPrefix(err.Error(), "mx: ")}
	case errors.Is(err, mx.ErrInvalidDomain):
		return routeInfo{kind: Syntax, detail: err.Error()}
	default:
		if c.Logger != nil {
			c.Logger.DebugContext(ctx, "verify: DNS failure", "domain", name, "err", err)
		}
		return routeInfo{kind: DNSError, detail: err.Error(), err: err}
	}

	// Mail can go only to hosts that resolved; it is undeliverable when
	// all of their addresses are ones the Internet does not route, and
	// unknown when some host could not be resolved now.
	var usable, unusable []netip.Addr
	var tempErr error
	for _, h := range rt.Hosts {
		if h.Err != nil {
			tempErr = h.Err
			continue
		}
		for _, a := range h.Addrs {
			if routable(a) {
				usable = append(usable, a)
			} else {
				unusable = append(unusable, a)
			}
		}
	}
	switch {
	case len(usable) > 0:
	case tempErr != nil:
		return routeInfo{kind: DNSError, detail: tempErr.Error(), err: tempErr}
	default:
		return routeInfo{kind: UnroutableHost, detail: "the mail hosts of " + name + " have only addresses the Internet does not route (RFC 6890): " + addrList(unusable)}
	}
	if rt.Implicit {
		return routeInfo{kind: ImplicitMX, detail: name + " has no MX records; mail would go to its own address (RFC 5321 §5.1)"}
	}
	return routeInfo{}
}

// addrList writes up to four addresses.
func addrList(addrs []netip.Addr) string {
	var b strings.Builder
	for i, a := range addrs {
		if i == 4 {
			fmt.Fprintf(&b, " and %d more", len(addrs)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	return b.String()
}

// checkSuppressed asks the suppression store about the address.
func (c *Checker) checkSuppressed(ctx context.Context, r *Result) {
	if c.Suppressions == nil {
		return
	}
	reason, ok, err := c.Suppressions.Suppressed(ctx, r.Address)
	switch {
	case err != nil:
		r.add(SuppressionError, err.Error())
		if r.Err == nil {
			r.Err = err
		}
	case ok:
		if reason == "" {
			reason = "suppressed"
		}
		r.add(Suppressed, reason)
	}
}
