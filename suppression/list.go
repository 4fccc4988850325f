package suppression

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mxkit/mxkit/address"
)

// Options configure a List. The zero value is a good default.
type Options struct {
	// SoftLimit is how many soft failures about a recipient (a full or
	// disabled mailbox) within SoftWindow suppress it; 0 means 3.
	SoftLimit int
	// SoftWindow is the period soft failures are counted over; 0 means
	// 15 days.
	SoftWindow time.Duration
	// SoftExpiry is how long a soft-bounce entry lasts (a full mailbox
	// may be emptied); 0 means 30 days, negative means for ever.
	SoftExpiry time.Duration
	// Logger receives notes on lost and resumed change feeds; nil is
	// silent.
	Logger *slog.Logger
}

// List is a suppression list: a Store with every entry cached in memory,
// so that Check, which every send asks, costs map lookups and no I/O.
// Changes made through the List reach its cache at once; changes made by
// other processes reach it through the Store's change feed when the Store
// is a Watcher (see the package documentation). It is safe for concurrent
// use.
type List struct {
	store Store
	opts  Options
	log   *slog.Logger
	seeds [2]maphash.Seed

	shards  [nShards]shard
	reasons names[Reason]
	tenants names[string]

	cancel context.CancelFunc
	done   chan struct{}
}

const nShards = 64

type shard struct {
	mu    sync.RWMutex
	m     map[ckey]cval
	count map[uint32]int // entries by tenant index
}

// set puts v at k and keeps the count by tenant; the caller holds s.mu.
func (s *shard) set(k ckey, v cval) {
	if old, ok := s.m[k]; ok {
		s.count[old.tenant]--
	}
	s.m[k] = v
	s.count[v.tenant]++
}

// del removes k and keeps the count by tenant; the caller holds s.mu.
func (s *shard) del(k ckey) {
	if old, ok := s.m[k]; ok {
		delete(s.m, k)
		s.count[old.tenant]--
	}
}

// The cache holds no pointers, so that the garbage collector never scans
// it: a list of a million entries would otherwise be marked on every
// collection, a cost every message pays (bench/pipeline -reputation, 100,000
// entries: about 12% more CPU per message). An entry's key is a 128-bit
// hash of its tenant and address under two random seeds (two different
// entries share one with a probability of about n²/2¹²⁹: 10⁻²⁷ for a
// million), and Check rebuilds the Match from what it asked for.
type ckey [2]uint64

type cval struct {
	expires int64  // Unix nanoseconds; 0 never
	reason  uint32 // index in the List's reasons
	tenant  uint32 // index in the List's tenants
}

// key returns the cache key of (tenant, addr).
func (l *List) key(tenant, addr string) ckey {
	var k ckey
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(tenant)))
	var h maphash.Hash
	for i, seed := range l.seeds {
		h.SetSeed(seed)
		h.Write(n[:])
		h.WriteString(tenant)
		h.WriteString(addr)
		k[i] = h.Sum64()
	}
	return k
}

// names numbers the reasons and tenants of the cache's entries, so that
// an entry holds an index instead of a string; reasons start with the
// known ones. name loads the table without a lock.
type names[T ~string] struct {
	mu   sync.RWMutex
	idx  map[T]uint32
	list atomic.Pointer[[]T]
}

