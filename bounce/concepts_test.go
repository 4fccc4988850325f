package bounce

import (
	"strings"
	"testing"
)

// TestConcepts checks the wordings read by their words (concepts.go): each
// positive is a wording no phrase holds word for word, each negative one
// whose words meet a concept's but whose source gives another meaning.
func TestConcepts(t *testing.T) {
	for _, c := range []struct {
		code int
		text string
		want Reason
	}{
		// Positives: subject and predicate apart, in one clause.
		{552, "The mailbox you are trying to reach is full", MailboxFull},
		{552, "Recipient mailbox is over its storage limit", MailboxFull},
		{552, "Mailbox has exceeded the maximum allowed size", MailboxFull},
		{452, "The user's inbox has no space left", MailboxFull},
		{550, "This mailbox is currently inactive", Suspend},
		{550, "The account you wrote to has been deactivated", Suspend},
		{550, "User x@example.org is temporarily locked", Suspend},
		{550, "Relaying is not permitted for this domain", NoRelaying},
		{550, "The DKIM signature of this message is invalid", AuthFailure},
		{550, "SPF: the sending host is not allowed, result fail", AuthFailure},
		{451, "You have reached the hourly limit of messages for this account", Speeding},
		{550, "Daily outbound limit reached for this user", Speeding},
		{450, "Limit of 200 recipients per 24 hours exceeded", Speeding},
		{421, "Too many simultaneous connections from your network", TooManyConn},
		{421, "Connection limit exceeded for 192.0.2.1", TooManyConn},
		{450, "You are sending mail too quickly", Speeding},
		// Malware named by its kind (ClamAV's categories, CARO's types).
		{554, "Win.Trojan.Agent-123 FOUND", VirusDetected},
		{550, "Message rejected: attachment holds ransomware", VirusDetected},
		{550, "This message contains a worm", VirusDetected},
		{552, "The message is larger than the maximum allowed", MesgTooBig},
		{552, "Attachment size exceeds what we accept", MesgTooBig},
		{553, "Mail from this sender is not accepted here", Rejected},
		{550, "Residential IP ranges are not allowed to send mail", Blocked},
		{554, "Your IP is dynamic, please use your provider's relay", Blocked},
		{0, "Delivery attempts exhausted for this address", Expired},
		// The sending host named by its address written out.
		{550, "203.0.113.9 has been blocked by our local rules", Blocked},
		{550, "Mail from 198.51.100.7 refused, see our policy page", Blocked},
		// Negatives, each from its source.
		// qmail-send: a time in the queue, not a message's size.
		{0, "I'm not going to try again; this message has been in the queue too long.", Expired},
		// Sendmail's MaxHeadersLength, under RFC 3463's content subject.
		{552, "Headers too large (32768 max)", OnHold},
		// A cPanel host's refusal of a domain in From, beside the IP.
		{550, "Your IP: 192.0.2.1 : Your domain example.com is not allowed in header From", OnHold},
		// MailEnable's busy server (maildev issue 96): a connection
		// refused for load, not the sending IP; without its stage, the
		// receiving system's load.
		{451, "Service temporarily refused connection at 10:25:27 from IP (192.0.2.1) because the server is too busy.", SystemError},
		// Postfix smtp(8): a connection that timed out is the network's.
		{0, "connect to mx.example.net[192.0.2.1]:25: Connection timed out", NetworkError},
		// The sending MTA gave up after days (Sendmail's "could not be
		// delivered for 5 days"): no rate.
		{0, "Message could not be delivered for 5 days; retry limit exceeded", Expired},
		// Connections at once (Postfix anvil(8)'s count, not its rate).
		{421, "Too many concurrent connections from this client, try again in 1 hour", TooManyConn},
		// Cyrus lmtpd, IMAP_MAILBOX_LOCKED: a lock on the mailbox file.
		{451, "Mailbox is locked", SystemError},
		// chasquid internal/smtpsrv/conn.go: its own signing failed.
		{451, "DKIM signing failed", SystemError},
		// Postfix smtp(8): a host named relay refusing the connection.
		{0, "connect to relay.example.net[192.0.2.1]:25: Connection refused", NetworkError},
		// A sending quota is the sender's, not the mailbox's.
		{550, "Your mailbox has exceeded its daily sending quota", Speeding},
		// A message's size over the mailbox's per-message limit.
		{552, "Message size exceeds the maximum size allowed for this mailbox", MesgTooBig},
		// The subject only as part of a name.
		{550, "Delivery via relay-host.example.net denied", OnHold},
	} {
		got := Classify(c.code, "", c.text)
		if got.Reason != c.want {
			t.Errorf("%d %q: got %s, want %s", c.code, c.text, got.Reason, c.want)
		}
	}
	// Negatives read with the status and stage they came with.
	for _, c := range []struct {
		command  string
		code     int
		enhanced string
		text     string
		want     Reason
	}{
		// Exchange's store driver (its transport's AckReason table): a
		// mailbox server's, database's or disk's limit is the receiving
		// system's, as is a limit on the size of the messages delivered
		// at once.
		{"DATA", 431, "4.3.1", "STOREDRV; mailbox disk is full", SystemFull},
		{"DATA", 432, "4.3.2", "STOREDRV.Deliver; mailbox database thread limit exceeded", SystemError},
		{"DATA", 432, "4.3.2", "STOREDRV.Deliver; mailbox server thread limit exceeded", SystemError},
		{"DATA", 432, "4.3.2", "STOREDRV.Storage; mailbox server mapi session limit exceeded", SystemError},
		{"DATA", 432, "4.3.2", "STOREDRV.Deliver; dynamic mailbox database throttling limit exceeded.", SystemError},
		{"DATA", 432, "4.3.2", "STOREDRV.Deliver; max concurrent message size limit exceeded.", SystemError},
		// A Postfix log's address verification deferral quoting a reply
		// that lists what might be wrong (a Postfix log parser's
		// documentation, a Go SMTP error parser's tests): no one reason,
		// so Postfix's own "unverified address:", the receiving system's.
		{"RCPT", 450, "4.1.1", "<x@example.com>: Recipient address rejected: unverified address: Mailbox might be disabled, full, or may not exist on the server. Reason: JFE030050", SystemError},
	} {
		if got := ClassifyReply(c.command, c.code, c.enhanced, c.text); got.Reason != c.want {
			t.Errorf("%s %d %s %q: got %s, want %s", c.command, c.code, c.enhanced, c.text, got.Reason, c.want)
		}
	}
}

