package bounce

import (
	"regexp"
	"strconv"
	"strings"
)

// sourceLayouts are bounce layouts of seven more programs, each written as
// the program's own source writes it (the source named beside each), read
// for this test set; TestProviderRepliesInBounces and
// TestSoftwareRepliesInBounces wrap every reply in them as in wrapLayouts.
// Where a program writes no bounce for a kind of reply, or where the way it
// writes one was not read, the layout does not wrap that reply (ok false),
// and its comment says which.
var sourceLayouts = []wrapLayout{
	{"maddy", maddyDSN},
	{"Haraka", harakaBounce},
	{"James", jamesDSNBounce},
	{"Stalwart", stalwartDSN},
	{"hMailServer", hmailBounce},
	{"Courier DSN", courierDSN},
	{"Exim DSN", eximDSN},
}

// allLayouts is every layout the wrapped-reply tests run.
func allLayouts() []wrapLayout {
	return append(wrapLayouts[:len(wrapLayouts):len(wrapLayouts)], sourceLayouts...)
}

// texts are the text parts of the reply's lines, as p.lines() sends them,
// without their reply and enhanced codes.
func (p providerReply) texts() []string {
	code := ""
	if p.enhanced != "" {
		code = p.enhanced + " "
	}
	return wrapWords(p.text, 70-len(strconv.Itoa(p.code))-len(code))
}

// stageText is what a layout writes for the stage the reply answered,
// from texts by stage (ok false for a stage it has no text for).
func stageText(p providerReply, texts map[string]string) (string, bool) {
	t, ok := texts[stage(p.command)]
	return t, ok
}

// mimeReport joins a header block and MIME parts into a multipart message
// under the given boundary; each part is its own header block, a blank
// line and its body. LF line ends become CRLF.
func mimeReport(header, boundary, preamble string, parts ...string) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("\n")
	b.WriteString(preamble)
	for _, p := range parts {
		b.WriteString("--" + boundary + "\n")
		b.WriteString(p)
		if !strings.HasSuffix(p, "\n") {
			b.WriteString("\n")
		}
	}
	b.WriteString("--" + boundary + "--\n")
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}

// returnedHeaders is the returned message's header block, for the layouts
// that return headers only.
var returnedHeaders = returned[:strings.Index(returned, "\n\n")+1]

