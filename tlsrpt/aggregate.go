package tlsrpt

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// Result is how TLS came out for one SMTP session under the policy in
// force, or for one attempt to fetch that policy (RFC 8460 §4.3). A
// sender reports one per session to an [Aggregator].
type Result struct {
	Time   time.Time // when; zero means now. It decides the report's day (UTC).
	Policy Policy    // the policy in force: type, domain, strings, mx-host
	// MXHost, MXHelo, ReceivingIP and SendingIP name the session; MXHelo
	// is the name in the server's greeting, when known.
	MXHost      string
	MXHelo      string
	ReceivingIP netip.Addr
	SendingIP   netip.Addr
	// Success reports a session that negotiated TLS as the policy
	// requires (for no-policy-found: that negotiated TLS at all).
	Success bool
	// ResultType and Reason describe a failure: its type, and the error as
	// text (failure-reason-code).
	ResultType ResultType
	Reason     string
}

// Limits on what one report holds, so that a destination with endless
// distinct failures cannot grow the counts without end.
const (
	// maxFailureGroups bounds the failure details of one policy in one
	// day; failures past it are counted by result type alone.
	maxFailureGroups = 1000
	// maxReasonLen bounds failure-reason-code.
	maxReasonLen = 256
)

// Aggregator counts Results per UTC day, policy domain and policy, and
// builds and sends the daily reports (RFC 8460 §4.1). Add is cheap and
// does no I/O; Flush writes what was added to the Store, which keeps the
// counts across restarts. OrganizationName and ContactInfo must be set
// to build reports. It is safe for concurrent use.
type Aggregator struct {
	// OrganizationName and ContactInfo (the reporter's address) go into
	// every report (RFC 8460 §4.4); the domain of ContactInfo is the
	// submitter of the report mail (§5.3).
	OrganizationName string
	ContactInfo      string
	// UniqueID, letters and digits, tells apart the reports of several
	// sending systems that report under one ContactInfo: it goes into the
	// report-id and the file name (RFC 8460 §5.1). Empty for none.
	UniqueID string
	// Store keeps the counts and the delivery state of the reports; nil
	// keeps them in memory, lost when the process ends.
	Store Store
	// Delay is how long after a UTC day ends its reports are sent (RFC
	// 8460 §4.1: after some delay, perhaps several hours); default 2h.
	Delay time.Duration
	// Logger receives what SendDue does; nil is silent.
	Logger *slog.Logger

	mu      sync.Mutex
	pending map[policyKey]*tally // added since the last Flush
	closed  time.Time            // days before it are reported; later results for them are dropped
	mem     memStore             // the Store when Store is nil
	sending sync.Mutex           // one SendDue at a time

	storeMu sync.Mutex         // orders the writes to the Store
	lines   map[int64]dayLines // by day: how many records the Store holds, when known
}

// dayLines counts a day's records in the Store: lines now, and merged
// after the last compaction.
type dayLines struct{ lines, merged int }

// compactSlack is how many records beyond twice the merged ones a day may
// gather before it is compacted.
const compactSlack = 1000

// policyKey identifies the counts of one policy on one day.
type policyKey struct {
	day     int64 // Unix seconds of the day's start
	domain  string
	typ     PolicyType
	strings string // Policy.Strings joined by NUL
	mx      string // Policy.MXHost joined by NUL
}

// failKey identifies one failure detail.
type failKey struct {
	typ        ResultType
	sending    netip.Addr
	receiving  netip.Addr
	mxHost     string
	mxHelo     string
	overflowed bool // the detail for failures past maxFailureGroups
}

// tally is the counts of one policy on one day.
type tally struct {
	policy   Policy
	success  int64
	failures map[failKey]*FailureDetail
}

func newTally(p Policy) *tally {
	return &tally{policy: p, failures: map[failKey]*FailureDetail{}}
}

func keyOf(day time.Time, p *Policy) policyKey {
	return policyKey{day: day.Unix(), domain: p.Domain, typ: p.Type,
		strings: strings.Join(p.Strings, "\x00"), mx: strings.Join(p.MXHost, "\x00")}
}

