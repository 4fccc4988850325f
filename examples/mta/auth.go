package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// account is a user of smtp.users. It logs in with its password (SMTP
// AUTH, HTTP Basic) or one of its API tokens; its name is the tenant of
// the messages it submits, so it scopes their idempotency keys. A nil
// *account is the operator (a trusted network, an http.api_tokens token,
// an API without credentials), who may send as anyone and has no tenant.
type account struct {
	name string
	from []string // senders it may use: "a@example.com", "@example.com" or "*"
	hash []byte   // bcrypt hash of the password, or nil
	pass []byte   // the password in clear, or nil
}

// tenant is the tenant of a's messages.
func (a *account) tenant() string {
	if a == nil {
		return ""
	}
	return a.name
}

// mayUse reports whether a may send as addr (envelope sender, From or
// Sender): RFC 6409 §4.3 lets a submission server refuse senders it cannot
// vouch for, and signing them would lend them this MTA's DKIM keys.
// Domains are compared in ASCII only: Unicode case folding would take
// "ſhop.example" for "shop.example".
func (a *account) mayUse(addr string) bool {
	if a == nil {
		return true
	}
	at := strings.LastIndexByte(addr, '@') // a quoted local part may hold one
	for _, f := range a.from {
		switch {
		case f == "*":
			return true
		case strings.HasPrefix(f, "@"):
			if at > 0 && asciiEqualFold(addr[at+1:], f[1:]) {
				return true
			}
		case asciiEqualFold(f, addr):
			return true
		}
	}
	return false
}

// mayUseDomain reports whether a may sign with the keys of domain: it
// may use the whole domain, or an address in it.
func (a *account) mayUseDomain(domain string) bool {
	if a == nil {
		return true
	}
	for _, f := range a.from {
		at := strings.LastIndexByte(f, '@')
		if f == "*" || at >= 0 && asciiEqualFold(f[at+1:], domain) {
			return true
		}
	}
	return false
}

// asciiEqualFold is strings.EqualFold for ASCII letters only.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Login errors.
var (
	errLoginFailed = errors.New("login failed")
	errLoginBusy   = errors.New("too many logins being checked; try again later")
)

// passwords checks logins. Every check that reaches a password costs one
// bcrypt comparison at the same cost whether the user exists and however
// its password is kept (in clear, it is compared in constant time as
// well), so the time a failure takes tells nothing about the users; and
// at most slots comparisons run at once, fewer than the cores, so that a
// flood of logins cannot starve delivery. A user's last good password is
// remembered (as a keyed MAC) for a few minutes, so that an API client
// sending with HTTP Basic pays for bcrypt once, not per request.
type passwords struct {
	users  map[string]*account
	dummy  []byte        // compared against when the user has no hash
	slots  chan struct{} // one per bcrypt comparison allowed at once
	macKey [32]byte

	mu     sync.Mutex
	recent map[string]goodLogin

	compares     atomic.Int64 // bcrypt comparisons made
	active, peak atomic.Int64 // comparisons running, and the most at once
}

type goodLogin struct {
	mac   [sha256.Size]byte
	until time.Time
}

// recentLogin is how long a good password is remembered.
const recentLogin = 5 * time.Minute

// newPasswords makes the checker of users. The dummy hash has the
// highest cost among the users' hashes (bcrypt's default without any), so
// that an unknown user or one with a password in clear costs no less
// than a known one; users whose hash is cheaper than that are returned,
// as their logins are faster.
func newPasswords(users map[string]*account) (*passwords, []string) {
	p := &passwords{
		users:  users,
		slots:  make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)),
		recent: map[string]goodLogin{},
	}
	rand.Read(p.macKey[:])
	cost := 0
	for _, u := range users {
		if c, err := bcrypt.Cost(u.hash); err == nil {
			cost = max(cost, c)
		}
	}
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	var cheaper []string
	for name, u := range users {
		if c, err := bcrypt.Cost(u.hash); err == nil && c < cost {
			cheaper = append(cheaper, name)
		}
	}
	// Nobody knows the dummy's password: it is random.
	var secret [32]byte
	rand.Read(secret[:])
	p.dummy, _ = bcrypt.GenerateFromPassword(secret[:16], cost)
	return p, cheaper
}