// maddyDSN is maddy's DSN, as internal/dsn/dsn.go (foxcpp/maddy) writes
// it: Subject "Undelivered Mail Returned to Sender", a multipart/report of
// the failedText template ("This is the mail delivery system at ...",
// "Delivery to <rcpt> failed with error: <err>" per recipient, err printed
// with %v), a message/delivery-status part (ReportingMTAInfo.WriteTo: the
// X-Maddy-Sender and X-Maddy-MsgID fields; RecipientInfo.WriteTo: Action,
// Status, "Diagnostic-Code: smtp; <code> <x.y.z> <message>" with the
// message's newlines made spaces, no Remote-MTA from the queue), and the
// returned header as message/rfc822-headers. The queue
// (internal/target/queue/queue.go, emitDSN) writes every recipient as
// "failed", a temporary error too once its retries are spent, with the
// error's own enhanced code as Status. The remote target's error message is
// "<server> said: <reply text>" (internal/smtpconn/smtpconn.go,
// wrapClientErr, AddrInSMTPMsg set by internal/target/remote), the text
// the go-smtp client keeps (client.go toSMTPErr: the lines joined by "\n",
// the enhanced code of later lines dropped), and go-smtp's SMTPError
// prints as "SMTP error <code>: <message>". Not wrapped: replies without
// an enhanced code (dsn.go refuses a zero Status: "dsn: Status is
// required", so maddy sends no DSN), and 552 replies (smtpconn.go rewrites
// 552 to 452 per RFC 5321 §4.5.3.1.10, so the DSN reports another reply
// than the bare one).
func maddyDSN(p providerReply) (string, bool) {
	if p.enhanced == "" || p.code == 552 {
		return "", false
	}
	msg := "mx.example.net said: " + strings.Join(p.texts(), "\n")
	text := "Content-Transfer-Encoding: 8bit\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Description: Notification\n\n" +
		"\nThis is the mail delivery system at mx.example.org.\n\nUnfortunately, your message could not be delivered to one or more\nrecipients. The usual cause of this problem is invalid\nrecipient address or maintenance at the recipient side.\n\n" +
		"Contact the postmaster for further assistance, provide the Message ID (below):\n\nMessage ID: 5f2a0c1d\nArrival: 2026-12-06 10:00:00 +0000 UTC\nLast delivery attempt: 2026-12-06 10:05:00 +0000 UTC\n\n" +
		"Delivery to " + wrappedRcpt + " failed with error: SMTP error " + strconv.Itoa(p.code) + ": " + msg + "\n"
	status := "Content-Type: message/delivery-status\nContent-Description: Delivery report\n\n" +
		"Reporting-Mta: dns; mx.example.org\nX-Maddy-Sender: rfc822; sender@example.org\nX-Maddy-Msgid: 5f2a0c1d\nArrival-Date: Sun, 6 Dec 2026 10:00:00 +0000\nLast-Attempt-Date: Sun, 6 Dec 2026 10:05:00 +0000\n\n" +
		"Final-Recipient: rfc822; " + wrappedRcpt + "\nAction: failed\nStatus: " + p.enhanced + "\nDiagnostic-Code: smtp; " + strconv.Itoa(p.code) + " " + p.enhanced + " " + strings.ReplaceAll(msg, "\n", " ") + "\n\n"
	headers := "Content-Description: Undelivered message header\nContent-Type: message/rfc822-headers\nContent-Transfer-Encoding: 8bit\n\n" + returnedHeaders
	return mimeReport("Date: Sun, 6 Dec 2026 10:05:00 +0000\nMessage-Id: <6b1e@mx.example.org>\nContent-Transfer-Encoding: 8bit\nContent-Type: multipart/report; report-type=delivery-status; boundary=7c0e9f\nMime-Version: 1.0\nAuto-Submitted: auto-replied\nTo: sender@example.org\nFrom: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n",
		"7c0e9f", "", text, status, headers), true
}

// harakaReply is Haraka's reading of a reply line (outbound/hmail.js,
// smtp_regexp): the code, the separator, an enhanced code of one digit a
// part only, and the rest.
var harakaReply = regexp.MustCompile(`^([2345]\d\d)([ -])#?(?:(\d\.\d\.\d)\s)?(.*)`)

