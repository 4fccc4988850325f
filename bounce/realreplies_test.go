package bounce

import "testing"

// TestRealReplyReasons holds replies seen in real bounces that Parse had
// never been fitted to (GNU Mailman's flufl.bounce test data, read where
// Debian's python3-flufl.bounce installs it), which it read as onhold
// although their words state a reason. Each row names the sample and the
// published source of its meaning; the phrases carry the same citation in
// phrases.go.
func TestRealReplyReasons(t *testing.T) {
	for _, c := range []struct {
		sample string // flufl.bounce tests/data file the reply was seen in
		code   int
		text   string
		want   Reason
	}{
		// NTMail's status text; RFC 3463 x.3.4, SLmail's inbound size limits.
		{"dsn_03.txt", 553, "Exceeded maximum inbound message size", MesgTooBig},
		// A loop found by counting Received: lines; RFC 3463 x.4.6.
		{"simple_18.txt", 554, "Message looping (received 6 times)", NetworkError},
		// RFC 2822/5322 §3.6.6: a resent message MUST carry Resent-From.
		{"postfix_05.txt", 554, "No Resent-From field given", NotCompliantRFC},
		// RFC 3463 x.2.2 "Mailbox full", the words in the other order.
		{"simple_35.txt", 0, `"calvin@example.com" has been postponed due to a full mailbox.`, MailboxFull},
	} {
		if got := ClassifyReply("", c.code, "", c.text); got.Reason != c.want {
			t.Errorf("%s: %d %q: got %s, want %s", c.sample, c.code, c.text, got.Reason, c.want)
		}
	}
}
