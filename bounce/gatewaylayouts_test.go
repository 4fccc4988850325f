package bounce

import "testing"

// gatewayLayouts are the notices of mail security gateways and sending or
// forwarding services, each laid out as a published source shows it (the
// source is named above each case). Only the text part is sent, so the
// reading of the text decides.
var gatewayLayouts = []formatCase{
	// Symantec/Broadcom Email Security.cloud (MessageLabs): the notice
	// from MAILER-DAEMON@messagelabs.com, subject "failure notice", "This
	// is the mail delivery agent at messagelabs.com." then a qmail-style
	// block, "<addr>:", "<host> does not like recipient.", "Remote host
	// said: <reply>", as the comments of the open-source Java bounce
	// parser eris.parser.providers.MessageLabsParser show it (its Parse
	// method); Broadcom knowledge article 162445 ("Outbound Mail returned
	// by MAILER-DAEMON@messagelabs.com") names the sender and says the
	// notice carries the recipient server's refusal. The reply's words
	// are those QQ Mail publishes for a recipient that got too much mail
	// in a short time (rules.go: smtp.codes/qq, QQ's help no=1000742): a
	// rate, not a missing mailbox.
	{name: "MessageLabs", from: "MAILER-DAEMON@messagelabs.com", subject: "failure notice", action: "failed",
		body: "This is the mail delivery agent at messagelabs.com.\nI was not able to deliver your message to the following addresses.\n\n<gone@example.net>:\n192.0.2.16 does not like recipient.\nRemote host said: 550 Mailbox unavailable or access denied - <gone@example.net>\n",
		want: []formatWant{{"gone@example.net", Speeding, false, "5", "Mailbox unavailable"}}},
	// Amazon SES receiving with the Lambda forwarder of the
	// aws-lambda-ses-forwarder family (index.js, exports.sendMessage):
	// when the forward fails it mails the sender "Delivery Status
	// Notification (Failure)", "An error occurred while trying to
	// deliver the mail to the following recipients: <addrs>", a
	// sentence, and "SMTP Reply Code = 550, SMTP Status Code = 5.1.1"
	// (or 552 and 5.3.4 for the size).
	{name: "SES forwarder, not found", from: "notify@example.org", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "An error occurred while trying to deliver the mail to the following recipients: gone@example.net\n\nYour email was rejected. The email address was not found. Please check the receiving email address.\n\nSMTP Reply Code = 550, SMTP Status Code = 5.1.1",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "SMTP Status Code = 5.1.1"}}},
	{name: "SES forwarder, size", from: "notify@example.org", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "An error occurred while trying to deliver the mail to the following recipients: big@example.net\n\nYour email was rejected. Please ensure that the size of your mail is less than 10 MB.\n\nSMTP Reply Code = 552, SMTP Status Code = 5.3.4",
		want: []formatWant{{"big@example.net", MesgTooBig, false, "5.3.4", "SMTP Status Code = 5.3.4"}}},
	// Forward Email (forward-email's index.js, ForwardEmail.getBounceStream):
	// "Mail Delivery Subsystem <mailer-daemon@HOST>", X-Failed-Recipients,
	// "Your message wasn't delivered to <addr> due to an error.", "The
	// response was:", the remote reply, "If you need help, forward this
	// to ...".
	{name: "Forward Email", from: "Mail Delivery Subsystem <mailer-daemon@mx1.example.org>", subject: "Delivery Status Notification (Failure)", header: "X-Failed-Recipients: gone@example.net\n", action: "failed",
		body: "Your message wasn't delivered to gone@example.net due to an error.\n\nThe response was:\n\n550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table\n\nIf you need help, forward this to support@example.org or visit https://example.org.\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
	{name: "Forward Email, no header", from: "Mail Delivery Subsystem <mailer-daemon@mx1.example.org>", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "Your message wasn't delivered to full@example.net due to an error.\n\nThe response was:\n\n552 5.2.2 Mailbox full\n\nIf you need help, forward this to support@example.org or visit https://example.org.\n",
		want: []formatWant{{"full@example.net", MailboxFull, false, "5.2.2", "Mailbox full"}}},
	// AOL's Sendmail notice with the "*** ATTENTION ***" explanation
	// signed "--AOL Postmaster" before the Sendmail sections, as
	// Mail-DeliveryStatus-BounceParser's t/corpus/aol.unknown.msg holds
	// it (its text part only here).
	{name: "AOL", from: "Mail Delivery Subsystem <MAILER-DAEMON@aol.com>", subject: "Returned mail: User unknown", action: "failed",
		body: "The original message was received at Tue, 6 Jun 2006 17:53:01 -0400 (EDT)\nfrom mx.example.org [192.0.2.98]\n\n\n*** ATTENTION ***\n\nYour e-mail is being returned to you because there was a problem with its\ndelivery.  The address which was undeliverable is listed in the section\nlabeled: \"----- The following addresses had permanent fatal errors -----\".\n\nThe reason your mail is being returned to you is listed in the section\nlabeled: \"----- Transcript of Session Follows -----\".\n\nThe line beginning with \"<<<\" describes the specific reason your e-mail could\nnot be delivered.  The next line contains a second error message which is a\ngeneral translation for other e-mail servers.\n\nPlease direct further questions regarding this message to your e-mail\nadministrator.\n\n--AOL Postmaster\n\n\n\n   ----- The following addresses had permanent fatal errors -----\n<gone@example.net>\n\n   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> RCPT To:<gone@example.net>\n<<< 550 MAILBOX NOT FOUND\n550 <gone@example.net>... User unknown\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5", "MAILBOX NOT FOUND"}}},
}