// harakaBounce is Haraka's bounce, as outbound/hmail.js (haraka/Haraka,
// populate_bounce_message_with_headers) builds it from the
// config/outbound.bounce_message template: the template's header lines
// (Received, Date, From MAILER-DAEMON, Subject "failure notice",
// Message-Id) then a multipart/report without a MIME-Version field; the
// text part is the template's body ("Hi. This is the Haraka Mailer
// program at ...", "Intended Recipients: {recipients}", "Failure Reason:
// {reason}", {reason} being the Error object bounce() made, printed as
// "Error: ..."); the delivery-status part has "Final-Recipient:
// rfc822;<addr>", Action, "Status: <extc>" only when the reply had an
// enhanced code that smtp_regexp reads (one digit a part), "Remote-MTA:
// <mx>", and "Diagnostic-Code: smtp;<code> <extc> <lines' rest joined by
// spaces> "; the returned headers go as text/rfc822-headers. A recipient
// refused at RCPT is bounced as "Some recipients failed: <addr>", its
// reply only in the delivery-status part; a refusal at any other stage
// bounces with the reply as the reason. A 5xx to EHLO makes Haraka fall
// back to HELO, whose refusal is bounced alike. Not wrapped: temporary
// replies (Haraka sends no delay notice; when its retries run out,
// convert_temp_failed_to_bounce rewrites the status's class to 5 and the
// reason to "Too many failures (...)", another report than the bare
// reply's), and rows that name no command.
func harakaBounce(p providerReply) (string, bool) {
	if p.code/100 != 5 || p.command == "" {
		return "", false
	}
	var rest []string
	extc := ""
	for _, l := range p.lines() {
		m := harakaReply.FindStringSubmatch(l)
		rest = append(rest, m[4])
		extc = m[3]
	}
	reason := strconv.Itoa(p.code) + " "
	if extc != "" {
		reason += extc + " "
	}
	reason += strings.Join(rest, " ")
	diag := "smtp;" + reason + " "
	if stage(p.command) == "RCPT" {
		reason = "Some recipients failed: <" + wrappedRcpt + ">"
	}
	fields := "Final-Recipient: rfc822;" + wrappedRcpt + "\nAction: failed\n"
	if extc != "" {
		fields += "Status: " + extc + "\n"
	}
	fields += "Remote-MTA: mx.example.net\nDiagnostic-Code: " + diag + "\n"
	text := "Content-Type: text/plain; charset=us-ascii\n\nHi. This is the Haraka Mailer program at mx.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n" +
		"Intended Recipients: <" + wrappedRcpt + ">\nFailure Reason: Error: " + reason + "\n\n"
	status := "Content-type: message/delivery-status\n\nOriginal-Envelope-Id: <send-42@example.org>\nReporting-MTA: dns;mx.example.org\nArrival-Date: Sun, 06 Dec 2026 10:00:00 +0000\n\n" + fields + "\n"
	headers := "Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n" + returnedHeaders + "\n"
	boundary := "boundary_0f3c9a4e"
	return mimeReport("Received: (Haraka 4242 invoked for bounce); Sun, 06 Dec 2026 10:05:00 +0000\nDate: Sun, 06 Dec 2026 10:05:00 +0000\nFrom: MAILER-DAEMON@mx.example.org\nTo: <sender@example.org>\nSubject: failure notice\nMessage-Id: <8d6e@mx.example.org>\nContent-Type: multipart/report; report-type=delivery-status;\n    boundary=\""+boundary+"\"\nReferences: <send-42@example.org>\n",
		boundary, "This is a MIME-encapsulated message.\n\n", text, status, headers), true
}

