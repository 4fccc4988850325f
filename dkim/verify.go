package dkim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/emersion/go-msgauth/authres"
	"github.com/mxkit/mxkit/resolver"
)

// Status is the outcome of checking one signature, named as in
// Authentication-Results (RFC 8601 §2.7.1).
type Status string

const (
	None      Status = "none"      // no signature
	Pass      Status = "pass"      // the signature verified
	Fail      Status = "fail"      // it did not (body or header changed, l= used)
	Neutral   Status = "neutral"   // it failed, but the key is in testing mode (t=y)
	Temperror Status = "temperror" // the key could not be fetched now: try later
	Permerror Status = "permerror" // it cannot be checked: syntax, key missing or revoked, algorithm
)

// Result is the outcome for one DKIM-Signature field, in the order they
// appear in the message.
type Result struct {
	Domain     string // d=
	Selector   string // s=
	Algorithm  string // a=, such as "rsa-sha256" or "ed25519-sha256"
	Identifier string // i=, or "@" + Domain when absent (RFC 6376 §3.5)
	HeaderKeys []string
	Time       time.Time // t=, zero if absent
	Expiration time.Time // x=, zero if absent
	Status     Status
	Err        error // why, when Status is not Pass; wraps the sentinels below
}

// AuthResult returns the result as a dkim method entry of an
// Authentication-Results field (RFC 8601 §2.7.1).
func (r Result) AuthResult() *authres.DKIMResult {
	a := &authres.DKIMResult{Value: authres.ResultValue(r.Status), Domain: r.Domain, Identifier: r.Identifier}
	if r.Err != nil {
		a.Reason = strings.TrimPrefix(r.Err.Error(), "dkim: ")
	}
	return a
}

// Verification errors, wrapped in Result.Err.
var (
	ErrSyntax         = errors.New("dkim: malformed signature")             // permerror
	ErrExpired        = errors.New("dkim: signature expired")               // permerror
	ErrAlgorithm      = errors.New("dkim: unsupported or weak algorithm")   // permerror
	ErrKeyNotFound    = errors.New("dkim: no key for signature")            // permerror (NXDOMAIN, NODATA)
	ErrKeyUnavailable = errors.New("dkim: key unavailable")                 // temperror (timeout, SERVFAIL)
	ErrKeyRevoked     = errors.New("dkim: key revoked")                     // permerror (empty p=)
	ErrKeySyntax      = errors.New("dkim: malformed key record")            // permerror
	ErrBodyLength     = errors.New("dkim: signature has an l= body length") // fail: l= lets content be appended
	ErrBodyHash       = errors.New("dkim: body hash did not verify")        // fail
	ErrSignature      = errors.New("dkim: signature did not verify")        // fail
)

// DefaultMaxSignatures is the number of signatures checked when
// Verifier.MaxSignatures is zero.
const DefaultMaxSignatures = 8

// Verifier checks DKIM signatures (RFC 6376 §6). The zero value needs only
// a Resolver. It is safe for concurrent use; use it through a pointer and
// do not copy it after first use.
type Verifier struct {
	// Resolver fetches the public keys; required.
	Resolver resolver.Resolver
	// MaxSignatures is the most signatures checked per message, the first
	// ones in the header; the rest are ignored (RFC 6376 §6.1 lets
	// verifiers limit them). 0 means DefaultMaxSignatures.
	MaxSignatures int
	// MaxHeaderBytes bounds the message header; 0 means 1 MiB.
	MaxHeaderBytes int

	keys   keyCache  // parsed key records, by their text
	states sync.Pool // *verifyState
}

// verifyState is what checking one message needs beyond its header:
// pooled, so that a message verifies without allocating in proportion to
// its size.
type verifyState struct {
	relaxed, simple *bodyHasher
	hash            hash256
	can             []byte      // a canonical header field
	picked          []pickCount // header names picked so far
	sum             [sha256.Size]byte
}

// hash256 is the header hash, SHA-256 as every accepted a= has it.
type hash256 = interface {
	io.Writer
	Sum([]byte) []byte
	Reset()
}

