package dkim

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"sync"
	"time"

	msgdkim "github.com/emersion/go-msgauth/dkim"
)

// defaultHeaders are the header fields signed when SignOptions.Headers is
// nil (RFC 6376 §5.4.1 recommends these): each occurrence present in the
// message is signed.
var defaultHeaders = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc",
	"Message-ID", "In-Reply-To", "References",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
	"Resent-Date", "Resent-From", "Resent-To", "Resent-Cc",
	"List-Id", "List-Help", "List-Unsubscribe", "List-Unsubscribe-Post",
	"List-Subscribe", "List-Post", "List-Owner", "List-Archive", "Feedback-ID",
}

// defaultOverSign are signed once more than they occur, so that adding one
// later breaks the signature (RFC 6376 §8.15).
var defaultOverSign = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding", "List-Unsubscribe", "List-Unsubscribe-Post",
}

// SignOptions configure a Signer. The zero value of each field is a sensible
// default; at least one of Keys and Store must give a key.
type SignOptions struct {
	// Keys sign every message: for example the platform's own domain, or
	// an RSA and an Ed25519 key of one domain.
	Keys []Key
	// Store, if set, adds the keys it has for the domain of the From
	// address (or, if it has none, for its parent domains): SaaS senders
	// sign for their customers' domains.
	Store KeyStore
	// Headers lists the header fields to sign, each occurrence in the
	// message. Nil means From, To, Cc, Subject, Date, Message-ID, the MIME
	// and List-* fields and a few more. From is always signed.
	Headers []string
	// OverSign lists fields signed one time more than they occur, so that
	// none can be added (RFC 6376 §8.15). Nil means From, To, Cc, Subject,
	// Date, Reply-To, the MIME fields and List-Unsubscribe(-Post); an empty
	// non-nil slice disables over-signing.
	OverSign []string
	// Expiration, if positive, sets x= that long after signing.
	Expiration time.Duration
	// HeaderCanonicalization and BodyCanonicalization are "relaxed"
	// (the default) or "simple" (RFC 6376 §3.4).
	HeaderCanonicalization string
	BodyCanonicalization   string
	// MaxHeaderBytes bounds the message header; 0 means 1 MiB.
	MaxHeaderBytes int
}

// Signer adds DKIM-Signature fields to messages (RFC 6376 §5). It is built
// once with NewSigner and is safe for concurrent use.
type Signer struct {
	keys      []Key
	store     KeyStore
	headers   []signedHeader
	exp       time.Duration
	hcan      msgdkim.Canonicalization
	bcan      msgdkim.Canonicalization
	maxHeader int
	bufs      sync.Pool // *[]byte of feedSize, for feeding the signers
}

// feedSize is the largest Write the signers get. Each Write crosses to
// go-msgauth's signing goroutine, so a typical message goes in one.
const feedSize = 64 << 10

// NewSigner checks opts and returns a Signer.
func NewSigner(opts SignOptions) (*Signer, error) {
	s := &Signer{store: opts.Store, exp: opts.Expiration, maxHeader: opts.MaxHeaderBytes}
	s.bufs.New = func() any { b := make([]byte, 0, feedSize); return &b }
	if s.maxHeader <= 0 {
		s.maxHeader = DefaultMaxHeaderBytes
	}
	for _, k := range opts.Keys {
		if err := checkKey(k); err != nil {
			return nil, err
		}
		s.keys = append(s.keys, k)
	}
	if len(s.keys) == 0 && s.store == nil {
		return nil, fmt.Errorf("%w: no Keys and no Store", ErrNoKey)
	}
	var err error
	if s.hcan, err = canonicalization(opts.HeaderCanonicalization); err != nil {
		return nil, err
	}
	if s.bcan, err = canonicalization(opts.BodyCanonicalization); err != nil {
		return nil, err
	}
	headers := opts.Headers
	if headers == nil {
		headers = defaultHeaders
	}
	overSign := opts.OverSign
	if overSign == nil {
		overSign = defaultOverSign
	}
	for _, h := range overSign {
		if !validFieldName(h) {
			return nil, fmt.Errorf("%w: %q in OverSign", ErrHeaderName, h)
		}
	}
	seen := map[string]bool{}
	for _, h := range append([]string{"From"}, headers...) {
		if !validFieldName(h) {
			return nil, fmt.Errorf("%w: %q in Headers", ErrHeaderName, h)
		}
		if !seen[strings.ToLower(h)] {
			seen[strings.ToLower(h)] = true
			over := false
			for _, o := range overSign {
				over = over || strings.EqualFold(o, h)
			}
			s.headers = append(s.headers, signedHeader{h, over})
		}
	}
	return s, nil
}

