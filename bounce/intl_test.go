package bounce

import (
	"strings"
	"testing"
)

// TestIntlReplies scores ClassifyReply on testdata/intl-replies.csv:
// replies and returned-mail texts that are not in English, as receivers
// write them (web.de's bilingual replies; Exchange's NDR texts in German,
// Spanish, Polish, French, Turkish, Finnish and Japanese as people pasted
// them or Microsoft publishes them; Naver's and Daum's Korean notices;
// DTI's Japanese notice) and as providers' and hosts' help pages in those
// languages name them (Gmail's in German, Italian, Japanese and Slovak,
// Outlook.com's in Italian, Onet's, SARE's, mail.fr's, a Czech host's, a
// Japanese CRM's and two Chinese hosts' lists of returned-mail texts).
// The source column names the page and the meaning it gives; reason and
// hard/soft were written from it before the classifier was run, and no
// text repeats a wording of TestLocalisedWordings or TestLocalisedNotices.
// Addresses are replaced by example ones, the words kept; a text with no
// reply code beside it on its page has code 0. 65 rows from 26 pages in
// 12 languages (German, Spanish, French, Italian, Polish, Czech, Slovak,
// Finnish, Turkish, Japanese, Chinese, Korean).
//
// First contact, before any reading was added: reason 8 of 65 (12.3%),
// hard/soft 37 (56.9%), the same on the branch's base and on main at
// fe970e5. The 57 misses by kind: 56 words no phrase knew (onhold: the
// Exchange NDR texts, the help pages' names of unknown users, full
// mailboxes, unknown domains, temporary errors, Korean and Chinese size
// and rate refusals), one a user-unknown reply with no stage (web.de's
// "550 Benutzer nicht bekannt/User unknown", read as a filter's, doc.go).
// Hard/soft missed with them: the unknown users and domains read as
// nothing.
//
// After the readings their sources give (phrases.go and rcptStageWords,
// each with its source; TestMissKinds): reason 43 (66.2%), hard/soft 49
// (75.4%). Of the 22 left, 20 are documented exceptions (intlExceptions):
// 15 user-unknown wordings with no stage and no recipient named, which
// the model reads as a filter's (doc.go, step 4), as it reads their
// English; three of Gmail's "temporarily rejected", which its help gives
// under the causes of spam but whose words name no reason; two of Gmail's
// "recipient server did not accept our requests", read as their English
// is (Gmail giving up, gaveUpPhrases) where the page gives a connection
// failure. Two are plain misses, words no page explains beyond the list
// they stand in (Outlook.com's Italian "Nessun server adeguato" and
// "Mailbox non disponibile").
func TestIntlReplies(t *testing.T) {
	rows := replyTable(t, "intl-replies.csv")
	if n := len(rows); n < 60 {
		t.Errorf("%d rows, want at least 60", n)
	}
	pages := make(map[string]bool)
	for _, row := range rows {
		pages[strings.Fields(row[1])[0]] = true
	}
	reason, hard, _ := scoreReplyTable(t, "intl replies", rows, intlExceptions)
	// At least 25 pages; the floors just under what the classifier reaches
	// today (43 and 49 of 65): raise them as it improves.
	checkTableFloors(t, "pages", len(pages), 25, reason, hard, 66.0, 75.0)
}

// intlExceptions are the international table's rows the model reads
// otherwise, by their text, each with why. They stay in the table and
// count as misses.
var intlExceptions = map[string]string{
	// User-unknown wordings with no stage, no x.1 status and no words that
	// name the recipient are read as a filter's verdict (doc.go, step 4),
	// as their English is ("User unknown", "Mailbox not found",
	// documentedExceptions); the pages give them without a stage.
	"Benutzer nicht bekannt/User unknown":                                 "no stage: a filter's words",
	"Das E-Mail-Konto, das Sie kontaktieren möchten, ist nicht vorhanden": "no stage: a filter's words",
	"La cuenta de correo electrónico no existe":                           "no stage: a filter's words",
	"Docelowe konto nie istnieje":                                         "no stage: a filter's words",
	"Nieprawidłowa nazwa użytkownika":                                     "no stage: a filter's words",
	"Mailbox non valida":                                                  "no stage: a filter's words",
	"Cassetta postale non trovata":                                        "no stage: a filter's words",
	"Cassetta postale non valida":                                         "no stage: a filter's words",
	"L'account email che hai cercato di raggiungere non esiste":           "no stage: a filter's words",
	"Uživatel neznámý":                                                    "no stage: a filter's words",
	"<user@example.jp> のユーザーは登録されていません":                                   "no stage: a filter's words",
	"送信先のメール アカウントは存在しません":                                                "no stage: a filter's words",
	"対象ドメインのアカウントを持っていません":                                                "no stage: a filter's words",
	"不明なユーザーです":                                                           "no stage: a filter's words",
	"ユーザーが存在しません":                                                         "no stage: a filter's words",
	// Gmail's help gives "temporarily rejected" under the same causes as
	// "flagged as spam" (suspicious text or links, many Cc/Bcc
	// recipients); the words alone name no reason.
	"Die Nachricht wurde vorübergehend abgelehnt": "the words name no reason: onhold",
	"Messaggio rifiutato temporaneamente":         "the words name no reason: onhold",
	"Správa bola dočasne odmietnutá":              "the words name no reason: onhold",
	// Gmail's "The recipient server did not accept our requests to
	// connect" is read as Gmail giving up (gaveUpPhrases), and so are its
	// translations; the help pages give the connection that failed.
	"Il server del destinatario non ha accettato le nostre richieste": "read as its English: Gmail gave up (expired)",
	"Server príjemcu neprijal naše požiadavky":                        "read as its English: Gmail gave up (expired)",
}
