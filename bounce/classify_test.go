package bounce

import (
	"strings"
	"testing"
)

// TestClassify checks synchronous SMTP replies, one per reason family.
func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name     string
		code     int
		enhanced string
		text     string
		reason   Reason
		hard     bool
		status   string
	}{
		{"x.1.1 is user unknown and hard", 550, "5.1.1", "<a@example.com>: Recipient address rejected: User unknown in local recipient table", UserUnknown, true, "5.1.1"},
		{"x.2.2 is mailbox full and soft", 552, "5.2.2", "Mailbox full", MailboxFull, false, "5.2.2"},
		{"mailbox full beats a loose x.1.1", 550, "5.1.1", "mailbox is full", MailboxFull, false, "5.1.1"},
		{"temporary quota", 452, "4.2.2", "Over quota, try again later", MailboxFull, false, "4.2.2"},
		{"dnsbl is blocked", 554, "5.7.1", "Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", Blocked, false, "5.7.1"},
		{"dmarc is auth failure", 550, "5.7.26", "Unauthenticated email from example.com is not accepted due to domain's DMARC policy", AuthFailure, false, "5.7.26"},
		{"spf wording without a code", 550, "", "SPF check failed for example.com", AuthFailure, false, "5.0.0"},
		{"reverse dns", 550, "5.7.25", "The IP address sending this message does not have a PTR record setup", RequirePTR, false, "5.7.25"},
		{"relay denied", 554, "5.7.1", "<a@example.net>: Relay access denied", NoRelaying, false, "5.7.1"},
		{"null MX", 556, "5.1.10", "Recipient address has null MX", NotAccept, true, "5.1.10"},
		{"size limit", 552, "5.3.4", "Message size exceeds fixed maximum message size", MesgTooBig, false, "5.3.4"},
		{"per-recipient size", 552, "5.2.3", "Message length exceeds administrative limit for this recipient", ExceedLimit, false, "5.2.3"},
		{"rate limit", 421, "4.7.28", "Our system has detected an unusual rate of mail; rate limited", Speeding, false, "4.7.28"},
		{"too many connections", 421, "", "Too many concurrent SMTP connections from this IP address", TooManyConn, false, "4.0.0"},
		{"spam content", 550, "5.7.1", "Message rejected as spam by Content Filtering", SpamDetected, false, "5.7.1"},
		{"virus", 554, "5.7.1", "Message contains a virus (Eicar-Test-Signature)", VirusDetected, false, "5.7.1"},
		{"disabled account", 550, "5.2.1", "The email account that you tried to reach is disabled", Suspend, false, "5.2.1"},
		{"moved", 551, "5.1.6", "User has moved; please try <b@example.org>", HasMoved, true, "5.1.6"},
		{"moved by the bare 551, the forward-path offered", 551, "", "User not local; please try <b@example.org>", HasMoved, true, "5.0.0"},
		// The sample PHPMailer-BMH's rules quote for a full mailbox (rule
		// 0145): the address named is the refused one, none is offered.
		{"551 whose words hold \"try\" inside another word offers no forward-path", 551, "", "User not local; do not retry, write to postmaster@example.org", OnHold, false, "5.0.0"},
		{"551 naming the refused address offers no forward-path", 551, "", "bounce as<the destination mailbox <a@example.org> is full> queue as 100.1.x.a@example.org (in reply to end of DATA command)", OnHold, false, "5.0.0"},
		{"host unknown", 550, "5.1.2", "Host or domain name not found", HostUnknown, true, "5.1.2"},
		{"temporary dns is a network error", 451, "4.4.3", "Host not found, try again", NetworkError, false, "4.4.3"},
		{"tls required", 530, "5.7.0", "Must issue a STARTTLS command first", FailedSTARTTLS, false, "5.7.0"},
		{"syntax", 501, "", "Syntax error in parameters or arguments", SyntaxError, false, "5.0.0"},
		{"continuation lines read whole", 550, "5.7.1", "550-5.7.1 Messages with multiple 550-5.7.1 addresses in From: header are not accepted", NotCompliantRFC, false, "5.7.1"},
		{"diagnostic code beats a generic one", 550, "5.0.0", "550 5.2.2 <a@example.com>... Mailbox Full", MailboxFull, false, "5.2.2"},
		{"user unknown naming the refused address answers RCPT", 550, "", "550 <a@example.com>: User unknown", UserUnknown, true, "5.0.0"},
		{"user unknown naming no address is a filter", 550, "", "550 : User unknown", Filtered, false, "5.0.0"},
		{"user unknown, then the refused address", 550, "", "Unknown user: a@example.com", UserUnknown, true, "5.0.0"},
		{"user unknown under a policy status is a filter", 550, "5.7.1", "550 5.7.1 550 User Unknown: a@example.org", Filtered, false, "5.7.1"},
		{"recipient not found names no stage", 550, "", "Recipient Not Found", Filtered, false, "5.0.0"},
		{"a refusal naming the recipient answers RCPT", 550, "", "550 Invalid recipient", UserUnknown, true, "5.0.0"},
		{"a directory lookup answers RCPT", 554, "5.7.1", "554 5.7.1 unknown domain or unknown recipient (LDAP check)", UserUnknown, true, "5.7.1"},
		{"host name that is not the sending address needs reverse dns", 450, "", "450 service permits 2 unverifiable sending IPs - mail.example.com is not 192.0.2.1", RequirePTR, false, "4.0.0"},
		{"postfix forward-confirmed dns mismatch", 450, "4.7.1", "Client host rejected: hostname mail.example.com does not resolve to address 192.0.2.1", RequirePTR, false, "4.7.1"},
		{"an address is not a host name", 550, "", "550 a@example.com is not 192.0.2.1", OnHold, false, "5.0.0"},
		{"orange ofr_506 is spam", 550, "5.2.0", "550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]", SpamDetected, false, "5.2.0"},
		{"yahoo ts01 is reputation", 421, "4.7.0", "421 4.7.0 [TS01] Messages from 192.0.2.1 temporarily deferred due to user complaints", BadReputation, false, "4.7.0"},
		{"a temporary user unknown is a recipient check's", 450, "", "450 User unknown", UserUnknown, false, "4.0.0"},
		{"postfix's recipient rate limit", 450, "4.7.1", "Error: too many recipients from 192.0.2.1", Speeding, false, "4.7.1"},
		{"postfix's recipient count per message", 452, "4.5.3", "Error: too many recipients", TooManyConn, false, "4.5.3"},
		{"postscreen's access list refuses the client", 550, "5.3.2", "Service currently unavailable", Blocked, false, "5.3.2"},
		{"twisted's unauthenticated sender", 550, "", "Unauthenticated senders not allowed", SecurityError, false, "5.0.0"},
		// Go's resolver error for a name that does not exist (net/net.go, errNoSuchHost), as MTAs written in Go quote it (chasquid's SMTP courier, internal/courier/smtp.go: "Could not dial: ...").
		{"go's no such host", 0, "", "Could not dial: dial tcp: lookup mx.nosuchdomain.example.net on 127.0.0.1:53: no such host", HostUnknown, true, "5.0.0"},
		{"x.3.0 with unknown words is the receiving system's", 554, "5.3.0", "554 5.3.0 Internal system err", SystemError, false, "5.3.0"},
		// Spam named in words no phrase lists (RFC 2505's "spam") is the
		// content's verdict, before the status's subject and onhold; a
		// list of sending hosts beside it makes it the host's.
		{"spam in other words is spam", 550, "", "550 Your message has been rejected because it appears to be spam", SpamDetected, false, "5.0.0"},
		{"spam in other words beats x.7.1's host", 550, "5.7.1", "Message blocked by spam filter", SpamDetected, false, "5.7.1"},
		{"a spam source is a host", 554, "5.7.1", "Spam source blocked", Blocked, false, "5.7.1"},
		{"rejected as a spam source is a host", 550, "", "Rejected as spam source", Blocked, false, "5.0.0"},
		{"spam beside a host list's page is the host's", 554, "", "Spam rejected, see https://www.spamhaus.org/query/ip/192.0.2.1", Blocked, false, "5.0.0"},
		{"a host list's page alone is blocked", 550, "", "550 Rejected - see http://www.spamcop.net/bl.shtml?192.0.2.1", Blocked, false, "5.0.0"},
		// Greylisting (RFC 6647) refuses the client for now, whatever
		// subject its status has (greylistPhrases).
		{"greylisting against spam is no spam verdict", 451, "4.7.1", "451 4.7.1 Greylisted, please try again later (spam protection)", Blocked, false, "4.7.1"},
		{"greylisting under x.2.0 is no mailbox's refusal", 450, "4.2.0", "450 4.2.0 <a@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html", Blocked, false, "4.2.0"},
		// "Sender address rejected:" names Postfix's restriction class;
		// a policy server's own reason after it decides (rules.go).
		{"a sender's rate limit under Sender address rejected", 450, "4.7.1", "<a@example.com>: Sender address rejected: Deferring: Too many messages from sender in last 60", Speeding, false, "4.7.1"},
		{"a sender's domain under Sender address rejected", 450, "4.1.8", "<a@nx.example>: Sender address rejected: Domain not found", Rejected, false, "4.1.8"},
		// Microsoft's DBEB words are an unknown user under its codes only;
		// Postfix's generic access(5) REJECT says the same under 5.7.1.
		{"Microsoft's directory edge block is an unknown user", 550, "5.4.1", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", UserUnknown, true, "5.4.1"},
		{"Postfix's access REJECT is no unknown user", 554, "5.7.1", "554 5.7.1 <a@example.com>: Recipient address rejected: Access denied", SecurityError, false, "5.7.1"},
		{"greylisting under x.3.2 is no system error", 451, "4.3.2", "451 4.3.2 Please try again later (greylisting)", Blocked, false, "4.3.2"},
		{"x.4.0 with unknown words is the network's", 554, "5.4.0", "554 5.4.0 something went wrong", NetworkError, false, "5.4.0"},
		{"x.2.0 with unknown words is the mailbox's refusal", 550, "5.2.0", "550 5.2.0 Message refused", Filtered, false, "5.2.0"},
		{"success", 250, "2.0.0", "OK queued", Delivered, false, "2.0.0"},
		{"nothing to go on", 0, "", "", Undefined, false, ""},
		{"words without a reason", 550, "", "Requested action not taken", OnHold, false, "5.0.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Classify(tc.code, tc.enhanced, tc.text)
			if c.Reason != tc.reason || c.Hard != tc.hard || c.Status != tc.status {
				t.Errorf("Classify(%d, %q, %q) = %+v, want reason %s hard %v status %q", tc.code, tc.enhanced, tc.text, c, tc.reason, tc.hard, tc.status)
			}
			if c.Temporary != strings.HasPrefix(c.Status, "4.") {
				t.Errorf("Temporary = %v for status %q", c.Temporary, c.Status)
			}
		})
	}
}

