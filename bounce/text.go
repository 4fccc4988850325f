package bounce

import (
	"cmp"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

// notification returns the human-readable part of the bounce, up to where
// the returned message begins. When the returned message is quoted inline
// (no message/rfc822 part), its header is parsed into w.original.
func (w *walk) notification() string {
	if w.notifDone {
		return w.notif
	}
	w.notifDone = true
	if len(w.text) == 0 {
		return ""
	}
	text := w.text[0]
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i, l := range lines {
		if isOriginalMarker(l) {
			cut = i
			break
		}
	}
	hdrFrom := cut + 1
	if cut == len(lines) {
		// No marker: the returned header starts at the first block of
		// header fields that holds a Message-ID or a Received line.
		if i := findHeaderBlock(lines); i >= 0 {
			cut, hdrFrom = i, i
		}
	}
	if w.original == nil && hdrFrom < len(lines) {
		rest := lines[hdrFrom:]
		// Skip a few lines of prose between the marker and the header.
		for k := 0; k < len(rest) && k < 8; k++ {
			h, n := parseHeaderLines(rest[k:])
			if n >= 2 && len(h) >= 2 {
				w.original = h
				break
			}
		}
	}
	w.notif = strings.Join(lines[:cut], "\n")
	return w.notif
}

// originalMarkers are the wordings MTAs put before the returned message.
var originalMarkers = []string{
	"original message",          // Sendmail savemail.c "----- Original message follows -----"; Gmail "----- Original message -----"; OpenSMTPD bounce.c "Below is a copy of the original message:" (testdata/mta/opensmtpd)
	"copy of the message",       // qmail-send "--- Below this line is a copy of the message."; Exim deliver.c "------ This is a copy of the message, including all the headers. ------"
	"below this line is a copy", // qmail-send's marker, also in Yahoo's bounce (TestQmailFormats, TestOtherFormats)
	"message header follows",    // Sendmail savemail.c, RET=HDRS: "----- Message header follows -----"
	"undelivered message",       // Postfix bounce(5): the returned message's part, "Content-Description: Undelivered Message" (testdata/mta/postfix)
	// Markers of real bounces that Mailman's bounce detector names by
	// the sites that sent them (Mailman 2.1 Bouncers/SimpleMatch.py):
	// Smail's "message text follows:", demon.co.uk's "---- START OF
	// RETURNED MESSAGE ----".
	"message text follows", "returned message",
}

func isOriginalMarker(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" || len(t) > 100 {
		return false
	}
	decorated := strings.IndexByte("-=*_#[<(", t[0]) >= 0
	if !decorated && len(t) > 60 {
		return false
	}
	l := strings.ToLower(t)
	if strings.Contains(l, "content-type: message/rfc822") {
		return true
	}
	for _, m := range originalMarkers {
		if strings.Contains(l, m) {
			if decorated || strings.HasSuffix(l, ":") || strings.HasSuffix(l, "follows") || len(l) < 40 && !strings.HasSuffix(l, ".") {
				return true
			}
		}
	}
	return false
}

// findHeaderBlock returns the index of the first line that starts a run of
// header fields including Received, Message-ID, Return-Path or From plus
// Subject, or -1.
func findHeaderBlock(lines []string) int {
	for i := 1; i < len(lines); i++ {
		l := lines[i]
		if !startsField(l) {
			continue
		}
		if strings.TrimSpace(lines[i-1]) != "" && startsField(lines[i-1]) {
			continue
		}
		h, n := parseHeaderLines(lines[i:])
		if n >= 3 && (h["Received"] != nil || h["Message-Id"] != nil || h["Return-Path"] != nil ||
			h["From"] != nil && h["Subject"] != nil) {
			return i
		}
	}
	return -1
}

func startsField(l string) bool {
	name, _, ok := strings.Cut(l, ":")
	return ok && isFieldName(name) && len(name) > 1 && !strings.Contains(name, " ")
}

// block is the text about one recipient in a plain-text bounce.
type block struct {
	addr  string
	lines []string
	// headed reports that a line began with the address, as recipient
	// lists print it, rather than mentioning it in a sentence.
	headed bool
	// ctx holds the session transcript lines (">>> ", "<<< ") seen since
	// the previous record: Sendmail prints the server's reply before the
	// per-recipient record line.
	ctx []string
	// cmd is the SMTP command the failure answered when the layout
	// names it otherwise than in words ("" when unknown).
	cmd string
	// flush reports a record that starts at the left margin with
	// "<addr>", as Postfix's bounce(5) text, qmail-send's and Yahoo's
	// print it: its indented lines continue it.
	flush bool
	// under is the indentation of a head line that holds the address
	// alone, indented, as Exim prints a failed address ("  %s",
	// deliver.c): its error lines, indented further, continue it.
	under int
	// scanned counts the lines hasReasonLine has read, reason whether one
	// of them was a "(reason: " line: a recipient named on many lines is
	// not read again from its first line each time.
	scanned int
	reason  bool
	// from is the address the block's recipient was generated or
	// expanded from (otherExpandedFrom), read once (fromRead) for
	// blockFor, which asks it for every DSN recipient; words is the
	// block's text with its own address masked and its spacing undone,
	// read once for the same.
	from     string
	fromRead bool
	words    string
	// spelled is addr as the notice writes it, when it is not found
	// again by the address scan of spellRecipients (bareRecipients'
	// local names); "" otherwise.
	spelled string
}

// replyIntros are headings after which a notice prints the remote
// server's reply at the left margin, where a line of codes and an address
// would otherwise start a record of its own: Gmail's notices
// (support.google.com/mail/answer/6596: "The response from the remote
// server was:", "The response was:", the older "The error that the other
// server returned was:", in German "Die Antwort vom Remote-Server
// lautet:").
var replyIntros = []string{
	"the response from the remote server was:", "the response was:",
	"the error that the other server returned was:", "die antwort vom remote-server lautet:",
}

// introducesReply reports a line that is one of replyIntros.
func introducesReply(t string) bool {
	for _, h := range replyIntros {
		if len(t) == len(h) && strings.EqualFold(t, h) {
			return true
		}
	}
	return false
}

// quotedInReply reports an address on line that belongs to the open
// block b's error rather than starting another recipient's: one quoted
// in a reply (after words and a reply code or status on the line:
// qmail-remote's "Remote host said: 550 5.1.1 <other@...>"; after the
// codes on an indented line: Exim's reply line), or on an indented
// continuation of a record that starts at the margin (Postfix folds a
// reply onto lines indented by four spaces), or on a line indented
// deeper than an address alone on its line (Exim's error lines). A
// Sendmail record ("550 <addr>... User unknown") names its recipient.
func quotedInReply(line, addr string, b *block) bool {
	if b.flush && line != "" && (line[0] == ' ' || line[0] == '\t') {
		return true
	}
	if b.under > 0 && len(line)-len(strings.TrimLeft(line, " ")) > b.under {
		// Exim writes a failed address's error under it on lines
		// indented by four spaces, breaking it after a colon
		// (deliver.c, print_address_error(): "\n    ", then "\n   "
		// before the space after ": "). Any address on them is the
		// error's: the command its transport sent, "LMTP error after
		// RCPT TO:<x>:" (transports/lmtp.c), "SMTP error from remote
		// mail server after RCPT TO:<x>:" (transports/smtp.c), whose
		// address lacks a local part's prefix or suffix unless
		// rcpt_include_affixes is set (transport.c,
		// transport_rcpt_address()), and what the remote's reply names
		// (Dovecot's "User doesn't exist: x", broken onto a line of its
		// own): not another recipient, though it may differ from the
		// address above.
		return true
	}
	i := indexFold(line, addr)
	if i <= 0 {
		return false
	}
	pre := line[:i] // codes are digits: no folding needed
	if strings.Contains(strings.ToLower(pre), "returned '") {
		// Exchange 2010 and later: "Remote Server returned '<reply>'",
		// "Server at host (ip) returned '<reply>'" under the recipient
		// (Microsoft Learn, "Email non-delivery reports and SMTP errors
		// in Exchange Online"): whatever the reply quotes is its own.
		return true
	}
	if !(findReplyCode(pre) != 0 || hasStatusCode(pre)) {
		return false
	}
	// A line that starts at the margin with nothing but the codes
	// before the address is a record of its own, as Sendmail's
	// "550 <addr>... User unknown" and lists of one reply per
	// recipient print them; indented, it is a reply quoted under the
	// open recipient (Exim's, even when the remote is a Sendmail).
	codes := strings.Trim(pre, "<\"' \t")
	codesOnly := strings.Trim(codes, "0123456789.- ") == "" && strings.Count(codes, " ") <= 1
	return !codesOnly || line[0] == ' ' || line[0] == '\t'
}

// opensExchangeBracket reports a line that opens Exchange 2000/2003's
// diagnostic "<host #d.d.d ...": "<", a host name, " #" and a status
// code (KB 284204).
func opensExchangeBracket(t string) bool {
	if len(t) < 8 || t[0] != '<' {
		return false
	}
	i := strings.Index(t, " #")
	if i < 2 || i+4 > len(t) || strings.ContainsAny(t[1:i], " \t<>") {
		return false
	}
	return t[i+2] >= '2' && t[i+2] <= '5' && t[i+3] == '.'
}

// hasReasonLine reports a "(reason: ...)" line in the block.
func (b *block) hasReasonLine() bool {
	if b.scanned > len(b.lines) {
		b.scanned, b.reason = 0, false // lines were taken away: read again
	}
	for ; b.scanned < len(b.lines) && !b.reason; b.scanned++ {
		b.reason = strings.HasPrefix(strings.TrimSpace(b.lines[b.scanned]), "(reason: ")
	}
	return b.reason
}

// quotesReply reports whether the block holds the remote server's reply
// as Sendmail quotes it: a transcript line ("<<< ") or the "(reason: ...)"
// line of "The following addresses had permanent fatal errors".
func (b *block) quotesReply() bool {
	for _, ls := range [2][]string{b.ctx, b.lines} {
		for _, l := range ls {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "<<< ") || strings.HasPrefix(t, "(reason: ") {
				return true
			}
		}
	}
	return false
}