func (t *names[T]) index(r T, known []T) uint32 {
	if i, ok := t.find(r); ok {
		return i
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.idx == nil {
		t.idx = make(map[T]uint32, len(known))
		list := slices.Clone(known)
		for i, x := range list {
			t.idx[x] = uint32(i)
		}
		t.list.Store(&list)
	}
	if i, ok := t.idx[r]; ok {
		return i
	}
	old := *t.list.Load()
	grown := append(old[:len(old):len(old)], r)
	t.idx[r] = uint32(len(grown) - 1)
	t.list.Store(&grown)
	return uint32(len(grown) - 1)
}

// find returns the index of r, if it has one.
func (t *names[T]) find(r T) (uint32, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i, ok := t.idx[r]
	return i, ok
}

func (t *names[T]) name(i uint32) T {
	if p := t.list.Load(); p != nil && int(i) < len(*p) {
		return (*p)[i]
	}
	return ""
}

// Match is the entry Check found.
type Match struct {
	// Address is the entry's address, or its domain for an entry that
	// covers the whole domain.
	Address string
	// Tenant is the entry's tenant, "" for an entry for all tenants.
	Tenant  string
	Reason  Reason
	Expires time.Time
}

// New loads every entry of store into memory and returns the List. When
// store is a Watcher, New returns once it listens for changes, and the
// List follows them until Close; if the feed is lost it listens again and
// reloads everything. The List does not close store.
func New(ctx context.Context, store Store, opts *Options) (*List, error) {
	l := &List{store: store, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, done: make(chan struct{})}
	if opts != nil {
		l.opts = *opts
	}
	if l.opts.SoftLimit <= 0 {
		l.opts.SoftLimit = 3
	}
	if l.opts.SoftWindow <= 0 {
		l.opts.SoftWindow = 15 * 24 * time.Hour
	}
	if l.opts.SoftExpiry == 0 {
		l.opts.SoftExpiry = 30 * 24 * time.Hour
	}
	l.log = l.opts.Logger
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	for i := range l.shards {
		l.shards[i].m, l.shards[i].count = make(map[ckey]cval), map[uint32]int{}
	}
	w, ok := store.(Watcher)
	if !ok {
		close(l.done)
		if err := l.reload(ctx); err != nil {
			return nil, err
		}
		return l, nil
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l.cancel = cancel
	first := make(chan error, 1)
	go l.watch(wctx, w, first)
	select {
	case err := <-first:
		if err != nil {
			cancel()
			<-l.done
			return nil, err
		}
	case <-ctx.Done():
		cancel()
		<-l.done
		return nil, ctx.Err()
	}
	return l, nil
}

// watch follows w's changes until ctx ends. The first Watch's outcome
// (loaded, or the error that stopped it first) goes to first.
func (l *List) watch(ctx context.Context, w Watcher, first chan<- error) {
	defer close(l.done)
	backoff := 100 * time.Millisecond
	for {
		loaded := false
		err := w.Watch(ctx, func() error {
			if err := l.reload(ctx); err != nil {
				return err
			}
			loaded = true
			if first != nil {
				first <- nil
				first = nil
			}
			return nil
		}, l.apply)
		if first != nil {
			if err == nil {
				err = errors.New("suppression: change feed ended before it started")
			}
			first <- err
			return
		}
		if ctx.Err() != nil {
			return
		}
		if loaded {
			backoff = 100 * time.Millisecond
		}
		l.log.Warn("suppression: change feed lost; listening again and reloading", "err", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// Close stops following the Store's changes. It does not close the Store.
func (l *List) Close() error {
	if l.cancel != nil {
		l.cancel()
	}
	<-l.done
	return nil
}

func (l *List) shard(k ckey) *shard {
	return &l.shards[k[1]%nShards]
}

// reload replaces the cache with every entry of the store.
func (l *List) reload(ctx context.Context) error {
	var fresh [nShards]shard
	for i := range fresh {
		s := &l.shards[i]
		s.mu.RLock()
		n := len(s.m)
		s.mu.RUnlock()
		fresh[i].m, fresh[i].count = make(map[ckey]cval, n), map[uint32]int{}
	}
	err := l.store.Scan(ctx, func(e Entry) error {
		k := l.key(e.Tenant, e.Address)
		fresh[k[1]%nShards].set(k, l.valOf(e.Tenant, e.Reason, e.Expires))
		return nil
	})
	if err != nil {
		return fmt.Errorf("suppression: loading the list: %w", err)
	}
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		s.m, s.count = fresh[i].m, fresh[i].count
		s.mu.Unlock()
	}
	return nil
}

// apply brings one change from the Store's feed into the cache.
func (l *List) apply(c Change) {
	if c.Reload {
		if err := l.reload(context.Background()); err != nil {
			l.log.Error("suppression: reload after a bulk change failed", "err", err)
		}
		return
	}
	if c.Deleted {
		l.forget(c.Tenant, c.Address)
		return
	}
	l.remember(c.Tenant, c.Address, c.Reason, c.Expires)
}

func (l *List) valOf(tenant string, r Reason, expires time.Time) cval {
	v := cval{reason: l.reasons.index(r, reasons[:]), tenant: l.tenants.index(tenant, nil)}
	if !expires.IsZero() {
		v.expires = expires.UnixNano()
	}
	return v
}

func (l *List) remember(tenant, addr string, r Reason, expires time.Time) {
	k := l.key(tenant, addr)
	v := l.valOf(tenant, r, expires)
	s := l.shard(k)
	s.mu.Lock()
	s.set(k, v)
	s.mu.Unlock()
}

func (l *List) forget(tenant, addr string) {
	k := l.key(tenant, addr)
	s := l.shard(k)
	s.mu.Lock()
	s.del(k)
	s.mu.Unlock()
}

// lookup finds the cached entry (tenant, key), expired or not.
func (l *List) lookup(tenant, key string) (cval, bool) {
	k := l.key(tenant, key)
	s := l.shard(k)
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}

// Count returns the number of tenant's own entries in the cache ("" for
// the entries of all tenants), expired ones included until purged: what
// a caller that lets tenants add entries bounds them by.
func (l *List) Count(tenant string) int {
	ti, ok := l.tenants.find(tenant)
	if !ok {
		return 0
	}
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.RLock()
		n += s.count[ti]
		s.mu.RUnlock()
	}
	return n
}

// Len returns the number of entries in the cache, expired ones included
// until purged.
func (l *List) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// Check reports whether mail from tenant to addr is suppressed, and by
// which entry: one for addr or for its domain, for tenant or for all
// tenants, not expired. addr is a mailbox as Normalize reads it; one that is
// not valid is not suppressed (it cannot be in the list). Check does no
// I/O and, for an address already in canonical form, no allocation.
func (l *List) Check(tenant, addr string) (Match, bool) {
	key, at := quickKey(addr)
	if at < 0 {
		k, err := Normalize(addr)
		if err != nil {
			return Match{}, false
		}
		key, at = k, lastAt(k)
		if at < 0 { // a domain was given
			return l.check(tenant, key, "")
		}
	}
	return l.check(tenant, key, key[at+1:])
}

func (l *List) check(tenant, key, domain string) (Match, bool) {
	var now int64
	try := func(t, k string) (Match, bool) {
		v, ok := l.lookup(t, k)
		if !ok {
			return Match{}, false
		}
		if v.expires != 0 {
			if now == 0 {
				now = time.Now().UnixNano()
			}
			if now >= v.expires {
				return Match{}, false
			}
		}
		m := Match{Address: k, Tenant: t, Reason: l.reasons.name(v.reason)}
		if v.expires != 0 {
			m.Expires = time.Unix(0, v.expires)
		}
		return m, true
	}
	if tenant != "" {
		if m, ok := try(tenant, key); ok {
			return m, true
		}
	}
	if m, ok := try("", key); ok {
		return m, true
	}
	if domain == "" {
		return Match{}, false
	}
	if tenant != "" {
		if m, ok := try(tenant, domain); ok {
			return m, true
		}
	}
	return try("", domain)
}

// quickKey returns addr and the index of its "@" when addr is already in
// canonical form as far as a scan can tell (printable ASCII, no upper
// case, no quotes or brackets, one "@" inside), or -1 when Normalize must
// decide. An address that passes but is not valid matches no entry.
func quickKey(addr string) (string, int) {
	at := -1
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case c <= ' ' || c >= 0x7f || 'A' <= c && c <= 'Z' || c == '"' || c == '\\' || c == '[':
			return "", -1
		case c == '@':
			if at >= 0 {
				return "", -1
			}
			at = i
		}
	}
	if at <= 0 || at == len(addr)-1 || addr[len(addr)-1] == '.' {
		return "", -1
	}
	return addr, at
}

func lastAt(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '@' {
			return i
		}
	}
	return -1
}