// TestClassifyReplyCommand checks that the command answered changes the
// verdict on the same words.
func TestClassifyReplyCommand(t *testing.T) {
	const text = "No such user here"
	for _, tc := range []struct {
		command string
		reason  Reason
	}{
		{"RCPT", UserUnknown},
		{"DATA", Filtered},
		{"MAIL", Rejected},
		{"EHLO", Blocked},
		{"CONNECT", Blocked},
		{"", Filtered},
	} {
		if c := ClassifyReply(tc.command, 550, "", text); c.Reason != tc.reason {
			t.Errorf("ClassifyReply(%q, 550, %q) = %s, want %s", tc.command, text, c.Reason, tc.reason)
		}
	}
}

// TestNoSenderBeforeMail checks that a sender's refusal by status or words
// answering the greeting or EHLO is read as the client's (RFC 5321 §3.3:
// the sender is named by MAIL FROM, which has not come yet), and still as
// the sender's at MAIL FROM.
func TestNoSenderBeforeMail(t *testing.T) {
	for _, tc := range []struct {
		command  string
		code     int
		enhanced string
		text     string
		reason   Reason
	}{
		{"CONNECT", 554, "5.7.2", "", Blocked}, // ASSP's refusal of a client at connect
		{"EHLO", 550, "5.1.7", "", Blocked},    // x.1.7, the sender's address syntax, said to EHLO
		{"CONNECT", 550, "5.1.8", "", Blocked}, // x.1.8, the sender's system address, said to the greeting
		{"MAIL", 553, "5.1.8", "", Rejected},   // the same at MAIL FROM: the sender's
		{"MAIL", 550, "5.7.2", "", Rejected},   // x.7.2 at MAIL FROM
		{"RCPT", 550, "", "sender rejected", Rejected},
	} {
		if c := ClassifyReply(tc.command, tc.code, tc.enhanced, tc.text); c.Reason != tc.reason {
			t.Errorf("ClassifyReply(%q, %d, %q, %q) = %s, want %s", tc.command, tc.code, tc.enhanced, tc.text, c.Reason, tc.reason)
		}
	}
}

