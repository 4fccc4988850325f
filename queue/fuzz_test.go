package queue

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

func FuzzCheckAddress(f *testing.F) {
	for _, s := range []string{
		"a@example.com", "\"a b\"@example.com", "a@[192.0.2.1]", "user@bücher.example",
		"a@example.com\r\nRCPT TO:<b@evil>", "", "@", "a@", "@b", "a..b@c", "a@b..c",
		"\"unterminated@example.com", "a@-x.example", strings.Repeat("a", 65) + "@x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		err := CheckAddress(addr)
		if err != nil {
			if _, ok := err.(*AddressError); !ok {
				t.Fatalf("error %T is not an *AddressError", err)
			}
			return
		}
		if strings.ContainsAny(addr, "\r\n\x00<>") {
			t.Fatalf("accepted %q with CR, LF, NUL or angle brackets", addr)
		}
		if len(addr) > 254 || !strings.Contains(addr, "@") {
			t.Fatalf("accepted %q", addr)
		}
		_ = domainOf(addr)
	})
}

// FuzzDecodeRecord feeds damaged records to the decoder the store uses on
// its own file: it must refuse them with an error, not panic, and what it
// accepts must be safe to use.
func FuzzDecodeRecord(f *testing.F) {
	m := Message{ID: "0000000000000001", Envelope: Envelope{From: "a@example.org",
		Recipients: []Recipient{{Addr: "b@example.com", State: Failed, Attempts: 1, History: []delivery.Outcome{{Status: delivery.Failed,
			Stage: delivery.StageRcpt, Code: 550, Enhanced: delivery.EnhancedCode{5, 1, 1}, Text: "no such user", Host: "mx.example.com",
			IP: netip.MustParseAddr("192.0.2.1"), Time: time.Unix(3, 0)}}, DelayNotified: time.Unix(4, 0)}}},
		Domain: "example.com", Size: 10, Created: time.Unix(1, 0), NextAttempt: time.Unix(2, 0)}
	b, _ := encodeRecord(&record{Message: m, File: "0123abcd", CRC: 7})
	f.Add(b)
	b2, _ := encodeRecord(&record{Message: m, File: "../../etc/passwd"})
	f.Add(b2)
	b3, _ := encodeRecord(&record{Message: m, Chunk: 1, Page: 7, CRC: 9})
	f.Add(b3)
	f.Add(b[:len(b)/2])
	f.Add([]byte{recordFormat})
	f.Add([]byte{recordV1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeRecord(data)
		if err != nil {
			return
		}
		// What decodes survives a round trip.
		enc, _ := encodeRecord(r)
		r2, err := decodeRecord(enc)
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if enc2, _ := encodeRecord(r2); string(enc2) != string(enc) {
			t.Fatalf("round trip changed the record:\n%x\n%x", enc, enc2)
		}
		if len(r.Recipients) == 0 || strings.ContainsAny(r.File, `/\`) || r.File == ".." || r.Chunk != 0 && r.File != "" {
			t.Fatalf("accepted unsafe record %+v", r)
		}
		for _, rc := range r.Recipients {
			_ = rc.State.String()
		}
		if _, err := r.Apply(time.Now(), []Outcome{{Recipient: r.Recipients[0].Addr, State: Delivered,
			Attempt: delivery.Outcome{Status: delivery.Delivered}}}); err != nil && r.Recipients[0].State == Pending {
			t.Fatalf("Apply to a pending recipient: %v", err)
		}
	})
}
