package bounce

import "testing"

// whole3Layouts are a third first-contact round of whole returned
// messages, aimed at the generators in use now: the real bounces
// postalsys/emailengine keeps in test/fixtures/bounces (Exchange Online,
// Outlook.com, Gmail, Yahoo, Zoho, Fastmail, Amazon WorkMail, Mail.ru's
// Exim, ZoneMTA, Rambler's Postfix, 163.com's Coremail and a Postfix host,
// all returned in October 2022 or January 2023), and notices pasted into
// the two bounces chatwoot/chatwoot keeps in spec/fixtures/files (Gmail's
// "Address not found" of July 2025 and a Postfix relay's), and notices
// pasted into GitHub threads no earlier round used: MicrosoftDocs/bot-docs#1618
// (Exchange Online, 5.7.501), corona-warn-app/cwa-quicktest-onboarding#47
// (Exchange Online in German, mailbox full), opentraffic/analyst-ui#182
// (Gmail's "Delivery incomplete"), YunoHost/issues#2684 (Postfix over
// Strato), root-io/vmail#71 (Postfix over Outlook.com's block list),
// USCiLab/cereal#305 (Google Groups), netneutrality/savetheinternet.in#166
// and #137 (a "Recipient address:" notice and Yahoo's over Gmail's
// replies). Each is cut to what the source shows (the fixtures' HTML
// parts and images left out where a text part says the same, a
// text/rfc822-headers part given as the returned message), addresses and
// hosts replaced by example ones (providers' own senders kept), the
// layout, the language and the declared charset kept. The truth of each
// recipient (reason, hard or soft, failed or delayed) was written from
// the message's own words, the thread's, RFC 3463's meaning of its status
// and doc.go's definitions of the reasons, before Parse was run on any of
// them.
//
// First contact, 22 messages and 22 recipients (the three in
// whole3Misread among them): all 22 read as a bounce (Google Groups'
// notice as one without a recipient), recipient 21 of 22 (the group's
// address is named nowhere in the paste; one extra recipient, the alias
// of the YunoHost paste), action 22 of 22 where found, reason 20 (90.9%),
// hard/soft 21 (95.5%). Every fixture of emailengine and chatwoot, in
// Estonian, Russian, Chinese and English, with or without a DSN, read
// right. The misses are the three in whole3Misread; no rule was changed
// for them (see each). The first run had given the Google Groups
// greeting an address other than the harness's To (the pasted notice
// greets its own addressee, "Hello x," with x its To), which Parse then
// read as the recipient; the greeting now names the harness's addressee.
var whole3Layouts = []formatCase{
	// emailengine outlook.eml: Exchange Online's NDR in Estonian
	// ("Kohaletoimetamatu:", "Teie sõnumit adressaadile x ei saanud
	// kohale toimetada", the "Lisateavet meiliadministraatoritele" block
	// with "Olekukood: 550 5.1.1"), its DSN "550 5.1.1 <x>: Recipient
	// address rejected: User unknown in relay recipient table": unknown
	// user, hard.
	{name: "Exchange Online NDR in Estonian, user unknown", from: "Microsoft Outlook\n\t<MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@tenant.onmicrosoft.example>", subject: "Kohaletoimetamatu: Proovikiri", header: "X-MS-Exchange-Message-Is-Ndr:\nContent-Language: et-EE\nAuto-Submitted: auto-replied\n", charset: "iso-8859-15", action: "failed",
		body:     "Teie s\xf5numit adressaadile noUser1@hot.example ei saanud kohale toimetada.\nAdressaati noUser1 ei leitud domeenist hot.example.\nsender  Office 365      noUser1\nVajab sekkumist                 Adressaat\nSaaja aadress pole teada\n\nLahendus\nAadressis v\xf5ib olla kirjaviga v\xf5i seda aadressi pole olemas. Proovige teha m\xf5nda j\xe4rgmistest.\n\nKui probleem ei lahene, saatke see s\xf5num edasi oma meiliadministraatorile. Kui olete ise meiliadministraator, lugege allpool jaotist Lisateavet meiliadministraatoritele.\n________________________________\n\nLisateavet meiliadministraatoritele\nOlekukood: 550 5.1.1\n\nSee t\xf5rge ilmneb seet\xf5ttu, et saatja saatis s\xf5numi v\xe4ljaspool Office 365 asuvale meiliaadressile, ent see aadress on vale v\xf5i seda pole sihtdomeenis.\n\nAlgse s\xf5numi \xfcksikasjad\nKoostamiskuup\xe4ev:       10.10.2022 05:31:55\nSaatja aadress  sender@example.org\nSaaja aadress:  noUser1@hot.example\nTeema:  Proovikiri\n\nT\xf5rke \xfcksikasjad\nTeatatud t\xf5rge: 550 5.1.1 <noUser1@hot.example>: Recipient address rejected: User unknown in relay recipient table\nDSN-teatise genereerinud server:        GV2PR07MB9059.eurprd07.prod.outlook.example\n",
		report:   "Reporting-MTA: dns;GV2PR07MB9059.eurprd07.prod.outlook.example\nReceived-From-MTA: dns;PR1PR07MB5755.eurprd07.prod.outlook.example\nArrival-Date: Mon, 10 Oct 2022 05:31:55 +0000\n\nFinal-Recipient: rfc822;noUser1@hot.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp;550 5.1.1 <noUser1@hot.example>: Recipient address rejected: User unknown in relay recipient table\nX-Display-Name: noUser1@hot.example\n",
		attached: returned,
		want:     []formatWant{{"noUser1@hot.example", UserUnknown, true, "5.1.1", "User unknown"}}},
	// emailengine hotmail.eml: Outlook.com's NDR in Estonian ("Delivery
	// has failed to these recipients or groups", "Diagnostic information
	// for administrators", "Remote Server returned '550 5.1.1 ...'"), its
	// DSN Status 5.1.1: unknown user, hard.
	{name: "Outlook.com NDR in Estonian, Remote Server returned 550 5.1.1", from: "<postmaster@outlook.com>", subject: "Kohaletoimetamatu: Proov", header: "X-MS-Exchange-Message-Is-Ndr:\nContent-Language: et-EE\nAuto-Submitted: auto-replied\n", charset: "iso-8859-15", action: "failed",
		body:     "Kohaletoimetamine nendele adressaatidele v\xf5i r\xfchmadele nurjus:\n\nnouser2@hot.example (nouser2@hot.example)<mailto:nouser2@hot.example>\nSihtdomeenis ei leitud aadressi, kuhu te oma s\xf5numi saatsite. On v\xf5imalik, et aadress on valesti kirjutatud v\xf5i seda pole olemas. Proovige probleemi lahendamiseks teha m\xf5nda j\xe4rgmistest.\n\n  1.  Saatke s\xf5num uuesti, kuid esmalt kustutage sihtaadress ja tippige see siis uuesti.\n\nDiagnostikateave administraatorite jaoks:\n\nLoojaserver: GV1PR09MB6052.eurprd09.prod.outlook.example\n\nnouser2@hot.example\nRemote Server returned '550 5.1.1 <nouser2@hot.example>: Recipient address rejected: User unknown in relay recipient table'\n\nS\xf5numi algp\xe4ised:\n\nFrom: Sender <sender@example.org>\nTo: \"nouser2@hot.example\" <nouser2@hot.example>\nSubject: Proov\n",
		report:   "Reporting-MTA: dns;GV1PR09MB6052.eurprd09.prod.outlook.example\nReceived-From-MTA: dns;DB6PR0902MB1944.eurprd09.prod.outlook.example\nArrival-Date: Mon, 10 Oct 2022 05:32:36 +0000\n\nFinal-Recipient: rfc822;nouser2@hot.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp;550 5.1.1 <nouser2@hot.example>: Recipient address rejected: User unknown in relay recipient table\nX-Display-Name: nouser2@hot.example\n",
		attached: returned,
		want:     []formatWant{{"nouser2@hot.example", UserUnknown, true, "5.1.1", "User unknown"}}},
	// emailengine gmail.eml: Gmail's 2016+ notice in Estonian ("**
	// Aadressi ei leitud **", address not found), X-Failed-Recipients, its
	// DSN Status 5.1.1: unknown user, hard.
	{name: "Gmail Address not found in Estonian", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Failure)", header: "Auto-Submitted: auto-replied\nX-Failed-Recipients: nouser3@hot.example\n", charset: "UTF-8", action: "failed",
		body:     "\n** Aadressi ei leitud **\n\nTeie kirja kontole nouser3@hot.example ei saadetud, kuna aadressi ei leitud või see ei saa meile vastu võtta.\n\n\n\nVastus kaugserverist oli järgmine:\n550 5.1.1 <nouser3@hot.example>: Recipient address rejected: User unknown in relay recipient table\n",
		report:   "Reporting-MTA: dns; googlemail.com\nArrival-Date: Sun, 09 Oct 2022 22:30:54 -0700 (PDT)\nX-Original-Message-ID: <send-42@example.org>\n\nFinal-Recipient: rfc822; nouser3@hot.example\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx1.hot.example. (192.0.2.119, the server for the domain hot.example.)\nDiagnostic-Code: smtp; 550 5.1.1 <nouser3@hot.example>: Recipient address rejected: User unknown in relay recipient table\nLast-Attempt-Date: Sun, 09 Oct 2022 22:30:57 -0700 (PDT)\n",
		attached: returned,
		want:     []formatWant{{"nouser3@hot.example", UserUnknown, true, "5.1.1", "User unknown"}}},
	// emailengine zoho.eml: Zoho Mail's notice ("x, ERROR CODE :550 -
	// 5.2.1 The email account that you tried to reach is disabled."), its
	// DSN with "Status: 550" and a Diagnostic-Code without a type, over
	// Gmail's 5.2.1 DisabledUser. RFC 3463 X.2.1: mailbox disabled:
	// suspend, soft.
	{name: "Zoho notice, Gmail account disabled", from: "mailer-daemon@mail.zoho.com", subject: "Undelivered Mail Returned to Sender", header: "User-Agent: Zoho Mail\nX-Mailer: Zoho Mail\n", action: "failed",
		body:     "This message was created automatically by mail delivery software.\n A message that you sent could not be delivered to one or more of its recipients. This is a permanent error. \n\nrecipient@disabled.example, ERROR CODE :550 - 5.2.1 The email account that you tried to reach is disabled. Learn more at\n\t\t\t5.2.1  https://support.google.com/mail/?p=DisabledUser j8-20020a170903024800b001946612570csi19333477plh.316 - gsmtp\n\n\n\n",
		report:   "Reporting-MTA: dns; mx.zohomail.example\nArrival-Date: Tue, 31 Jan 2023 21:06:10 +0000\n\nOriginal-Recipient: rfc822; recipient@disabled.example\nFinal-Recipient: rfc822; recipient@disabled.example\nStatus: 550\nAction: failed\nLast-Attempt-Date: 31 Jan 2023 21:06:14 GMT\nDiagnostic-Code: 5.2.1 The email account that you tried to reach is disabled. Learn more at\n\t\t\t5.2.1  https://support.google.com/mail/?p=DisabledUser j8-20020a170903024800b001946612570csi19333477plh.316 - gsmtp\n",
		attached: returned,
		want:     []formatWant{{"recipient@disabled.example", Suspend, false, "5", "disabled"}}},
	// emailengine fastmail.eml: Fastmail's Postfix with its own preamble
	// ("This is an automated message from the mail system at Fastmail."),
	// "550 No such user here (in reply to RCPT TO command)", Status 5.0.0:
	// unknown user, hard.
	{name: "Fastmail Postfix, 550 No such user here", from: "MAILER-DAEMON@messagingengine.com (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", header: "Auto-Submitted: auto-replied\n", action: "failed",
		body:     "This is an automated message from the mail system at Fastmail.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please read our help center article\nabout message bounces\n\nhttps://www.fastmail.help/hc/en-us/articles/360058753614-Why-messages-bounce-back\n\nIf you would like to reach out to our support team about the\nissue then please include this problem report.\n\nThe Fastmail support team.\nout.outbound1\n\n<nouser5@ethereal.example>: host mx.ethereal.example[192.0.2.113]\n    said: 550 No such user here (in reply to RCPT TO command)\n",
		report:   "Reporting-MTA: dns; mailout.nyi.internal\nX-Postfix-Queue-ID: 38C145C00A7\nX-Postfix-Sender: rfc822; sender@example.org\nArrival-Date: Mon, 10 Oct 2022 01:37:21 -0400 (EDT)\n\nFinal-Recipient: rfc822; nouser5@ethereal.example\nOriginal-Recipient: rfc822;nouser5@ethereal.example\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx.ethereal.example\nDiagnostic-Code: smtp; 550 No such user here\n",
		attached: returned,
		want:     []formatWant{{"nouser5@ethereal.example", UserUnknown, true, "5", "No such user"}}},
	// emailengine yahoo.eml: Yahoo's current notice ("Sorry, we were
	// unable to deliver your message to the following address.", "550:
	// 5.1.1 <x>: ... User unknown", "--- Forwarded message ---"), a
	// multipart/report with no delivery-status part, the message
	// attached: unknown user, hard.
	{name: "Yahoo Failure Notice, 550: 5.1.1 user unknown", from: "MAILER-DAEMON@yahoo.com", subject: "Failure Notice", action: "failed",
		body:     "Sorry, we were unable to deliver your message to the following address.\n\n<nouser6@hot.example>:\n550: 5.1.1 <nouser6@hot.example>: Recipient address rejected: User unknown in relay recipient table\n\n---------- Forwarded message ----------\n",
		attached: returned,
		want:     []formatWant{{"nouser6@hot.example", UserUnknown, true, "5.1.1", "User unknown"}}},
	// emailengine workmail.eml: Amazon WorkMail's notice, From
	// "amazonses.com" (no address), "An error occurred while trying to
	// deliver the mail to the following recipients:", DSN fields in the
	// text under "Technical report:" ("Diagnostic-Code: smtp; 550 5.1.1
	// ... User unknown", "Status: 5.1.1"): unknown user, hard.
	{name: "Amazon WorkMail, technical report in the text", from: "amazonses.com", subject: "Undelivered Mail Returned to Sender", header: "X-Mailer: Amazon WorkMail\n", action: "failed",
		body:     "An error occurred while trying to deliver the mail to the following recipients:\nnouser7@hot.example\n\n2022-10-10 05:44:59 : An error occurred while trying to deliver the mail to the following recipients:\nnouser7@hot.example\n\nTechnical report:\n\nReporting-MTA: dns; a2-75.smtp-out.eu-west-1.amazonses.com\n\nAction: failed\nFinal-Recipient: rfc822; nouser7@hot.example\nDiagnostic-Code: smtp; 550 5.1.1 <nouser7@hot.example>: Recipient address rejected: User unknown in relay recipient table\nStatus: 5.1.1\n",
		attached: returned,
		want:     []formatWant{{"nouser7@hot.example", UserUnknown, true, "5.1.1", "User unknown"}}},
	// emailengine mailru.eml: Mail.ru's Exim, its Russian preface and
	// Exim's own text ("SMTP error from remote mail server after RCPT
	// TO:<x>: ... 550 5.1.1 ... User unknown"), a DSN without a
	// Diagnostic-Code (Status 5.0.0): unknown user, hard.
	{name: "Mail.ru Exim, Russian and English, user unknown", from: "mailer-daemon@corp.mail.ru", subject: "=?UTF-8?B?0JLQsNGI0LUg0YHQvtC+0LHRidC10L3QuNC1INC90LUg0LTQvtGB0YLQsNCy0LvQtdC90L4=?=. Mail failure.", header: "X-Failed-Recipients: nouser8@hot.example\nX-Mailer-Daemon-Recipients: nouser8@hot.example\nAuto-Submitted: auto-replied\n", charset: "utf-8", action: "failed",
		body:     "Это письмо создано автоматически сервером Mail.ru, отвечать на него не нужно.\n\nК сожалению, Ваше письмо не может быть доставлено одному или нескольким получателям:\n\n  nouser8@hot.example\n    SMTP error from remote mail server after RCPT TO:<nouser8@hot.example>:\n    host mx1.hot.example [192.0.2.119]: 550 5.1.1 <nouser8@hot.example>:\n    Recipient address rejected: User unknown in relay recipient table\n\nРекомендуем Вам проверить корректность указания адресов получателей.\n\n**********************\n\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  nouser8@hot.example\n    SMTP error from remote mail server after RCPT TO:<nouser8@hot.example>:\n    host mx1.hot.example [192.0.2.119]: 550 5.1.1 <nouser8@hot.example>:\n    Recipient address rejected: User unknown in relay recipient table\n",
		report:   "Reporting-MTA: dns; fallback17.m.smailru.example\n\nAction: failed\nFinal-Recipient: rfc822;nouser8@hot.example\nStatus: 5.0.0\n",
		attached: returned,
		want:     []formatWant{{"nouser8@hot.example", UserUnknown, true, "5", "User unknown"}}},
	// emailengine zonemta.eml: ZoneMTA's notice ("Delivery to the
	// following recipient failed permanently:", "Technical details of
	// permanent failure:"), X-Failed-Recipients, DSN Status 5.0.0 with
	// "550 5.1.1 ... User unknown": unknown user, hard.
	{name: "ZoneMTA, delivery failed permanently", from: "Mail Delivery Subsystem <mailer-daemon@mta-244-116.zone.example>", subject: "Delivery Status Notification (Failure)", header: "X-Failed-Recipients: nouser9@hot.example\nAuto-Submitted: auto-replied\n", action: "failed",
		body:     "Delivery to the following recipient failed permanently:\n    nouser9@hot.example\n\nTechnical details of permanent failure:\n\n550 5.1.1 <nouser9@hot.example>: Recipient address rejected: User unknown in relay recipient table\n\n\n",
		report:   "Reporting-MTA: dns; MTA-244-116.ZONE.EXAMPLE\nX-ZoneMTA-Queue-ID: 183c05a3c6f0002819\nX-ZoneMTA-Sender: rfc822; sender@example.org\nArrival-Date: Mon, 10 Oct 2022 05:24:42 +0000\n\nFinal-Recipient: rfc822; nouser9@hot.example\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx1.hot.example\nDiagnostic-Code: smtp; 550 5.1.1 <nouser9@hot.example>: Recipient address rejected: User unknown in relay recipient table\n",
		attached: returned,
		want:     []formatWant{{"nouser9@hot.example", UserUnknown, true, "5", "User unknown"}}},
	// emailengine rambler.eml: Rambler's Postfix, a Russian preface in
	// windows-1251 and an English one, "550 No such user here (in reply
	// to RCPT TO command)": unknown user, hard.
	{name: "Rambler Postfix, Russian preface, No such user here", from: "MAILER-DAEMON@mxout4.rambler.example (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender =?windows-1251?B?KM/o8fzs7iDt5SDs7ubl8iDh+/L8IOTu8fLg4us=?= =?windows-1251?B?5e3uIOgg4u7n4vDg+eXt7iDu8u/w4OLo8uXr/ik=?=", header: "Auto-Submitted: auto-replied\n", charset: "windows-1251", action: "failed",
		body:     "\xc8\xe7\xe2\xe8\xed\xe8\xf2\xe5, \xec\xfb \xe2\xfb\xed\xf3\xe6\xe4\xe5\xed\xfb \xe8\xed\xf4\xee\xf0\xec\xe8\xf0\xee\xe2\xe0\xf2\xfc \xc2\xe0\xf1, \xf7\xf2\xee \xef\xe8\xf1\xfc\xec\xee,\n\xea\xee\xf2\xee\xf0\xee\xe5 \xc2\xfb \xee\xf2\xef\xf0\xe0\xe2\xe8\xeb\xe8, \xed\xe5 \xec\xee\xe6\xe5\xf2 \xe1\xfb\xf2\xfc \xe4\xee\xf1\xf2\xe0\xe2\xeb\xe5\xed\xee \xee\xe4\xed\xee\xec\xf3 \xe8\xeb\xe8\n\xed\xe5\xf1\xea\xee\xeb\xfc\xea\xe8\xec \xe0\xe4\xf0\xe5\xf1\xe0\xf2\xe0\xec. \xce\xed\xee \xed\xe0\xf5\xee\xe4\xe8\xf2\xf1\xff \xe2 \xef\xf0\xe8\xea\xf0\xe5\xef\xeb\xe5\xed\xed\xee\xec \xf4\xe0\xe9\xeb\xe5.\n\n\xcf\xe5\xf0\xe5\xe2\xee\xe4\xfb \xe8 \xee\xe1\xfa\xff\xf1\xed\xe5\xed\xe8\xff \xed\xe0\xe8\xe1\xee\xeb\xe5\xe5 \xf0\xe0\xf1\xef\xf0\xee\xf1\xf2\xf0\xe0\xed\xe5\xed\xed\xfb\xf5 \xf1\xee\xee\xe1\xf9\xe5\xed\xe8\xe9 \xee\xe1\n\xee\xf8\xe8\xe1\xea\xe0\xf5 \xec\xee\xe6\xed\xee \xef\xee\xf1\xec\xee\xf2\xf0\xe5\xf2\xfc \xe7\xe4\xe5\xf1\xfc:\n\thttp://help.rambler.example/mail/mail-soobsheniya-ob-oshibkah/1326/\t\n\n\xc4\xe0\xed\xed\xee\xe5 \xf1\xee\xee\xe1\xf9\xe5\xed\xe8\xe5 \xf1\xee\xe7\xe4\xe0\xed\xee \xe0\xe2\xf2\xee\xec\xe0\xf2\xe8\xf7\xe5\xf1\xea\xe8 \xef\xee\xf7\xf2\xee\xe2\xee\xe9 \xf1\xe8\xf1\xf2\xe5\xec\xee\xe9.\n\xce\xf2\xe2\xe5\xf7\xe0\xf2\xfc \xed\xe0 \xed\xe5\xe3\xee \xed\xe5 \xed\xf3\xe6\xed\xee.\n\nWe are sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nThis message was created automatically by mail system, don't reply.\n\n\n<nouser10@ethereal.example>: host mx.ethereal.example[192.0.2.113]\n    said: 550 No such user here (in reply to RCPT TO command)\n",
		report:   "Reporting-MTA: dns; mxout4.rambler.example\nX-Postfix-Queue-ID: 600CA140267\nX-Postfix-Sender: rfc822; sender@example.org\nArrival-Date: Mon, 10 Oct 2022 08:45:14 +0300 (MSK)\n\nFinal-Recipient: rfc822; nouser10@ethereal.example\nOriginal-Recipient: rfc822;nouser10@ethereal.example\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx.ethereal.example\nDiagnostic-Code: smtp; 550 No such user here\n",
		attached: returned,
		want:     []formatWant{{"nouser10@ethereal.example", UserUnknown, true, "5", "No such user"}}},
	// emailengine 163.eml: 163.com's Coremail notice in Chinese (GBK),
	// no DSN: "收件人 x" (recipient), "退信原因" (reason) "未知的原因，对方拒绝
	// 接收您的邮件" (unknown reason, the other side refused your mail),
	// "英文说明:SMTP error, RCPT TO: Host x RCPT TO said 550 No such user
	// here": unknown user, hard.
	{name: "163.com Coremail in Chinese, RCPT TO said 550 No such user here", from: "Postmaster@163.com", subject: "=?gb2312?B?z7XNs83L0MU=?=", header: "X-Mailer: Coremail MTA server\n", charset: "gbk", action: "failed",
		body: "\xb1\xa7\xc7\xb8\xa3\xac\xc4\xfa\xb5\xc4\xd3\xca\xbc\xfe\xb1\xbb\xcd\xcb\xbb\xd8\xc0\xb4\xc1\xcb\xa1\xad\xa1\xad\n      \xd4\xad\xd3\xca\xbc\xfe\xd0\xc5\xcf\xa2\xa3\xba\n            \xca\xb1  \xbc\xe4 2022-10-10 13:39:46\n            \xd6\xf7  \xcc\xe2 Test message\n            \xca\xd5\xbc\xfe\xc8\xcb nouser11@ethereal.example\n\n      \xcd\xcb\xd0\xc5\xd4\xad\xd2\xf2\xa3\xba\n            \xce\xb4\xd6\xaa\xb5\xc4\xd4\xad\xd2\xf2\xa3\xac\xb6\xd4\xb7\xbd\xbe\xdc\xbe\xf8\xbd\xd3\xca\xd5\xc4\xfa\xb5\xc4\xd3\xca\xbc\xfe\n            \xd3\xa2\xce\xc4\xcb\xb5\xc3\xf7:SMTP error, RCPT TO: Host ethereal.example(192.0.2.113) RCPT TO said 550 No such user here\n\n      \xbd\xa8\xd2\xe9\xbd\xe2\xbe\xf6\xb7\xbd\xb0\xb8\xa3\xba\n            \xbd\xa8\xd2\xe9\xc4\xfa\xc9\xd4\xba\xf3\xd0\xde\xb8\xc4\xd6\xf7\xcc\xe2\xbb\xf2\xc4\xda\xc8\xdd\xd6\xd8\xd0\xc2\xb7\xa2\xd0\xc5\xb3\xa2\xca\xd4\xa3\xac\xbb\xf2\xd3\xeb\xb6\xd4\xb7\xbd\xd3\xca\xbc\xfe\xb7\xfe\xce\xf1\xcc\xe1\xb9\xa9\xc9\xcc\xb5\xc4\xb7\xfe\xce\xf1\xd6\xa7\xb3\xd6\xcd\xc5\xb6\xd3\xc1\xaa\xcf\xb5\xa3\xac\xb7\xb4\xc0\xa1\xb8\xc3\xce\xca\xcc\xe2\xa1\xa3\n",
		want: []formatWant{{"nouser11@ethereal.example", UserUnknown, true, "5", "No such user"}}},
	// emailengine postfix.eml: Postfix's DSN, "550 5.1.1 <x>: Recipient
	// address rejected: User unknown in relay recipient table (in reply to
	// RCPT TO command)": unknown user, hard.
	{name: "Postfix DSN, user unknown in relay recipient table", from: "MAILER-DAEMON@uvn-67-33.zone.example (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", header: "Auto-Submitted: auto-replied\n", action: "failed",
		body:     postfixPre + "<nouser12@hot.example>: host mx1.hot.example[192.0.2.119] said: 550 5.1.1\n    <nouser12@hot.example>: Recipient address rejected: User unknown in\n    relay recipient table (in reply to RCPT TO command)\n",
		report:   "Reporting-MTA: dns; uvn-67-33.zone.example\nX-Postfix-Queue-ID: DF59B82305\nX-Postfix-Sender: rfc822; sender@example.org\nArrival-Date: Mon, 10 Oct 2022 08:23:51 +0300 (EEST)\n\nFinal-Recipient: rfc822; nouser12@hot.example\nOriginal-Recipient: rfc822;nouser12@hot.example\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx1.hot.example\nDiagnostic-Code: smtp; 550 5.1.1 <nouser12@hot.example>: Recipient address\n    rejected: User unknown in relay recipient table\n",
		attached: returned,
		want:     []formatWant{{"nouser12@hot.example", UserUnknown, true, "5.1.1", "User unknown"}}},
	// corona-warn-app/cwa-quicktest-onboarding#47: Exchange Online's NDR
	// in German as quoted, the recipient's line ("x (x)") and "Das
	// Postfach des Empfängers ist voll und kann zurzeit keine Nachrichten
	// annehmen." (the recipient's mailbox is full): mailbox full, soft.
	// The quote has no header; Exchange Online's own From is used.
	{name: "Exchange Online in German, Postfach des Empfängers ist voll", from: "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@tenant.onmicrosoft.example>", subject: "Unzustellbar: Monatliches Update", charset: "utf-8", action: "failed",
		body: "onboarding@t-systems.example (onboarding@t-systems.example)\nDas Postfach des Empfängers ist voll und kann zurzeit keine Nachrichten annehmen. Versuchen Sie zu einem späteren Zeitpunkt noch mal, Ihre Nachricht zu senden, oder wenden Sie sich direkt an den Empfänger.\n",
		want: []formatWant{{"onboarding@t-systems.example", MailboxFull, false, "", ""}}},
	// opentraffic/analyst-ui#182: Gmail's "Delivery incomplete" as
	// quoted, "There was a temporary problem delivering your message to
	// x. Gmail will retry for 46 more hours." and no reply: a delay
	// warning (doc.go: Expired), soft, delayed.
	{name: "Gmail Delivery incomplete, no reply quoted", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Delay)", action: "delayed",
		body: "Delivery incomplete\n--\nThere was a temporary problem delivering your message to info@opentraffic.example. Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.\n",
		want: []formatWant{{"info@opentraffic.example", Expired, false, "4", ""}}},
	// root-io/vmail#71: Postfix's record as quoted, Outlook.com's "550
	// SC-001 (BAY004-MC4F27) Unfortunately, messages from <ip> weren't
	// sent. Please contact your Internet service provider since part of
	// their network is on our block list. (in reply to MAIL FROM
	// command)": the sending IP refused: blocked, soft.
	{name: "Postfix over Outlook.com SC-001 block list", from: "MAILER-DAEMON@vmail.example (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "a.massala@hotmail.example: host mx3.hotmail.example[192.0.2.126] said: 550 SC-001\n    (BAY004-MC4F27) Unfortunately, messages from 198.51.100.129 weren't sent.\n    Please contact your Internet service provider since part of their network\n    is on our block list. You can also refer your provider to\n    http://mail.live.com/mail/troubleshooting.aspx#errors. (in reply to MAIL\n    FROM command)\n",
		want: []formatWant{{"a.massala@hotmail.example", Blocked, false, "5", "block list"}}},
	// netneutrality/savetheinternet.in#166: a notice with "Recipient
	// address:", "Reason: Remote SMTP server has rejected address",
	// "Diagnostic code: smtp;550-5.1.1 The email account that you tried to
	// reach does not exist." (Oracle Messaging Server's layout) as
	// quoted: unknown user, hard. The quote has no header.
	{name: "Recipient address notice over Gmail 550-5.1.1", from: "Internet Mail Delivery <postmaster@sansad.example>", subject: "Delivery Notification: Delivery has failed", action: "failed",
		body: "Your message cannot be delivered to the following recipients:\n\n Recipient address: psrysrcp2112@gmail.example\n Reason: Remote SMTP server has rejected address\n Diagnostic code: smtp;550-5.1.1 The email account that you tried to reach does not exist. Please try the recipient's email address for typos or spaces. Learn more at https://support.google.com/mail/answer/6596 t8si11697642ywb.299 - gs\n Remote system: dns;gmail-smtp-in.l.google.example (TCP|192.0.2.103|53619|192.0.2.27|25) (mx.google.example ESMTP t8si11697642ywb.299 - gsmtp)\n",
		want: []formatWant{{"psrysrcp2112@gmail.example", UserUnknown, true, "5", "does not exist"}}},
	// netneutrality/savetheinternet.in#137: Yahoo's notice as quoted,
	// "<x>:\nRemote host said:\n550-5.1.1 The email account that you
	// tried to reach does not exist. ...\n[RCPT_TO]": unknown user, hard.
	// The quote has no header; Yahoo's own is used.
	{name: "Yahoo notice, Remote host said 550-5.1.1 [RCPT_TO]", from: "MAILER-DAEMON@yahoo.com", subject: "Failure Notice", action: "failed",
		body: "Sorry, we were unable to deliver your message to the following address.\n\n<palkrishangurjar@gmail.example>:\nRemote host said:\n550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550-5.1.1 unnecessary spaces. Learn more at\n550 5.1.1  https://support.google.com/mail/answer/6596 v202si10078454qka.80 - gsmtp\n[RCPT_TO]\n",
		want: []formatWant{{"palkrishangurjar@gmail.example", UserUnknown, true, "5.1.1", "does not exist"}}},
	// chatwoot/chatwoot spec/fixtures/files/bounced_gmail.eml: Gmail's
	// 2016+ notice in English ("** Address not found **", "Your message
	// wasn't delivered to x because the address couldn't be found or is
	// unable to receive email.", "The response was: 550 5.1.1 The email
	// account that you tried to reach does not exist."), X-Failed-
	// Recipients, an empty message/delivery-status part as the fixture
	// has it: unknown user, hard.
	{name: "Gmail Address not found, empty delivery-status part", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Failure)", header: "Auto-Submitted: auto-replied\nX-Failed-Recipients: alex.jones@fictionalcorp.example\n", charset: "UTF-8", action: "failed",
		body:     "\n** Address not found **\n\nYour message wasn't delivered to alex.jones@fictionalcorp.example because the address couldn't be found or is unable to receive email.\n\nLearn more here: https://support.google.com/mail/?p=NoSuchUser\n\nThe response was:\n\n550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser d2e1a72fcca58-74ce2b0525csor332154b3a.0 - gsmtp\n",
		report:   "\n",
		attached: returned,
		want:     []formatWant{{"alex.jones@fictionalcorp.example", UserUnknown, true, "5.1.1", "does not exist"}}},
	// chatwoot/chatwoot spec/fixtures/files/bounced_with_no_from.eml: a
	// Postfix relay that names itself "SMTP Server" (X-SMTP-Server-Queue-
	// ID) and sends from "\"\" (Mail Delivery System)", over a hosted
	// mail service's "554 5.7.1 <x>: Recipient address rejected: user x
	// does not exist", Status 5.7.1: the words say the mailbox does not
	// exist: unknown user, hard.
	{name: "Postfix relay with empty From, 554 5.7.1 user does not exist", from: "\"\" (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", header: "Auto-Submitted: auto-replied\n", action: "failed",
		body:     "This is the mail system at host smtp5.relay.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<noreply@example-service.example>: host\n    mx.example-service.example.cust.a.hostedemail.example[198.51.100.4] said: 554 5.7.1\n    <noreply@example-service.example>: Recipient address rejected: user\n    noreply@example-service.example does not exist (in reply to RCPT TO command)\n",
		report:   "Reporting-MTA: dns; smtp5.relay.example\nX-SMTP-Server-Queue-ID: AE732A0081\nX-SMTP-Server-Sender: rfc822; sender@example.org\nArrival-Date: Mon,  1 Jan 2024 03:27:11 -0500 (EST)\n\nFinal-Recipient: rfc822; noreply@example-service.example\nOriginal-Recipient: rfc822;noreply@example-service.example\nAction: failed\nStatus: 5.7.1\nRemote-MTA: dns; mx.example-service.example.cust.a.hostedemail.example\nDiagnostic-Code: smtp; 554 5.7.1 <noreply@example-service.example>: Recipient\n    address rejected: user noreply@example-service.example does not exist\n",
		attached: returned,
		want:     []formatWant{{"noreply@example-service.example", UserUnknown, true, "5", "does not exist"}}},
}