func canonicalization(s string) (msgdkim.Canonicalization, error) {
	switch s {
	case "", "relaxed":
		return msgdkim.CanonicalizationRelaxed, nil
	case "simple":
		return msgdkim.CanonicalizationSimple, nil
	}
	return "", fmt.Errorf("%w: canonicalization %q", ErrAlgorithm, s)
}

// checkKey refuses keys that would not verify or are too weak: RSA under
// 2048 bits (RFC 8301 §3.2 allows 1024, mxkit does not sign with them),
// key types other than RSA and Ed25519, and names with bad characters.
func checkKey(k Key) error {
	if !validDomain(strings.ToLower(k.Domain)) {
		return fmt.Errorf("%w: domain %q", ErrKeyName, k.Domain)
	}
	if !validSelector(strings.ToLower(k.Selector)) {
		return fmt.Errorf("%w: selector %q", ErrKeyName, k.Selector)
	}
	if k.Identifier != "" {
		// RFC 6376 §3.5 i=: the domain part must be d= or a subdomain.
		_, dom, ok := strings.Cut(k.Identifier, "@")
		if !ok || strings.ContainsAny(k.Identifier, " \t\r\n;") || !strings.EqualFold(dom, k.Domain) && !strings.HasSuffix(strings.ToLower(dom), "."+strings.ToLower(k.Domain)) {
			return fmt.Errorf("%w: identifier %q is not in %s", ErrKeyName, k.Identifier, k.Domain)
		}
	}
	switch pub := k.Signer.(type) {
	case nil:
		return fmt.Errorf("%w: no Signer for %s", ErrKeyType, k.Selector)
	default:
		switch p := pub.Public().(type) {
		case *rsa.PublicKey:
			if p.N.BitLen() < 2048 {
				return fmt.Errorf("%w: RSA key of %d bits", ErrWeakKey, p.N.BitLen())
			}
		case ed25519.PublicKey:
		default:
			return fmt.Errorf("%w: %T", ErrKeyType, p)
		}
	}
	return nil
}

// Sign reads a message from r and returns the DKIM-Signature header fields
// to put before it, one per key, each ending in CRLF. The message streams
// through once whatever its size and however many keys sign it; only the
// header is held in memory.
func (s *Signer) Sign(ctx context.Context, r io.Reader) (string, error) {
	h, rest, err := readHeaderFrom(ctxReader{ctx, r}, s.maxHeader)
	if err != nil {
		return "", err
	}
	from, err := checkSignable(h)
	if err != nil {
		return "", err
	}
	keys, err := s.keysFor(ctx, from)
	if err != nil {
		return "", err
	}
	headerKeys := s.headerKeys(h)
	var exp time.Time
	if s.exp > 0 {
		exp = time.Now().Add(s.exp)
	}
	signers := make([]*msgdkim.Signer, 0, len(keys))
	writers := make([]io.Writer, 0, len(keys))
	defer func() {
		for _, sg := range signers {
			sg.Close() // after an error: stops the signer's goroutine
		}
	}()
	for _, k := range keys {
		sg, err := msgdkim.NewSigner(&msgdkim.SignOptions{
			Domain:                 k.Domain,
			Selector:               k.Selector,
			Identifier:             k.Identifier,
			Signer:                 k.Signer,
			HeaderCanonicalization: s.hcan,
			BodyCanonicalization:   s.bcan,
			HeaderKeys:             headerKeys,
			Expiration:             exp,
		})
		if err != nil {
			return "", fmt.Errorf("dkim: %w", err)
		}
		signers = append(signers, sg)
		writers = append(writers, sg)
	}
	w := writers[0]
	if len(writers) > 1 {
		w = io.MultiWriter(writers...)
	}
	// The header, then the body in chunks of feedSize: one Write for most
	// messages.
	first := h.complete()
	if len(rest) > 0 {
		first = h.raw[:len(h.raw)+len(rest)]
	}
	if err := s.feed(ctx, w, first, r); err != nil {
		return "", err
	}
	var out strings.Builder
	for i, sg := range signers {
		if err := sg.Close(); err != nil {
			return "", fmt.Errorf("dkim: signing with %s._domainkey.%s: %w", keys[i].Selector, keys[i].Domain, err)
		}
		out.WriteString(sg.Signature())
	}
	return out.String(), nil
}

