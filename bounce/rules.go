package bounce

import (
	"net/netip"
	"strings"
	"sync"
)

// A detector recognises one reason from the words of a diagnostic. Phrases
// are lower case and matched against the diagnostic after it has been lower
// cased and its runs of white space folded into one space. A phrase may hold
// " * " meaning "anything, up to 60 characters, in between".
type detector struct {
	reason  Reason
	phrases []string
	// keys are the phrases' byte-pair keys for the bigram prefilter,
	// computed once by compile.
	keys [][3]uint16
	// unless are phrases that veto the detector: wording of another
	// reason that contains one of its phrases.
	unless []string
	// also, when set, is one more test of the text beyond phrases.
	also func(text string) bool
	// veto, when set, is one more test that vetoes the detector.
	veto func(text string) bool
	// statuses are enhanced status codes (without the class digit, as
	// ".2.2") that mean this reason whatever the text says.
	statuses []string
}

// rules is the immutable table every Classify and Parse call shares. It is
// built once, on first use, and never modified.
type rules struct {
	// specific detectors run first, in order; they combine a status code
	// with wording.
	specific []detector
	// general detectors run when no specific detector matched and the
	// status code alone does not decide.
	general []detector
	// byStatus maps a subject.detail status (".1.1") to a reason.
	byStatus map[string]Reason
	// vacation recognises auto-reply wording.
	vacation detector
	// expired recognises a sending MTA giving up, whatever else the
	// text quotes.
	expired detector
}

// providerCodes are codes that mail providers document for their
// refusals, each with the meaning the provider's postmaster pages give it.
// They are matched in the folded (lower-case) diagnostic and decide before
// any other rule: the provider said exactly why.
var providerCodes = []struct {
	code   string
	reason Reason
}{
	// Orange (orange.fr, wanadoo.fr) "550 5.2.0 Mail rejete. Mail
	// rejected. ofr_506": the message was refused by Orange's content
	// filter as spam.
	{"ofr_506", SpamDetected},
	// Orange "421 ... OFR004_104": too many connections from the IP.
	{"ofr004_104", TooManyConn},
	// Yahoo "554 delivery error: dd This user doesn't have a yahoo.com
	// account": the mailbox does not exist. Yahoo gives it after DATA,
	// so the command does not make it a filter's verdict.
	{"delivery error: dd this user doesn't have a", UserUnknown},
	// Yahoo "[TS01]", "[TS02]", "[TSS04]": mail from the IP is deferred
	// for unusual traffic or user complaints, a reputation verdict.
	{"[ts01]", BadReputation}, {"[ts02]", BadReputation}, {"[tss04]", BadReputation},
}

var loadRules = sync.OnceValue(buildRules)