// textBlocks splits a notification into per-recipient blocks: each address
// starts (or resumes) its block and the lines after it belong to it until the
// next address. Addresses in skip (the sender's own) are not recipients.
// pre is the text before the first recipient.
func textBlocks(notif string, skip map[string]bool) (blocks []block, pre string) {
	var prel, ctx []string
	cur := -1
	// detached: Sendmail's transcript (deliver.c, "... while talking to
	// host:", then ">>> " commands and "<<< " replies, then the record
	// "addr... reason") has begun a session or command for a record
	// not yet printed: its lines belong to the next record, not to the
	// block of the previous one.
	detached := false
	record := false // the current block's line was a Sendmail record ("addr... text")
	// inReply: the lines since a heading that introduces the remote
	// server's reply (replyIntros), up to a blank line, are that reply:
	// an address it quotes is part of the open recipient's error.
	inReply, replyLines := false, 0
	// inBracket: Exchange 2000 and 2003 end a recipient's entry with
	// the diagnostic "<host #status smtp;reply>" (Microsoft KB 284204's
	// example, "<server.nwtraders.com #5.1.1>"); a remote reply of
	// several lines (RFC 5321 §4.2.1) runs on to lines of their own, at
	// the margin, up to the ">" that closes the bracket (an NDR quoted
	// on bbs.exchangecn.com, read-htm-tid-2437: "... please forward this
	// message to" and the address it names on the next line). An
	// address on those lines is the reply's; a blank line, which no
	// reply holds, ends them too.
	inBracket := false
	// blockAt indexes blocks by address (one block an address): a notice
	// of thousands of recipients is not searched through for each.
	var blockAt blockIndex
	lines := strings.Split(notif, "\n")
	// Exchange 4.0 to 2003 print a summary of the returned message above
	// the failed recipients: "Your message\n  To: ...\n  Cc: ...\n
	// Subject: ...\n  Sent: ...\n did not reach the following
	// recipient(s):" (Exchange 5.5's IMS, Microsoft KB 251152), "The
	// following recipient(s) could not be reached:" (KB Q168557). The
	// addresses of that summary are the message's, not failed recipients.
	listStart := 0
	if strings.Contains(notif, "ollowing recipient") { // "The following", "Following": most notices skip the search
		for i, line := range lines {
			if indexFold(line, "did not reach the following recipient") >= 0 ||
				indexFold(line, "following recipient(s) could not be reached") >= 0 {
				listStart = i
				break
			}
		}
	}
	for n, line := range lines {
		line = strings.TrimRight(line, "\r")
		t := strings.TrimSpace(line)
		switch {
		case introducesReply(t):
			inReply, replyLines = true, 0
		case t == "" && replyLines > 0:
			inReply = false
		case t != "" && inReply:
			replyLines++
		}
		bracketed := inBracket
		if inBracket {
			inBracket = t != "" && !strings.HasSuffix(t, ">") // a reply has no blank line
		} else {
			inBracket = opensExchangeBracket(t) && !strings.HasSuffix(t, ">")
		}
		transcript := strings.HasPrefix(t, "<<< ") || strings.HasPrefix(t, ">>> ")
		if strings.HasPrefix(t, "... while talking to") || transcript && record {
			detached, record = true, false
		}
		addr := ""
		if !strings.HasPrefix(t, "<<< ") && n >= listStart {
			// A reply quotes addresses; the command (">>> RCPT
			// To:<addr>") and the record name the recipient.
			addr = lineRecipient(line, skip)
		}
		hidden := false // addr is from "(generated from x)" under "an undisclosed address"
		if n > 0 && strings.EqualFold(strings.TrimSpace(lines[n-1]), "an undisclosed address") {
			// Exim hides an address a router generated (hide_child_in_errmsg)
			// and names the address it was generated from in its place:
			// "an undisclosed address", then "(generated from %s)" or
			// "(ultimately generated from %s)" (deliver.c,
			// print_address_information()). That address is the one the
			// sender used.
			if lt := strings.ToLower(t); strings.HasPrefix(lt, "(generated from ") || strings.HasPrefix(lt, "(ultimately generated from ") {
				if as := addrsIn(t); len(as) == 1 {
					addr, hidden = as[0], true
				}
			}
		}
		if addr != "" && !hidden && cur >= 0 && addr != blocks[cur].addr && (inReply || bracketed || quotedInReply(line, addr, &blocks[cur])) {
			addr = "" // part of the open recipient's error
		}
		if addr != "" {
			// Recipients listed on one line, separated by commas, with
			// no words between them, share the error printed after the
			// list, as those listed one a line do (below): Barracuda
			// Spam Firewall's "Your message to: <addr>, <addr>, ..." on
			// one line, then "was blocked by our Spam Firewall" (CPython's
			// Lib/test/test_email/data/msg_43.txt, 40 recipients).
			if list := commaList(line, addr, skip); len(list) > 1 {
				// Each but the last takes the line's words before the
				// list and its own address, not the whole list: a line
				// of n addresses would otherwise be read n times.
				head := line[:indexFold(line, addr)]
				end := ""
				if strings.HasSuffix(head, "<") {
					end = ">"
				}
				for _, a := range list[:len(list)-1] {
					if blockAt.find(blocks, a) < 0 {
						blocks = append(blocks, block{addr: a, lines: []string{head + a + end}})
						blockAt.added(blocks)
					}
				}
				addr = list[len(list)-1]
			}
			open := cur
			cur = blockAt.find(blocks, addr)
			if cur < 0 {
				blocks = append(blocks, block{addr: addr})
				blockAt.added(blocks)
				cur = len(blocks) - 1
				if n > 0 && (hidden || eximDeliveryHead(t, lines[n-1])) {
					// The line above is the recipient's own, its heading:
					// Exim prints a pipe or file its router generated as
					// "pipe to |cmd" or "save to file", then "generated
					// by x" under it (its test suite's bounces: test/mail/
					// 0015.CALLER, 0037.CALLER, 0428.CALLER), and a hidden
					// one as "an undisclosed address" (above). Taken from
					// where it went, the preamble or the block above.
					prev := lines[n-1]
					if k := len(prel); k > 0 && prel[k-1] == prev {
						prel = prel[:k-1]
					} else if open >= 0 {
						if l := blocks[open].lines; len(l) > 0 && l[len(l)-1] == prev {
							blocks[open].lines = l[:len(l)-1]
							blocks[open].scanned, blocks[open].reason = 0, false
						}
					}
					blocks[cur].lines = append(blocks[cur].lines, prev)
					blocks[cur].headed = true
				}
				if n > 0 && !headsLine(line, addr) {
					// A sentence that runs on to the address's line from
					// the line above, cut at a comma, is the recipient's
					// error: gromox's BOUNCE_OPERATION_ERROR, "I am sorry to
					// tell you that some error occurs in our mail system,"
					// then 'your message to "%(rcpt)" cannot be delivered'
					// (grommunio/gromox data/local_bounce/ascii/).
					if prev := strings.TrimSpace(lines[n-1]); strings.HasSuffix(prev, ",") && strings.IndexByte(prev, '@') < 0 {
						blocks[cur].ctx = append(blocks[cur].ctx, prev)
					}
				}
			}
			if !blocks[cur].hasReasonLine() {
				// Sendmail's "(reason: ...)" under the address, in
				// "The following addresses had permanent fatal
				// errors" (savemail.c), is this recipient's reply; a
				// pipelined transcript interleaves the replies of
				// several recipients, not all named.
				blocks[cur].ctx = append(blocks[cur].ctx, ctx...)
			}
			if headsLine(line, addr) {
				blocks[cur].headed = true
				if in := len(line) - len(strings.TrimLeft(line, " ")); in > 0 && strings.EqualFold(strings.TrimSpace(line), addr) {
					blocks[cur].under = in
				}
			}
			if len(line) > len(addr)+1 && line[0] == '<' && indexFold(line[1:len(addr)+1], addr) == 0 && line[len(addr)+1] == '>' {
				blocks[cur].flush = true
			}
			record = sendmailRecord(t, addr)
			ctx, detached = nil, false
			if record && len(t) > 16 && strings.EqualFold(t[len(t)-16:], "... user unknown") && blocks[cur].quotesReply() {
				// Sendmail's "addr... User unknown" after the remote's
				// own reply ("(reason: ...)", "<<< ") is Sendmail's
				// summary of it: giveresponse()'s text for EX_NOUSER,
				// what any 5xx refusal of RCPT maps to. It names the
				// stage (under PIPELINING the transcript shows ">>>
				// DATA" before the RCPT reply), not the cause.
				blocks[cur].cmd = "RCPT"
				continue
			}
		} else if transcript && (detached || cur < 0) {
			// Lines after an address that is not a finished record
			// are its own (Courier prints ">>> " and "<<< " under
			// "<addr>:"); they are kept for the next record only when
			// no block is open to them.
			ctx = append(ctx, t)
		}
		if detached {
			continue
		}
		if cur < 0 {
			prel = append(prel, line)
			continue
		}
		blocks[cur].lines = append(blocks[cur].lines, line)
	}
	// A recipient listed with no words of its own, right before the
	// next one, shares the error printed after the list: Gmail's
	// "Delivery to the following recipients failed permanently:", the
	// addresses one a line, then one "Technical details" section.
	// The lines shared are counted (a byte a line more than its text)
	// up to maxShared: a notice of thousands of recipients, each with no
	// more than a blank line of its own, would otherwise give each the
	// lines of all those after it (2,000 such took 4 s to read).
	var few [16]int
	var after []int // the size of each block's lines after its first
	if len(blocks) <= len(few) {
		after = few[:len(blocks)]
	} else {
		after = make([]int, len(blocks))
	}
	for i, b := range blocks {
		for _, l := range b.lines[min(1, len(b.lines)):] {
			after[i] += len(l) + 1
		}
	}
	shared := 0
	for i := len(blocks) - 2; i >= 0; i-- {
		b := &blocks[i]
		if len(b.ctx) > 0 || strings.TrimSpace(strings.Join(b.lines[min(1, len(b.lines)):], "")) != "" {
			continue
		}
		if next := blocks[i+1]; len(next.lines) > 1 && shared+after[i+1] <= maxShared {
			b.lines = append(b.lines[:len(b.lines):len(b.lines)], next.lines[1:]...)
			shared += after[i+1]
			after[i] += after[i+1]
		}
	}
	// When some addresses head their lines, addresses only mentioned in
	// passing ("please contact <support@...>") without an error are not
	// recipients.
	headed := false
	for _, b := range blocks {
		headed = headed || b.headed
	}
	if headed {
		kept := blocks[:0]
		for _, b := range blocks {
			if b.headed || hasCode(strings.Join(b.lines, "\n")) {
				kept = append(kept, b)
			}
		}
		blocks = kept
	}
	return dropDeferred(blocks, notif), strings.Join(prel, "\n")
}

// dropDeferred takes out of a Sendmail failure notice the addresses that
// did not fail. Sendmail's errbody() (savemail.c) lists the addresses that
// failed under "The following addresses had permanent fatal errors" and
// those still queued under "... had transient non-fatal errors"; the
// transcript after them is the whole session's, where an address left in
// the queue ends "addr... Deferred: reason" (deliver.c). In a notice with
// the first list and not the second, an address named nowhere but in such
// deferrals was not given up on, and is no failed recipient (a notice
// quoted on linux-kernel, 12 Aug 2003, in external_lkml_test.go).
func dropDeferred(blocks []block, notif string) []block {
	if len(blocks) < 2 || indexFold(notif, "permanent fatal errors") < 0 || indexFold(notif, "transient non-fatal errors") >= 0 {
		return blocks
	}
	// One pass over the notice's addresses: each is marked deferred where
	// a line records its deferral, other where any other line names it.
	const deferred, other = 1, 2
	seen := make(map[string]uint8, len(blocks))
	for _, b := range blocks {
		seen[b.addr] = 0
	}
	for l := range strings.Lines(notif) {
		if strings.IndexByte(l, '@') < 0 {
			continue
		}
		for off := 0; off < len(l); {
			a, _, e := nextAddr(l, off)
			if a == "" {
				break
			}
			off = e
			a = strings.ToLower(a)
			st, ok := seen[a]
			if !ok {
				continue
			}
			rest := strings.TrimPrefix(l[e:], ">")
			if strings.HasPrefix(rest, "... ") && hasPrefixFold(rest[4:], "deferred") {
				seen[a] = st | deferred
			} else {
				seen[a] = st | other
			}
		}
	}
	kept := make([]block, 0, len(blocks))
	for _, b := range blocks {
		if seen[b.addr] != deferred {
			kept = append(kept, b)
		}
	}
	if len(kept) == 0 {
		return blocks
	}
	return kept
}

// returnedSubjects returns the returned message's subject as the
// notice gives it: its header's, when the notice returns it, and each
// "Subject:" line of the notice's text.
func returnedSubjects(w *walk, notif string) []string {
	var out []string
	if w.original != nil {
		if s := decodeWords(w.original.Get("Subject")); s != "" {
			out = append(out, s)
		}
	}
	for l := range strings.Lines(notif) {
		if t := strings.TrimSpace(l); len(t) > 8 && strings.EqualFold(t[:8], "subject:") {
			out = append(out, t[8:])
		}
	}
	return out
}

// eximDeliveryHead reports an Exim "generated by x" line (t, trimmed)
// under the "pipe to |cmd" or "save to file" it names (prev): the address
// a router generated from x, a delivery to a pipe or a file.
func eximDeliveryHead(t, prev string) bool {
	if len(t) < 13 || !strings.EqualFold(t[:13], "generated by ") {
		return false
	}
	p := strings.ToLower(strings.TrimSpace(prev))
	return strings.HasPrefix(p, "pipe to |") || strings.HasPrefix(p, "save to ")
}

