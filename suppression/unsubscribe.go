package suppression

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Key is a secret that signs unsubscribe tokens. ID names it inside the
// tokens it signs, so that a key can be replaced without breaking the
// links already sent: sign with the new key, keep verifying with the old
// one until those messages are old enough.
type Key struct {
	ID     string // 1 to 16 octets
	Secret []byte // at least 16 octets of random
}

// Signer makes and checks unsubscribe tokens (HMAC-SHA-256, RFC 2104,
// truncated to 128 bits as RFC 2104 §5 allows). Keys[0] signs; every key
// verifies.
type Signer struct {
	Keys []Key
	// MaxAge, when set, refuses tokens older than this. RFC 8058 leaves
	// it to the sender; laws give opt-out links a working life of at
	// least 30 days (US CAN-SPAM, 15 U.S.C. 7704(a)(3)).
	MaxAge time.Duration
}

// Subscription is what an unsubscribe token names.
type Subscription struct {
	Tenant  string
	Address string // as given to Token; the List suppresses its Normalize form
	List    string // the list or mail stream; "" for all of the tenant's mail
	Issued  time.Time
}

// ErrBadToken is matched by every token Verify refuses.
var ErrBadToken = errors.New("suppression: bad unsubscribe token")

const (
	tokenVersion = 1
	macLen       = 16
	maxTokenLen  = 2048
)

// Token returns a token for s (Issued defaults to now): URL-safe base64
// (RFC 4648 §5) of a version octet, the key ID, the tenant, address and
// list, the issue time, and a MAC over all of it.
func (g *Signer) Token(s Subscription) (string, error) {
	if len(g.Keys) == 0 {
		return "", errors.New("suppression: Signer has no keys")
	}
	k := g.Keys[0]
	if err := k.check(); err != nil {
		return "", err
	}
	if err := checkTenant(s.Tenant); err != nil {
		return "", err
	}
	if _, err := Normalize(s.Address); err != nil {
		return "", err
	}
	if s.Issued.IsZero() {
		s.Issued = time.Now()
	}
	b := []byte{tokenVersion}
	for _, f := range []string{k.ID, s.Tenant, s.Address, s.List} {
		if len(f) > 255 {
			return "", invalid("token field longer than 255 octets")
		}
		b = append(b, byte(len(f)))
		b = append(b, f...)
	}
	b = binary.AppendUvarint(b, uint64(s.Issued.Unix()))
	b = append(b, mac(k.Secret, b)...)
	t := base64.RawURLEncoding.EncodeToString(b)
	if len(t) > maxTokenLen {
		return "", invalid("token longer than %d octets", maxTokenLen)
	}
	return t, nil
}

func (k *Key) check() error {
	if k.ID == "" || len(k.ID) > 16 {
		return errors.New("suppression: key ID must be 1 to 16 octets")
	}
	if len(k.Secret) < 16 {
		return errors.New("suppression: key secret shorter than 16 octets")
	}
	return nil
}

func mac(secret, b []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write(b)
	return h.Sum(nil)[:macLen]
}

// Verify checks a token and returns what it names. Any change to a token
// makes it fail with ErrBadToken, as does a token signed with a key not
// in Keys, or older than MaxAge.
func (g *Signer) Verify(token string) (Subscription, error) {
	var s Subscription
	if len(token) > maxTokenLen {
		return s, fmt.Errorf("%w: too long", ErrBadToken)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token) // Strict: one spelling per token
	if err != nil || len(b) < 1+4+1+macLen || b[0] != tokenVersion {
		return s, fmt.Errorf("%w: malformed", ErrBadToken)
	}
	body, sum := b[:len(b)-macLen], b[len(b)-macLen:]
	p := body[1:]
	var f [4]string
	for i := range f {
		if len(p) < 1 || len(p) < 1+int(p[0]) {
			return s, fmt.Errorf("%w: malformed", ErrBadToken)
		}
		f[i], p = string(p[1:1+int(p[0])]), p[1+int(p[0]):]
	}
	issued, n := binary.Uvarint(p)
	if n <= 0 || n != len(p) || issued > 1<<40 {
		return s, fmt.Errorf("%w: malformed", ErrBadToken)
	}
	var key *Key
	for i := range g.Keys {
		if g.Keys[i].ID == f[0] {
			key = &g.Keys[i]
			break
		}
	}
	if key == nil {
		return s, fmt.Errorf("%w: unknown key", ErrBadToken)
	}
	if !hmac.Equal(sum, mac(key.Secret, body)) {
		return s, fmt.Errorf("%w: signature does not match", ErrBadToken)
	}
	s = Subscription{Tenant: f[1], Address: f[2], List: f[3], Issued: time.Unix(int64(issued), 0)}
	if g.MaxAge > 0 && time.Since(s.Issued) > g.MaxAge {
		return Subscription{}, fmt.Errorf("%w: expired", ErrBadToken)
	}
	return s, nil
}