func buildRules() *rules {
	r := &rules{
		// RFC 3463 §3.3–3.9 subject/detail codes, and widely deployed
		// extensions (RFC 7505 null MX 5.1.10, RFC 7372 auth codes).
		byStatus: map[string]Reason{
			".1.1": UserUnknown, ".1.2": HostUnknown, ".1.3": UserUnknown,
			".1.4": UserUnknown, ".1.5": UserUnknown, ".1.6": HasMoved,
			".1.7": Rejected, ".1.8": Rejected, ".1.9": Rejected,
			".1.10": NotAccept,
			".2.1":  Suspend, ".2.2": MailboxFull, ".2.3": ExceedLimit,
			".2.4": SystemError,
			".3.1": SystemFull, ".3.2": NotAccept, ".3.3": SystemError,
			".3.4": MesgTooBig, ".3.5": SystemError,
			".4.1": Expired, ".4.2": NetworkError, ".4.3": SystemError,
			".4.4": HostUnknown, ".4.5": NetworkError, ".4.6": NetworkError,
			".4.7": Expired,
			".5.1": SyntaxError, ".5.2": SyntaxError, ".5.3": ExceedLimit,
			".5.4": SyntaxError, ".5.5": SyntaxError, ".5.6": SyntaxError,
			".6.0": ContentError, ".6.1": ContentError, ".6.2": ContentError,
			".6.3": ContentError, ".6.4": ContentError, ".6.5": ContentError,
			".6.6": ContentError, ".6.7": ContentError, ".6.8": ContentError,
			".6.9": ContentError, ".6.10": ContentError,
			".7.1": Blocked, ".7.2": SystemError, ".7.3": SystemError,
			".7.4": SecurityError, ".7.5": SecurityError, ".7.6": SecurityError,
			".7.7": SecurityError, ".7.8": SecurityError, ".7.9": PolicyViolation,
			".7.10": SecurityError, ".7.11": SecurityError, ".7.12": SecurityError,
			".7.13": Suspend, ".7.14": SecurityError, ".7.15": SecurityError,
			".7.16": SecurityError, ".7.17": SecurityError, ".7.18": SecurityError,
			".7.19": SecurityError, ".7.20": AuthFailure, ".7.21": AuthFailure,
			".7.22": AuthFailure, ".7.23": AuthFailure, ".7.24": AuthFailure,
			".7.25": RequirePTR, ".7.26": AuthFailure, ".7.27": NotAccept,
			".7.28": Speeding, ".7.29": AuthFailure, ".7.30": AuthFailure,
		},
	}
	r.specific = []detector{
		{reason: Expired, statuses: []string{".4.7"}},
		{reason: MailboxFull, statuses: []string{".2.2"}, phrases: mailboxFullPhrases},
		{reason: ExceedLimit, statuses: []string{".2.3"}, phrases: exceedLimitPhrases},
		{reason: MesgTooBig, statuses: []string{".3.4"}, phrases: mesgTooBigPhrases},
		{reason: Suspend, statuses: []string{".7.13"}, phrases: suspendPhrases},
		{reason: HasMoved, statuses: []string{".1.6"}, phrases: hasMovedPhrases},
		{reason: SecurityError, phrases: authRequiredPhrases},
		{reason: NoRelaying, phrases: noRelayingPhrases},
		{reason: AuthFailure, statuses: []string{".7.20", ".7.21", ".7.22", ".7.23", ".7.24", ".7.26", ".7.29", ".7.30"}, phrases: authFailurePhrases},
		{reason: UserUnknown, statuses: []string{".1.1", ".1.3", ".1.4", ".1.5"}, phrases: userUnknownPhrases,
			unless: []string{"domain does not exist", "domain not found", "no such domain", "domain name not found", "domain doesn't exist"},
			veto:   hostDoesNotExist},
		{reason: Filtered, phrases: filteredPhrases},
		{reason: RequirePTR, statuses: []string{".7.25"}, phrases: requirePTRPhrases, also: nameIsNotAddr},
		{reason: NotCompliantRFC, phrases: notCompliantPhrases},
		{reason: BadReputation, phrases: badReputationPhrases},
		{reason: ContentError, phrases: contentErrorPhrases},
		{reason: Rejected, statuses: []string{".1.7", ".1.8"}, phrases: rejectedPhrases},
		{reason: NotAccept, phrases: notAcceptPhrases},
		{reason: HostUnknown, statuses: []string{".1.2"}, phrases: hostUnknownPhrases,
			unless: []string{"not found, try again"}, // Postfix: a temporary DNS failure
			also:   hostDoesNotExist},
		{reason: SpamDetected, phrases: spamPhrases,
			unless: []string{"spamhaus", "spamcop", "blocked using", "dnsbl", "blacklisted", "blocklisted"}}, // lists of hosts, not content
		{reason: Speeding, phrases: speedingPhrases},
		{reason: TooManyConn, phrases: tooManyConnPhrases},
		{reason: Blocked, phrases: blockedPhrases},
	}
	r.general = []detector{
		{reason: VirusDetected, phrases: virusPhrases},
		{reason: PolicyViolation, phrases: policyPhrases},
		{reason: SystemError, phrases: systemErrorPhrases},
		{reason: NetworkError, phrases: networkErrorPhrases},
		{reason: SystemFull, phrases: systemFullPhrases},
		{reason: Expired, phrases: expiredPhrases},
		{reason: FailedSTARTTLS, phrases: failedSTARTTLSPhrases},
		{reason: SecurityError, phrases: securityErrorPhrases},
		{reason: MailerError, phrases: mailerErrorPhrases},
		{reason: SyntaxError, phrases: syntaxErrorPhrases},
	}
	for i := range r.specific {
		r.specific[i].compile()
	}
	for i := range r.general {
		r.general[i].compile()
	}
	r.vacation = detector{reason: Vacation, phrases: vacationPhrases}
	r.expired = detector{reason: Expired, phrases: gaveUpPhrases}

	return r
}

