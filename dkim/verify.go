package dkim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-msgauth/authres"
	msgdkim "github.com/emersion/go-msgauth/dkim"
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
// a Resolver. It is safe for concurrent use.
type Verifier struct {
	// Resolver fetches the public keys; required.
	Resolver resolver.Resolver
	// MaxSignatures is the most signatures checked per message, the first
	// ones in the header; the rest are ignored (RFC 6376 §6.1 lets
	// verifiers limit them). 0 means DefaultMaxSignatures.
	MaxSignatures int
	// MaxHeaderBytes bounds the message header; 0 means 1 MiB.
	MaxHeaderBytes int
}

// Verify reads a message from r and checks its DKIM signatures, returning
// one Result per signature checked (none for an unsigned message). The body
// streams through once for all signatures. The error is for a message that
// cannot be read (I/O, header too large, ctx done), not for bad signatures.
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
	// go-msgauth reads the message once; the tap keeps a copy of the
	// header as it passes, to describe each signature afterwards.
	tap := &headerTap{ctx: ctx, r: r, max: max}
	keys := &keyLog{}
	opts := &msgdkim.VerifyOptions{
		MaxVerifications: limit,
		LookupTXT: func(name string) ([]string, error) {
			return keys.lookup(ctx, v.Resolver, name)
		},
	}
	verifs, err := msgdkim.VerifyWithOptions(tap, opts)
	if tap.err != nil {
		return nil, tap.err
	}
	if err != nil && !errors.Is(err, msgdkim.ErrTooManySignatures) {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	if !tap.done || len(verifs) == 0 {
		return nil, nil
	}
	results := make([]Result, 0, len(verifs))
	for _, raw := range tap.sigs {
		if len(results) < len(verifs) {
			results = append(results, describe(raw))
		}
	}
	if len(verifs) != len(results) {
		return nil, fmt.Errorf("dkim: %d signatures found, %d verified", len(results), len(verifs))
	}
	for i, vf := range verifs {
		res := &results[i]
		if vf.Domain != "" {
			res.Domain = vf.Domain
		}
		if vf.Identifier != "" {
			res.Identifier = vf.Identifier
		}
		res.HeaderKeys = vf.HeaderKeys
		res.Time, res.Expiration = vf.Time, vf.Expiration
		res.Status, res.Err = classify(vf.Err, keys.get(res.Selector+"._domainkey."+res.Domain))
	}
	return results, nil
}

// headerTap passes a message through, keeping a copy of its header (at
// most max bytes). It ends the header with an empty line if the message
// lacks one, ends the message right after a header without
// DKIM-Signature (nothing to verify), and stops when ctx is done.
type headerTap struct {
	ctx  context.Context
	r    io.Reader
	max  int
	buf  []byte   // the header so far
	done bool     // the header is complete
	sigs []string // its DKIM-Signature fields
	tail []byte   // bytes to return before EOF (a missing empty line)
	err  error    // a failure of the tap itself, reported by Verify
	eof  bool
}

func (t *headerTap) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	if err := t.ctx.Err(); err != nil {
		t.err = err
		return 0, err
	}
	if len(t.tail) > 0 {
		n := copy(p, t.tail)
		t.tail = t.tail[n:]
		return n, nil
	}
	if t.eof {
		return 0, io.EOF
	}
	n, err := t.r.Read(p)
	if !t.done {
		t.take(p[:n], err == io.EOF)
		if t.err != nil {
			return 0, t.err
		}
	}
	if err == io.EOF && len(t.tail) > 0 {
		t.eof = true
		return n, nil
	}
	return n, err
}

// WriteTo passes the body straight from r once the header is through, so
// a reader with its own WriteTo (bytes.Reader, os.File) needs no buffer.
func (t *headerTap) WriteTo(w io.Writer) (int64, error) {
	if !t.done || len(t.tail) > 0 || t.eof || t.err != nil {
		return io.Copy(w, struct{ io.Reader }{t})
	}
	return io.Copy(ctxWriter{t.ctx, w}, t.r)
}

// take adds freshly read bytes to the header copy and completes it at the
// empty line or at EOF.
func (t *headerTap) take(b []byte, eof bool) {
	cut, found := headerEnd(t.buf, b)
	switch {
	case found && cut < 0:
		t.buf = t.buf[:len(t.buf)+cut]
	case found:
		t.buf = append(t.buf, b[:cut]...)
	default:
		t.buf = append(t.buf, b...)
	}
	switch {
	case len(t.buf) > t.max:
		t.err = ErrHeaderTooLarge
		return
	case found:
	case !eof:
		return
	case len(t.buf) > 0 && t.buf[len(t.buf)-1] != '\n': // the message ends inside its header
		t.tail = []byte("\r\n\r\n")
	default:
		t.tail = []byte("\r\n")
	}
	t.done = true
	t.sigs = signatureFields(t.buf)
	if len(t.sigs) == 0 {
		t.eof = true // unsigned: go-msgauth need not read the body
	}
}