// jamesDSNBounce is Apache James's DSN, as the DSNBounce mailet
// (apache/james-project, server/mailet/mailets/.../DSNBounce.java) writes
// it for a mail its RemoteDelivery gave up on: the bounce keeps the
// original Subject (no prefix by default), comes from the postmaster, and
// is a multipart/report whose text part is the default messageString ("Hi.
// This is the James mail server at [machine]. ...") then "Failed
// recipient(s):", the addresses and "Error message:" with the
// "delivery-error" attribute; the delivery-status part (createDSN,
// appendRecipient) has "Status: <delivery-error>" and "Diagnostic-Code:
// <type>; <delivery-error>", the type "smtp" only where the error matches
// ^\d{3}\s.*$ as a whole (Java's '.' stops at a newline), "X-James"
// otherwise; the original follows as an attachment. The delivery-error is
// the message of the exception JavaMail raised (remote/delivery/
// Bouncer.java, getErrorMsg: the nested exception's message, trimmed),
// which is the server's reply as SMTPTransport.readServerResponse keeps
// it: every line whole, each ended by "\n". Not wrapped: temporary replies
// (James bounces them only after its retries run out, a path not read
// here), refusals of the greeting and of EHLO (not read how JavaMail
// reports them), and rows that name no command.
func jamesDSNBounce(p providerReply) (string, bool) {
	switch stage(p.command) {
	case "", "CONN", "EHLO":
		return "", false
	}
	if p.code/100 != 5 {
		return "", false
	}
	lines := p.lines()
	errMsg := strings.Join(lines, "\n")
	kind := "X-James"
	if len(lines) == 1 && len(errMsg) > 3 && errMsg[3] == ' ' {
		kind = "smtp"
	}
	text := "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n" +
		"Hi. This is the James mail server at mx.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.  Below\nI include the list of recipients and the reason why I was unable to deliver\nyour message.\n\n" +
		"Failed recipient(s):\n" + wrappedRcpt + "\n\nError message:\n" + errMsg + "\n\n"
	status := "Content-Type: message/delivery-status\nContent-Transfer-Encoding: 7bit\nContent-Description: Delivery Status Notification\nContent-Disposition: attachment; filename=status.dat\n\n" +
		"Reporting-MTA: dns; mx.example.org\nReceived-From-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; " + wrappedRcpt + "\nAction: failed\nStatus: " + errMsg + "\nDiagnostic-Code: " + kind + "; " + errMsg + "\nLast-Attempt-Date: Sun, 6 Dec 2026 10:05:00 +0000 (UTC)\n"
	orig := "Content-Type: message/rfc822\nContent-Disposition: Attachment; filename=hello\n\n" + returned
	return mimeReport("Date: Sun, 6 Dec 2026 10:00:00 +0000\nFrom: postmaster@mx.example.org\nTo: sender@example.org\nSubject: hello\nMessage-ID: <9a1f@mx.example.org>\nMIME-Version: 1.0\nContent-Type: multipart/report; \n\tboundary=\"----=_Part_1_5.1700000000000\"; report-type=delivery-status\n",
		"----=_Part_1_5.1700000000000", "", text, status, orig), true
}

// stalwartDSN is Stalwart's DSN, as crates/smtp/src/queue/dsn.rs
// (stalwartlabs/mail-server, build_dsn) writes it: From "Mail Delivery
// Subsystem", Subject "Failed to deliver message" or, for a temporary
// failure once its notify time comes, "Warning: Delay in message
// delivery"; a multipart/report whose text part is "Your message could not
// be delivered to the following recipients:" (or "There was a temporary
// problem delivering your message to the following recipients:") and one
// line a recipient, "<addr> (host '<mx>' rejected command '<cmd>' with
// code <code> (<x.y.z>) '<message>')" (HostResponse<ErrorDetails>::
// write_dsn_text; the enhanced code printed even when the reply had none,
// as 0.0.0); a delivery-status part with "Final-Recipient: rfc822;<addr>",
// Action, "Status: <x.y.z>" (the reply code's three digits as x.y.z when
// the reply had no enhanced code: write_dsn_status), "Diagnostic-Code:
// smtp;<code> <message>", "Remote-MTA: dns;<mx>" and, delayed,
// Will-Retry-Until; then the returned headers as message/rfc822. The
// message is what smtp-proto's ResponseReceiver (src/response/parser.rs)
// keeps of the reply: each line's text after its codes, the lines joined
// by "\n", which write_response then drops, so the lines run together.
// The command is the RCPT TO or MAIL FROM line the client sent, or "DATA"
// (crates/smtp/src/outbound/session.rs). Not wrapped: greeting and EHLO
// refusals (say_helo's record not read) and rows that name no command.
func stalwartDSN(p providerReply) (string, bool) {
	cmd, ok := stageText(p, map[string]string{"RCPT": "RCPT TO:<" + wrappedRcpt + ">", "MAIL": "MAIL FROM:<sender@example.org>", "DATA": "DATA"})
	// A row whose page gives the stage but no reply code (Carerix's
	// "mailbox unavailable (in reply to RCPT TO command)") has no three
	// digits for write_dsn_status to spell: not wrapped.
	if !ok || p.code < 100 {
		return "", false
	}
	message := strings.Join(p.texts(), "")
	esc, status := "0.0.0", p.enhanced
	if p.enhanced != "" {
		esc = p.enhanced
	} else {
		c := strconv.Itoa(p.code)
		status = c[:1] + "." + c[1:2] + "." + c[2:]
	}
	subject, intro, action, retry := "Failed to deliver message", "Your message could not be delivered to the following recipients:", "failed", ""
	if p.code/100 == 4 {
		subject, intro, action = "Warning: Delay in message delivery", "There was a temporary problem delivering your message to the following recipients:", "delayed"
		retry = "Will-Retry-Until: Fri, 11 Dec 2026 10:00:00 +0000\n"
	}
	text := "Content-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: 7bit\n\n" + intro + "\n\n<" + wrappedRcpt + "> (host 'mx.example.net' rejected command '" + cmd +
		"' with code " + strconv.Itoa(p.code) + " (" + esc + ") '" + message + "')\n\n"
	dsn := "Content-Type: message/delivery-status\nContent-Transfer-Encoding: 7bit\n\nReporting-MTA: dns;mx.example.org\nArrival-Date: Sun, 06 Dec 2026 10:00:00 +0000\n\n" +
		"Final-Recipient: rfc822;" + wrappedRcpt + "\nAction: " + action + "\nStatus: " + status + "\nDiagnostic-Code: smtp;" + strconv.Itoa(p.code) + " " + message + "\nRemote-MTA: dns;mx.example.net\n" + retry + "\n"
	orig := "Content-Type: message/rfc822\nContent-Transfer-Encoding: 7bit\n\n" + returnedHeaders
	return mimeReport("From: \"Mail Delivery Subsystem\" <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\nAuto-Submitted: auto-generated\nMessage-ID: <a7c3.1@mx.example.org>\nSubject: "+subject+"\nDate: Sun, 06 Dec 2026 10:05:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=\"delivery-status\";\n\tboundary=\"b1_7f3a\"\n",
		"b1_7f3a", "", text, dsn, orig), true
}

