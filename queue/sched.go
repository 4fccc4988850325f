package queue

import (
	"strings"
	"sync"
	"time"
)

// sched is the embedded store's index of its live messages, kept in
// memory and rebuilt from the records at Open: when each is due, its lease,
// and the lease order. The records on disk are the truth; nothing here is
// needed after a restart, which voids every lease (the process that held
// them is gone), so leasing writes nothing to disk.
//
// Lease order is start-time fair queuing over flows, a flow being one
// tenant's messages of one priority (see Priority): a message that comes
// due gets the tag max(v, the flow's finish), and its flow's finish moves to
// that tag plus 1/weight; leases take the lowest tag, and v follows the
// tags leased. Within a flow tags grow, so each flow is a FIFO; the flows
// with ready messages sit in a heap by their first message's tag.
type sched struct {
	mu      sync.Mutex
	byID    map[uint64]*entry
	waiting heap[*entry]               // not yet due, or leased until the lease's end; by (next, id)
	flows   map[flowKey]*flow          // every flow with a finish tag that still matters
	active  heap[*flow]                // flows with ready messages, by their first one's tag
	domains map[string]*heap[*entry]   // ready messages by destination domain, by tag
	leased  map[string]map[*entry]bool // entries with a lease token, by tenant
	intern  map[string]string
	v       float64
	wake    chan struct{} // closed and replaced when a message may have come due
}

type flowKey struct {
	tenant string
	prio   Priority
}

type flow struct {
	key         flowKey
	finish      float64
	first, last *entry // ready messages, in tag order
	pos         int
}

// entry is one live message. It is in exactly one place: the waiting heap
// (not due yet, or leased), its flow's list and its domain's heap (ready),
// or nowhere (held, or busy while a change to it is being committed).
type entry struct {
	id     uint64
	next   int64 // due time, or while leased the lease's end, in Unix ns
	tag    float64
	tenant string
	domain string
	prio   Priority
	held   bool
	busy   *op    // the operation committing a change to it
	token  string // lease token, "" if none
	leases int    // leases not yet counted in the record's Attempts

	flow       *flow
	prev, succ *entry // in the flow's list
	wpos, dpos int    // positions in waiting and in the domain's heap, -1 if out
}

func (e *entry) waitingLess(o *entry) bool {
	return e.next < o.next || (e.next == o.next && e.id < o.id)
}

func (e *entry) tagLess(o *entry) bool {
	return e.tag < o.tag || (e.tag == o.tag && e.id < o.id)
}

func (f *flow) less(o *flow) bool { return f.first.tagLess(o.first) }

func newSched() *sched {
	s := &sched{
		byID:    map[uint64]*entry{},
		flows:   map[flowKey]*flow{},
		domains: map[string]*heap[*entry]{},
		leased:  map[string]map[*entry]bool{},
		intern:  map[string]string{},
		wake:    make(chan struct{}),
	}
	s.waiting = heap[*entry]{less: (*entry).waitingLess, pos: func(e *entry) *int { return &e.wpos }}
	s.active = heap[*flow]{less: (*flow).less, pos: func(f *flow) *int { return &f.pos }}
	return s
}

// str interns v, a copy of it: v may be cut from a whole record
// (decoder.string), which it would keep in memory.
func (s *sched) str(v string) string {
	if c, ok := s.intern[v]; ok {
		return c
	}
	v = strings.Clone(v)
	s.intern[v] = v
	return v
}

// add indexes a live message.
func (s *sched) add(id uint64, m *Message) {
	e := &entry{id: id, next: m.NextAttempt.UnixNano(), tenant: s.str(m.Tenant), domain: s.str(m.Domain),
		prio: m.Priority, held: m.Held, wpos: -1, dpos: -1}
	s.byID[id] = e
	if !e.held {
		s.attach(e)
	}
}

// attach puts a detached entry back in the waiting heap (from where it is
// promoted when due) and wakes waiting lessees.
func (s *sched) attach(e *entry) {
	s.waiting.push(e)
	close(s.wake)
	s.wake = make(chan struct{})
}

// detach takes e out of the heaps and its flow.
func (s *sched) detach(e *entry) {
	if e.wpos >= 0 {
		s.waiting.remove(e)
	}
	if e.flow != nil {
		f := e.flow
		if e.prev != nil {
			e.prev.succ = e.succ
		} else {
			f.first = e.succ
		}
		if e.succ != nil {
			e.succ.prev = e.prev
		} else {
			f.last = e.prev
		}
		e.prev, e.succ, e.flow = nil, nil, nil
		switch {
		case f.first == nil:
			s.active.remove(f)
		case f.pos >= 0:
			s.active.fix(f)
		}
	}
	if e.dpos >= 0 {
		h := s.domains[e.domain]
		h.remove(e)
		if h.len() == 0 {
			delete(s.domains, e.domain)
		}
	}
}

// remove forgets a message.
func (s *sched) remove(e *entry) {
	s.detach(e)
	s.setToken(e, "")
	delete(s.byID, e.id)
}

// setToken sets or clears e's lease token, keeping the tenant's set of
// leased entries.
func (s *sched) setToken(e *entry, token string) {
	if e.token != "" {
		if set := s.leased[e.tenant]; set != nil {
			delete(set, e)
			if len(set) == 0 {
				delete(s.leased, e.tenant)
			}
		}
	}
	e.token = token
	if token != "" {
		set := s.leased[e.tenant]
		if set == nil {
			set = map[*entry]bool{}
			s.leased[e.tenant] = set
		}
		set[e] = true
	}
}