// Verify reads a message from r and checks its DKIM signatures, returning
// one Result per signature checked (none for an unsigned message). The body
// streams through once for all signatures, canonicalized and hashed by the
// same code as the Signer's, once per canonicalization the signatures ask
// for. The error is for a message that cannot be read (I/O, header too
// large, ctx done), not for bad signatures.
//
// Every verdict is the one github.com/emersion/go-msgauth/dkim gives for
// the same input (its canonicalization, tag and key record parsing, and
// the order of its checks), which the tests check on the same inputs.
func (v *Verifier) Verify(ctx context.Context, r io.Reader) ([]Result, error) {
	if v.Resolver == nil {
		return nil, errors.New("dkim: Verifier has no Resolver")
	}
	max := v.MaxHeaderBytes
	if max <= 0 {
		max = DefaultMaxHeaderBytes
	}
	limit := v.MaxSignatures
	if limit <= 0 {
		limit = DefaultMaxSignatures
	}
	raw, _, rest, ended, err := readRawHeader(ctxReader{ctx, r}, max)
	if err != nil {
		return nil, err
	}
	fields := verifyFields(raw)
	var checks []sigCheck
	for i := range fields {
		if strings.EqualFold(fields[i].key, "DKIM-Signature") && len(checks) < limit {
			checks = append(checks, sigCheck{field: i})
		}
	}
	if len(checks) == 0 {
		return nil, nil
	}
	results := make([]Result, len(checks))
	var wantRelaxed, wantSimple bool
	for i := range checks {
		c := &checks[i]
		f := fields[c.field]
		results[i] = describe(f.raw)
		c.prepare(ctx, v, f, &results[i])
		if results[i].Status == "" {
			wantRelaxed = wantRelaxed || c.bodyRelaxed
			wantSimple = wantSimple || !c.bodyRelaxed
		}
	}
	if !wantRelaxed && !wantSimple {
		return results, nil
	}

	st, _ := v.states.Get().(*verifyState)
	if st == nil {
		st = &verifyState{relaxed: newBodyHasher(), simple: newBodyHasher(), hash: sha256.New()}
	}
	defer v.states.Put(st)
	// The body, hashed once per canonicalization in use.
	var bodies bodyWriter
	if wantRelaxed {
		st.relaxed.reset(true)
		bodies.a = st.relaxed
	}
	if wantSimple {
		st.simple.reset(false)
		bodies.b = st.simple
	}
	if ended {
		bodies.Write(rest)
		if _, err := io.Copy(&bodies, ctxReader{ctx, r}); err != nil {
			return nil, err
		}
	}
	var relaxedSum, simpleSum [sha256.Size]byte
	if wantRelaxed {
		st.relaxed.sum(relaxedSum[:0])
	}
	if wantSimple {
		st.simple.sum(simpleSum[:0])
	}
	for i := range checks {
		res := &results[i]
		if res.Status != "" {
			continue
		}
		c := &checks[i]
		sum := simpleSum[:]
		if c.bodyRelaxed {
			sum = relaxedSum[:]
		}
		if subtle.ConstantTimeCompare(sum, c.bh) != 1 {
			c.fail(res, ErrBodyHash, "body hash did not verify")
			continue
		}
		hashed := c.headerHash(st, fields)
		if err := c.key.verify(hashed, c.sig); err != nil {
			c.fail(res, ErrSignature, "signature did not verify: "+err.Error())
			continue
		}
		res.Status = Pass
	}
	return results, nil
}

// bodyWriter feeds the body to one or two hashers.
type bodyWriter struct{ a, b *bodyHasher }

func (w *bodyWriter) Write(p []byte) (int, error) {
	if w.a != nil {
		w.a.Write(p)
	}
	if w.b != nil {
		w.b.Write(p)
	}
	return len(p), nil
}

// vfield is a header field as go-msgauth reads it: its lines with their
// endings made CRLF, and its name with surrounding white space trimmed.
type vfield struct {
	raw string
	key string
}