// Add suppresses an address or domain: e.Address is put in canonical
// form (Normalize), Created defaults to now. An entry already in force for the
// same tenant and address is kept unless the new one lasts longer (it
// has no expiry, or a later one); Add returns the entry in force and
// whether it added e. A repeated Add is thus harmless.
func (l *List) Add(ctx context.Context, e Entry) (Entry, bool, error) {
	k, err := Normalize(e.Address)
	if err != nil {
		return Entry{}, false, err
	}
	e.Address = k
	now := time.Now()
	if e.Created.IsZero() {
		e.Created = now
	}
	e.Created = e.Created.Truncate(time.Millisecond)
	e.Expires = e.Expires.Truncate(time.Millisecond)
	if err := e.Check(); err != nil {
		return Entry{}, false, err
	}
	if v, ok := l.lookup(e.Tenant, e.Address); ok && !lastsLonger(e.Expires, v.expires, now) {
		old, err := l.store.Get(ctx, e.Tenant, e.Address)
		if err == nil {
			return old, false, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Entry{}, false, err
		}
		// Gone from the store meanwhile (another process removed it):
		// add it again.
	}
	if err := l.store.Put(ctx, e); err != nil {
		return Entry{}, false, fmt.Errorf("suppression: %w", err)
	}
	l.remember(e.Tenant, e.Address, e.Reason, e.Expires)
	return e, true, nil
}