// commaList returns the addresses of line when, from first on, it holds
// nothing but addresses separated by commas (each maybe in angle
// brackets), and nil otherwise.
func commaList(line, first string, skip map[string]bool) []string {
	i := indexFold(line, first)
	if i < 0 {
		return nil
	}
	rest := strings.TrimLeft(line[i+len(first):], "> \t\r")
	if rest == "" || rest[0] != ',' {
		return nil // no list: nothing to copy (most lines)
	}
	rest = strings.ToLower(rest)
	list := []string{first}
	for {
		rest = strings.TrimLeft(rest, "> \t\r")
		if rest == "" {
			return list
		}
		if rest[0] != ',' {
			return nil
		}
		rest = strings.TrimLeft(rest[1:], " \t<")
		a, s, e := nextAddr(rest, 0)
		if a == "" || s != 0 || skip[a] || isSystemAddr(a) {
			return nil
		}
		list = append(list, a)
		rest = rest[e:]
	}
}

// headsLine reports whether addr heads line, as recipient lists print it:
// first on the line, or after a label naming it a recipient ("Recipient
// address:" in Oracle Messaging Server's and PMDF's reports, "Failed
// address:" in MDaemon SecurityGateway's, "Recipient:" in OpenSMTPD's
// first bounce text).
func headsLine(line, addr string) bool {
	cut := " \t<\"'*-"
	if strings.HasPrefix(addr, "\"") {
		cut = " \t<'*-" // a quoted local part keeps its quote
	}
	l := strings.ToLower(strings.TrimLeft(line, cut))
	if strings.HasPrefix(l, addr) {
		return true
	}
	i := strings.Index(l, addr)
	if i <= 0 || i > 40 {
		return false
	}
	label := strings.TrimRight(l[:i], " \t<\"'")
	return strings.HasSuffix(label, ":") && !strings.Contains(label, " to:") &&
		(strings.Contains(label, "recipient") || strings.Contains(label, "address"))
}

// sendmailRecord reports a line of Sendmail's transcript that ends a
// recipient's exchange: "[code ]<addr>... text" (Sendmail's usrerr and
// message formats, deliver.c and err.c).
func sendmailRecord(t, addr string) bool {
	i := indexFold(t, addr)
	if i < 0 {
		return false
	}
	rest := strings.TrimPrefix(t[i+len(addr):], ">")
	return strings.HasPrefix(rest, "... ")
}

// lineRecipient returns the first address on line that may be a failed
// recipient, lower case, or "".
func lineRecipient(line string, skip map[string]bool) string {
	if strings.IndexByte(line, '@') < 0 {
		return ""
	}
	l := strings.ToLower(line)
	if t := strings.TrimLeft(l, "> \t"); strings.HasPrefix(t, "message-id:") || strings.HasPrefix(t, "in-reply-to:") ||
		strings.HasPrefix(t, "references:") || strings.HasPrefix(t, "from:") || strings.HasPrefix(t, "return-path:") {
		return ""
	}
	for off := 0; off < len(l); {
		a, s, e := nextAddr(l, off)
		if a == "" {
			return ""
		}
		off = e
		before := strings.TrimRight(l[max(0, s-16):s], "<\"' :")
		// Addresses that words before them name as the sender or a
		// contact, not a recipient: SMTP's "MAIL FROM:<x>" in
		// transcripts (RFC 5321 §4.1.1.2); the RFC 5322 fields From,
		// Sender, Return-Path and Reply-To quoted in notices; Postfix
		// bounce(5)'s "please send mail to <postmaster>"; Exchange's and
		// Gmail's "contact <helpdesk or postmaster>"; Forward Email's "If
		// you need help, forward this to <support address>" (forward-email
		// index.js, ForwardEmail.getBounceStream).
		if strings.HasSuffix(before, "mail from") || strings.HasSuffix(before, "from") && !strings.Contains(before, "sent") ||
			strings.HasSuffix(before, "sender") || strings.HasSuffix(before, "return-path") || strings.HasSuffix(before, "reply-to") ||
			strings.HasSuffix(before, "contact") || strings.HasSuffix(before, "send mail to") || strings.HasSuffix(before, "forward this to") ||
			// A message identifier (RFC 5322 §3.6.4 msg-id, which looks
			// like an address) under a label that names it: Postal's
			// "Orginal Message ID: <id>" (postalserver/postal
			// app/models/bounce_message.rb, body).
			strings.HasSuffix(before, "message id") || strings.HasSuffix(before, "message-id") ||
			// A refusal that asks the sender to forward it to someone names
			// that someone's address, not a recipient: ezmlm-idx's refusal
			// of a non-subscriber's post, "Sorry, only subscribers may post.
			// If you are a subscriber, please forward this message to
			// <list>-owner@<host> to get your new address included"
			// (bruceg/ezmlm-idx ezmlmrc.template, ezmlm-make -u), and
			// Microsoft's block-list refusal, "To request removal from this
			// list please forward this message to delist@..." (Haraka's log
			// in haraka/Haraka#848).
			strings.HasSuffix(strings.TrimRight(l[max(0, s-28):s], "<\"' :"), "forward this message to") ||
			// Oracle Messaging Server's "Original address:", the
			// address before expansion, under the recipient's own.
			strings.HasSuffix(strings.TrimRight(l[max(0, s-24):s], "<\"' :"), "original address") {
			continue
		}
		if isSystemAddr(a) {
			continue
		}
		// An address under a label that names it the recipient, RFC 5321's
		// "RCPT TO", is one even when the notice comes from it: Postal's
		// bounce is sent from the route the message failed at and names
		// it "Rcpt To: <x>" (postalserver/postal
		// app/models/bounce_message.rb: mail.from is the route's
		// description, the body's "Rcpt To: #{@message.rcpt_to}").
		named := strings.HasSuffix(before, "rcpt to")
		if skip[a] && !named && strings.TrimLeft(l[:s], " \t<\"'") != "" {
			// The sender's own address is skipped, unless it heads its
			// line as recipient lists print a recipient, as a message the
			// sender sent to itself fails: Postfix's "<%s>: %s"
			// (bounce_notify_util.c, bounce_recipient_log()), Sendmail's
			// "<addr>... reason" (sendmailRecord), Exim's address on a line
			// of its own (deliver.c). Addresses of the returned message's
			// header are not read here (from:, reply-to: and the like are
			// passed over above; the notification ends at its marker).
			continue
		}
		return a
	}
	return ""
}

func isSystemAddr(a string) bool {
	local, _, _ := strings.Cut(a, "@")
	switch local {
	case "mailer-daemon", // qmail-send(8) bouncefrom default; the sender of Postfix's, Exim's, Sendmail's and OpenSMTPD's DSNs (testdata/mta)
		"postmaster",    // RFC 5321 §4.5.1; RFC 2142 §3
		"abuse",         // RFC 2142 §2
		"double-bounce": // Postfix double_bounce_sender default (postconf(5))
		return true
	}
	return strings.HasPrefix(local, "postmaster") || strings.HasPrefix(local, "mailer-daemon")
}

// nextAddr finds the next addr-spec-looking token in l at or after off and
// returns it with its start and end.
func nextAddr(l string, off int) (string, int, int) {
	for {
		i := strings.IndexByte(l[off:], '@')
		if i < 0 {
			return "", 0, len(l)
		}
		at := off + i
		// A quoted local part (RFC 5321 §4.1.2 Quoted-string) may hold
		// an "@" of its own, as Postfix names the address an alias
		// expanded to for modoboa's autoreply pipe:
		// <"it@example.com"@autoreply.example.com> (the bounce pasted
		// into github.com/modoboa/modoboa/issues/1074). An "@" inside
		// the quotes is not the address's; the one after them is.
		if q := strings.LastIndexByte(l[off:at], '"'); q >= 0 {
			if c := strings.IndexByte(l[at:], '"'); c > 0 && at+c+1 < len(l) && l[at+c+1] == '@' &&
				!strings.ContainsAny(l[off+q:at+c], " \t<>") {
				off = at + c + 1
				continue
			}
		}
		s := at
		quoted := false
		if at > 1 && l[at-1] == '"' {
			if q := strings.LastIndexByte(l[:at-1], '"'); q >= 0 && q < at-2 && !strings.ContainsAny(l[q:at], " \t<>") {
				s, quoted = q, true
			}
		}
		for !quoted && s > 0 {
			if isLocalChar(l[s-1]) {
				s--
			} else if n := eaiLetterBefore(l[:s]); n > 0 {
				s -= n
			} else {
				break
			}
		}
		e := at + 1
		for e < len(l) {
			if isDomainChar(l[e]) {
				e++
			} else if n := eaiLetterAt(l[e:]); n > 0 {
				e += n
			} else {
				break
			}
		}
		for e > at+1 && (l[e-1] == '.' || l[e-1] == '-') {
			e--
		}
		for s < at && l[s] == '.' {
			s++
		}
		// An address in single quotes, as Exchange 4.0-5.5 NDRs print
		// the recipient ("'TEST@JUNK.TEST.CA' on 3/27/97 11:18 AM",
		// Microsoft KB Q168557): the quote is not part of it.
		if s < at && l[s] == '\'' && e < len(l) && l[e] == '\'' {
			s++
		}
		// An X.400 O/R address whose domain-defined attribute carries
		// the Internet address, "c=US;...;dda:SMTP=user@domain"
		// (Microsoft KB Q164049: "dda.type=SMTP;dda.value=USER(A)DOMAIN";
		// KB 258678 shows Exchange's "dda:TYPE=value" form in an NDR):
		// the address is the value.
		if eq := strings.LastIndexByte(l[s:at], '='); eq >= 0 {
			// Folded: spellRecipients reads the notice unfolded.
			if p := l[s : s+eq+1]; hasSuffixFold(p, "smtp=") || hasSuffixFold(p, "rfc-822=") {
				s += eq + 1
			}
		}
		dom := l[at+1 : e]
		if s < at && strings.IndexByte(dom, '.') > 0 {
			return l[s:e], s, e
		}
		off = at + 1
	}
}

// eaiLetterAt returns the length of the letter s starts with when it is
// one of an internationalised address (RFC 6531: a local part and, as
// U-labels, a domain in UTF-8; RFC 6532 §3.2), else 0: "jürgen@müller.de"
// is read whole, not as "rgen@m". Letters of the scripts written without
// spaces (Han, Hiragana, Katakana, Hangul) are not taken: Japanese,
// Chinese and Korean notices write an address against their words
// ("user@example.jp宛"), which are not part of it, nor is any punctuation
// ("宛先：user@example.jp", a full-width colon).
func eaiLetterAt(s string) int {
	if s == "" || s[0] < utf8.RuneSelf {
		return 0
	}
	return eaiLetterLen(utf8.DecodeRuneInString(s))
}

// eaiLetterBefore is eaiLetterAt for the letter s ends with.
func eaiLetterBefore(s string) int {
	if s == "" || s[len(s)-1] < utf8.RuneSelf {
		return 0
	}
	return eaiLetterLen(utf8.DecodeLastRuneInString(s))
}

// eaiLetterLen returns n, the length of r, when r is a letter of an
// internationalised address, else 0.
func eaiLetterLen(r rune, n int) int {
	if !eaiLetter(r) {
		return 0
	}
	return n
}

func eaiLetter(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)) &&
		!unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isLocalChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' ||
		strings.IndexByte(".!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func isDomainChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '.' || c == '-'
}

