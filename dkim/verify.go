package dkim

import (
	"bufio"
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
	br := bufio.NewReader(r)
	h, err := readHeader(br, max)
	if err != nil {
		return nil, err
	}
	limit := v.MaxSignatures
	if limit <= 0 {
		limit = DefaultMaxSignatures
	}
	var results []Result
	for _, f := range h.fields {
		if !strings.EqualFold(f.name, "DKIM-Signature") {
			continue
		}
		if len(results) == limit {
			break
		}
		results = append(results, describe(f.raw))
	}
	if len(results) == 0 {
		return nil, nil
	}

	keys := &keyLog{m: map[string]keyLookup{}}
	opts := &msgdkim.VerifyOptions{
		MaxVerifications: limit,
		LookupTXT: func(name string) ([]string, error) {
			return keys.lookup(ctx, v.Resolver, name)
		},
	}
	in := &prefixReader{h.complete(), ctxReader{ctx, br}}
	verifs, err := msgdkim.VerifyWithOptions(in, opts)
	if err != nil && !errors.Is(err, msgdkim.ErrTooManySignatures) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("dkim: %w", err)
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

// describe fills what the signature field says, before verification.
func describe(raw string) Result {
	var r Result
	_, value, _ := strings.Cut(raw, ":")
	tags, err := parseTags(value)
	if err != nil {
		r.Status, r.Err = Permerror, fmt.Errorf("%w: %v", ErrSyntax, err)
		return r
	}
	d, _ := tagValue(tags, "d")
	s, _ := tagValue(tags, "s")
	a, _ := tagValue(tags, "a")
	r.Domain, r.Selector, r.Algorithm = removeWSP(d), removeWSP(s), removeWSP(a)
	if i, ok := tagValue(tags, "i"); ok {
		r.Identifier = removeWSP(i)
	} else if r.Domain != "" {
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
	mu sync.Mutex
	m  map[string]keyLookup
}

func (k *keyLog) get(name string) keyLookup {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[strings.ToLower(name)]
}

func (k *keyLog) lookup(ctx context.Context, r resolver.Resolver, name string) ([]string, error) {
	txts, _, err := r.LookupTXT(ctx, name)
	l := keyLookup{err: err, txts: txts}
	k.mu.Lock()
	k.m[strings.ToLower(name)] = l
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