// TestDomainCouldNotBeFound checks that a domain name said to be
// "couldn't be found" reads as one that does not exist (RFC 3463 x.1.2),
// and an address said so as an unknown mailbox (Exchange Online's NDR).
func TestDomainCouldNotBeFound(t *testing.T) {
	for _, tc := range []struct {
		text   string
		reason Reason
	}{
		{"Your message wasn't delivered to a@example.org because the domain example.org couldn't be found. Check for typos or unnecessary spaces and try again.", HostUnknown},
		{"the domain example.org could not be found", HostUnknown},
		{"Your message wasn't delivered to a@example.org because the address couldn't be found, or is unable to receive mail.", UserUnknown},
	} {
		if c := ClassifyReply("", 550, "", tc.text); c.Reason != tc.reason {
			t.Errorf("ClassifyReply(%q) = %s, want %s", tc.text, c.Reason, tc.reason)
		}
	}
}

// TestBareAddressRefusal checks x.1.0 with words that say only that the
// address was refused (hosts' pages: an address that does not exist),
// placed by stage, and that more words keep their own reading.
func TestBareAddressRefusal(t *testing.T) {
	for _, tc := range []struct {
		command, enhanced, text string
		reason                  Reason
	}{
		{"RCPT", "5.1.0", "Recipient rejected.", UserUnknown},                             // Weboke's page
		{"RCPT", "5.1.0", "Address rejected.", UserUnknown},                               // coviserver.de's page
		{"", "5.1.0", "Recipient rejected: <a@example.org>", UserUnknown},                 // an address named
		{"MAIL", "5.1.0", "Address rejected", Rejected},                                   // the sender's at MAIL FROM
		{"RCPT", "5.1.0", "Recipient address rejected: SPF Permanent Error", AuthFailure}, // Microsoft's page: the words name SPF
		{"RCPT", "5.7.1", "Recipient rejected.", Blocked},                                 // not x.1.0: the status subject reads
		{"RCPT", "5.1.0", "Recipient rejected by local policy", PolicyViolation},          // more words
	} {
		if c := ClassifyReply(tc.command, 550, tc.enhanced, tc.text); c.Reason != tc.reason {
			t.Errorf("ClassifyReply(%q, 550, %q, %q) = %s, want %s", tc.command, tc.enhanced, tc.text, c.Reason, tc.reason)
		}
	}
}

// TestProviderCodeBeatsCommand checks that a provider's documented code
// decides whatever the command: Yahoo refuses unknown mailboxes after DATA.
func TestProviderCodeBeatsCommand(t *testing.T) {
	const text = "554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com"
	if c := ClassifyReply("DATA", 554, "", text); c.Reason != UserUnknown || !c.Hard {
		t.Errorf("ClassifyReply(DATA, %q) = %+v, want a hard user unknown", text, c)
	}
	// Without the code the same words after DATA are a filter's.
	const bare = "554 This user doesn't have a example.com account"
	if c := ClassifyReply("DATA", 554, "", bare); c.Reason != Filtered {
		t.Errorf("ClassifyReply(DATA, %q) = %s, want filtered", bare, c.Reason)
	}
}

// TestStatusPicking checks how the enhanced code is chosen among the field
// and the codes quoted in the text.
func TestStatusPicking(t *testing.T) {
	for _, tc := range []struct {
		given, text string
		code        int
		want        string
	}{
		{"5.0.0", "5.1.0 - unknown address error 550-'5.7.1 access denied'", 550, "5.7.1"},
		{"5.1.1", "550 5.0.0 user unknown", 550, "5.1.1"},
		{"4.5.0", "550 5.5.0 service refused", 550, "5.5.0"},
		{"4.4.7", "message expired <421 5.4.2 x>", 421, "4.4.7"},
		{"", "at 192.0.2.753.1 nothing", 0, ""},
		{"", "error (#5.4.4)", 0, "5.4.4"},
		{"5.1.1 (permanent failure)", "", 0, "5.1.1"},
	} {
		if got := pickStatus(tc.given, tc.text, tc.code); got != tc.want {
			t.Errorf("pickStatus(%q, %q, %d) = %q, want %q", tc.given, tc.text, tc.code, got, tc.want)
		}
	}
}