// addFailure adds n failures of f's kind; the first reason seen stays.
func (t *tally) addFailure(f FailureDetail, n int64) {
	k := failKey{typ: f.ResultType, sending: f.SendingMTAIP, receiving: f.ReceivingIP,
		mxHost: f.ReceivingMXHostname, mxHelo: f.ReceivingMXHelo}
	if _, ok := t.failures[k]; !ok && len(t.failures) >= maxFailureGroups {
		k = failKey{typ: f.ResultType, overflowed: true}
		f = FailureDetail{ResultType: f.ResultType,
			FailureReasonCode: "failures past the report's limit of distinct hosts and addresses"}
	}
	d := t.failures[k]
	if d == nil {
		f.FailedSessionCount = 0
		d = &f
		t.failures[k] = d
	}
	d.FailedSessionCount += n
}

// merge adds the counts of u to t.
func (t *tally) merge(u *tally) {
	t.success += u.success
	for _, f := range u.failures {
		t.addFailure(*f, f.FailedSessionCount)
	}
}

// Add counts one result. Results of a day whose reports SendDue has
// begun to send are dropped, as are results without a policy domain or
// type.
func (a *Aggregator) Add(r Result) {
	if r.Policy.Domain == "" || r.Policy.Type == "" {
		return
	}
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	day := dayOf(t)
	p := r.Policy
	p.Domain = strings.ToLower(strings.TrimSuffix(p.Domain, "."))
	k := keyOf(day, &p)
	a.mu.Lock()
	defer a.mu.Unlock()
	if day.Before(a.closed) {
		return
	}
	if a.pending == nil {
		a.pending = map[policyKey]*tally{}
	}
	tl := a.pending[k]
	if tl == nil {
		p.Strings, p.MXHost = slices.Clone(p.Strings), slices.Clone(p.MXHost) // the caller's may change
		tl = newTally(p)
		a.pending[k] = tl
	}
	if r.Success {
		tl.success++
		return
	}
	typ := r.ResultType
	if typ == "" {
		typ = ResultValidationFailure // §4.3.3: a failure of no other type
	}
	reason := r.Reason
	if len(reason) > maxReasonLen {
		reason = strings.ToValidUTF8(reason[:maxReasonLen], "")
	}
	tl.addFailure(FailureDetail{ResultType: typ, SendingMTAIP: r.SendingIP.Unmap(), ReceivingIP: r.ReceivingIP.Unmap(),
		ReceivingMXHostname: r.MXHost, ReceivingMXHelo: r.MXHelo, FailureReasonCode: reason}, 1)
}

// dayOf returns the start of t's UTC day.
func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// entry is one line in the Store: counts of a policy, or a delivery
// attempt of a report.
type entry struct {
	Policy   *Policy         `json:"policy,omitempty"`
	Success  int64           `json:"success,omitempty"`
	Failures []FailureDetail `json:"failures,omitempty"`
	Attempt  *attempt        `json:"attempt,omitempty"`
}

// attempt is one try to deliver a day's report for a domain.
type attempt struct {
	Domain string    `json:"domain"`
	At     time.Time `json:"at"`
	Status Status    `json:"status"`
	To     string    `json:"to,omitempty"`
	Err    string    `json:"err,omitempty"`
}

func (a *Aggregator) store() Store {
	if a.Store != nil {
		return a.Store
	}
	return &a.mem
}

