package bounce

import "testing"

// A review of the rules added on the session of acbd9cf..93d3bb2 (provider
// pages, gateway notices): published texts that hold a new rule's words and
// mean something else, each beside the text the rule was made for, so that
// narrowing a rule cannot take its own case away. Cut to the lines each
// needs, addresses and hosts replaced.

// postfixMalformedMX is Postfix's dns_lookup() text for an MX answer
// dns_get_answer() could not take (postfix/src/dns/dns_lookup.c, its
// "default:" case).
const postfixMalformedMX = "Name service error for name=example.net type=MX: Malformed or unexpected name server reply"

// postfixNameServiceDSN is a Postfix DSN (bounce(5)'s text part, then the
// delivery-status part) for bob@example.net, whose failure is Postfix's
// own name service error: no remote reply, no Diagnostic-Code.
func postfixNameServiceDSN(subject, pre, action, status string) string {
	return mimeReport(
		"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.org\nSubject: "+subject+"\nMIME-Version: 1.0\n"+
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"ns\"\n", "ns", "",
		"Content-Type: text/plain\n\n"+pre+"<bob@example.net>: "+postfixMalformedMX+"\n",
		"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; bob@example.net\nOriginal-Recipient: rfc822;bob@example.net\nAction: "+action+"\nStatus: "+status+"\n",
		"Content-Type: text/rfc822-headers\n\n"+returnedHeaders)
}

// reviewNewDSNCases: the same Postfix words under a permanent and a
// temporary status.
var reviewNewDSNCases = []dsnCase{
	// Postfix defers a reply that failed in transit with 4.4.3 and these
	// words: "dsn=4.4.3, status=deferred (Name service error for
	// name=gmail.com type=MX: Malformed or unexpected name server reply)"
	// in the log pasted into Mailu/Mailu issue 1055 (the sender's own
	// resolver failing). The domain was not judged: no null MX, and the
	// message is still retried (RFC 3464 §2.3.3 "delayed").
	{"Postfix delay DSN, MX reply malformed in transit",
		postfixNameServiceDSN("Delayed Mail (still being retried)", postfixDelayPre, "delayed", "4.4.3"),
		formatWant{"bob@example.net", NetworkError, false, "4.4.3", "malformed or unexpected name server reply"}},
	// The rule's own case: smtp_addr.c makes DNS_INVAL, an MX exchange
	// name valid_hostname() refuses (RFC 7505's "MX 0 ." before Postfix
	// knew null MX), permanent with 5.4.4.
	{"Postfix bounce DSN, MX naming no usable host",
		postfixNameServiceDSN("Undelivered Mail Returned to Sender", postfixPre, "failed", "5.4.4"),
		formatWant{"bob@example.net", NotAccept, true, "5.4.4", "malformed or unexpected name server reply"}},
}

func TestReviewNewDSN(t *testing.T) { checkDSNCases(t, reviewNewDSNCases) }

// TestReviewNewAmavisFailure: amavisd-new's "451 4.5.0 Error in
// processing, id=<id>, " followed by the text of the check that died is
// the filter's own failure (the reason "error in processing" was widened
// for), though that text names virus scanners or a quarantine file called
// spam-<id>.gz. Each reply as a Postfix log quotes it, "host 127.0.0.1
// said: ... (in reply to end of DATA command)".
func TestReviewNewAmavisFailure(t *testing.T) {
	for _, c := range []struct{ source, text string }{
		// the forum thread "Postfix Mail Filtering" (2008-07-10): ClamAV
		// unreachable, every scanner failed
		{"virus scanners failed", "host 127.0.0.1[127.0.0.1] said: 451 4.5.0 Error in processing, id=07411-04, virus_scan FAILED: virus_scan: ALL VIRUS SCANNERS FAILED:  (in reply to end of DATA command)"},
		// the thread "Mailserver postfix with Clamav problems"
		// (2009-01-08): the quarantine could not be written
		{"quarantine failed", "host 127.0.0.1[127.0.0.1] said: 451 4.5.0 Error in processing, id=11666-01-4, quar+notif FAILED: temporarily unable to quarantine: 451 4.5.0 Local delivery(1) to /var/lib/amavis/virusmails/o/spam-oYp7417aseoU.gz failed: Can't call method \"value\" on an undefined value at /usr/share/perl5/IO/Compress/RawDeflate.pm line 98., id=11666-01-4 at /usr/sbin/amavisd-new line 10371. (in reply to end of DATA command)"},
		// amavis-users, 2013-August/002450: a policy bank's protocol
		{"mail_dispatch failed", "host 127.0.0.1[127.0.0.1] said: 451 4.5.0 Error in processing, id=27311-09-9, quar+notif FAILED: mail_dispatch: no recognized protocol name: 0 at /usr/sbin/amavisd line 8516. (in reply to end of DATA command)"},
	} {
		got := ClassifyReply("DATA", 451, "4.5.0", c.text)
		if got.Reason != SystemError || !got.Temporary || got.Hard {
			t.Errorf("%s: %s temporary %v hard %v, want %s, temporary", c.source, got.Reason, got.Temporary, got.Hard, SystemError)
		}
		// The same read from the text alone, as a bounce quotes it.
		if got := Classify(0, "", c.text); got.Reason != SystemError {
			t.Errorf("%s, text alone: %s, want %s", c.source, got.Reason, SystemError)
		}
	}
}