// TestGatewayLayouts reads both sets: the notices their senders' own
// code or documentation shows, and those posted in full.
func TestGatewayLayouts(t *testing.T) {
	checkFormats(t, gatewayLayouts)
	checkFormats(t, postedLayouts)
}

// postedLayouts are the notices of gateways and mailbox providers taken
// from notices people posted in full (the page is named above each).
var postedLayouts = []formatCase{
	// Outlook.com/Hotmail: "From: <postmaster@mail.hotmail.com>",
	// "Delivery Status Notification (Failure)", "This is an automatically
	// generated Delivery Status Notification." then "Delivery to the
	// following recipients failed." and the address indented, with no
	// reply in the text (pastebin.com/aTHb5pnq; the same text in
	// pastebin.com/CPtpMARD). Nothing names the cause: a diagnostic
	// without a reason, OnHold (doc.go).
	{name: "Hotmail", from: "<postmaster@mail.hotmail.com>", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "This is an automatically generated Delivery Status Notification.\n\nDelivery to the following recipients failed.\n\n       gone@example.net\n\n",
		want: []formatWant{{"gone@example.net", OnHold, false, "5", "following recipients failed"}}},
	// AppRiver SecureTide's outbound gateway (MAILER-DAEMON@outbound.appriver.com,
	// CommuniGate Pro underneath) writes Exchange's layout: "Delivery has
	// failed to these recipients or groups:", the address, an
	// explanation, "Diagnostic information for administrators:",
	// "Generating server:", the address again and "Remote Server returned
	// '< #5.0.0 smtp;<text>>'" (pastebin.com/0VGh2ZNJ).
	{name: "AppRiver", from: "MAILER-DAEMON@outbound.appriver.com", subject: "Undeliverable: hello", action: "failed",
		body: "Delivery has failed to these recipients or groups:\n\nnoreply@example.net\nA problem occurred while delivering this message to this email address. Try sending this message again. If the problem continues, please contact your helpdesk.\n\n\n\nDiagnostic information for administrators:\n\nGenerating server: outbound.example.com\n\nnoreply@example.net\nRemote Server returned '< #5.0.0 smtp;Your response was sent to a notification-only address. If you wish to make an unsecure reply to the sender of the original message, you must type their email address in the \"TO\" field.>'\n\nOriginal message headers:\n\n" + returned,
		want: []formatWant{{"noreply@example.net", OnHold, false, "5.0.0", "notification-only address"}}},
	// Yahoo's older notice (a modified qmail): "Message from  yahoo.com.",
	// "Unable to deliver message to the following address(es).", then
	// "<addr>:" and Yahoo's words, and "--- Original message follows.",
	// as Ecartis's bouncer module shows it (bouncer comments above
	// parse_yahoo_bounce: "here in samColo" and "Sorry, your message to
	// <addr> cannot be delivered.  This account is overquota.") and
	// Majordomo 2's Bf::Parser (parse_qmail's documentation: "User is
	// over the quota.  You can try again later.").
	{name: "Yahoo, over quota", from: "MAILER-DAEMON@yahoo.com", subject: "failure delivery", action: "failed",
		body: "Message from  yahoo.com.\nUnable to deliver message to the following address(es).\n\n<full@yahoo.example>:\nhere in samColo\nSorry, your message to full@yahoo.example cannot be delivered.  This account is overquota.\nSorry, your message to full@yahoo.example cannot be delivered.  This account is overquota.\n\n--- Original message follows.\n\n" + returned,
		want: []formatWant{{"full@yahoo.example", MailboxFull, false, "5", "overquota"}}},
	{name: "Yahoo, over the quota", from: "MAILER-DAEMON@yahoo.com", subject: "failure delivery", action: "failed",
		body: "Message from  yahoo.com.\nUnable to deliver message to the following address(es).\n\n<full@yahoo.example>:\nUser is over the quota.  You can try again later.\n\n\n--- Original message follows.\n\n" + returned,
		want: []formatWant{{"full@yahoo.example", MailboxFull, false, "5", "over the quota"}}},
	// Google Groups refusing a post: "Mail Delivery Subsystem", "Hello
	// <sender>,", "We're writing to let you know that the group you
	// tried to contact (<name>) may not exist, or you may not have
	// permission to post messages to the group. A few more details on
	// why you weren't able to post:", four bullets, the Help Center and
	// "Google Groups" (the notice as quoted in full on the git mailing
	// list, 23 Nov 2017, "Re: Delivery Status Notification (Failure)").
	// The group's address is only in X-Failed-Recipients, which such
	// notices carry with no status part.
	{name: "Google Groups", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Failure)", header: "X-Failed-Recipients: some-group@googlegroups.com\n", action: "failed",
		body: "Hello sender@example.org,\n\nWe're writing to let you know that the group you tried to contact (some-group) may not exist, or you may not have permission to post messages to the group. A few more details on why you weren't able to post:\n\n * You might have spelled or formatted the group name incorrectly.\n * The owner of the group may have removed this group.\n * You may need to join the group before receiving permission to post.\n * This group may not be open to posting.\n\nIf you have questions related to this or any other Google Group, visit the Help Center at https://groups.google.com/support/.\n\nThanks,\n\nGoogle Groups\n",
		want: []formatWant{{"some-group@googlegroups.com", Rejected, false, "5", "may not have permission to post"}}},
	// Cisco Secure Email (IronPort AsyncOS): "The following message to
	// <addr> was undeliverable.", "The reason for the problem:", then the
	// appliance's own status and its text ("5.3.0 - Other mail system
	// problem", "5.1.0 - Unknown address error") and the remote reply
	// quoted after its code ("550-'...'"). As archived on the osst-users
	// list (lists.sourceforge.net, "Delivery Status Notification
	// (Failure)", 15 Nov 2020; the returned message carries the
	// appliance's IronPort-SDR and X-IronPort-AV fields, the DSN's
	// Diagnostic-Code ends "(delivery attempts: 0)") and as quoted on
	// linux-media (8 Aug 2025, "Mikhail's e-mail is bouncing").
	{name: "IronPort, SPF", from: "\"Mail Delivery System\" <MAILER-DAEMON@mx.example.org>", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "The following message to <spf@example.net> was undeliverable.\nThe reason for the problem:\n5.3.0 - Other mail system problem 550-'SPF check failed [MPf7Mks9mtErD1Fu  IP: 192.0.2.43]. http://service.mail.example.net/cgi-bin/help?subtype=1&&no=1001445&&id=20022.'\n",
		want: []formatWant{{"spf@example.net", AuthFailure, false, "5", "SPF check failed"}}},
	{name: "IronPort, unknown address", from: "\"Mail Delivery System\" <MAILER-DAEMON@mx.example.org>", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "The following message to <gone@example.net> was undeliverable.\nThe reason for the problem:\n5.1.0 - Unknown address error 550-\"5.1.1 The email account that you tried to\nreach does not exist. Please try\\n5.1.1 double-checking the recipient's email\naddress for typos or\\n5.1.1 unnecessary spaces. For more information, go\nto\\n5.1.1  https://support.google.com/mail/?p=NoSuchUser\nd75a77b69052e-4b07f8ba752si46048731cf.823 - gsmtp\"\n",
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1", "does not exist"}}},
	// GMX (United Internet): "\"GMX Mailer Daemon\" <mailer-daemon@gmx.de>",
	// "Mail delivery failed: returning message to sender", Exim's
	// preamble, the address flush left with a colon, then "SMTP error
	// from remote server for RCPT TO command, host: <host> (<ip>) reason:
	// <reply>" with the multi-line reply as it came, and "--- The header
	// of the original message is following. ---"; a single text/plain
	// part, no delivery-status (deltachat-core-rust,
	// test-data/message/gmx_ndn.eml).
	{name: "GMX", from: "\"GMX Mailer Daemon\" <mailer-daemon@gmx.de>", subject: "Mail delivery failed: returning message to sender", action: "failed",
		body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address(es)\nfailed:\n\ngone@example.net:\nSMTP error from remote server for RCPT TO command, host: gmail-smtp-in.l.google.com (192.0.2.27) reason: 550-5.1.1 The email account that you tried to reach does not exist. Please\n try\n550-5.1.1 double-checking the recipient's email address for typos or\n550-5.1.1 unnecessary spaces. Learn more at\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser f6si2517766wmc.21\n9 - gsmtp\n\n\n\n--- The header of the original message is following. ---\n\n" + returned,
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "does not exist"}}},
	// AOL since its mail runs on Yahoo's: "From: MAILER-DAEMON@yahoo.com",
	// "Failure Notice", "Sorry, we were unable to deliver your message to
	// the following address.", "<addr>:" and the reply with a colon after
	// its code ("550: 5.1.1 <addr>: ..."), "--- Below this line is a copy
	// of the message." (deltachat-core-rust, test-data/message/aol_ndn.eml,
	// 10 Jun 2020).
	{name: "AOL on Yahoo", from: "MAILER-DAEMON@yahoo.com", subject: "Failure Notice", action: "failed",
		body: "Sorry, we were unable to deliver your message to the following address.\n\n<gone@example.net>:\n550: 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table\n\n--- Below this line is a copy of the message.\n\n" + returned,
		want: []formatWant{{"gone@example.net", UserUnknown, true, "5.1.1", "User unknown"}}},
	// Yahoo's own refusal in the same notice: "554: delivery error: dd
	// Not a valid recipient - atlas117.free.mail.ne1.yahoo.com"
	// (deltachat-core-rust, test_parse_ndn_yahoo, test-data/message/yahoo_ndn.eml).
	{name: "Yahoo, not a valid recipient", from: "MAILER-DAEMON@yahoo.com", subject: "Failure Notice", action: "failed",
		body: "Sorry, we were unable to deliver your message to the following address.\n\n<gone@yahoo.example>:\n554: delivery error: dd Not a valid recipient - atlas117.free.mail.ne1.yahoo.com\n\n--- Below this line is a copy of the message.\n\n" + returned,
		want: []formatWant{{"gone@yahoo.example", UserUnknown, true, "5", "Not a valid recipient"}}},
	// Tiscali's notice (From "Mail Delivery System
	// <mail-daemon@smtp.tiscali.it>", "Delivery status notification"):
	// "This is an automatically generated Delivery Status Notification."
	// centred, "Delivery to the following recipients was aborted after 2
	// second(s):" and each address after "  * "; the reply is only in the
	// delivery-status part, so the text alone names no cause
	// (deltachat-core-rust, test-data/message/tiscali_ndn.eml).
	{name: "Tiscali", from: "Mail Delivery System <mail-daemon@smtp.tiscali.example>", subject: "Delivery status notification", action: "failed",
		body: "      This is an automatically generated Delivery Status Notification.      \n\nDelivery to the following recipients was aborted after 2 second(s):\n\n  * gone@example.net\n\n\n",
		want: []formatWant{{"gone@example.net", OnHold, false, "5", "aborted"}}},
}
