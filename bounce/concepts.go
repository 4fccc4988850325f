package bounce

import "strings"

// A concept names a reason by two kinds of words in one clause: what the
// words are about (the subject: "mailbox", "relaying") and what they say
// of it (the predicate: "is full", "not permitted"), in that order, at most
// conceptWindow bytes apart and with no sentence end between them. It reads
// wordings the phrase tables do not hold word for word ("the mailbox you
// are trying to reach is full") from the vocabulary of the wordings they
// do hold: each word stands in a sourced phrase, or in the RFC text that
// defines the reason, cited beside it. Concepts come after every phrase of
// a verdict, so an exact phrase always decides first, and before the
// failures that are nobody's verdict (rules.wording).
type concept struct {
	subjects   []string
	predicates []string
	// unless are words that, anywhere in the clause, say the clause is
	// about something else (the sender's account, a message's size).
	unless []string
	// unlessAfter are unless words read only in the clause after the
	// subject.
	unlessAfter []string
	// next are words that, right after the subject, make it part of
	// another name ("relay host", "relay server").
	next []string
	// either lets the predicate come before the subject in its clause
	// too ("daily send limit", "limit of 400 per 24 hours").
	either bool
	// addresses makes an IPv4 address written out a subject too
	// ("192.0.2.1 blocked by x"): not one between brackets, a host's
	// name's in a notice ("host x[192.0.2.1] said:"), nor one with its
	// port, an address connected to ("dial tcp 192.0.2.1:25: connect:").
	addresses bool
}

// conceptWindow is how far after its subject a predicate may start.
const conceptWindow = 50

// match reports whether a subject word is followed, in the same clause,
// by a predicate word, with none of the unless words in that clause. Each
// subject is looked up once per occurrence and the clause after it is
// bounded, so the text is read in linear time.
func (c *concept) match(text string) bool {
	for _, s := range c.subjects {
		if anyAt(text, s, func(at int) bool { return c.subjectAt(text, at, len(s)) }) {
			return true
		}
	}
	return c.addresses && anyIPv4(text, func(at, n int) bool { return c.subjectAt(text, at, n) })
}

// anyIPv4 calls f with the offset and length of each IPv4 address written
// out in text (four dotted groups of one to three digits, not part of a
// longer name or number), not one after "[" or before "]" or a port, until
// f reports true. Each byte starts at most one address of at most 15
// bytes, so the text is read in linear time.
func anyIPv4(text string, f func(at, n int) bool) bool {
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) || i > 0 && (isWordByte(text[i-1]) || text[i-1] == '.' || text[i-1] == '[') {
			continue
		}
		n := ipv4Len(text[i:])
		if n == 0 {
			continue
		}
		end := i + n
		port := end+1 < len(text) && text[end] == ':' && isDigit(text[end+1])
		if !port && (end == len(text) || text[end] != ']') && f(i, n) {
			return true
		}
		i = end - 1
	}
	return false
}

// ipv4Len is the length of the IPv4 address s starts with, 0 if none.
func ipv4Len(s string) int {
	i := 0
	for g := 0; g < 4; g++ {
		if g > 0 {
			if i >= len(s) || s[i] != '.' {
				return 0
			}
			i++
		}
		d := 0
		for i < len(s) && isDigit(s[i]) && d < 3 {
			i++
			d++
		}
		if d == 0 {
			return 0
		}
	}
	if i < len(s) && (isWordByte(s[i]) || s[i] == '.' && i+1 < len(s) && isDigit(s[i+1])) {
		return 0
	}
	return i
}

// subjectAt reports whether the subject of n bytes at text[at:] is a word
// whose clause holds a predicate and none of the unless words.
func (c *concept) subjectAt(text string, at, n int) bool {
	end := at + n
	if !wordStart(text, at) || !subjectEnd(text, end) {
		return false
	}
	clause := text[end:min(len(text), end+conceptWindow+24)]
	if hasPrefixAny(clause, c.next) {
		return false
	}
	if cut := clauseEnd(clause); cut >= 0 {
		clause = clause[:cut]
	}
	return (c.predicateIn(clause) || c.either && c.predicateBefore(text, at)) && !c.vetoed(text, at, clause)
}

