package verp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"

	"github.com/mxkit/mxkit/address"
)

// Errors, matched with errors.Is; Decode and Encode return them wrapped in
// an *Error.
var (
	// ErrNotVERP: the address is not at the Codec's domain, or its local
	// part does not start with the prefix and separator.
	ErrNotVERP = errors.New("verp: not a VERP address of this return-path domain")
	// ErrMalformed: the tag is not base32 of a tag of this version.
	ErrMalformed = errors.New("verp: malformed tag")
	// ErrUnknownKey: the tag names a key ID the Codec does not have.
	ErrUnknownKey = errors.New("verp: unknown key ID")
	// ErrForged: the MAC does not match: a forged or altered tag.
	ErrForged = errors.New("verp: tag signature does not match")
	// ErrExpired: the tag is older than MaxAge (a replay, or a bounce
	// far later than any MTA retries).
	ErrExpired = errors.New("verp: tag expired")
	// ErrFuture: the tag was made more than an hour in the future.
	ErrFuture = errors.New("verp: tag from the future")
	// ErrTooLong: the local part would pass 64 octets (RFC 5321
	// §4.5.3.1.1), or the address 254: use a shorter message ID or prefix.
	ErrTooLong = errors.New("verp: address too long")
	// ErrConfig: the Codec, the message ID or the recipient is not
	// usable.
	ErrConfig = errors.New("verp: invalid input")
)