// match reports whether the folded, lower-cased text holds one of the
// detector's phrases.
func (d *detector) match(text string) bool {
	return d.matchIn(text, nil)
}

// matchIn is match with an optional bigram index of text that lets most
// phrases be ruled out without a search.
func (d *detector) matchIn(text string, ix *bigrams) bool {
	if d.also != nil && d.also(text) {
		return true
	}
	for i, p := range d.phrases {
		if ix != nil && i < len(d.keys) && !ix.hasKeys(d.keys[i]) {
			continue
		}
		if matchPhrase(text, p) {
			if d.veto != nil && d.veto(text) {
				return false
			}
			for _, u := range d.unless {
				if strings.Contains(text, u) {
					return false
				}
			}
			return true
		}
	}
	return false
}

func (d *detector) hasStatus(sd string) bool {
	for _, s := range d.statuses {
		if s == sd {
			return true
		}
	}
	return false
}

// matchPhrase finds p in text; " * " in p matches up to 60 characters.
func matchPhrase(text, p string) bool {
	first, rest, wild := strings.Cut(p, " * ")
	if !wild {
		return strings.Contains(text, p)
	}
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], first)
		if i < 0 {
			return false
		}
		after := text[off+i+len(first):]
		window := after
		if len(window) > 60+len(rest) {
			window = window[:60+len(rest)]
		}
		if matchPhrase(window, rest) {
			return true
		}
		off += i + 1
	}
	return false
}

var mailboxFullPhrases = []string{
	"mailbox full", "mailbox is full", "mailbox exceeds", "mailbox size limit exceeded", "mailbox has exceeded",
	"mailbox quota", "mailbox over quota", "mailbox is over quota", "over quota", "overquota",
	"quota exceeded", "quota exceed", "exceeded storage allocation", "exceeded their storage",
	"exceeds its storage", "user's mailbox is over", "mailbox would exceed", "disk quota exceeded",
	"maildir over quota", "insufficient disk space", "user is over quota", "user is over the quota",
	"is over the allowed quota", "mail box full", "mailfolder is full", "mailbox limit exceeded",
	"mail quota exceeded", "account is full", "inbox is full", "recipient's mailbox is full",
	"exceed the quota", "exceeds quota", "exceeded quota", "over the storage", "storage quota",
	"not enough storage space", "mailbox exceeded", "is full and can't receive",
	"mailboxfull", "mailbox has insufficient", "too much mail data", "no space left for this user",
	"user has exceeded", "the user's space has been used up", "exceeding its mailbox limit",
	"mailbox is currently full", "full mailbox", "quota for this user", "mailbox not enough space",
	"insufficient storage", "not enough space in the mailbox", "mailbox size exceeded", "quota has been exceeded", "reached their quota", "is over its quota", "storage limit", "mailbox has exceeded the limit", "postfach voll",
}

var mesgTooBigPhrases = []string{
	"message too large", "message is too large", "message too big", "message size exceeds",
	"message exceeds maximum", "exceeds maximum message size", "size exceeds the maximum",
	"message file too big", "exceeded maximum message size", "message length exceeds administrative",
	"email is too large", "mail size limit exceeded", "message size limit exceeded",
	"size of the message exceeds", "exceeds fixed maximum message size", "maximum message size exceeded",
	"the message you tried to send was too large", "message exceeds the maximum size",
	"your message was too big",
}

