package bounce

import (
	"strings"
	"testing"
)

// TestDSNFieldOrder: RFC 3464 §2.3 fixes no order within a per-recipient
// group. Exim writes Action before Final-Recipient; each group is still
// one recipient with its own Action, and a group's Original-Recipient and
// Final-Recipient are not split in two.
func TestDSNFieldOrder(t *testing.T) {
	msg := "Content-Type: multipart/report; report-type=delivery-status; boundary=d\r\n\r\n" +
		"--d\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Action: failed\r\nFinal-Recipient: rfc822;a@example.net\r\nStatus: 5.0.0\r\n" +
		"Diagnostic-Code: smtp; 450 4.1.1 <a@example.net>: Recipient address rejected: User unknown\r\n\r\n" +
		"Action: delayed\r\nOriginal-Recipient: rfc822;b@example.net\r\nFinal-Recipient: rfc822;b@example.net\r\nStatus: 4.2.2\r\n" +
		"Diagnostic-Code: smtp; 452 4.2.2 Mailbox full\r\n\r\n--d--\r\n"
	rep, err := Parse(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 2 {
		t.Fatalf("%d recipients, want 2: %+v", len(rep.Recipients), rep.Recipients)
	}
	a, b := rep.Recipients[0], rep.Recipients[1]
	if a.FinalRecipient != "a@example.net" || a.Action != "failed" || a.Reason != UserUnknown || !a.Hard {
		t.Errorf("first recipient %s: action %q reason %s hard %v; want failed, a hard userunknown", a.FinalRecipient, a.Action, a.Reason, a.Hard)
	}
	if b.FinalRecipient != "b@example.net" || b.OriginalRecipient != "b@example.net" || b.Action != "delayed" || b.Reason != MailboxFull || !b.Temporary {
		t.Errorf("second recipient %s (original %s): action %q reason %s temporary %v; want delayed, mailboxfull", b.FinalRecipient, b.OriginalRecipient, b.Action, b.Reason, b.Temporary)
	}
}

func TestSameWords(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"550-Verification failed for <x@example.org>", "550-Verification  failed\n for <x@example.org>", true},
		{"550-Verification failed", "550-Verification failed for", false},
		{"", "", true},
		{"  ", "\n", true},
		{"550-a", "550-b", false},
		{"550 a", "550-a", false},
	} {
		if got := sameWords(c.a, c.b); got != c.want {
			t.Errorf("sameWords(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