// check returns the account that user and pass log in as, errLoginFailed,
// or errLoginBusy (or ctx's error) when no comparison could start before
// ctx ended.
func (p *passwords) check(ctx context.Context, user, pass string) (*account, error) {
	u := p.users[user]
	if p.remembered(user, pass) && u != nil {
		return u, nil
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, errLoginBusy
	}
	hash := p.dummy
	if u != nil && u.hash != nil {
		hash = u.hash
	}
	n := p.active.Add(1)
	for peak := p.peak.Load(); n > peak && !p.peak.CompareAndSwap(peak, n); peak = p.peak.Load() {
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(pass)) == nil
	p.compares.Add(1)
	p.active.Add(-1)
	<-p.slots
	switch {
	case u == nil:
		return nil, errLoginFailed
	case u.hash == nil:
		// The comparison above was with the dummy, for its time only.
		ok = u.pass != nil && subtle.ConstantTimeCompare(u.pass, []byte(pass)) == 1
	}
	if !ok {
		return nil, errLoginFailed
	}
	p.mu.Lock()
	p.recent[user] = goodLogin{mac: p.mac(user, pass), until: time.Now().Add(recentLogin)}
	p.mu.Unlock()
	return u, nil
}

func (p *passwords) mac(user, pass string) [sha256.Size]byte {
	h := hmac.New(sha256.New, p.macKey[:])
	h.Write([]byte(user))
	h.Write([]byte{0})
	h.Write([]byte(pass))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// remembered reports whether pass is user's password of a recent good
// login.
func (p *passwords) remembered(user, pass string) bool {
	mac := p.mac(user, pass)
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.recent[user]
	return ok && time.Now().Before(g.until) && hmac.Equal(g.mac[:], mac[:])
}

// loginLimits counts failed logins per client (an IPv4 address or an
// IPv6 /64) and per user name, whether the user exists or not. After max
// failures the key is blocked for block, and each block that follows
// doubles, up to maxBlock; a key is forgotten after maxBlock without
// failures. A good login clears its user's count, not its client's: one
// valid account must not reset a client's guesses at others.
type loginLimits struct {
	max   int
	block time.Duration
	now   func() time.Time // time.Now; tests move it

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	n      int       // since the last block
	blocks int       // blocks so far
	last   time.Time // the last failure
	until  time.Time // blocked until then
}

const (
	maxBlock      = time.Hour
	maxLoginsKept = 1 << 16 // keys remembered at most
)

func newLoginLimits(max int, block time.Duration) *loginLimits {
	return &loginLimits{max: max, block: block, now: time.Now, keys: map[string]*failures{}}
}

// clientKey and userKey name what failures are counted against.
func clientKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "client " + p.String()
	}
	return "client " + a.String()
}

func userKey(name string) string {
	// The name is the client's, up to a header's or a command line's
	// length: a long one is keyed by its hash, so that the table of
	// failures (maxLoginsKept keys) stays small whatever names come.
	if len(name) > maxKeyedName {
		sum := sha256.Sum256([]byte(name))
		return "user sha256:" + hex.EncodeToString(sum[:])
	}
	return "user " + name
}

// maxKeyedName is the longest user name kept as it is in a failure key.
const maxKeyedName = 64

// blocked returns when the latest block among keys ends, or the zero
// time if none is blocked.
func (l *loginLimits) blocked(keys ...string) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var until time.Time
	for _, k := range keys {
		if f := l.keys[k]; f != nil && f.until.After(now) && f.until.After(until) {
			until = f.until
		}
	}
	return until
}

// failed counts a failure against each key.
func (l *loginLimits) failed(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		f := l.keys[k]
		if f == nil || now.Sub(f.last) > maxBlock && !f.until.After(now) {
			if len(l.keys) >= maxLoginsKept {
				l.makeRoom(now)
			}
			f = &failures{}
			l.keys[k] = f
		}
		f.n++
		f.last = now
		if f.n >= l.max {
			d := l.block
			for i := 0; i < f.blocks && d < maxBlock; i++ {
				d *= 2
			}
			f.until = now.Add(min(d, max(maxBlock, l.block)))
			f.blocks++
			f.n = 0
		}
	}
}

// succeeded clears the count of key unless it is blocked.
func (l *loginLimits) succeeded(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.keys[key]; f != nil && !f.until.After(l.now()) {
		delete(l.keys, key)
	}
}

// makeRoom forgets the keys quiet for maxBlock and, if that is not
// enough, others not blocked, until an eighth of the table is free.
func (l *loginLimits) makeRoom(now time.Time) {
	for k, f := range l.keys {
		if now.Sub(f.last) > maxBlock && !f.until.After(now) {
			delete(l.keys, k)
		}
	}
	for k, f := range l.keys {
		if len(l.keys) <= maxLoginsKept*7/8 {
			return
		}
		if !f.until.After(now) {
			delete(l.keys, k)
		}
	}
}
