package bounce

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

const sentMessage = "From: Sender <sender@example.org>\r\n" +
	"To: rcpt@example.net\r\n" +
	"Subject: hello\r\n" +
	"Message-ID: <send-42@example.org>\r\n" +
	"X-Campaign-ID: c-1234\r\n" +
	"\r\n" +
	"body line\r\n"

// TestDSNRoundTrip writes DSNs and parses them back: every field survives
// and the classification follows the status and diagnostic.
func TestDSNRoundTrip(t *testing.T) {
	arrival := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		rcpt        DSNRecipient
		headersOnly bool
		wantReason  Reason
		wantHard    bool
		wantStatus  string
	}{
		{"user unknown is hard", DSNRecipient{FinalRecipient: "rcpt@example.net", Status: "5.1.1", RemoteMTA: "mx.example.net",
			DiagnosticCode: "550 5.1.1 <rcpt@example.net>: Recipient address rejected: User unknown", LastAttemptDate: arrival}, false, UserUnknown, true, "5.1.1"},
		{"mailbox full is soft", DSNRecipient{FinalRecipient: "rcpt@example.net", Status: "5.2.2",
			DiagnosticCode: "552 5.2.2 Mailbox full"}, true, MailboxFull, false, "5.2.2"},
		{"delayed gave up", DSNRecipient{FinalRecipient: "rcpt@example.net", Action: "delayed",
			DiagnosticCode: "421 4.4.2 Connection timed out", WillRetryUntil: arrival.Add(72 * time.Hour)}, false, NetworkError, false, "4.4.2"},
		{"default status of failed", DSNRecipient{FinalRecipient: "rcpt@example.net", OriginalRecipient: "orig@example.net"}, false, OnHold, false, "5.0.0"},
		{"utf-8 recipient", DSNRecipient{FinalRecipient: "用户@例子.中国", Status: "5.1.1", DiagnosticCode: "550 5.1.1 no such user"}, false, UserUnknown, true, "5.1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &DSN{ReportingMTA: "mta.example.org", To: "sender@example.org", ArrivalDate: arrival, EnvelopeID: "env-1",
				Recipients: []DSNRecipient{tc.rcpt}, Original: strings.NewReader(sentMessage), HeadersOnly: tc.headersOnly}
			var buf bytes.Buffer
			n, err := d.WriteTo(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(buf.Len()) {
				t.Errorf("WriteTo returned %d, wrote %d", n, buf.Len())
			}
			rep, err := Parse(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != KindDSN || len(rep.Recipients) != 1 {
				t.Fatalf("kind %v, %d recipients; want dsn, 1", rep.Kind, len(rep.Recipients))
			}
			if rep.ReportingMTA != "mta.example.org" {
				t.Errorf("ReportingMTA = %q", rep.ReportingMTA)
			}
			r := rep.Recipients[0]
			if r.FinalRecipient != tc.rcpt.FinalRecipient || r.OriginalRecipient != tc.rcpt.OriginalRecipient {
				t.Errorf("recipients %q/%q, want %q/%q", r.FinalRecipient, r.OriginalRecipient, tc.rcpt.FinalRecipient, tc.rcpt.OriginalRecipient)
			}
			if r.Reason != tc.wantReason || r.Hard != tc.wantHard || r.Status != tc.wantStatus {
				t.Errorf("got %s hard=%v status %s, want %s hard=%v status %s", r.Reason, r.Hard, r.Status, tc.wantReason, tc.wantHard, tc.wantStatus)
			}
			if tc.rcpt.RemoteMTA != "" && r.RemoteMTA != tc.rcpt.RemoteMTA {
				t.Errorf("RemoteMTA = %q", r.RemoteMTA)
			}
			if !tc.rcpt.LastAttemptDate.IsZero() && !r.LastAttemptDate.Equal(tc.rcpt.LastAttemptDate) {
				t.Errorf("LastAttemptDate = %v", r.LastAttemptDate)
			}
			if rep.MessageID != "send-42@example.org" || rep.Original.Get("X-Campaign-Id") != "c-1234" {
				t.Errorf("original: Message-ID %q, X-Campaign-ID %q", rep.MessageID, rep.Original.Get("X-Campaign-Id"))
			}
		})
	}
}

// TestDSNRefusesInjection checks that CR/LF in any value is refused before
// anything is written.
func TestDSNRefusesInjection(t *testing.T) {
	for _, d := range []*DSN{
		{ReportingMTA: "mta.example.org\r\nBcc: x@example.com", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net"}}},
		{ReportingMTA: "mta.example.org", To: "a@example.org\nX: y", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net"}}},
		{ReportingMTA: "mta.example.org", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net\r\nX: y"}}},
		{ReportingMTA: "mta.example.org", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net", DiagnosticCode: "550 x\r\n\r\nbody"}}},
		{ReportingMTA: "mta.example.org", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net", Status: "5.1.1\x00"}}},
		{ReportingMTA: "mta.example.org", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net", Status: "bogus"}}},
		{ReportingMTA: "mta.example.org", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net", Action: "exploded"}}},
		{ReportingMTA: "mta.example.org"},
		{Recipients: []DSNRecipient{{FinalRecipient: "a@example.net"}}},
		{ReportingMTA: "mta.example.org", Recipients: []DSNRecipient{{}}},
	} {
		var buf bytes.Buffer
		if _, err := d.WriteTo(&buf); !errors.Is(err, ErrInvalidDSN) {
			t.Errorf("WriteTo(%+v) = %v, want ErrInvalidDSN", d, err)
		}
		if buf.Len() != 0 {
			t.Errorf("WriteTo wrote %d bytes for an invalid DSN", buf.Len())
		}
	}
}

// TestDSNHeadersOnly checks RET=HDRS: the body of the original is not
// returned.
func TestDSNHeadersOnly(t *testing.T) {
	d := &DSN{ReportingMTA: "mta.example.org", Recipients: []DSNRecipient{{FinalRecipient: "a@example.net"}},
		Original: strings.NewReader(sentMessage), HeadersOnly: true}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "body line") || !strings.Contains(out, "text/rfc822-headers") || !strings.Contains(out, "X-Campaign-ID: c-1234") {
		t.Errorf("headers-only DSN wrong:\n%s", out)
	}
	if !strings.Contains(out, "Auto-Submitted: auto-replied") {
		t.Error("DSN lacks Auto-Submitted (RFC 3834 §5)")
	}
}