// predicateIn finds a predicate word starting within conceptWindow bytes
// of the clause's start, not negated ("is not full").
func (c *concept) predicateIn(clause string) bool {
	for _, p := range c.predicates {
		if anyAt(clause, p, func(at int) bool {
			return at <= conceptWindow && wordStart(clause, at) && wordEnd(clause, at+len(p)) &&
				(!strings.HasSuffix(clause[:at], "not ") || strings.HasPrefix(p, "not "))
		}) {
			return true
		}
	}
	return false
}

// predicateBefore finds a predicate word in the conceptWindow bytes of
// the subject's clause before it.
func (c *concept) predicateBefore(text string, at int) bool {
	base := max(0, at-conceptWindow)
	if cut := lastClauseEnd(text[base:at]); cut >= 0 {
		base += cut + 1
	}
	for _, p := range c.predicates {
		// Word edges are judged in the whole text, not the window.
		if anyAt(text[base:at], p, func(i int) bool {
			return wordStart(text, base+i) && wordEnd(text, base+i+len(p))
		}) {
			return true
		}
	}
	return false
}

// lastClauseEnd is clauseEnd read backwards: the last sentence end or
// new part of a reply in s, -1 if none.
func lastClauseEnd(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if endsClause(s, i) {
			return i
		}
	}
	return -1
}