// verifyFields splits a header (without its empty line) into fields the
// way go-msgauth's reader does (net/textproto lines): each line loses its
// LF and one CR before it, and gets CRLF; a line starting with SP or HTAB
// continues the field before it, when there is one.
func verifyFields(h []byte) []vfield {
	text := string(h)
	if bytes.Count(h, []byte("\r\n")) != bytes.Count(h, []byte("\n")) || len(h) > 0 && h[len(h)-1] != '\n' {
		// Bare LFs become CRLF, and a last line without its end gets one:
		// then each line is the same with its end removed and CRLF added.
		var b strings.Builder
		b.Grow(len(h) + 64)
		for i := 0; i < len(h); i++ {
			if h[i] == '\n' && (i == 0 || h[i-1] != '\r') {
				b.WriteByte('\r')
			}
			b.WriteByte(h[i])
		}
		if len(h) > 0 && h[len(h)-1] != '\n' {
			b.WriteString("\r\n")
		}
		text = b.String()
	}
	fields := make([]vfield, 0, 16)
	start := 0
	for pos := 0; pos < len(text); {
		next := pos + strings.IndexByte(text[pos:], '\n') + 1
		// A field ends before a line that does not start with WSP.
		if next >= len(text) || text[next] != ' ' && text[next] != '\t' {
			raw := text[start:next]
			name, _, _ := strings.Cut(raw, ":")
			fields = append(fields, vfield{raw: raw, key: strings.TrimSpace(name)})
			start = next
		}
		pos = next
	}
	return fields
}

// sigCheck is one signature on its way through the checks.
type sigCheck struct {
	field       int // its index in the header
	bodyRelaxed bool
	headRelaxed bool
	headerKeys  []string
	bh, sig     []byte
	key         *pubKey
	testing     bool // the key has t=y
}

// fail sets a failed verdict: Neutral when the key is in testing mode
// (RFC 6376 §3.6.1 t=y: a failure is not held against the message).
func (c *sigCheck) fail(res *Result, sentinel error, msg string) {
	res.Status, res.Err = Fail, fmt.Errorf("%w: %s", sentinel, msg)
	if c.testing {
		res.Status = Neutral
	}
}

func permerror(res *Result, sentinel error, msg string) {
	res.Status, res.Err = Permerror, fmt.Errorf("%w: %s", sentinel, msg)
}

