package dkim

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/mxkit/mxkit/address"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Key is a signing key and the name its public half is published under:
// the TXT record <Selector>._domainkey.<Domain> (RFC 6376 §3.6.2.1).
type Key struct {
	Domain   string        // d=, the signing domain
	Selector string        // s=
	Signer   crypto.Signer // *rsa.PrivateKey (2048 bits or more) or ed25519.PrivateKey
	// Identifier is the optional i= (AUID), such as "@example.com" or
	// "user@mail.example.com"; it must be in Domain or a subdomain of it.
	Identifier string
}

// KeyStore gives the keys to sign mail whose From address is in domain.
// Implementations must be safe for concurrent use. A store without keys for
// domain returns nil and no error.
type KeyStore interface {
	Keys(ctx context.Context, domain string) ([]Key, error)
}

// MemoryStore is a KeyStore held in memory. The zero value is empty and
// ready; keys can be changed while signers use it.
type MemoryStore struct {
	mu   sync.RWMutex
	keys map[string][]Key
}

// Set replaces the keys of domain (with none, removes the domain).
func (m *MemoryStore) Set(domain string, keys ...Key) {
	m.mu.Lock()
	defer m.mu.Unlock()
	domain = canonicalDomain(domain)
	if len(keys) == 0 {
		delete(m.keys, domain)
		return
	}
	if m.keys == nil {
		m.keys = map[string][]Key{}
	}
	m.keys[domain] = append([]Key(nil), keys...)
}

// Keys implements KeyStore.
func (m *MemoryStore) Keys(_ context.Context, domain string) ([]Key, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]Key(nil), m.keys[canonicalDomain(domain)]...), nil
}

// DirStore is a KeyStore reading PEM files from a directory tree:
// Dir/<domain>/<selector>.pem, one private key per file; every key of a
// domain signs. Rotating a key is adding the file of the new selector and
// removing the old one: files are checked on each call and parsed again
// only when they change, so nothing needs a restart.
type DirStore struct {
	Dir string

	mu    sync.Mutex
	cache map[string]cachedKey // by path
}

type cachedKey struct {
	mod    time.Time
	size   int64
	signer crypto.Signer
}

// Keys implements KeyStore. The domain is checked to be a plain host name
// (by the address package's rules, in A-labels) before it becomes part of
// a path.
func (d *DirStore) Keys(ctx context.Context, domain string) ([]Key, error) {
	domain, ok := mailDomain(domain)
	if !ok {
		return nil, fmt.Errorf("dkim: key store: invalid domain %q", domain)
	}
	dir := filepath.Join(d.Dir, domain)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dkim: key store: %w", err)
	}
	var keys []Key
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".pem") {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		selector := strings.TrimSuffix(name, ".pem")
		if !validSelector(selector) {
			continue
		}
		signer, err := d.load(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		keys = append(keys, Key{Domain: domain, Selector: selector, Signer: signer})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Selector < keys[j].Selector })
	return keys, nil
}

func (d *DirStore) load(path string) (crypto.Signer, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dkim: key store: %w", err)
	}
	d.mu.Lock()
	c, ok := d.cache[path]
	d.mu.Unlock()
	if ok && c.mod.Equal(st.ModTime()) && c.size == st.Size() {
		return c.signer, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dkim: key store: %w", err)
	}
	signer, err := ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("dkim: key store: %s: %w", path, err)
	}
	d.mu.Lock()
	if d.cache == nil {
		d.cache = map[string]cachedKey{}
	}
	d.cache[path] = cachedKey{st.ModTime(), st.Size(), signer}
	d.mu.Unlock()
	return signer, nil
}

// ParsePrivateKey reads a PEM private key: PKCS#1 ("RSA PRIVATE KEY") or
// PKCS#8 ("PRIVATE KEY", RSA or Ed25519).
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrKeyFormat)
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case ed25519.PrivateKey:
			return k, nil
		}
		return nil, fmt.Errorf("%w: %T keys cannot sign DKIM", ErrKeyType, k)
	}
	return nil, fmt.Errorf("%w: PEM block %q", ErrKeyFormat, block.Type)
}

