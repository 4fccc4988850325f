package bounce

import "testing"

// qa4Layouts are a fourth round of real bounces pasted whole, or nearly,
// into public places: help-desk and list-manager pages that quote the
// bounces their users got (1991-2012 Sendmail transcripts among them),
// Microsoft's knowledge-base articles, Usenet-style forum threads, and
// issue threads (Perl's old RT tickets, mailing lists found dead, mail
// servers' own trackers). Each is cut to the lines its reading needs as
// the page shows them, addresses and hosts replaced by example ones.
// The truth of each recipient (reason, hard or soft) was written from
// the page's or the thread's own explanation, or the MTA's or the
// provider's documentation of its words, with doc.go's definitions of
// the reasons, before Parse was run on it. Where the page gives no
// header (sender, subject), the comment says so and the case uses a
// plain one; where the page's HTML lost the angle-bracketed parts of a
// line, or a forum's formatting joined lines, the comment says what was
// put back.
var qa4Layouts = []formatCase{
	// "Bounced Message Guide" (abanet.org/discussions/bounces.html,
	// EXAMPLE [1], 1996): Sendmail 8's "Returned mail: User unknown", the
	// transcript "... while talking to x:", ">>> RCPT To:", "<<< 550
	// <addr>... User unknown" and its summary line. The page: the user
	// does not exist, unsubscribe the address. The page writes the angle
	// brackets as parentheses and lost the address on the heading line;
	// both are put back as Sendmail writes them.
	{name: "Sendmail 1996, user unknown at RCPT", from: "Mail Delivery Subsystem <MAILER-DAEMON@lists.example.org>", subject: "Returned mail: User unknown", action: "failed",
		body: "The original message was received at Wed, 12 Jun 1996 09:30:22 -0700\nfrom localhost [127.0.0.1]\n\n   ----- The following addresses had delivery problems -----\n<nobody@firm.example.com>  (unrecoverable error)\n\n   ----- Transcript of session follows -----\n... while talking to firm.example.com.:\n>>> RCPT To:<nobody@firm.example.com>\n<<< 550 <nobody@firm.example.com>... User unknown\n550 <nobody@firm.example.com>... User unknown\n",
		want: []formatWant{{"nobody@firm.example.com", UserUnknown, true, "5", "User unknown"}}},
	// The same page, EXAMPLE [2]: "550 <addr>... Host unknown (Name
	// server: <domain>: host not found)". The page: there is no DNS
	// record for the domain, check its spelling (Sendmail's EX_NOHOST).
	{name: "Sendmail 1996, host unknown", from: "Mail Delivery Subsystem <MAILER-DAEMON@lists.example.org>", subject: "Returned mail: Host unknown (Name server: nowhere.example: host not found)", action: "failed",
		body: "The original message was received at Wed, 12 Jun 1996 09:30:33 -0700\nfrom localhost [127.0.0.1]\n\n   ----- The following addresses had delivery problems -----\n<person@nowhere.example>  (unrecoverable error)\n\n   ----- Transcript of session follows -----\n550 <person@nowhere.example>... Host unknown (Name server: nowhere.example: host not found)\n",
		want: []formatWant{{"person@nowhere.example", HostUnknown, true, "5", "Host unknown"}}},
	// The same page, EXAMPLE [3]: "553 <host> config error: mail loops
	// back to myself" and "554 <addr>... Local configuration error". The
	// page: the receiving server has a minor misconfiguration (its MX
	// points back to a host that does not take the domain as its own);
	// RFC 3463 x.3.5, "System incorrectly configured", a system's error,
	// not the address's.
	{name: "Sendmail 1996, mail loops back to myself", from: "Mail Delivery Subsystem <MAILER-DAEMON@lists.example.org>", subject: "Returned mail: Local configuration error", action: "failed",
		body: "The original message was received at Wed, 12 Jun 1996 13:16:42 -0400\nfrom [192.0.2.200]\n\n   ----- The following addresses had delivery problems -----\n<jd@jdrp.example.com>  (unrecoverable error)\n\n   ----- Transcript of session follows -----\n553 dialup.example.net config error: mail loops back to myself\n554 <jd@jdrp.example.com>... Local configuration error\n",
		want: []formatWant{{"jd@jdrp.example.com", SystemError, false, "5", "config error"}}},
	// "Zen and the Art of the Internet" (zen-1.0, chapter on electronic
	// mail, 1991): a Sendmail 5 bounce, "----- Transcript of session
	// follows -----", "While talking to x:", the RCPT refused "... User
	// unknown", the summary line with the local part alone, and
	// "----- Unsent message follows -----". The book: the user has no
	// account there. From as the book gives it, without a domain.
	{name: "Sendmail 5 1991, user unknown", from: "Mail Delivery Subsystem <MAILER-DAEMON>", subject: "Returned mail: User unknown", action: "failed",
		body: "   ----- Transcript of session follows -----\nWhile talking to cs.widener.example:\n>>> RCPT To:<lsimpson@cs.widener.example>\n<<< 550 <lsimpson@cs.widener.example>... User unknown\n550 lsimpson... User unknown\n\n   ----- Unsent message follows -----\nReceived: by cs.widener.example id AA06528; Sat, 25 May 91 16:45:14 -0400\nDate: Sat, 25 May 91 16:45:14 -0400\nFrom: Matt Groening <mg@gracie.example>\nMessage-Id: <9105252045.AA06528@gracie.example>\nTo: lsimpson@cs.widener.example\nSubject: Scripting your future episodes\n\n... verbiage ...\n",
		want: []formatWant{{"lsimpson@cs.widener.example", UserUnknown, true, "5", "User unknown"}}},
	// "Bouncing E-Mail" (help.westelcom.com, articles/e-mail_bounce.htm,
	// 1997): Sendmail 8's bounce, the address alone under "had permanent
	// fatal errors", the transcript of a local relay refusing the local
	// part ("<<< 550 x...User unknown") and the summary "550 <addr>...
	// User unknown". The page: no mailbox by that name. The page shows
	// the delivery-status part's fields after the text; only the text is
	// kept (the fields are cut off on the page).
	{name: "Sendmail 1997, local user unknown", from: "Mail Delivery Subsystem <MAILER-DAEMON@westelcom.example>", subject: "Returned mail: User unknown", action: "failed",
		body: "The original message was received at Thu, 10 Apr 1997 08:59:38 -0400 (EDT)\nfrom brickbat9.westelcom.example [192.0.2.12]\n\n   ----- The following addresses had permanent fatal errors -----\nmember@westelcom.example\n\n   ----- Transcript of session follows -----\n... while talking to localhost.westelcom.example.:\n>>> RCPT To:<member>\n<<< 550 member...User unknown\n550 <member@westelcom.example>... User unknown\n",
		want: []formatWant{{"member@westelcom.example", UserUnknown, true, "5", "User unknown"}}},
	// "Delivery fails on reporting email address"
	// (github.com/MicrosoftDocs/OfficeDocs-o365seccomp/issues/666):
	// Sendmail's final notice, "<addr>... Deferred: Connection timed out
	// with x.", "Message could not be delivered for 5 days", "Message
	// will be deleted from queue": the host never answered and the
	// queue's lifetime ran out (given up). The paste joined Sendmail's
	// lines; they are laid out again as Sendmail writes them. No header.
	{name: "Sendmail, connection timed out for 5 days", from: "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.org>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<abuse@messaging.example.com>\n\n   ----- Transcript of session follows -----\n<abuse@messaging.example.com>... Deferred: Connection timed out with messaging.example.com.\nMessage could not be delivered for 5 days\nMessage will be deleted from queue\n",
		want: []formatWant{{"abuse@messaging.example.com", Expired, false, "", "Connection timed out"}}},
	// "Non-delivery notification 'Your message did not reach some or all
	// of the intended recipients' sending e-mail to contacts" (Microsoft
	// KB 195671): Exchange 2000/2003's NDR, "The following recipient(s)
	// could not be reached:", "The e-mail account does not exist at the
	// organization this message was sent to." and "<server #5.1.1>". The
	// article: the contact's mailbox was deleted from the Exchange
	// server.
	{name: "Exchange 2003, account does not exist", from: "System Administrator <postmaster@contoso.example>", subject: "Undeliverable: Test", action: "failed",
		body: "Your message did not reach some or all of the intended recipients.\n\n      Subject:\tTest\n      Sent:\t1/30/2006 5:39 PM\n\nThe following recipient(s) could not be reached:\n\n      Test User (test.user@contoso.example) on 1/30/2006 5:39 PM\n            The e-mail account does not exist at the organization this message was sent to.  Check the e-mail address, or contact the recipient directly to find out the correct address.\n            <server.contoso.example #5.1.1>\n",
		want: []formatWant{{"test.user@contoso.example", UserUnknown, true, "5.1.1", "does not exist"}}},
	// Microsoft TechNet's page on relaying bounces
	// (technet.microsoft.com/en-us/exchange/bb288511.aspx, Example 1):
	// Exchange 2003's NDR, "There was a SMTP communication problem with
	// the recipient's email server." and "<host #5.5.0 smtp;554 <addr>:
	// Relay access denied>". The page: the host refused to relay the
	// message, its administrator must be contacted. The page's HTML
	// mangled the last line; it is put back as Exchange writes it.
	{name: "Exchange 2003, relay access denied", from: "System Administrator <postmaster@example.org>", subject: "Undeliverable: hello", action: "failed",
		body: "Your message did not reach some or all of the intended recipients.\n\n      Subject:\thello\n      Sent:\t6/12/2008 9:30 AM\n\nThe following recipient(s) could not be reached:\n\n      friend@example.net on 6/12/2008 9:31 AM\n            There was a SMTP communication problem with the recipient's email server.  Please contact your system administrator.\n            <mx.example.net #5.5.0 smtp;554 <friend@example.net>: Relay access denied>\n",
		want: []formatWant{{"friend@example.net", NoRelaying, false, "5", "Relay access denied"}}},
	// "How to read a email bounce back" (cpumd.com, KB10392116, 2015):
	// Exchange 2010's NDR, the recipient listed by its display name
	// ("automated reply"), "Your message wasn't delivered because of
	// security policies.", "The following organization rejected your
	// message: x." and the diagnostic "x #550 5.7.1 <addr>: Recipient
	// address rejected: Invalid recipient ##". The page numbers the
	// diagnostic's lines; they are joined as Exchange writes them. The
	// receiver's words: no such recipient (a do-not-reply address that
	// takes no mail).
	{name: "Exchange 2010, invalid recipient under 5.7.1", from: "Microsoft Exchange <postmaster@company.example>", subject: "Undeliverable: *** Please do not reply to this Email ***", action: "failed",
		body: "Delivery has failed to these recipients or distribution lists:\n\nautomated reply\nYour message wasn't delivered because of security policies. Microsoft Exchange will not try to redeliver this message for you. Please provide the following diagnostic text to your system administrator.\n\nThe following organization rejected your message: mx.siteprotect.example.\n\n\n\n\n\nDiagnostic information for administrators:\n\nGenerating server: server.company.local\n\ndo-not-reply-user@another.example\nmx.siteprotect.example #550 5.7.1 <do-not-reply-user@another.example>: Recipient address rejected: Invalid recipient ##\n\nOriginal message headers:\n\n" + returned,
		want: []formatWant{{"do-not-reply-user@another.example", UserUnknown, true, "5.7.1", "Invalid recipient"}}},
	// "Xtra email failed again" (velocityreviews.com forums, t867866,
	// 2012): Exchange's delay notice, "This is an automatically generated
	// Delivery Status Notification.", "THIS IS A WARNING MESSAGE ONLY.",
	// "Delivery to the following recipients has been delayed." and the
	// delivery-status fields as the reader's client showed them in the
	// text (Action: delayed, Status: 4.4.7). The answer: not finally
	// failed, the server tries again (Yahoo, Xtra's provider, defers some
	// mail); RFC 3463 x.4.7, the delivery time is running out: a delay
	// warning, read as expired by doc.go.
	{name: "Exchange delay notice, 4.4.7", from: "postmaster@mail.example.co.nz", subject: "Delivery Status Notification (Delay)", action: "delayed",
		body: "This is an automatically generated Delivery Status Notification.\n\nTHIS IS A WARNING MESSAGE ONLY.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\nDelivery to the following recipients has been delayed.\n\n     friend@xtra.example.nz\n\nFinal-Recipient: rfc822;friend@xtra.example.nz\nAction: delayed\nStatus: 4.4.7\nWill-Retry-Until: Sun, 5 Feb 2012 07:45:31 +1300\nX-Display-Name: .Tauranga(Internet)\n",
		want: []formatWant{{"friend@xtra.example.nz", Expired, false, "4.4.7", ""}}},
	// "Urgent : Notifications not working on websites."
	// (github.com/projectknife/Projectfork/issues/1270): Exim's delay
	// warning, "Delay reason: SMTP error from remote mail server after
	// MAIL FROM:<x> SIZE=2701:" and Yahoo's "421 4.7.1 [TS03] All
	// messages from <ip> will be permanently deferred; Retrying will NOT
	// succeed." The paste re-wrapped Exim's lines at the margin; kept so.
	// Yahoo's page for [TS03] reads it as the sending IP's volume and
	// complaints (its reputation, rules.go providerCodes).
	{name: "Exim delay, Yahoo TS03 at MAIL FROM", from: "Mail Delivery System <Mailer-Daemon@srv02.example.us>", subject: "Warning: message 1WiVUF-0003Hs-U6 delayed 24 hours", action: "delayed",
		body: "This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue on srv02.example.us.\n\nThe message identifier is:     1WiVUF-0003Hs-U6\nThe date of the message is:    Thu, 8 May 2014 21:04:15 +0000\nThe subject of the message is: [Care Innovation] Jessica created\na task: JUL Release UAT\n\nThe address to which the message has not yet been delivered is:\n\n stuart.x@yahoo.example\n   Delay reason: SMTP error from remote mail server after MAIL\nFROM:<projects@example.com> SIZE=2701:\n   host mta7.am0.yahoodns.example [192.0.2.26]: 421 4.7.1 [TS03] All\nmessages from 198.51.100.130 will be permanently deferred; Retrying will NOT\nsucceed. See http://postmaster.yahoo.com/421-ts03.html\n\nNo action is required on your part. Delivery attempts will continue for\nsome time, and this warning may be repeated at intervals if the message\nremains undelivered. Eventually the mail delivery software will give up,\nand when that happens, the message will be returned to you.\n",
		want: []formatWant{{"stuart.x@yahoo.example", BadReputation, false, "4.7.1", "TS03"}}},
	// "Mailinglist(s) down" (github.com/varnishcache/testrepo2/issues/60,
	// a 2006 bounce): Exim's delay warning, "Delay reason: SMTP error
	// from remote mail server after end of data:" and amavisd-new's "451
	// 4.5.0 Error in processing, id=..., mime_decode-1 FAILED:
	// MIME::Parser: can't open tmpfile: Invalid argument": the list
	// host's content filter failed on its own temporary file, a failure
	// of the receiving system (RFC 5321 §4.2.3, 451 "local error in
	// processing"), retried.
	{name: "Exim delay, amavisd error in processing", from: "Mail Delivery System <Mailer-Daemon@mail.example.org>", subject: "Warning: message 1GdrhM-00007q-L1 delayed 24 hours", action: "delayed",
		body: "This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue on mail.example.org.\n\nThe message identifier is:     1GdrhM-00007q-L1\nThe subject of the message is: FYI: Installation instructions updated to include Mac OS X\nThe date of the message is:    Sat, 28 Oct 2006 19:10:16 +0200\n\nThe address to which the message has not yet been delivered is:\n\n  varnish-misc@projects.example.no\n    Delay reason: SMTP error from remote mail server after end of data:\n    host projects.example.no [192.0.2.168]: 451 4.5.0 Error in processing, id=10075-01, mime_decode-1 FAILED:\n    MIME::Parser: can't open tmpfile: Invalid argument\n\nNo action is required on your part. Delivery attempts will continue for\nsome time, and this warning may be repeated at intervals if the message\nremains undelivered. Eventually the mail delivery software will give up,\nand when that happens, the message will be returned to you.\n",
		want: []formatWant{{"varnish-misc@projects.example.no", SystemError, false, "4.5.0", "Error in processing"}}},
	// "an endless email" (github.com/sympa-community/sympa/issues/1103):
	// Exim's delay warning "after more than 1728 hours on the queue",
	// with no delay reason; the paste joined the address to the line
	// that announces it, kept so. The answer: a matter of the mail
	// server's configuration. No reason named: a delay warning, expired
	// by doc.go.
	{name: "Exim delay, no reason, address on the heading line", from: "Mail Delivery System <Mailer-Daemon@sympa.example.org>", subject: "Warning: message 1kfN6Y-008w0k-CK delayed 1728 hours", action: "delayed",
		body: "This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 1728 hours on the queue on sympa.example.org.\n\nThe message identifier is: 1kfN6Y-008w0k-CK\nThe subject of the message is: UNSUBSCRIBE liste\nThe date of the message is: Wed, 18 Nov 2020 14:02:33 +0100\n\nThe address to which the message has not yet been delivered is: sympa@forums.example.net\n\nNo action is required on your part. Delivery attempts will continue for\nsome time, and this warning may be repeated at intervals if the message\nremains undelivered. Eventually the mail delivery software will give up,\nand when that happens, the message will be returned to you.\n",
		want: []formatWant{{"sympa@forums.example.net", Expired, false, "4", ""}}},
	// "[Bug] Message delivery failed to Gmail"
	// (github.com/hestiacp/hestiacp/issues/2828): Exim's delay warning
	// "after more than 72 hours on the queue", the address alone (the
	// paste made it a mailto link; put back as text), no delay reason:
	// expired by doc.go.
	{name: "Exim delay, 72 hours, no reason", from: "Mail Delivery System <Mailer-Daemon@hcp.example.tk>", subject: "Warning: message 1oGDan-0043iD-UY delayed 72 hours", action: "delayed",
		body: "This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its recipients after more than 72 hours on the queue on hcp.example.tk.\n\nThe message identifier is:     1oGDan-0043iD-UY\nThe date of the message is:    Tue, 26 Jul 2022 11:28:53 +0530\nThe subject of the message is: Re: test\n\nThe address to which the message has not yet been delivered is:\n\n  pushkar9@gmail.example\n\nNo action is required on your part. Delivery attempts will continue for some time, and this warning may be repeated at intervals if the message remains undelivered. Eventually the mail delivery software will give up, and when that happens, the message will be returned to you.\n",
		want: []formatWant{{"pushkar9@gmail.example", Expired, false, "4", ""}}},
	// "Mail sent to @aful.org and @lists.debian.org are blocked"
	// (github.com/schweikert/postgrey/issues/84): Exim's "SMTP error from
	// remote mail server after RCPT TO:<addr>: 450 4.2.0 <addr>: Recipient
	// address rejected: Greylisted, see http://postgrey.schweikert.ch/
	// help/<domain>.html": postgrey's greylisting (its help page: a new
	// client is told to come back later), retried. The paste starts at
	// the SMTP error; Exim's delay warning around it here.
	{name: "Exim delay, postgrey greylisted", from: "Mail Delivery System <Mailer-Daemon@mx.example.org>", subject: "Warning: message 1abcde-000123-AB delayed 24 hours", action: "delayed",
		body: eximWarn + "The address to which the message has not yet been delivered is:\n\n  mirabellug@aful.example\n    Delay reason: SMTP error from remote mail server after RCPT TO:<mirabellug@aful.example>:\n    450 4.2.0 <mirabellug@aful.example>: Recipient address rejected: Greylisted,\n    see http://postgrey.schweikert.ch/help/aful.example.html\n" + eximWarnEnd,
		want: []formatWant{{"mirabellug@aful.example", Blocked, false, "4.2.0", "Greylisted"}}},
	// "I cannot send or receive emails"-style scenario page of NexLAN
	// (nexlan.com/emailreturned.htm, Scenario 1, 2005): Exim's bounce,
	// "adam@...", "mailbox is full". The page: the recipient's mailbox is
	// full, they must delete messages (Exim's appendfile quota). The page
	// flattened the indentation; put back as Exim writes it.
	{name: "Exim, mailbox is full", from: "Mail Delivery System <Mailer-Daemon@thisdomain.example>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body: eximPre + "  adam@thisdomain.example\n    mailbox is full\n" + eximCopy,
		want: []formatWant{{"adam@thisdomain.example", MailboxFull, false, "", "mailbox is full"}}},
	// "broken email for lsusb AUTHOR Thomas Sailer in man page"
	// (github.com/gregkh/usbutils/issues/145): Postfix's block, a host's
	// Exim quoting the callout it made to Exchange Online: "550-Callout
	// verification failed: 550-550 5.1.10 RESOLVER.ADR.RecipientNotFound;
	// Recipient not found by SMTP 550 address lookup". Microsoft's NDR
	// page for 5.1.10: the recipient does not exist. The answer: no
	// updated address.
	{name: "Postfix, Exim callout to 5.1.10", from: "MAILER-DAEMON@mx.example.org (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<sailer@ife.example.ch>: host mc4.example.ch[192.0.2.12] said: 550-Callout\n    verification failed: 550-550 5.1.10 RESOLVER.ADR.RecipientNotFound;\n    Recipient not found by SMTP 550 address lookup (in reply to RCPT TO\n    command)\n",
		want: []formatWant{{"sailer@ife.example.ch", UserUnknown, true, "5", "RecipientNotFound"}}},
	// "1.1.0 email" (github.com/yasm/yasm/pull/71): onet.pl's Postfix
	// bounce, "550 5.1.1 <addr>: Recipient address rejected: User
	// unknown in local recipient table" (postconf(5),
	// local_recipient_maps: no such local user).
	{name: "Postfix, user unknown in local recipient table", from: "MAILER-DAEMON@smtp.poczta.example.pl (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host smtp.poczta.example.pl.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                  The mail system\n\n<yasm@tortall.example>: host narya.tortall.example[192.0.2.36] said: 550 5.1.1\n    <yasm@tortall.example>: Recipient address rejected: User unknown in local\n    recipient table (in reply to RCPT TO command)\n",
		want: []formatWant{{"yasm@tortall.example", UserUnknown, true, "5.1.1", "local recipient table"}}},
	// "Feedback message leads to 'Undelivered Mail Returned to Sender'"
	// (github.com/fairmondo/fairmondo/issues/183): Postfix's bounce of a
	// hosting provider's "550 5.1.1 <addr>: Recipient address rejected:
	// User unknown in virtual alias table" (postconf(5),
	// virtual_alias_maps: the domain's alias table lists no such
	// address); the address unquoted at the line's start.
	{name: "Postfix, user unknown in virtual alias table", from: "MAILER-DAEMON@mail.cloud.example.de (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mail1.example.de.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\nngofeedback@fairnopoly.example: host w00ec7a1.kasserver.example[192.0.2.73] said:\n    550 5.1.1 ngofeedback@fairnopoly.example: Recipient address rejected: User\n    unknown in virtual alias table (in reply to RCPT TO command)\n",
		want: []formatWant{{"ngofeedback@fairnopoly.example", UserUnknown, true, "5.1.1", "virtual alias table"}}},
	// "Undelivered Mail Returned to Sender"
	// (github.com/littleyoda/hibiscus.depotviewer/issues/67): Postfix's
	// own virtual alias lookup, no remote host, "<x> (expanded from
	// <addr>): User unknown in virtual alias table" (postconf(5),
	// virtual_alias_maps). The paste redacted the expanded address
	// ("<XXXXXXXX"); an example one stands for it. The answer: fixed on
	// the receiving side.
	{name: "Postfix, expanded alias unknown locally", from: "MAILER-DAEMON@z124.zebra.example.de (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host z124.zebra.example.de.\n\nI'm sorry to have to inform you that your message could not be delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can delete your own text from the attached returned message.\n\n                   The mail system\n\n<dv.owner@open4me.example> (expanded from <depotviewer@open4me.example>): User unknown in\n    virtual alias table\n",
		want: []formatWant{{"dv.owner@open4me.example", UserUnknown, true, "5", "virtual alias table"}}},
	// "rt@rt.planetalinux.org rechazado"
	// (github.com/planetalinux/planetalinux/issues/15): Postfix's DSN of
	// its LMTP delivery to Cyrus, "550-Mailbox unknown. Either there is
	// no mailbox associated with this 550-name or you do not have
	// authorization to see it. 550 5.1.1 User unknown", Status 5.1.1.
	// Cyrus's lmtpd answers so for a mailbox it does not have (RFC 3463
	// X.1.1).
	{name: "Postfix DSN, Cyrus LMTP mailbox unknown", from: "MAILER-DAEMON@menteslibres.example (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body:   "This is the mail system at host menteslibres.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\nrt@rt.planetalinux.example: host menteslibres.example[/var/run/cyrus/socket/lmtp]\n   said: 550-Mailbox unknown.  Either there is no mailbox associated with this\n   550-name or you do not have authorization to see it. 550 5.1.1 User unknown\n   (in reply to RCPT TO command)\n",
		report: "Reporting-MTA: dns; menteslibres.example\nX-Postfix-Queue-ID: C44D8BF411\nX-Postfix-Sender: rfc822; sender@example.org\nArrival-Date: Thu,  4 Feb 2010 17:52:23 -0600 (CST)\n\nFinal-Recipient: rfc822; rt@rt.planetalinux.example\nOriginal-Recipient: rfc822;rt@rt.planetalinux.example\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; menteslibres.example\nDiagnostic-Code: smtp; 550-Mailbox unknown.  Either there is no mailbox\n   associated with this 550-name or you do not have authorization to see it.\n   550 5.1.1 User unknown\n",
		want:   []formatWant{{"rt@rt.planetalinux.example", UserUnknown, true, "5.1.1", "Mailbox unknown"}}},
	// "Mailingserver lists.dogtagpki.org unreachable"
	// (github.com/dogtagpki/pki/issues/5006): Postfix's bounce weeks after
	// sending, "<addr>: connect to <host>[<ip>]:25: Connection timed out":
	// the list host never answered (the thread's telnet timed out too);
	// Postfix gave up when maximal_queue_lifetime ran out (given up).
	{name: "Postfix, connection timed out until given up", from: "MAILER-DAEMON@mx3.example.io (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mx3.example.io.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<users@lists.dogtagpki.example>: connect to lists.dogtagpki.example[192.0.2.251]:25:\n    Connection timed out\n",
		want: []formatWant{{"users@lists.dogtagpki.example", Expired, false, "", "Connection timed out"}}},
	// "Mailing lists" (github.com/creativecommons/internal/issues/42):
	// Postfix's pipe to Mailman, "Command died with status 1:
	// "/usr/lib/mailman/mail/mailman post cc-europe". Command output:
	// post script, list not found: cc-europe", with the DSN fields the
	// reader's client showed in the text (Status 5.3.0, x-unix). The
	// thread: the list was gone ("cc-europe doesn't exist"); Mailman's
	// scripts/post writes "post script, list not found" and exits 1 when
	// no list has the name ("Make sure the list exists"): the address
	// does not exist.
	{name: "Postfix, Mailman list not found", from: "MAILER-DAEMON@lists.ibiblio.example (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host lists.ibiblio.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<cc-europe@lists.ibiblio.example>: Command died with status 1:\n    \"/usr/lib/mailman/mail/mailman post cc-europe\". Command output: post\n    script, list not found: cc-europe\n\nFinal-Recipient: rfc822; cc-europe@lists.ibiblio.example\nAction: failed\nStatus: 5.3.0\nDiagnostic-Code: x-unix; post script, list not found: cc-europe\n",
		want: []formatWant{{"cc-europe@lists.ibiblio.example", UserUnknown, true, "5", "list not found"}}},
	// "Phorum announce list error." (github.com/Phorum/Core/issues/890):
	// qmail-send's bounce, "Connected to <ip> but greeting failed.",
	// "Remote host said: 450 4.7.1 Client host rejected: cannot find
	// your hostname, [<ip>]" and "I'm not going to try again; this
	// message has been in the queue too long.": the receiver's Postfix
	// refused the client for its missing reverse DNS
	// (reject_unknown_client_hostname, postconf(5)), for now, until qmail
	// gave up. The reason the receiver named is the reverse DNS.
	{name: "qmail, greeting refused for reverse DNS until given up", from: "MAILER-DAEMON@phorum.example.org", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at phorum.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<phorum-announce-request@lists.phorum.example>:\nConnected to 192.0.2.42 but greeting failed.\nRemote host said: 450 4.7.1 Client host rejected: cannot find your hostname, [198.51.100.243]\nI'm not going to try again; this message has been in the queue too long.\n",
		want: []formatWant{{"phorum-announce-request@lists.phorum.example", RequirePTR, false, "", "cannot find your hostname"}}},
	// "FW: failure notice" (github.com/Perl/perl5/issues/681, 1999):
	// qmail-send's bounce for four recipients whose list entries held
	// their display names ("<Irfan Siddiqui <x@sabre.com>>:"), each
	// "Sorry, I couldn't find any host named sabre.com>. (#5.1.2)":
	// qmail-remote found no host by the name it took from the malformed
	// address (RFC 3463 X.1.2, bad destination system), the address as
	// written undeliverable. The forward's quoting is taken off. The
	// text's addresses are reported as it writes them (spellRecipients),
	// as for every recipient read from a notice's text.
	{name: "qmail 1999, four recipients, no host named", from: "MAILER-DAEMON@tmtowtdi.example.org", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at tmtowtdi.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<Irfan Siddiqui <irfan.siddiqui@sabre.example>>:\nSorry, I couldn't find any host named sabre.example>. (#5.1.2)\n\n<\"Philpott, Tammie N\" <tammie.n.philpott@lmco.example>>:\nSorry, I couldn't find any host named lmco.example>. (#5.1.2)\n\n<Gerard Tromp <tromp@sanger.med.example.edu>>:\nSorry, I couldn't find any host named sanger.med.example.edu>. (#5.1.2)\n\n<\"Hensgens, Richard\" <Richard.Hensgens@nl.origin-it.example>>:\nSorry, I couldn't find any host named nl.origin-it.example>. (#5.1.2)\n\n" + qmailCopy,
		want: []formatWant{
			{"irfan.siddiqui@sabre.example", HostUnknown, true, "5.1.2", "couldn't find any host"},
			{"tammie.n.philpott@lmco.example", HostUnknown, true, "5.1.2", "couldn't find any host"},
			{"tromp@sanger.med.example.edu", HostUnknown, true, "5.1.2", "couldn't find any host"},
			{"Richard.Hensgens@nl.origin-it.example", HostUnknown, true, "5.1.2", "couldn't find any host"},
		}},
	// "Email link ofcio@omb.eop.gov on website does not work"
	// (github.com/ombegov/policy-v2/issues/138): Gmail's "Address not
	// found", "Your message wasn't delivered to <addr> because the
	// address couldn't be found, or is unable to receive mail.", "The
	// response was: 550 #5.1.0 Address rejected." and its DSN (Status
	// 5.0.0). The receiving gateway's "#5.1.0 Address rejected" refuses
	// an address its recipient check does not know (hosting pages list it
	// among the replies for an address that does not exist, e.g.
	// Black Pearl Mail's "Bounce Messages"); the reporter found the
	// address dead.
	{name: "Gmail DSN, #5.1.0 Address rejected", from: gmailFrom, subject: "Delivery Status Notification (Failure)", action: "failed",
		body:   "Address not found\n\nYour message wasn't delivered to ofcio@omb.example.gov because the address couldn't be found, or is unable to receive mail.\n\nThe response was:\n\n550 #5.1.0 Address rejected.\n",
		report: "Reporting-MTA: dns; googlemail.com\nArrival-Date: Fri, 04 May 2018 07:49:29 -0700 (PDT)\n\nFinal-Recipient: rfc822; ofcio@omb.example.gov\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; inbound.mail.dmz.example.gov. (192.0.2.17, the server for the\n domain omb.example.gov.)\nDiagnostic-Code: smtp; 550 #5.1.0 Address rejected.\nLast-Attempt-Date: Fri, 04 May 2018 07:49:30 -0700 (PDT)\n",
		want:   []formatWant{{"ofcio@omb.example.gov", UserUnknown, true, "5", "Address rejected"}}},
	// "users@lists.ledgersmb.org is down"
	// (github.com/ledgersmb/LedgerSMB/issues/7810): Gmail's "Message not
	// delivered", "Your message couldn't be delivered to <addr> because
	// the remote server is misconfigured." and "554 5.7.1 <addr>: Relay
	// access denied" (Postfix's reject_unauth_destination: the host
	// would not relay for the list's domain). The list's host fixed its
	// configuration. The Markdown took the asterisks around the
	// heading; put back as Gmail writes it.
	{name: "Gmail, list host relay access denied", from: gmailFrom, subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "** Message not delivered **\n\nYour message couldn't be delivered to users@lists.ledgersmb.example because the remote server is misconfigured. See the technical details below for more information.\n\nThe response from the remote server was:\n554 5.7.1 <users@lists.ledgersmb.example>: Relay access denied\n",
		want: []formatWant{{"users@lists.ledgersmb.example", NoRelaying, false, "5.7.1", "Relay access denied"}}},
	// "defunct list" (github.com/sipwise/sipsak/issues/6): Gmail's older
	// notice, "Delivery to the following recipient failed permanently:",
	// "DNS Error: ... DNS type 'mx' lookup of <domain> responded with code
	// NXDOMAIN" and "Domain name not found": the list's domain was taken
	// offline (the answer).
	{name: "Gmail old notice, NXDOMAIN", from: gmailFrom, subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "Delivery to the following recipient failed permanently:\n\n     sipsak@lists.sipsak.example\n\nTechnical details of permanent failure:\nDNS Error: 113013016 DNS type 'mx' lookup of lists.sipsak.example responded with code NXDOMAIN\nDomain name not found: lists.sipsak.example\n",
		want: []formatWant{{"sipsak@lists.sipsak.example", HostUnknown, true, "5", "NXDOMAIN"}}},
}

// Left out, misread with no published source for a reading: Gmail's
// "Address not found", "Your message wasn't delivered to x because the
// domain y couldn't be found." (github.com/samouraiworld/zenao/issues/646,
// the paste without the notice's technical details), read as onhold; no
// page of Google's that gives those words was found (its SMTP error
// reference lists the replies, not the notice's own sentences); and a
// Postfix bounce of a list member's Google-hosted alumni account, "550-5.7.1
// Alumni email service over limit, email blocked outside x. Messages to/from
// non-x accounts will not be sent or received."
// (github.com/openstreetmap/operations/issues/1152), the recipient's
// account closed to outside senders by its words, read as a block of the
// sending host ("email blocked"); the page the reply links could not be
// read, and no rule is made from the reply's words alone.

// TestExternalQA4 reads the fourth round of pasted bounces above.
func TestExternalQA4(t *testing.T) { checkFormats(t, qa4Layouts) }
