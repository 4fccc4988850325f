package bounce

import "testing"

// jaLayouts are returned-mail notices as Japanese carriers', ISPs' and
// hosting services' help pages (and the pages quoting them) show them to
// their users, each beside the page's own explanation of what it means
// (宛先不明, 容量オーバー, 受信拒否, サイズ超過, タイムアウト, ドメイン不明).
// Each is cut to the lines its reading needs, addresses and hosts
// replaced, Japanese text kept; the truth of each is the meaning its page
// gives, written before Parse was run on it. Where the page gives no
// header (sender, subject), the comment says so and the case uses the
// generator's usual one.
var jaLayouts = []formatCase{
	// OCN's Postfix notice with its Japanese paragraph ("The following
	// sentences are Japanese." and "このメールと共に返信されているメールは
	// 一つ以上の宛先に対して配信できませんでした。"), as 株式会社インターテクノ's
	// page quotes one from an OCN host ("自分がメールを送ったら、変なメールが
	// 届いた", intx.co.jp/14091204): a mistyped domain ("ocn.ne.j"),
	// explained as the recipient's address written wrong (宛先に入れた相手の
	// 方のメールアドレスが間違っていた). The page gives no header.
	{name: "OCN Postfix notice, domain not found", from: "MAILER-DAEMON@defer1.ocn.example.jp (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the Postfix program at host defer1.ocn.example.jp.\n\nI'm sorry to have to inform you that the message returned\nbelow could not be delivered to one or more destinations.\n\nFor further assistance, please contact <support@ocn.example.jp>\n\nIf you do so, please include this problem report. You can\ndelete your own text from the message returned below.\n\nThe following sentences are Japanese.\n\nこのメールと共に返信されているメールは一つ以上の宛先に対\nして配信できませんでした。\n\nエラーメッセージの原因や対処法については下記のサイトで\nご案内しております。\nhttp://www.ocn.example.jp/0/faq/mail/errormail/\n\n上記のサイトでも解決できない場合は、<support@ocn.example.jp>\nへご連絡ください。\nご連絡の際には、この障害レポートを一緒にお送りください。\nこのメールに添付されているお客様の元のメールは削除しても\n構いません。\n\n--------------------------------------------------------\n\n<someone@estate.example.ne.j>: Host or domain name not found. Name\n    service error for name=estate.example.ne.j type=A: Host not found\n",
		want: []formatWant{{"someone@estate.example.ne.j", HostUnknown, true, "5", "Host not found"}}},
	// asahi-net's FAQ on a "Returned mail:" notice ("「Returned mail:」 という
	// 件名の英文メールを受信した。", asahi-net.jp/support/qa/item.html?
	// sheetName=d01&questionNo=d01601): Postfix's local delivery refusing
	// a user, the address shown with the host it was routed through
	// ("<user@domain@mx1...>: User unknown:" then the address in quotes),
	// explained as the destination host reached and the user (address)
	// not found there. The page gives no header.
	{name: "asahi-net Postfix, user unknown", from: "MAILER-DAEMON@mx1.example.or.jp (Mail Delivery System)", subject: "Returned mail: User unknown", action: "failed",
		body: "This is the Postfix program at host mx1.example.or.jp.\n\nI'm sorry to have to inform you that the message returned\nbelow could not be delivered to one or more destinations.\n\nFor further assistance, please send mail to\n\nIf you do so, please include this problem report. You can\ndelete your own text from the message returned below.\n\n                   The Postfix program\n\n<tech@desk.example.or.jp@mx1.example.or.jp>: User unknown:\n    \"tech@desk.example.or.jp\"\n",
		want: []formatWant{{"tech@desk.example.or.jp", UserUnknown, true, "5", "User unknown"}}},
	// shopmaker's mail-magazine help ("メルマガ配信処理にて、送信エラーが起きた
	// 場合のエラーメールについて", shopmaker.jp/manual/howto/mail_magazine/
	// error.html; the same samples at shopmaker.jp/ct/contents6.htm): the
	// old Postfix notice for a server-side problem, "connect to
	// mx...: No route to host", explained as the recipient's mail
	// delivery service not working (相手先のメール配送サービスが機能して
	// いません): a failure whose text is the sending MTA's own connection
	// failure, given up (expired); and for an address that does not
	// exist (メールサーバーにメールアカウントが存在しない), the refusal at
	// RCPT followed by the DSN's fields in the text. No header given.
	{name: "shopmaker Postfix, no route to host", from: "MAILER-DAEMON@mx1.example.jp (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the Postfix program at host mx1.example.jp\n\nI'm sorry to have to inform you that the message returned\nbelow could not be delivered to one or more destinations.\n\nFor further assistance, please send mail to <postmaster>\n\nIf you do so, please include this problem report. You can\ndelete your own text from the message returned below.\n\n                   The Postfix program\n\n<aaa@example.co.jp>: connect to mx.example.co.jp[192.0.2.9]: No route to host\n",
		want: []formatWant{{"aaa@example.co.jp", Expired, false, "5", "No route to host"}}},
	{name: "shopmaker Postfix, no such account", from: "MAILER-DAEMON@mx1.example.jp (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "I'm sorry to have to inform you that the message returned\nbelow could not be delivered to one or more destinations.\n\nFor further assistance, please send mail to <postmaster>\n\nIf you do so, please include this problem report. You can\ndelete your own text from the message returned below.\n\n                   The Postfix program\n\n<no_user@example.com>: host mx.example.com[192.0.2.3] said: 550 5.1.1\n    <no_user@example.com>... User unknown (in reply to RCPT TO command)\n\nReporting-MTA: dns; mx1.example.jp\nArrival-Date: Sat, 16 Apr 2005 15:32:09 +0900 (JST)\n\nFinal-Recipient: rfc822; no_user@example.com\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Postfix; host mx.example.com[192.0.2.3] said: 550 5.1.1\n    <no_user@example.com>... User unknown (in reply to RCPT TO command)\n",
		want: []formatWant{{"no_user@example.com", UserUnknown, true, "5", "User unknown"}}},
	// Yahoo! JAPAN's notice, subject "Delivery failure", "Message from
	// yahoo.co.jp." then "Unable to deliver message to the following
	// address(es).", as まほろば's page on mail sent back undelivered shows
	// it ("送信できずに送り返されたメール", mahoro-ba.net/e771.html, 例2):
	// an address typed wrong or changed (メールアドレスを入力し間違えたり、
	// 登録されていたアドレスが変更されていたり). The page gives the subject
	// only.
	{name: "Yahoo! JAPAN, no such account", from: "MAILER-DAEMON@yahoo.example.jp", subject: "Delivery failure", action: "failed",
		body: "Message from yahoo.example.jp.\nUnable to deliver message to the following address(es).\n\n<someone@yahoo.example.jp>:\nThis user doesn't have a yahoo.example.jp account (someone@yahoo.example.jp)\n",
		want: []formatWant{{"someone@yahoo.example.jp", UserUnknown, true, "5", "doesn't have a"}}},
	// qmail's "failure notice" from MAILER-DAEMON as JFUL's support page
	// shows its three commonest kinds ("メールを送信した後で、こんなメールが
	// 届いた事はありませんか?", jful.jp/supast/supast1010.html): a host
	// name not found (ホスト名の部分が間違っています), "This address no
	// longer accepts mail." (the part before the @ wrong, or the account
	// made invalid: an address that takes no more mail, a hard failure),
	// and "Mail quota exceeded." (相手のメールボックスがいっぱい).
	{name: "qmail, host not found", from: "MAILER-DAEMON@mail.example.jp", subject: "failure notice", action: "failed",
		body: qmailPre + "<someone@nohost.example.jp>:\nSorry, I couldn't find any host named nohost.example.jp. (#5.1.2)\n",
		want: []formatWant{{"someone@nohost.example.jp", HostUnknown, true, "5.1.2", "couldn't find any host"}}},
	{name: "qmail, address no longer accepts mail", from: "MAILER-DAEMON@mail.example.jp", subject: "failure notice", action: "failed",
		body: qmailPre + "<gone@example.jp>:\nThis address no longer accepts mail.\n",
		want: []formatWant{{"gone@example.jp", UserUnknown, true, "5", "no longer accepts mail"}}},
	{name: "qmail, mail quota exceeded", from: "MAILER-DAEMON@mail.example.jp", subject: "failure notice", action: "failed",
		body: qmailPre + "<full@example.jp>:\nMail quota exceeded.\n",
		want: []formatWant{{"full@example.jp", MailboxFull, false, "5", "quota exceeded"}}},
	// DDNet's own qmail notices as its FAQ shows them ("MAILER-DAEMONが
	// 送信されてきました。", www.ddn.ne.jp/support/faq/email/
	// mailerdaemon.html), here the one for a destination server that
	// exists but takes no mail (あて先のサーバは存在しますが、メールの受け
	// 入れをしていない場合): qmail-remote's "Sorry, I wasn't able to
	// establish an SMTP connection. (#4.4.1)" and qmail-send's "I'm not
	// going to try again; this message has been in the queue too long.",
	// the sending server giving up on a host it never reached.
	{name: "DDNet qmail, no SMTP connection, given up", from: "MAILER-DAEMON@www.example.ne.jp", subject: "failure notice", action: "failed",
		body: qmailPre + "<someone@example.net>:\nSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\nI'm not going to try again; this message has been in the queue too long.\n",
		want: []formatWant{{"someone@example.net", Expired, false, "", "establish an SMTP connection"}}},
	// The same notice with "user is over quota", as 株式会社ビジネス
	// ブログ's FAQ shows it (faq.busblog.jp/faq/show/410, (3-1)): the
	// destination mailbox over its capacity.
	{name: "qmail, user is over quota", from: "MAILER-DAEMON@mail.example.jp", subject: "failure notice", action: "failed",
		body: qmailPre + "<full@example.jp>: user is over quota\n",
		want: []formatWant{{"full@example.jp", MailboxFull, false, "5", "over quota"}}},
	// KAGOYA's FAQ "エラーメールが返ってきた" (support.kagoya.jp/kir/faq/
	// index.php?action=artikel&cat=5&id=328&artlang=ja), its samples
	// from "MAILER-DAEMON" or "Mail Delivery Subsystem" (no subject
	// given): Postfix's "The mail system" with its own size check
	// ("message size n exceeds size limit m of server x") and Sendmail's
	// "(reason: 552 5.3.4 Message size exceeds fixed limit)" with the
	// transcript of MAIL FROM ... SIZE=, both explained as one message
	// too big (1通あたりのメールサイズが大きすぎた); and the destination
	// mailbox full (宛先のメールボックスが一杯で届けられなかった) as
	// "maildir delivery failed: error writing message: Disk quota
	// exceeded".
	{name: "KAGOYA Postfix, message size exceeds server limit", from: "MAILER-DAEMON@mail.example.jp (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<info@example.com>: message size 5545579 exceeds size limit 4310016 of server\n    mail.example.com[192.0.2.1]\n",
		want: []formatWant{{"info@example.com", MesgTooBig, false, "5", "exceeds size limit"}}},
	{name: "KAGOYA Sendmail, message size exceeds fixed limit", from: "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.jp>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<info@example.com>\n    (reason: 552 5.3.4 Message size exceeds fixed limit)\n\n   ----- Transcript of session follows -----\n... while talking to mail.example.com.:\n>>> MAIL From:<webmaster@example.net> SIZE=1257328\n<<< 552 5.3.4 Message size exceeds fixed limit\n554 5.0.0 Service unavailable\n",
		want: []formatWant{{"info@example.com", MesgTooBig, false, "5.3.4", "exceeds fixed limit"}}},
	{name: "KAGOYA Postfix, maildir quota", from: "MAILER-DAEMON@mail.example.jp (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: postfixPre + "<info@example.com>: maildir delivery failed: error writing message: Disk quota\n    exceeded\n",
		want: []formatWant{{"info@example.com", MailboxFull, false, "5", "Disk quota"}}},
	// さくらインターネット's help on errors returned after sending
	// (help.sakura.ad.jp/rs/2265, "エラー内容の記載箇所"): Sendmail's
	// "(reason: 550 Host unknown)" with "550 5.1.2 <addr>... Host unknown
	// (Name server: x.: host not found)" in its transcript, the part of
	// the address right of the @ wrong; and its warning ("THIS IS A
	// WARNING MESSAGE ONLY", "transient non-fatal errors", "451 <addr>...
	// <domain>: Name server timeout", "Will keep trying until message is
	// 5 days old"), which the same company's older manual names a name
	// server timeout, under the subject "Warning: could not send message
	// for past 4 hours", mail held and retried (さくらポスト オンライン
	// マニュアル, "送信エラー [ 451 Name server timeout ]",
	// museum-web2.sakuraha.jp/20040701103314/support/post/manual/
	// trouble/smtp_451.html): a resolver's failure for now, a network
	// error.
	{name: "Sakura Sendmail, host unknown", from: "Mail Delivery Subsystem <MAILER-DAEMON@www1.example.jp>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<user@nohost.example.jp>\n    (reason: 550 Host unknown)\n\n   ----- Transcript of session follows -----\n550 5.1.2 <user@nohost.example.jp>... Host unknown (Name server: nohost.example.jp.: host not found)\n",
		want: []formatWant{{"user@nohost.example.jp", HostUnknown, true, "5.1.2", "Host unknown"}}},
	{name: "Sakura Sendmail warning, name server timeout", from: "Mail Delivery Subsystem <MAILER-DAEMON@www1.example.jp>", subject: "Warning: could not send message for past 4 hours", action: "delayed",
		body: sendmailWarnBanner + sendmailHead + "   ----- The following addresses had transient non-fatal errors -----\n<username@example.co.jp>\n\n   ----- Transcript of session follows -----\n451 <username@example.co.jp>... example.co.jp: Name server timeout\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n",
		want: []formatWant{{"username@example.co.jp", NetworkError, false, "4", "Name server timeout"}}},
	// A Japanese ISP's (em-net.ne.jp) Sendmail delivering through
	// procmail: "(reason: Can't create output)", the transcript's
	// "procmail: Quota exceeded while writing" and "550 5.0.0 <addr>...
	// Can't create output", as デジタルライフ's post on it quotes one
	// ("Can't create output", digitallife2015.blogspot.com/2021/07/
	// cant-create-output.html): the mail storage the address may use is
	// full (メールサーバーの容量を超えてしまった). No header given.
	{name: "em-net Sendmail and procmail, quota exceeded", from: "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.ne.jp>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<someone@tt.example.ne.jp>\n    (reason: Can't create output)\n\n   ----- Transcript of session follows -----\nprocmail: Quota exceeded while writing \"/mb/tt.example.ne.jp/someone/Mailbox\"\n550 5.0.0 <someone@tt.example.ne.jp>... Can't create output\n",
		want: []formatWant{{"someone@tt.example.ne.jp", MailboxFull, false, "5", "Quota exceeded"}}},
	// docomo refusing a sender its recipient's reception settings
	// (受信拒否) refuse: the sending server's notice names "reason: 550
	// Unknown user" under "The following addresses had permanent fatal
	// errors", as ドコモ情報プラザ's answer on what a sender refused by a
	// docomo or SoftBank phone gets back shows it ("メール拒否に指定された
	// 場合エラーメール等は返信されるの?", doplaza.jp/life/mail/001563.php);
	// the address exists and its owner's filter refused the sender. The
	// page gives no header.
	{name: "docomo, reception refused", from: "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.jp>", subject: "Returned mail: see transcript for details", action: "failed",
		body: sendmailHead + "   ----- The following addresses had permanent fatal errors -----\n<someone@docomo.example.jp>\n    (reason: 550 Unknown user)\n",
		want: []formatWant{{"someone@docomo.example.jp", Filtered, false, "5", "Unknown user"}}},
}

// TestExternalJA reads the notices of jaLayouts.
func TestExternalJA(t *testing.T) { checkFormats(t, jaLayouts) }
