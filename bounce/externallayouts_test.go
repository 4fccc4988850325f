package bounce

import "testing"

// externalLayouts are bounces first seen in other open-source projects'
// test data (issue 17: classify bounces the parser has never seen), cut to
// the lines each layout needs, addresses and hosts replaced. Each case
// names the repository and file where the layout was seen and the source
// that explains its words; the reading rests on the source.
var externalLayouts = []formatCase{
	// GroupWise's notice: "The message that you sent was undeliverable to
	// the following:", then each address with the reason in parentheses
	// (seen in rjbs/Mail-DeliveryStatus-BounceParser,
	// t/corpus/novell-with-rhs.msg). GroupWise marks undeliverable a
	// message whose addressee does not exist in the post office (GroupWise
	// 7 Troubleshooting 2, "Message Has Undeliverable Status in the Local
	// Post Office"): the notice names the recipient its directory lacks,
	// not a filter's refusal.
	{name: "GroupWise, user not found", from: "Mailer-Daemon@gw.example.net", subject: "Message status - undeliverable",
		body: "The message that you sent was undeliverable to the following:\n\n\tgone@example.net (user not found)\n\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5", "user not found"}}},
	// The University of Cambridge's "550-<addr> is not a known user on
	// this system; 550 see .../bounce.html" in Postfix's notice (seen in
	// rjbs/Mail-DeliveryStatus-BounceParser, t/corpus/cam-unknown.msg);
	// the page it links explains it as the mailbox not existing
	// (help.uis.cam.ac.uk, hermes-faq/bounce; userUnknownPhrases).
	{name: "Cambridge, not a known user", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<gone@example.net>: host mx.example.net[192.0.2.8] said: 550-<gone@example.net>\n    is not a known user on this system; 550 see\n    http://www.example.net/cs/email/bounce.html (in reply to RCPT TO command)\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5", "is not a known user"}}},
}

// TestExternalLayouts reads the layouts found in other projects' test data.
func TestExternalLayouts(t *testing.T) {
	checkFormats(t, externalLayouts)
}