var exceedLimitPhrases = []string{
	"message too large for this recipient", "message length exceeds limit set by recipient",
	"recipsizelimit", "message exceeds the size limit of the recipient",
	"too many messages for this user", "daily limit for this recipient",
}

var suspendPhrases = []string{
	"account has been disabled", "account is disabled", "account disabled", "account has been suspended",
	"account is suspended", "account suspended", "mailbox is disabled", "mailbox disabled",
	"mailbox is inactive", "account is inactive", "account inactive", "mailbox is frozen",
	"mailbox has been frozen", "recipient suspended", "the email account that you tried to reach is disabled",
	"has been disabled", "disabled recipient", "temporarily locked", "temporary locked",
	"account locked", "account is locked", "account has been locked", "mailbox unavailable or access denied",
	"is not active", "deactivated", "suspended due to inactivity", "account expired", "mailbox is not active",
	"boite du destinataire archivee", "this account has been temporarily suspended",
	"user suspended", "mailbox currently suspended",
	"disabled or discontinued", "account has been deactivated", "recipient mailbox is inactive", "address is disabled", "account is not available", "this account is no longer active", "mailbox has been disabled",
}

var hasMovedPhrases = []string{
	"has been replaced by", "recipient no longer on server", "address has moved", "has moved to",
	"no longer at this address", "user has moved", "address has changed",
}

var noRelayingPhrases = []string{
	"relay access denied", "relaying denied", "relay denied", "relaying not permitted",
	"relay not permitted", "relaying is not allowed", "relay not allowed", "we do not relay",
	"not permitted to relay", "unable to relay", "relaying mail to * is not allowed",
	"is not permitted to relay", "relay prohibited", "no relaying", "not local host",
	"550 5.7.1 unable to relay", "relay rejected", "not relayed", "relaying not allowed",
	"domain isn't in my list of allowed rcpthosts", "not configured to relay", "email address is not verified", "identities failed the check", "this mail server requires authentication when attempting to send to a non-local",
}

var authFailurePhrases = []string{
	"spf check failed", "spf failure", "spf fail", "spf validation", "spf record", "spf: ",
	"sender policy framework", "bad spf", "fails spf", "failed spf", "did not pass spf", "not pass spf",
	"dkim validation", "dkim signature", "dkim check failed", "failed dkim", "dkim failure",
	"dmarc policy", "per dmarc", "dmarc verification", "dmarc check", "failed dmarc", "dmarc failure",
	"dmarc reject", "unauthenticated email", "does not have authentication information",
	"fails to pass authentication checks", "authentication checks (spf",
	"is not designated to send", "is not allowed to send mail from", "not authorized to send on behalf",
	"email was rejected due to dkim", "5.7.26", "5.7.509", "5.7.23", "domain authentication fail",
}

