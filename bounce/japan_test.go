package bounce

import "testing"

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
// before the classifier was run on them: first contact at the code
// after the first round's readings, reason 0 of 4, hard/soft 2 (the two
// soft ones), all four onhold, words no phrase knew. After their readings (phrases.go,
// rcptStageWords: pakeo's "not registered, check it and send again",
// jp-r's "destination address matches none", freeserve's "mailbox has
// reached its limit", Lotus Notes' "bad SMTP command syntax"): 4 of 4.
//
// A third round, seven rows from two more pages: クラウドサイン's own
// returned-mail notice, whose Japanese reasons are Amazon SES's bounce
// types (an address that does not exist, a mailbox short of space, a
// message over the destination's limit, content and an attachment
// refused), and Hitachi's Groupmax Mail - SMTP gateway's error mail
// subjects; first contact at the code after the second round (and
// errorLines' count in characters): reason 0 of 7, hard/soft 5 (the soft ones), all
// onhold. After the readings CloudSign's page gives (phrases.go,
// rcptStageWords) and Groupmax's "RFC822 MailBody Format Error" as the
// content's: 6 of 7, hard/soft 6.
//
// The whole table: reason 35 of 52 (67.3%), hard/soft 38 (73.1%), every
// other table's and set's rows as before; the 17 left are the exceptions
// below.
func TestJapanReplies(t *testing.T) {
	rows := replyTable(t, "ja-replies.csv")
	reason, hard, _ := scoreReplyTable(t, "ja replies", rows, jaReplyExceptions)
	if n := len(rows); n < 52 {
		t.Errorf("%d rows, want at least 52", n)
	}
	// At least 50 sources (27 pages); the floors just under what the
	// classifier reaches today (35 and 38 of 52): raise them as it
	// improves.
	threads := wildThreads(t, rows, "wild-replies.csv", "wild-replies-2.csv", "wild-replies-3.csv", "wild-replies-4.csv", "intl-replies.csv", "regional-replies.csv", "gateway-replies.csv")
	checkTableFloors(t, "sources", threads, 50, reason, hard, 67.0, 73.0)
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
	// A gateway's conversion of the recipient's information failing; the
	// manual says the information is not valid, which may be the
	// gateway's mapping as well as the address.
	"Conversion failer : Recipients-Information is not available.": "a gateway's conversion failure: address or mapping",
}
