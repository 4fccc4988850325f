package bounce

import (
	"mime"
	"strings"
	"testing"
)

// autoReplyRow is one whole message of TestAutoReplies: an auto-reply as a
// product writes it (want KindAutoReply, reason vacation, the replying
// address as recipient), or a message that must not be read as one.
type autoReplyRow struct {
	name, source string
	msg          string
	want         Kind
}

// arMsg builds a message from header lines and a body, with CRLF line ends.
func arMsg(body string, header ...string) string {
	return strings.Join(header, "\r\n") + "\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
}

// arSubj writes a subject as a MIME encoded-word (RFC 2047), as Exchange
// and most webmails write a subject that is not ASCII.
func arSubj(s string) string { return "Subject: " + mime.BEncoding.Encode("utf-8", s) }

// arReport builds a multipart/report (RFC 6522) of the given report type,
// with a text part and the report's fields.
func arReport(from, to, subject, reportType, text, fields string, header ...string) string {
	part := "message/" + reportType
	body := "--b\nContent-Type: text/plain\n\n" + text + "\n--b\nContent-Type: " + part + "\n\n" + fields + "\n--b--"
	h := append([]string{"From: " + from, "To: " + to, "Subject: " + subject}, header...)
	h = append(h, "MIME-Version: 1.0", "Content-Type: multipart/report; report-type="+reportType+"; boundary=b")
	return arMsg(body, h...)
}