// Error is a refused address with the reason: one of the sentinels above
// (Unwrap), and the address as given (clipped to 256 octets).
type Error struct {
	Addr string
	Err  error
	Info string // detail, may be empty
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%v: %q", e.Err, e.Addr)
	if e.Info != "" {
		s += ": " + e.Info
	}
	return s
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func fail(addr string, err error, info string) *Error {
	if len(addr) > 256 {
		addr = addr[:256]
	}
	return &Error{Addr: addr, Err: err, Info: info}
}

// Key is an HMAC secret. ID is carried in each tag it signs, so that a
// tag names the key to check it with.
type Key struct {
	ID     uint8  // 0 to 31
	Secret []byte // 16 octets or more
}

// DefaultMaxAge is how long a tag is accepted when Codec.MaxAge is zero:
// longer than the 5 days Postfix (maximal_queue_lifetime) and Exim
// (timeout_frozen_after / retry rules) keep a message before returning
// it, with two days to spare.
const DefaultMaxAge = 7 * 24 * time.Hour

// MaxMessageID is the longest message ID a tag carries: what fits in the
// 64-octet local part with the shortest prefix.
const MaxMessageID = 21

const (
	version   = 1
	headLen   = 1 + 3 + KeyLen // version and key ID, hours, recipient key
	macLen    = 8
	maxLocal  = 64 // RFC 5321 §4.5.3.1.1
	skew      = time.Hour
	separator = '+'
)

// KeyLen is the length of a recipient key.
const KeyLen = 5

// RecipientKey identifies a recipient in a tag without naming it.
type RecipientKey [KeyLen]byte

// String returns the key in the tag's base32 alphabet.
func (k RecipientKey) String() string { return enc.EncodeToString(k[:]) }

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Codec makes and reads the return paths of one return-path domain. Set
// Domain and Keys; the zero value of the other fields is a good default.
// It is safe for concurrent use once set.
type Codec struct {
	// Domain is the return-path domain, whose MX is the bounce receiver,
	// such as "bounces.example.com".
	Domain string
	// Prefix starts every local part, before the "+" and the tag; ""
	// means "b". Letters, digits, "-" and "_" only; matched in any case.
	Prefix string
	// Keys[0] signs; all of them verify.
	Keys []Key
	// MaxAge is how long a tag stays valid; 0 means DefaultMaxAge.
	MaxAge time.Duration
}

// Tag is what a VERP address carries.
type Tag struct {
	MessageID string       // the sender's ID of the message
	Recipient RecipientKey // the recipient's key (Codec.RecipientKey)
	Issued    time.Time    // when the address was made, to the hour
	KeyID     uint8        // the key that signed it
}

// prefix returns the checked prefix.
func (c *Codec) prefix() (string, error) {
	p := c.Prefix
	if p == "" {
		p = "b"
	}
	if len(p) > 16 {
		return "", errors.New("prefix longer than 16 octets")
	}
	for i := 0; i < len(p); i++ {
		ch := p[i] | 0x20
		if !(ch >= 'a' && ch <= 'z' || p[i] >= '0' && p[i] <= '9' || p[i] == '-' || p[i] == '_') {
			return "", fmt.Errorf("prefix %q: letters, digits, '-' and '_' only", c.Prefix)
		}
	}
	return strings.ToLower(p), nil
}

func (c *Codec) domain() (address.Domain, error) {
	d, err := address.ParseDomain(c.Domain)
	if err != nil {
		return d, err
	}
	if d.Literal().IsValid() {
		return d, errors.New("the return-path domain must be a name")
	}
	return d, nil
}

func (c *Codec) key(id uint8) *Key {
	for i := range c.Keys {
		if c.Keys[i].ID == id {
			return &c.Keys[i]
		}
	}
	return nil
}

func checkKey(k *Key) error {
	if k.ID > 31 {
		return fmt.Errorf("key ID %d: 0 to 31 only", k.ID)
	}
	if len(k.Secret) < 16 {
		return fmt.Errorf("key %d: secret shorter than 16 octets", k.ID)
	}
	return nil
}

// Normalize returns the form of a recipient address that its key is made
// of: the address parsed with address.Parse, its local part lower-cased
// and its domain in lower-case A-labels. Mail systems do not hand out
// mailboxes that differ by case only, and bounces often change the case.
func Normalize(rcpt string) (string, error) {
	a, err := address.Parse(rcpt)
	if err != nil {
		return "", err
	}
	return strings.ToLower(a.Local) + "@" + a.Domain.ASCII(), nil
}

// RecipientKey returns the key of rcpt under the key with ID keyID, as a
// tag signed with that key carries it.
func (c *Codec) RecipientKey(keyID uint8, rcpt string) (RecipientKey, error) {
	var rk RecipientKey
	k := c.key(keyID)
	if k == nil {
		return rk, fail(rcpt, ErrUnknownKey, fmt.Sprintf("key ID %d", keyID))
	}
	n, err := Normalize(rcpt)
	if err != nil {
		return rk, fail(rcpt, ErrConfig, err.Error())
	}
	return recipientKey(k, n), nil
}

func recipientKey(k *Key, normalized string) RecipientKey {
	m := hmac.New(sha256.New, k.Secret)
	m.Write([]byte("mxkit verp recipient\x00"))
	m.Write([]byte(normalized))
	var rk RecipientKey
	copy(rk[:], m.Sum(nil))
	return rk
}

// Encode returns the return path for message messageID sent to rcpt, made
// at time now (time.Now() when zero), signed with Keys[0].
func (c *Codec) Encode(messageID, rcpt string, now time.Time) (address.Address, error) {
	if len(c.Keys) == 0 {
		return address.Address{}, fail(rcpt, ErrConfig, "Codec has no keys")
	}
	k := &c.Keys[0]
	if err := checkKey(k); err != nil {
		return address.Address{}, fail(rcpt, ErrConfig, err.Error())
	}
	prefix, err := c.prefix()
	if err != nil {
		return address.Address{}, fail(rcpt, ErrConfig, err.Error())
	}
	dom, err := c.domain()
	if err != nil {
		return address.Address{}, fail(c.Domain, ErrConfig, err.Error())
	}
	if messageID == "" || len(messageID) > MaxMessageID {
		return address.Address{}, fail(messageID, ErrTooLong, fmt.Sprintf("message ID of %d octets: 1 to %d", len(messageID), MaxMessageID))
	}
	for i := 0; i < len(messageID); i++ {
		if messageID[i] <= ' ' || messageID[i] > '~' {
			return address.Address{}, fail(messageID, ErrConfig, "message ID: printable ASCII only")
		}
	}
	n, err := Normalize(rcpt)
	if err != nil {
		return address.Address{}, fail(rcpt, ErrConfig, err.Error())
	}
	if now.IsZero() {
		now = time.Now()
	}
	hours := now.Unix() / 3600
	if hours < 0 || hours >= 1<<24 {
		return address.Address{}, fail(rcpt, ErrConfig, "time out of range")
	}

	var buf [headLen + MaxMessageID + macLen]byte
	b := append(buf[:0], version<<5|k.ID)
	b = append(b, byte(hours>>16), byte(hours>>8), byte(hours))
	rk := recipientKey(k, n)
	b = append(b, rk[:]...)
	b = append(b, messageID...)
	b = append(b, mac(k, dom.ASCII(), prefix, b)...)
	local := prefix + string(separator) + enc.EncodeToString(b)
	if len(local) > maxLocal {
		return address.Address{}, fail(local, ErrTooLong, fmt.Sprintf("local part of %d octets (RFC 5321 §4.5.3.1.1: 64)", len(local)))
	}
	a, err := address.Parse(local + "@" + dom.ASCII())
	if err != nil {
		return address.Address{}, fail(local, ErrTooLong, err.Error())
	}
	return a, nil
}

func mac(k *Key, domain, prefix string, payload []byte) []byte {
	var m hash.Hash = hmac.New(sha256.New, k.Secret)
	m.Write([]byte("mxkit verp\x00"))
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write([]byte(prefix))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

// Decode checks a return path as it came in RCPT TO (without angle
// brackets) and returns its tag, at time now (time.Now() when zero).
// Errors are *Error wrapping ErrNotVERP, ErrMalformed, ErrUnknownKey,
// ErrForged, ErrExpired, ErrFuture or ErrConfig.
func (c *Codec) Decode(addr string, now time.Time) (Tag, error) {
	var t Tag
	prefix, err := c.prefix()
	if err != nil {
		return t, fail(addr, ErrConfig, err.Error())
	}
	dom, err := c.domain()
	if err != nil {
		return t, fail(c.Domain, ErrConfig, err.Error())
	}
	a, err := address.Parse(addr)
	if err != nil {
		return t, fail(addr, ErrNotVERP, err.Error())
	}
	if a.Domain != dom {
		return t, fail(addr, ErrNotVERP, "domain is not "+dom.ASCII())
	}
	// Some MTAs change the case of local parts: the prefix and the tag
	// are read in any case.
	local := strings.ToLower(a.Local)
	rest, ok := strings.CutPrefix(local, prefix+string(separator))
	if !ok {
		return t, fail(addr, ErrNotVERP, "local part does not start with "+prefix+string(separator))
	}
	if len(rest) > maxLocal {
		return t, fail(addr, ErrMalformed, "tag too long")
	}
	var buf [maxLocal]byte
	n, err := enc.Decode(buf[:], []byte(rest))
	if err != nil {
		return t, fail(addr, ErrMalformed, "not base32")
	}
	b := buf[:n]
	if len(b) < headLen+1+macLen || len(b) > headLen+MaxMessageID+macLen {
		return t, fail(addr, ErrMalformed, fmt.Sprintf("tag of %d octets", len(b)))
	}
	// One spelling per tag: base32 leaves unused bits in the last
	// character, which must be zero.
	if enc.EncodeToString(b) != rest {
		return t, fail(addr, ErrMalformed, "not the canonical spelling of its tag")
	}
	if b[0]>>5 != version {
		return t, fail(addr, ErrMalformed, fmt.Sprintf("version %d", b[0]>>5))
	}
	t.KeyID = b[0] & 0x1f
	k := c.key(t.KeyID)
	if k == nil {
		return t, fail(addr, ErrUnknownKey, fmt.Sprintf("key ID %d", t.KeyID))
	}
	if err := checkKey(k); err != nil {
		return t, fail(addr, ErrConfig, err.Error())
	}
	payload, sum := b[:len(b)-macLen], b[len(b)-macLen:]
	if !hmac.Equal(sum, mac(k, dom.ASCII(), prefix, payload)) {
		return t, fail(addr, ErrForged, "")
	}
	for _, ch := range payload[headLen:] {
		if ch <= ' ' || ch > '~' { // only a forged tag can get here
			return t, fail(addr, ErrMalformed, "message ID not printable")
		}
	}
	hours := int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3])
	t.Issued = time.Unix(hours*3600, 0).UTC()
	copy(t.Recipient[:], b[4:headLen])
	t.MessageID = string(payload[headLen:])

	if now.IsZero() {
		now = time.Now()
	}
	maxAge := c.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	// The tag has the hour it was made in: it is valid until MaxAge after
	// the end of that hour.
	switch {
	case t.Issued.After(now.Add(skew)):
		return t, fail(addr, ErrFuture, "issued "+t.Issued.Format(time.RFC3339))
	case now.Sub(t.Issued.Add(time.Hour)) > maxAge:
		return t, fail(addr, ErrExpired, "issued "+t.Issued.Format(time.RFC3339))
	}
	return t, nil
}

// Match returns the first of candidates whose recipient key is the tag's,
// in its Normalize form, and true; or "" and false when none is. Invalid
// candidates are skipped.
func (c *Codec) Match(t Tag, candidates ...string) (string, bool) {
	k := c.key(t.KeyID)
	if k == nil {
		return "", false
	}
	for _, cand := range candidates {
		n, err := Normalize(cand)
		if err != nil {
			continue
		}
		if rk := recipientKey(k, n); hmac.Equal(rk[:], t.Recipient[:]) {
			return n, true
		}
	}
	return "", false
}