// prepare runs the checks of RFC 6376 §6.1.1 to §6.1.2, in go-msgauth's
// order, up to the body hash: it sets res.Status when the signature fails
// one of them, and leaves it empty when the body must decide.
func (c *sigCheck) prepare(ctx context.Context, v *Verifier, f vfield, res *Result) {
	_, value, _ := strings.Cut(f.raw, ":")
	params, err := parseParams(strings.TrimSpace(value))
	if err != nil {
		permerror(res, ErrSyntax, "malformed signature tags: "+err.Error())
		return
	}
	if ver, _ := params.get("v"); ver != "1" {
		permerror(res, ErrSyntax, "incompatible signature version")
		return
	}
	d, _ := params.get("d")
	domain := stripWhitespace(d)
	if domain != "" {
		res.Domain = domain
	}
	for _, t := range [...]string{"v", "a", "b", "bh", "d", "h", "s"} {
		if _, ok := params.get(t); !ok {
			permerror(res, ErrSyntax, "signature missing required tag")
			return
		}
	}
	if i, ok := params.get("i"); ok {
		// RFC 6376 §3.5 i=: in d= or a subdomain of it.
		id := stripWhitespace(i)
		if id != "" {
			res.Identifier = id
		}
		if !strings.HasSuffix(id, "@"+domain) && !strings.HasSuffix(id, "."+domain) {
			permerror(res, ErrSyntax, "domain mismatch")
			return
		}
	} else {
		res.Identifier = "@" + domain
	}
	h, _ := params.get("h")
	keys := tagList(h)
	from := false
	for _, k := range keys {
		from = from || strings.EqualFold(k, "from")
	}
	if !from { // RFC 6376 §5.4: From must be signed
		permerror(res, ErrSyntax, "From field not signed")
		return
	}
	res.HeaderKeys, c.headerKeys = keys, keys
	if t, ok := params.get("t"); ok {
		tm, err := parseUnix(t)
		if err != nil {
			permerror(res, ErrSyntax, "malformed time: "+err.Error())
			return
		}
		res.Time = tm
	}
	if x, ok := params.get("x"); ok {
		tm, err := parseUnix(x)
		if err != nil {
			permerror(res, ErrSyntax, "malformed expiration time: "+err.Error())
			return
		}
		res.Expiration = tm
		if time.Now().After(tm) { // RFC 6376 §3.5 x=
			permerror(res, ErrExpired, "signature has expired")
			return
		}
	}
	// q=: only dns/txt is defined (RFC 6376 §3.5); the first known
	// method is used.
	if q, ok := params.get("q"); ok {
		known := false
		for _, m := range tagList(q) {
			known = known || m == "dns/txt"
		}
		if !known {
			permerror(res, ErrAlgorithm, "unsupported public key query method")
			return
		}
	}
	s, _ := params.get("s")
	key, status, err := v.lookupKey(ctx, stripWhitespace(s)+"._domainkey."+domain)
	if err != nil {
		res.Status, res.Err = status, err
		return
	}
	a, _ := params.get("a")
	keyAlgo, hashAlgo, ok := strings.Cut(stripWhitespace(a), "-")
	if !ok {
		permerror(res, ErrAlgorithm, "malformed algorithm name")
		return
	}
	if key.hashes != nil && !contains(key.hashes, hashAlgo) {
		permerror(res, ErrAlgorithm, "inappropriate hash algorithm")
		return
	}
	switch hashAlgo {
	case "sha1": // RFC 8301 §3.1: rsa-sha1 must not be used
		permerror(res, ErrAlgorithm, "hash algorithm too weak: sha1")
		return
	case "sha256":
	default:
		permerror(res, ErrAlgorithm, "unsupported hash algorithm")
		return
	}
	if key.keyAlgo != keyAlgo {
		permerror(res, ErrAlgorithm, "inappropriate key algorithm")
		return
	}
	if key.services != nil && !contains(key.services, "email") {
		permerror(res, ErrKeySyntax, "inappropriate service")
		return
	}
	cv, _ := params.get("c")
	hc, bc := "simple", "simple"
	cans := strings.SplitN(stripWhitespace(cv), "/", 2)
	if cans[0] != "" {
		hc = cans[0]
	}
	if len(cans) > 1 {
		bc = cans[1]
	}
	if hc != "simple" && hc != "relaxed" {
		permerror(res, ErrAlgorithm, "unsupported header canonicalization algorithm")
		return
	}
	if bc != "simple" && bc != "relaxed" {
		permerror(res, ErrAlgorithm, "unsupported body canonicalization algorithm")
		return
	}
	c.headRelaxed, c.bodyRelaxed = hc == "relaxed", bc == "relaxed"
	c.key, c.testing = key, key.testing
	// RFC 6376 §8.2: l= lets anyone append to the signed body; such
	// signatures are refused.
	if _, ok := params.get("l"); ok {
		c.fail(res, ErrBodyLength, "message contains an insecure body length tag")
		return
	}
	bh, _ := params.get("bh")
	if c.bh, err = base64.StdEncoding.DecodeString(stripWhitespace(bh)); err != nil {
		permerror(res, ErrSyntax, "malformed body hash: "+err.Error())
		return
	}
	b, _ := params.get("b")
	if c.sig, err = base64.StdEncoding.DecodeString(stripWhitespace(b)); err != nil {
		permerror(res, ErrSyntax, "malformed signature: "+err.Error())
		return
	}
}

// headerHash hashes the signed header fields, picked from the bottom of
// the header up (RFC 6376 §5.4.2), and the signature field with its b=
// value removed (§3.7).
func (c *sigCheck) headerHash(st *verifyState, fields []vfield) []byte {
	st.hash.Reset()
	picked := st.picked[:0]
	for _, name := range c.headerKeys {
		// go-msgauth lower-cases the name (strings.ToLower) and compares
		// with strings.EqualFold; for ASCII names EqualFold alone is the
		// same.
		key := name
		if !isPlainASCII(key) {
			key = strings.ToLower(key)
		}
		n := 0
		k := 0
		for ; k < len(picked); k++ {
			// The same lower-case name: EqualFold for two ASCII names.
			if p := picked[k].name; p == key || isPlainASCII(p) && isPlainASCII(key) && strings.EqualFold(p, key) {
				n = picked[k].n
				break
			}
		}
		if k == len(picked) {
			picked = append(picked, pickCount{name: key})
		}
		picked[k].n++
		for i := len(fields) - 1; i >= 0; i-- {
			if !strings.EqualFold(fields[i].key, key) {
				continue
			}
			if n == 0 {
				st.can = c.canonical(st.can[:0], fields[i].raw)
				st.hash.Write(st.can)
				break
			}
			n--
		}
	}
	st.picked = picked[:0]
	st.can = c.canonical(st.can[:0], removeB(fields[c.field].raw))
	n := len(st.can)
	for n > 0 && (st.can[n-1] == '\r' || st.can[n-1] == '\n') {
		n--
	}
	st.hash.Write(st.can[:n])
	return st.hash.Sum(st.sum[:0])
}

