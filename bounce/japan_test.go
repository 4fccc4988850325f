package bounce

import (
	"mime"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// TestJapanReplies scores ClassifyReply on testdata/ja-replies.csv: the
// texts Japanese carriers', ISPs', hosts' and mail services' help pages
// (and the pages answering their users) quote from returned-mail notices,
// each with the meaning the page gives (宛先不明, 容量オーバー, 受信拒否,
// サイズ超過, ドメイン不明, ...), none of them already a row of another
// table. Addresses and hosts are replaced by example ones, the words kept;
// where a page gives a reply code, an enhanced code or the command the
// reply answered, the row has it, else 0 and no stage. A refusal by the
// recipient's own reception settings (受信拒否, ドメイン指定受信) is the
// recipient's filter, filtered, as doc.go defines it and jaLayouts reads
// docomo's. Reason and hard/soft were written from each page before the
// classifier was run.
//
// The first round, 41 rows from 24 pages: ISPs' and cable operators'
// FAQs (ちゅピCOM, イッツコム, BBIQ, メガエッグ, Asahi Net, ippo), hosts'
// (さくらインターネット, WebARENA, おまかせサーバ) and a mail server vendor's
// (E-Post), Microsoft's Japanese Outlook help, Gmail's Japanese notice as
// pages quote it, Yahoo! JAPAN's notices as answers quote them, センドマジ
// ック's notes on au's replies, a university's and PC shops' help pages.
//
// First contact, at main as the table was cut (946dca7, committed with the
// table before any reading changed): reason 21 of 41 (51.2%), hard/soft
// 25 (61.0%). The 20 misses by what they were read as: 9 onhold (the four
// Japanese reasons of Microsoft's page and Gmail's Japanese full-inbox
// sentence, words no phrase knew; "host name is unknown", "User-unknown"
// as BBIQ's page spells it, WebARENA's bare "temporary failure" and
// イッツコム's bare "recipient rejected"); 7 filtered (user-unknown words
// with no stage and no address named, read as a filter's as their English
// always is: "Unknown user", "Invalid Address", "User not found", "user
// name is unknown", "no mailbox here by that name", "unknown user" and
// Yahoo! JAPAN's "This user doesn't have a x account"); 1 userunknown
// (ちゅピCOM's "Invalid recipient", a recipient's domain-restricted
// reception by its page, SoftBank's and J:COM's unknown address by
// センドマジック's); 1 blocked (WebARENA's "Client host rejected: Access
// denied" for a client that did not authenticate, Postfix's generic
// access(5) refusal); 1 norelaying (au's "Relay access denied" for a
// malformed address); 1 mailererror (おまかせサーバ's "Can't create
// output" for a full mailbox, sysexits' EX_CANTCREAT).
//
// After the readings those pages give (phrases.go: Gmail's Japanese
// full-inbox heading and sentence, Microsoft's four Japanese reasons,
// "host name is unknown"; classify.go rcptStageWords: Microsoft's
// "無効な受信者です" and "電子メール アドレスの形式が正しくありません"): reason 25
// (61.0%), hard/soft 28 (68.3%); Microsoft's "不明なアドレスです" and "ユーザー
// が見つかりません" now read as a filter's, as their English does with no
// stage. Every row of every other table and set read the same before and
// after.
//
// A second round, four rows from the Japanese ISPs' notices fml8's bounce
// parser shows as its examples (pakeo.ne.jp, jp-r.ne.jp, freeserve and
// Lotus Notes' Japanese report), written the same way and committed
// before the classifier was run on them: first contact at the code above
// (638fff5), reason 0 of 4, hard/soft 2 (the two soft ones), all four
// onhold, words no phrase knew. After their readings (phrases.go,
// rcptStageWords: pakeo's "not registered, check it and send again",
// jp-r's "destination address matches none", freeserve's "mailbox has
// reached its limit", Lotus Notes' "bad SMTP command syntax"): 4 of 4.
// The whole table: reason 29 of 45 (64.4%), hard/soft 32 (71.1%), every
// other table's and set's rows as before; the 16 left are the exceptions
// below.
func TestJapanReplies(t *testing.T) {
	rows := replyTable(t, "ja-replies.csv")
	reason, hard, _ := scoreReplyTable(t, "ja replies", rows, jaReplyExceptions)
	if n := len(rows); n < 45 {
		t.Errorf("%d rows, want at least 45", n)
	}
	// At least 42 sources (25 pages); the floors just under what the
	// classifier reaches today (29 and 32 of 45): raise them as it
	// improves.
	threads := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv")
	checkTableFloors(t, "sources", threads, 42, reason, hard, 64.0, 70.5)
}

// jaReplyExceptions are the rows whose meaning, as their page gives it,
// the words do not carry or carry ambiguously; each still counts a miss.
var jaReplyExceptions = map[string]string{
	// User-unknown words with no stage, no x.1 status and no address
	// named are read as a filter's (doc.go, step 4), as the provider
	// table's documented exceptions are; the pages quote them without
	// the notice around them.
	"Unknown user":                 "no stage: a filter's words",
	"Invalid Address":              "no stage: a filter's words",
	"User not found":               "no stage: a filter's words",
	"user name is unknown":         "no stage: a filter's words",
	"no mailbox here by that name": "no stage: a filter's words (qmail's RCPT reply without its #5.1.1)",
	"unknown user":                 "no stage: a filter's words",
	"不明なアドレスです":                    "no stage: a filter's words",
	"ユーザーが見つかりません":                 "no stage: a filter's words",
	"This user doesn't have a yahoo.example.jp account (someone@yahoo.example.jp)": "no stage: a filter's words, as the provider table's Yahoo row",
	// The page's own spelling of "User unknown".
	"User-unknown": "a page's spelling, no notice's",
	// Postfix's "temporary failure" names no reason; WebARENA's page
	// reads it as a temporary error that lasted, most often a full
	// mailbox.
	"<someone@example.jp>: temporary failure": "words that name no reason",
	// Postfix's generic access(5) REJECT text, blocked in the provider
	// and software tables; WebARENA's page gives it for a client that did
	// not authenticate.
	"<someone@example.jp>: Client host rejected: Access denied": "Postfix's generic client refusal",
	// Postfix's relay refusal; センドマジック's note gives it for an address
	// au cannot parse or does not host.
	"<someone@@ezweb.example.jp>: Relay access denied": "a relay refusal in Postfix's words",
	// A bare "recipient rejected" names no cause (GoDaddy's and
	// Infomaniak's add one after it).
	"recipient rejected": "words that name no reason",
	// sysexits' EX_CANTCREAT, a mailer program's failure; the provider
	// table's NewPages row is the same exception.
	"Returned mail: Can't create output": "EX_CANTCREAT: the program's words, not the mailbox's",
	// SoftBank's and J:COM's reply for an unknown address (センドマジック)
	// and Yandex's; ちゅピCOM's page gives it for a recipient's
	// domain-restricted reception.
	"Invalid recipient": "an unknown recipient by other sources",
}

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
// words (classify.go, rcptStageWords): 6 of 6.
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
