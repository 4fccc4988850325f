package queue

import (
	"encoding/binary"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

func TestRecordRoundTrip(t *testing.T) {
	m := Message{ID: "0000000000000007", Envelope: Envelope{
		From: "a@example.org",
		Recipients: []Recipient{
			{Addr: "b@example.com", Notify: "FAILURE", ORcpt: "rfc822;b@example.com", State: Canceled},
			{Addr: "c@example.com", State: Pending, Attempts: 3, History: []delivery.Outcome{
				{Recipient: "c@example.com", Status: delivery.Deferred, Stage: delivery.StageConnect, Enhanced: delivery.EnhancedCode{4, 4, 1},
					Text: "connect: connection refused", Time: time.Unix(1700000000, 7).UTC()},
				{Recipient: "c@example.com", Status: delivery.Deferred, Stage: delivery.StageRcpt, Code: 451, Enhanced: delivery.EnhancedCode{4, 7, 1},
					Text: "greylisted", Host: "mx.example.com", IP: netip.MustParseAddr("2001:db8::25"), Time: time.Unix(1700000300, 0).UTC()},
			}, DelayNotified: time.Unix(1700000301, 9).UTC()},
			{Addr: "d@example.com", State: Failed, Attempts: 1, History: []delivery.Outcome{
				{Recipient: "d@example.com", Status: delivery.Failed, Stage: delivery.StageRoute, Enhanced: delivery.EnhancedCode{5, 1, 10}, Text: "null MX"},
			}},
		},
		Ret: "FULL", EnvID: "e1", Tenant: "t", Campaign: "c", Class: "k", IdempotencyKey: "i",
		Priority: PriorityBulk, SendAt: time.Unix(1800000000, 5).UTC(),
	}, Domain: "example.com", Size: 10, Created: time.Unix(1, 0).UTC(), NextAttempt: time.Unix(2, 0).UTC(),
		Attempts: 4, Dead: true, Held: true}
	b, _ := encodeRecord(&record{Message: m, File: "0123abcd", CRC: 7})
	r, err := decodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Message, m) || r.File != "0123abcd" || r.CRC != 7 {
		t.Errorf("round trip gave\n%+v\nwant\n%+v", r.Message, m)
	}
	b, _ = encodeRecord(&record{Message: m, Chunk: 3, Page: 1000, CRC: 8})
	if r, err = decodeRecord(b); err != nil || !reflect.DeepEqual(r.Message, m) || r.Chunk != 3 || r.Page != 1000 || r.File != "" || r.CRC != 8 {
		t.Errorf("round trip of an arena record: %v, chunk %d page %d file %q crc %d", err, r.Chunk, r.Page, r.File, r.CRC)
	}
	// A body both in a file and in the arena is refused.
	if b, _ = encodeRecord(&record{Message: m, File: "0123abcd", Chunk: 3}); decodeRecordOK(b) {
		t.Errorf("a record with a body file and an arena place decoded")
	}
	var e Envelope
	eb, _ := m.Envelope.MarshalBinary()
	if err := e.UnmarshalBinary(eb); err != nil || !reflect.DeepEqual(e, m.Envelope) {
		t.Errorf("envelope round trip: %v\n%+v\nwant\n%+v", err, e, m.Envelope)
	}
}

// A record with an optional field this version does not know comes from
// a newer version: refused, never half read.
func TestRecordFromNewerVersion(t *testing.T) {
	env := Envelope{Recipients: []Recipient{{Addr: "b@example.com"}}}
	b, _ := env.MarshalBinary()
	// Replace the end of the envelope's optional fields by a field 99.
	b = b[:len(b)-1]
	b = appendField(b, 99, 1)
	b = append(b, 0)
	var e Envelope
	if err := e.UnmarshalBinary(b); err == nil || !strings.Contains(err.Error(), "newer version") {
		t.Errorf("envelope with field 99: %v, want refused as from a newer version", err)
	}
	// A recipient's optional fields too.
	b, _ = env.MarshalBinary()
	i := 1 + 1 + 1 + 1 + len("b@example.com") + 1 + 1 + 1 + 1 + 1 // format, From, count, Addr, Notify, ORcpt, State, Attempts, the legacy last error
	if b[i] != 0 {
		t.Fatalf("byte %d is %d, not the end of the recipient's fields", i, b[i])
	}
	nb := append(append([]byte(nil), b[:i]...), appendField(nil, 5, 1)...)
	nb = append(nb, b[i:]...)
	if err := e.UnmarshalBinary(nb); err == nil || !strings.Contains(err.Error(), "newer version") {
		t.Errorf("recipient with field 5: %v, want refused as from a newer version", err)
	}
	// An unknown envelope format.
	b, _ = env.MarshalBinary()
	b[0] = 9
	if err := e.UnmarshalBinary(b); err == nil {
		t.Error("envelope format 9 accepted")
	}
	// A malformed known field.
	b, _ = env.MarshalBinary()
	b = append(b[:len(b)-1], binary.AppendUvarint(binary.AppendUvarint(nil, tagPriority), 0)...)
	b = append(b, 0)
	if err := e.UnmarshalBinary(b); err == nil {
		t.Error("empty priority field accepted")
	}
}

func decodeRecordOK(b []byte) bool {
	_, err := decodeRecord(b)
	return err == nil
}