type pickCount struct {
	name string
	n    int
}

// canonical appends a header field in the signature's header
// canonicalization (RFC 6376 §3.4.1 simple, §3.4.2 relaxed), as go-msgauth
// writes it: relaxed lower-cases the name and trims white space around it
// (Unicode white space, as strings.TrimSpace), and in the value makes each
// run of SP, HTAB, CR and LF one SP, dropping them at its ends.
func (c *sigCheck) canonical(b []byte, raw string) []byte {
	if !c.headRelaxed {
		return append(b, raw...)
	}
	name, value, ok := strings.Cut(raw, ":")
	if !ok {
		b = append(b, strings.TrimSpace(strings.ToLower(raw))...)
		return append(b, ":\r\n"...)
	}
	if isPlainASCII(name) {
		b = append(b, trimASCIISpace(name)...)
		for i := len(b) - len(trimASCIISpace(name)); i < len(b); i++ {
			if 'A' <= b[i] && b[i] <= 'Z' {
				b[i] += 'a' - 'A'
			}
		}
	} else {
		b = append(b, strings.TrimSpace(strings.ToLower(name))...)
	}
	b = appendRelaxedValue(append(b, ':'), value)
	return append(b, "\r\n"...)
}

// isPlainASCII reports whether s has only ASCII octets.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// trimASCIISpace is strings.TrimSpace for ASCII text.
func trimASCIISpace(s string) string {
	for len(s) > 0 && asciiSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && asciiSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// asciiSpace is unicode.IsSpace for ASCII: HTAB, LF, VT, FF, CR and SP.
func asciiSpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

// removeB returns a signature field with every b= value emptied, where b
// (followed by optional SP, HTAB, CR, LF or FF, and "=") is followed by at
// least one octet other than ";", anywhere in the field: the rule of
// go-msgauth, whose verdicts this package keeps (RFC 6376 §3.5 says b=,
// the tag; the two differ only for fields that also hold such a text in
// another tag's value).
func removeB(raw string) string {
	var out []byte
	last := 0
	for i := 0; i < len(raw); i++ {
		if raw[i] != 'b' {
			continue
		}
		j := i + 1
		for j < len(raw) && (raw[j] == ' ' || raw[j] == '\t' || raw[j] == '\n' || raw[j] == '\r' || raw[j] == '\f') {
			j++
		}
		if j+1 >= len(raw) || raw[j] != '=' || raw[j+1] == ';' {
			continue
		}
		k := j + 1
		for k < len(raw) && raw[k] != ';' {
			k++
		}
		out = append(out, raw[last:j+1]...)
		last = k
		i = k - 1
	}
	if out == nil {
		return raw
	}
	return string(append(out, raw[last:]...))
}

// params are the tag=value pairs of a signature or key record, as
// go-msgauth reads them: split at ";", each cut at its first "=", names
// and values trimmed of white space; a repeated name is an error; a part
// without "=" is an error unless it is blank.
type params []tag

func parseParams(s string) (params, error) {
	p := make(params, 0, 12)
	for {
		part, rest, more := strings.Cut(s, ";")
		k, val, ok := strings.Cut(part, "=")
		switch {
		case ok:
			k = strings.TrimSpace(k)
			if _, dup := p.get(k); dup {
				return nil, errors.New("dkim: duplicate tag name")
			}
			p = append(p, tag{k, strings.TrimSpace(val)})
		case strings.TrimSpace(part) != "":
			return nil, errors.New("dkim: malformed header params")
		}
		if !more {
			return p, nil
		}
		s = rest
	}
}

func (p params) get(name string) (string, bool) {
	for _, t := range p {
		if t.name == name {
			return t.value, true
		}
	}
	return "", false
}

// tagList splits a colon-separated list and removes all white space from
// each item.
func tagList(s string) []string {
	items := strings.Split(s, ":")
	for i, t := range items {
		items[i] = stripWhitespace(t)
	}
	return items
}

// stripWhitespace removes Unicode white space (unicode.IsSpace), as
// go-msgauth does; like strings.Map, it writes invalid UTF-8 as U+FFFD.
func stripWhitespace(s string) string {
	if isPlainASCII(s) {
		for i := 0; i < len(s); i++ {
			if asciiSpace(s[i]) {
				b := make([]byte, 0, len(s))
				for j := 0; j < len(s); j++ {
					if !asciiSpace(s[j]) {
						b = append(b, s[j])
					}
				}
				return string(b)
			}
		}
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// parseUnix reads t= and x=: a decimal count of seconds, white space
// removed.
func parseUnix(s string) (time.Time, error) {
	sec, err := strconv.ParseInt(stripWhitespace(s), 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(sec, 0), nil
}

// pubKey is a key record parsed for verification.
type pubKey struct {
	pub      crypto.PublicKey // *rsa.PublicKey or ed25519.PublicKey
	keyAlgo  string           // "rsa" or "ed25519"
	hashes   []string         // h=, nil when absent
	services []string         // s=, nil when absent or "*"
	// testing: t=y, as the Verifier has always read it, from the record
	// parsed strictly (parseKeyRecord).
	testing bool
}

func (k *pubKey) verify(hashed, sig []byte) error {
	switch pub := k.pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, hashed, sig)
	case ed25519.PublicKey:
		if !ed25519.Verify(pub, hashed, sig) {
			return errors.New("dkim: invalid Ed25519 signature")
		}
	}
	return nil
}

// parsePubKey parses a key record (RFC 6376 §3.6.1) as go-msgauth does,
// returning the sentinel and message of a fault.
func parsePubKey(s string) (*pubKey, string, error) {
	p, err := parseParams(s)
	if err != nil {
		return nil, "key record error: " + err.Error(), ErrKeySyntax
	}
	if ver, ok := p.get("v"); ok && ver != "DKIM1" {
		return nil, "incompatible public key version", ErrKeySyntax
	}
	data, ok := p.get("p")
	if !ok {
		return nil, "key syntax error: missing public key data", ErrKeySyntax
	}
	if data == "" { // RFC 6376 §3.6.1: an empty p= is a revoked key
		return nil, "", ErrKeyRevoked
	}
	der, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(data, " ", ""))
	if err != nil {
		return nil, "key syntax error: " + err.Error(), ErrKeySyntax
	}
	k := &pubKey{}
	switch kt, _ := p.get("k"); kt {
	case "rsa", "":
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			// RFC 6376 erratum 3017: some publish a bare RSAPublicKey.
			pub, err = x509.ParsePKCS1PublicKey(der)
			if err != nil {
				return nil, "key syntax error: " + err.Error(), ErrKeySyntax
			}
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, "key syntax error: not an RSA public key", ErrKeySyntax
		}
		// RFC 8301 §3.2: keys under 1024 bits are not valid.
		if rk.Size()*8 < 1024 {
			return nil, fmt.Sprintf("key is too short: want 1024 bits, has %v bits", rk.Size()*8), ErrAlgorithm
		}
		k.pub, k.keyAlgo = rk, "rsa"
	case "ed25519":
		if len(der) != ed25519.PublicKeySize {
			return nil, fmt.Sprintf("invalid Ed25519 public key size: %v bytes", len(der)), ErrKeySyntax
		}
		k.pub, k.keyAlgo = ed25519.PublicKey(der), "ed25519"
	default:
		return nil, "unsupported key algorithm", ErrAlgorithm
	}
	if h, ok := p.get("h"); ok {
		k.hashes = tagList(h)
	}
	if sv, ok := p.get("s"); ok {
		k.services = tagList(sv)
		if contains(k.services, "*") {
			k.services = nil
		}
	}
	return k, "", nil
}

