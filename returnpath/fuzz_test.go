package returnpath

import (
	"bytes"
	"context"
	"testing"

	"github.com/mxkit/mxkit/bounce"
)

// FuzzMatch: whatever a returned message says, matching never panics and
// never confirms any recipient but the one the tag was made for.
func FuzzMatch(f *testing.F) {
	f.Add([]byte(dsn("alice@rcpt.example", "5.1.1", "550 user unknown")))
	f.Add([]byte(dsn("mallory@rcpt.example", "5.1.1", "550 user unknown")))
	f.Add([]byte("From: x\r\nContent-Type: message/feedback-report\r\n\r\nOriginal-Rcpt-To: alice@rcpt.example\r\n"))
	f.Add([]byte("Subject: x\r\n\r\n"))
	codec := testCodec()
	a, err := codec.Encode("m1", "Alice@rcpt.example", t0)
	if err != nil {
		f.Fatal(err)
	}
	s := &Server{Codec: codec, Handler: newRecorder()}
	if err := s.init(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		rep, perr := bounce.Parse(bytes.NewReader(msg))
		tag, err := codec.Decode(a.String(), t0)
		if err != nil {
			t.Fatal(err)
		}
		b := &Bounce{Received: t0, To: a.String(), Tag: tag, Tagged: true, Report: rep, ParseErr: perr}
		s.match(context.Background(), b)
		if b.Recipient != "" && b.Recipient != "alice@rcpt.example" {
			t.Fatalf("confirmed %q for a tag made for alice", b.Recipient)
		}
		if (b.Match == MatchNone) != (b.Recipient == "") {
			t.Fatalf("match %v with recipient %q", b.Match, b.Recipient)
		}
		if fr := b.ForRecipient(); fr != nil && (len(fr.Recipients) != 1 || fr.Recipients[0].FinalRecipient != "alice@rcpt.example") {
			t.Fatalf("ForRecipient %+v", fr)
		}
	})
}
