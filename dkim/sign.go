package dkim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"
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
	hcan      string // "relaxed" or "simple"
	bcan      string
	c         string // c=: hcan/bcan
	maxHeader int
	states    sync.Pool // *signState
	domains   fromCache // the From domains of recent From values
}

// readSize is the buffer the body is read into, whole, per Read.
const readSize = 64 << 10

// signState is what signing one message needs beyond the header: pooled,
// so that a message signs without allocating in proportion to its size.
type signState struct {
	buf  []byte      // the body is read into it
	body *bodyHasher // bh=
	hdr  []byte      // the canonical signed header fields
	hl   []byte      // h=
	sig  []byte      // one DKIM-Signature field
	can  []byte      // its canonical form with b= empty
	hash hash.Hash   // over hdr and can
	sum  [sha256.Size]byte
}

// maxPooled is the largest header buffer kept for the next message.
const maxPooled = 64 << 10

// NewSigner checks opts and returns a Signer.
func NewSigner(opts SignOptions) (*Signer, error) {
	s := &Signer{store: opts.Store, exp: opts.Expiration, maxHeader: opts.MaxHeaderBytes}
	s.states.New = func() any {
		return &signState{buf: make([]byte, readSize), body: newBodyHasher(), hash: sha256.New()}
	}
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
	s.c = s.hcan + "/" + s.bcan
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

func canonicalization(s string) (string, error) {
	switch s {
	case "", "relaxed":
		return "relaxed", nil
	case "simple":
		return "simple", nil
	}
	return "", fmt.Errorf("%w: canonicalization %q", ErrAlgorithm, s)
}

// checkKey refuses keys that would not verify or are too weak: RSA under
// 2048 bits (RFC 8301 §3.2 allows 1024, mxkit does not sign with them),
// key types other than RSA and Ed25519, and names with bad characters.
func checkKey(k Key) error {
	if _, ok := mailDomain(k.Domain); !ok {
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
	st := s.states.Get().(*signState)
	defer func() {
		if cap(st.hdr) > maxPooled {
			st.hdr = nil
		}
		s.states.Put(st)
	}()

	// The body, hashed once for all keys: they share c=.
	st.body.reset(s.bcan == "relaxed")
	st.body.Write(rest)
	if br, ok := r.(*bytes.Reader); ok && h.ended {
		// In memory already: hashed where it lies, without a copy into
		// buf first.
		br.WriteTo(st.body)
	}
	for h.ended {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := r.Read(st.buf)
		st.body.Write(st.buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	var bh [sha256.Size]byte
	st.body.sum(bh[:0])

	st.hdr, st.hl = s.appendSigned(st.hdr[:0], st.hl[:0], h)
	now := time.Now()
	var out strings.Builder
	for _, k := range keys {
		if err := s.signOne(st, k, bh[:], now); err != nil {
			return "", fmt.Errorf("dkim: signing with %s._domainkey.%s: %w", k.Selector, k.Domain, err)
		}
		if out.Len() == 0 {
			out.Grow(len(keys) * (len(st.sig) + 16))
		}
		out.Write(st.sig)
	}
	return out.String(), nil
}

// signOne puts the DKIM-Signature field of key k in st.sig, for the header
// fields canonicalized in st.hdr and named in st.hl and the body hash bh.
func (s *Signer) signOne(st *signState, k Key, bh []byte, now time.Time) error {
	algo, opts := "rsa-sha256", crypto.Hash(crypto.SHA256)
	if _, ok := k.Signer.Public().(ed25519.PublicKey); ok {
		// RFC 8463 §3: Ed25519 signs the SHA-256 hash itself, as the message.
		algo, opts = "ed25519-sha256", crypto.Hash(0)
	}
	// The field with b= empty (RFC 6376 §3.5): v=1; a=; c=; d=; s=; i=;
	// t=; x=; h=; bh=, folded to lines under 78 characters.
	f := fieldWriter{b: append(st.sig[:0], "DKIM-Signature:"...), col: len("DKIM-Signature:")}
	f.tag("v", "1")
	f.tag("a", algo)
	f.tag("c", s.c)
	f.tag("d", canonicalDomain(k.Domain)) // A-labels (RFC 6376 §3.5 with RFC 5890)
	f.tag("s", k.Selector)
	if k.Identifier != "" {
		f.tag("i", k.Identifier)
	}
	f.tagInt("t", now.Unix())
	if s.exp > 0 {
		f.tagInt("x", now.Add(s.exp).Unix())
	}
	f.newLine()
	f.list("h", st.hl)
	f.newLine()
	f.b = append(f.b, " bh="...)
	f.b = base64.StdEncoding.AppendEncode(f.b, bh)
	f.b = append(f.b, ";\r\n b="...)
	st.sig = f.b

	// b= signs the canonical signed fields and this field without its
	// b= value and final CRLF (RFC 6376 §3.7).
	st.can = st.can[:0]
	if s.hcan == "relaxed" {
		st.can = appendRelaxed(st.can, "DKIM-Signature", st.sig[len("DKIM-Signature:"):])
	} else {
		st.can = append(st.can, st.sig...)
	}
	st.hash.Reset()
	st.hash.Write(st.hdr)
	st.hash.Write(st.can)
	sig, err := k.Signer.Sign(rand.Reader, st.hash.Sum(st.sum[:0]), opts)
	if err != nil {
		return err
	}
	st.sig = appendBase64Folded(st.sig, sig)
	st.sig = append(st.sig, "\r\n"...)
	return nil
}

// maxLine is the longest line the Signer writes, CRLF not counted (RFC
// 5322 §2.1.1).
const maxLine = 78

// fieldWriter appends tag=value; pairs to a header field, folding the line
// before a pair that would make it longer than maxLine.
type fieldWriter struct {
	b   []byte
	col int // characters on the current line
}

// start begins a pair of n characters, folding first if needed.
func (f *fieldWriter) start(n int) {
	if f.col+n > maxLine && f.col > 1 {
		f.newLine()
	}
	f.col += n
}

func (f *fieldWriter) newLine() {
	f.b = append(f.b, "\r\n"...)
	f.col = 0
}

func (f *fieldWriter) tag(name, value string) {
	f.start(len(name) + len(value) + 3)
	f.b = append(append(append(append(append(f.b, ' '), name...), '='), value...), ';')
}

func (f *fieldWriter) tagInt(name string, value int64) {
	var digits [20]byte
	v := strconv.AppendInt(digits[:0], value, 10)
	f.start(len(name) + len(v) + 3)
	f.b = append(append(append(append(append(f.b, ' '), name...), '='), v...), ';')
}

// list writes a colon-separated value, folding after a colon where needed
// (RFC 6376 §3.5 allows FWS around the colons of h=).
func (f *fieldWriter) list(name string, value []byte) {
	f.start(len(name) + 2)
	f.b = append(append(append(f.b, ' '), name...), '=')
	for first := true; len(value) > 0; first = false {
		item, rest, _ := bytes.Cut(value, []byte{':'})
		if !first {
			f.b = append(f.b, ':')
			f.col++
			if f.col+len(item)+1 > maxLine {
				f.b = append(f.b, "\r\n "...)
				f.col = 1
			}
		}
		f.b = append(f.b, item...)
		f.col += len(item)
		value = rest
	}
	f.b = append(f.b, ';')
	f.col++
}

// appendBase64Folded appends sig in base64, the first line after " b=" and
// the next ones after a space, each under maxLine characters.
func appendBase64Folded(b, sig []byte) []byte {
	n := min(len(sig), 54) // 72 characters
	b = base64.StdEncoding.AppendEncode(b, sig[:n])
	for sig = sig[n:]; len(sig) > 0; sig = sig[n:] {
		n = min(len(sig), 57) // 76 characters
		b = base64.StdEncoding.AppendEncode(append(b, "\r\n "...), sig[:n])
	}
	return b
}

// appendSigned appends to hdr the canonical form of the header fields to
// sign, and to hl their names for h=: for each name, its fields from the
// bottom of the header up (RFC 6376 §5.4.2), then the name once more if
// it is over-signed (§8.15: the verifier finds no field for it).
func (s *Signer) appendSigned(hdr, hl []byte, h *header) ([]byte, []byte) {
	for _, sh := range s.headers {
		n := 0
		for i := len(h.fields) - 1; i >= 0; i-- {
			f := &h.fields[i]
			if len(f.name) != len(sh.name) || !strings.EqualFold(f.name, sh.name) {
				continue
			}
			if s.hcan == "relaxed" {
				_, value, _ := strings.Cut(f.raw, ":")
				hdr = append(appendRelaxed(hdr, f.name, value), "\r\n"...)
			} else {
				hdr = append(hdr, f.raw...) // simple: as it is (§3.4.1)
			}
			n++
		}
		if sh.overSign {
			n++
		}
		for ; n > 0; n-- {
			if len(hl) > 0 {
				hl = append(hl, ':')
			}
			hl = append(hl, sh.name...)
		}
	}
	return hdr, hl
}

// appendRelaxed appends a header field in "relaxed" canonical form (RFC
// 6376 §3.4.2) without its CRLF: the name lower-cased, a colon, and the
// value with folds removed, runs of WSP made one SP and WSP at its ends
// removed. As in go-msgauth, the verifier mxkit tests against, a CR or LF
// anywhere in the value counts as WSP (in a well-formed field they are
// only in folds, where this is the same).
func appendRelaxed[S string | []byte](b []byte, name string, value S) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return appendRelaxedValue(append(b, ':'), value)
}

// appendRelaxedValue appends a header field value in "relaxed" form
// (RFC 6376 §3.4.2): each run of SP, HTAB, CR and LF made one SP, and
// those at its ends dropped.
func appendRelaxedValue[S string | []byte](b []byte, value S) []byte {
	space := false
	for i := 0; i < len(value); {
		for i < len(value) && isWSPOrEOL(value[i]) {
			i++
		}
		j := i
		for j < len(value) && !isWSPOrEOL(value[j]) {
			j++
		}
		if j > i {
			if space {
				b = append(b, ' ')
			}
			b = append(b, value[i:j]...)
			space = true
		}
		i = j
	}
	return b
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
		domain, err := s.domains.domain(from)
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

// fromCache remembers the domain fromDomain gave for recent From values,
// the same for the same value: parsing an address list with net/mail
// costs 16 allocations and about 1% of a relay's CPU per message, and a
// sender's mail comes from a handful of From fields. Values longer than
// maxCachedFrom are parsed each time, and the cache starts over once it
// holds maxFromEntries: its keys and domains take 512 KiB at most.
type fromCache struct {
	mu sync.Mutex
	m  map[string]string
}

const (
	maxCachedFrom  = 256
	maxFromEntries = 1024
)

// domain is fromDomain(v), from the cache when v was seen.
func (c *fromCache) domain(v string) (string, error) {
	if len(v) > maxCachedFrom {
		return fromDomain(v)
	}
	c.mu.Lock()
	d, ok := c.m[v]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := fromDomain(v)
	if err != nil {
		return "", err // errors are rare and not kept
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxFromEntries {
		c.m = make(map[string]string)
	}
	c.m[strings.Clone(v)] = d // v is part of the whole header's text
	c.mu.Unlock()
	return d, nil
}

// fromDomain returns the lower-cased domain of the single author address in
// a From field value.
func fromDomain(v string) (string, error) {
	// The field's own line end first: every value has one, and only a
	// folded value needs the Replacer.
	if s, ok := strings.CutSuffix(v, "\r\n"); ok {
		v = s
	} else {
		v = strings.TrimSuffix(v, "\n")
	}
	if strings.ContainsAny(v, "\r\n") { // folded
		v = strings.NewReplacer("\r\n", "", "\n", "").Replace(v)
	}
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: func(_ string, r io.Reader) (io.Reader, error) { return r, nil }}}
	list, err := p.ParseList(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrFromAddress, err)
	}
	domain := ""
	for _, a := range list {
		at := strings.LastIndexByte(a.Address, '@')
		d, ok := mailDomain(a.Address[at+1:])
		if !ok {
			return "", fmt.Errorf("%w: domain %q", ErrFromAddress, d)
		}
		if domain != "" && d != domain {
			return "", fmt.Errorf("%w: authors in several domains", ErrFromAddress)
		}
		domain = d
	}
	if domain == "" {
		return "", fmt.Errorf("%w: no author", ErrFromAddress)
	}
	return domain, nil
}

// headerKeys is h= for a message: each configured field as many times as
// it occurs, plus once more for those over-signed.
func (s *Signer) headerKeys(h *header) []string {
	_, hl := s.appendSigned(nil, nil, h)
	return strings.Split(string(hl), ":")
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