// lookupKey fetches and parses the key record at name. The parsed form
// is cached by the record's text, so the resolver still decides how long
// an answer holds.
func (v *Verifier) lookupKey(ctx context.Context, name string) (*pubKey, Status, error) {
	txts, _, err := v.Resolver.LookupTXT(ctx, name)
	if err != nil {
		if !resolver.IsNotFound(err) && (resolver.IsTemporary(err) || ctx.Err() != nil) {
			return nil, Temperror, fmt.Errorf("%w: %w", ErrKeyUnavailable, err)
		}
		return nil, Permerror, fmt.Errorf("%w: %w", ErrKeyNotFound, err)
	}
	switch len(txts) {
	case 0:
		return nil, Permerror, fmt.Errorf("%w: no valid key found", ErrKeyNotFound)
	case 1:
	default:
		// RFC 6376 §3.6.2.2: several records give undefined results.
		return nil, Permerror, fmt.Errorf("%w: multiple TXT records found for key", ErrKeySyntax)
	}
	e := v.keys.get(txts[0])
	if e.sentinel == ErrKeyRevoked {
		return nil, Permerror, ErrKeyRevoked
	}
	if e.sentinel != nil {
		return nil, Permerror, fmt.Errorf("%w: %s", e.sentinel, e.msg)
	}
	return e.key, "", nil
}