// URL returns base with the token for s appended as the last path
// segment: what goes between the angle brackets of List-Unsubscribe
// (RFC 2369 §3.2), beside List-Unsubscribe-Post: List-Unsubscribe=One-Click
// (RFC 8058 §3.1). base must be an https URL (RFC 8058 §3.1) ending in
// "/".
func (g *Signer) URL(base string, s Subscription) (string, error) {
	if !strings.HasPrefix(base, "https://") || !strings.HasSuffix(base, "/") {
		return "", fmt.Errorf("suppression: unsubscribe base URL %q must start with https:// and end with /", base)
	}
	t, err := g.Token(s)
	if err != nil {
		return "", err
	}
	return base + t, nil
}

// Handler serves RFC 8058 one-click unsubscribes at the URLs Signer.URL
// makes: the token is the last segment of the request path. A POST whose
// body is List-Unsubscribe=One-Click (multipart/form-data or
// application/x-www-form-urlencoded, RFC 8058 §3.2) with a valid token
// suppresses the address (List.Unsubscribe) and answers 200; a repeated
// POST finds the entry in force and answers 200 again. A forged, altered
// or expired token, or another body, gets 400 and changes nothing. The
// POST carries no cookie or other context (RFC 8058 §3.2), so the token is
// all there is to go on.
//
// A GET changes nothing: anti-spam filters fetch the links in messages,
// and RFC 8058 §1 exists so that fetching does not unsubscribe. It
// answers with a page whose button sends the same POST, for a reader who
// follows the link by hand.
type Handler struct {
	List   *List
	Signer *Signer
	// Logger receives each unsubscribe (Info) and each refusal (Debug:
	// anyone can send bad links to a public path, as often as they like);
	// nil is silent.
	Logger *slog.Logger
	// Unsubscribed, when set, is told of each new unsubscribe (not of
	// repeats), for events and webhooks.
	Unsubscribed func(Entry)
}

// maxForm bounds a POST body: the one-click body is 26 octets.
const maxForm = 8 << 10

func (h *Handler) log(r *http.Request, level slog.Level, msg string, args ...any) {
	if h.Logger != nil {
		h.Logger.Log(r.Context(), level, msg, args...)
	}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	sub, err := h.Signer.Verify(token)
	if err != nil {
		h.log(r, slog.LevelDebug, "unsubscribe: refused", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid unsubscribe link", http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		confirmPage.Execute(w, sub)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !oneClick(w, r) {
		h.log(r, slog.LevelDebug, "unsubscribe: not a one-click body", "address", sub.Address)
		http.Error(w, "expected List-Unsubscribe=One-Click", http.StatusBadRequest)
		return
	}
	e, added, err := h.List.Add(r.Context(), Entry{Address: sub.Address, Tenant: sub.Tenant,
		Reason: Unsubscribe, Evidence: Evidence{List: sub.List}})
	if err != nil {
		if errors.Is(err, ErrInvalid) {
			http.Error(w, "invalid unsubscribe link", http.StatusBadRequest)
			return
		}
		if h.Logger != nil {
			h.Logger.Error("unsubscribe: could not store", "address", sub.Address, "err", err)
		}
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	h.log(r, slog.LevelInfo, "unsubscribe", "tenant", sub.Tenant, "address", e.Address, "list", sub.List, "new", added)
	if added && h.Unsubscribed != nil {
		h.Unsubscribed(e)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("unsubscribed\n"))
}

// oneClick reports whether the POST body is List-Unsubscribe=One-Click.
func oneClick(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return false
	}
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxForm); err != nil {
			return false
		}
		defer r.MultipartForm.RemoveAll()
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return false
		}
	default:
		return false
	}
	v := r.PostForm["List-Unsubscribe"]
	return len(v) == 1 && v[0] == "One-Click"
}

var confirmPage = template.Must(template.New("confirm").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Unsubscribe</title></head>
<body><form method="post"><p>Stop mail to {{.Address}}{{if .List}} from {{.List}}{{end}}?</p>
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button></form></body></html>
`))