// blockFor returns the text of the block for one of the addresses.
func blockFor(blocks []block, addrs ...string) string {
	for _, a := range addrs {
		a = strings.ToLower(a)
		if a == "" {
			continue
		}
		for _, b := range blocks {
			if b.addr == a {
				return b.text()
			}
		}
	}
	// Exim's DSN names the address the sender used, the ancestor of the
	// one a router generated from it, while its text heads the block with
	// the generated address and "(generated from x)" under it (deliver.c,
	// print_address_information(); its test suite's test/mail/0224.CALLER:
	// "bounce@x" "(generated from userxx@x)" "Unrouteable address" beside
	// "Final-Recipient: rfc822;userxx@x"). That block is the DSN
	// recipient's. An alias that names several addresses gives each the
	// same ancestor, and the DSN the same Final-Recipient for each
	// (deliver.c, print_dsn_addr_action(): the topmost parent's
	// address): which block is whose is then unknown, unless all say the
	// same but for their own address.
	for _, a := range addrs {
		a = strings.ToLower(a)
		if a == "" {
			continue
		}
		found := -1
		for i := range blocks {
			b := &blocks[i]
			if !b.fromRead {
				b.from, b.fromRead = otherExpandedFrom(b.text(), b.addr), true
			}
			if b.from != a {
				continue
			}
			if found < 0 {
				found = i
			} else if blocks[found].maskedWords() != b.maskedWords() {
				return "" // children of one alias with errors of their own
			}
		}
		if found >= 0 {
			return blocks[found].text()
		}
	}
	return ""
}

// maskedWords returns the block's text with its own address masked
// (maskAddr) and its runs of spaces and line ends as single spaces.
func (b *block) maskedWords() string {
	if b.words == "" {
		b.words = strings.Join(strings.Fields(maskAddr(b.text(), b.addr)), " ")
	}
	return b.words
}

// errorLines picks the lines of a block that carry the error: those holding
// a reply or status code and the lines that continue them. When none does,
// the whole block (and the preamble, when the block is short) is returned.
func errorLines(blk, pre string) string {
	if !hasCode(blk) {
		// Short in characters, not bytes (a Japanese character is three
		// bytes in UTF-8), as classifyOther measures a lone recipient's block.
		if utf8.RuneCountInString(strings.TrimSpace(blk)) < 40 {
			return blk + "\n" + pre
		}
		return blk
	}
	lines := strings.Split(blk, "\n")
	if hasCode(lines[0]) && !strings.HasPrefix(strings.TrimSpace(lines[0]), ">>>") {
		// A self-contained record ("550 <a@b>... User unknown", Postfix's
		// "<a@b>: host x said: 550 ..."): it and its indented
		// continuation lines, not the next record.
		keep := []string{strings.TrimSpace(lines[0])}
		// Postfix prints a blank line before each recipient's record,
		// "<addr>: host x said: ...", and wraps it at 79 columns with
		// an indent of 4 (bounce_notify_util.c, bounce_recipient_log()
		// and bounce_print_wrap()): the record runs to the blank line,
		// so its lines are its own even where a copy lost their indent
		// (the bounces pasted into github.com/tutao/tutanota/issues/7113
		// and hippich/PHPMailer-BMH/issues/2), but not a DSN field that
		// follows it.
		postfix := strings.Contains(lines[0], " said: ") && strings.Contains(lines[0], "host ")
		for _, l := range lines[1:] {
			field := false
			if i := strings.Index(l, ": "); i > 0 {
				field = isFieldName(l[:i])
			}
			if l == "" || l[0] != ' ' && l[0] != '\t' && (!postfix || field) {
				break
			}
			keep = append(keep, strings.TrimSpace(l))
		}
		if out := strings.Join(keep, "\n"); len(out) >= 40 {
			return out
		}
	}
	var keep []string
	in := false
	// Sendmail puts the standard error of a program it runs into the
	// session transcript (util.c prog_open(): "stderr goes to transcript
	// if available"), above the record its exit status makes: procmail's
	// "procmail: Quota exceeded while writing ..." over "550 5.0.0
	// <addr>... Can't create output" (the notices quoted by NTT's hosting
	// FAQ, nttbiz.jp faq_op/node/193, and digitallife2015.blogspot.com,
	// 2021/07, both a mailbox over its quota). Such lines, after "Transcript
	// of session follows" and right above the record, say why it failed.
	transcript := false
	var output []string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			in = false
			output = nil
			continue
		}
		f := fold(t)
		if strings.Contains(f, "transcript of session follows") {
			transcript = true
			continue
		}
		if findReplyCode(f) != 0 || hasStatusCode(f) || i == 0 {
			keep = append(keep, output...)
			output = nil
			keep = append(keep, t)
			in = true
			continue
		}
		if transcript && !in && !strings.HasPrefix(t, ">>>") && !strings.HasPrefix(t, "<<<") && !strings.HasPrefix(t, "...") {
			output = append(output, t)
			continue
		}
		if in && (l[0] == ' ' || l[0] == '\t' || len(keep) > 0) {
			keep = append(keep, t)
		}
	}
	out := strings.Join(keep, "\n")
	if len(strings.TrimSpace(out)) < 40 {
		out = blk + "\n" + pre
	}
	return out
}

func hasStatusCode(f string) bool {
	s, _ := nextStatus(f, 0)
	return s != ""
}