// hmailBounce is hMailServer's bounce (5.x): a plain message from the
// mailer daemon, Subject "Message undeliverable: <subject>" (the
// MESSAGE_UNDELIVERABLE server message), whose body is the
// SEND_FAILED_NOTIFICATION server message ("Your message did not reach
// some or all of the intended recipients.", "Sent:", "Subject:", "The
// following recipient(s) could not be reached:", %MACRO_RECIPIENTS%,
// "hMailServer"; its default text as hMailServer's own database script
// installs it in hm_servermessages: hmailserver/source/DBScripts/
// CreateTablesMYSQL.sql, the inserts of SEND_FAILED_NOTIFICATION and
// MESSAGE_UNDELIVERABLE) with
// %MACRO_RECIPIENTS% replaced by each failed recipient's address, CRLF,
// its error message and CRLF (the delivery code that fills
// saErrorMessages). The error message is SMTPClientConnection.cpp's
// (_UpdateRecipientWithError): "   Error Type: SMTP", "   Remote server
// (<ip>) issued an error.", "   hMailServer sent: <last command>", "
// Remote server replied: <reply>". InternalParseData skips every reply line
// whose fourth character is '-', so a multi-line reply is recorded by its
// last line alone; the last command is "RCPT TO:<addr>", "MAIL
// FROM:<addr>", "HELO <name>" (hMailServer sends HELO unless it
// authenticates), "." after the message (_SendData("\r\n.") trimmed), and
// nothing at the greeting. Not wrapped: temporary replies (retried; the
// bounce written once retries run out was not read) and rows that name no
// command.
func hmailBounce(p providerReply) (string, bool) {
	sent, ok := stageText(p, map[string]string{"CONN": "", "EHLO": "HELO mx.example.org", "MAIL": "MAIL FROM:<sender@example.org>",
		"RCPT": "RCPT TO:<" + wrappedRcpt + ">", "DATA": "."})
	if !ok || p.code/100 != 5 {
		return "", false
	}
	lines := p.lines()
	rcpts := wrappedRcpt + "\n   Error Type: SMTP\n   Remote server (192.0.2.1) issued an error.\n   hMailServer sent: " + sent + "\n   Remote server replied: " + lines[len(lines)-1] + "\n\n"
	c := formatCase{from: "mailer-daemon@mx.example.org", subject: "Message undeliverable: hello",
		body: "Your message did not reach some or all of the intended recipients.\n\n   Sent: Sun, 06 Dec 2026 10:00:00 +0000\n   Subject: hello\n\nThe following recipient(s) could not be reached:\n\n" + rcpts + "\n\nhMailServer\n"}
	return c.message(), true
}