// keyCache holds parsed key records by their text: parsing an RSA key
// costs as much as checking a signature with it.
type keyCache struct {
	mu sync.Mutex
	m  map[string]keyEntry
}

type keyEntry struct {
	key      *pubKey
	sentinel error
	msg      string
}

// maxCachedKeys bounds the cache; past it the cache starts over.
const maxCachedKeys = 1024

func (c *keyCache) get(txt string) keyEntry {
	c.mu.Lock()
	e, ok := c.m[txt]
	c.mu.Unlock()
	if ok {
		return e
	}
	k, msg, sentinel := parsePubKey(txt)
	if k != nil {
		if rec, err := parseKeyRecord(txt); err == nil && rec.hasFlag("y") {
			k.testing = true
		}
	}
	e = keyEntry{key: k, sentinel: sentinel, msg: msg}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedKeys {
		c.m = make(map[string]keyEntry)
	}
	c.m[txt] = e
	c.mu.Unlock()
	return e
}

// headerEnd finds where the header ends (after the line ending before the
// empty line) in prev followed by b, prev holding no end yet. It returns
// the offset in b, negative when the end falls inside prev.
func headerEnd(prev, b []byte) (int, bool) {
	n := len(prev)
	at := func(i int) int {
		switch {
		case i < n:
			return int(prev[i])
		case i-n < len(b):
			return int(b[i-n])
		}
		return -1
	}
	// An empty header: the message starts with the empty line.
	if n <= 1 && (at(0) == '\n' || at(0) == '\r' && at(1) == '\n') {
		return -n, true
	}
	// Ends across the boundary of prev and b.
	for e := max(1, n-1); e <= n; e++ {
		if at(e-1) == '\n' && (at(e) == '\n' || at(e) == '\r' && at(e+1) == '\n') {
			return e - n, true
		}
	}
	// Ends inside b.
	i, j := bytes.Index(b, []byte("\n\n")), bytes.Index(b, []byte("\n\r\n"))
	if i < 0 || j >= 0 && j < i {
		i = j
	}
	if i < 0 {
		return 0, false
	}
	return i + 1, true
}

// describe fills what the signature field says, before verification.
// go-msgauth judges the syntax; this only picks d=, s=, a= and i=, without
// allocating for values that hold no folding whitespace.
func describe(raw string) Result {
	var r Result
	_, value, _ := strings.Cut(raw, ":")
	for value != "" {
		var part string
		part, value, _ = strings.Cut(value, ";")
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		val = removeWSP(strings.Trim(val, " \t\r\n"))
		switch strings.Trim(name, " \t\r\n") {
		case "d":
			r.Domain = val
		case "s":
			r.Selector = val
		case "a":
			r.Algorithm = val
		case "i":
			r.Identifier = val
		}
	}
	if r.Identifier == "" && r.Domain != "" {
		r.Identifier = "@" + r.Domain
	}
	return r
}