// vetoed reports an unless word in the clause or in the few words before
// the subject ("your account", "sending quota"), or, where the predicate
// may come first, in all of the clause before it that a predicate was
// looked for in (MailEnable's "temporarily refused connection at x from
// IP (y) because the server is too busy" is a connection refused, not
// the IP).
func (c *concept) vetoed(text string, at int, clause string) bool {
	reach := 24
	if c.either {
		reach = conceptWindow
	}
	before := text[max(0, at-reach):at]
	if cut := strings.LastIndexAny(before, ".;!?"); cut >= 0 {
		before = before[cut+1:]
	}
	for _, u := range c.unless {
		if strings.Contains(clause, u) || strings.Contains(before, u) {
			return true
		}
	}
	for _, u := range c.unlessAfter {
		if strings.Contains(clause, u) {
			return true
		}
	}
	return false
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// wordStart reports that text[i:] starts a word: the byte before is no
// letter, digit or part of a name (a host's "relay.example.net", a log's
// "relay=", an address's local part).
func wordStart(text string, i int) bool {
	if i == 0 {
		return true
	}
	c := text[i-1]
	return !isWordByte(c) && c != '.' && c != '-' && c != '@' && c != '=' && c != '/'
}

// wordEnd reports that a word ends at text[i].
func wordEnd(text string, i int) bool {
	return i >= len(text) || !isWordByte(text[i])
}

// subjectEnd is wordEnd for a subject, which must not go on as a name:
// "relay.example.net", "relay=", "mailbox@", "account-name".
func subjectEnd(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	c := text[i]
	if isWordByte(c) || c == '=' || c == '@' || c == '_' {
		return false
	}
	if (c == '.' || c == '-' || c == '/') && i+1 < len(text) && isWordByte(text[i+1]) {
		return false
	}
	return true
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c >= 0x80
}

// clauseEnd is where the clause ends: a sentence's end or a new part of a
// reply (";", "!", "?", a period before a space or at the end), -1 if not
// within it.
func clauseEnd(s string) int {
	for i := 0; i < len(s); i++ {
		if endsClause(s, i) {
			return i
		}
	}
	return -1
}

// endsClause reports that s[i] ends a clause: ";", "!", "?", a bracket,
// or a period before a space or at the end (not one inside a name).
func endsClause(s string, i int) bool {
	switch s[i] {
	case ';', '!', '?', '(', ')', '<', '>':
		return true
	case '.':
		return i+1 == len(s) || s[i+1] == ' '
	}
	return false
}

// The concepts, one per reason, in the order they are tried.
var (
	// The recipient's mailbox out of room. RFC 3463 x.2.2 "Mailbox full:
	// The mailbox is full because the user has exceeded a per-mailbox
	// administrative quota or physical capacity"; RFC 5321 §4.2.3, 552
	// "Requested mail action aborted: exceeded storage allocation". The
	// words are those of mailboxFullPhrases' sourced wordings: "mailbox"
	// and "inbox is full" (Google), "mailfolder is full", "account is
	// full", "over quota", "quota exceeded", "storage allocation",
	// "exceeded its storage limit", "mailbox size limit exceeded",
	// "mailbox has reached its maximum", Google's "out of storage space"
	// and NetEase's "mail box space not enough". A sending quota, a
	// message's own size and a per-message limit of the mailbox (RFC 3463
	// x.2.3, "Message length exceeds administrative limit") are not: the
	// unless words. Nor is a mailbox that only might be full: a reply
	// that lists what may be wrong names no one reason (a Postfix log's
	// "450 4.1.1 <x>: Recipient address rejected: unverified address:
	// Mailbox might be disabled, full, or may not exist on the server.
	// Reason: JFE030050", quoted in a Postfix log parser's documentation
	// and a Go SMTP error parser's tests). "Mailbox" as the first word of
	// the name of a server, its database or its disk is the receiving
	// system's (Exchange's store driver replies, its transport's AckReason
	// table: "431 4.3.1 STOREDRV; mailbox disk is full", "432 4.3.2
	// STOREDRV.Deliver; mailbox database thread limit exceeded", "432
	// 4.3.2 STOREDRV.Storage; mailbox server mapi session limit
	// exceeded"): the next words.
	mailboxFullConcept = concept{
		subjects:   []string{"mailbox", "mail box", "inbox", "mailfolder", "mail folder", "mail storage", "quota"},
		predicates: []string{"full", "over quota", "over its quota", "over the quota", "quota exceeded", "exceeded its quota", "exceeds its quota", "exceeded the quota", "exceeded", "storage", "space", "size limit", "maximum size", "maximum allowed size", "its maximum", "its limit"},
		unless:     []string{"sending", "sender", "submission", "message size", "message length", "per message", "message exceeds", "attachment", "too large", "too big", "rate", "per hour", "per day", "daily", "recipients", "your", "might be"},
		next:       []string{" server", " database", " disk"},
	}
	// The recipient's mailbox switched off. RFC 3463 x.2.1 "Mailbox
	// disabled, not accepting messages: The mailbox exists, but is not
	// accepting messages"; the words of suspendPhrases' sourced wordings:
	// "mailbox disabled", "account ... is disabled", "user is inactive",
	// "account inactive", "not active", "user suspended", "mailbox
	// currently suspended", "deactivated mailbox", "account is frozen",
	// "account is locked", "user is locked". An account of the sender's
	// ("your account"), a lock of the mailbox file while a delivery
	// writes it ("cannot lock mailbox") and a mailbox that only might be
	// disabled (mailboxFullConcept's "Mailbox might be disabled, full, or
	// may not exist") are not.
	suspendConcept = concept{
		subjects:   []string{"mailbox", "mail box", "account", "user", "recipient", "addressee"},
		predicates: []string{"disabled", "inactive", "not active", "suspended", "deactivated", "frozen"},
		unless:     []string{"your", "sender", "sending", "relay", "lock file", "cannot lock", "can't lock", "unable to lock", "failed to lock", "could not lock", "login", "password", "authentication", "might be"},
	}
	// An account or user locked (suspendPhrases' "account is locked",
	// "user is locked"): a locked mailbox is a lock on its file while a
	// delivery writes it, the receiving system's (Cyrus lmtpd's "451
	// 4.3.0 Mailbox is locked", IMAP_MAILBOX_LOCKED), not the account's.
	lockedConcept = concept{
		subjects:   []string{"account", "user"},
		predicates: []string{"locked"},
		unless:     suspendConcept.unless,
	}
	// An SPF or DKIM check failed. RFC 7372 §3.1-3.2: x.7.20 "No passing
	// DKIM signature found", x.7.21 "No acceptable DKIM signature found",
	// x.7.22 "No valid author-matched DKIM signature found", x.7.23 "SPF
	// validation failed"; RFC 7208 §8.4 and §8.5, SPF's "fail" and
	// "softfail"; RFC 6376 §6.1, a signature that does not verify
	// (authFailurePhrases' "spf check failed", "dkim did not pass", "spf
	// fail", Gmail's "didn't pass"). A check that could not be made for
	// now (RFC 7208 §8.6 "temperror", a DNS failure) is no failed
	// authentication, nor is the server's own signing failing (chasquid's
	// "451 4.3.0 DKIM signing failed", internal/smtpsrv/conn.go): the
	// unless words.
	authFailureConcept = concept{
		subjects:   []string{"spf", "dkim"},
		predicates: []string{"fail", "fails", "failed", "failure", "softfail", "hardfail", "invalid", "not valid", "did not pass", "didn't pass", "does not pass", "doesn't pass", "not aligned", "not verified", "could not be verified", "verification failed"},
		unless:     []string{"temperror", "temporary", "dns", "timeout", "timed out", "lookup", "try again", "signing"},
	}
	// A limit over a span of time: a rate (RFC 3463 has no code of its
	// own for it; doc.go's speeding, a count per time, as Postfix
	// anvil(8) keeps smtpd_client_message_rate_limit per
	// anvil_rate_time_unit). The words of speedingPhrases' sourced
	// wordings: Baruwa's "you can only send x msgs per x", a postfwd
	// README's "recipients per 5 minutes allowed" and "per hour
	// exceeded", Google's "Daily user sending limit exceeded", Polaris
	// Mail's "daily send limit", Postfix's "too many requests per time
	// unit" wording of its policy services. The limit and the span come
	// in either order ("daily send limit reached", "limit of 400 rcpts
	// per 24 hours"). Connections at once are tooManyConnPhrases', a
	// mailbox's or a message's size a limit of room, and a delivery
	// given up after days the sending MTA's (expired): the unless words.
	rateConcept = concept{
		subjects:   []string{"limit", "limited", "limits", "too many", "exceeded", "exceeds", "quota"},
		predicates: []string{"per hour", "per day", "per minute", "per second", "per time unit", "hourly", "daily", "24-hour", "24 hours", "hour limit", "day limit", "per 24 hours"},
		unless:     []string{"connection", "concurrent", "session", "mailbox", "inbox", "storage", "size", "delivery", "deliver", "queue", "retry", "retried", "expired", "time out", "timeout", "try again in", "greylist"},
		either:     true,
	}
	// Connections at once over a limit: Postfix anvil(8)'s
	// smtpd_client_connection_count_limit ("421 4.7.0 Error: too many
	// connections from x"), Exchange's MaxInboundConnectionPerSource
	// ("maximum number of concurrent connections"), Exchange Online's
	// "Concurrent connections limit exceeded", "too many sessions"
	// (tooManyConnPhrases, each with its source). Subject and limit come
	// in either order ("too many simultaneous connections", "connection
	// limit exceeded"). A rate of new connections is a rate (tooManyConn
	// holds "connection rate", read before), and a connection that
	// failed, timed out or was refused is the network's: the unless words.
	connectionsConcept = concept{
		subjects:   []string{"connections", "connection", "sessions"},
		predicates: []string{"too many", "limit", "limit exceeded", "maximum", "max", "simultaneous", "concurrent", "exceeded"},
		unless:     []string{"rate", "per hour", "per minute", "per second", "time", "timed", "refused", "reset", "lost", "closed", "dropped", "failed", "tls", "ssl", "size", "message", "recipients"},
		either:     true,
	}
	// Mail arriving or sent too quickly: Yahoo's "User is receiving mail
	// too quickly", Google's 450 4.2.1 "The user you are trying to contact
	// is receiving mail too quickly" (both rows of the provider table),
	// mox's "slow down please" beside its rate; a rate, whoever's it is.
	tooQuicklyConcept = concept{
		subjects:   []string{"mail", "email", "emails", "messages", "sending", "receiving"},
		predicates: []string{"too quickly", "too fast"},
		unless:     []string{"connection"},
	}
	// A message over a size limit. RFC 3463 x.3.4 "Message too big for
	// system", x.2.3 "Message length exceeds administrative limit"; RFC
	// 1870 §6's 552 "message size exceeds fixed maximum message size";
	// the words of mesgTooBigPhrases' sourced wordings: "message too
	// large", "message is too long", "attachment is too long" (Chinese
	// providers), Google's "exceeded Google's message size limits" and
	// "message header size limits", qmail-smtpd's "exceeds my databytes
	// limit". A mailbox's room, the recipients' count and a rate are not
	// a message's size, nor is a line's length (RFC 5321 §4.5.3.1.6, the
	// message's form), a header's (Sendmail's "552 5.6.0 Headers too
	// large", its MaxHeadersLength, under RFC 3463's content subject) or
	// a time in the queue (qmail-send's "this message has been in the
	// queue too long"): the unless words. Nor is a limit on the size of
	// the messages being delivered at once, a throttle of the receiving
	// system's (Exchange's "432 4.3.2 STOREDRV.Deliver; max concurrent
	// message size limit exceeded.", its transport's AckReason table).
	sizeConcept = concept{
		subjects:   []string{"message", "messages", "attachment", "attachments", "email", "mail", "data", "body"},
		predicates: []string{"too large", "too big", "too long", "larger than", "bigger than", "maximum size", "maximum message size", "size limit", "size limits", "size exceeds", "size too large", "exceeds the size", "over the size"},
		unless:     []string{"quota", "storage", "recipients", "rate", "per hour", "per day", "line", "lines", "hops", "received", "queue", "header", "concurrent"},
	}
	// The sending MTA gave up: RFC 3463 x.4.7 "Delivery time expired";
	// the words of gaveUpPhrases' sourced wordings: Exim's "retry timeout
	// exceeded", Sendmail's "could not be delivered for 5 days", qmail's
	// "I'm not going to try again". A delivery refused for a quota, a
	// size, a rate or a limit of the receiver is that refusal's: the
	// unless words. Read after every verdict, before the other failures
	// that are nobody's verdict, as gaveUpPhrases are.
	gaveUpConcept = concept{
		subjects:   []string{"delivery", "retry", "retries", "attempts", "delivery attempts", "queue lifetime"},
		predicates: []string{"exhausted", "exceeded", "expired"},
		unless:     []string{"quota", "size", "rate", "limit", "per hour", "per day", "mailbox", "recipients", "hops", "connections"},
	}
	// The sender refused: RFC 3463 x.7.1 "Delivery not authorized,
	// message refused: The sender is not authorized to send to the
	// destination" and x.1.8 "Bad sender's system address"; the words of
	// rejectedPhrases' sourced wordings: Postfix's "Sender address
	// rejected", Coremail's "sender is rejected", "illegal sender",
	// "null sender is not allowed", Sendmail's "sender denied", Baruwa's
	// "the domain x is banned". The sending host (an IP, a server, a
	// rate) and authentication (SPF, DKIM, DMARC, a login) are not the
	// sender's address: the next and unless words. "Sender blocked" alone
	// says the sending host's as often (Mimecast's "421 Sender address
	// blocked", an IP in its Blocked Senders policy; Host Media's "[ESA]
	// Sender blocked"), so "blocked" is no predicate.
	senderConcept = concept{
		subjects:   []string{"sender", "sender's address", "sender address", "sender domain", "sender's domain", "envelope sender", "from address"},
		predicates: []string{"not allowed", "not accepted", "rejected", "refused", "denied", "not permitted", "banned", "forbidden"},
		unless:     []string{"spf", "dkim", "dmarc", "ip", "rate", "limit", "quota", "reputation", "relay", "authentication", "authenticated", "login", "password", "connection"},
		next:       []string{" ip", " host", " server", " mta", " policy framework", " reputation", " score", " rate", "s "},
	}
	// The sending host refused: the words of blockedPhrases' sourced
	// wordings: Postfix's "Client host rejected", "traffic not accepted
	// from this ip", "banned sending ip", "black ip"; a host in an
	// address range of end users, dynamic or residential, that should
	// not send mail straight to an MX, as Spamhaus's Policy Block List
	// lists them (spamhaus.org/pbl). A host named in a Postfix or Exim
	// notice ("host x said:") is only the one that answered, so "host"
	// alone is no subject; a connection that failed is the network's, and
	// an address SPF does not authorize is an authentication failure,
	// and a domain or header named beside the address is what was
	// refused (a cPanel host's "Your IP: x : Your domain x is not allowed
	// in header From"): the unless words.
	clientConcept = concept{
		subjects:   []string{"ip", "ip address", "ip addresses", "ip range", "ip ranges", "your host", "client host", "your server", "your mail server", "netblock"},
		predicates: []string{"blocked", "not allowed", "not accepted", "rejected", "refused", "denied", "banned", "not permitted", "dynamic", "residential", "dial-up", "dialup"},
		unless:     []string{"spf", "dkim", "dmarc", "sender address", "rate", "connections", "reputation", "connect", "timed out", "recipient", "authentication", "domain", "header"},
		either:     true,
	}
	// The sending host refused, named by its address written out: AT&T
	// Worldnet's and BellSouth's "550 <ip> blocked by ldap:ou=rblmx,
	// dc=bellsouth, dc=net", Baruwa's "The sender x.x.x.x is banned",
	// Cloudflare Email Routing's "554 <ip> found on one or more RBLs",
	// web.de's "550-<ip> , Your e-mail service was detected by
	// mx-ha.web.de (NiX Spam)" (blockedPhrases, each with its source): the
	// address is the subject, clientConcept's predicates what is said of
	// it, after it only ("refused by 192.0.2.1" names the host that
	// refused). The host that answered, named in qmail-remote's notice
	// ("Connected to 192.0.2.1 but sender was rejected.", "... but my
	// name was rejected."), is not the one refused, nor is a sender's
	// address, and clientConcept's unless words hold here too. A connection refused after the address is one
	// to it that failed (mox's "dial tcp 127.0.0.1:25: connect: connection
	// refused", testdata/gomta/mox; "connect to" before it, Postfix
	// smtp(8)'s); said before it ("Connection refused - <ip> blocked by
	// ..."), the server's own words, it does not void the refusal.
	clientAddressConcept = concept{
		addresses:   true,
		predicates:  []string{"blocked", "not allowed", "not accepted", "rejected", "refused", "denied", "banned", "not permitted"},
		unless:      []string{"connected to", "spf", "dkim", "dmarc", "sender", "rate", "connections", "reputation", "connect to", "timed out", "recipient", "authentication", "domain", "header"},
		unlessAfter: []string{"connect"},
	}
	// The recipient unknown: RFC 3463 x.1.1 "Bad destination mailbox
	// address: The mailbox specified in the address does not exist";
	// the words of userUnknownPhrases' sourced wordings: qmail-local's
	// "Sorry, no mailbox here by that name", Domino's "not listed in
	// public Name & Address Book", Coremail's "User not found", Dovecot
	// LMTP's "User doesn't exist", Postfix's "User unknown", Exchange's
	// "recipient not found". Read as those phrases are, placed by the
	// status, the stage and the reply's shape (adjust). A domain, host,
	// route or DNS name not found is the domain's (hostUnknownPhrases),
	// a sender's address the sender's, credentials, keys and syntax
	// not an address at all: the unless words. "Invalid" is no
	// predicate: a mailbox's file can be invalid too (Cyrus lmtpd's "451
	// 4.2.0 Mailbox has an invalid format", the receiving system's), nor
	// a mailbox that only "may not exist" among other things it might be
	// (mailboxFullConcept's "Mailbox might be disabled, full, or may not
	// exist").
	userUnknownConcept = concept{
		subjects:   []string{"user", "recipient", "mailbox", "account", "addressee", "local part"},
		predicates: []string{"not found", "not listed", "does not exist", "doesn't exist", "not exist", "by that name", "unknown", "not known"},
		unless:     []string{"domain", "host", "sender", "mx", "dns", "route", "too many", "invalid recipients", "reverse", "ptr", "helo", "certificate", "dkim", "spf", "signature", "authentication", "password", "login", "credentials", "syntax", "command", "your", "might be"},
	}
	// Relaying refused. The words of noRelayingPhrases' sourced wordings:
	// "relaying denied" (Sendmail), "relay access denied" (Postfix),
	// "relay not permitted" (Exim), "relaying not allowed", "relay traffic
	// prohibited", "relay disabled", "mail relay denied", "relay operation
	// rejected"; RFC 5321 §3.6.2 and §7.9, a server that takes mail for
	// others' domains only from clients it relays for.
	noRelayingConcept = concept{
		subjects:   []string{"relay", "relaying"},
		predicates: []string{"denied", "not permitted", "not allowed", "prohibited", "disabled", "rejected", "refused", "forbidden", "not authorized", "not authorised"},
		unless:     []string{"connect"},
		next:       []string{" host", " server", " service", " smtp", " mta", " to ", " through", " via", " of "},
	}
)

// wormWord finds "worm" as a word of its own or a part of a signature's
// name ("Win.Worm.Mydoom"), not inside another word ("wormhole"): CARO's
// type Worm (virusPhrases).
func wormWord(text string) bool {
	return anyAt(text, "worm", func(at int) bool {
		return (at == 0 || !isWordByte(text[at-1])) && wordEnd(text, at+4)
	})
}