var userUnknownPhrases = []string{
	"user unknown", "unknown user", "no such user", "no such mailbox", "no such recipient",
	"no such account", "user not found", "user does not exist", "user doesn't exist", "user not exist",
	"mailbox not found", "mailbox does not exist", "mailbox doesn't exist", "mailbox unavailable",
	"recipient unknown", "unknown recipient", "recipient not found", "recipient does not exist",
	"invalid recipient",
	"invalid mailbox", "bad recipient", "address unknown", "unknown address", "addressee unknown",
	"does not exist", "doesn't exist", "not our user", "no mailbox", "account does not exist",
	"account doesn't exist", "recipnotfound", "no account by that name", "is not a valid mailbox",
	"is not a known user", "unknown local part", "unknown local-part", "unrouteable address",
	"unroutable address", "sorry, no mailbox here by that name", "no mailbox here by that name",
	"email address could not be found", "address not found", "address does not exist",
	"this user doesn't have a", "unknown or illegal alias", "invalid address",
	"user is unknown", "name is not recognized", "unknown email address", "no such person",
	"mailbox not available", "does not have an account", "not a valid user", "invalid user",
	"user not local", "no valid recipients", "unknown recipient address", "user account is unavailable",
	"is not a valid e-mail address", "recipient is not", "no such local user", "unknown mailbox",
	"mailbox is unavailable", "requested action not taken: mailbox unavailable",
	"the email account that you tried to reach does not exist", "recipient rejected", "address couldn't be found",
	"destinataire invalide", "adresse d au moins un destinataire invalide", "no such address",
	"user invalid", "address invalid", "delivery error: dd this user",
	"unknown user account", "mailbox name not allowed", "no such e-mail address", "account not found",
	"user missing home directory", "not a valid recipient",
	"could not be delivered to * because the address * not found",
	"no mailbox by that name", "user not known", "not a local address", "there is no one at this address", "this address no longer accepts mail", "no such address here", "wrong or no longer valid", "is not an active address", "mailbox invalid", "mailbox not present", "not present in directory", "unknown e-mail address", "non-existent user", "nonexistent user", "badrcptto", "validrcptto", "no mailbox found", "destination addresses were unknown", "invalid mailbox path", "recipient is not local", "user does not have an account", "account unavailable", "utilisateur inconnu", "usuario desconocido", "benutzer unbekannt", "unbekannter empfänger", "no existe",
}

var filteredPhrases = []string{
	"due to extended inactivity new mail is not currently being accepted",
	"because the recipient is only accepting mail from specific email addresses",
	"refused by recipient's filter", "rejected by recipient's filter", "has restricted sms e-mail",
	"recipient has restricted", "is not accepting mail from this sender", "message filtered",
	"rejected by user filter", "blocked by recipient", "sender is blocked by recipient",
	"mail refused by recipient",
}

var requirePTRPhrases = []string{
	"reverse dns", "rdns", "no ptr record", "ptr record", "cannot find your hostname",
	"cannot resolve your address", "client host rejected: cannot find your reverse hostname",
	"cannot find your reverse hostname", "reverse lookup", "reverse hostname", "no reverse",
	"ip name lookup failed", "reverse address", "not resolve your hostname", "hostname does not resolve",
	"valid ptr", "fix reverse dns", "without a valid sender domain", "name lookup failed",
	"unresolvable relay host name", "mismatches client ip", "does not resolve to address",
}

var notCompliantPhrases = []string{
	"this message is not rfc 5322 compliant", "not rfc 5322 compliant", "rfc 5322",
	"messages with multiple addresses in from: header are not accepted",
	"multiple addresses in from", "rfc 2822", "rfc2822",
	"duplicate header", "is not compliant with rfc", "bare lf", "bare linefeed",
}

var badReputationPhrases = []string{
	"low reputation", "poor reputation", "ip reputation", "sender reputation", "domain reputation",
	"bad reputation", "reputation of the sending", "has been temporarily rate limited due to ip reputation",
	"our system has detected an unusual rate of unsolicited mail", "tss04",
	"unusual rate of unsolicited mail",
}

var contentErrorPhrases = []string{
	"improper use of 8-bit data", "message header size exceeds limit", "headers too large",
	"malformed message", "message is malformed", "invalid header", "header line too long",
	"illegal header", "line too long", "8-bit data in message header", "invalid mime",
	"mime error", "bad message content",
	"message has bare cr", "too many headers", "header too long", "header size exceeds",
}

var rejectedPhrases = []string{
	"sender rejected", "sender address rejected", "sender verify failed", "sender domain not found",
	"sender domain does not exist", "sender address does not exist", "domain of sender address",
	"sender not allowed", "sender is not allowed", "address of sender", "sender denied",
	"unknown sender", "send mail as", "not a member", "permission to post", "groups.google.com", "not allowed to post", "invalid sender", "bad sender",
	"sender blacklisted", "sender is blacklisted", "sender is on", "sender unknown",
	"from address rejected", "rejected sender", "return path", "return-path", "mail from address",
	"envelope sender", "blocked sender", "sender has been blocked", "your address has been blocked",
	"sender email address rejected", "reject by sender",
	"domain of your sender address", "your envelope sender has been denied", "an address that has been blacklisted",
	"sender address not valid", "sender address is not valid", "mail from: rejected",
	"unauthorized sender", "sender verification failed", "cannot verify sender",
	"you are not allowed to send", "sending address not accepted",
	"we do not accept mail from", "sender was rejected", "purported responsible address", "provide a valid from", "from: domain is invalid",
}

