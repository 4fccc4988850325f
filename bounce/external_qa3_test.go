package bounce

import "testing"

// qa3Layouts are a third round of real bounces pasted where people ask
// for help (pastebin.com pastes, the most of them shared in mail-server
// forums and chats), chosen for the kinds the first two rounds lacked:
// Domino's Delivery Failure Report, qmail-send notices, Mail.ru and
// Yandex replies, a connection refused until Exchange Online gave up,
// full mailboxes under qmail, vpopmail and Dovecot, senders refused by
// the receiver. Each is cut to the lines its reading needs as the paste
// shows them (local parts and private hosts replaced by example ones).
// A paste carries no answer, so the truth of each is the cause the
// provider's, the MTA's or the standard's own page gives its words,
// written before Parse was run on it. Where the paste gives no header
// (sender, subject), the comment says so and the case uses a plain one.
var qa3Layouts = []formatCase{
	// pastebin.com/ESqDdi4N: Lotus Notes' "Delivery Failure Report",
	// forwarded by its reader, "Your message: ...", "was not delivered
	// to: <addr>", "because: 5.1.2 - Bad destination host 'DNS Hard Error
	// looking up <domain> (A): domain has no A record' (delivery
	// attempts: 0)". RFC 3463 X.1.2: the destination system named in
	// the address does not exist; HCL's Domino help ("Customizing the
	// text of mail failure messages") calls it a domain failure, Domino
	// finding the domain neither in its directory nor in the DNS. The
	// notice is given as Domino's router writes it in text (the paste
	// flattened its table), without the forward around it.
	{name: "Domino, DNS hard error", from: "Mail Router <postmaster@example.org>", subject: "DELIVERY FAILURE: 5.1.2 - Bad destination host", action: "failed",
		body: "Delivery Failure Report\n\nYour message\n\n  Subject: RE: Signed SSFAs\n\nwas not delivered to:\n\n  mongolia@ozone.example\n\nbecause:\n\n  5.1.2 - Bad destination host 'DNS Hard Error looking up ozone.example (A): domain has no A record' (delivery attempts: 0)\n\nWhat should you do?\nYou can resend the undeliverable document to the recipients listed above by choosing the Resend button or the Resend command on the Actions menu.\n",
		want: []formatWant{{"mongolia@ozone.example", HostUnknown, true, "5.1.2", "DNS Hard Error"}}},
	// pastebin.com/agyCEHx8: 1&1 IONOS's notice (mailer-daemon@
	// kundenserver.de), "SMTP error from remote server for TEXT command,
	// host: mxs.mail.ru (<ip>) reason: 550 Message was not accepted --
	// invalid mailbox. Local mailbox <addr> is unavailable: account is
	// disabled", "--- The header of the original message is following.
	// ---". The reply's words: the mailbox is switched off, RFC 3463
	// X.2.1 "Mailbox disabled, not accepting messages".
	{name: "IONOS notice, Mail.ru account disabled", from: "Mail Delivery System <mailer-daemon@kundenserver.de>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address(es)\nfailed:\n\nolya.b@mail.example.ru:\nSMTP error from remote server for TEXT command, host: mxs.mail.example.ru (192.0.2.104) reason: 550 Message was not accepted -- invalid mailbox. Local mailbox olya.b@mail.example.ru is unavailable: account is disabled\n\n--- The header of the original message is following. ---\n\nFrom: sender@example.org\nTo: olya.b@mail.example.ru\nSubject: hi\nMessage-ID: <x@example.org>\n",
		want: []formatWant{{"olya.b@mail.example.ru", Suspend, false, "5", "account is disabled"}}},
	// pastebin.com/UWADPXYL: Exim's bounce of a mailing to Russian and
	// Ukrainian addresses, cut to three of its blocks: Yandex's "550 5.7.1
	// No such user!" at RCPT (Yandex's help on bounces, yandex.com/
	// support/mail/bounces: the address does not exist), a "550 Relay
	// not permitted" at
	// RCPT (Exim's default ACL refusing to relay, the Exim spec's ACL
	// chapter) and AOL's "550 5.1.1 <addr>: Recipient address rejected:
	// aol.com" (RFC 3463 X.1.1, as the first round's PHPMailer-BMH#1
	// answer read it). The paste starts at the first address; Exim's
	// introduction here.
	{name: "Exim, Yandex, relay and AOL", from: "Mail Delivery System <Mailer-Daemon@mail.example.org>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body: eximPre + "  oleg.k@yandex.example\n    SMTP error from remote mail server after RCPT TO:<oleg.k@yandex.example>:\n    host mx.yandex.example [192.0.2.89]: 550 5.7.1 No such user!\n  mr@emotions.example.ua\n    SMTP error from remote mail server after RCPT TO:<mr@emotions.example.ua>:\n    host mx0.mail7.freehost.example [192.0.2.209]:\n    550 Relay not permitted\n  igrig@aol.example\n    SMTP error from remote mail server after RCPT TO:<igrig@aol.example>:\n    host mailin-04.mx.aol.example [192.0.2.131]: 550 5.1.1 <igrig@aol.example>:\n    Recipient address rejected: aol.com\n" + eximCopy,
		want: []formatWant{
			{"oleg.k@yandex.example", UserUnknown, true, "5.7.1", "No such user"},
			{"mr@emotions.example.ua", NoRelaying, false, "5", "Relay not permitted"},
			{"igrig@aol.example", UserUnknown, true, "5.1.1", "aol.com"},
		}},
	// pastebin.com/MMGUFmXp: qmail-send's bounce (multipart/mixed, "---
	// Enclosed are the original headers of the message.") for two
	// recipients: EarthLink's "550 <addr>...User account is overquota"
	// (the recipient's mailbox over its quota, RFC 3463 X.2.2) and
	// AT&T WorldNet's "553 5.3.0 <addr>... 550 worldnet addressee
	// unknown" (the address unknown at the destination, X.1.1), each
	// with qmail-remote's "does not like recipient." and "Giving up on".
	{name: "qmail, EarthLink overquota and WorldNet unknown", from: "MAILER-DAEMON@mail501.example.com", subject: "failure notice", action: "failed",
		body:     "Hi. This is the qmail-send program at mail501.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<david.c@earthlink.example>:\n192.0.2.228 does not like recipient.\nRemote host said: 550 david.c@earthlink.example...User account is overquota\nGiving up on 192.0.2.228.\n\n<david.k@worldnet.att.example>:\n192.0.2.144 does not like recipient.\nRemote host said: 553 5.3.0 <david.k@worldnet.att.example>... 550 worldnet addressee unknown, relay=[198.51.100.156]\nGiving up on 192.0.2.144.\n\n--- Enclosed are the original headers of the message.\n",
		attached: returned,
		want: []formatWant{
			{"david.c@earthlink.example", MailboxFull, false, "5", "overquota"},
			{"david.k@worldnet.att.example", UserUnknown, true, "5", "addressee unknown"},
		}},
	// pastebin.com/c2hsSsdk: the same host's qmail-send bounce of a local
	// recipient, "<addr>:" and "user is over quota" (vpopmail's local
	// delivery refusing a mailbox past its quota: the recipient's mailbox
	// full, RFC 3463 X.2.2).
	{name: "qmail, local user over quota", from: "MAILER-DAEMON@mail1112.example.com", subject: "failure notice", action: "failed",
		body:     "Hi. This is the qmail-send program at mail1112.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<murielb@example.com>:\nuser is over quota\n\n--- Enclosed are the original headers of the message.\n",
		attached: returned,
		want:     []formatWant{{"murielb@example.com", MailboxFull, false, "", "over quota"}}},
	// pastebin.com/sgxwMt2v: Exim's DSN from a host's scanning relay of
	// its LMTP delivery, "(generated from <alias>)", "LMTP error after
	// DATA: 552 5.2.2 <addr> Quota exceeded (mailbox for user is full)",
	// with Status 5.0.0 and X-Exim-Diagnostic. "Quota exceeded (mailbox
	// for user is full)" is Dovecot's default quota_exceeded_message
	// (Dovecot's quota plugin documentation): the mailbox is full.
	{name: "Exim DSN, Dovecot LMTP quota", from: "Mail Delivery System <Mailer-Daemon@walmailscan07.example.com>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body:   eximPre + "  boom2_gd@pop.example.com\n    (generated from boom2@example.com)\n    host walpopproxy09.example.com [10.1.20.9]\n    LMTP error after DATA: 552 5.2.2 <boom2_gd@pop.example.com> Quota exceeded (mailbox for user is full)\n",
		report: "Reporting-MTA: dns; walmailscan07.example.com\n\nAction: failed\nFinal-Recipient: rfc822;boom2_gd@pop.example.com\nStatus: 5.0.0\nRemote-MTA: dns; walpopproxy09.example.com\nRemote-MTA: X-ip; [10.1.20.9]:24\nX-Exim-Diagnostic: X-str; LMTP error after DATA: 552 5.2.2 <boom2_gd@pop.example.com> Quota exceeded (mailbox for user is full)\nDiagnostic-Code: smtp; 552 5.2.2 <boom2_gd@pop.example.com> Quota exceeded (mailbox for user is full)\n",
		want:   []formatWant{{"boom2_gd@pop.example.com", MailboxFull, false, "5", "Quota exceeded"}}},
	// pastebin.com/DQ9QKBrS: Gmail's older notice, forwarded, of a
	// Postfix host's "550-5.1.1 <addr>: Recipient address rejected: User
	// unknown in virtual alias table" with a link to the host's error
	// codes: Postfix's smtpd refusing a recipient its virtual alias
	// table does not list (postconf(5), smtpd_reject_unlisted_recipient).
	// The forward around it is left out.
	{name: "Gmail old notice, Postfix virtual alias unknown", from: gmailFrom, subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "Delivery to the following recipient failed permanently:\n\n     sandeep.v@littlebee.example\n\nTechnical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by the server for the recipient domain littlebee.example by us2.mx2.mailhostbox.example. [192.0.2.226].\n\nThe error that the other server returned was:\n550-5.1.1 <sandeep.v@littlebee.example>: Recipient address rejected: User unknown in virtual alias table\n550 5.1.1 Please see http://support.mailhostbox.com/email-administrators-guide/error-codes for explanation of the problem.\n\n----- Original message -----\n\n" + returned,
		want: []formatWant{{"sandeep.v@littlebee.example", UserUnknown, true, "5.1.1", "User unknown in virtual alias table"}}},
	// pastebin.com/tmbXUKWy: Gmail's older notice of "550 5.1.0
	// <sender>: Sender address rejected: User unknown in virtual mailbox
	// table": the receiving Postfix refused the sender's address, in a
	// domain it hosts with no such user (postconf(5),
	// smtpd_reject_unlisted_sender, "Sender address rejected"), not the
	// recipient's: a refusal of the sender, the recipient unjudged.
	{name: "Gmail old notice, sender unlisted", from: gmailFrom, subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "Delivery to the following recipient failed permanently:\n\n     mjr@protoscap.example\n\nTechnical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by the server for the recipient domain protoscap.example by mx1.privateemail.example. [192.0.2.221].\n\nThe error that the other server returned was:\n550 5.1.0 <michael@dreamtank.example>: Sender address rejected: User unknown in virtual mailbox table\n\n----- Original message -----\n\n" + returned,
		want: []formatWant{{"mjr@protoscap.example", Rejected, false, "5.1.0", "Sender address rejected"}}},
	// pastebin.com/6JA7cVwM: Postfix's bounce from a hosting relay,
	// "<rcpt>: host wes1-relayredir...[<ip>] said: 550 5.7.1 <sender>:
	// Sender address rejected: mailbox disabled - DEBUG: dom <domain> (in
	// reply to RCPT TO command)": the relay refused the sender's own
	// address, its mailbox switched off (Postfix's "Sender address
	// rejected:", postconf(5) and access(5), names a refusal of MAIL
	// FROM's address), not the recipient's mailbox. The paste is the
	// bounce forwarded; the forward is left out.
	{name: "Postfix, sender mailbox disabled", from: "MAILER-DAEMON@wes1-im4-f457.localdomain (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host wes1-im4-f457.localdomain.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<ms.r@seznam.example>: host wes1-relayredir.example.net[10.28.12.22] said: 550\n    5.7.1 <reditelka@ms.example.cz>: Sender address rejected: mailbox disabled\n    - DEBUG: dom ms.example.cz (in reply to RCPT TO command)\n",
		want: []formatWant{{"ms.r@seznam.example", Rejected, false, "5.7.1", "Sender address rejected"}}},
	// pastebin.com/wEDiYMHm: qmail-send's bounce from a 1&1 server,
	// "Connected to <ip> but sender was rejected.", Outlook.com's "550
	// SC-001 (SNT004-MC10F6) Unfortunately, messages from <ip> weren't
	// sent. Please contact your Internet service provider since part of
	// their network is on our block list.": the sending IP's network on
	// Outlook.com's block list (the provider table's SC-001 rows,
	// testdata/provider-replies.csv, from binarylane's and dijitul's
	// quotes of the reply): a block of the sending host.
	{name: "qmail, Outlook.com SC-001 network block", from: "MAILER-DAEMON@s19991228.example.info", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at s19991228.example.info.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<nur_nam@hotmail.example>:\nConnected to 192.0.2.236 but sender was rejected.\nRemote host said: 550 SC-001 (SNT004-MC10F6) Unfortunately, messages from 198.51.100.137 weren't sent. Please contact your Internet service provider since part of their network is on our block list. You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.\n\n" + qmailCopy,
		want: []formatWant{{"nur_nam@hotmail.example", Blocked, false, "5", "block list"}}},
	// pastebin.com/PiECkmgJ: Postfix's DSN of a list alias expanded to
	// an internal host that does not know it, "<LIST@host.lan> (expanded
	// from <instructors@example.com>): host ... said: 550 5.1.1
	// <LIST@host.lan>: Recipient address rejected: User unknown in
	// virtual mailbox table (in reply to RCPT TO command)", Status 5.1.1
	// and Original-Recipient: the internal host's Postfix has no such
	// mailbox (postconf(5), smtpd_reject_unlisted_recipient).
	{name: "Postfix DSN, expanded list alias unknown", from: "MAILER-DAEMON@sparky.example.com (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body:   postfixPre + "<SGVFR-INSTRUCTORS@example.lan> (expanded from <instructors@example.com>): host\n    example.lan[10.0.0.9] said: 550 5.1.1 <SGVFR-INSTRUCTORS@example.lan>:\n    Recipient address rejected: User unknown in virtual mailbox table (in reply\n    to RCPT TO command)\n",
		report: "Reporting-MTA: dns; sparky.example.com\nX-Postfix-Queue-ID: 67D7830044F42\nX-Postfix-Sender: rfc822; dlloyd@example.com\nArrival-Date: Tue, 19 Mar 2019 10:21:15 -0700 (PDT)\n\nFinal-Recipient: rfc822; SGVFR-INSTRUCTORS@example.lan\nOriginal-Recipient: rfc822;instructors@example.com\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; example.lan\nDiagnostic-Code: smtp; 550 5.1.1 <SGVFR-INSTRUCTORS@example.lan>: Recipient\n    address rejected: User unknown in virtual mailbox table\n",
		want:   []formatWant{{"SGVFR-INSTRUCTORS@example.lan", UserUnknown, true, "5.1.1", "User unknown in virtual mailbox table"}}},
}