// courierDSN is Courier's DSN, as courier/module.dsn/dsn.C
// (svarshavchik/courier, dodsn) writes it with the module's templates:
// From the dsnfrom address, Subject dsnsubjectnotice.txt ("NOTICE: mail
// delivery status.") or dsnsubjectwarn.txt ("WARNING: delayed mail."), a
// multipart/report whose text part is dsnheader.txt ("This is a delivery
// status notification from ..., running the Courier mail server"),
// dsnfailed.txt ("UNDELIVERABLE MAIL", "Your message to the following
// recipients cannot be delivered:") or dsndelayed.txt ("DELAYS IN
// DELIVERING YOUR MESSAGE"), "<addr>:" and the recipient's delivery record
// (format_del_info: "     <peer>:", " >>> <command>", " <<< <reply
// line>" for each line), then dsnfooter.txt; the delivery-status part has
// "Status: 5.0.0" for a failed recipient and "4.0.0" for a delayed one
// whatever the reply said, "Remote-MTA: dns; <peer>" and
// "Diagnostic-Code: smtp; <first reply line>" with the next lines indented
// eight spaces (print_smtp_info), the last two only in a final DSN, and a
// delayed one Will-Retry-Until; the original follows as message/rfc822.
// The preamble before the first part (RFC2045MIMEMSG) was not read and is
// left out. Not wrapped: rows that name no command.
func courierDSN(p providerReply) (string, bool) {
	if stage(p.command) == "" {
		return "", false
	}
	sent, ok := stageText(p, map[string]string{"CONN": "", "EHLO": "EHLO mx.example.org", "MAIL": "MAIL FROM:<sender@example.org>",
		"RCPT": "RCPT TO:<" + wrappedRcpt + ">", "DATA": "DATA"})
	if !ok {
		sent = strings.ToUpper(p.command)
	}
	lines := p.lines()
	record := "\n<" + wrappedRcpt + ">:\n     mx.example.net [192.0.2.1]:\n"
	if sent != "" {
		record += " >>> " + sent + "\n"
	}
	for _, l := range lines {
		record += " <<< " + l + "\n"
	}
	const rule = "\n---------------------------------------------------------------------------\n\n"
	subject, heading, fields := "NOTICE: mail delivery status.",
		rule+"                           UNDELIVERABLE MAIL\n\nYour message to the following recipients cannot be delivered:\n",
		"Action: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx.example.net [192.0.2.1]\nDiagnostic-Code: smtp; "+strings.Join(lines, "\n        ")+"\n"
	if p.code/100 == 4 {
		subject = "WARNING: delayed mail."
		heading = rule + "                     DELAYS IN DELIVERING YOUR MESSAGE\n\nThe delivery of the following E-mail message has been delayed.  This is an\nadvisory notice only; it is sent only to notify you about a temporary delay\nin delivering your message.  You DO NOT need to do anything at this time.\nAdditional attempts to deliver your message will be made.  Some possible\nreasons for this delay:\n\n   * Network congestion or failure.\n\n   * The destination mail server is temporarily off-line.\n\n" +
			"Diagnostic information is provided below for each recipient.  If copies of\nthis message were sent to additional recipients, deliveries to those\naddresses are not included in this notice.  This is an advisory notice for\nthe following addresses only:\n"
		fields = "Action: delayed\nStatus: 4.0.0\nWill-Retry-Until: Fri, 11 Dec 2026 10:00:00 +0000\n"
	}
	text := "Content-Transfer-Encoding: 7bit\nContent-Type: text/plain; charset=\"utf-8\"\n\n\nThis is a delivery status notification from mx.example.org,\nrunning the Courier mail server, version 1.1.\n\nThe original message was received on Sun, 06 Dec 2026 10:00:00 +0000\nfrom localhost (localhost [127.0.0.1])\n" +
		heading + record + rule + "If your message was also sent to additional recipients, their delivery\nstatus is not included in this report.  You may or may not receive\nother delivery status notifications for additional recipients.\n\nThe original message follows as a separate attachment.\n\n"
	dsn := "Content-Type: message/delivery-status\nContent-Transfer-Encoding: 7bit\n\nReporting-MTA: dns; mx.example.org\nArrival-Date: Sun, 06 Dec 2026 10:00:00 +0000\nReceived-From-MTA: dns; localhost (localhost [127.0.0.1])\n\nFinal-Recipient: rfc822; " + wrappedRcpt + "\n" + fields + "\n"
	orig := "Content-Type: message/rfc822\nContent-Transfer-Encoding: 7bit\n\n" + returned
	return mimeReport("From: Courier mail server at mx.example.org <@>\nTo: sender@example.org\nSubject: "+subject+"\nMime-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n    boundary=\"=_courier_0\"\nContent-Transfer-Encoding: 7bit\n",
		"=_courier_0", "", text, dsn, orig), true
}

