package verp

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func testCodec() *Codec {
	return &Codec{
		Domain: "Bounces.Example.COM",
		Keys: []Key{
			{ID: 2, Secret: []byte("0123456789abcdef-new")},
			{ID: 1, Secret: []byte("0123456789abcdef-old")},
		},
	}
}

var t0 = time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)

func TestRoundTrip(t *testing.T) {
	c := testCodec()
	for _, tc := range []struct{ id, rcpt string }{
		{"0000000000000042", "Alice@Customers.Example"},
		{"x", "b@c.example"},
		{strings.Repeat("z", MaxMessageID), "jörg@bücher.example"},
		{"9223372036854775807", "\"quoted local\"@example.org"},
	} {
		a, err := c.Encode(tc.id, tc.rcpt, t0)
		if err != nil {
			t.Fatalf("Encode(%q, %q): %v", tc.id, tc.rcpt, err)
		}
		if len(a.Local) > 64 || a.Domain.ASCII() != "bounces.example.com" || !strings.HasPrefix(a.Local, "b+") {
			t.Errorf("Encode(%q) = %q", tc.id, a)
		}
		if strings.ToLower(a.Local) != a.Local {
			t.Errorf("%q is not lower case", a.Local)
		}
		for _, spelling := range []string{a.String(), strings.ToUpper(a.String()), strings.ToUpper(a.Local) + "@bounces.example.com"} {
			tag, err := c.Decode(spelling, t0.Add(6*24*time.Hour))
			if err != nil {
				t.Fatalf("Decode(%q): %v", spelling, err)
			}
			if tag.MessageID != tc.id || tag.KeyID != 2 || !tag.Issued.Equal(t0.Truncate(time.Hour)) {
				t.Errorf("Decode(%q) = %+v", spelling, tag)
			}
			want, _ := Normalize(tc.rcpt)
			if got, ok := c.Match(tag, "other@customers.example", strings.ToUpper(tc.rcpt)); !ok || got != want {
				t.Errorf("Match = %q, %v; want %q", got, ok, want)
			}
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	c := testCodec()
	good, err := c.Encode("q123", "alice@customers.example", t0)
	if err != nil {
		t.Fatal(err)
	}
	local := good.Local
	// flip changes the lowest bit of the 5 a character stands for.
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	flip := func(s string, i int) string {
		b := []byte(s)
		b[i] = alphabet[strings.IndexByte(alphabet, b[i])^1]
		return string(b)
	}
	// The old key still verifies; a key that is gone does not.
	oldOnly := &Codec{Domain: c.Domain, Keys: c.Keys[1:]}
	oldAddr, err := oldOnly.Encode("q123", "alice@customers.example", t0)
	if err != nil {
		t.Fatal(err)
	}
	newOnly := &Codec{Domain: c.Domain, Keys: c.Keys[:1]}
	otherDomain := &Codec{Domain: "bounces.example.net", Keys: c.Keys}
	od, _ := otherDomain.Encode("q123", "alice@customers.example", t0)
	otherSecret := &Codec{Domain: c.Domain, Keys: []Key{{ID: 2, Secret: []byte("another secret of 16+")}}}
	os, _ := otherSecret.Encode("q123", "alice@customers.example", t0)
	for _, tc := range []struct {
		name  string
		codec *Codec
		addr  string
		now   time.Time
		want  error
	}{
		{"good", c, good.String(), t0, nil},
		{"old key", c, oldAddr.String(), t0, nil},
		{"retired key", newOnly, oldAddr.String(), t0, ErrUnknownKey},
		{"other domain", c, local + "@bounces.example.net", t0, ErrNotVERP},
		{"tag moved to other domain", c, od.Local + "@bounces.example.com", t0, ErrForged},
		{"other secret", c, os.String(), t0, ErrForged},
		{"no prefix", c, strings.TrimPrefix(local, "b+") + "@bounces.example.com", t0, ErrNotVERP},
		{"other prefix", &Codec{Domain: c.Domain, Keys: c.Keys, Prefix: "rp"}, good.String(), t0, ErrNotVERP},
		{"fbl address", c, "fbl@bounces.example.com", t0, ErrNotVERP},
		{"not an address", c, "b+abc", t0, ErrNotVERP},
		{"CRLF", c, good.String() + "\r\nDATA", t0, ErrNotVERP},
		{"not base32", c, "b+abc1def@bounces.example.com", t0, ErrMalformed},
		{"short", c, "b+aaaaaaaa@bounces.example.com", t0, ErrMalformed},
		{"altered last", c, flip(local, len(local)-1) + "@bounces.example.com", t0, ErrMalformed},
		{"altered middle", c, flip(local, 20) + "@bounces.example.com", t0, ErrForged},
		{"altered hours", c, flip(local, 5) + "@bounces.example.com", t0, ErrForged},
		{"expired", c, good.String(), t0.Add(DefaultMaxAge + 2*time.Hour), ErrExpired},
		{"just valid", c, good.String(), t0.Add(DefaultMaxAge), nil},
		{"short max age", &Codec{Domain: c.Domain, Keys: c.Keys, MaxAge: time.Hour}, good.String(), t0.Add(3 * time.Hour), ErrExpired},
		{"future", c, good.String(), t0.Add(-3 * time.Hour), ErrFuture},
		{"no keys", &Codec{Domain: c.Domain}, good.String(), t0, ErrUnknownKey},
	} {
		_, err := tc.codec.Decode(tc.addr, tc.now)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Decode(%q) = %v, want %v", tc.name, tc.addr, err, tc.want)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Errorf("%s: %T is not an *Error", tc.name, err)
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	c := testCodec()
	for _, tc := range []struct {
		name      string
		codec     *Codec
		id, rcpt  string
		want      error
		wantLocal int
	}{
		{"too long id", c, strings.Repeat("x", MaxMessageID+1), "a@b.example", ErrTooLong, 0},
		{"empty id", c, "", "a@b.example", ErrTooLong, 0},
		{"long prefix", &Codec{Domain: c.Domain, Keys: c.Keys, Prefix: "bounces"}, strings.Repeat("x", MaxMessageID), "a@b.example", ErrTooLong, 0},
		{"long prefix fits shorter id", &Codec{Domain: c.Domain, Keys: c.Keys, Prefix: "bounces"}, strings.Repeat("x", 16), "a@b.example", nil, 0},
		{"space in id", c, "a b", "a@b.example", ErrConfig, 0},
		{"bad rcpt", c, "id", "not an address", ErrConfig, 0},
		{"rcpt with CRLF", c, "id", "a@b.example\r\n", ErrConfig, 0},
		{"no keys", &Codec{Domain: c.Domain}, "id", "a@b.example", ErrConfig, 0},
		{"short secret", &Codec{Domain: c.Domain, Keys: []Key{{ID: 1, Secret: []byte("short")}}}, "id", "a@b.example", ErrConfig, 0},
		{"key ID too big", &Codec{Domain: c.Domain, Keys: []Key{{ID: 32, Secret: []byte("0123456789abcdef")}}}, "id", "a@b.example", ErrConfig, 0},
		{"bad prefix", &Codec{Domain: c.Domain, Keys: c.Keys, Prefix: "b+"}, "id", "a@b.example", ErrConfig, 0},
		{"literal domain", &Codec{Domain: "[192.0.2.1]", Keys: c.Keys}, "id", "a@b.example", ErrConfig, 0},
	} {
		a, err := tc.codec.Encode(tc.id, tc.rcpt, t0)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Encode = %v, %v; want %v", tc.name, a, err, tc.want)
		}
	}
}

func TestMatchOnlyTheTaggedRecipient(t *testing.T) {
	// A bounce to alice's valid return path that names bob must not
	// confirm bob: that is how a recipient would suppress another.
	c := testCodec()
	a, _ := c.Encode("m1", "alice@customers.example", t0)
	tag, err := c.Decode(a.String(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Match(tag, "bob@customers.example", "not an address", ""); ok {
		t.Errorf("Match confirmed %q", got)
	}
	if got, ok := c.Match(tag, "ALICE@CUSTOMERS.EXAMPLE"); !ok || got != "alice@customers.example" {
		t.Errorf("Match = %q, %v", got, ok)
	}
	k, err := c.RecipientKey(tag.KeyID, "Alice@customers.example")
	if err != nil || k != tag.Recipient {
		t.Errorf("RecipientKey = %v, %v; want %v", k, err, tag.Recipient)
	}
	if _, err := c.RecipientKey(9, "alice@customers.example"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("RecipientKey with unknown key: %v", err)
	}
}

func TestLocalPartBudget(t *testing.T) {
	// The longest message ID with the default prefix fills the local
	// part without passing 64 octets.
	c := testCodec()
	a, err := c.Encode(strings.Repeat("9", MaxMessageID), "a@b.example", t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Local) > 64 || len(a.Local) < 60 {
		t.Errorf("local part of %d octets", len(a.Local))
	}
}
