package suppression_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/suppression"
)

var (
	oldKey = suppression.Key{ID: "k1", Secret: []byte("0123456789abcdef-old")}
	newKey = suppression.Key{ID: "k2", Secret: []byte("0123456789abcdef-new")}
)

func TestTokenRoundTrip(t *testing.T) {
	g := &suppression.Signer{Keys: []suppression.Key{newKey}}
	sub := suppression.Subscription{Tenant: "acme", Address: "Jörg@Bücher.example", List: "weekly news", Issued: time.Unix(1900000000, 0)}
	tok, err := g.Token(sub)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(tok, "+/=?#%&") {
		t.Errorf("token %q is not URL-safe", tok)
	}
	got, err := g.Verify(tok)
	if err != nil || got != sub {
		t.Errorf("Verify: %+v, %v; want %+v", got, err, sub)
	}
	// Every single-character change is refused.
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range tok {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, tok[i])+1)%64], alphabet[(strings.IndexByte(alphabet, tok[i])+32)%64]} {
			alt := tok[:i] + string(c) + tok[i+1:]
			if _, err := g.Verify(alt); !errors.Is(err, suppression.ErrBadToken) {
				t.Fatalf("altered token (position %d) accepted: %v", i, err)
			}
		}
	}
	for _, bad := range []string{"", "x", tok[:len(tok)-1], tok + "A", strings.Repeat("A", 5000)} {
		if _, err := g.Verify(bad); !errors.Is(err, suppression.ErrBadToken) {
			t.Errorf("Verify(%.20q...): %v", bad, err)
		}
	}
	// Forged: the same content signed with a key the Signer lacks.
	forger := &suppression.Signer{Keys: []suppression.Key{{ID: "k2", Secret: []byte("guessed-secret-1234")}}}
	forged, _ := forger.Token(sub)
	if _, err := g.Verify(forged); !errors.Is(err, suppression.ErrBadToken) {
		t.Errorf("forged token: %v", err)
	}
	// Rotation: tokens of the old key verify while it is kept.
	old, _ := (&suppression.Signer{Keys: []suppression.Key{oldKey}}).Token(sub)
	rotated := &suppression.Signer{Keys: []suppression.Key{newKey, oldKey}}
	if _, err := rotated.Verify(old); err != nil {
		t.Errorf("old key's token after rotation: %v", err)
	}
	if _, err := g.Verify(old); !errors.Is(err, suppression.ErrBadToken) {
		t.Errorf("token of a retired key: %v", err)
	}
	aged := &suppression.Signer{Keys: []suppression.Key{newKey}, MaxAge: time.Hour}
	sub.Issued = time.Now().Add(-2 * time.Hour)
	tok, _ = aged.Token(sub)
	if _, err := aged.Verify(tok); err == nil {
		t.Error("a token older than MaxAge was accepted")
	}
	if _, err := (&suppression.Signer{Keys: []suppression.Key{{ID: "k", Secret: []byte("short")}}}).Token(sub); err == nil {
		t.Error("a 5-octet secret was accepted")
	}
	if _, err := g.Token(suppression.Subscription{Address: "a@b.example\r\nX: y"}); err == nil {
		t.Error("a token for an address with CR LF")
	}
	if _, err := g.URL("http://insecure.example/u/", sub); err == nil {
		t.Error("an http:// base URL was accepted (RFC 8058 §3.1 wants https)")
	}
}

func oneClickForm() (string, io.Reader) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("List-Unsubscribe", "One-Click")
	w.Close()
	return w.FormDataContentType(), &b
}