// eximDSN is Exim's bounce as a multipart/report (src/src/deliver.c,
// deliver_message): the header Exim writes (Auto-Submitted,
// X-Failed-Recipients, "Content-Type: multipart/report;
// report-type=delivery-status; boundary=<time>-eximdsn-<rand>",
// MIME-Version, Subject), the text of eximNotice as the text/plain part,
// a message/delivery-status part with "Action: failed", "Final-Recipient:
// rfc822;<addr>", "Status: 5.0.0" whatever the reply said, "Remote-MTA:
// dns; <host>" and the Diagnostic-Code of print_dsn_diagnostic_code: what
// follows the first ": " of the address's message ("SMTP error from remote
// mail server after <command>: <reply>"), each escaped newline of the
// reply written as a newline and a space (RFC 3461 folding); then the
// returned message as message/rfc822. A temporary reply goes in the delay
// warning, laid out alike with "Action: delayed", "Status: 4.0.0" and the
// returned header as text/rfc822-headers.
func eximDSN(p providerReply) (string, bool) {
	c, after, ok := eximNotice(p)
	if !ok {
		return "", false
	}
	message := "SMTP error from remote mail server after " + after + ": " + strings.Join(p.lines(), "\n")
	diag := strings.ReplaceAll(message[strings.Index(message, ": ")+2:], "\n", "\n ")
	boundary := "1796572338-eximdsn-1774838849"
	action, status, orig := "failed", "5.0.0", "Content-type: message/rfc822\n\n"+returned
	if p.code/100 == 4 {
		action, status, orig = "delayed", "4.0.0", "Content-type: text/rfc822-headers\n\n"+returnedHeaders
	}
	dsn := "Content-type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nAction: " + action + "\nFinal-Recipient: rfc822;" + wrappedRcpt +
		"\nStatus: " + status + "\nRemote-MTA: dns; mx.example.net\nDiagnostic-Code: smtp; " + diag + "\n\n"
	return mimeReport("Auto-Submitted: auto-replied\nFrom: "+c.from+"\nTo: sender@example.org\n"+c.header+"References: <send-42@example.org>\nContent-Type: multipart/report; report-type=delivery-status; boundary="+boundary+"\nMIME-Version: 1.0\nSubject: "+c.subject+"\n",
		boundary, "", "Content-type: text/plain; charset=us-ascii\n\n"+c.body+"\n", dsn, orig), true
}