// TestClientAddressConcept checks what counts as an address written out
// and which words void it, on the concept alone (folded text): the
// addresses it reads, then those it must not.
func TestClientAddressConcept(t *testing.T) {
	read := []string{
		"203.0.113.9 has been blocked by our local rules",
		"connection refused - 198.51.100.7 blocked by our threat list",
		"550 192.0.2.1 is not allowed to send here",
	}
	notRead := []string{
		// qmail-remote's notice names the host that answered.
		"connected to 192.0.2.16 but sender was rejected.",
		"connected to 192.0.2.16 but my name was rejected.",
		// mox (testdata/gomta/mox): a connection to the address failed.
		"dialing smtp server: dial tcp 127.0.0.1:25: connect: connection refused",
		"192.0.2.1: connection refused",
		// Postfix smtp(8): the host named before its bracketed address.
		"connect to mx.example.net[192.0.2.1]:25: connection refused",
		"host mx.example.net[192.0.2.1] said: 550 rejected",
		// The refusing host named after the refusal.
		"mail refused by 192.0.2.1",
		// Not an IPv4 address: five groups, a group of four digits, a
		// name's part.
		"1.2.3.4.5 blocked", "1234.1.1.1 blocked", "host-192.0.2.1 blocked", "mx.192.0.2.1 blocked",
		// clientConcept's unless words: SPF, a domain.
		"192.0.2.1 rejected: spf fail",
		"192.0.2.1 : your domain example.com is not allowed in header from",
	}
	for _, text := range read {
		if !clientAddressConcept.match(text) {
			t.Errorf("%q not read", text)
		}
	}
	for _, text := range notRead {
		if clientAddressConcept.match(text) {
			t.Errorf("%q read as the sending host refused", text)
		}
	}
}

// TestConceptsLinear feeds a text of many subjects without a predicate:
// each is followed by a bounded clause, so the reading stays linear.
func TestConceptsLinear(t *testing.T) {
	text := strings.Repeat("mailbox account relay spf user inbox limit too many ", 40000)
	for _, c := range []*concept{&mailboxFullConcept, &suspendConcept, &lockedConcept, &noRelayingConcept, &authFailureConcept, &rateConcept, &connectionsConcept, &tooQuicklyConcept, &sizeConcept, &gaveUpConcept, &senderConcept, &clientConcept} {
		if c.match(text) {
			t.Fatalf("%v matched a text without a predicate", c.subjects)
		}
	}
	if clientAddressConcept.match(strings.Repeat("192.0.2.1 1.2.3 10.0.0 ", 40000)) {
		t.Fatal("addresses matched a text without a predicate")
	}
}

// TestUserUnknownConcept checks the unknown recipient read by its words:
// placed at RCPT (or by an x.1.1 status) it is the address's verdict,
// unplaced a filter's, as every user-unknown wording is (doc.go).
func TestUserUnknownConcept(t *testing.T) {
	for _, c := range []struct {
		command, enhanced, text string
		want                    Reason
	}{
		{"RCPT", "", "Recipient rejected: no account by that name here", UserUnknown},
		{"RCPT", "", "The user you wrote to is not known at this site", UserUnknown},
		{"", "5.1.1", "Mailbox someone@example.org was not found in the directory", UserUnknown},
		{"", "", "User someone@example.org is not found in this server", Filtered},
		// Cyrus lmtpd's damaged mailbox file: the system's.
		{"DATA", "4.2.0", "Mailbox has an invalid format", SystemError},
		// A domain not found is the domain's.
		{"RCPT", "", "Recipient domain not found: example.invalid", HostUnknown},
	} {
		if got := ClassifyReply(c.command, 550, c.enhanced, c.text); got.Reason != c.want {
			t.Errorf("%s %s %q: got %s, want %s", c.command, c.enhanced, c.text, got.Reason, c.want)
		}
	}
}