// MarshalPrivateKey encodes key as a PKCS#8 PEM block.
func MarshalPrivateKey(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyType, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// GenerateKey makes a new signing key: keyType "ed25519" (RFC 8463), "rsa"
// (2048 bits) or "rsa3072".
func GenerateKey(keyType string) (crypto.Signer, error) {
	switch keyType {
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case "rsa":
		return rsa.GenerateKey(rand.Reader, 2048)
	case "rsa3072":
		return rsa.GenerateKey(rand.Reader, 3072)
	}
	return nil, fmt.Errorf("%w: %q", ErrKeyType, keyType)
}

// TXTRecord returns the DNS TXT record publishing pub (RFC 6376 §3.6.1;
// RFC 8463 §4.2 for Ed25519), "v=DKIM1; k=…; p=…", as character-strings
// of at most 255 bytes each, to be put in one TXT record.
func TXTRecord(pub crypto.PublicKey) ([]string, error) {
	var s string
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyType, err)
		}
		s = "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		s = "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	default:
		return nil, fmt.Errorf("%w: %T", ErrKeyType, pub)
	}
	var out []string
	for len(s) > 255 {
		out = append(out, s[:255])
		s = s[255:]
	}
	return append(out, s), nil
}

// keyRecord is a parsed DKIM key record (RFC 6376 §3.6.1).
type keyRecord struct {
	keyType  string // "rsa" or "ed25519"
	hashes   []string
	services []string
	flags    []string
	pub      crypto.PublicKey // nil when revoked
}

func (k *keyRecord) hasFlag(f string) bool {
	for _, x := range k.flags {
		if x == f {
			return true
		}
	}
	return false
}

// parseKeyRecord parses a DKIM key TXT record. An empty p= gives
// ErrKeyRevoked; other faults give ErrKeySyntax or ErrAlgorithm.
func parseKeyRecord(s string) (*keyRecord, error) {
	tags, err := parseTags(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeySyntax, err)
	}
	// RFC 6376 §3.6.1: v=, if present, must be first and DKIM1.
	if v, ok := tagValue(tags, "v"); ok && (tags[0].name != "v" || v != "DKIM1") {
		return nil, fmt.Errorf("%w: bad version %q", ErrKeySyntax, v)
	}
	k := &keyRecord{keyType: "rsa"}
	if v, ok := tagValue(tags, "k"); ok {
		k.keyType = strings.ToLower(removeWSP(v))
	}
	if v, ok := tagValue(tags, "h"); ok {
		k.hashes = splitList(v)
	}
	if v, ok := tagValue(tags, "s"); ok {
		k.services = splitList(v)
	}
	if v, ok := tagValue(tags, "t"); ok {
		k.flags = splitList(v)
	}
	p, ok := tagValue(tags, "p")
	if !ok {
		return nil, fmt.Errorf("%w: no p= tag", ErrKeySyntax)
	}
	p = removeWSP(p)
	if p == "" {
		return k, ErrKeyRevoked // RFC 6376 §3.6.1: empty p= means revoked
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return nil, fmt.Errorf("%w: p=: %v", ErrKeySyntax, err)
	}
	switch k.keyType {
	case "rsa":
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			// RFC 6376 erratum 3017: some publish a bare RSAPublicKey.
			pub, err = x509.ParsePKCS1PublicKey(der)
			if err != nil {
				return nil, fmt.Errorf("%w: p=: %v", ErrKeySyntax, err)
			}
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: k=rsa but p= holds %T", ErrKeySyntax, pub)
		}
		k.pub = rk
	case "ed25519":
		if len(der) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 key of %d bytes", ErrKeySyntax, len(der))
		}
		k.pub = ed25519.PublicKey(der)
	default:
		return nil, fmt.Errorf("%w: key type %q", ErrAlgorithm, k.keyType)
	}
	return k, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ":") {
		if x = strings.ToLower(removeWSP(x)); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// validDomain is for DNS owner names (selectors, and d= values of
// signatures being verified, which may hold underscores: RFC 2181 §11);
// domains mxkit signs for are checked with mailDomain. It reports whether s is a plain DNS host name (letters, digits,
// hyphens, underscores and dots, no empty label).
func validDomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || !validLabel(label) {
			return false
		}
	}
	return true
}

func validLabel(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlpha(c) || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// mailDomain returns a signing domain (d=, a From domain) in canonical
// form by the address package's rules (A-labels, lower case, no trailing
// dot), and whether it is one: a name, not an address literal.
func mailDomain(s string) (string, bool) {
	d, err := address.ParseDomain(s)
	if err != nil || d.Literal().IsValid() {
		return s, false
	}
	return d.ASCII(), true
}

// canonicalDomain is mailDomain, or s lower-cased when it is none (a key
// store lookup then simply finds nothing).
func canonicalDomain(s string) string {
	if d, ok := mailDomain(s); ok {
		return d
	}
	return strings.ToLower(s)
}

// validSelector: one or more labels (RFC 6376 §3.1 selectors may hold dots).
func validSelector(s string) bool { return validDomain(s) }