// Left out: Exchange Online's "Despite repeated attempts to deliver your
// message, the recipient's email system refused to accept a connection"
// (pastebin.com/Eu4kTy0V, 1hR8dS3r, 8Gsn975J), read as given up and soft
// as Microsoft's "Mail flow intelligence" page explains 4.4.316, but with
// the status 4.4.316 of the earlier attempt its diagnostic lists below
// the final "550 5.4.316 Message expired" (its lines run newest first by
// their times; no published text of that order was found then: the
// dated attempts of TestExternalMicrosoft's Exchange Online NDR now place
// the failure first, lastExchangeAttempt); Mail.ru's
// "Local mailbox x is unavailable: user is terminated" after DATA in
// pastebin.com/UWADPXYL (read as a filter's; only a user's answer on
// otvet.mail.ru says what such a box is); bigmir.net's "550 Mailbox is
// frozen. See http://mail.bigmir.net/err/3/" in the same bounce (no page
// of its meaning found then; read as a disabled mailbox since Mail.ru's
// answers site explained its frozen mailboxes, suspendPhrases); Network Solutions' "553 5.3.0 <ip> Your message
// was rejected for possible spam/virus content" at MAIL FROM
// (pastebin.com/TuQgvjzq: the page it names could not be read); a
// Postfix DSN's "Spam message rejected" for a Sympa list's six
// recipients (sympa-community/sympa#447, no answer naming its cause);
// Mailman's "You are not allowed to post to this mailing list"
// (pastebin.com/grK4dDA8, no header and no recipient in the paste).

// TestExternalQA3 reads the third round of pasted bounces above.
func TestExternalQA3(t *testing.T) { checkFormats(t, qa3Layouts) }