// TestFindCommand checks how the SMTP command is read from wording.
func TestFindCommand(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"host mx said: 550 5.1.1 user unknown (in reply to rcpt to command)", "RCPT"},
		{"smtp error from remote mail server after mail from:<a@b> size=10: 553 no", "MAIL"},
		{"(in reply to end of data command)", "DATA"},
		{">>> mail from:<a@b> <<< 250 ok >>> rcpt to:<c@d> <<< 550 no", "RCPT"},
		{"connected to 192.0.2.1 but my name was rejected.", "EHLO"},
		{"connected to 192.0.2.1 but greeting failed. remote host said: 554 no smtp service here", "CONN"},
		{"192.0.2.1 failed on data command. remote host said: 554 rejected", "DATA"},
		{"192.0.2.1 failed after i sent the message. remote host said: 550 user unknown", "DATA"},
		{"smtp error from remote mail server after initial connection: 554 go away", "CONN"},
		{"* a@b smtp:rcpt host 192.0.2.8: 553 no such user", "RCPT"},
		{"550 user unknown", ""},
		// hMailServer's "hMailServer sent: <last command>" line, folded
		// with the "Remote server replied:" line after it.
		{"hmailserver sent: . remote server replied: 554 rejected", "DATA"},
		{"hmailserver sent: remote server replied: 554 no smtp service here", "CONN"},
		{"hmailserver sent: rcpt to:<a@b> remote server replied: 550 no", "RCPT"},
	} {
		if got := findCommand(tc.text); got != tc.want {
			t.Errorf("findCommand(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestMissKinds checks, one reply or bounce each, the kinds of misses issue
// 17 reported on rows the rules never saw, each worded as the product's
// published text.
func TestMissKinds(t *testing.T) {
	for _, tc := range []struct {
		name           string
		command        string
		code           int
		enhanced, text string
		reason         Reason
		hard           bool
	}{
		{"groupware directory lookup (Domino)", "", 550, "", "User kijitora@example.de not listed in Domino Directory", UserUnknown, true},
		{"DKIM signature found none (RFC 7372 x.7.22's words)", "DATA", 554, "5.7.1", "No valid DKIM signature found", AuthFailure, false},
		{"an Exim header_syntax refusal (ajenti-v's ACL message)", "DATA", 550, "", "Message headers fail syntax check", NotCompliantRFC, false},
		{"a Google Workspace administrator's rule (gcdp)", "DATA", 550, "5.7.1", "Email blocked outside example.com. See https://example.com/policy for details. - gcdp 4fb4d7f45d1cf-5c25290fe26si2709338a12.136 - gsmtp", PolicyViolation, false},
		{"a block named without gcdp stays a block", "RCPT", 550, "5.7.1", "Email blocked, see https://example.net/rbl - gsmtp", Blocked, false},
		{"a HELO name on a URI list is the client's (Postfix reject_rhsbl_helo)", "RCPT", 554, "5.7.1", "Service unavailable; Helo command [mx.example.net] blocked using multi.uribl.com; Listed on grey", Blocked, false},
		{"a client host on a URI list stays the content's", "RCPT", 554, "5.7.1", "Service unavailable; Client host [192.0.2.1] blocked using multi.uribl.com", SpamDetected, false},
		{"Gmail's Message-ID refusal with the name run together (Forpsi kb a4311)", "DATA", 550, "5.7.1", "Messages missing a valid messageId header are not accepted.", NotCompliantRFC, false},
		{"groupware directory lookup (Exchange 2003)", "", 550, "5.1.1", "The recipient name is not recognized", UserUnknown, true},
		{"reverse DNS is not a block", "CONNECT", 550, "5.7.1", "Client host rejected: cannot find your reverse hostname, [192.0.2.1]", RequirePTR, false},
		{"virus is not spam", "DATA", 550, "5.7.1", "This message contains a virus (Eicar-Test-Signature) and has been rejected as spam", VirusDetected, false},
		{"a host listed for an infection is blocked", "RCPT", 554, "5.7.1", "Service unavailable; Client host [192.0.2.1] blocked using xbl.spamhaus.org; infected with a botnet", Blocked, false},
		{"connection limit", "", 421, "", "Too many concurrent SMTP connections from this IP address; please try again later.", TooManyConn, false},
		{"rate limit", "", 450, "4.2.1", "The user you are trying to contact is receiving mail too quickly.", Speeding, false},
		{"a sender's quota is not a full mailbox", "", 550, "5.2.2", "Submission quota exceeded", Speeding, false},
		{"x.1.10 from Exchange is an unknown user", "RCPT", 550, "5.1.10", "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", UserUnknown, true},
		{"null MX", "", 556, "5.1.10", "Host does not accept mail: MX 0 .", NotAccept, true},
		{"an unknown address at MAIL FROM is the sender's", "MAIL", 550, "5.1.1", "<s@example.com>... refused", Rejected, false},
		{"groupware directory lookup (Exchange 2010)", "", 550, "", "The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.", UserUnknown, true},
		{"groupware directory lookup (Exchange 2007)", "", 550, "", "The recipient's e-mail address was not found in the recipient's e-mail system.", UserUnknown, true},
		{"groupware directory lookup (Exchange 2003 account)", "", 550, "", "The e-mail account does not exist at the organization this message was sent to.", UserUnknown, true},
		{"groupware directory lookup (Exchange Online)", "", 550, "", "kijitora wasn't found at example.com.", UserUnknown, true},
		{"message rate limit (Postfix anvil)", "MAIL", 450, "4.7.1", "Error: too much mail from 192.0.2.1", Speeding, false},
		{"rate limit named", "", 451, "", "Ratelimit exceeded for 192.0.2.1, try later", Speeding, false},
		{"connection rate limit (Sendmail ratecontrol)", "CONNECT", 421, "4.3.2", "Connection rate limit exceeded.", TooManyConn, false},
		{"concurrent connections (Exchange)", "", 421, "4.3.2", "The maximum number of concurrent server connections has exceeded a limit, closing transmission channel", TooManyConn, false},
		{"local mailbox size limit (Postfix local)", "", 0, "", "cannot update mailbox /var/mail/kijitora for user kijitora. error writing message: File too large", MailboxFull, false},
		{"a refused mailbox name (RFC 5321 553)", "", 553, "", "Requested action not taken: mailbox name not allowed", UserUnknown, true},
		{"the same at MAIL FROM is the sender's", "MAIL", 553, "", "Requested action not taken: mailbox name not allowed", Rejected, false},
		{"a content list is not a host list (SURBL)", "DATA", 554, "5.7.1", "Rejected: URL in message is listed at multi.surbl.org", SpamDetected, false},
		{"a dropped connection states its reason", "", 554, "", "Remote protocol error: Connection reset by peer during result wait with example.edu", NetworkError, false},
		{"a disabled account (IANA x.7.13 wording)", "", 550, "", "Account disabled", Suspend, false},
		{"an MX answer naming no usable host (Postfix dns_lookup.c, a null MX among them)", "", 0, "5.4.4", "Name service error for name=example.org type=MX: Malformed or unexpected name server reply", NotAccept, true},
		{"the same for an address record is no MX verdict", "", 0, "5.4.4", "Name service error for name=mx.example.org type=A: Malformed or unexpected name server reply", HostUnknown, true},
		{"a frozen mailbox (Mail.ru's answers: refused until its owner logs in)", "", 550, "", "Mailbox is frozen.", Suspend, false},
		{"a frozen message is no mailbox's state (Exim)", "", 0, "", "Message is frozen", OnHold, false},
		{"a security policy (Mimecast)", "DATA", 554, "", "Email rejected due to security policies - https://community.mimecast.com/docs/DOC-1369#554", PolicyViolation, false},
		{"local quota (BSD mail.local)", "", 0, "", "mail.local: /var/mail/kijitora: Disc quota exceeded", MailboxFull, false},
		{"a forwarding loop (Postfix local)", "", 0, "", "mail forwarding loop for kijitora@example.org", NetworkError, false},
		{"a dropped connection (Exim smtp transport)", "", 0, "", "Remote host mx.example.com [192.0.2.1] closed connection in response to end of data", NetworkError, false},
		{"a TLS handshake that failed (Postfix smtp)", "", 0, "", "Cannot start TLS: handshake failure", FailedSTARTTLS, false},
		{"RFC 5321's 421 in its own words", "DATA", 421, "", "Service not available", SystemError, false},
		{"a delivery agent that could not run (Postfix qmgr)", "", 0, "", "mail transport unavailable", SystemError, false},
		{"the sending system's configuration (Postfix)", "", 0, "", "mail system configuration error", SystemError, false},
		{"a relay it could not reach (OpenSMTPD mta.c)", "", 0, "", "Network error on destination MXs", NetworkError, false},
		{"an MX lookup that failed for now (OpenSMTPD mta.c)", "", 0, "", "Temporary failure in MX lookup", NetworkError, false},
		{"a delivery that looped (OpenSMTPD mta.c)", "", 0, "", "Loop detected", NetworkError, false},
		{"a domain with no mail host (OpenSMTPD mta.c)", "", 550, "", "No MX found for domain", HostUnknown, true},
		{"a relay's credentials missing (OpenSMTPD mta.c)", "", 0, "", "Could not retrieve credentials", SecurityError, false},
		{"a table lookup that failed (Postfix smtpd_check)", "EHLO", 451, "4.3.5", "<foobar>: Helo command rejected: Server configuration error", SystemError, false},
		{"the same after the sender (Postfix smtpd_check)", "MAIL", 451, "4.3.5", "<a@example.org>: Sender address rejected: Server configuration error", SystemError, false},
		{"a quota in other words is the mailbox's (faq.busblog.jp)", "", 552, "", "Mailbox quota reached", MailboxFull, false},
		{"a login's user name is no mailbox's", "AUTH", 535, "5.7.8", "Error: authentication failed: Invalid username or password", SecurityError, false},
		{"a login disabled is no mailbox disabled", "AUTH", 535, "", "User authentication is disabled", SecurityError, false},
		{"a read that failed (Sendmail)", "", 0, "", "Deferred: reply: read error from mx.example.net.", NetworkError, false},
		{"a timed out read (Sendmail)", "", 0, "", "451 timeout waiting for input during client greeting", NetworkError, false},
		{"a resolver that timed out (Sendmail)", "", 0, "", "Deferred: Name server timeout", NetworkError, false},
		{"an MX list pointing back (Sendmail)", "", 554, "", "<kijitora@example.net>... Local configuration error", SystemError, false},
		{"a full file system (Dovecot LMTP)", "", 0, "", "lmtp(kijitora): Error: Not enough disk space", SystemFull, false},
		{"relaying refused in other words (CiviCRM's relay patterns)", "RCPT", 550, "5.7.1", "This system is not configured to relay mail from <a@example.org> to <b@example.net>", NoRelaying, false},
		// RFC 5321 §3.3: no content has been sent when MAIL FROM is
		// answered; spam named there refuses the sender, or the client
		// under an x.7 status. After DATA the same words judge content.
		{"spam named at MAIL FROM refuses the sender", "MAIL", 554, "", "Sending address not accepted due to spam filter", Rejected, false},
		{"spam named at MAIL FROM under x.7 refuses the client", "MAIL", 550, "5.7.1", "Rejected by spam filter", Blocked, false},
		{"spam named after DATA is the content's", "DATA", 550, "", "This message has been identified as spam", SpamDetected, false},
		{"a sender the gateway does not know (IBM z/OS SMTP)", "", 550, "", "User 'kijitora@example.org' is not a registered gateway user.", Rejected, false},
		{"groupware directory lookup (GroupWise GWIA)", "", 550, "", "No such recipient", UserUnknown, true},
		{"a client refused for its invalid recipients is blocked, not an unknown user (Libero)", "", 550, "", "Too many invalid recipients. For further information contact your provider.", Blocked, false},
		{"a local delivery agent's lookup (Postfix local(8) unknown.c)", "", 0, "", `unknown user: "kijitora"`, UserUnknown, true},
		{"reverse DNS at MAIL FROM is still reverse DNS (Neo's 'rDNS record')", "MAIL", 551, "", "Server access mx.example.org forbidden by invalid RDNS record of your mail server (192.0.2.2).", RequirePTR, false},
		{"a recipient's blocked senders list (Mimecast)", "", 550, "", "Rejected by header based Blocked Senders: a@example.com - https://community.mimecast.com/docs/DOC-1369#550", Filtered, false},
		{"an anti-spoofing policy is the organisation's policy (Mimecast)", "", 550, "", "Rejected by header based Anti-Spoofing policy: a@example.com", PolicyViolation, false},
		{"an alias loop (Postfix local(8))", "", 0, "", "alias database loop for kijitora", NetworkError, false},
		{"a lookup table that failed (Postfix smtpd)", "RCPT", 451, "4.3.0", "Temporary lookup error", SystemError, false},
		{"a full file system (ENOSPC)", "", 0, "", "cannot update mailbox /var/mail/kijitora for user kijitora. error writing message: No space left on device", SystemFull, false},
		// The sixth round of the software table (software_test.go): one
		// case per reading it brought, with other values than its rows.
		{"RFC 1870's fixed maximum message size at MAIL FROM (smtp-server)", "MAIL", 552, "", "Error: message exceeds fixed maximum message size 52428800", MesgTooBig, false},
		{"a client address without a name under x.1.8 (ze-filter)", "", 451, "4.1.8", "RESOLVE : SMTP client IP address doesn't resolve", RequirePTR, false},
		{"a forged client name under x.1.8 (ze-filter)", "RCPT", 451, "4.1.8", "RESOLVE : SMTP client hostname seems to be forged", RequirePTR, false},
		{"no From header, RFC 5322 §3.6 (ze-filter)", "DATA", 554, "5.7.1", "No From header field", NotCompliantRFC, false},
		{"a connection rate under x.5.1 (ze-filter)", "", 421, "4.5.1", "Connection Rate", TooManyConn, false},
		{"a connection rate in words (mox)", "", 421, "4.7.0", "connection rate from your ip or network too high, slow down please", TooManyConn, false},
		{"a message rate (ze-filter)", "MAIL", 451, "4.3.2", "Message Rate", Speeding, false},
		{"a recipient rate (ze-filter)", "RCPT", 451, "4.3.2", "Recipient Rate", Speeding, false},
		{"messages per connection (ze-filter)", "MAIL", 451, "4.3.2", "Too many messages for this connection", TooManyConn, false},
		{"RFC 4954's x.7.11, encryption required for AUTH", "AUTH", 538, "5.7.11", "Encryption required for requested authentication mechanism", FailedSTARTTLS, false},
		// The provider table's sixth round (rules.go providerCodes,
		// phrases.go), each on a reply other than the table's row: Sophos
		// Email's XGEMAIL codes decide whatever the command and reply
		// code, and the wordings of the hosts' pages.
		{"Sophos XGEMAIL_0011 after DATA is an unknown user", "DATA", 550, "", "XGEMAIL_0011", UserUnknown, true},
		{"Sophos XGEMAIL_0004 after DATA is an RBL listing", "DATA", 550, "", "XGEMAIL_0004", Blocked, false},
		{"Sophos XGEMAIL_0014 for now is a rate", "RCPT", 450, "", "XGEMAIL_0014", Speeding, false},
		{"Sophos XGEMAIL_0003 is DMARC", "DATA", 550, "5.7.1", "XGEMAIL_0003", AuthFailure, false},
		{"Sophos XGEMAIL_0009 is the user's block list", "RCPT", 550, "", "XGEMAIL_0009", Filtered, false},
		{"a sender domain not found under x.1.2 is the sender's (Host Media)", "", 550, "5.1.2", "<a@example.com>: Sender Domain Not Found", Rejected, false},
		{"no mailbox by that name at RCPT (Carerix)", "RCPT", 550, "", "no mailbox by that name is currently available", UserUnknown, true},
		{"storage allocation exceeded (mydreams.cz)", "DATA", 552, "", "Storage allocation exceeded", MailboxFull, false},
		{"a mailbox at its maximum allowed size (agnx.com)", "", 552, "", "The recipient's mailbox has reached its maximum allowed size", MailboxFull, false},
		{"exceeded their mailbox limit (exedo.nl)", "", 0, "", "The recipient has exceeded their mailbox limit", MailboxFull, false},
		{"an account storage limit (GoDaddy)", "", 552, "", "Account storage limit", MailboxFull, false},
		{"no relaying allowed (Postini, weboke.nl)", "RCPT", 554, "", "No relaying allowed - psmtp", NoRelaying, false},
		{"POP before SMTP is the client's credentials, not x.3", "RCPT", 553, "5.3.0", "<user@example.jp>... Please receive your mail before sending", SecurityError, false},
		{"GandiMail's RULE2_1 is phishing, not its policy words", "DATA", 550, "5.7.1", "Reject for policy reason. RULE2_1", SpamDetected, false},
		{"GandiMail's RULE1_1 is malware", "DATA", 554, "", "Reject for policy reason. RULE1_1", VirusDetected, false},
		{"GandiMail's infected sender is a client refused, no virus verdict", "DATA", 550, "", "blocked you maybe infected", Blocked, false},
		{"an account administratively disabled under x.1.1 is suspended (Infomaniak)", "RCPT", 550, "5.1.1", "someone@example.ch recipient rejected, account administratively disabled", Suspend, false},
		{"a count per hour exceeded is a rate (postfwd limits)", "RCPT", 451, "", "Number messages per hour exceeded", Speeding, false},
		{"recipients per minutes allowed is a rate (postfwd limits)", "RCPT", 450, "", "only 10 recipients per 15 minutes allowed", Speeding, false},
		// The wild-replies-2 readings (phrases.go, rules.go, with their sources).
		{"graylisted, the American spelling, is greylisting", "RCPT", 450, "", "Sender graylisted, please retry later", Blocked, false},
		{"too many Received: lines is a loop (RFC 5321 §6.3)", "DATA", 554, "", "Message has too many Received headers", NetworkError, false},
		{"Postfix's RBL reply without the list's name is the host's", "RCPT", 554, "5.7.1", "Service unavailable; Client host [192.0.2.7] blocked", Blocked, false},
		{"spam in a linked page's address is no verdict", "MAIL", 451, "", "Sender domain does not resolve - see http://www.example.org/antispam/dns.html", Rejected, false},
		{"complaints about the IP's mail are its reputation", "", 550, "", "Your IP address is blocked: we have received complaints about mail from it", BadReputation, false},
		{"a daily limit is a rate", "RCPT", 450, "", "Daily limit of recipients reached, try tomorrow", Speeding, false},
		{"the SPF project's old explanation page is an SPF failure", "RCPT", 550, "5.7.1", "Please see http://spf.pobox.com/why.html?sender=a%40example.com&ip=192.0.2.7&receiver=mx.example.net", AuthFailure, false},
		{"the CBL named without a path is a list of hosts", "CONNECT", 554, "", "192.0.2.7 is sending spam, see http://cbl.abuseat.org", Blocked, false},
		// Wordings in other languages (phrases.go, each with its source;
		// TestIntlReplies).
		{"Exchange's French NDR for an address that moved", "", 0, "", "l'adresse électronique du destinataire a changé.", HasMoved, true},
		{"Exchange's Japanese refusal of sending on another's behalf is the sender's", "", 0, "", "代理送信のためのアクセス許可を持たずに、別の送信者の代わりにメッセージを送信することはできません。", Rejected, false},
		{"a domain lookup failed, in Italian", "", 0, "", "Domain Lookup non riuscito", HostUnknown, true},
		{"no such domain, in Polish", "", 0, "", "Nie ma takiej domeny", HostUnknown, true},
		{"a DNS lookup failed, in Japanese", "", 0, "", "DNSルックアップに失敗しました", HostUnknown, true},
		{"a mailbox not found at RCPT, in Italian", "RCPT", 550, "", "Cassetta postale non trovata", UserUnknown, true},
		{"Gmail's account that does not exist, in German, at RCPT", "RCPT", 550, "", "Das E-Mail-Konto, das Sie kontaktieren möchten, ist nicht vorhanden", UserUnknown, true},
		{"an unknown user at RCPT, in Czech", "RCPT", 550, "", "Uživatel neznámý", UserUnknown, true},
		{"an unknown user at RCPT, in Japanese", "RCPT", 550, "", "不明なユーザーです", UserUnknown, true},
		{"the recipient unknown names the recipient, in German", "", 0, "", "Empfänger unbekannt", UserUnknown, true},
		{"the recipient's address does not exist names the recipient, in Chinese", "", 0, "", "收件人地址不存在", UserUnknown, true},
		{"Exchange's directory lookup, in Turkish", "", 0, "", "Girdiğiniz e-posta adresi bulunamadı.", UserUnknown, true},
		{"a mailbox switched off, in Polish", "", 0, "", "Nieaktywna skrzynka pocztowa", Suspend, false},
		{"Exchange's full mailbox, in German", "", 0, "", "Das Postfach des Empfängers ist voll.", MailboxFull, false},
		{"a full mailbox, in Chinese", "", 0, "", "对方邮箱空间已满", MailboxFull, false},
		{"over a mailbox's limit for one message, in Polish", "", 0, "", "Wiadomość zbyt długa", ExceedLimit, false},
		{"Naver's message too big, in Korean", "", 0, "", "보내신 메일의 크기가 커서, 받는 서버에서 수신을 차단하였습니다.", MesgTooBig, false},
		{"Exchange stopped trying, in Finnish", "", 0, "", "Palvelin on yrittänyt toimittaa tätä viestiä siinä onnistumatta ja on lopettanut yrittämisen.", Expired, false},
		{"Gmail's server that did not accept its requests, in Slovak", "", 0, "", "Server príjemcu neprijal naše požiadavky", Expired, false},
		{"a connection timed out, in Italian", "", 0, "", "Timeout della connessione", NetworkError, false},
		{"out of memory, in Italian", "", 0, "", "Memoria esaurita", SystemError, false},
		{"a temporary local problem, in Czech", "", 451, "", "Dočasný lokální problém – zkuste to prosím později", SystemError, false},
		{"unable to relay, in Czech", "", 0, "", "Nelze přeposlat", NoRelaying, false},
		{"too many recipients, in Czech", "", 0, "", "Příliš mnoho příjemců", TooManyConn, false},
		{"a sending limit exceeded, in Polish", "", 0, "", "Przekroczono limit wysyłania", Speeding, false},
		{"mail sent too often, in Chinese", "", 0, "", "邮件发送太过频繁", Speeding, false},
	} {
		c := ClassifyReply(tc.command, tc.code, tc.enhanced, tc.text)
		if c.Reason != tc.reason || c.Hard != tc.hard {
			t.Errorf("%s: ClassifyReply(%q, %d, %q, %q) = %+v, want %s hard %v", tc.name, tc.command, tc.code, tc.enhanced, tc.text, c, tc.reason, tc.hard)
		}
	}
}

// TestBounceMissKinds checks the same kinds in bounces: a local delivery
// program's quota error, a sending MTA that gave up after temporary
// failures (a permanent status, not 4.x), and a user unknown whose last
// reply was 4xx in a bounce that finally failed (hard).
func TestBounceMissKinds(t *testing.T) {
	dsn := func(diag string) string {
		return "From: MAILER-DAEMON@mx.example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nThe mail system\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n" +
			"Final-Recipient: rfc822; a@example.net\r\nAction: failed\r\nStatus: 5.0.0\r\n" + diag + "\r\n--b--\r\n"
	}
	plain := func(body string) string {
		return "From: MAILER-DAEMON@mx.example.com\r\nSubject: failure notice\r\n\r\n" + body
	}
	for _, tc := range []struct {
		name   string
		msg    string
		reason Reason
		status string
		hard   bool
	}{
		{"local quota", dsn("Diagnostic-Code: x-unix; maildrop: maildir over quota."), MailboxFull, "5.0.0", false},
		{"local program", dsn("Diagnostic-Code: x-unix; command died with status 75"), MailerError, "5.0.0", false},
		{"local full file system", dsn("Diagnostic-Code: x-unix; procmail: Error while writing to \"/var/mail/a\": No space left on device"), SystemFull, "5.0.0", false},
		{"gave up", plain("There was an error delivering your mail to <a@example.net>.\r\nCould not deliver for the last 432000 seconds. Giving up.\r\n451 temporary failure, try again\r\n"), Expired, "5.0.0", false},
		{"user unknown under 4.1.1, finally failed", strings.Replace(dsn("Diagnostic-Code: smtp; 450 4.1.1 <a@example.net>: Recipient address rejected: User unknown in local recipient table"),
			"Status: 5.0.0", "Status: 4.1.1", 1), UserUnknown, "4.1.1", true},
		{"delay warning (Exim)", plain("This message was created automatically by mail delivery software.\r\nA message that you sent has not yet been delivered to one or more of its\r\nrecipients after more than 24 hours on the queue on mx.example.com.\r\n\r\nThe address to which the message has not yet been delivered is:\r\n\r\n  a@example.net\r\n    Delay reason: SMTP error from remote mail server after RCPT TO:<a@example.net>:\r\n    451 Please try again later\r\n\r\nNo action is required on your part. Delivery attempts will continue for\r\nsome time.\r\n"), Expired, "4.0.0", false},
		{"delay warning naming a local problem (Exim)", plain("This message was created automatically by mail delivery software.\r\nA message that you sent has not yet been delivered to one or more of its\r\nrecipients after more than 24 hours on the queue on mx.example.com.\r\n\r\nThe address to which the message has not yet been delivered is:\r\n\r\n  a@example.net\r\n    Delay reason: SMTP error from remote mail server after RCPT TO:<a@example.net>:\r\n    451 Temporary local problem - please try later\r\n\r\nNo action is required on your part. Delivery attempts will continue for\r\nsome time.\r\n"), SystemError, "4.0.0", false},
		{"user unknown under 4xx, finally failed", plain("Hi. This is the qmail-send program.\r\n<a@example.net>:\r\n192.0.2.1 does not like recipient.\r\nRemote host said: 450 <a@example.net>: Recipient address rejected: User unknown in local recipient table\r\nGiving up on 192.0.2.1.\r\n"), UserUnknown, "5.0.0", true},
	} {
		rep, err := Parse(strings.NewReader(tc.msg))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Recipients) != 1 {
			t.Fatalf("%s: %d recipients", tc.name, len(rep.Recipients))
		}
		r := rep.Recipients[0]
		if r.Reason != tc.reason || r.Status != tc.status || r.Hard != tc.hard {
			t.Errorf("%s: reason %s status %s hard %v, want %s %s %v (diagnostic %q)", tc.name, r.Reason, r.Status, r.Hard, tc.reason, tc.status, tc.hard, r.DiagnosticCode)
		}
	}
}

// TestFailedAfterTemporaryUnknownUser: a bounce that reports a recipient
// finally failed on a temporary "User unknown" (Postfix's
// unverified_recipient_reject_code 450) is a hard unknown user, though no
// stage is named; a temporary "mailbox unavailable" (RFC 5321 450, a busy
// mailbox) is not.
func TestFailedAfterTemporaryUnknownUser(t *testing.T) {
	c := loadRules().classify(evidence{action: "failed", status: "4.0.0", text: "450 User unknown", diagType: "smtp"})
	if c.Reason != UserUnknown || !c.Hard || c.Temporary {
		t.Errorf("failed after 450 User unknown = %+v, want a hard userunknown", c)
	}
	c = loadRules().classify(evidence{action: "failed", status: "4.0.0", text: "450 Requested mail action not taken: mailbox unavailable", diagType: "smtp"})
	if c.Reason == UserUnknown || c.Hard {
		t.Errorf("failed after 450 mailbox unavailable = %+v, want no hard userunknown", c)
	}
}

// TestFailedAfterTemporaryNoReason: a recipient finally failed after a
// temporary reply whose words name no reason is not read as the sending
// MTA's queue lifetime (RFC 3464 §2.3.3 "failed" says it stopped, not
// why): its status's subject or its reply code speaks when it has one,
// else it is onhold.
// Words naming a transient condition still mean it gave up on it.
func TestFailedAfterTemporaryNoReason(t *testing.T) {
	for _, tc := range []struct {
		status, text string
		want         Reason
	}{
		{"4.0.0", "450 4.0.0 Temporary failure", OnHold},
		{"4.0.0", "451 Please try again later", SystemError},                      // RFC 5321 §4.2.3: 451 "local error in processing"
		{"4.0.0", "451 Could not load DRD for domain (example.com)", SystemError}, // the same, in words naming no other cause
		{"4.3.0", "451 4.3.0 Please try again later", SystemError},                // RFC 3463 x.3 mail system status
		{"4.4.1", "421 4.4.1 Connection timed out", Expired},                      // a network error the MTA retried until it gave up
		{"4.3.0", "451 4.3.0 Temporary local problem", Expired},                   // the receiving system's trouble, retried until given up
	} {
		c := loadRules().classify(evidence{action: "failed", status: tc.status, text: tc.text, diagType: "smtp"})
		if c.Reason != tc.want || c.Hard {
			t.Errorf("failed after %q = %+v, want soft %s", tc.text, c, tc.want)
		}
	}
}

// TestNotExistWording: the Chinese hosts' "user not exist" and "recipient
// is not exist" are unknown users; a domain worded the same way is not
// read as one (it names no mailbox).
func TestNotExistWording(t *testing.T) {
	if c := ClassifyReply("RCPT", 550, "", "550 abcd:user not exist"); c.Reason != UserUnknown || !c.Hard {
		t.Errorf("user not exist = %+v, want a hard userunknown", c)
	}
	if c := ClassifyReply("RCPT", 551, "", "recipient is not exist"); c.Reason != UserUnknown {
		t.Errorf("recipient is not exist = %+v, want userunknown", c)
	}
	if c := ClassifyReply("RCPT", 550, "", "550 domain is not exist"); c.Reason == UserUnknown {
		t.Errorf("domain is not exist = %+v, read as an unknown user", c)
	}
}

// TestStatusDescriptions checks that a reply giving a registered status
// code's description in words, with no specific code, is read as that
// code (the IANA registry's descriptions), and that every description
// names a code the registry table maps.
func TestStatusDescriptions(t *testing.T) {
	for _, d := range statusDescriptions {
		if d.text != strings.ToLower(d.text) {
			t.Errorf("description %q is not lower case", d.text)
		}
		if _, ok := loadRules().byStatus[d.sd]; !ok && !strings.HasSuffix(d.sd, ".0") {
			t.Errorf("description %q names %s, which the registry table does not map", d.text, d.sd)
		}
	}
	for _, tc := range []struct {
		command string
		code    int
		text    string
		reason  Reason
		hard    bool
	}{
		{"", 450, "Mail flood detected", Speeding, false},                        // x.7.28
		{"DATA", 550, "No passing DKIM signature found", AuthFailure, false},     // x.7.20
		{"", 550, "Multiple authentication checks failed", AuthFailure, false},   // x.7.26
		{"", 535, "Authentication credentials invalid", SecurityError, false},    // x.7.8
		{"", 550, "Bad sender's system address", Rejected, false},                // x.1.8
		{"", 550, "Sender address has null MX", Rejected, false},                 // x.7.27, not the recipient's null MX
		{"", 451, "Mail system congestion", NetworkError, false},                 // x.4.5
		{"", 451, "System not accepting network messages", SystemError, false},   // x.3.2 for now
		{"RCPT", 550, "Mailbox owner has changed", HasMoved, true},               // x.7.17
		{"DATA", 554, "Conversion required and prohibited", ContentError, false}, // x.6.2
		{"", 550, "REQUIRETLS support required", FailedSTARTTLS, false},          // x.7.30
	} {
		c := ClassifyReply(tc.command, tc.code, "", tc.text)
		if c.Reason != tc.reason || c.Hard != tc.hard {
			t.Errorf("ClassifyReply(%q, %d, %q) = %s hard %v, want %s hard %v", tc.command, tc.code, tc.text, c.Reason, c.Hard, tc.reason, tc.hard)
		}
	}
}

// TestListedInNamesWhatIsListed checks that "listed in" vetoes a spam or
// virus reading only where it states a listing of the sending host.
// SpamAssassin's report lines (X-Spam-Report as sourceforge.net's list
// servers print it) say "listed in" of a welcome list and of a link in the
// body; a negation names no list. Each case is a refusal's words with such
// a line beside them: the refusal's own reading must stand. Nor is "not
// listed in" (an address absent from a directory) a host on a block list.
func TestListedInNamesWhatIsListed(t *testing.T) {
	for _, tc := range []struct {
		command, text string
		want          Reason
	}{
		// An unknown recipient by its words (concepts.go), placed at no
		// stage: a filter's, as doc.go reads every unplaced one.
		{"", "The recipient is not listed in our directory", Filtered},
		{"", "The recipient isn't listed in our directory", OnHold},
		{"", "Recipient not listed in Domino Directory", UserUnknown},
		{"DATA", "This message scored 6.0 spam points. URIBL_DBL_SPAM Contains a spam URL listed in the Spamhaus DBL blocklist [URIs: example.com]", SpamDetected},
		{"DATA", "This message scored 6.0 spam points. RCVD_IN_MSPIKE_H2 RBL: Average reputation (+2) [192.0.2.1 listed in wl.mailspike.net]", SpamDetected},
		{"DATA", "Message rejected as spam: contains a URL listed in the Spamhaus DBL blocklist", SpamDetected},
		{"DATA", "Message rejected as spam; sender not listed in our approved senders", SpamDetected},
		{"DATA", "Message is infected with Eicar-Test-Signature; sender not listed in exceptions", VirusDetected},
		// The host's own listing still outranks spam words beside it.
		{"DATA", "your mailserver's ip is listed in blacklist. Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.1", Blocked},
		{"DATA", "Rejected - listed in bl.spamcop.net", Blocked},
	} {
		if c := ClassifyReply(tc.command, 550, "", tc.text); c.Reason != tc.want {
			t.Errorf("ClassifyReply(%q, 550, %q) = %s, want %s", tc.command, tc.text, c.Reason, tc.want)
		}
	}
}