// signatureFields returns the DKIM-Signature fields of a header, in order,
// with CRLF line endings. Like go-msgauth it trims names on both sides, so
// a first line starting with a space counts as a field.
func signatureFields(h []byte) []string {
	var sigs []string
	for len(h) > 0 {
		// The field runs to the first line end not followed by WSP.
		end := 0
		for {
			i := bytes.IndexByte(h[end:], '\n')
			if i < 0 {
				end = len(h)
				break
			}
			end += i + 1
			if end >= len(h) || h[end] != ' ' && h[end] != '\t' {
				break
			}
		}
		f := h[:end]
		h = h[end:]
		name, _, ok := bytes.Cut(f, []byte(":"))
		if !ok || !bytes.EqualFold(bytes.TrimSpace(name), []byte("DKIM-Signature")) {
			continue
		}
		s := string(f)
		if strings.Count(s, "\r\n") != strings.Count(s, "\n") {
			s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
		}
		sigs = append(sigs, s)
	}
	return sigs
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

// keyLookup is what the resolver said for one key name.
type keyLookup struct {
	err  error
	txts []string
}

// keyLog bridges go-msgauth's LookupTXT to resolver.Resolver and remembers
// each answer, so results can carry the typed DNS error and the key flags.
type keyLog struct {
	mu      sync.Mutex
	names   []string
	lookups []keyLookup
}

func (k *keyLog) get(name string) keyLookup {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, n := range k.names {
		if strings.EqualFold(n, name) {
			return k.lookups[i]
		}
	}
	return keyLookup{}
}

func (k *keyLog) lookup(ctx context.Context, r resolver.Resolver, name string) ([]string, error) {
	txts, _, err := r.LookupTXT(ctx, name)
	k.mu.Lock()
	k.names = append(k.names, name)
	k.lookups = append(k.lookups, keyLookup{err: err, txts: txts})
	k.mu.Unlock()
	if err != nil {
		// go-msgauth tells temporary from permanent with net.Error.
		return nil, dnsError{err: err, temporary: !resolver.IsNotFound(err) && (resolver.IsTemporary(err) || ctx.Err() != nil)}
	}
	return txts, nil
}

// dnsError carries a resolver error through go-msgauth as a net.Error.
type dnsError struct {
	err       error
	temporary bool
}

func (e dnsError) Error() string   { return e.err.Error() }
func (e dnsError) Timeout() bool   { return e.temporary }
func (e dnsError) Temporary() bool { return e.temporary }
func (e dnsError) Unwrap() error   { return e.err }

// classify turns go-msgauth's verdict into a Status and a typed error.
// go-msgauth reports faults as strings; they are matched here against the
// messages of the version in go.mod, and the tests pin each case.
func classify(err error, key keyLookup) (Status, error) {
	if err == nil {
		return Pass, nil
	}
	msg := strings.TrimPrefix(err.Error(), "dkim: ")
	wrap := func(s error) error { return fmt.Errorf("%w: %s", s, msg) }
	if msgdkim.IsTempFail(err) {
		if key.err != nil {
			return Temperror, fmt.Errorf("%w: %w", ErrKeyUnavailable, key.err)
		}
		return Temperror, wrap(ErrKeyUnavailable)
	}
	if msgdkim.IsPermFail(err) {
		switch {
		case key.err != nil:
			return Permerror, fmt.Errorf("%w: %w", ErrKeyNotFound, key.err)
		case strings.Contains(msg, "key revoked"):
			return Permerror, ErrKeyRevoked
		case strings.Contains(msg, "expired"):
			return Permerror, wrap(ErrExpired)
		case strings.Contains(msg, "no key") || strings.Contains(msg, "no valid key"):
			return Permerror, wrap(ErrKeyNotFound)
		case strings.Contains(msg, "key syntax") || strings.Contains(msg, "key record") ||
			strings.Contains(msg, "public key version") || strings.Contains(msg, "multiple TXT") ||
			strings.Contains(msg, "Ed25519 public key size") || strings.Contains(msg, "inappropriate service"):
			return Permerror, wrap(ErrKeySyntax)
		case strings.Contains(msg, "algorithm") || strings.Contains(msg, "too weak") ||
			strings.Contains(msg, "too short") || strings.Contains(msg, "canonicalization") ||
			strings.Contains(msg, "query method"):
			return Permerror, wrap(ErrAlgorithm)
		}
		return Permerror, wrap(ErrSyntax)
	}
	var s error
	switch {
	case strings.Contains(msg, "body length"):
		s = ErrBodyLength
	case strings.Contains(msg, "body hash"):
		s = ErrBodyHash
	default:
		s = ErrSignature
	}
	// RFC 6376 §3.6.1 t=y: the domain is testing DKIM; a failure is not
	// held against the message.
	if len(key.txts) == 1 {
		if rec, err := parseKeyRecord(key.txts[0]); err == nil && rec.hasFlag("y") {
			return Neutral, wrap(s)
		}
	}
	return Fail, wrap(s)
}