func TestHandler(t *testing.T) {
	l := newList(t, nil)
	g := &suppression.Signer{Keys: []suppression.Key{newKey, oldKey}}
	var events atomic.Int32
	// Refusals log at Debug: the path is public, and bad links cost a
	// sender nothing, so at Info they would flood the log.
	var logs testenv.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := httptest.NewServer(&suppression.Handler{List: l, Signer: g, Logger: logger, Unsubscribed: func(suppression.Entry) { events.Add(1) }})
	defer srv.Close()
	base := srv.URL + "/unsubscribe/"
	tok, _ := g.Token(suppression.Subscription{Tenant: "acme", Address: "Reader@Example.com", List: "news"})
	post := func(path, ctype string, body io.Reader) int {
		t.Helper()
		resp, err := http.Post(base+path, ctype, body)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	form := "application/x-www-form-urlencoded"

	// What changes nothing: a GET, a wrong body, altered or forged tokens.
	resp, err := http.Get(base + tok)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `name="List-Unsubscribe" value="One-Click"`) {
		t.Errorf("GET: %d %s", resp.StatusCode, page)
	}
	altered := tok[:10] + string("AB"[min(1, strings.IndexByte("A", tok[10])+1)]) + tok[11:]
	forged, _ := (&suppression.Signer{Keys: []suppression.Key{{ID: "k2", Secret: []byte("not-the-secret-at-all")}}}).Token(
		suppression.Subscription{Tenant: "acme", Address: "victim@example.com"})
	for _, c := range []struct {
		name, path, ctype, body string
		want                    int
	}{
		{"no body", tok, form, "", 400},
		{"other value", tok, form, "List-Unsubscribe=Yes", 400},
		{"twice", tok, form, "List-Unsubscribe=One-Click&List-Unsubscribe=One-Click", 400},
		{"JSON", tok, "application/json", `{"List-Unsubscribe":"One-Click"}`, 400},
		{"altered token", altered, form, "List-Unsubscribe=One-Click", 400},
		{"forged token", forged, form, "List-Unsubscribe=One-Click", 400},
		{"no token", "", form, "List-Unsubscribe=One-Click", 400},
		{"huge body", tok, form, "List-Unsubscribe=One-Click&x=" + strings.Repeat("y", 100<<10), 400},
	} {
		if got := post(c.path, c.ctype, strings.NewReader(c.body)); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	if l.Len() != 0 || events.Load() != 0 {
		t.Fatalf("refused requests changed the list: %d entries, %d events", l.Len(), events.Load())
	}
	if got := logs.String(); got != "" {
		t.Errorf("refused requests logged at Info:\n%s", got)
	}

	// The one-click POST, as RFC 8058 §3.2 sends it, then again.
	ctype, body := oneClickForm()
	if got := post(tok, ctype, body); got != 200 {
		t.Fatalf("one-click POST (multipart): %d", got)
	}
	m, ok := l.Check("acme", "reader@example.com")
	if !ok || m.Reason != suppression.Unsubscribe {
		t.Fatalf("after the POST: %+v %v", m, ok)
	}
	if got := logs.String(); !strings.Contains(got, "level=INFO msg=unsubscribe tenant=acme address=reader@example.com list=news new=true") {
		t.Errorf("the unsubscribe is not logged at Info: %q", got)
	}
	e, _ := l.Get(ctx, "acme", "reader@example.com")
	if e.Evidence.List != "news" {
		t.Errorf("evidence %+v, want the list", e.Evidence)
	}
	for range 3 {
		if got := post(tok, form, strings.NewReader("List-Unsubscribe=One-Click")); got != 200 {
			t.Errorf("repeated POST: %d", got)
		}
	}
	if l.Len() != 1 || events.Load() != 1 {
		t.Errorf("after repeats: %d entries, %d events; want 1 and 1", l.Len(), events.Load())
	}
	if e2, _ := l.Get(ctx, "acme", "reader@example.com"); !e2.Created.Equal(e.Created) {
		t.Errorf("a repeated POST changed the entry: %v -> %v", e.Created, e2.Created)
	}
	// A token of the rotated-out key still works while it is kept.
	old, _ := (&suppression.Signer{Keys: []suppression.Key{oldKey}}).Token(suppression.Subscription{Address: "old@example.com"})
	if got := post(old, form, strings.NewReader("List-Unsubscribe=One-Click")); got != 200 {
		t.Errorf("old key's token: %d", got)
	}
	req, _ := http.NewRequest(http.MethodDelete, base+tok, nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 405 {
		t.Errorf("DELETE: %v %v", resp.StatusCode, err)
	}
}