// feed writes first and then what r holds to w, gathered in buffers of
// feedSize.
func (s *Signer) feed(ctx context.Context, w io.Writer, first []byte, r io.Reader) error {
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	buf := (*bp)[:0]
	if len(first) >= feedSize {
		if _, err := w.Write(first); err != nil {
			return err
		}
	} else {
		buf = append(buf, first...)
	}
	for {
		if len(buf) == cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if len(buf) > 0 {
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// SignTo signs the message in r and writes it to w with its signatures
// first. r is read twice (it is rewound with Seek), so memory stays
// constant: use a file or a bytes.Reader.
func (s *Signer) SignTo(ctx context.Context, w io.Writer, r io.ReadSeeker) error {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	sig, err := s.Sign(ctx, r)
	if err != nil {
		return err
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.WriteString(w, sig); err != nil {
		return err
	}
	_, err = io.Copy(w, ctxReader{ctx, r})
	return err
}

// checkSignable refuses what would not verify or would mislead (RFC 6376
// §5.4: From must be signed; RFC 5322 §3.6: exactly one From) and returns
// the From field's value.
func checkSignable(h *header) (string, error) {
	var from []string
	for _, f := range h.fields {
		if !validFieldName(f.name) {
			return "", fmt.Errorf("%w: %q", ErrHeaderName, f.name)
		}
		if strings.EqualFold(f.name, "From") {
			_, v, _ := strings.Cut(f.raw, ":")
			from = append(from, v)
		}
	}
	switch len(from) {
	case 0:
		return "", ErrNoFrom
	case 1:
		return from[0], nil
	}
	return "", ErrMultipleFrom
}

// keysFor returns the fixed keys plus the store's keys for the From domain,
// walking up to parent domains until the store has some.
func (s *Signer) keysFor(ctx context.Context, from string) ([]Key, error) {
	keys := s.keys
	if s.store != nil {
		domain, err := fromDomain(from)
		if err != nil {
			return nil, err
		}
		for d := domain; strings.Contains(d, "."); {
			more, err := s.store.Keys(ctx, d)
			if err != nil {
				return nil, fmt.Errorf("dkim: keys for %s: %w", d, err)
			}
			if len(more) > 0 {
				for _, k := range more {
					if err := checkKey(k); err != nil {
						return nil, fmt.Errorf("dkim: key store for %s: %w", d, err)
					}
				}
				keys = append(append([]Key(nil), keys...), more...)
				break
			}
			_, d, _ = strings.Cut(d, ".")
		}
	}
	if len(keys) == 0 {
		return nil, ErrNoKey
	}
	return keys, nil
}

// fromDomain returns the lower-cased domain of the single author address in
// a From field value.
func fromDomain(v string) (string, error) {
	v = strings.NewReplacer("\r\n", "", "\n", "").Replace(v)
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: func(_ string, r io.Reader) (io.Reader, error) { return r, nil }}}
	list, err := p.ParseList(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrFromAddress, err)
	}
	domain := ""
	for _, a := range list {
		at := strings.LastIndexByte(a.Address, '@')
		d := strings.ToLower(a.Address[at+1:])
		if domain != "" && d != domain {
			return "", fmt.Errorf("%w: authors in several domains", ErrFromAddress)
		}
		domain = d
	}
	if !validDomain(domain) {
		return "", fmt.Errorf("%w: domain %q", ErrFromAddress, domain)
	}
	return domain, nil
}

// headerKeys is h= for a message: each configured field as many times as
// it occurs, plus once more for those over-signed.
func (s *Signer) headerKeys(h *header) []string {
	keys := make([]string, 0, len(h.fields)+len(s.headers)/2)
	for _, sh := range s.headers {
		n := 0
		for _, f := range h.fields {
			if len(f.name) == len(sh.name) && strings.EqualFold(f.name, sh.name) {
				n++
			}
		}
		if sh.overSign {
			n++
		}
		for ; n > 0; n-- {
			keys = append(keys, sh.name)
		}
	}
	return keys
}

// signedHeader is a field name of SignOptions.Headers.
type signedHeader struct {
	name     string
	overSign bool
}

// Signing errors.
var (
	// ErrNoFrom: the message has no From field, which must be signed.
	ErrNoFrom = errors.New("dkim: message has no From header field")
	// ErrMultipleFrom: the message has more than one From field.
	ErrMultipleFrom = errors.New("dkim: message has more than one From header field")
	// ErrHeaderName: a header field name has characters RFC 5322 forbids.
	ErrHeaderName = errors.New("dkim: invalid header field name")
	// ErrFromAddress: the From address cannot be parsed to find its domain.
	ErrFromAddress = errors.New("dkim: cannot find the From domain")
	// ErrNoKey: no key to sign the message with.
	ErrNoKey = errors.New("dkim: no signing key")
	// ErrWeakKey: an RSA key shorter than 2048 bits.
	ErrWeakKey = errors.New("dkim: key too weak")
	// ErrKeyType: a key that is neither RSA nor Ed25519.
	ErrKeyType = errors.New("dkim: unsupported key type")
	// ErrKeyName: a key's domain, selector or identifier is not valid.
	ErrKeyName = errors.New("dkim: invalid key name")
	// ErrKeyFormat: a private key file cannot be parsed.
	ErrKeyFormat = errors.New("dkim: invalid private key")
	// ErrHeaderTooLarge: the message header exceeds MaxHeaderBytes.
	ErrHeaderTooLarge = errors.New("dkim: message header too large")
)