var hostUnknownPhrases = []string{
	"host unknown", "host not found", "unknown host", "host or domain name not found",
	"name service error", "domain not found", "domain does not exist", "no such domain",
	"unknown domain", "domain unknown", "invalid domain", "domain is not reachable",
	"domain name not found", "mx lookup failed", "could not resolve domain",
	"unrouteable mail domain", "unroutable mail domain", "recipient domain does not exist",
	"nxdomain", "domain not exist", "unable to route", "all relevant mx records point to non-existent hosts",
	"this domain is not hosted here", "domain isn't in my list of allowed", "recipient domain not found",
	"no valid mx", "dns error: ", "not a valid domain", "the domain part",
	"no such host", "name or service not known", "host name lookup failure", "hostname lookup failure", "unknown domain name", "domain must exist", "no address associated with",
}

var spamPhrases = []string{
	"spam", "junk mail", "unsolicited", "bulk mail", "bulk email", " ube", "ube,", "content filter",
	"message content rejected",
	"identified as junk", "rejected as junk", "classified as junk", "looks like spam",
	"suspicious", "message score", "score too high", "high probability of spam", "phishing",
	"rejected due to content", "content rejected", "message filtered", "considered junk",
	"barracuda", "this message has been blocked",
	"detected as spam", "spam filter", "spamassassin", "considered as spam", "spam score", "message looks like spam",
}

var speedingPhrases = []string{
	"rate limit", "ratelimit", "rate-limit", "too fast", "sending too", "temporarily deferred due to unexpected volume",
	"exceeded the rate", "rate exceeded", "too many recipients this hour", "per hour", "this hour", "please slow down", "throttl",
	"too many messages", "temporarily rate limited", "unusual rate",
	"messages per hour", "sending limit", "sending quota", "too many emails", "exceeded the limit of",
}

var tooManyConnPhrases = []string{
	"too many connections", "too many concurrent", "connection limit", "too many smtp sessions",
	"too many simultaneous", "too many sessions", "too many hosts", "too many recipients",
	"too many errors from your ip", "frequency limited", "maximum connections", "connection count", "exceeded the maximum number of connections",
	"all available ports are in use", "throttling failure",
	"too many messages in this connection", "too many concurrent connections",
}

var blockedPhrases = []string{
	"blocked using", "blacklisted", "blocklisted", "blacklist", "blocklist", "dnsbl", "listed in",
	"listed on", "spamhaus", "spamcop", "sorbs", "client host rejected", "client host blocked",
	"ip address blocked", "your ip", "ip blocked", "is blocked", "has been blocked", "service refuse",
	"connection refused", "connection rejected", "not allowed to connect", "please use the smtp server of your isp", "my name was rejected",
	"dynamic ip", "open relay", "block list", "dial-up", "dialup", "residential", "open proxy", "banned", "host rejected",
	"client not authorized", "service not available",
	"you are not allowed", "reject by ip", "rejected because of your ip", "sender ip",
	"your network", "your server", "your host", "blocked - see", "poor reputation",
	"refused to talk to me", "we do not accept mail from", "unauthorized connection", "not accepted here",
	"rejected for policy reasons",
	"messages from * temporarily deferred", "mail from * refused",
	"ip address has been", "rejected due to ip", "barracudacentral", "spam sources", "bad ip", "ip address is listed", "your ip address", "blocked by the recipient's server", "rejected because the sending", "connection from your host is denied",
}

var virusPhrases = []string{
	"virus", "malware", "infected", "trojan", "worm detected", "contains a virus",
}

