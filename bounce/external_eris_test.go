package bounce

import "testing"

// erisLayouts are bounces quoted in the comments of jordiprats/eris's
// other parser files (a Java bounce parser, branches/linux/src/eris/parser/
// providers/ and the .svn text-base copies beside them; external_code_test.go
// took those of MailDeliverySystemParser.java), cut to the lines each
// reading needs, addresses and hosts replaced. Each case names the file it
// was seen in and the source of its meaning, written before Parse was run
// on it. Of the nine written, the recipient was found in nine, the reason
// right in 3 before this change and 4 after (MDaemon's "<addr> - no such
// user here.", see namesRecipient), hard/soft in 4 and 5.
//
// Misread, each with no published source for its words, and left out:
// MailMarshalParser.java's site text "Please take note that <addr> does
// not exist in the Autopage email directory." (read filtered: an unknown
// user's words with no stage or status to place them); MDaemonProParser.java's
// "Permanent Delivery Failure" whose transcript ends "*  Name server
// reports domain name unknown" for the route slip host (read onhold; no
// MDaemon documentation of the words was read, and the name is the route's,
// not the recipient domain's); XGenParser.java's "[550 Receipient Not
// Found]" "In Response of [RCPT TO: <addr>]" (read onhold, the word
// misspelt); MessageLabsParser.java's site text "Please note that this
// email address is no longer valid and your email has not been delivered."
// (read onhold; RFC 3463 X.1.6 would make it hasmoved); B1gMailParser.java's
// "(reason: The user exceeded his storage limit. ...)" (read onhold; no
// b1gMail source holding the words was found). Not scored, their words
// naming no cause: MessageLabs's "550 Mailbox unavailable or access denied"
// (RFC 5321 §4.2.3's 550 covers both), IOmartParser.java's "Delivery to the
// following address has failed...", GordanoParser.java's "The requested
// destination was:", TrendMicroParser.java's "The following recipient(s)
// could not be reached:", Mail.ru's "Try again later. Error code: ...",
// B1gMailParser.java's "No valid recipients for this message could be
// determined." and NovellGroupWiseParser.java's "mbathal (User not on post
// office)", a local part with no domain; quarantine notices
// (PineAppParser.java, RedbridgeParser.java) and BoxTrapper's challenge
// reply, not delivery failures. The three Microsoft Knowledge Base NDRs
// external_code_test.go lists stay out: the search tools hold no readable
// copy of Q145585 or of the "problem with the postoffice" article, and the
// copy of the "No transport provider" article found carries no address to
// cite.
var erisLayouts = []formatCase{
	// MailMarshalParser.java: Trustwave MailMarshal SMTP's notice (its
	// Received field "from MailMarshal.Sender ... with MailMarshal
	// (v7,0,2,4629)"), "The following message was not delivered:" over the
	// returned message's From, To and Subject, then "Could not be delivered
	// because of" and the reply "550 5.1.1 User unknown": RFC 3463 X.1.1,
	// bad destination mailbox address.
	{name: "MailMarshal notice, user unknown", from: "postmaster@edcon.example", subject: "Undeliverable: hello", action: "failed",
		header: "Received: from MailMarshal.Sender ([127.0.0.1]) by mx.edcon.example with MailMarshal (v7,0,2,4629)\n",
		body:   "The following message was not delivered:\n\n   From:    sender@example.org\n   To:      tn@lanxess.example\n   Subject: hello\n\nCould not be delivered because of\n\n550 5.1.1 User unknown\n\n",
		want:   []formatWant{{"tn@lanxess.example", UserUnknown, true, "5.1.1", "User unknown"}}},
	// MDaemonProParser.java: MDaemon PRO's notice (From "MDaemon at
	// <host>", Subject "Warning: <addr> - User unknown!", the text part
	// "<addr> - no such user here." above the returned message): the words
	// say the mailbox does not exist, RFC 3463 X.1.1. Read filtered before
	// namesRecipient took "<addr> - " at a line's head as naming the
	// recipient (flufl.bounce's simplematch.py reads MDaemon's address so).
	{name: "MDaemon notice, no such user here", from: `"MDaemon at mail.ibisacam.example" <MDaemon@ibisacam.example>`, subject: "Warning: ek@ibisacam.example - User unknown!", action: "failed",
		header:   "X-MDaemon-Deliver-To: sender@example.org\nX-Actual-From: MDaemon@ibisacam.example\n",
		body:     "ek@ibisacam.example - no such user here.\n",
		attached: returned,
		want:     []formatWant{{"ek@ibisacam.example", UserUnknown, true, "5", "no such user here"}}},
	// MailRUParser.java: Mail.ru's Exim "Mail failure - rejected by local
	// scanning code" (Exim's text for a message its local_scan function
	// refused), the error given "Message was not accepted -- invalid
	// mailbox. Local mailbox <addr> is unavailable: user not found": the
	// mailbox does not exist, RFC 3463 X.1.1.
	{name: "Mail.ru, rejected by local scanning code, user not found", from: "mailer-daemon@corp.mail.example", subject: "Mail failure - rejected by local scanning code", action: "failed",
		header: "Auto-Submitted: auto-replied\n",
		body:   "A message that you sent was rejected by the local scanning code that\nchecks incoming messages on this system. The following error was given:\n\n  Message was not accepted -- invalid mailbox.\n Local mailbox ls@mail.example is unavailable: user not found\n\n------ This is a copy of your message, including all the headers. ------\n\n" + returned,
		want:   []formatWant{{"ls@mail.example", UserUnknown, true, "5", "user not found"}}},
	// MimecastParser.java (.svn text-base): Mimecast's notice (its
	// X-MC-System field), "an email you addressed to email address :",
	// "-- <addr>", "Additional information follows :", "-- 550 5.1.1 User
	// unknown": RFC 3463 X.1.1.
	{name: "Mimecast notice, user unknown", from: "postmaster@eqstra.example", subject: "Failure Notice", action: "failed",
		header: "X-MC-System: 1\n",
		body:   "This is a delivery failure notification message indicating that\nan email you addressed to email address :\n-- kn@eqstra.example\n\ncould not be delivered.\n\nAdditional information follows :\n-- 550 5.1.1 User unknown\n",
		want:   []formatWant{{"kn@eqstra.example", UserUnknown, true, "5.1.1", "User unknown"}}},
}

// TestExternalEris reads the layouts of erisLayouts.
func TestExternalEris(t *testing.T) { checkFormats(t, erisLayouts) }