// pigeonhole is the header Pigeonhole's vacation action writes around the
// subject it is given (dovecot/pigeonhole,
// src/lib-sieve/plugins/vacation/cmd-vacation.c, act_vacation_send:
// X-Sieve, Message-ID, Date, From, To, Subject, In-Reply-To, References,
// "Auto-Submitted: auto-replied (vacation)", "Precedence: bulk").
func pigeonhole(subject, body string) string {
	return arMsg(body,
		"X-Sieve: Pigeonhole Sieve 0.5.19",
		"Message-ID: <dovecot-sieve-1700000000-1-0@mail.example.net>",
		"Date: Mon, 12 May 2025 09:00:00 +0200",
		"From: <jdoe@example.net>",
		"To: <sender@example.org>",
		"Subject: "+subject,
		"In-Reply-To: <20250512065959.1@example.org>",
		"References: <20250512065959.1@example.org>",
		"Auto-Submitted: auto-replied (vacation)",
		"Precedence: bulk",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit")
}

// outlookOOF is an Exchange or Outlook automatic reply as it reaches the
// sender: the subject the server's template writes, the Exchange header
// fields seen on such replies (zammad/zammad,
// test/unit/email_process_out_of_office_test.rb: X-MS-Has-Attach,
// X-Auto-Response-Suppress: All, X-MS-TNEF-Correlator) but not the inbox
// rules field that marks the server's own reply, so that the subject is
// what is tested.
func outlookOOF(subjectLine, body string) string {
	return arMsg(body,
		"From: Jane Doe <jdoe@example.net>",
		"To: Sales <sender@example.org>",
		subjectLine,
		"Thread-Topic: Quarterly figures",
		"Date: Mon, 12 May 2025 07:00:01 +0000",
		"Message-ID: <AM0PR01MB1234@AM0PR01MB1234.eurprd01.prod.example.net>",
		"Content-Language: en-US",
		"X-MS-Has-Attach:",
		"X-MS-TNEF-Correlator:",
		"Content-Type: text/plain; charset=\"utf-8\"",
		"MIME-Version: 1.0")
}

// autoReplyRows are the first-contact set, written from the products'
// templates and sources before Parse was run on any of them.
var autoReplyRows = []autoReplyRow{
	// Pigeonhole (Dovecot) sieve vacation, and the webmails that write its
	// scripts: Pigeonhole supplies "Auto: <subject>", or "Automated reply"
	// when the message had none, when the script gives no :subject.
	{"Pigeonhole default subject", "dovecot/pigeonhole cmd-vacation.c", pigeonhole("Auto: Quarterly figures", "I am away until 19 May."), KindAutoReply},
	{"Pigeonhole no subject", "dovecot/pigeonhole cmd-vacation.c", pigeonhole("Automated reply", "I am away until 19 May."), KindAutoReply},
	{"Roundcube managesieve rule", "vhost-api/vhost-api testdata roundcube.sieve (:subject \"Out of Office notification\") through Pigeonhole", pigeonhole("Out of Office notification", "Back on Monday."), KindAutoReply},
	{"Nextcloud Mail Re: subject", "nextcloud/mail tests/data/sieve-vacation-on-subject-placeholder.sieve (:subject \"Re: ${subject}\") through Pigeonhole", pigeonhole("Re: Quarterly figures", "I'm on vacation."), KindAutoReply},
	{"Nextcloud Mail On vacation", "nextcloud/mail tests/data/sieve-vacation-on.sieve (:subject \"On vacation\") through Pigeonhole", pigeonhole("On vacation", "I'm on vacation."), KindAutoReply},
	{"iRedMail sample rule", "FlorianHeigl/iredmail samples/vacation.sieve (:subject \"Auto-Reply: I'm out of office.\")", pigeonhole("Auto-Reply: I'm out of office.", "I'm out of office, i will contact you when i'm back."), KindAutoReply},
	{"Cyrus sieve vacation", "cyrusimap/cyrus-imapd sieve test script (:subject \"Automatic response to: ${1}\"); RFC 5230 vacation replies carry Auto-Submitted", arMsg("I'm away -- send mail to foo in my absence",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: Automatic response to: Quarterly figures",
		"In-Reply-To: <20250512065959.1@example.org>", "Auto-Submitted: auto-replied (vacation)"), KindAutoReply},

	// Zimbra, iCloud and Gmail as a help desk's out-of-office filter saw
	// them (zammad/zammad test/unit/email_process_out_of_office_test.rb).
	{"Zimbra", "zammad email_process_out_of_office_test.rb (zimbra)", arMsg("Some Text",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: [Ticket#1000001] Quarterly figures",
		"Auto-Submitted: auto-replied (zimbra; vacation)", "Precedence: bulk", "X-Mailer: Zimbra 7.1.3_GA_3346"), KindAutoReply},
	{"iCloud", "zammad email_process_out_of_office_test.rb (cloud)", arMsg("Some Text",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: [Ticket#1000001] Quarterly figures",
		"Auto-submitted: auto-replied; owner-email=\"jdoe@example.net\""), KindAutoReply},
	{"Gmail vacation responder", "zammad email_process_out_of_office_test.rb (gmail)", arMsg("Some Text",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: vacation: [Ticket#1000001] Quarterly figures",
		"Precedence: bulk", "X-Autoreply: yes", "Auto-Submitted: auto-replied"), KindAutoReply},
	{"Gmail responder, own subject", "developers.google.com Gmail API VacationSettings (responseSubject is the user's text)", arMsg("Thanks for writing. I read mail on Fridays.",
		"From: Jane Doe <jdoe@example.net>", "To: sender@example.org", "Subject: Thanks for your message", "Auto-Submitted: auto-replied"), KindAutoReply},

	// Exchange's own out-of-office reply, recognised by its header fields
	// whatever its subject (zammad's two Exchange examples).
	{"Exchange OOF by headers", "zammad email_process_out_of_office_test.rb (ms #1)", arMsg("Some Text",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: [Ticket#1000001] Quarterly figures",
		"X-MS-Has-Attach:", "X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: jdoe@example.net",
		"X-MS-TNEF-Correlator:", "x-olx-disclaimer: Done"), KindAutoReply},
	{"Exchange OOF by headers, Exclaimer", "zammad email_process_out_of_office_test.rb (ms #2)", arMsg("Some Text",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: [Ticket#1000001] Quarterly figures",
		"X-MS-Has-Attach:", "X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: jdoe@example.net",
		"X-MS-TNEF-Correlator:", "x-exclaimer-md-config: 8c10826d-4052-4c5c-a8e8-e09011276827"), KindAutoReply},

	// Outlook's Automatic Replies by subject, in the languages of its
	// template (Set-MailboxAutoReplyConfiguration: "Automatic reply:";
	// stackoverflow.com/questions/1027395's list of subjects seen;
	// blog.vamsoft.com/2006/10/05/automatic-everything: Exchange 2003's
	// subjects in 14 languages; gist wesbos/d7877929...).
	{"Outlook English", "Set-MailboxAutoReplyConfiguration", outlookOOF("Subject: Automatic reply: Quarterly figures", "I am out of the office until 19 May."), KindAutoReply},
	{"Outlook German", "wesbos gist; SO 1027395", outlookOOF(arSubj("Automatische Antwort: Quartalszahlen"), "Ich bin bis 19. Mai nicht im Büro."), KindAutoReply},
	{"Outlook French", "SO 1027395", outlookOOF(arSubj("Réponse automatique : Chiffres trimestriels"), "Je suis absente jusqu'au 19 mai."), KindAutoReply},
	{"Outlook Spanish", "SO 1027395", outlookOOF(arSubj("Respuesta automática: Cifras trimestrales"), "Estoy fuera de la oficina."), KindAutoReply},
	{"Outlook Italian", "existing Zimbra/hostpoint citation", outlookOOF("Subject: Risposta automatica: Dati trimestrali", "Sono fuori ufficio."), KindAutoReply},
	{"Outlook Dutch", "SO 1027395; wesbos gist", outlookOOF("Subject: Automatisch antwoord: Kwartaalcijfers", "Ik ben afwezig."), KindAutoReply},
	{"Outlook Portuguese", "vamsoft (Resposta automática ...)", outlookOOF(arSubj("Resposta automática: Números trimestrais"), "Estou ausente."), KindAutoReply},
	{"Outlook Polish modern", "Outlook pl (no source read)", outlookOOF(arSubj("Automatyczna odpowiedź: Wyniki kwartalne"), "Jestem poza biurem."), KindAutoReply},
	{"Exchange 2003 Polish", "vamsoft (Autoodpowiedź (poza biurem))", outlookOOF(arSubj("Autoodpowiedź (poza biurem)"), "Jestem poza biurem."), KindAutoReply},
	{"Outlook Russian modern", "Outlook ru (no source read)", outlookOOF(arSubj("Автоматический ответ: Квартальные данные"), "Я в отпуске."), KindAutoReply},
	{"Exchange 2003 Russian", "vamsoft (Автоответ при отсутствии на работе)", outlookOOF(arSubj("Автоответ при отсутствии на работе"), "Я в отпуске."), KindAutoReply},
	{"Exchange 2003 Japanese", "vamsoft (不在時の自動応答)", outlookOOF(arSubj("不在時の自動応答: 打ち合わせ"), "不在にしております。"), KindAutoReply},
	{"Outlook Japanese", "Microsoft Learn ja-jp (自動応答)", outlookOOF(arSubj("自動応答: 打ち合わせ"), "不在にしております。"), KindAutoReply},
	{"Exchange 2003 Chinese simplified", "vamsoft (外出时的自动答复)", outlookOOF(arSubj("外出时的自动答复: 会议"), "我不在办公室。"), KindAutoReply},
	{"Exchange 2003 Chinese traditional", "vamsoft (郵件答錄機自動回覆)", outlookOOF(arSubj("郵件答錄機自動回覆: 會議"), "我不在辦公室。"), KindAutoReply},
	{"QQ/163 Chinese", "QQ Mail/163 自动回复 (no source read)", arMsg("您好，我已收到您的邮件。", "From: jdoe@example.net", "To: sender@example.org", arSubj("自动回复: 会议")), KindAutoReply},
	{"Outlook Korean", "Outlook ko (no source read)", outlookOOF(arSubj("자동 회신: 회의"), "부재 중입니다."), KindAutoReply},
	{"Exchange 2003 Hungarian", "vamsoft", outlookOOF(arSubj("Házon kívüli automatikus válasz"), "Nem vagyok az irodában."), KindAutoReply},
	{"Exchange 2003 Slovenian", "vamsoft", outlookOOF("Subject: Samodejni odgovor o odsotnosti iz pisarne", "Nisem v pisarni."), KindAutoReply},
	{"Exchange 2003 Bulgarian", "vamsoft", outlookOOF(arSubj("Извън офиса съм Автоматичен отговор"), "Не съм в офиса."), KindAutoReply},
	{"Exchange 2003 Danish", "vamsoft (Autosvar – Ikke til stede)", outlookOOF(arSubj("Autosvar – Ikke til stede"), "Jeg er ikke på kontoret."), KindAutoReply},
	{"Outlook Danish/Norwegian", "SO 1027395 (Automatisk svar)", outlookOOF("Subject: Automatisk svar: Kvartalstal", "Jeg er ikke på kontoret."), KindAutoReply},
	{"Outlook Swedish absence", "SO 1027395 (Frånvaro)", outlookOOF(arSubj("Frånvaro: Kvartalssiffror"), "Jag är inte på kontoret."), KindAutoReply},
	{"Italian Fuori sede", "SO 1027395 (Fuori sede)", outlookOOF("Subject: Fuori sede: Dati trimestrali", "Sono fuori sede."), KindAutoReply},
	{"Exchange 2003 English", "vamsoft (Out of Office AutoReply)", outlookOOF("Subject: Out of Office AutoReply: Quarterly figures", "I am out of the office."), KindAutoReply},
	{"Exchange 2003 French", "vamsoft", outlookOOF(arSubj("Réponse automatique d'absence du bureau: Chiffres"), "Je suis absente."), KindAutoReply},
	{"Exchange 2003 Spanish", "vamsoft", outlookOOF(arSubj("Respuesta automática por ausencia de la oficina: Cifras"), "Estoy ausente."), KindAutoReply},
	{"German Abwesenheitsnotiz", "SO 1027395; vamsoft", outlookOOF("Subject: Abwesenheitsnotiz: Quartalszahlen", "Ich bin nicht im Haus."), KindAutoReply},
	{"Outlook client rule", "pastebin.com/u5yqetge (Outlook 16 rule, no auto header)", arMsg("Hello and thanks for your email. Im out of the office right now.",
		"From: \"Jane Doe\" <jdoe@example.net>", "To: <sender@example.org>", "Subject: Out of office auto-reply.",
		"Date: Thu, 30 Mar 2017 08:32:43 +0800", "X-Mailer: Microsoft Outlook 16.0", "thread-index: AdKo7SVNP9tVNw0ySoaZLtrxBmRwrg==", "Content-Language: en-sg"), KindAutoReply},

	// Lotus Notes/Domino's out-of-office agent: "<name> is out of the
	// office." (the replies on the Open MPI users list archive, 2006 and
	// 2008) and its body (a .msg parser's test of such a reply, found by
	// code search).
	{"Lotus Notes", "Open MPI users archive \"Swamy Kandadai is out of the office.\"; .msg parser test body", arMsg("I will be out of the office starting  08/03/2006 and will not return until\n08/07/2006.\n\nI will respond to your message when I return.",
		"From: Swamy Kandadai <swamy@example.net>", "To: sender@example.org", "Subject: Swamy Kandadai is out of the office.",
		"Date: Thu, 3 Aug 2006 07:34:08 -0400", "X-Mailer: Lotus Notes Release 7.0 August 18, 2005"), KindAutoReply},

	// vacation(1) and other Unix autoresponders.
	{"vacation(1) default message", "vacation(1) setup's default ~/.vacation.msg; sendmail vacation.c Auto-Submitted", arMsg("I will not be reading my mail for a while.\nYour mail regarding \"Quarterly figures\" will be read when I return.",
		"From: jdoe@example.net", "To: sender@example.org", "Auto-Submitted: auto-replied", "Subject: away from my mail"), KindAutoReply},
	{"vacation(1) old BSD", "vacation(1) sample (Subject: I am on vacation, Precedence: bulk)", arMsg("I am on vacation until July 22.",
		"From: eric@example.net (Eric Doe)", "To: sender@example.org", "Subject: I am on vacation", "Delivered-By-The-Graces-Of: The Vacation program", "Precedence: bulk"), KindAutoReply},
	{"Courier mailbot", "svarshavchik/courier-libs maildrop mailbot (Precedence: junk, Auto-Submitted: auto-replied)", arMsg("I am away this week.",
		"Precedence: junk", "Auto-Submitted: auto-replied", "From: jdoe@example.net", "To: sender@example.org", "Subject: Re: Quarterly figures"), KindAutoReply},
	{"Auto Response subject", "stackoverflow.com/questions/1027395 (subjects starting \"Auto Response\"); jpmckinney/multi_mail wiki, Detecting autoresponders", arMsg("I'm away from my computer.",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: Auto Response"), KindAutoReply},
	{"BoxTrapper/cPanel X-Autorespond", "jpmckinney/multi_mail wiki, Detecting autoresponders (BoxTrapper and cPanel set X-Autorespond); stackoverflow.com/questions/1027395", arMsg("Thank you, we have received your message.",
		"From: info@example.net", "To: sender@example.org", "Subject: Re: Quarterly figures", "X-Autorespond: info@example.net"), KindAutoReply},

	// Help desks' acknowledgement of a new ticket: an automatic response
	// to the sender's message (RFC 3834 §1's "Responder").
	{"RT Autoreply template", "Request Tracker initialdata Autoreply template (Subject: AutoReply: {$Ticket->Subject})", arMsg("Greetings,\n\nThis message has been automatically generated in response to the\ncreation of a trouble ticket regarding:\n\t\"Printer broken\"",
		"From: \"Example Support\" <support@example.net>", "To: sender@example.org", "Subject: [example.net #1234] AutoReply: Printer broken",
		"RT-Ticket: example.net #1234", "Precedence: bulk"), KindAutoReply},

	// Added after first contact, for the feature's Japanese name.
	{"Japanese 不在通知", "Gmail API VacationSettings (ja): 不在通知 is the responder's name", arMsg("ただいま不在にしております。",
		"From: jdoe@example.net", "To: sender@example.org", arSubj("不在通知")), KindAutoReply},

	// Negatives: bounces that mention out-of-office or automatic words.
	{"Postfix bounce of an auto-reply", "Postfix bounce(5) layout", arMsg("This is the mail system at host mx.example.com.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<gone@example.net>: host mx.example.net said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n\nSubject: Automatic reply: Quarterly figures",
		"From: MAILER-DAEMON@mx.example.com (Mail Delivery System)", "To: jdoe@example.com", "Subject: Undelivered Mail Returned to Sender", "Auto-Submitted: auto-replied"), KindNonStandard},
	{"Exchange NDR of an OOF", "Exchange NDR subject Undeliverable:", arMsg("Delivery has failed to these recipients or groups:\n\ngone@example.net\nThe email address you entered couldn't be found.\n\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
		"From: postmaster@example.com", "To: jdoe@example.com", "Subject: Undeliverable: Automatic reply: Quarterly figures", "Auto-Submitted: auto-replied", "X-MS-Exchange-Message-Is-Ndr:"), KindNonStandard},
	{"Exim bounce", "Exim bounce message (created automatically by mail delivery software)", arMsg("This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  gone@example.net\n    SMTP error from remote mail server after RCPT TO:<gone@example.net>:\n    550 5.1.1 No such user",
		"From: Mail Delivery System <Mailer-Daemon@mx.example.com>", "To: jdoe@example.com", "Subject: Mail delivery failed: returning message to sender",
		"Auto-Submitted: auto-replied", "X-Failed-Recipients: gone@example.net"), KindNonStandard},
	{"Exim delay warning", "Exim warning message (Warning: message delayed)", arMsg("This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue on mx.example.com.\n\n  slow@example.net\n    host mx.example.net [192.0.2.7]: 451 4.3.0 Temporary failure\n\nNo action is required on your part. Delivery attempts will continue for\nsome time, and this warning may be repeated at intervals if the message\nremains undelivered. Eventually the mail delivery software will give up,\nand when that happens, the message will be returned to you.",
		"From: Mail Delivery System <Mailer-Daemon@mx.example.com>", "To: jdoe@example.com", "Subject: Warning: message 1uA2bC-000123-4x delayed 24 hours",
		"Auto-Submitted: auto-replied", "X-Failed-Recipients: slow@example.net"), KindNonStandard},
	{"DSN mentioning out of office", "RFC 3464 report", arReport("MAILER-DAEMON@mx.example.com", "jdoe@example.com", "Delivery Status Notification (Failure)", "delivery-status",
		"Your message \"Out of office\" could not be delivered.",
		"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; gone@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown",
		"Auto-Submitted: auto-replied"), KindDSN},
	{"Exchange delivery receipt", "RFC 3464 success DSN (Action: delivered)", arReport("postmaster@example.net", "sender@example.org", "Delivered: Quarterly figures", "delivery-status",
		"Your message has been delivered to the following recipients:\n\njdoe@example.net",
		"Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; jdoe@example.net\nAction: delivered\nStatus: 2.0.0",
		"Auto-Submitted: auto-replied"), KindDSN},

	// Negatives: read receipts (RFC 8098), which report a disposition,
	// not an absence.
	{"MDN read receipt", "RFC 8098 §3 (multipart/report; report-type=disposition-notification)", arReport("Jane Doe <jdoe@example.net>", "sender@example.org", "Read: Quarterly figures", "disposition-notification",
		"Your message\n\n  To: jdoe@example.net\n  Subject: Quarterly figures\n\nwas read on 12/05/2025 09:00.",
		"Reporting-UA: jdoe-pc.example.net; Microsoft Outlook 16.0\nFinal-Recipient: rfc822;jdoe@example.net\nOriginal-Message-ID: <20250512065959.1@example.org>\nDisposition: manual-action/MDN-sent-manually; displayed"), KindUnknown},
	{"MDN sent automatically", "RFC 8098 §3.2.6 (automatic-action/MDN-sent-automatically)", arReport("jdoe@example.net", "sender@example.org", "Disposition notification", "disposition-notification",
		"The message sent on Mon, 12 May 2025 to jdoe@example.net with subject \"Quarterly figures\" has been displayed.",
		"Reporting-UA: mail.example.net; Example Webmail\nFinal-Recipient: rfc822;jdoe@example.net\nDisposition: automatic-action/MDN-sent-automatically; displayed",
		"Auto-Submitted: auto-replied"), KindUnknown},

	// Negatives: ordinary mail and notifications.
	{"human reply about vacation", "ordinary reply", arMsg("Sure, I can cover for you while you are away.",
		"From: Bob <bob@example.net>", "To: jdoe@example.com", "Subject: Re: vacation plans", "In-Reply-To: <1@example.com>", "References: <1@example.com>"), KindUnknown},
	{"list post announcing vacation", "lore.kernel.org linux-bcache (\"On vacation from Jan 9 to Jan 13\", List-ID, Precedence: bulk)", arMsg("Hi folks,\n\nI start my vacation next week and will be back on Jan 16.",
		"From: Coly Li <coly@example.net>", "To: linux-bcache@vger.example.org", "Subject: On vacation from Jan 9 to Jan 13",
		"Precedence: bulk", "List-ID: <linux-bcache.vger.example.org>", "X-Mailing-List: linux-bcache@vger.example.org"), KindUnknown},
	{"newsletter suppressing auto-replies", "cit.cornell.edu and symfony docs (X-Auto-Response-Suppress on list mail)", arMsg("Book your summer vacation today!",
		"From: Deals <news@example.org>", "To: jdoe@example.net", "Subject: Summer vacation deals", "Precedence: bulk",
		"X-Auto-Response-Suppress: OOF, DR, RN, NRN, AutoReply", "List-Unsubscribe: <mailto:unsubscribe@example.org>"), KindUnknown},
	{"GitLab notification", "gitlab-org/gitlab-ce#20305 (Auto-Submitted: auto-generated on notifications)", arMsg("Jane Doe commented: looks good.",
		"From: GitLab <gitlab@example.org>", "To: jdoe@example.net", "Subject: Re: proj | Automatic reply detection (#42)", "Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All"), KindUnknown},
	{"Exchange inbox rule loop only", "zammad email_process_out_of_office_test.rb (normal follow up)", arMsg("Some Text 2",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: [Ticket#1000001] none", "X-MS-Exchange-Inbox-Rules-Loop: jdoe@example.net"), KindUnknown},
	{"Zimbra ordinary mail", "zammad email_process_out_of_office_test.rb (zimbra normal follow up)", arMsg("Some Text 2",
		"From: jdoe@example.net", "To: sender@example.org", "Subject: [Ticket#1000001] none", "X-Mailer: Zimbra 7.1.3_GA_3346"), KindUnknown},
	{"ordinary mail", "ordinary mail", arMsg("Noon at the usual place?", "From: bob@example.net", "To: jdoe@example.com", "Subject: lunch"), KindUnknown},
}

// TestAutoReplies holds Parse to auto-replies as products send them and
// to messages that must not be read as one.
//
// First contact (written before Parse was run on any row): 30 of 49
// auto-replies recognised (61%), 10 of 15 negatives left alone. Missed:
// Exchange's own OOF known by its header fields only, Exchange 2003's
// subjects in Portuguese, Polish, Russian, Chinese, Hungarian, Slovenian
// and Bulgarian, modern Outlook's Polish, Russian and Korean, QQ/163's
// 自动回复, "Automatisk svar", "Frånvaro", "Fuori sede", Lotus Notes' "is
// out of the office", Yahoo's "Auto Response". Misread as auto-replies: an
// automatically sent read receipt (Auto-Submitted), a human "Re: vacation
// plans", a list post "On vacation ...", a newsletter "Summer vacation
// deals" and a GitLab notification about "automatic reply" detection.
func TestAutoReplies(t *testing.T) {
	pos, posOK, neg, negOK := 0, 0, 0, 0
	for _, tc := range autoReplyRows {
		rep, err := Parse(strings.NewReader(tc.msg))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ok := rep.Kind == tc.want
		if tc.want == KindAutoReply {
			pos++
			ok = ok && len(rep.Recipients) == 1 && rep.Recipients[0].Reason == Vacation && strings.Contains(rep.Recipients[0].FinalRecipient, "@example.net")
			if ok {
				posOK++
			}
		} else {
			neg++
			if ok {
				negOK++
			}
		}
		if !ok {
			got := ""
			if len(rep.Recipients) > 0 {
				got = string(rep.Recipients[0].Reason) + " " + rep.Recipients[0].FinalRecipient
			}
			t.Logf("miss: %s (%s): kind %v want %v; %s", tc.name, tc.source, rep.Kind, tc.want, got)
		}
	}
	t.Logf("auto-replies recognised %d of %d; negatives left alone %d of %d", posOK, pos, negOK, neg)
	// Floors just under what the rules reach (46 of 50; 15 of 15): the
	// misses are modern Outlook's Polish, Russian and Korean subjects and
	// QQ/163's, whose wording no source read gives.
	if posOK < 45 || negOK < 15 {
		t.Errorf("auto-replies %d of %d (floor 45), negatives %d of %d (floor 15)", posOK, pos, negOK, neg)
	}
}