var policyPhrases = []string{
	"policy violation", "local policy", "policy reason", "violates our policy", "violation of policy",
	"policy rejection", "by policy", "content policy", "for policy reasons", "message not accepted for policy",
	"policy restrictions", "email policy", "due to policy", "mail policy", "header error",
	"dmarc", "this message was not accepted due to domain", "blocked because its content", "content presents a potential security issue", "protocol violation", "denied by policy", "network not allowed",
	"not allowed by policy", "rejected by policy", "policy restriction",
}

var systemErrorPhrases = []string{
	"system error", "internal error", "server error", "local error", "server configuration problem",
	"mail system problem", "system problem", "other mail system problem", "mail server temporarily rejected",
	"could not load drd", "service currently unavailable", "service temporarily unavailable",
	"resources temporarily unavailable", "error in processing", "local configuration error",
	"requested action aborted", "internal server",
	"duplicated message-id", "duplicate message-id", // a list manager's loop protection
}

var networkErrorPhrases = []string{
	"connection timed out", "connection refused", "connection reset", "network error",
	"network is unreachable", "no route to host", "could not connect", "unable to connect",
	"can't connect", "cannot connect", "lost connection", "timed out", "timeout", "dns lookup",
	"name server", "temporary dns", "dns error", "host is unreachable", "connection dropped",
	"read error", "broken pipe", "mail loop", "loop detected", "routing loop", "too many hops",
	"hop count exceeded", "hop count", "name service error", "host not found, try again",
	"network is down", "couldn't connect", "no answer from host",
}

var systemFullPhrases = []string{
	"disk full", "disk is full", "insufficient system storage", "mail system full",
	"out of disk space", "no space left on device", "system storage", "file system full",
}

var notAcceptPhrases = []string{
	"does not accept mail", "doesn't accept mail", "not accepting mail", "accepts no mail",
	"null mx", "no mail is accepted", "mail not accepted", "host does not accept",
	"does not receive mail", "not accept any mail", "not accepting any mail", "no smtp service",
	"doesn't receive email", "does not receive email", "no mx record found", "null mx",
	"couldn't find a mail exchanger or ip address",
	"does not accept e-mail", "does not accept email", "domain does not accept",
}

var expiredPhrases = []string{
	"message expired", "delivery time expired", "retry time exceeded", "retry timeout exceeded",
	"has been delayed", "could not be delivered for", "was not delivered within", "gave up",
	"giving up", "too long in queue", "queue too long", "delivery expired", "expired after",
	"max delivery time", "message timed out", "undeliverable within", "has expired",
	"delivery attempts have failed", "timeout waiting", "time expired", "retry period",
	"been unable to deliver", "could not deliver for", "unable to deliver in",
	"delivery temporarily suspended", "could not be delivered within",
}

var failedSTARTTLSPhrases = []string{
	"starttls", "tls is required", "tls required", "must issue a starttls", "requires tls",
	"tls negotiation failed", "tls handshake", "does not support tls", "support starttls",
}

var securityErrorPhrases = []string{
	"authentication required", "authentication failed", "auth failed", "must be authenticated",
	"not authenticated", "authentication is required", "authorization failed", "invalid credentials",
	"authrequired", "sender not authenticated", "security", "tls", "certificate",
	"user not authenticated", "submission not allowed", "access denied",
}

var mailerErrorPhrases = []string{
	"command output", "procmail", "x-unix", "pipe to", "mailer error", "local delivery failed",
	"unknown mailer error", "exit status", "command died", "mail transport unavailable",
	"delivery failed: exit", "program error",
}

var vacationPhrases = []string{
	"out of office", "out of the office", "on vacation", "on holiday", "i am away", "i'm away",
	"away from the office", "away from my desk", "auto-reply", "autoreply", "automatic reply",
	"auto reply", "vacation", "absent", "abwesend", "abwesenheit", "absence", "congé", "conges",
	"i will be out", "i am currently out", "i'm currently out", "limited access to email",
	"will return on", "back in the office", "annual leave", "parental leave", "maternity leave",
}