// Bounce wording in a From, Subject or body. Each entry stands beside the
// generator that writes it: the real DSNs in testdata/mta (Postfix,
// Exim, OpenSMTPD, Sendmail), the layouts of formats_test.go (each test
// names the generator's source or documentation), or the page cited.
var (
	bounceSubjects = []string{
		"undeliver",                    // Exchange NDRs "Undeliverable: <subject>" (learn.microsoft.com NDR reference; technet.microsoft.com/en-us/exchange/bb288511)
		"undelivered",                  // Postfix bounce(5) "Undelivered Mail Returned to Sender" (testdata/mta/postfix)
		"delivery fail",                // Exim "Mail delivery failed: returning message to sender" (testdata/mta/exim); Domino "DELIVERY FAILURE: ..."; MDaemon "Permanent Delivery Failure"
		"delivery status notification", // OpenSMTPD "Delivery status notification: failed" (testdata/mta/opensmtpd); Gmail "Delivery Status Notification (Failure)"
		"returned mail",                // Sendmail "Returned mail: see transcript for details" (testdata/mta/sendmail)
		"failure notice",               // qmail-send's bounce subject; Yahoo's "Failure Notice"
		"mail delivery",                // Exim (above); Courier "NOTICE: mail delivery status."
		"delivery failure",             // Domino, MDaemon (above)
		"returned to sender",           // Postfix (above)
		"delivery notification",        // Oracle Messaging Server "Delivery Notification: Delivery has failed"
		"mail system error",            // the "Mail System Error - Returned Mail" notice ("this message was undeliverable due to the following reason", faq.busblog.jp show/410)
		"warning: could not send",      // Sendmail's delay warning "Warning: could not send message for past 4 hours" (testdata/mta/sendmail/delayed.eml)
		"unzustellbar",                 // Exchange's NDR in German, "Unzustellbar: <subject>" (TestExchangeFormats)
		"delayed mail",                 // Postfix bounce(5) delay template "Delayed Mail (still being retried)"
		"delivery delayed",             // Exchange 2010 and later delay DSN "Delivery delayed: <subject>" (gateway.ctsltd.net, cryer.co.uk "Delivery is delayed to these recipients or groups")
		// Exchange's "Undeliverable: <subject>" in the sender's language,
		// as the programs that file Outlook's and Exchange Online's NDRs
		// match them: French "Non remis : <subject>" and Italian "Non
		// recapitabile: <subject>" (a Microsoft Graph bounce detector's
		// NDR subjects, "/^Non.?remis/i // French NDR", "/^Non.?recapitabile/i
		// // Italian NDR"); Spanish "No se puede entregar: " (forwardemail.net's
		// filter of Exchange Online postmaster NDRs, "Undeliverable: " or "No
		// se puede entregar: "); Portuguese "Não é possível entregar: " (NDR
		// filters of Microsoft 365 mailboxes: NON_DELIVERY_SUBJECTS
		// "Não é possível entregar:", "Undeliverable:"); Dutch "Onbestelbaar:
		// <subject>" (Frank!Framework's ExchangeMailListener tests of
		// Exchange Online NDRs); Japanese "配信不能: " (Exchange's
		// 配信不能レポート, learn.microsoft.com/ja-jp Exchange 2007 "配信不能
		// レポートについて"). French delay DSN "Remise retardée : <subject>"
		// (an Exchange delay notice quoted on pastebin.com/SYa736QZ).
		"non remis", "non recapitabile", "no se puede entregar", "não é possível entregar", "onbestelbaar", "配信不能", "remise retardée",
		// Exchange 2003's NDR through Outlook in Spanish, "Sin entregar:
		// <subject>" (pastebin.com/9LAaRhhi, from "Administrador del
		// sistema"), with its colon: "pedido sin entregar" (an order not
		// delivered) is a customer's subject.
		"sin entregar:",
		// imail's returned-mail notice, "系统退信" (system returned mail;
		// midoks/imail, GetMailReturnToSender: the template's {SUBJECT}).
		"系统退信",
	}
	bounceFroms = []string{
		"mailer-daemon",      // qmail-send(8) bouncefrom default MAILER-DAEMON; Postfix, Exim, Sendmail, OpenSMTPD (testdata/mta)
		"postmaster",         // RFC 5321 §4.5.1; Exchange NDRs come from postmaster@ (TestExchangeFormats)
		"mail delivery",      // Exim "Mail Delivery System", Sendmail "Mail Delivery Subsystem", Postfix "(Mail Delivery System)" (testdata/mta)
		"delivery subsystem", // Sendmail (above)
		"mdaemon",            // MDaemon's notices come from MDaemon@ (TestMoreFormats)
		// The "Mail System Error - Returned Mail" notices come from "Mail
		// Administrator <Postmaster@...>" (dream.jp support, techinfo mail
		// error05; faq.busblog.jp show/410; pa-solution.net's FAQ names
		// "Mail Administrator", "MAILER-DAEMON" and "mail delivery
		// subsystem" as the senders of returned mail); Exchange 2003's NDRs
		// from "System Administrator" (technet.microsoft.com/en-us/exchange/
		// bb288511, "From: System Administrator ... Subject: Undeliverable:"),
		// in Japanese "システム管理者" with the subject "配信不能"
		// (ameblo.jp/pctascal, entry-12011693484).
		"mail administrator", "system administrator", "システム管理者",
		// Exchange 2003's "System Administrator" in Spanish, "Administrador
		// del sistema" (pastebin.com/9LAaRhhi, "Sin entregar: <subject>").
		"administrador del sistema",
		// Barracuda Spam Firewall's notices come from "MAILER DAEMON <>",
		// the name with a space and no address (CPython's
		// Lib/test/test_email/data/msg_43.txt, its "BANNED FILENAME ALERT").
		"mailer daemon",
	}
	bounceBodies = []string{
		"could not be delivered",    // Exim "A message that you sent could not be delivered to one or more of its recipients"; Postfix bounce(5) "your message could not be delivered" (testdata/mta)
		"couldn't be delivered",     // Exchange Online "Your message to x couldn't be delivered." (TestExchangeFormats)
		"delivery has failed",       // Exchange 2007 and later "Delivery has failed to these recipients or groups"
		"was not delivered",         // Domino "was not delivered to:"
		"permanent error",           // Exim "This is a permanent error."
		"permanent failure",         // Gmail "Technical details of permanent failure:"
		"unable to deliver",         // Yahoo "Sorry, we were unable to deliver your message to the following address."
		"undeliverable",             // Courier "UNDELIVERABLE MAIL"; the "Mail System Error" notice "this message was undeliverable"
		"following address",         // Exim "The following address(es) failed:"; Sendmail "The following addresses had permanent fatal errors"
		"following recipient",       // Exchange 2003 "The following recipient(s) could not be reached:"; Oracle Messaging Server "to the following recipients:"
		"did not reach",             // Exchange 2003 "Your message did not reach some or all of the intended recipients."
		"delivery to the following", // Gmail "Delivery to the following recipient failed permanently:"
		"remote host said",          // qmail-remote "Remote host said:"
		"smtp error",                // Exim "SMTP error from remote mail server after RCPT TO:..."
		"could not deliver",         // DragonFly Mail Agent "Could not deliver for the last x seconds. Giving up."
		"failed permanently",        // Gmail (above)
		"does not like recipient",   // qmail-remote
		"transcript of session",     // Sendmail "----- Transcript of session follows -----"
		"failed recipient",          // "---- Failed Recipients ----" (E500 SMTP Mail Service) and "here is your list of failed recipients" (sdm.de), as Mailman 2.1's bounce detector names them (Bouncers/SimpleMatch.py)
		"delivery failed",           // Ipswitch IMail ("X-Mailer: <SMTP32 v...>") prefixes its addresses "Delivery failed ...:" (Mailman 2.1 Bouncers/SMTP32.py)
		// The heading of the technical section of Exchange's and
		// Outlook.com's NDRs, in the languages of Microsoft's support page
		// about them ("Failed delivery messages from the postmaster at
		// outlook.com, microsoft.com or service.microsoft.com",
		// support.microsoft.com en-us, fr-fr, es-es, it-it, de-de, ja-jp:
		// look "for a section named something like 'Diagnostic
		// information for administrators'").
		"diagnostic information for administrators", "informations de diagnostic pour les administrateurs",
		"información de diagnóstico para administradores", "informazioni di diagnostica per gli amministratori",
		"diagnoseinformationen für administratoren", "管理者向けの診断情報",
		// Exchange's first line in French, "Échec de la remise pour ces
		// destinataires ou groupes :" (an NDR quoted on
		// pastebin.com/HZca6aT2; its capital É is not folded), in Spanish
		// "No se pudo entregar a estos destinatarios o grupos" (the
		// Exchange Online heading as blog.silverpc.hu quotes it) and, from
		// Exchange 2003, "Error en la entrega a los siguientes
		// destinatarios" (alexborras.com, a Spanish sender's list of the
		// bounce wordings it met); Exchange Online's Portuguese "Não foi
		// possível entregar a sua mensagem para <addr>" (an NDR quoted in
		// a Brazilian mailbox triage project's prompt, beside its subject
		// "Não é possível entregar: ...").
		"de la remise pour ces destinataires", "no se pudo entregar a estos destinatarios",
		"error en la entrega a los siguientes destinatarios", "não foi possível entregar a sua mensagem",
		// Exchange Online's notice of a refusal by a remote server in
		// German, "<host> hat Ihre Nachricht an die folgenden
		// E-Mail-Adressen zurückgewiesen." and "Ihre Nachricht konnte nicht
		// zugestellt werden." (an NDR quoted on pastebin.com/7uyQfD4d), and
		// in Spanish, "<host> rechazó tus mensajes a las siguientes
		// direcciones de correo:" (pastebin.com/qSHqkmLq).
		"hat ihre nachricht an die folgenden e-mail-adressen zurückgewiesen", "ihre nachricht konnte nicht zugestellt werden",
		"rechazó tus mensajes a las siguientes direcciones de correo",
		// Exchange's first line and diagnostic heading in Portuguese,
		// "Falha na entrega aos seguintes destinatários ou grupos:" and
		// "Informações de diagnóstico para administradores:" (an NDR quoted
		// on pastebin.com/BxEWDHGy); the heading in Polish, "Informacje
		// diagnostyczne dla administratorów:" (pastebin.com/iFpgpLWp).
		"falha na entrega aos seguintes destinatários", "informações de diagnóstico para administradores",
		"informacje diagnostyczne dla administratorów",
		// Exchange 2003's NDR in Spanish, "Algunos de los destinatarios no
		// recibieron su mensaje." and "No se puede localizar a los
		// destinatarios siguientes:" (the notices quoted on
		// pastebin.com/9LAaRhhi and rrDb8Y6g; the English "Your message did
		// not reach some or all of the intended recipients.", "The
		// following recipient(s) could not be reached:").
		"algunos de los destinatarios no recibieron su mensaje", "no se puede localizar a los destinatarios siguientes",
		// imail's returned-mail notice (midoks/imail,
		// conf/tpl/return_to_sender_html.tpl): "很抱歉您发送的邮件被退回" (we are
		// sorry, the mail you sent was returned).
		"您发送的邮件被退回",
		// o2switch's notice in French (pastebin.com/ZyP9cxwq): "Ceci est un
		// message d'echec automatiquement envoye par nos systemes." (its
		// accents left out, as it writes it).
		"ceci est un message d'echec",
	}
	// weakBounceBodies suggest a bounce only beside an SMTP reply code.
	weakBounceBodies = []string{
		"message you sent",           // Exim "A message that you sent could not be delivered"
		"the mail system",            // Postfix bounce(5): "This is the mail system at host x." and its signature "The mail system"
		"delivery status",            // Courier "NOTICE: mail delivery status."; RFC 3464's "delivery status notification"
		"requested action not taken", // RFC 5321 §4.2.3 replies 550-553 quoted in a notice
		"message could not",          // "A message could not be delivered to:" (ademe.fr, in Mailman 2.1's bounce detector, Bouncers/SimpleMatch.py)
	}
	// autoReplySubjects are the openings of the subjects auto-responders'
	// templates write (autoReplySubject reads them at the start of the
	// subject, after any "[tag]"); the feature's bare names, which people
	// also write, are vacationPhrases.
	autoReplySubjects = []string{
		"automatic reply", // Exchange/Outlook Automatic Replies, "Automatic reply: <subject>" (Set-MailboxAutoReplyConfiguration)
		"auto-reply",      // iRedMail's sample Dovecot Sieve vacation rule, :subject "Auto-Reply: I'm out of office." (samples/vacation.sieve)
		"abwesenheit",     // the feature's German name: HCL iNotes "Abwesenheit" (Out of Office), IONOS "Abwesenheitsnotiz"
		// Outlook's automatic replies in French ("Réponses automatiques") and
		// Spanish ("Respuestas automáticas").
		"réponse automatique", "respuesta automática",
		"autosvar", // Outlook's automatic replies in Norwegian and Danish ("autosvar i Outlook": utdannet.no, infowise.dk); Solaris CDE Mailer's Swedish "[Autosvar]"
		// Out-of-office subjects as senders of bulk mail collect them
		// (gist.github.com/wesbos/d7877929def4368cdb8abc12c5d3e38b, a
		// filter of the auto-replies received in many languages):
		// "AutoReply", "Automatische Antwort" (German Outlook),
		// "Automatisch antwoord" (Dutch).
		"autoreply", "automatische antwort", "automatisch antwoord",
		// The feature's name in Japanese and Italian: Exchange's Outlook Web
		// App "オプション > 自動応答" (learn.microsoft.com/ja-jp, Exchange
		// Server bb899558), "risposta automatica" (Zimbra's and hostpoint.ch's
		// Italian help, "messaggio di risposta automatica").
		"自動応答", "risposta automatica",
		// Pigeonhole's vacation action, given no :subject, writes "Auto: "
		// and the message's subject, or "Automated reply" when it had none
		// (dovecot/pigeonhole, src/lib-sieve/plugins/vacation/cmd-vacation.c);
		// "Auto:" is the first of the openings stackoverflow.com/questions/
		// 1027395 lists. "Auto: " alone is autoReplyAnswerSubjects'.
		"automated reply",
		// vacation(1)'s default ~/.vacation.msg, written by its -I setup:
		// "Subject: away from my mail" (Solaris' vacation,
		// illumos/illumos-gate usr/src/cmd/sendmail/aux/vacation.c,
		// AutoInstall(); Linux Vacation's vacation.c, initialize(),
		// vacation.sourceforge.net).
		"away from my mail",
		// Exchange 2003's out-of-office subjects, as an anti-spam vendor
		// collected them (blog.vamsoft.com/2006/10/05/automatic-everything):
		// "Out of Office AutoReply", Portuguese "Resposta automática para
		// ausência do escritório", Polish "Autoodpowiedź (poza biurem)",
		// Russian "Автоответ при отсутствии на работе", Chinese
		// "外出时的自动答复" and "郵件答錄機自動回覆", Japanese "不在時の自動応答",
		// Hungarian "Házon kívüli automatikus válasz", Slovenian "Samodejni
		// odgovor o odsotnosti iz pisarne", Bulgarian "Извън офиса съм
		// Автоматичен отговор".
		"out of office autoreply", "resposta automática", "autoodpowiedź", "автоответ",
		"外出时的自动答复", "郵件答錄機自動回覆", "不在時の自動応答", "házon kívüli automatikus válasz",
		"samodejni odgovor", "извън офиса съм",
		// Subjects auto-replies open with, as a list of them seen in the
		// wild gives them (stackoverflow.com/questions/1027395, "Detecting
		// Outlook autoreply/out-of-office emails": "Automatisk svar",
		// "Risposta Non al computer", "Auto Response", "Fuori sede",
		// "Frånvaro"); "Auto Response" as a whole subject is also the first
		// of the subjects jpmckinney/multi_mail's wiki ("Detecting
		// autoresponders") reads as an autoresponder's.
		"automatisk svar", "risposta non al computer", "auto response", "fuori sede", "frånvaro",
	}
	// autoReplyAnswerSubjects open an auto-responder's subject only in a
	// message that answers another (In-Reply-To or References, RFC 5322
	// §3.6.4), as Pigeonhole's vacation action writes both fields
	// (cmd-vacation.c, act_vacation_send), or is marked bulk
	// (autoReplySubject): "Auto: " is also how a person opens a subject
	// about a car in German ("Auto: Angebot").
	autoReplyAnswerSubjects = []string{"auto: "}
	// autoReplySuffixes end an auto-responder's subject.
	autoReplySuffixes = []string{
		// Lotus Notes/Domino's out-of-office agent: "<name> is out of the
		// office." (its replies in the Open MPI users list archive, pages
		// 1711.php of 2006-08, "[OMPI users] Swamy Kandadai is out of the
		// office.", and 4851.php of 2008-01, "[OMPI users] behi is out of
		// the office.").
		"is out of the office.", "is out of the office",
	}
)

// listRefusalWords are a mailing list manager's reasons for refusing a post.
var listRefusalWords = []string{
	"not member", "not a member", // fml "You are not member" (the subject of its refusal), Mailman's "not a member" notices
	"non-member",            // Mailman's hold and reject reason "Post by non-member to a members-only list"
	"loop alert",            // fml "Loop Alert: Duplicated Message-ID" (its loop check's subject)
	"duplicated message-id", // fml (above)
}

// listRefusal reports a mailing list manager's notice that it refused a post:
// a message from the list (RFC 2369 List-* fields, or the X-ML* fields of
// list servers such as fml) whose subject says why.
func listRefusal(h message.Header, subject string) bool {
	fromList := false
	for _, k := range []string{"List-Id", "List-Post", "List-Subscribe", "List-Help", "X-MLServer", "X-ML-Server", "X-ML-Name", "X-Mailing-List"} {
		if h.Get(k) != "" {
			fromList = true
			break
		}
	}
	if !fromList {
		return false
	}
	return hasAny(subject, listRefusalWords)
}

// autoReplyHeader reports the header fields that mark an auto-reply.
func autoReplyHeader(h message.Header) bool {
	// RFC 3834 §5: "auto-replied", with or without the comment or
	// parameters products add ("auto-replied (vacation)" from Pigeonhole,
	// "auto-replied (zimbra; vacation)", iCloud's "auto-replied;
	// owner-email=...": zammad/zammad,
	// test/unit/email_process_out_of_office_test.rb).
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))), "auto-replied") {
		return true
	}
	// X-Autoreply (Gmail's vacation responder, "X-Autoreply: yes", beside
	// Auto-Submitted: the zammad test above), X-Autorespond (BoxTrapper's
	// and cPanel's, jpmckinney/multi_mail's wiki, "Detecting
	// autoresponders") and "Precedence: auto_reply"
	// (stackoverflow.com/questions/1027395, whose list of an auto-reply's
	// fields names it and X-Autorespond).
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" ||
		strings.EqualFold(strings.TrimSpace(h.Get("Precedence")), "auto_reply") {
		return true
	}
	// Exchange's own out-of-office reply: "X-Auto-Response-Suppress: All"
	// (so that no one answers it, MS-OXCMAIL §2.1.3.2.20) together with the
	// X-MS-Exchange-Inbox-Rules-Loop field of the mailbox that answered;
	// either alone is not one, the first being on much automated mail and
	// the second on every message an inbox rule sent on (zammad/zammad,
	// app/models/channel/filter/out_of_office_check.rb and its test).
	return indexFold(h.Get("X-Auto-Response-Suppress"), "all") >= 0 && h.Get("X-MS-Exchange-Inbox-Rules-Loop") != ""
}