// whole3Misread are the round's cases Parse does not read right at first
// contact, scored by TestExternalWhole3 but not required.
var whole3Misread = []formatCase{
	// MicrosoftDocs/bot-docs#1618 (misread: Parse reads rejected, the
	// reading phrases.go gives "spam abuse detected" after Microsoft's
	// table, where 5.7.501 is a banned sending account; no page was found
	// that gives "from IP range" another meaning, so no rule changed): Exchange Online's NDR as quoted,
	// "Delivery has failed to these recipients or groups:", "Your message
	// wasn't delivered because the recipient's email provider rejected
	// it.", the "Diagnostic information for administrators" block with
	// "Remote Server returned '550 5.7.501 Service unavailable. Spam abuse
	// detected from IP range.'": the sending IP range refused (the
	// thread: a bot sending from Azure's servers): blocked, soft. The
	// quote has no header; Exchange Online's own From is used.
	{name: "Exchange Online, 5.7.501 spam abuse detected from IP range", from: "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@bot.onmicrosoft.example>", subject: "Undeliverable: Re: your question", action: "failed",
		body: "Delivery has failed to these recipients or groups:\n\nname@emailaddress.example\nYour message wasn't delivered because the recipient's email provider rejected it.\n\n\nDiagnostic information for administrators:\n\nGenerating server: DM6PR11MB3804.namprd11.prod.outlook.example\n\nname@emailaddress.example\nRemote Server returned '550 5.7.501 Service unavailable. Spam abuse detected from IP range. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653. S(2017052602) [DM6PR11MB2729.namprd11.prod.outlook.example]'\n",
		want: []formatWant{{"name@emailaddress.example", Blocked, false, "5", "Spam abuse"}}},
	// YunoHost/issues#2684 (misread: the paste lost the ")" and the angle
	// brackets of Postfix's "<a> (expanded from <b>):", so the alias b,
	// which heads the next line, is read as a second recipient with the
	// same reply; user@main.example itself is read right; no rule is made
	// for one damaged paste): Postfix's record as quoted (the angle
	// brackets lost to the Markdown), an alias expanded to a
	// mailbox at Strato, "550 5.1.2 No such mailbox [MSG0031] (in reply to
	// RCPT TO command)": the mailbox does not exist at the host that
	// holds the domain: unknown user, hard.
	{name: "Postfix over Strato, 550 5.1.2 No such mailbox", from: "MAILER-DAEMON@mail.main.example (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "user@main.example (expanded from\n    user@other.example: host smtpin.rzone.example[192.0.2.97] said:\n    550 5.1.2 No such mailbox [MSG0031] (in reply to RCPT TO command)\n",
		want: []formatWant{{"user@main.example", UserUnknown, true, "5", "No such mailbox"}}},
	// USCiLab/cereal#305: Google Groups' notice as pasted (its lines run
	// together), "We're writing to let you know that the group you tried
	// to contact (cerealcpp) may not exist, or you may not have
	// permission to post messages to the group.", the original's header
	// after "----- Original message -----" without its To: a group
	// refusing the post (the thread: the group's settings): rejected,
	// soft; its address, the group's on googlegroups.com, is named
	// nowhere in what was pasted.
	{name: "Google Groups, group may not exist or no permission, pasted flat", from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", subject: "Delivery Status Notification (Failure)", action: "failed",
		body: "Hello sender@example.org, We're writing to let you know that the group you tried to contact (cerealcpp) may not exist, or you may not have permission to post messages to the group. A few more details on why you weren't able to post: * You might have spelled or formatted the group name incorrectly. * The owner of the group may have removed this group. * You may need to join the group before receiving permission to post. * This group may not be open to posting. If you have questions related to this or any other Google Group, visit the Help Center at https://groups.google.com/support/. Thanks, Google Groups ----- Original message ----- X-Received: by 10.176.3.144 with SMTP id 16mr35725959uau.12.1466666891599; Thu, 23 Jun 2016 00:28:11 -0700 (PDT) Return-Path: Received: from SNT004-OMC2S8.hotmail.example (snt004-omc2s8.hotmail.example. [192.0.2.83]) by gmr-mx.google.example with ESMTPS id d63si511491ith.0.2016.06.23.00.28.11 for (version=TLS1_2 cipher=ECDHE-RSA-AES128-SHA bits=128/128); Thu, 23 Jun 2016 00:28:11 -0700 (PDT)\n",
		want: []formatWant{{"cerealcpp@googlegroups.example", Rejected, false, "5", ""}}},
}

// TestExternalWhole3 reads the round above: every case of whole3Layouts
// right, and over all its recipients (whole3Misread too) the reason and
// hard/soft at least at the floors just under what the round reads (20
// and 21 of 22).
func TestExternalWhole3(t *testing.T) {
	checkWholeRound(t, "whole returned messages, third round", whole3Layouts, whole3Misread, 22, 19, 20)
}