// lastsLonger reports whether an entry expiring at exp outlasts a cached
// one expiring at old (Unix nanoseconds, 0 never), or replaces one that
// already expired at now.
func lastsLonger(exp time.Time, old int64, now time.Time) bool {
	switch {
	case old == 0:
		return false
	case old <= now.UnixNano():
		return true
	case exp.IsZero():
		return true
	}
	return exp.UnixNano() > old
}

// Remove deletes the entry for tenant ("" for all) and addr (a mailbox or
// domain); ErrNotFound if there is none.
func (l *List) Remove(ctx context.Context, tenant, addr string) error {
	k, err := Normalize(addr)
	if err != nil {
		return err
	}
	if err := l.store.Delete(ctx, tenant, k); err != nil {
		if !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("suppression: %w", err)
		}
		l.forget(tenant, k)
		return err
	}
	l.forget(tenant, k)
	return nil
}

// Get returns the whole entry for tenant and addr, evidence included,
// from the Store.
func (l *List) Get(ctx context.Context, tenant, addr string) (Entry, error) {
	k, err := Normalize(addr)
	if err != nil {
		return Entry{}, err
	}
	return l.store.Get(ctx, tenant, k)
}

// Purge removes expired entries from the Store and the cache and returns
// how many the Store removed. Expired entries suppress nothing, so
// purging is housekeeping: run it now and then (daily, say).
func (l *List) Purge(ctx context.Context) (int, error) {
	now := time.Now()
	n, err := l.store.Purge(ctx, now)
	if err != nil {
		return n, fmt.Errorf("suppression: %w", err)
	}
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for k, v := range s.m {
			if v.expires != 0 && v.expires <= now.UnixNano() {
				s.del(k)
			}
		}
		s.mu.Unlock()
	}
	return n, nil
}

// Tenant is the list as one tenant's mail sees it.
type Tenant struct {
	l      *List
	tenant string
}

// ForTenant returns the list as tenant's mail sees it (its own entries and
// those for all tenants). Its Suppressed method is what verify.Checker
// asks (it satisfies verify.Suppressions).
func (l *List) ForTenant(tenant string) Tenant { return Tenant{l, tenant} }

// Suppressed reports whether mail to a is suppressed, with the entry's
// reason and what it names. It does no I/O and never fails.
func (t Tenant) Suppressed(_ context.Context, a address.Address) (string, bool, error) {
	m, ok := t.l.Check(t.tenant, a.String())
	if !ok {
		return "", false, nil
	}
	return string(m.Reason) + " (" + m.Address + ")", true, nil
}