// leasedAt reports whether e is under a lease at now.
func (e *entry) leasedAt(now int64) bool { return e.token != "" && e.next > now }

// promote moves the messages due at now from the waiting heap to their
// flows, tagging each.
func (s *sched) promote(now int64) {
	for s.waiting.len() > 0 && s.waiting.min().next <= now {
		e := s.waiting.pop()
		k := flowKey{e.tenant, e.prio}
		f := s.flows[k]
		if f == nil {
			if len(s.flows) > 64 && len(s.flows) > 2*s.active.len() {
				s.sweepFlows()
			}
			f = &flow{key: k, finish: s.v, pos: -1}
			s.flows[k] = f
		}
		e.tag = max(s.v, f.finish)
		f.finish = e.tag + 1/float64(e.prio.Weight())
		e.flow, e.prev = f, f.last
		if f.last != nil {
			f.last.succ = e
		} else {
			f.first = e
		}
		f.last = e
		if f.pos < 0 {
			s.active.push(f)
		}
		if e.domain != "" {
			h := s.domains[e.domain]
			if h == nil {
				h = &heap[*entry]{less: (*entry).tagLess, pos: func(e *entry) *int { return &e.dpos }}
				s.domains[e.domain] = h
			}
			h.push(e)
		}
	}
}

// sweepFlows forgets idle flows whose finish tag no longer matters (a new
// message of theirs would start at v anyway).
func (s *sched) sweepFlows() {
	for k, f := range s.flows {
		if f.first == nil && f.finish <= s.v {
			delete(s.flows, k)
		}
	}
}

// lease takes up to req.Max ready messages in lease order and leases them
// with token until end; it returns their entries.
func (s *sched) lease(req *LeaseRequest, domain, token string) []*entry {
	now := req.Now.UnixNano()
	end := req.Now.Add(req.Duration).UnixNano()
	s.promote(now)
	var out []*entry
	// Tenants' leases out, counted when a cap applies.
	var out1 map[string]int
	capped := func(tenant string) bool {
		limit := req.Limit(tenant)
		if limit == 0 {
			return false
		}
		if out1 == nil {
			out1 = map[string]int{}
		}
		n, ok := out1[tenant]
		if !ok {
			for e := range s.leased[tenant] {
				if e.leasedAt(now) {
					n++
				}
			}
			out1[tenant] = n
		}
		return n >= limit
	}
	take := func(e *entry) {
		s.detach(e)
		s.v = max(s.v, e.tag)
		s.setToken(e, token)
		e.next = end
		e.leases++
		s.waiting.push(e)
		if out1 != nil {
			if _, ok := out1[e.tenant]; ok {
				out1[e.tenant]++
			}
		}
		out = append(out, e)
	}
	if domain == "" {
		var aside []*flow
		for len(out) < req.Max && s.active.len() > 0 {
			f := s.active.min()
			e := f.first
			// Messages promoted by a lease with a later Now than this
			// one's are not due yet for this one.
			if e.next > now || capped(e.tenant) {
				aside = append(aside, s.active.pop())
				continue
			}
			take(e)
		}
		for _, f := range aside {
			s.active.push(f)
		}
		return out
	}
	h := s.domains[domain]
	if h == nil {
		return nil
	}
	var aside []*entry
	for len(out) < req.Max && h.len() > 0 {
		e := h.min()
		if e.next > now || capped(e.tenant) {
			aside = append(aside, h.pop())
			continue
		}
		take(e)
	}
	if len(aside) > 0 {
		if h = s.domains[domain]; h == nil {
			h = &heap[*entry]{less: (*entry).tagLess, pos: func(e *entry) *int { return &e.dpos }}
			s.domains[domain] = h
		}
		for _, e := range aside {
			h.push(e)
		}
	}
	return out
}

// nextDue returns when the first waiting message comes due, if any.
func (s *sched) nextDue() (time.Time, bool) {
	if s.waiting.len() == 0 {
		return time.Time{}, false
	}
	return time.Unix(0, s.waiting.min().next), true
}

// heap is a binary min-heap that records each element's position, so that
// elements can be removed or fixed in place.
type heap[T any] struct {
	items []T
	less  func(a, b T) bool
	pos   func(T) *int
}

func (h *heap[T]) len() int { return len(h.items) }
func (h *heap[T]) min() T   { return h.items[0] }

func (h *heap[T]) push(x T) {
	h.items = append(h.items, x)
	*h.pos(x) = len(h.items) - 1
	h.up(len(h.items) - 1)
}

func (h *heap[T]) pop() T {
	x := h.items[0]
	h.remove(x)
	return x
}

func (h *heap[T]) remove(x T) {
	i := *h.pos(x)
	last := len(h.items) - 1
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = *new(T)
	h.items = h.items[:last]
	*h.pos(x) = -1
	if i != last {
		h.fixAt(i)
	}
}

func (h *heap[T]) fix(x T) { h.fixAt(*h.pos(x)) }

func (h *heap[T]) fixAt(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h *heap[T]) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	*h.pos(h.items[i]) = i
	*h.pos(h.items[j]) = j
}

func (h *heap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h.items[i], h.items[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *heap[T]) down(i int) bool {
	start := i
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && h.less(h.items[r], h.items[l]) {
			c = r
		}
		if !h.less(h.items[c], h.items[i]) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}