// autoReplySubject reports whether a subject is an auto-responder's: one
// opening with a template's words (after any "[tag]" a ticket system or
// filter put first), or ending with Lotus Notes' "is out of the office", or
// naming the feature (vacationPhrases) in a message that is neither a reply
// or forward written by a person ("Re:", "Fwd:", RFC 5322 §3.6.5) nor a
// post to a list (RFC 2369 List-* fields, RFC 2919 List-Id), where people
// write of their holidays.
func autoReplySubject(h message.Header, subject string, rl *rules) bool {
	s := strings.TrimSpace(subject)
	for strings.HasPrefix(s, "[") {
		i := strings.IndexByte(s, ']')
		if i < 0 {
			break
		}
		s = strings.TrimSpace(s[i+1:])
	}
	s = strings.TrimLeft(s, "*-=~ ")
	for _, p := range autoReplySubjects {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	t := strings.TrimSpace(s)
	for _, p := range autoReplySuffixes {
		if strings.HasSuffix(t, p) {
			return true
		}
	}
	// "Auto: " is also a German subject about a car: read only in a
	// message that answers another (In-Reply-To or References, RFC 5322
	// §3.6.4) or that its program marks as bulk, as vacation(1) does
	// ("Precedence: bulk", Linux Vacation's vacation.c, sendmessage()).
	prec := strings.ToLower(strings.TrimSpace(h.Get("Precedence")))
	if h.Get("In-Reply-To") != "" || h.Get("References") != "" || prec == "bulk" || prec == "junk" {
		for _, p := range autoReplyAnswerSubjects {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
	}
	if !rl.vacation.match(s) {
		return false
	}
	for _, p := range []string{"re:", "re :", "fw:", "fwd:"} {
		if strings.HasPrefix(s, p) {
			return false
		}
	}
	for _, k := range []string{"List-Id", "List-Post", "List-Unsubscribe", "List-Help", "List-Subscribe", "X-Mailing-List"} {
		if h.Get(k) != "" {
			return false
		}
	}
	return prec != "list"
}

// isMDN reports a message disposition notification, a read receipt
// (RFC 8098 §3: multipart/report; report-type=disposition-notification).
func isMDN(h message.Header) bool {
	if indexFold(h.Get("Content-Type"), "disposition-notification") < 0 {
		return false
	}
	mt, params, err := h.ContentType()
	return err == nil && strings.EqualFold(mt, "multipart/report") && strings.EqualFold(params["report-type"], "disposition-notification")
}

// listNoticeWords are list managers' and group services' own words for a
// post they refused, each as its product's template or source writes it.
// They mark a notice only from a list manager (listNotice), not a post
// that quotes one.
var listNoticeWords = []string{
	"you are not allowed to post to this mailing list", // Mailman 2.1 Handlers/Moderate.py do_reject(); Mailman 3's DMARC refusal (rules/docs/dmarc-moderation.rst)
	"not allowed to post messages to this list",        // Mailman 2.1 Handlers/Hold.py NonMemberPost's rejection notice; ezmlm-idx ERR_NO_POST (lang/en_US/text/messages)
	"mailing-list was rejected for the following",      // Mailman 3 chains/reject.py: "Your message to the {list_name} mailing-list was rejected for the following reasons:"
	"has been rejected by the list moderator",          // Mailman 2.1 and 3 templates/en/refuse.txt
	"has been rejected by the moderator",               // Sympa mail_tt2/reject.tt2: "Your message for list %1@%2 has been rejected by the moderator (%3)."
	"was not accepted by the moderator",                // ezmlm-idx lang/en_US/text/mod-reject
	"only subscribers may post",                        // mlmmj listtexts/en/subonlypost: "this address is not subscribed, and only subscribers may post to the list."
	"matched a rule set up by the list administrator",  // mlmmj listtexts/en/access
	"was unable to be delivered to the list",           // mlmmj-listtexts en/deny-post: "The message from $posteraddr$ with subject ... was unable to be delivered to the list"
	"we're sorry, but your email message to",           // Discourse config/locales/server.en.yml, every email_reject_* message: "We're sorry, but your email message to %{destination} (titled %{former_title}) didn't work."
	"but your mail has been refused for one",           // DoList template/common-en/notposted.txt: "but your mail has been refused for one of the following reasons"
	"you are not authorized to post",                   // L-Soft LISTSERV's refusal of a post to a private list, as list owners' FAQs quote it: "an error message that says you are not authorized to post to the list" (WOU's LISTSERV FAQ, "Not Authorized" error message), LISTSERV "replied 'you are not authorized to post'" (listserv.uga.edu ownerfaq monitor-nonsub)
	"from a user that had been served out",             // LISTSERV: "Mail has been received for delivery to the x list from a user that had been served out" (Syracuse University's LISTSERV help)
}

// listNoticeSubjects are the subjects list managers give their refusals.
var listNoticeSubjects = []string{
	"request to mailing list",        // Mailman 2.1 ListAdmin.__refuse(): "Request to mailing list %(realname)s rejected"; Mailman 3's the same
	"your message has been rejected", // Sympa mail_tt2/reject.tt2
	"is a subscribers only list",     // mlmmj listtexts/en/subonlypost: "$listaddr$ is a subscribers only list"
	"returned post for",              // ezmlm-idx SUB_RETURNED_POST "Returned post for <#L#>@<#H#>" (lang/en_US/text/messages)
	"email issue --",                 // Discourse server.en.yml, every email_reject_* subject_template: "[%{email_prefix}] Email issue -- ..."
	"you cannot post to",             // DoList notposted.txt: "You cannot post to '#ULIST#'"
}

// listManagerLocal reports whether an address's local part is a list
// manager's own: Mailman's list-owner, list-bounces and list-request
// (Mailman 2.1 MailList.GetOwnerEmail(), GetBouncesEmail(),
// GetRequestEmail(); Mailman 3's owner_address), Sympa's list-request and
// sympa (Sympa::get_address()), mlmmj's list+owner (its listtexts' From),
// ezmlm's list-help and list-owner (ezmlm-idx's Mailing-List field,
// "contact <#l#>-help@<#h#>"), Majordomo's owner-list, and L-Soft's
// LISTSERV (its command address, LISTSERV@host). It returns the list's
// local part where the address names one ("" for sympa and LISTSERV).
func listManagerLocal(local string) (list string, ok bool) {
	l := strings.ToLower(local)
	for _, suf := range []string{"-owner", "-bounces", "-request", "+owner", "-help"} {
		if strings.HasSuffix(l, suf) && len(l) > len(suf) {
			return l[:len(l)-len(suf)], true
		}
	}
	if strings.HasPrefix(l, "owner-") && len(l) > 6 {
		return l[6:], true
	}
	if l == "sympa" || strings.HasPrefix(l, "listserv") {
		return "", true
	}
	return "", false
}

// listNotice reports a list manager's or group service's notice that it
// refused a post: its words (listNoticeWords) in the notice's own text,
// sent from a list manager's address (listManagerLocal) or under one of
// the products' own subjects (listNoticeSubjects), not a reply or a
// forward. A post that quotes such a notice is neither.
func listNotice(from, subject, text string) bool {
	if !hasAny(text, listNoticeWords) {
		return false
	}
	manager := false
	if a, err := mail.ParseAddress(from); err == nil {
		manager = fromListManager(a.Address)
	}
	s := strings.TrimSpace(subject)
	if (strings.HasPrefix(s, "re:") || strings.HasPrefix(s, "fwd:") || strings.HasPrefix(s, "fw:")) && !manager {
		return false
	}
	return manager || hasAny(s, listNoticeSubjects)
}

func fromListManager(addr string) bool {
	local, _, ok := strings.Cut(addr, "@")
	if !ok {
		return false
	}
	_, ok = listManagerLocal(local)
	return ok
}

// unquoted returns text without the lines quoted from another message
// ("> ..."), which are not the notice's own words.
func unquoted(text string) string {
	var b strings.Builder
	for l := range strings.Lines(text) {
		if !strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// notRecipients adds to skip the addresses a notice names that are not a
// failed recipient: the notice's own To, Cc, Reply-To, Sender, From and
// Return-Path (and the further fields given), and the returned message's
// sender's. The caller makes the map, which then stays on its stack.
func notRecipients(skip map[string]bool, h message.Header, w *walk, more ...string) {
	for _, fields := range [][]string{{"To", "Cc", "Reply-To", "Sender", "From", "Return-Path"}, more} {
		for _, k := range fields {
			for _, a := range addrsIn(h.Get(k)) {
				skip[a] = true
			}
		}
	}
	if w.original != nil {
		for _, k := range []string{"From", "Return-Path", "Sender", "Reply-To"} {
			for _, a := range addrsIn(w.original.Get(k)) {
				skip[a] = true
			}
		}
	}
}

// maxListNotice bounds the notice's text kept as a list refusal's
// diagnostic: its templates run to a few hundred bytes.
const maxListNotice = 2000

// listNoticeRecipient returns the list (or group, or reply address) a
// refused post was sent to: an address in the notice's subject (mlmmj's
// "Post to <list> denied", ezmlm's "Returned post for <list>",
// LISTSERV's "Rejected posting to <list>"), else the list Mailman names
// in X-BeenThere or RFC 2369's List-Post, else the list whose manager
// address sent the notice where the notice or the returned post names
// it, else the first address of the notice's own text, else the
// returned post's first recipient. The sender's own addresses and the
// list managers' are never it.
func listNoticeRecipient(h message.Header, w *walk, subject, notif string) string {
	skip := map[string]bool{}
	notRecipients(skip, h, w, "Errors-To")
	pick := func(as []string) string {
		for _, a := range as {
			local, _, _ := strings.Cut(a, "@")
			if _, mgr := listManagerLocal(local); !skip[a] && !mgr {
				return a
			}
		}
		return ""
	}
	if a := pick(addrsIn(subject)); a != "" {
		return a
	}
	for _, k := range []string{"X-BeenThere", "List-Post", "X-ML-Address"} {
		if a := pick(addrsIn(h.Get(k))); a != "" {
			return a
		}
	}
	var posted []string
	if w.original != nil {
		posted = append(addrsIn(w.original.Get("To")), addrsIn(w.original.Get("Cc"))...)
	}
	text := addrsIn(notif)
	if f, err := mail.ParseAddress(h.Get("From")); err == nil {
		local, domain, _ := strings.Cut(strings.ToLower(f.Address), "@")
		if list, ok := listManagerLocal(local); ok && list != "" {
			if a := list + "@" + domain; slices.Contains(posted, a) || slices.Contains(text, a) {
				return a
			}
		}
	}
	if a := pick(text); a != "" {
		return a
	}
	return pick(posted)
}

// classifyOther handles a message without a DSN or feedback part: a plain
// bounce, an auto-reply, or something else.
func classifyOther(rep *Report, h message.Header, w *walk, rl *rules) {
	subject := strings.ToLower(decodeWords(h.Get("Subject")))
	from := strings.ToLower(decodeWords(h.Get("From")))
	notif := w.notification()
	body := fold(notif)

	bounceish := hasAny(from, bounceFroms) || hasAny(subject, bounceSubjects)
	var bix bigrams // the body's byte pairs, for the long phrase lists
	bix.index(body)
	bodyBounce := rl.bodies.matchIn(body, &bix) || hasAny(body, weakBounceBodies) && hasCode(body)
	auto := autoReplyHeader(h) || autoReplySubject(h, subject, rl)
	switch {
	case isMDN(h) && !bounceish && !bodyBounce:
		// A read receipt reports what became of a message delivered:
		// neither a bounce nor an auto-reply, whatever it is marked. (A
		// Sieve reject sent as an MDN, RFC 5429, as Dovecot's "Disposition:
		// automatic-action/MDN-sent-automatically; deleted" with "Your
		// message to <x> was automatically rejected", says so in its
		// subject or text and is read as a bounce.)
		rep.Kind = KindUnknown
		return
	case !bounceish && listRefusal(h, subject):
		// The list refused the post: one recipient, the list, and the
		// notice's subject and opening as the diagnostic.
		rep.Kind = KindNonStandard
		list := ""
		for _, k := range []string{"List-Post", "X-ML-Address", "List-Id"} {
			if as := addrsIn(h.Get(k)); len(as) > 0 {
				list = as[0]
				break
			}
		}
		if list == "" {
			if as := addrsIn(firstLines(notif, 5)); len(as) > 0 {
				list = as[0]
			}
		}
		rc := Recipient{FinalRecipient: list, Action: "failed", DiagnosticCode: decodeWords(h.Get("Subject")) + "\n" + firstLines(notif, 5)}
		finish(&rc, rl, rc.DiagnosticCode, "")
		rep.Recipients = []Recipient{rc}
		spellRecipients(rep.Recipients, h.Get("List-Post"), h.Get("X-ML-Address"), h.Get("List-Id"), firstLines(notif, 5))
		return
	case !bounceish && hasAny(body, listNoticeWords) && listNotice(from, subject, fold(unquoted(notif))):
		// (The words looked for in the whole text first: only a text that
		// holds them is copied without its quoted lines.)
		// A list manager's or group service's refusal of a post in its
		// own words: one recipient, the list the post was sent to, and
		// the notice's text as the diagnostic; its subject too, unless it
		// is the post's own (Mailman's BounceMessage() gives the notice
		// the post's subject: those are the sender's words, not the
		// list's).
		rep.Kind = KindNonStandard
		diag := strings.TrimSpace(unquoted(notif))
		if s := decodeWords(h.Get("Subject")); !slices.ContainsFunc(returnedSubjects(w, notif), func(r string) bool { return strings.EqualFold(strings.TrimSpace(r), strings.TrimSpace(s)) }) {
			diag = s + "\n" + diag
		}
		if len(diag) > maxListNotice {
			diag = diag[:maxListNotice]
		}
		rc := Recipient{FinalRecipient: listNoticeRecipient(h, w, subject, notif), Action: "failed", DiagnosticCode: diag}
		// RFC 3463 x.7.2: a list that will not take a message refuses
		// its sender ("The sender is not authorized to send a message to
		// the intended mailing list"), the reading where the notice's
		// words name no other reason.
		rc.category = Rejected
		finish(&rc, rl, rc.DiagnosticCode, "")
		rep.Recipients = []Recipient{rc}
		spellRecipients(rep.Recipients, h.Get("Subject"), h.Get("X-BeenThere"), notif)
		return
	case !bounceish && strings.TrimSpace(subject) == "unsubscribe":
		// RFC 2369 §3.2: mail to a List-Unsubscribe mailto: address
		// carries the subject "unsubscribe". The recipient opted out:
		// a complaint in all but form.
		rep.Kind = KindFeedback
		rep.Feedback = &FeedbackReport{Type: "unsubscribe"}
		addr := ""
		if a, err := mail.ParseAddress(h.Get("From")); err == nil {
			addr = a.Address
		}
		rep.Recipients = []Recipient{{FinalRecipient: addr, Action: "failed", Reason: Feedback, DiagnosticCode: strings.TrimSpace(firstLines(notif, 3))}}
		return
	case auto && !bounceish:
		rep.Kind = KindAutoReply
		addr := ""
		if a, err := mail.ParseAddress(h.Get("From")); err == nil {
			addr = a.Address
		}
		rep.Recipients = []Recipient{{FinalRecipient: addr, Action: "delivered", Reason: Vacation, DiagnosticCode: strings.TrimSpace(firstLines(notif, 3))}}
		return
	case !bounceish && !bodyBounce:
		rep.Kind = KindUnknown
		return
	}
	rep.Kind = KindNonStandard

	skip := map[string]bool{}
	notRecipients(skip, h, w)
	blocks, pre := textBlocks(notif, skip)
	if failed := addrsIn(h.Get("X-Failed-Recipients")); len(failed) > 0 {
		// Exim and Gmail name the failed recipients in a header
		// (X-Failed-Recipients); keep the text's blocks for them only.
		var bs []block
		at := make(map[string]int, len(blocks)) // not a search of the blocks for each of thousands
		for i, tb := range blocks {
			at[tb.addr] = i
		}
		for _, a := range failed {
			b := block{addr: a}
			if i, ok := at[a]; ok {
				b = blocks[i]
			}
			if len(b.lines) == 0 && len(failed) == 1 {
				for _, tb := range blocks {
					b.lines = append(b.lines, tb.lines...)
				}
			}
			bs = append(bs, b)
		}
		blocks = bs
	}
	if len(blocks) == 0 {
		blocks = bareRecipients(notif)
	}
	if len(blocks) == 0 && w.original != nil {
		// No address in the text: the bounce is about the original's
		// recipients, but not a mailing list's own address that a list
		// post is sent To (RFC 2369 §3.4 List-Post, RFC 2919 List-Id
		// naming it): the failed recipient is a member the post does
		// not name.
		list := map[string]bool{}
		for _, k := range []string{"List-Post", "List-Id"} {
			for _, a := range addrsIn(w.original.Get(k)) {
				list[a] = true
			}
		}
		for _, a := range addrsIn(w.original.Get("To")) {
			if !skip[a] && !list[a] && !(len(list) > 0 && listIdMatches(w.original.Get("List-Id"), a)) {
				blocks = append(blocks, block{addr: a, spelled: spellingIn(w.original.Get("To"), a)})
				break
			}
		}
	}
	// RFC 3464 §2.3.3: a notice that the message is still being retried
	// reports its recipients as delayed, not failed (Exim's delay
	// warning "has not yet been delivered", Sendmail's "THIS IS A
	// WARNING MESSAGE ONLY", Postfix's "Delayed Mail (still being
	// retried)": delayPhrases), unless it also says the message failed.
	// Words that only say the message was not delivered ("could not be
	// delivered") do not outweigh words that say delivery goes on.
	// The returned message's own subject is the sender's words, not the
	// notice's, where the notice repeats it: in its subject (Exchange's
	// "Undeliverable: <subject>", bounceSubjects) or in its text (Exchange
	// 2003's "Your message did not reach some or all of the intended
	// recipients. Subject: <subject>", TestExchangeFormats). Exchange's
	// "Undeliverable: Your order has been delayed" reports a failure.
	own, words := subject, body
	if hasAny(subject, delayPhrases) || rl.delays.matchIn(body, &bix) {
		for _, s := range returnedSubjects(w, notif) {
			if s = fold(s); hasAny(s, delayPhrases) {
				own, words = strings.ReplaceAll(fold(own), s, ""), strings.ReplaceAll(words, s, "")
			}
		}
	}
	action := "failed"
	final := hasAny(words, finalPhrases) || hasAny(words, weakFinalPhrases) && !hasAny(words, retryPhrases)
	wordsDelay := false
	if len(words) == len(body) {
		// Nothing was taken out of the body's words.
		wordsDelay = rl.delays.matchIn(words, &bix)
	} else {
		wordsDelay = hasAny(words, delayPhrases)
	}
	if hasAny(own, delayPhrases) || wordsDelay && !final {
		action = "delayed"
	}
	// The preamble is read with each recipient's own lines: with many
	// recipients only its end, the words nearest the list, up to
	// maxShared in all (2,000 recipients under a preamble of 100 KiB
	// took half a minute to read).
	pre = sharedTail(pre, len(blocks))
	for _, b := range blocks {
		rc := Recipient{FinalRecipient: cmp.Or(b.spelled, b.addr), Action: action, Command: b.cmd}
		blk := strings.Join(b.lines, "\n")
		rc.OriginalRecipient = expandedFrom(blk, b.addr)
		diag := errorLines(blk, pre)
		// A block's size is counted in characters, not bytes: a
		// recipient's lines in Japanese (3 bytes a character in UTF-8)
		// are no longer than the same lines in English (DTI's notice in
		// Japanese, dream.jp techinfo mail error05, whose heading over
		// the recipients, "以下の受取人は、相手のメールサーバに拒否されまし
		// た。", says what its English twin's does).
		if n := utf8.RuneCountInString(strings.TrimSpace(blk)); len(blocks) == 1 && n < 200 {
			diag = blk + "\n" + pre
			if n < 120 {
				diag = pre + "\n" + blk
			}
		} else if len(blocks) == 1 && !hasCode(diag) && hasCode(pre) {
			diag = pre + "\n" + diag // the error was printed before the address
		}
		ctx := strings.Join(b.ctx, "\n")
		if ctx != "" {
			diag += "\n" + ctx
		}
		rc.DiagnosticCode = diag
		// The command a reply answered: from this recipient's lines, and
		// from the preamble only when it concerns a single recipient.
		context := blk + "\n" + ctx
		if len(blocks) == 1 {
			context += "\n" + pre
		}
		orig := rc
		finish(&rc, rl, maskAddr(diag, b.addr), context)
		if p := strings.TrimSpace(pre); rc.Reason == OnHold && p != "" && !strings.Contains(diag, p) {
			// The recipient's own lines name no reason: the preamble
			// ("delivery to the following recipients was aborted after
			// 5 hours:") speaks for every recipient listed under it.
			retry := orig
			retry.DiagnosticCode = diag + "\n" + p
			finish(&retry, rl, maskAddr(retry.DiagnosticCode, b.addr), context)
			if retry.Reason != OnHold {
				rc = retry
			}
		}
		rep.Recipients = append(rep.Recipients, rc)
	}
	// The blocks are keyed by the lower-case address; the report gives
	// each address as the notice writes it (from X-Failed-Recipients,
	// where it names the recipients).
	spellRecipients(rep.Recipients, h.Get("X-Failed-Recipients"), notif)
}

// sharedTail returns the end of text that n recipients may each be given
// within maxShared: the whole of it when it fits, else its last lines
// that do (or the last bytes, from the start of a character, when no
// line does).
func sharedTail(text string, n int) string {
	if n <= 1 || len(text) <= maxShared/n {
		return text
	}
	tail := text[len(text)-maxShared/n:]
	if i := strings.IndexByte(tail, '\n'); i >= 0 {
		return tail[i+1:]
	}
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	return tail
}

// listIdMatches reports whether addr is the list a List-Id names as
// Mailman builds it (RFC 2919 §3's "<list-label.namespace>"; Mailman 3's
// model/mailinglist.py sets list_id to "{listname}.{hostname}" for
// listname@hostname).
func listIdMatches(listID, addr string) bool {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return false
	}
	return indexFold(listID, "<"+local+"."+domain+">") >= 0
}

// expandedFrom returns the address an alias or forward was expanded
// from, as Postfix's notice names it beside the address it failed at:
// "<%s> (expanded from <%s>): %s" (postfix/src/bounce/
// bounce_notify_util.c, bounce_recipient_log()), RFC 3464's
// Original-Recipient in words; "" when the text names none.
//
// Postfix wraps the line at 79 columns (bounce_print_wrap()), so the
// words "(expanded from" and the address may stand on two lines.
func expandedFrom(blk, addr string) string {
	const marker = "> (expanded from"
	i := indexFold(blk, "<"+addr+marker)
	if i < 0 {
		return otherExpandedFrom(blk, addr)
	}
	rest := strings.TrimLeft(blk[i+1+len(addr)+len(marker):], " \t\r\n")
	if !strings.HasPrefix(rest, "<") {
		return ""
	}
	rest = rest[1:]
	end := strings.IndexByte(rest, '>')
	if end <= 0 || strings.ContainsAny(rest[:end], " \t\n<") {
		return ""
	}
	return cleanAddr(rest[:end])
}

// otherExpandedFrom returns the address an alias or forward was expanded
// from, as Sendmail and Exim print it on the line after the address it
// failed at: Sendmail's "    (expanded from: %s)" (savemail.c, errbody(),
// which puts the "    (reason: %s)" line first when it has a reason) and
// Exim's "    (generated from %s)" or "(ultimately generated from %s)"
// (deliver.c, print_address_information(); "ultimately" when it is the
// ancestor of a chain). "" when there is none or it is addr itself.
func otherExpandedFrom(blk, addr string) string {
	if !strings.Contains(blk, "xpanded from: ") && !strings.Contains(blk, "enerated from ") {
		return ""
	}
	lines := strings.Split(blk, "\n")
	for i := 0; i+1 < len(lines); i++ {
		if indexFold(lines[i], addr) < 0 {
			continue
		}
		t := strings.ToLower(strings.TrimSpace(lines[i+1]))
		if strings.HasPrefix(t, "(reason: ") && i+2 < len(lines) {
			t = strings.ToLower(strings.TrimSpace(lines[i+2]))
		}
		for _, p := range []string{"(expanded from: ", "(generated from ", "(ultimately generated from "} {
			if rest, ok := strings.CutPrefix(t, p); ok && strings.HasSuffix(rest, ")") {
				if as := addrsIn(rest); len(as) == 1 && as[0] != addr {
					return as[0]
				}
			}
		}
		return ""
	}
	return ""
}

// maskAddr returns text with the recipient's address, which the
// notification prints beside its error, replaced by a neutral one: the
// words of an address ("full@", "spam.example", "nullmx.test") are not
// the receiver's verdict. The address stays an address, for the readings
// that look for one.
func maskAddr(text, addr string) string {
	if addr == "" || len(text) < len(addr) {
		return text
	}
	var b strings.Builder
	for {
		i := indexFold(text, addr)
		if i < 0 {
			break
		}
		b.WriteString(text[:i])
		b.WriteString("x@x.x")
		text = text[i+len(addr):]
	}
	if b.Len() == 0 {
		return text
	}
	b.WriteString(text)
	return b.String()
}

// indexFold is strings.Index ignoring ASCII case; sub is lower case.
// A short sub is compared at each offset in turn; a long one, an address
// read from the notice itself (maskAddr, otherExpandedFrom), by
// indexFoldLong, whose time is linear whatever the text: comparing an
// address of 80,000 "a"s at each offset of a line of 150,000 took seconds.
func indexFold(s, sub string) int {
	if len(sub) > 32 {
		return indexFoldLong(s, sub)
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && lowerByte(s[i+j]) == sub[j] {
			j++
		}
		if j == len(sub) {
			return i
		}
	}
	return -1
}

// blockIndex finds a notice's block by its address: by a search of the
// few blocks a notice mostly has, through a map once it has many.
type blockIndex struct{ at map[string]int }

// find returns the index of the block for addr, or -1.
func (x *blockIndex) find(blocks []block, addr string) int {
	if x.at != nil {
		if i, ok := x.at[addr]; ok {
			return i
		}
		return -1
	}
	for i := range blocks {
		if blocks[i].addr == addr {
			return i
		}
	}
	return -1
}

// added indexes the block just appended to blocks, building the map
// when there are enough of them.
func (x *blockIndex) added(blocks []block) {
	switch {
	case x.at != nil:
		x.at[blocks[len(blocks)-1].addr] = len(blocks) - 1
	case len(blocks) > 16:
		x.at = make(map[string]int, 2*len(blocks))
		for i := range blocks {
			if _, ok := x.at[blocks[i].addr]; !ok {
				x.at[blocks[i].addr] = i
			}
		}
	}
}

// indexFoldLong is indexFold by the Knuth-Morris-Pratt search: s is read
// once, each byte folded, and a mismatch falls back along sub's borders
// (the longest proper prefix of the part matched that is also its
// suffix) instead of starting again at the next offset.
func indexFoldLong(s, sub string) int {
	m := len(sub)
	if m > len(s) {
		return -1
	}
	var few [128]int
	var border []int
	if m <= len(few) {
		border = few[:m]
	} else {
		border = make([]int, m)
	}
	for i, k := 1, 0; i < m; i++ {
		for k > 0 && sub[i] != sub[k] {
			k = border[k-1]
		}
		if sub[i] == sub[k] {
			k++
		}
		border[i] = k
	}
	for i, k := 0, 0; i < len(s); i++ {
		c := lowerByte(s[i])
		for k > 0 && c != sub[k] {
			k = border[k-1]
		}
		if c == sub[k] {
			k++
		}
		if k == m {
			return i - m + 1
		}
	}
	return -1
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// addrsIn returns the lower-case addresses found in a header value.
func addrsIn(v string) []string {
	var out []string
	l := strings.ToLower(v)
	for off := 0; off < len(l); {
		a, _, e := nextAddr(l, off)
		if a == "" {
			break
		}
		out = append(out, a)
		off = e
	}
	return out
}

// bareRecipients handles address lists without a domain ("jdoe"), as
// Exim and Sendmail print for local recipients: the first token of the line
// after a "following address(es) failed" heading.
func bareRecipients(notif string) []block {
	lines := strings.Split(notif, "\n")
	for i, l := range lines {
		ll := strings.ToLower(l)
		// Exim "The following address(es) failed:", Sendmail "The
		// following addresses had permanent fatal errors", Exchange 2003
		// "The following recipient(s) could not be reached:".
		if !strings.Contains(ll, "following address") && !strings.Contains(ll, "following recipient") &&
			!strings.Contains(ll, "address(es) failed") && !strings.Contains(ll, "addresses had") {
			continue
		}
		for j := i + 1; j < len(lines) && j < i+4; j++ {
			t := strings.TrimSpace(lines[j])
			if t == "" {
				continue
			}
			if j == i+1 && !strings.Contains(l, ":") && !strings.Contains(l, "-----") && strings.HasSuffix(t, ":") {
				continue // the heading's own end, folded: "The following address(es)\nfailed:"
			}
			tok := strings.Fields(t)[0]
			tok = strings.Trim(tok, "<>\"':.")
			if tok == "" || strings.HasPrefix(tok, "-") {
				break
			}
			b := block{addr: strings.ToLower(tok), spelled: tok}
			b.lines = append(b.lines, lines[j:]...)
			return []block{b}
		}
	}
	return nil
}

// hasCode reports whether s holds an SMTP reply code or enhanced status code.
func hasCode(s string) bool {
	f := fold(s)
	return findReplyCode(f) != 0 || hasStatusCode(f)
}

// text is the block's lines, then its transcript context.
func (b *block) text() string {
	t := strings.Join(b.lines, "\n")
	if len(b.ctx) > 0 {
		t += "\n" + strings.Join(b.ctx, "\n")
	}
	return t
}

// spellRecipients sets each lower-case address of rcs (final and
// original recipient) to its spelling where srcs, read in order, first
// write it: the reading of a notice folds its text to compare addresses
// (lineRecipient, commaList, addrsIn), but RFC 5321 §2.4 lets the local
// part be case-sensitive, to be kept as written (only the domain is
// case-insensitive), and a DSN's Final-Recipient keeps its spelling too
// (cleanAddr): a sender matching a bounce to its send gets the same
// address from either. One pass over srcs' addresses, and none when no
// address of srcs holds an upper-case letter (upperInAddr); an address
// found nowhere, or already in mixed case, stays as it is.
func spellRecipients(rcs []Recipient, srcs ...string) {
	if len(rcs) == 0 || !slices.ContainsFunc(srcs, upperInAddr) {
		return
	}
	// The addresses to spell are numbered 2*i (rcs[i]'s final
	// recipient) and 2*i+1 (its original): a few are compared in turn
	// with each address of srcs, many looked up in byKey, by their
	// lower-case spelling.
	var byKey map[string][]int
	if len(rcs) > 8 {
		byKey = make(map[string][]int, 2*len(rcs))
		for i, rc := range rcs {
			for k, a := range [2]string{rc.FinalRecipient, rc.OriginalRecipient} {
				if a != "" && !hasUpperASCII(a) {
					byKey[a] = append(byKey[a], 2*i+k)
				}
			}
		}
	}
	var small [16]bool
	var done []bool
	if 2*len(rcs) <= len(small) {
		done = small[:2*len(rcs)]
	} else {
		done = make([]bool, 2*len(rcs))
	}
	left := 0
	for i, rc := range rcs {
		for k, a := range [2]string{rc.FinalRecipient, rc.OriginalRecipient} {
			done[2*i+k] = a == "" || hasUpperASCII(a) // spelled as written
			if !done[2*i+k] {
				left++
			}
		}
	}
	set := func(j int, spelling string) {
		if done[j] {
			return
		}
		done[j] = true
		left--
		if j%2 == 0 {
			rcs[j/2].FinalRecipient = spelling
		} else {
			rcs[j/2].OriginalRecipient = spelling
		}
	}
	var key [256]byte
	for _, src := range srcs {
		for line := range strings.Lines(src) {
			if left == 0 {
				return
			}
			if strings.IndexByte(line, '@') < 0 {
				continue
			}
			// The addresses as lineRecipient finds them: nextAddr reads
			// either case alike, and a line at a time.
			for off := 0; off < len(line); {
				a, _, e := nextAddr(line, off)
				if a == "" {
					break
				}
				off = e
				if byKey == nil {
					for j := range done {
						if !done[j] && sameAddress(a, rcAddr(rcs, j)) {
							set(j, a)
						}
					}
					continue
				}
				var ks []int
				if !isASCII(a) {
					// An internationalised address (RFC 6531), read
					// lower-cased as strings.ToLower folds it.
					ks = byKey[strings.ToLower(a)]
				} else if len(a) <= len(key) {
					for j := range len(a) {
						key[j] = lowerByte(a[j])
					}
					ks = byKey[string(key[:len(a)])] // not copied for the lookup
				} else {
					ks = byKey[lowerASCII(a)]
				}
				for _, j := range ks {
					set(j, a)
				}
			}
		}
	}
}

// sameAddress reports whether a, as a notice writes it, is the address
// lower, as its reading lower-cased it: ASCII letters folded alike, and
// an internationalised address (RFC 6531) as strings.ToLower folds it.
func sameAddress(a, lower string) bool {
	if isASCII(a) {
		return equalFoldASCII(a, lower)
	}
	return strings.ToLower(a) == lower
}

// rcAddr is the address spellRecipients numbers j.
func rcAddr(rcs []Recipient, j int) string {
	if j%2 == 0 {
		return rcs[j/2].FinalRecipient
	}
	return rcs[j/2].OriginalRecipient
}

// spellingIn returns the lower-case address a as v first writes it, or a.
func spellingIn(v, a string) string {
	rc := []Recipient{{FinalRecipient: a}}
	spellRecipients(rc, v)
	return rc[0].FinalRecipient
}

// upperInAddr reports an upper-case ASCII letter in a run of address
// characters (a local part, maybe quoted, or a domain) beside an "@" of s.
// Each run is read from the "@" on either side of it: twice at most.
func upperInAddr(s string) bool {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], '@')
		if i < 0 {
			return false
		}
		at := off + i
		// A byte past ASCII beside the "@" may be an upper-case letter
		// of an internationalised address (RFC 6531): it is looked at.
		for j := at - 1; j >= 0 && (isLocalChar(s[j]) || s[j] == '"' || s[j] >= utf8.RuneSelf); j-- {
			if 'A' <= s[j] && s[j] <= 'Z' || s[j] >= utf8.RuneSelf {
				return true
			}
		}
		for j := at + 1; j < len(s) && (isDomainChar(s[j]) || s[j] >= utf8.RuneSelf); j++ {
			if 'A' <= s[j] && s[j] <= 'Z' || s[j] >= utf8.RuneSelf {
				return true
			}
		}
		off = at + 1
	}
}

func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldASCII is strings.EqualFold for ASCII letters only, as
// indexFold: the other bytes are compared as they are.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerByte(a[i]) != lowerByte(b[i]) {
			return false
		}
	}
	return true
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix)
}

// hasSuffixFold is strings.HasSuffix ignoring ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && equalFoldASCII(s[len(s)-len(suffix):], suffix)
}