// Flush writes the counts added since the last Flush to the Store. On
// failure they are kept, to be written by the next Flush. A process that
// wants its counts to survive a crash calls it often (every minute, say)
// and before it exits.
func (a *Aggregator) Flush(ctx context.Context) error {
	a.mu.Lock()
	pending := a.pending
	a.pending = nil
	a.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	byDay := map[int64][][]byte{}
	for k, t := range pending {
		e := entry{Policy: &t.policy, Success: t.success, Failures: t.details()}
		b, err := json.Marshal(&e)
		if err != nil {
			return fmt.Errorf("tlsrpt: %w", err) // no value here fails to marshal
		}
		byDay[k.day] = append(byDay[k.day], b)
	}
	var errs []error
	for day, lines := range byDay {
		if err := a.appendDay(ctx, time.Unix(day, 0).UTC(), lines); err != nil {
			errs = append(errs, err)
			a.restore(pending, day)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("tlsrpt: storing counts: %w", errors.Join(errs...))
	}
	return nil
}

// restore puts back the counts of day that could not be stored.
func (a *Aggregator) restore(pending map[policyKey]*tally, day int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending == nil {
		a.pending = map[policyKey]*tally{}
	}
	for k, t := range pending {
		if k.day != day {
			continue
		}
		if cur := a.pending[k]; cur != nil {
			cur.merge(t)
		} else {
			a.pending[k] = t
		}
	}
}

// details returns the failure details, most frequent first; nil for none.
func (t *tally) details() []FailureDetail {
	if len(t.failures) == 0 {
		return nil
	}
	out := make([]FailureDetail, 0, len(t.failures))
	for _, f := range t.failures {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(x, y FailureDetail) int {
		return cmp.Or(cmp.Compare(y.FailedSessionCount, x.FailedSessionCount), cmp.Compare(x.ResultType, y.ResultType),
			cmp.Compare(x.ReceivingMXHostname, y.ReceivingMXHostname), x.ReceivingIP.Compare(y.ReceivingIP),
			x.SendingMTAIP.Compare(y.SendingMTAIP), cmp.Compare(x.ReceivingMXHelo, y.ReceivingMXHelo))
	})
	return out
}

// dayState is what the Store holds for one day: counts per domain and
// policy, and the delivery attempts per domain.
type dayState struct {
	tallies  map[string]map[policyKey]*tally // by domain
	attempts map[string][]attempt            // by domain
	bad      int                             // lines that did not decode
}

func (a *Aggregator) load(ctx context.Context, day time.Time) (*dayState, error) {
	lines, err := a.store().Read(ctx, day)
	if err != nil {
		return nil, fmt.Errorf("tlsrpt: reading counts of %s: %w", day.Format(time.DateOnly), err)
	}
	return decodeDay(day, lines), nil
}

// decodeDay merges the records of day.
func decodeDay(day time.Time, lines [][]byte) *dayState {
	st := &dayState{tallies: map[string]map[policyKey]*tally{}, attempts: map[string][]attempt{}}
	for _, line := range lines {
		var e entry
		if err := json.Unmarshal(line, &e); err != nil {
			st.bad++
			continue
		}
		switch {
		case e.Attempt != nil:
			st.attempts[e.Attempt.Domain] = append(st.attempts[e.Attempt.Domain], *e.Attempt)
		case e.Policy != nil && e.Policy.Domain != "" && e.Policy.Type != "":
			k := keyOf(day, e.Policy)
			byPolicy := st.tallies[k.domain]
			if byPolicy == nil {
				byPolicy = map[policyKey]*tally{}
				st.tallies[k.domain] = byPolicy
			}
			t := byPolicy[k]
			if t == nil {
				t = newTally(*e.Policy)
				byPolicy[k] = t
			}
			t.success += max(e.Success, 0)
			for _, f := range e.Failures {
				if f.ResultType != "" && f.FailedSessionCount > 0 {
					t.addFailure(f, f.FailedSessionCount)
				}
			}
		default:
			st.bad++
		}
	}
	return st
}

// encode returns the records of st: one per policy, then the attempts.
func (st *dayState) encode() ([][]byte, error) {
	var out [][]byte
	for _, domain := range slices.Sorted(maps.Keys(st.tallies)) {
		for _, t := range st.tallies[domain] {
			b, err := json.Marshal(entry{Policy: &t.policy, Success: t.success, Failures: t.details()})
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	}
	for _, domain := range slices.Sorted(maps.Keys(st.attempts)) {
		for i := range st.attempts[domain] {
			b, err := json.Marshal(entry{Attempt: &st.attempts[domain][i]})
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	}
	return out, nil
}

// appendDay appends records to day in the Store, and compacts the day
// when its records have grown past twice the merged ones (and when their
// number is not known yet, after a start), so that a day's records stay
// about as many as its policies however often Flush runs.
func (a *Aggregator) appendDay(ctx context.Context, day time.Time, records [][]byte) error {
	a.storeMu.Lock()
	defer a.storeMu.Unlock()
	if err := a.store().Append(ctx, day, records); err != nil {
		return err
	}
	if a.lines == nil {
		a.lines = map[int64]dayLines{}
	}
	n, known := a.lines[day.Unix()]
	n.lines += len(records)
	a.lines[day.Unix()] = n
	if known && n.lines <= 2*n.merged+compactSlack {
		return nil
	}
	// The records are stored: a failed compaction loses nothing and is
	// tried again at the next append.
	if err := a.compact(ctx, day); err != nil {
		delete(a.lines, day.Unix())
		a.log(ctx, slog.LevelWarn, "tlsrpt: compacting the stored counts failed", "day", day.Format(time.DateOnly), "err", err)
	}
	return nil
}

// compact replaces day's records with their merge. a.storeMu is held.
func (a *Aggregator) compact(ctx context.Context, day time.Time) error {
	lines, err := a.store().Read(ctx, day)
	if err != nil {
		return err
	}
	merged, err := decodeDay(day, lines).encode()
	if err != nil {
		return err
	}
	if err := a.store().Replace(ctx, day, merged); err != nil {
		return err
	}
	a.lines[day.Unix()] = dayLines{lines: len(merged), merged: len(merged)}
	return nil
}

// removeDay removes day from the Store.
func (a *Aggregator) removeDay(ctx context.Context, day time.Time) error {
	a.storeMu.Lock()
	defer a.storeMu.Unlock()
	delete(a.lines, day.Unix())
	return a.store().Remove(ctx, day)
}

// report builds the report of one domain for day.
func (a *Aggregator) report(day time.Time, domain string, byPolicy map[policyKey]*tally) *Report {
	rep := &Report{
		OrganizationName: a.OrganizationName,
		DateRange:        DateRange{Start: day, End: day.Add(24*time.Hour - time.Second)},
		ContactInfo:      a.ContactInfo,
		ReportID:         day.Format("2006-01-02T15:04:05Z") + "_" + domain,
		Policies:         []PolicyResult{},
	}
	if u := alnum(a.UniqueID); u != "" {
		rep.ReportID += "_" + u
	}
	keys := slices.SortedFunc(maps.Keys(byPolicy), func(x, y policyKey) int {
		return cmp.Or(cmp.Compare(x.typ, y.typ), cmp.Compare(x.strings, y.strings), cmp.Compare(x.mx, y.mx))
	})
	for _, k := range keys {
		t := byPolicy[k]
		pr := PolicyResult{Policy: t.policy, Summary: Summary{TotalSuccessfulSessionCount: t.success}}
		pr.FailureDetails = t.details()
		for _, f := range pr.FailureDetails {
			pr.Summary.TotalFailureSessionCount += f.FailedSessionCount
		}
		rep.Policies = append(rep.Policies, pr)
	}
	return rep
}

// Reports returns the reports of day, one per policy domain in the order
// of the domains' names, from what was stored and what was added since
// the last Flush (which it does first). day is any time in the UTC day.
func (a *Aggregator) Reports(ctx context.Context, day time.Time) ([]*Report, error) {
	if err := a.checkConfig(); err != nil {
		return nil, err
	}
	if err := a.Flush(ctx); err != nil {
		return nil, err
	}
	day = dayOf(day)
	st, err := a.load(ctx, day)
	if err != nil {
		return nil, err
	}
	var reps []*Report
	for _, domain := range slices.Sorted(maps.Keys(st.tallies)) {
		reps = append(reps, a.report(day, domain, st.tallies[domain]))
	}
	return reps, nil
}

// Discard forgets the counts of day (any time in the UTC day) and of the
// days before it that are still pending, and drops results that come for
// them later. It is for a caller that sends the reports of Reports its own
// way; SendDue forgets the days it has settled by itself.
func (a *Aggregator) Discard(ctx context.Context, day time.Time) error {
	day = dayOf(day)
	a.mu.Lock()
	if next := day.Add(24 * time.Hour); a.closed.Before(next) {
		a.closed = next
	}
	for k := range a.pending {
		if k.day <= day.Unix() {
			delete(a.pending, k)
		}
	}
	a.mu.Unlock()
	if err := a.removeDay(ctx, day); err != nil {
		return fmt.Errorf("tlsrpt: removing %s: %w", day.Format(time.DateOnly), err)
	}
	return nil
}

func (a *Aggregator) checkConfig() error {
	if strings.TrimSpace(a.OrganizationName) == "" || Submitter(a.ContactInfo) == "" {
		return errors.New("tlsrpt: Aggregator needs OrganizationName and ContactInfo (an address)")
	}
	return nil
}
