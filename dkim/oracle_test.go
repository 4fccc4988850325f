package dkim

// The go-msgauth verifier, kept as the test oracle.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"github.com/mxkit/mxkit/resolver"
)

// oracleVerify is how Verifier worked before it had its own
// canonicalization: go-msgauth checks the signatures, and its verdicts are
// turned into Results. It is the oracle of the differential tests: the
// Verifier must give the same Results for any input.
func oracleVerify(ctx context.Context, res resolver.Resolver, r io.Reader, maxSigs, maxHeader int) ([]Result, error) {
	if maxHeader <= 0 {
		maxHeader = DefaultMaxHeaderBytes
	}
	if maxSigs <= 0 {
		maxSigs = DefaultMaxSignatures
	}
	// go-msgauth reads the message once; the tap keeps a copy of the
	// header as it passes, to describe each signature afterwards.
	tap := &headerTap{ctx: ctx, r: r, max: maxHeader}
	keys := &keyLog{}
	opts := &msgdkim.VerifyOptions{
		MaxVerifications: maxSigs,
		LookupTXT: func(name string) ([]string, error) {
			return keys.lookup(ctx, res, name)
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
		// A field without a colon is all name, for go-msgauth too (the
		// shipped wrapper skipped it, and then disagreed with go-msgauth
		// on the number of signatures).
		name, _, _ := bytes.Cut(f, []byte(":"))
		if !bytes.EqualFold(bytes.TrimSpace(name), []byte("DKIM-Signature")) {
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
// go-msgauth reports faults as strings: each message of the version in
// go.mod is matched by its fixed start, never by words a signature's own
// values could put into it.
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
		for _, m := range []struct {
			prefix string
			err    error
		}{
			{"malformed signature tags", ErrSyntax},
			{"incompatible signature version", ErrSyntax},
			{"signature missing required tag", ErrSyntax},
			{"domain mismatch", ErrSyntax},
			{"From field not signed", ErrSyntax},
			{"malformed time", ErrSyntax},
			{"malformed expiration time", ErrSyntax},
			{"signature has expired", ErrExpired},
			{"no valid key found", ErrKeyNotFound},
			{"multiple TXT records", ErrKeySyntax},
			{"key record error", ErrKeySyntax},
			{"incompatible public key version", ErrKeySyntax},
			{"key syntax error", ErrKeySyntax},
			{"key revoked", ErrKeyRevoked},
			{"key is too short", ErrAlgorithm},
			{"invalid Ed25519 public key size", ErrKeySyntax},
			{"unsupported key algorithm", ErrAlgorithm},
			{"unsupported public key query method", ErrAlgorithm},
			{"malformed algorithm name", ErrAlgorithm},
			{"inappropriate hash algorithm", ErrAlgorithm},
			{"hash algorithm too weak", ErrAlgorithm},
			{"unsupported hash algorithm", ErrAlgorithm},
			{"inappropriate key algorithm", ErrAlgorithm},
			{"inappropriate service", ErrKeySyntax},
			{"unsupported header canonicalization", ErrAlgorithm},
			{"unsupported body canonicalization", ErrAlgorithm},
			{"malformed body hash", ErrSyntax},
			{"malformed signature:", ErrSyntax},
		} {
			if strings.HasPrefix(msg, m.prefix) {
				if m.err == ErrKeyRevoked {
					return Permerror, ErrKeyRevoked
				}
				return Permerror, wrap(m.err)
			}
		}
		if strings.HasPrefix(msg, "no key for signature") {
			return Permerror, fmt.Errorf("%w: %w", ErrKeyNotFound, key.err)
		}
		return Permerror, fmt.Errorf("unknown go-msgauth error %q", msg)
	}
	var s error
	switch {
	case strings.HasPrefix(msg, "message contains an insecure body length tag"):
		s = ErrBodyLength
	case strings.HasPrefix(msg, "body hash did not verify"):
		s = ErrBodyHash
	case strings.HasPrefix(msg, "signature did not verify"):
		s = ErrSignature
	default:
		return Fail, fmt.Errorf("unknown go-msgauth error %q", msg)
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
