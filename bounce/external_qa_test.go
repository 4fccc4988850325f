package bounce

import "testing"

// qaLayouts are real bounces that people pasted whole, or nearly, into
// question-and-answer threads, issue trackers and hosting help pages, each
// cut to the lines its reading needs as the thread shows them (addresses
// and hosts replaced by example ones). The truth of each is the cause the
// thread's answer, the provider or the program's own documentation gives,
// written before Parse was run on it. Where the paste gives no header
// (sender, subject), the comment says so and the case uses a plain one.
var qaLayouts = []formatCase{
	// "Client host rejected: cannot find your reverse hostname"
	// (github.com/anonaddy/anonaddy/issues/713): Postfix's bounce of a
	// reply through an alias, the remote Postfix refusing at RCPT with
	// "554 5.7.1 Client host rejected: cannot find your reverse hostname,
	// [<IPv6>]". The answer: the sending server's IPv6 address has no
	// reverse DNS (Postfix's reject_unknown_reverse_client_hostname,
	// postconf(5)). The paste gives no header.
	{name: "Postfix, no reverse DNS for an IPv6 client", from: "MAILER-DAEMON@mail.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mail.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<alias.tag395+shop=example.com@example.net>: host\n    mail.example.net[2001:db8:0:108:3::10] said: 554 5.7.1 Client host\n    rejected: cannot find your reverse hostname, [2001:db8:171:145e::2] (in\n    reply to RCPT TO command)\n",
		want: []formatWant{{"alias.tag395+shop=example.com@example.net", RequirePTR, false, "5.7.1", "reverse hostname"}}},
	// "Undelivered Mail - 550 5.7.1 Client host rejected: cannot find your
	// hostname" (github.com/omega8cc/boa/issues/532): a Postfix bounce
	// pasted with its DSN fields, the receiver's "550 5.7.1 Client host
	// rejected: cannot find your hostname, [<ip>](in reply to RCPT TO
	// command)" (no space before the parenthesis, as pasted). Postfix's
	// reject_unknown_client_hostname: the client's address has no name,
	// or its name does not resolve back to it (postconf(5)); the thread
	// closed it as a matter of the sender's DNS.
	{name: "Postfix, client hostname unknown", from: "MAILER-DAEMON@orange.example.org", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host orange.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\njo@example.net: host postrelay1.example.net[192.0.2.222]\n    said: 550 5.7.1 Client host rejected: cannot find your hostname,\n   [198.51.100.11](in reply to RCPT TO command)\n\nReporting-MTA: dns; orange.example.org\nX-Postfix-Queue-ID: A3CDC2F0A9\nX-Postfix-Sender: rfc822; info@example.org\nArrival-Date: Fri,  5 Dec 2014 22:15:57 +0000 (UTC)\n",
		want: []formatWant{{"jo@example.net", RequirePTR, false, "5.7.1", "cannot find your hostname"}}},
	// "Purelymail fails to deliver outbound mail if remote MTA returns a
	// 421" (github.com/Purelymail/purelymail-issues/issues/388): Purelymail's
	// notice, "We could not deliver the attached mail for the following
	// recipients." and "<addr> at remote mailserver <mx> (<ip>):
	// MessagingException: 421 4.3.2 too many connections, please try again
	// later (5.0.0)". Purelymail answered that it retries such deferrals
	// before it bounces: the receiver limited concurrent connections. The
	// paste gives no header.
	{name: "Purelymail, too many connections", from: "Purelymail <noreply@example.org>", subject: "Undeliverable mail", action: "failed",
		body: "We could not deliver the attached mail for the following recipients.\nroot@example.net at remote mailserver mx.example.net. (192.0.2.171): MessagingException: 421 4.3.2 too many connections, please try again later (5.0.0)\n",
		want: []formatWant{{"root@example.net", TooManyConn, false, "", "too many connections"}}},
	// "sentora outgoing mails are bouncing"
	// (github.com/sentora/sentora-core/issues/346): Postfix's delay notice
	// with its DSN fields as pasted, "delivery temporarily suspended:
	// connect to <gmail mx>[<ip>]:25: Connection timed out", Status 4.4.1,
	// Action delayed: the sending host could not connect (Postfix's smtp(8)
	// connection failure; RFC 3463 x.4.1 "No answer from host").
	{name: "Postfix delay, connection timed out", from: "MAILER-DAEMON@ns3.example.org (Mail Delivery System)", subject: "Delayed Mail (still being retried)", action: "delayed",
		body: "This is the mail system at host ns3.example.org.\n\n####################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n\nYour message could not be delivered for more than 4 hour(s).\nIt will be retried until it is 5 day(s) old.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<friend@gmail.example>: delivery temporarily suspended: connect to\n    alt2.gmail-smtp-in.l.google.example[192.0.2.26]:25: Connection timed out\nReporting-MTA: dns; ns3.example.org\nX-Postfix-Queue-ID: 8DFA4425E5A\nX-Postfix-Sender: rfc822; sender@example.org\nArrival-Date: Mon, 10 Feb 2020 20:34:42 +0000 (UTC)\n\nFinal-Recipient: rfc822; friend@gmail.example\nOriginal-Recipient: rfc822;friend@gmail.example\nAction: delayed\nStatus: 4.4.1\nDiagnostic-Code: X-Postfix; delivery temporarily suspended: connect to\n    alt2.gmail-smtp-in.l.google.example[192.0.2.26]:25: Connection timed out\nWill-Retry-Until: Sat, 15 Feb 2020 20:34:42 +0000 (UTC)\n",
		want: []formatWant{{"friend@gmail.example", NetworkError, false, "4.4.1", "Connection timed out"}}},
	// "my emails get rejected" (github.com/tutao/tutanota/issues/7113):
	// Tutanota's Postfix bounce, pasted without its indentation, of
	// Yahoo's "421 4.7.0 [TSS04] Messages from <ip> temporarily deferred
	// due to unexpected volume or user complaints" at MAIL FROM; the
	// thread ends "The issue got resolved on Yahoo's side". Yahoo's error
	// code page reads [TSS04] as a deferral for the sending IP's volume
	// or complaints: its reputation (rules.go providerCodes).
	{name: "Postfix, Yahoo TSS04", from: "MAILER-DAEMON@mail.w14.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mail.w14.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\nThe mail system\n\n<someone@ymail.example>: host mta7.am0.yahoodns.example[192.0.2.94] said: 421\n4.7.0 [TSS04] Messages from 198.51.100.214 temporarily deferred due to\nunexpected volume or user complaints - 4.16.55.1; see\nhttps://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)\n",
		want: []formatWant{{"someone@ymail.example", BadReputation, false, "4.7.0", "TSS04"}}},
	// "Yahoo - Problem" (github.com/hardware/mailserver/issues/202): a
	// Postfix bounce of Yahoo's "553 5.7.2 [TSS06] All messages from <ip>
	// will be permanently deferred; Retrying will NOT succeed. See
	// https://help.yahoo.com/kb/postmaster/SLN3436.html" at MAIL FROM (the
	// paste's "> " quoting taken off). The answer: Yahoo blacklisted the
	// server; the page it links, SLN3436, is Yahoo's for a high volume
	// from the IP "characteristic of unsolicited, bulk emails", the
	// verdict on the IP's sending that rules.go reads [TS03] of the same
	// page as: its reputation.
	{name: "Postfix, Yahoo TSS06", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mx.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<kamel@yahoo.example>: host mta6.am0.yahoodns.example[192.0.2.64] said: 553 5.7.2\n    [TSS06] All messages from 198.51.100.239 will be permanently deferred;\n    Retrying will NOT succeed. See\n    https://help.yahoo.com/kb/postmaster/SLN3436.html (in reply to MAIL FROM\n    command)\n",
		want: []formatWant{{"kamel@yahoo.example", BadReputation, false, "5.7.2", "TSS06"}}},
	// "ezmlm complains that messages are bouncing when they are being
	// rejected" (github.com/bruceg/ezmlm-idx/issues/11): qmail-send's
	// bounce, "<ip> failed after I sent the message.", "Remote host said:"
	// and Gmail's multi-line "550-5.7.1 Unauthenticated email from <domain>
	// is not accepted due to domain's DMARC policy" (Google's page 2451690:
	// the message failed the sender domain's DMARC policy).
	{name: "qmail, Gmail DMARC refusal", from: "MAILER-DAEMON@example.ca", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at example.ca.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<member@umail.example.ie>:\n192.0.2.27 failed after I sent the message.\nRemote host said: 550-5.7.1 Unauthenticated email from example.no is not accepted due to\n550-5.7.1 domain's DMARC policy. Please contact the administrator of\n550-5.7.1 example.no domain if this was a legitimate mail. Please visit\n550-5.7.1  https://support.google.com/mail/answer/2451690 to learn about the\n550 5.7.1 DMARC initiative. r75si5694561wmf.156 - gsmtp\n\n",
		want: []formatWant{{"member@umail.example.ie", AuthFailure, false, "5.7.1", "DMARC"}}},
	// "501 5.5.4 Error: Bad NOTIFY parameter syntax"
	// (github.com/OpenSMTPD/OpenSMTPD/issues/499): OpenSMTPD's bounce of
	// a list server's refusal of the RCPT command's NOTIFY parameter
	// (RFC 3461 §4.1) that OpenSMTPD sent malformed: Postfix smtpd's
	// "Bad NOTIFY parameter syntax", a syntax error (RFC 5321 501, RFC
	// 3463 x.5.4). The paste lost the notice's indentation.
	{name: "OpenSMTPD, bad NOTIFY syntax", from: "MAILER-DAEMON@mail.example.org", subject: "Delivery status notification: error", action: "failed",
		body: "Hi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\n\nAn error has occurred while attempting to deliver a message for\nthe following list of recipients:\n\nlist@lists.example.org: 501 5.5.4 Error: Bad NOTIFY parameter syntax\n\nBelow is a copy of the original message:\n\n" + returned,
		want: []formatWant{{"list@lists.example.org", SyntaxError, false, "5.5.4", "Bad NOTIFY parameter syntax"}}},
	// "git@xilinx.com mailer-daemon delivery error"
	// (github.com/Xilinx/embeddedsw/issues/176): Exchange Online's NDR for
	// two groups, "Your message wasn't delivered because the recipient's
	// email provider rejected it." and "Remote Server returned '554 5.7.0
	// < #5.7.133 smtp;550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup;
	// authentication required; Delivery restriction check failed because
	// the sender was not authenticated when sending to this group>'".
	// Microsoft's NDR table: 5.7.133, the group accepts authenticated
	// senders only, the recipient's restriction on its senders (filtered,
	// as phrases.go reads Microsoft's 5.7.13x).
	{name: "Exchange Online, group for authenticated senders", from: "Microsoft Outlook <postmaster@example.onmicrosoft.com>", subject: "Undeliverable: [PATCH 1/2] microblaze: lwip: Added Realtek support", action: "failed",
		body: "Delivery has failed to these recipients or groups:\n\nsvemula-all-emp@example.com\nYour message wasn't delivered because the recipient's email provider rejected it.\n\nsvemula-xhd-npw@example.com\nYour message wasn't delivered because the recipient's email provider rejected it.\n\n\nDiagnostic information for administrators:\n\nGenerating server: BYAPR02MB5606.namprd02.prod.outlook.example\n\nsvemula-all-emp@example.com\nRemote Server returned '554 5.7.0 < #5.7.133 smtp;550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; Delivery restriction check failed because the sender was not authenticated when sending to this group>'\n\nsvemula-xhd-npw@example.com\nRemote Server returned '554 5.7.0 < #5.7.133 smtp;550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; Delivery restriction check failed because the sender was not authenticated when sending to this group>'\n",
		want: []formatWant{{"svemula-all-emp@example.com", Filtered, false, "5.7.133", "SenderNotAuthenticatedForGroup"}, {"svemula-xhd-npw@example.com", Filtered, false, "5.7.133", "SenderNotAuthenticatedForGroup"}}},
	// "when sending email from program support"
	// (github.com/bwya77/O365-Admin-Center/issues/12): Exchange Online's
	// NDR as its HTML renders to text, "Your message to <addr> couldn't be
	// delivered.", "<local part> wasn't found at <domain>.", "Unknown To
	// address", and its advice, which cites error code 5.1.10 (the paste
	// stops before the section for administrators). Microsoft's NDR page
	// for 5.1.10: the recipient was not found in the recipient domain's
	// directory, an address that does not exist. The paste gives no
	// header. The diagnostic holds the advice's line with the code, not
	// the cause's line above it.
	{name: "Exchange Online, recipient not found (text only)", from: "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.onmicrosoft.com>", subject: "Undeliverable: support request", action: "failed",
		body: "Your message to request@example.center couldn't be delivered.\n\nrequest wasn't found at example.center.\nthomas \tOffice 365 \trequest \nAction Required \t\tRecipient \n \t \t \t \t \nUnknown To address \t\t\n\nHow to Fix It\nThe address may be misspelled or may not exist. Try one or more of the following:\n\u2022\tSend the message again following these steps: In Outlook, open this non-delivery report (NDR) and choose Send Again from the Report ribbon. In Outlook on the web, select this NDR, then select the link \"To send this message again, click here.\" Then delete and retype the entire recipient address. If prompted with an Auto-Complete List suggestion don't select it. After typing the complete address, click Send.\n\u2022\tContact the recipient (by phone, for example) to check that the address exists and is correct.\n\u2022\tThe recipient may have set up email forwarding to an incorrect address. Ask them to check that any forwarding they've set up is working correctly.\n\u2022\tClear the recipient Auto-Complete List in Outlook or Outlook on the web by following the steps in this article: Fix email delivery issues for error code 5.1.10 in Office 365, and then send the message again. Retype the entire recipient address before selecting Send.\nIf the problem continues, forward this message to your email admin.\n",
		want: []formatWant{{"request@example.center", UserUnknown, true, "5", "error code 5.1.10"}}},
	// "Bounce reason: The recipient's email address (legal@jsdelivr.com)
	// does not exist" (github.com/jsdelivr/jsdelivr/issues/18728): a
	// sender's provider's notice, "Bounce reason: The recipient's email
	// address (<addr>) does not exist, so the message could not be
	// delivered.", the receiver's reply as Postfix logs it ("host <mx>
	// said: 550 5.1.1 Address does not exist. ... (in reply to RCPT TO
	// command)") and "Solution: Please contact your recipient, ...". The
	// maintainers answered that the address was missing and has been set
	// up. The paste gives no header.
	{name: "provider notice, address does not exist", from: "Mail Delivery Subsystem <postmaster@example.cn>", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "Bounce reason: The recipient's email address (legal@example.com) does not exist, so the message could not be delivered.\nhost route2.mx.cloudflare.example[192.0.2.17] said: 550 5.1.1 Address does not exist. xV1r0v6Deqaq (in reply to RCPT TO command)\nSolution: Please contact your recipient, verify the email address again, or send to another receiving mailbox.\n",
		want: []formatWant{{"legal@example.com", UserUnknown, true, "5.1.1", "Address does not exist"}}},
	// "E-Mail to info@pgbarman.org bounces"
	// (github.com/EnterpriseDB/barman/issues/860): Gmail's notice as
	// pasted, its heading "Address not found" and "Your message wasn't
	// delivered to <addr> because the address couldn't be found, or is
	// unable to receive mail." (Google's help page 6596: the address does
	// not exist or has a typo); the maintainers pointed the alias at an
	// address that exists. The paste gives no header.
	{name: "Gmail, address not found", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "Address not found\n\nYour message wasn't delivered to gabriele@example.it because the address couldn't be found, or is unable to receive mail.\n",
		want: []formatWant{{"gabriele@example.it", UserUnknown, true, "5", "couldn't be found"}}},
	// "Fix dead emails in message of menu.c"
	// (github.com/fschulze/jumpnbump/issues/3): the recipient lines of a
	// Postfix bounce for three dead addresses, one refused by Postfix
	// ("User unknown in local recipient table") and two by Exchange
	// Online's directory-based edge blocking, "550 5.4.1 Recipient address
	// rejected: Access denied. AS(201806281)" (Microsoft's "Use
	// Directory-Based Edge Blocking" page: the NDR for an address that
	// does not exist). The paste gives no header or introduction; Postfix's
	// here.
	{name: "Postfix, three dead addresses", from: "MAILER-DAEMON@mail.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<andreasb@example.se>: host mail.example.se[192.0.2.156] said: 550 5.1.1\n    <andreasb@example.se>: Recipient address rejected: User unknown in local\n    recipient table (in reply to RCPT TO command)\n\n<marma102@student.example.se>: host example-se.mail.protection.outlook.example[192.0.2.36]\n    said: 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)\n    [HE1EUR01FT048.eop-EUR01.prod.protection.outlook.example] (in reply to RCPT TO\n    command)\n\n<matbr656@student.example.se>: host example-se.mail.protection.outlook.example[192.0.2.36]\n    said: 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)\n    [HE1EUR01FT048.eop-EUR01.prod.protection.outlook.example] (in reply to RCPT TO\n    command)\n",
		want: []formatWant{{"andreasb@example.se", UserUnknown, true, "5.1.1", "User unknown"}, {"marma102@student.example.se", UserUnknown, true, "5.4.1", "Access denied"}, {"matbr656@student.example.se", UserUnknown, true, "5.4.1", "Access denied"}}},
	// "yahoo.com bounces" (github.com/hippich/PHPMailer-BMH/issues/2): a
	// Postfix bounce, unindented as pasted, of Yahoo's "554 delivery
	// error: dd This user doesn't have a yahoo.fr account" after DATA
	// (Yahoo Help SLN3444: the user ID does not exist).
	{name: "Postfix, Yahoo dd no account", from: "MAILER-DAEMON@host.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host host.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\nThe mail system\n\nemail@yahoo.fr: host mx1.mail.eu.yahoo.example[192.0.2.9] said: 554\ndelivery error: dd This user doesn't have a yahoo.fr account\n(email@yahoo.fr) [0] - mta1064.mail.ird.yahoo.example (in reply to end of\nDATA command)\n",
		want: []formatWant{{"email@yahoo.fr", UserUnknown, true, "5", "doesn't have a yahoo.fr account"}}},
	// "aim.com bounce" (github.com/hippich/PHPMailer-BMH/issues/1): AOL's
	// "550 5.1.1 <addr>: Recipient address rejected: aim.com" at RCPT in
	// a Postfix bounce, pasted unindented (RFC 3463 x.1.1, a mailbox that
	// does not exist, refused at RCPT).
	{name: "Postfix, AOL recipient rejected", from: "MAILER-DAEMON@host.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host host.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\nThe mail system\n\nemail@aim.com: host mailin-03.mx.aol.example[192.0.2.97] said: 550 5.1.1\nemail@aim.com: Recipient address rejected: aim.com (in reply to\nRCPT TO command)\n",
		want: []formatWant{{"email@aim.com", UserUnknown, true, "5.1.1", "Recipient address rejected"}}},
	// "Bouncing messages : Undelivered Mail Returned to Sender"
	// (github.com/sympa-community/sympa/issues/447): a list server's own
	// Postfix refusing the list's posting for six subscribers, "<addr>:
	// Spam message rejected", Status 5.7.1, Diagnostic-Code "X-Postfix;
	// Spam message rejected" (two of the six here). "Spam message
	// rejected" is rspamd's reply when its verdict is to reject (rspamd's
	// proxy worker, reject_message default; its milter headers module):
	// the content judged spam.
	{name: "Postfix, spam rejected by its own milter", from: "MAILER-DAEMON@example.fr (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host example.fr.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\nThe mail system\n\n<camille@gmail.example>: Spam message rejected\n\n<lm0@sfr.example>: Spam message rejected\n\nReporting-MTA: dns; example.fr\nX-Postfix-Queue-ID: 325E31E2B87\nX-Postfix-Sender: rfc822; list-owner@listes.example.org\nArrival-Date: Wed, 17 Oct 2018 09:43:12 +0200 (CEST)\n\nFinal-Recipient: rfc822; camille@gmail.example\nOriginal-Recipient: rfc822;camille@gmail.example\nAction: failed\nStatus: 5.7.1\nDiagnostic-Code: X-Postfix; Spam message rejected\n\nFinal-Recipient: rfc822; lm0@sfr.example\nOriginal-Recipient: rfc822;lm0@sfr.example\nAction: failed\nStatus: 5.7.1\nDiagnostic-Code: X-Postfix; Spam message rejected\n",
		want: []formatWant{{"camille@gmail.example", SpamDetected, false, "5.7.1", "Spam message rejected"}, {"lm0@sfr.example", SpamDetected, false, "5.7.1", "Spam message rejected"}}},
	// "5.4.4 error - All email bounces back to the sending account email"
	// (github.com/marlam/msmtp/issues/42): the DSN fields of a Postfix
	// bounce pasted as text, "Host or domain name not found. Name service
	// error for name=<domain>_ type=AAAA: Host not found", Status 5.4.4:
	// the address's domain, mistyped with a trailing "_", does not exist
	// (Postfix's smtp(8) for a name the DNS says does not exist). The
	// paste gives no header.
	{name: "Postfix DSN fields, domain not found", from: "MAILER-DAEMON@mail.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "Reporting-MTA: dns; mail.example.org\nX-Postfix-Queue-ID: 14130238EB\nX-Postfix-Sender: rfc822; email@example.org\nArrival-Date: Sun, 24 Jan 2021 18:40:57 -0600 (CST)\n\nFinal-Recipient: rfc822; email@receiving.example_\nOriginal-Recipient: rfc822;email@receiving.example_\nAction: failed\nStatus: 5.4.4\nDiagnostic-Code: X-Postfix; Host or domain name not found. Name service error\n    for name=receiving.example_ type=AAAA: Host not found\n",
		want: []formatWant{{"email@receiving.example_", HostUnknown, true, "5.4.4", "Host or domain name not found"}}},
	// "Auto Reply Error & bounce email"
	// (github.com/modoboa/modoboa/issues/1074): Postfix's bounce of a
	// delivery to modoboa's autoreply pipe, "<\"it@example.com\"@autoreply.
	// example.com> (expanded from <it@example.com>): Command died with
	// status 2: ..." and the command's usage message: the delivery program
	// failed (Postfix pipe(8); the thread moved it to the autoreply
	// program's bug tracker). The failed address has a quoted local part;
	// the paste lost the indent of Postfix's wrapped lines, restored here
	// as bounce_print_wrap() writes them (4 spaces).
	{name: "Postfix, autoreply command died", from: "MAILER-DAEMON@mx-1.example.com (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mx-1.example.com.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\nThe mail system\n\n<\"it@example.com\"@autoreply.example.com> (expanded from\n    <it@example.com>): Command died with status 2:\n    \"/srv/modoboa/env/bin/python\". Command output: usage: manage.py autoreply\n    [-h] [--version] [-v {0,1,2,3}] [--settings\n    SETTINGS] [--pythonpath PYTHONPATH]\n    [--traceback] [--no-color] [--debug] manage.py autoreply: error:\n    unrecognized arguments: person@example.org it@example.com\n",
		want: []formatWant{{"\"it@example.com\"@autoreply.example.com", MailerError, false, "5", "Command died with status 2"}}},
	// "Emails sent through the \"forwarder\" system bounce sometimes"
	// (github.com/openhatch/oh-mainline/issues/605): Postfix's bounce of
	// "550 5.1.1 <addr>: Recipient address rejected: User unknown in
	// virtual alias table" at RCPT, the forwarding address having expired
	// (the thread): an address that does not exist (Postfix's
	// smtpd_reject_unlisted_recipient, postconf(5)).
	{name: "Postfix, unknown in virtual alias table", from: "MAILER-DAEMON@mail.example.co.uk (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mail.example.co.uk.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to <postmaster>\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n               The mail system\n\n<Lordfrags.PmgDoC0V@forwarder.example.org>: host\n    linode.example.org[192.0.2.254] said: 550 5.1.1\n    <Lordfrags.PmgDoC0V@forwarder.example.org>: Recipient address rejected:\n    User unknown in virtual alias table (in reply to RCPT TO command)\n",
		want: []formatWant{{"Lordfrags.PmgDoC0V@forwarder.example.org", UserUnknown, true, "5.1.1", "User unknown in virtual alias table"}}},
	// "Name of MP: ..." (github.com/netneutrality/savetheinternet.in/
	// issues/166): the notice of a sender's provider whose relay runs
	// Oracle's messaging server (Apple's address block in its "Remote
	// system" line), "Your message cannot be delivered to the following
	// recipients:", then "Recipient address:", "Reason: Remote SMTP server
	// has rejected address", "Diagnostic code: smtp;550-5.1.1 The email
	// account that you tried to reach does not exist." (Google's page
	// 6596) and "Remote system:". The paste gives no header.
	{name: "Messaging Server notice, Gmail no such account", from: "Mail Delivery System <MAILER-DAEMON@example.com>", subject: "Delivery Notification: Delivery has failed", action: "failed",
		body: "Your message cannot be delivered to the following recipients:\n\n Recipient address: mp2112@gmail.example\n Reason: Remote SMTP server has rejected address\n Diagnostic code: smtp;550-5.1.1 The email account that you tried to reach does not exist. Please try the recipient's email address for typos or spaces. Learn more at https://support.google.com/mail/answer/6596 t8si11697642ywb.299 - gs\n Remote system: dns;gmail-smtp-in.l.google.example (TCP|192.0.2.103|53619|198.51.100.27|25) (mx.google.example ESMTP t8si11697642ywb.299 - gsmtp)\n",
		want: []formatWant{{"mp2112@gmail.example", UserUnknown, true, "5.1.1", "does not exist"}}},
	// "メールが届かない 571 Virus detected" (ipentec.com, document
	// internet-mail-delivered-error-in-571-virus-detected): Postfix's
	// bounce, text and DSN fields, of Postini's "571 Virus detected -
	// psmtp" after DATA, Status 5.0.0; the page: the receiver's scanner
	// took an attachment for a virus.
	{name: "Postfix, Postini virus detected", from: "MAILER-DAEMON@mail.example.com (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mail.example.com.\n\nI'm sorry to have to inform you that your message could not be delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can delete your own text from the attached returned message.\n\nThe mail system\n\n<staff@example.co.jp>: host\nexample.co.jp.s7a1.psmtp.example[192.0.2.40] said: 571 Virus detected -\npsmtp (in reply to end of DATA command)\n\nReporting-MTA: dns; mail.example.com\nX-Postfix-Queue-ID: 4A3B2C1D0E\nX-Postfix-Sender: rfc822; sender@example.com\nArrival-Date: Mon, 2 Jun 2014 10:00:00 +0900 (JST)\n\nFinal-Recipient: rfc822; staff@example.co.jp\nOriginal-Recipient: rfc822;staff@example.co.jp\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; example.co.jp.s7a1.psmtp.example\nDiagnostic-Code: smtp; 571 Virus detected - psmtp\n",
		want: []formatWant{{"staff@example.co.jp", VirusDetected, false, "5", "Virus detected"}}},
	// "Can't create output" (digitallife2015.blogspot.com, 2021/07, and
	// NTT's hosting FAQ, nttbiz.jp faq_op/node/193, the same notice):
	// Sendmail's bounce of a local delivery through procmail, "(reason:
	// Can't create output)", the transcript "procmail: Quota exceeded while
	// writing \"<mailbox>\"" and "550 5.0.0 <addr>... Can't create output";
	// both pages: the recipient's mailbox is over its quota.
	{name: "Sendmail, procmail quota", from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.ne.jp>", subject: "Returned mail: see transcript for details", action: "failed",
		body: "The original message was received at Thu, 1 Jul 2021 10:00:00 +0900\nfrom mail.example.org [192.0.2.5]\n\n   ----- The following addresses had permanent fatal errors -----\n<taroji@tt.example.ne.jp>\n    (reason: Can't create output)\n\n   ----- Transcript of session follows -----\nprocmail: Quota exceeded while writing \"/mb/tt.example.ne.jp/taroji/Mailbox\"\n550 5.0.0 <taroji@tt.example.ne.jp>... Can't create output\n",
		want: []formatWant{{"taroji@tt.example.ne.jp", MailboxFull, false, "5", "Quota exceeded"}}},
	// "Mail Quota Exceeded" (chilipepperweb.net, email-support/
	// mail-quota-exceeded.html): Sendmail's transcripts of Juno's "552
	// <addr>... Mail quota exceeded" at RCPT and Hotmail's "552 Requested
	// mail action aborted: exceeded storage allocation" (RFC 5321's 552);
	// the page: the recipient's mailbox is over its quota. The page gives
	// the transcripts only; Sendmail's heading here.
	{name: "Sendmail, Juno mail quota exceeded", from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<JDOE@JUNO.EXAMPLE>\n\n   ----- Transcript of session follows -----\n... while talking to c.mx.juno.example.:\n>>> RCPT To:<JDOE@JUNO.EXAMPLE>\n<<< 552 <JDOE@JUNO.EXAMPLE>... Mail quota exceeded\n554 <JDOE@JUNO.EXAMPLE>... Service unavailable\n",
		want: []formatWant{{"JDOE@JUNO.EXAMPLE", MailboxFull, false, "5", "quota exceeded"}}},
	{name: "Sendmail, Hotmail storage allocation", from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<JDOE@HOTMAIL.EXAMPLE>\n\n   ----- Transcript of session follows -----\n... while talking to mx1.hotmail.example.:\n>>> RCPT To:<JDOE@HOTMAIL.EXAMPLE>\n<<< 552 Requested mail action aborted: exceeded storage allocation\n554 5.0.0 <JDOE@HOTMAIL.EXAMPLE>... Service unavailable\n",
		want: []formatWant{{"JDOE@HOTMAIL.EXAMPLE", MailboxFull, false, "5", "exceeded storage allocation"}}},
	// "How to resolve 550 Mailbox quota exceeded" (AccuWeb Hosting's
	// knowledge base 4726): Exim's bounce, "SMTP error from remote mail
	// server after RCPT TO:<addr>:", "host <host> [<ip>]: 550 Mailbox quota
	// exceeded"; the page: the recipient's mailbox has reached its limit.
	{name: "Exim, mailbox quota exceeded", from: "Mail Delivery System <Mailer-Daemon@server.example.org>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body: eximPre + "  user@example.com\n    SMTP error from remote mail server after RCPT TO:<user@example.com>:\n    host example.com [192.0.2.44]: 550 Mailbox quota exceeded\n" + eximCopy,
		want: []formatWant{{"user@example.com", MailboxFull, false, "5", "Mailbox quota exceeded"}}},
	// "Description of anti-spam measures at Jacobs University mail
	// servers" (teamwork.jacobs-university.de, 2007): the example bounce
	// its page shows, Postfix's old "This is the Postfix program at host"
	// notice of "554 Service unavailable; Client host [<ip>] blocked using
	// <list>; Spam Received withing last 2 days", which the page explains:
	// the sending server was listed as a spam source (a DNS blocklist of
	// sending IPs). The page blanks the addresses and the list's name.
	{name: "Postfix 2.x, blocked using a DNSBL", from: "MAILER-DAEMON@mail.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the Postfix program at host mail.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to <postmaster>\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                       The Postfix program\n\n<someone@example.de>: host mx.example.de[192.0.2.1]\n    said: 554 Service unavailable; Client host [198.51.100.7] blocked using\n    bl.example.net; Spam Received withing last 2 days See:\n    http://bl.example.net/ Spam Received Recently (in reply to RCPT TO\n    command)\n",
		want: []formatWant{{"someone@example.de", Blocked, false, "5", "blocked using"}}},
	// "Email blocked" (themssforum.com, smallbiz): qmail-send's bounce from
	// an ISP's relay, "Connected to <ip> but sender was rejected.", "Remote
	// host said: <ip> Defined SPAM source: bl.spamcop.net" as pasted. The
	// SpamCop Blocking List lists the IP addresses that sent mail reported
	// as spam (spamcop.net, "What is the SCBL?"): the sending host's
	// listing, whatever stage refused it.
	{name: "qmail, sender's IP on SpamCop", from: "MAILER-DAEMON@gizmo02bw.email.example.com", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at gizmo02bw.email.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<username@example.com.au>:\nConnected to 192.0.2.8 but sender was rejected.\nRemote host said: 192.0.2.8 Defined SPAM source: bl.spamcop.net\n\n" + qmailCopy,
		want: []formatWant{{"username@example.com.au", Blocked, false, "5", "bl.spamcop.net"}}},
	// "Dealing with Email Bouncebacks" (a GoDaddy reseller's help,
	// cheap.hostingdude.com help/3/3568e245.html): the qmail bounce the
	// page shows, "<ip> does not like recipient.", "Remote host said: 553
	// sorry, relaying denied from your location [<ip>] (#5.7.1)", "Giving
	// up on <ip>.": the receiving server will not relay for the sending
	// host (the page's table: relaying denied).
	{name: "qmail, relaying denied", from: "MAILER-DAEMON@smtp.example.net", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at smtp.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<holly@coolexample.com>:\n192.0.2.12 does not like recipient.\nRemote host said: 553 sorry, relaying denied from your location [198.51.100.6] (#5.7.1)\nGiving up on 192.0.2.12.\n\n" + qmailCopy,
		want: []formatWant{{"holly@coolexample.com", NoRelaying, false, "5.7.1", "relaying denied"}}},
	// "bounce messages are not descriptive enough"
	// (github.com/haraka/Haraka/issues/568): Haraka's bounce, "<addr>: Too
	// many failures (Tried all MXs)": Haraka's outbound gave up after
	// every MX failed (its outbound/hmail.js, the reason it writes when
	// the retries end), the sending MTA's giving up.
	{name: "Haraka, tried all MXs", from: "MAILER-DAEMON@mail.example.com", subject: "failure notice", action: "failed",
		body: "Hi. This is the Haraka Mailer program at mail.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<user@sending.example>: Too many failures (Tried all MXs)\n\n--- Below this line is a copy of the message.\n\n" + returned,
		want: []formatWant{{"user@sending.example", Expired, false, "5", "Tried all MXs"}}},
	// "Bouncing support mails" (github.com/cgeo/cgeo/issues/5737): Exim's
	// bounce of Gmail's "550-5.7.1 ... Our system has detected that this
	// message is likely unsolicited mail." after DATA (Google's page
	// 188131: judged spam). The paste starts at the SMTP error; Exim's
	// address line and introduction here.
	{name: "Exim, Gmail likely unsolicited", from: "Mail Delivery System <Mailer-Daemon@mail.example.org>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body: eximPre + "  support@example.org\n    SMTP error from remote mail server after end of data:\n    host aspmx.l.google.example [192.0.2.26]: 550-5.7.1 [198.51.100.239      12] Our system has detected that this message is\n    550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n    550-5.7.1 this message has been blocked. Please visit\n    550 5.7.1  https://support.google.com/mail/answer/188131 for more information. r11si2166wmb.87 - gsmtp\n" + eximCopy,
		want: []formatWant{{"support@example.org", SpamDetected, false, "5.7.1", "unsolicited"}}},
	// "Bounced e-mail messages" (University of Maryland's help desk,
	// helpdesk.umd.edu topics/troubleshooting/email/3024): Sendmail's
	// final notice after its warnings, the transcript's "<addr>... Deferred:
	// Connection timed out with <host>", "Message could not be delivered
	// for 4 days" and "Message will be deleted from queue": the page, the
	// recipient's server was down and the sending server gave up
	// (Sendmail's deliver.c, the queue lifetime ending).
	{name: "Sendmail, given up after 4 days", from: "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.edu>", subject: "Returned mail: Cannot send message for 4 days", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<friend@example.com>\n\n   ----- Transcript of session follows -----\n<friend@example.com>... Deferred: Connection timed out with mx.example.com.\nMessage could not be delivered for 4 days\nMessage will be deleted from queue\n",
		want: []formatWant{{"friend@example.com", Expired, false, "", "Connection timed out"}}},
	// The same help desk's cases (helpdesk.umd.edu documents/3/3025):
	// Sendmail's "554 sendall: too many hops 19 (17 max)", which the page
	// explains as a mail loop, the recipient's mail forwarded back and
	// forth (RFC 3463 x.4.6, routing loop: a network and routing status).
	// The page gives the line only; Sendmail's heading here.
	{name: "Sendmail, too many hops", from: "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.edu>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<looping@example.edu>\n\n   ----- Transcript of session follows -----\n554 sendall: too many hops 19 (17 max)\n",
		want: []formatWant{{"looping@example.edu", NetworkError, false, "5", "too many hops"}}},
}

// Left out, each misread and with no source for its reading beyond the
// thread, or with one the shared corpus's labels contradict: the other
// notice of jsdelivr's thread ("Bounce reason: The recipient's email
// address (abuse@...) does not exist" over a bare "550 No such user (TB)",
// from a generator the paste does not name: abuse@ is a role address of
// RFC 2142 and not taken for a recipient, and with another local part the
// bare "No such user", placed at no stage, reads as a filter's);
// Exchange Online's German NDR in fschulze/jumpnbump#3 ("x wurde nicht
// in y gefunden", no published text of it found: onhold); and
// Gmail's delay notice in MIATECHPARTNERS/PromptChains#6 ("The recipient
// server did not accept our requests to connect", a connection failure by
// Google's page 7720, read as the delay's expiry as the corpus labels
// Gmail's delay notices).

// TestExternalQA reads the bounces pasted into threads above.
func TestExternalQA(t *testing.T) { checkFormats(t, qaLayouts) }
