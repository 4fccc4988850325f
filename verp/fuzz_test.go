package verp

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzDecode: Decode never panics, every refusal is an *Error with one of
// the sentinels, and what it accepts is an address Encode would write
// (same tag, lower case), whatever case the input had.
func FuzzDecode(f *testing.F) {
	c := testCodec()
	for _, id := range []string{"q1", "0000000000000042", strings.Repeat("z", MaxMessageID)} {
		a, err := c.Encode(id, "alice@customers.example", t0)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(a.String())
		f.Add(strings.ToUpper(a.String()))
		f.Add(a.Local[:len(a.Local)-1] + "@bounces.example.com")
	}
	for _, s := range []string{"", "b+@bounces.example.com", "fbl@bounces.example.com", "b+aaaa@[127.0.0.1]",
		"\"b+x\"@bounces.example.com", "b+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@bounces.example.com\r\n"} {
		f.Add(s)
	}
	sentinels := []error{ErrNotVERP, ErrMalformed, ErrUnknownKey, ErrForged, ErrExpired, ErrFuture, ErrConfig}
	f.Fuzz(func(t *testing.T, addr string) {
		tag, err := c.Decode(addr, t0.Add(time.Hour))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not an *Error", err)
			}
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		again, err := c.Encode(tag.MessageID, "alice@customers.example", tag.Issued)
		if err != nil {
			t.Fatalf("Encode of a decoded tag: %v", err)
		}
		local, _, _ := strings.Cut(addr, "@")
		if !strings.EqualFold(again.Local, local) {
			t.Fatalf("Decode accepted %q, Encode writes %q", addr, again)
		}
	})
}
