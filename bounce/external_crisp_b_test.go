package bounce

import "testing"

// crispLayoutsB are Postfix notices first seen in crisp-oss/email-bounce-
// parser's test fixtures (its test/fixtures/*.txt whose names start with
// neither "4" nor "550_5"; issue 17), cut to the lines each reading needs,
// addresses and hosts replaced. Each case names the fixture and the
// source that explains its words; the reading rests on the source.
var crispLayoutsB = []formatCase{
	// Alibaba Mail's refusal of a recipient it does not have, "554 RCPT
	// (account) dosn't exist" in its help (sh-aliyun.com, 阿里云企业邮箱
	// SMTP/MTA退信错误: 收件人不存在, the recipient does not exist), with
	// the refused address in the place of "(account)" as its MX answers
	// RCPT (seen in crisp-oss/email-bounce-parser,
	// test/fixtures/554_does_not_exist.txt).
	{name: "Alibaba Mail, RCPT (address) dosn't exist", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<gone@example.net>: host mxw.example.net[192.0.2.9] said: 554 RCPT\n    (gone@example.net) dosn't exist (in reply to RCPT TO command)\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5", "dosn't exist"}}},
	// A receiving host whose name says "spam" (seen in crisp-oss/email-
	// bounce-parser, test/fixtures/554_5_7_7_equal_headers.txt, from a
	// host named spamrelay.*): Postfix names the peer name[address]
	// (smtp_session.c, session->namaddr) in "host %s said: %s"
	// (smtp_proto.c), the receiver's naming, not its verdict. The reply
	// names no reason in its words; 5.7.7 reads as RFC 3463's "Message
	// integrity failure", a security refusal.
	{name: "Postfix, a host named spam-something", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<someone@example.net>: host spamrelay.example.net[192.0.2.21] said: 554 5.7.7 too\n    many equal X-headers (X-Original-Authentication-Results:) (in reply to end\n    of DATA command)\n",
		want: []formatWant{{"someone@example.net", SecurityError, false, "5.7.7", "too many equal x-headers"}}},
}

func TestExternalCrispB(t *testing.T) { checkFormats(t, crispLayoutsB) }

// TestMaskHostNames holds maskHostNames to Postfix's name[address] and to
// the words it must leave: a name with no dot (Postfix's "unknown[ip]"
// for a client with no reverse name), a bracketed word that is no
// address, and "Client host [ip]".
func TestMaskHostNames(t *testing.T) {
	for in, want := range map[string]string{
		"host spamrelay.example.net[192.0.2.1] said: 554 5.7.7 too many":   "host host.x[192.0.2.1] said: 554 5.7.7 too many",
		"connect to virus.example.org[2001:db8::1]:25: connection refused": "connect to host.x[2001:db8::1]:25: connection refused",
		"lost connection with mx.example.net[ipv6:2001:db8::2] while x":    "lost connection with host.x[ipv6:2001:db8::2] while x",
		"client host rejected: unknown[192.0.2.1]":                         "client host rejected: unknown[192.0.2.1]",
		"client host [192.0.2.1] blocked using zen.spamhaus.org":           "client host [192.0.2.1] blocked using zen.spamhaus.org",
		"spam.example.net[tss04] deferred":                                 "spam.example.net[tss04] deferred",
		"no brackets at all":                                               "no brackets at all",
		"x.example[":                                                       "x.example[",
	} {
		if got := maskHostNames(in); got != want {
			t.Errorf("maskHostNames(%q) = %q, want %q", in, got, want)
		}
	}
}