var gaveUpPhrases = []string{
	"message expired", "retry timeout exceeded", "all hosts have been failing",
	"did not accept our requests to connect", "could not be delivered for", "delivery time expired",
	"unable to deliver in", "message timed out", "was not delivered within", "could not deliver for",
	"too long in queue", "delivery expired", "max delivery time", "retry time exceeded",
	"not able to deliver for", "has been queued for too long", "in the queue too long",
	"expired after", "could not be delivered within", "delivery attempts will continue",
	"will be retried", "will continue to be", "still trying", "warning message only",
	"delivery has been delayed", "has not yet been delivered", "was aborted after", "delivery to the following recipients has been delayed",
}

var authRequiredPhrases = []string{
	"unauthenticated senders", "authentication required", "authentication is required",
	"must be authenticated", "authrequired", "smtp authentication", "sender not authenticated", "access denied'",
}

var syntaxErrorPhrases = []string{
	"syntax error", "command parameter not implemented", "command not implemented", "command unrecognized",
	"command not recognized", "bad sequence of commands", "unrecognized command", "parameter not implemented",
	"line too long for smtp",
}

// hostDoesNotExist matches "<host.name> does not exist": a domain, not a
// mailbox, named as missing.
func hostDoesNotExist(text string) bool {
	return anyAt(text, " does not exist", func(at int) bool {
		word := text[strings.LastIndexByte(text[:at], ' ')+1 : at]
		word = strings.Trim(word, "<>'\"")
		return strings.Count(word, ".") >= 1 && !strings.Contains(word, "@") && len(word) > 3 &&
			strings.IndexFunc(word, isLetter) >= 0
	})
}

// nameIsNotAddr matches "<host.name> is not <IPv4 address>": the server
// looked the sending host's or sender domain's name up and it does not
// lead to the connecting address, the forward-confirmed reverse DNS check
// (RFC 8601 §3's iprev; Postfix words it "hostname x does not resolve to
// address y").
func nameIsNotAddr(text string) bool {
	return anyAt(text, " is not ", func(at int) bool {
		name := text[strings.LastIndexByte(text[:at], ' ')+1 : at]
		addr := text[at+len(" is not "):]
		if j := strings.IndexAny(addr, " ,;)]"); j >= 0 {
			addr = addr[:j]
		}
		addr = strings.TrimSuffix(strings.TrimPrefix(addr, "["), ".")
		if strings.Count(name, ".") == 0 || strings.Contains(name, "@") || strings.IndexFunc(name, isLetter) < 0 {
			return false
		}
		ip, err := netip.ParseAddr(addr)
		return err == nil && ip.Is4()
	})
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' }

// bigrams records which byte pairs occur in a text: a phrase with a pair
// the text lacks cannot be in it.
type bigrams [1024]uint64 // 65536 bits

func (b *bigrams) index(text string) {
	for i := 0; i+1 < len(text); i++ {
		k := uint16(text[i])<<8 | uint16(text[i+1])
		b[k>>6] |= 1 << (k & 63)
	}
}

// compile computes each phrase's prefilter keys: the first, middle and last
// byte pairs of its first literal part.
func (d *detector) compile() {
	d.keys = make([][3]uint16, len(d.phrases))
	for i, p := range d.phrases {
		if j := strings.Index(p, " * "); j >= 0 {
			p = p[:j]
		}
		if len(p) < 2 {
			p = "  " // always present in folded text with spaces; a harmless key
		}
		m := len(p) / 2
		if m+1 >= len(p) {
			m = len(p) - 2
		}
		key := func(x, y byte) uint16 { return uint16(x)<<8 | uint16(y) }
		d.keys[i] = [3]uint16{key(p[0], p[1]), key(p[m], p[m+1]), key(p[len(p)-2], p[len(p)-1])}
	}
}

// hasKeys reports whether all three byte pairs occur in the text.
func (b *bigrams) hasKeys(k [3]uint16) bool {
	for _, x := range k {
		if b[x>>6]&(1<<(x&63)) == 0 {
			return false
		}
	}
	return true
}
