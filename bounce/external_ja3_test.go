package bounce

import (
	"mime"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// jaNoticeLayouts are whole returned-mail notices as Japanese ISPs' and
// help pages show them, none of them among jaLayouts', ja2Layouts' or the
// layouts of formats_test.go, each cut to the lines its reading needs,
// addresses and hosts replaced; the truth of each is its page's meaning,
// written before Parse was run. First contact: recipient 6 of 6, reason
// and hard/soft 5; the miss was DTI's notice in Japanese, whose heading
// over the recipient ("以下の受取人は、相手のメールサーバに拒否されました。")
// was not read with the recipient's lines (a single recipient's lines
// under 200 bytes took the preamble along, 66 Japanese characters) and
// was no stage word: read as a filter's. After counting a block's size
// in characters (text.go) and the heading as its English twin's stage
// words (classify.go, rcptStageWords): 6 of 6. A seventh, Lotus Notes'
// report in Japanese, was added after the reply table's second round had
// read its 原因 line ("bad SMTP command syntax"): it holds the report's
// layout (the recipient on its "送信先:" line), read right when added.
var jaNoticeLayouts = []formatCase{
	// DTI's Mail System Error notice in Japanese, as its technical page on
	// an address not found shows it beside the English one (dream.jp/
	// support/techinfo/mail/error/error05.html, 『Mail System Error -
	// Returned Mail』宛先のメールアドレスが見つからなかった場合(2)): from
	// "Mail Administrator", subject "メールシステム誤り- 返されたメール",
	// "以下の受取人は、相手のメールサーバに拒否されました。", "受取人: <x>",
	// "原因: <x> のユーザーは登録されていません"; the address typed wrong
	// (メールアドレスの入力に誤りがある). Sent here as ISO-2022-JP, the
	// charset Japanese mail is sent in (RFC 1468).
	{name: "DTI notice in Japanese, user not registered", from: "Mail Administrator <Postmaster@example.ne.jp>", subject: mime.BEncoding.Encode("UTF-8", "メールシステム誤り- 返されたメール"), action: "failed", charset: "iso-2022-jp",
		body: jis("このメールは以下の原因により届けることが出来ませんでした: \n\n以下の受取人は、相手のメールサーバに拒否されました。 \n以下のサーバーが返したエラーメッセージには、受取人が拒否された理由が \n含まれています。 \n\n受取人: <someone@m.example.ne.jp> \n原因:  <someone@m.example.ne.jp> のユーザーは登録されていません \n\nもし、このエラーメールにご不明な点などございましたら \nPostmaster@example.ne.jpまで返信をお願いします。\n"),
		want: []formatWant{{"someone@m.example.ne.jp", UserUnknown, true, "5", "登録されていません"}}},
	// Asahi Net's English FAQ on "Undelivered Mail Returned to Sender"
	// (faq.asahi-net.jp/en/faq_detail.html?id=5238): Postfix's notice
	// with its Japanese host's refusal at RCPT, "550 5.7.1 <x>: Recipient
	// address rejected: Unknown user", explained as the mail reaching the
	// recipient host and the user (mail address) not found there.
	{name: "Asahi Net Postfix, unknown user at RCPT", from: "MAILER-DAEMON@mail.example.ne.jp (Mail Delivery System)", subject: "Undelivered Mail Returned to Sender", action: "failed",
		body: "This is the mail system at host mail1.example.ne.jp.\n\nI'm sorry to have to inform you that your message could not be delivered to one or more recipients. It's attached below.\nFor further assistance, please send mail to postmaster.\nIf you do so, please include this problem report. You can delete your own text from the attached returned message.\n\nThe mail system\n<someone@example.jp>: host\nsbmx.example.ne.jp[192.0.2.5] said: 550 5.7.1\n<someone@example.jp>: Recipient address rejected: Unknown user (in reply to RCPT TO command)\n",
		want: []formatWant{{"someone@example.jp", UserUnknown, true, "5", "Unknown user"}}},
	// 富士フイルム's FAQ on mail refused for a blacklisted server
	// (faq01-fb.fujifilm.com/faq/show/101516): qmail-send's notice with
	// the Spamhaus refusal at RCPT, the sending server's IP on an
	// anti-spam organisation's blacklist.
	{name: "qmail-send, Spamhaus listing", from: "MAILER-DAEMON@dc1.example.jp", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at dc1.example.jp.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<someone@example.co.jp>:\n192.0.2.7 does not like recipient.\nRemote host said: 550 5.7.1 Service unavailable, Client host [192.0.2.1]\nblocked using Spamhaus. To request removal from this list see\nhttps://www.spamhaus.org/query/ip/192.0.2.1 AS(1440)\n",
		want: []formatWant{{"someone@example.co.jp", Blocked, false, "5", "Spamhaus"}}},
	// tomokos.net's page on sending IPs put on block lists
	// (www.tomokos.net/65/), pattern 1: qmail-remote's "Connected to x but
	// sender was rejected." with "550 mail not accepted from blacklisted
	// IP address", the global IP address on a blacklist.
	{name: "qmail-send, blacklisted IP at MAIL FROM", from: "MAILER-DAEMON@mail.example.jp", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at mail.example.jp.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<someone@example.com>:\nConnected to 192.0.2.8 but sender was rejected.\nRemote host said: 550 mail not accepted from blacklisted IP address (http://www.example.net/)\n",
		want: []formatWant{{"someone@example.com", Blocked, false, "5", "blacklisted"}}},
	// Yahoo! JAPAN's help on send errors as an answer quotes it
	// (ja.paraquee.com/post/mail-delivery-subsystem-address-unknown, 例1):
	// "x does not like recipient. Remote host said: 550 ... User unknown
	// Giving up on x.", the destination address wrong or changed.
	{name: "qmail-send, user unknown at RCPT", from: "MAILER-DAEMON@mail.example.jp", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at mail.example.jp.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<someone@example.jp>:\n192.0.2.9 does not like recipient.\nRemote host said: 550 <someone@example.jp>... User unknown\nGiving up on 192.0.2.9.\n",
		want: []formatWant{{"someone@example.jp", UserUnknown, true, "5", "User unknown"}}},
	// 板方's note on mail refused by Office 365 (itakata.com/
	// it-mail-error-550): qmail-send's notice with Exchange Online's "550
	// 5.7.606 Access denied, banned sending IP", the sender's IP on Office
	// 365's block list.
	{name: "qmail-send, Office 365 banned sending IP", from: "MAILER-DAEMON@mail.example.jp", subject: "failure notice", action: "failed",
		body: "Hi. This is the qmail-send program at mail.example.jp.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<someone@example.co.jp>:\n192.0.2.10 does not like recipient.\nRemote host said: 550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to http://go.microsoft.com/fwlink/?LinkID=526655 (AS16012609) [TY1JPN01FT004.eop-JPN01.prod.protection.outlook.com]\nGiving up on 192.0.2.10.\n",
		want: []formatWant{{"someone@example.co.jp", Blocked, false, "5.7.606", "banned sending IP"}}},
	// Lotus Notes' delivery report in Japanese as fml8's bounce parser
	// shows it (github.com/fmlorg/fml8, fml/lib/Mail/Bounce/Language/
	// Japanese.pm, ERROR EXAMPLE "Lotus Notes"): "送信エラーレポート" (send
	// error report), "件名:" (subject), "送信先:" (destination) and "原因:"
	// (cause) "The peer SMTP host reports that it received bad SMTP command
	// syntax.", the receiving host refusing a command as malformed. The
	// example gives no header: the case uses Domino's usual English one
	// (formats_test.go's "Domino").
	{name: "Lotus Notes report in Japanese, bad command syntax", from: "Mail Router <postmaster@example.jp>", subject: "DELIVERY FAILURE: The peer SMTP host reports that it received bad SMTP command syntax.", action: "failed", charset: "iso-2022-jp",
		body: jis("送信エラーレポート\n\n    件名:        [list:08268] Re: お知らせ\n\n    送信先:      someone@chuo.example.jp\n\n    原因:        The peer SMTP host reports that it received bad SMTP command\n                 syntax.\n"),
		want: []formatWant{{"someone@chuo.example.jp", SyntaxError, false, "5", "bad SMTP command"}}},
}

// jis encodes s as ISO-2022-JP.
func jis(s string) string {
	b, err := japanese.ISO2022JP.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestExternalJA3 reads the notices of jaNoticeLayouts.
func TestExternalJA3(t *testing.T) { checkFormats(t, jaNoticeLayouts) }
