package bounce

import (
	"net/netip"
	"slices"
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
	// client marks wording that, said to the greeting or EHLO, refuses
	// the client: the reason is then Blocked.
	client bool
	// sender marks wording that, said to MAIL FROM, refuses the sender's
	// address: the reason is then Rejected.
	sender bool
	// status, when set, lists the status subject.details (".4.1") the
	// detector reads under: wording a provider gives its own meaning
	// under its own code only.
	status []string
}

// rules is the immutable table every Classify and Parse call shares. It is
// built once, on first use, and never modified. How its parts combine is
// rules.reason's procedure, documented in the package documentation.
type rules struct {
	// wording holds the phrase detectors in their order of precedence.
	wording []detector
	// local are the detectors read first in a local delivery program's
	// output: a quota, a full disk, then the program's failure.
	local []detector
	// byStatus maps a subject.detail status (".1.1") to the reason its
	// registered meaning names.
	byStatus map[string]Reason
	// vacation recognises auto-reply wording.
	vacation detector
	// ptr is the wording's reverse DNS detector, to which x.1.8 defers.
	ptr *detector
	// providers holds providerCodes' codes, in their order, as phrases
	// with the bigram prefilter's keys.
	providers detector
	// bodies and delays hold bounceBodies and delayPhrases with their
	// keys, for the long notices classifyOther reads them in.
	bodies, delays detector
}

// providerCodes are codes that mail providers document for their refusals,
// each with the meaning the provider's page gives it. They are matched in the
// folded (lower-case) diagnostic and decide before any other rule: the
// provider said exactly why.
var providerCodes = []struct {
	code   string
	reason Reason
}{
	// Orange: "550 5.2.0 Mail rejete. Mail rejected. ofr_506" is its content
	// filter's spam verdict, and OFR004_104 "Trop de connexions ... Too many
	// connections, slow down" (Orange's OFR codes as listed at
	// bentonow.com/smtp-errors/orange).
	{"ofr_506", SpamDetected},
	{"ofr004_104", TooManyConn},
	// Yahoo: "554 delivery error: dd This user doesn't have a yahoo.com
	// account" (Yahoo Help SLN3444: the user ID does not exist; Yahoo
	// gives it after DATA, so the command does not make it a filter's
	// verdict), and "[TSS04] Messages from x temporarily deferred due to
	// unexpected volume or user complaints" (smtp.codes/yahoo; Yahoo's
	// sender hub, error codes): a reputation verdict, as are [TS01] and
	// [TS02] of the same family.
	{"delivery error: dd this user doesn't have a", UserUnknown},
	// The same family's "554: delivery error: dd Not a valid recipient -
	// atlas117.free.mail.ne1.yahoo.com" in Yahoo's "Failure Notice" for an
	// address it has no account for (deltachat-core-rust,
	// test-data/message/yahoo_ndn.eml, test_parse_ndn_yahoo).
	{"delivery error: dd not a valid recipient", UserUnknown},
	// [TS01] and [TS02]: Yahoo's graded temporary blocks of a sending IP
	// as a sender describes them (blog.deliverability.com, 2008/09,
	// "[TS01] -> [TS02] -> regular deferred message"); Yahoo's own pages
	// found document only [TS03] and [TSS04]. [TS03], "421 4.7.1 [TS03]
	// All messages from x.x.x.x permanently deferred", is Yahoo's
	// verdict on the IP's sending: "a high volume of messages from your
	// IP address that is a characteristic of unsolicited, bulk emails"
	// (help.yahoo.com SLN3436).
	{"[ts01]", BadReputation}, {"[ts02]", BadReputation}, {"[ts03]", BadReputation}, {"[tss04]", BadReputation},
	// The reply names the page that explains it: Yahoo's "All messages
	// from x will be permanently deferred; Retrying will NOT succeed. See
	// https://help.yahoo.com/kb/postmaster/SLN3436.html" comes under
	// [TS03] and under [TSS06] (a Postfix bounce quoted in
	// github.com/hardware/mailserver/issues/202, "553 5.7.2 [TSS06]"), and
	// SLN3436 is the page of the IP's bulk-like sending quoted above.
	{"postmaster/sln3436", BadReputation},
	// Exchange Online's NDR for an address its directory does not hold
	// says, in its "How to Fix It" advice, "Fix email delivery issues for
	// error code 5.1.10 in Office 365" (the NDR quoted in
	// github.com/bwya77/O365-Admin-Center/issues/12, "<user> wasn't found
	// at <domain>", "Unknown To address"): Microsoft's own 5.1.10, which
	// its NDR code table gives as "Recipient not found" (learn.microsoft.com,
	// "Email non-delivery reports in Exchange Online", as the provider
	// table holds it), not RFC 7505's null MX.
	{"error code 5.1.10 in", UserUnknown},
	// United Internet (WEB.DE, GMX, IONOS/1&1) links its explanation of
	// "554 Transaction failed Reject due to policy restrictions." with a
	// case code; for c=hi WEB.DE's postmaster answered that mail is
	// refused when its header does not comply with RFC 5321 and RFC 5322:
	// Date, From, Sender and To syntactically correct, BCC, CC, Date,
	// From, Sender, Subject and To not more than once (Server Fault
	// question 1051380, as newbetuts.com copies it; zammad issue 4630,
	// a duplicated header, WEB.DE's page quoted).
	{"?c=hi", NotCompliantRFC}, {"&c=hi", NotCompliantRFC},
	// Spamhaus's page for refused queries (spamhaus.org/returnc/), as a
	// DNS list's reply links it ("Error: open resolver; https://check.
	// spamhaus.org/returnc/pub/x"): "It is not because you are listed on
	// one of our blocklists", the receiver's own resolver was refused,
	// its configuration (simple-login/app issue 2675 quoting the page):
	// the receiving system's failure, whatever list wording it is put in.
	{"spamhaus.org/returnc/", SystemError},
	// Yahoo's PH* codes, "554 Message not allowed - [PH01] Email not
	// accepted for policy reasons": "Content based blocks (e.g: PH*
	// Errors) ... something in the content that Yahoo won't accept",
	// viruses, phishing, malware or links to them (senders.yahooinc.com,
	// SMTP Error Codes): a verdict on the message, not a local rule.
	{"[ph0", SpamDetected},
	// Comcast: replies name a block code and link its page; BLxxxxxx are
	// blocklist and spam-pattern blocks of the sending IP, ESxxxxxx
	// dynamic or residential space (postmaster.comcast.net/mail-error-codes).
	{"smtp-error-codes.php#bl", Blocked}, {"smtp-error-codes.php#es", Blocked},
	// AOL (postmaster.info.aol.com/errors/): RTR:* refuse the sending IP
	// (dynamic or residential space, compromised networks, unallocated or
	// dynamic-looking addresses), RLY:B1 is a block for member complaints,
	// RLY:SN a banned sender address, CON:B1 too many connections.
	{"rtr:", Blocked}, {"rly:b1", BadReputation}, {"rly:sn", Rejected}, {"con:b1", TooManyConn},
	// AOL's HVU blocks are content blocks: "There is at least one domain
	// in your email that is generating substantial complaints ... These
	// blocks are content-based" (postmaster.info.aol.com/errors/
	// 554hvub1.html), a verdict on the message like the Spamhaus DBL's.
	{"hvu:", SpamDetected},
	// AOL's DNS:NR, "421 4.7.1 : (DNS:NR) .../errors/421dnsnr.html": the
	// sending IP has no reverse DNS (AOL's banner: "AOL may no longer
	// accept connections from IP addresses which do not have reverse-DNS
	// (PTR records) assigned"; kb.odin.com/en/121291).
	{"(dns:nr)", RequirePTR},
	// Cox (postmaster.cox.net, Error Codes): replies end "AUP#<code>".
	// CXBL and CDRBL block an IP for spam-like behaviour, IPBLnnnn name
	// the DNSBLs that list it; CXCNCT is too many concurrent connections,
	// CXMXRT too many messages, CXSNDR a sender domain that does not
	// resolve or fails SPF/DKIM.
	{"aup#cxbl", Blocked}, {"aup#cdrbl", Blocked}, {"aup#ipbl", Blocked},
	{"aup#cxcnct", TooManyConn}, {"aup#cxmxrt", Speeding}, {"aup#cxsndr", Rejected},
	// Mail.ru: "550 Message was not accepted -- invalid mailbox.  Local
	// mailbox x is unavailable: user not found", which its MX gives in
	// reply to the end of DATA and writes into its own bounces
	// (zoonru/PHP-Bounce-Handler, eml/fixture_bounce_002.eml and 007):
	// Mail.ru's list of common errors reads "User not found" as an
	// address mistyped or deleted by its user, a mailbox that does not
	// exist (mailout.ru/2015/09, item 3), so the stage does not make it
	// a filter's verdict, as Yahoo's "dd This user doesn't have a" above.
	{"is unavailable: user not found", UserUnknown},
	// IONOS (1&1) and its resellers: "421 Reject due to policy
	// violations", the sending IP barred for a poor delivery rate (too
	// many nonexistent addresses mailed) or a sender reported for spam
	// (ionos.de, "SMTP-Fehlermeldungen der IONOS Mailserver";
	// new-faq.comservice-ffo.de, the same list): a reputation verdict.
	{"reject due to policy violations", BadReputation},
	// T-Online: "554 IP=x - A problem occurred. (Ask your postmaster for
	// help or to contact tosa@rx.t-online.de to clarify.) (BL)", which
	// T-Online explained to spamresource.com: "our system does not accept
	// e-mail from hosts with bad or unknown reputation"
	// (spamresource.com/2020/06/whoops-t-onlinede-not-accepting-mail.html),
	// the verdict its "(NOWL)" refusal names in words.
	{"rx.t-online.de to clarify.) (bl)", BadReputation},
	// MailChannels tags its refusals with a bracketed code its pages
	// explain: Inbound Filtering's "450 [S09] Try Again Later" is
	// greylisting, "550 [S10] Blocked" the connecting IP blocked, "550
	// 5.7.1 [IB_FEB] ... an attachment type that is not allowed"
	// (docs.mailchannels.com/inbound/smtp-errors); Outbound Filtering's
	// "[SS]" a known spam signature in the content, "[RBL]" the sending IP
	// or domain on a global blocklist (docs.mailchannels.com/outbound/
	// smtp-errors), "[BFD] Sender prohibited by SPF" the sender not
	// permitted by its domain's SPF record (docs.mailchannels.com/email-api/
	// sending-policies).
	{"[s09]", Blocked}, {"[s10]", Blocked}, {"[ib_feb]", PolicyViolation},
	{"[ss]", SpamDetected}, {"[rbl]", Blocked}, {"[bfd]", AuthFailure},
	// The same page's list-hygiene refusals (docs.mailchannels.com/
	// email-api/sending-policies): "550 5.7.1 [BR] Our system has detected
	// an excessively high number of invalid recipients originating from
	// your account." refuses the sender for its record, a reputation;
	// "[UNS] Recipient has unsubscribed from your list." is the
	// recipient's request to get no more mail (feedback). ("[ESA] Sender
	// blocked." stays unread: MailChannels calls it a manual block of the
	// sender, docs.mailchannels.com/outbound/unblock-senders, a host using
	// MailChannels its sending IP on a blocklist, the provider table's
	// Host Media row.)
	{"[br]", BadReputation}, {"[uns]", Feedback},
	// Trellix Email Security - Cloud (FireEye ETP) gives each refusal an
	// ETP code its error code table explains (docs.trellix.com/data-and-
	// email/docs/error-codes): ETP102 "Invalid recipient" (Reject) the
	// upstream MTA refused the recipient; ETP103 "Invalid recipient"
	// (Defer) the recipient could not be checked, the upstream MTA did not
	// answer in time; ETP104 a routing loop with the sending MTA; ETP106
	// "Requested action aborted" (Defer) its MTA could not reach its own
	// API. The words of ETP103 are ETP102's; the code tells them apart.
	{"etp102", UserUnknown}, {"etp103", NetworkError}, {"etp104", NetworkError}, {"etp106", SystemError},
	// The same table (docs.trellix.com/data-and-email/docs/error-codes):
	// ETP100 "Invalid recipient" (Reject) is a domain
	// that matches no known inline or OOB domain, one the service does not
	// take mail for (relaying), and ETP101 "Invalid recipient" (Reject) a
	// recipient of a BCC domain that matches no known client recipient.
	{"etp100", NoRelaying}, {"etp101", UserUnknown},
	// STRATO's spam refusal names what it found in brackets, "Refused by
	// local policy. No SPAM please! (...)", and "B-ATTACH" is an
	// attachment that may not be sent (strato.de/faq/mail/fehlermeldungen-
	// bei-e-mails), a rule on the content, not a spam verdict.
	{"(b-attach)", PolicyViolation},
	// Spectrum's (Road Runner's) outbound servers refuse a sending IP past
	// its 1,000 recipients a day for 24 hours with "550 Outbound Mail
	// Refused - <ip> See http://help.rr.com/outboundemail" (Spectrum
	// Internet, "What is the outbound email policy?", support.brighthouse.com
	// article 1687): the sender's quota, a rate.
	{"rr.com/outboundemail", Speeding},
	// Sophos Email (Sophos Central) names each refusal by an XGEMAIL code
	// its SMTP error code table explains (docs.sophos.com, Sophos Central
	// help, Email Security, "SMTP error codes"): 0001-0003 no valid DKIM
	// signature, an SPF and a DMARC failure; 0004 the sender IP failed an
	// RBL test; 0006 a TLS version other than the policy's; 0008 and 0009
	// an address, domain or IP in the admin's and in the user's block
	// list (the organization's policy, the recipient's own filter); 0010
	// a recipient domain Sophos Email does not protect; 0011 a recipient
	// address that does not exist in the protected domain; 0012 over the
	// allowed size; 0013 more recipients than a large message may have;
	// 0014 and 0015 the recipient's inbound rate limits, for one sender
	// and from all senders.
	{"xgemail_0001", AuthFailure}, {"xgemail_0002", AuthFailure}, {"xgemail_0003", AuthFailure},
	{"xgemail_0004", Blocked}, {"xgemail_0006", FailedSTARTTLS},
	{"xgemail_0008", PolicyViolation}, {"xgemail_0009", Filtered}, {"xgemail_0010", NoRelaying},
	{"xgemail_0011", UserUnknown}, {"xgemail_0012", MesgTooBig}, {"xgemail_0013", TooManyConn},
	{"xgemail_0014", Speeding}, {"xgemail_0015", Speeding},
	// GandiMail's troubleshooting page (postmaster.gandi.net) explains its
	// "Reject for policy reason." refusals by the rule named after them:
	// RULE1_1 a possible virus or malware; RULE2_1 phishing (by heuristic
	// analysis or a suspicious link), RULE2_2 a potential scam, RULE3_1 a
	// suspicious commercial email, RULE3_2 a high spam probability score:
	// verdicts on the message, not a local policy.
	{"policy reason. rule1_1", VirusDetected},
	{"policy reason. rule2_1", SpamDetected}, {"policy reason. rule2_2", SpamDetected},
	{"policy reason. rule3_1", SpamDetected}, {"policy reason. rule3_2", SpamDetected},
	// Spectrum (Charter, Time Warner Cable, Roadrunner; Cloudmark's
	// filtering) ends its refusals "AUP#In-<n>" or "AUP#I-<n>": In-1020
	// is "a block on the email address due to suspicious activity. It is
	// not an IP blacklist", most likely recipients marking the mail as
	// spam (a Spectrum employee in community.spectrum.net discussion
	// 172891), the sender's reputation; In-1370 the sending IP blocked,
	// In-1310 the sender rejected (suped.com, "How to contact
	// Spectrum/Charter to resolve IP blocked issues"); In-1340 too many
	// concurrent connections, which "Spectrum's documentation on
	// understanding email error codes" says to reduce (suped.com, "How to
	// resolve email delivery issues to charter.net"); I-1010 the sending
	// IP blocked for an Acceptable Use Policy violation (suped.com, "How
	// to troubleshoot email delivery issues with Charter/TWC ...
	// AUP#I-1010 bounce codes").
	{"aup#in-1020", BadReputation}, {"aup#in-1370", Blocked}, {"aup#in-1310", Rejected},
	{"aup#in-1340", TooManyConn}, {"aup#i-1010", Blocked},
	// Cloudmark's AUP codes as other ISPs' gateways give them without
	// Cox's CX prefix: "MXRT means they are rate limiting connections. I
	// have also seen AUP#CNCT which is too many concurrent connections.
	// This is coming from the Cloudmark filtering service that Shaw uses"
	// (support.shaw.ca, internet-discussions 38236, page 4), as Cox's
	// CXMXRT is too many messages and CXCNCT too many connections (above).
	{"aup#mxrt", Speeding}, {"aup#cnct", TooManyConn},
	// TalkTalk (talktalk.co.uk, tiscali.co.uk): "Content rejected
	// (TT992)" is a policy reject, TT991 a policy deferral (suped.com,
	// "How to contact TalkTalk postmaster ... what does TT992 error
	// mean").
	{"(tt992)", PolicyViolation}, {"(tt991)", PolicyViolation},
	// Laposte.net ends each refusal with an LPN code (bentonow.com/
	// smtp-errors/laposte): LPN007_416 an invalid recipient address,
	// LPN007_510 the service refused for the content (content/policy),
	// LPN007_517 a DMARC policy rejection.
	{"lpn007_416", UserUnknown}, {"lpn007_510", SpamDetected}, {"lpn007_517", AuthFailure},
	// USA.NET's refusal of a blocked sending IP: "550 Mail from refused.
	// UNL. Please go to http://postmaster.usa.net for an explanation.",
	// which its postmaster page explains as "This IP address is blocked by
	// USA.NET" (postmaster.usa.net/html/error.html).
	{". unl. please go to http://postmaster.usa.net", Blocked},
	// Vade's own list named in its refusal: "550 5.7.1 Connection refused
	// - [IP_ADDRESS] blocked by Vade Threat List", the sending address
	// listed on the Vade Threat Network list of IPs involved in spam,
	// malware or phishing (postmaster-oxseu.vadesecure.com/
	// inbound_error_codes, _101). The refusal is the IP's listing, though
	// its words start as a connection failure's.
	{"blocked by vade threat list", Blocked},
}

// codeFamilies are providers' codes whose number names the cause: a
// prefix, the platform's own digits if any, "_" and a three-digit code,
// read by its last `last` digits. Vade's postmaster pages explain the
// codes its replies carry for the platforms it filters ("550 5.7.1
// Connection refused - OXSUS0001_304 -
// https://postmaster-oxsus.vadesecure.com/#OXSUS0001_304",
// support.tigertech.net/earthlink-rejects-forwards); the same words
// ("Connection refused", "Connection deferred") come under codes of
// different causes, so the code decides.
var codeFamilies = []struct {
	prefix string
	last   int
	codes  map[string]Reason
}{
	// EarthLink (postmaster-earthlink.vadesecure.com, inbound_error_codes
	// and outbound_error_codes, "a unique code starting with ELNK_"): _101
	// the Vade Threat Network list, _102 a Validity blocklist (outbound:
	// EarthLink's own), _111 a Spamhaus blocklist; _103 the server
	// temporarily unavailable; _105 reverse DNS, _108 FCrDNS; _110 the
	// concurrent connections limit; _130 "the source of unacceptable
	// messages", by the volume and quality of its traffic; _134 a server
	// taking part in SMTP AUTH attacks; _136 rate-limited for excessive
	// volume, _139 for excessive connections; _200 an authentication
	// method not supported; _201 an unacceptable HELO/EHLO string.
	{"elnk", 3, map[string]Reason{
		"101": Blocked, "102": Blocked, "111": Blocked, "103": SystemError,
		"105": RequirePTR, "108": RequirePTR, "110": TooManyConn, "130": BadReputation,
		"134": Blocked, "136": Speeding, "139": TooManyConn, "200": SecurityError, "201": Blocked,
	}},
	// OX's EU platform (postmaster-oxseu.vadesecure.com/
	// inbound_error_codes, "a unique code starting with OXSEU_"), the
	// same inbound codes as EarthLink's page; _403, as Vade answered for
	// OXSEU0001_403, an invalid address, a non-existent user (suped.com,
	// "What does the Vade Secure OXSUS0001_403 error code mean").
	{"oxseu", 3, map[string]Reason{
		"101": Blocked, "102": Blocked, "111": Blocked, "103": SystemError,
		"105": RequirePTR, "108": RequirePTR, "110": TooManyConn, "130": BadReputation,
		"403": UserUnknown,
	}},
	// OX's US platform, EarthLink's inbound mail (postmaster-oxsus.
	// vadesecure.com, the older page spelling the codes OXSUS0001_nnn, and
	// its newer "Inbound SMTP error codes" page with OXSUS001_nnn):
	// _101 the Vade Secure Threat Network list, _111 a Spamhaus
	// blocklist; _103 the server temporarily unavailable; _105 no reverse
	// DNS, _108 no forward-confirmed reverse DNS; _110 too many
	// connections from one IP, _139 the connection rate limit; _140 too
	// many messages; _102 is the older page's backend queue too long
	// (OXSUS0001_102) and the newer page's Validity blocklist
	// (OXSUS001_102), told apart by the spelling each page gives (the
	// two entries after the next); _403 a non-existent
	// user or an address of invalid format (Vade's two definitions, as
	// suped.com quotes them above); _304, mail From an EarthLink address
	// arriving from outside EarthLink, refused as its filter assumes its
	// own senders never come from other servers (support.tigertech.net/
	// earthlink-rejects-forwards): a forged sender domain, as Cleanmail
	// reads Bluewin's SPF.
	{"oxsus", 3, map[string]Reason{
		"101": Blocked, "111": Blocked, "103": SystemError, "105": RequirePTR, "108": RequirePTR,
		"110": TooManyConn, "139": TooManyConn, "140": Speeding, "304": AuthFailure, "403": UserUnknown,
	}},
	{"oxsus0001", 3, map[string]Reason{"102": SystemError}}, // postmaster-oxsus.vadesecure.com, the older page: _102 the backend queue too long
	{"oxsus001", 3, map[string]Reason{"102": Blocked}},      // postmaster-oxsus.vadesecure.com, the newer page: _102 a Validity blocklist
	// SFR (bentonow.com/smtp-errors/sfr: "SFR_IN_XXX", the first digit
	// internal to SFR, the last two the error type): 01 too many spam
	// messages (subscribers' complaints; the IP blocked for two hours),
	// 03 SMTP protocol errors (the IP paused, as Postfix's smtpd closes a
	// client past its error limit), 04 too many unknown users (a poor
	// delivery rate, as IONOS's "Reject due to policy violations"), 05 a
	// volume limit exceeded.
	{"sfr_in", 2, map[string]Reason{
		"01": BadReputation, "03": Blocked, "04": BadReputation, "05": Speeding,
	}},
}

// codeFamily reads a code of codeFamilies in the folded text: the prefix
// (not inside a longer word), digits, "_" and three digits.
func codeFamily(text string) (Reason, bool) {
	for _, f := range codeFamilies {
		var found Reason
		if anyAt(text, f.prefix, func(i int) bool {
			if i > 0 && isLetter(rune(text[i-1])) {
				return false
			}
			j := i + len(f.prefix)
			for j < len(text) && isDigit(text[j]) {
				j++
			}
			if j+4 > len(text) || text[j] != '_' {
				return false
			}
			code := text[j+1 : j+4]
			if strings.Trim(code, "0123456789") != "" || j+4 < len(text) && isDigit(text[j+4]) {
				return false
			}
			rs, ok := f.codes[code[3-f.last:]]
			found = rs
			return ok
		}) {
			return found, true
		}
	}
	return "", false
}

// statusRanges are provider status codes outside the IANA registry, with
// the meaning the provider documents. Exchange Online: 4.7.500-699 and
// 4.7.850-899 "Access denied, please try again later" restrict a sender
// for suspicious activity; 5.6.11 "Invalid characters" is a message with
// bare line feeds (learn.microsoft.com, "Email non-delivery reports and
// SMTP errors in Exchange Online"). Within the range Exchange Online also
// answers a connection limit, "451 4.7.652 The mail server [x] has
// exceeded the maximum number of connections" (quoted on postfix-users,
// msg87906, beside 4.7.650 "temporarily rate limited due to IP
// reputation"): words in unless leave such a reply to the wording.
var statusRanges = []struct {
	prefix   string
	min, max int
	reason   Reason
	unless   []string
}{
	{"4.7.", 500, 699, BadReputation, []string{"maximum number of connections"}},
	{"4.7.", 850, 899, BadReputation, nil},
	{"5.6.", 11, 11, NotCompliantRFC, nil},
	// Exchange Online 5.7.511 "Access denied, banned sender" is the
	// sending IP banned ("The IP that you are attempting to send from has
	// been banned", the NDR table), where 5.7.502, 5.7.503 and 5.7.800
	// give the same words for a banned sending account.
	{"5.7.", 511, 511, Blocked, nil},
	// Exchange Server 5.7.900-5.7.999 "Delivery not authorized, message
	// refused": a mail flow (transport) rule configured to reject with a
	// code of that range (DSNs and NDRs in Exchange Server, Common
	// enhanced status codes), the organization's own policy.
	{"5.7.", 900, 999, PolicyViolation, nil},
}

// decisiveStatus are the registered codes whose meaning names one reason
// and which the providers whose pages are cited use in that meaning only:
// they decide before the wording. Codes that providers use in other senses
// do not: x.1.1 beside "mailbox full", x.1.10 for Exchange's "Recipient
// not found by SMTP address lookup", x.2.2 for Exchange's "Submission
// quota exceeded", x.2.3 for Gmail's system-wide size limit, x.7.27 and
// x.7.30 for Gmail's SPF and DKIM failures, x.7.9 for Yahoo's DMARC
// failures, x.7.13 (IANA: user account disabled) for Exchange Online's
// "Sender was not authenticated for public folder" (learn.microsoft.com,
// "Email non-delivery reports in Exchange Online", its NDR table: "5.7.13
// or 135").
var decisiveStatus = map[string]bool{
	".1.7": true, ".1.8": true, // RFC 3463 §3.3: bad sender's mailbox address syntax, bad sender's system address (x.1.8 under reverse DNS wording excepted: rules.reason)
	".4.7":  true,                                                             // RFC 3463 §3.5: delivery time expired
	".7.20": true, ".7.21": true, ".7.22": true, ".7.23": true, ".7.24": true, // RFC 7372 §3: DKIM and SPF failures (x.7.23 under reverse DNS wording excepted: rules.reason)
	".7.25": true, // RFC 7372 §3.3: reverse DNS validation failed (Gmail, Exchange: PTR)
	".7.26": true, // RFC 7372 §3.4: multiple authentication checks failed (Gmail, Exchange: DMARC)
	".7.28": true, // IANA: mail flood detected (Gmail: "temporarily rate limited")
}

var loadRules = sync.OnceValue(buildRules)

// virusUnless are the virus detector's vetoes: a host's listing, a
// scanner's failure, spam and a virus named as alternatives, Gandi's "you
// maybe infected" of a client.
var virusUnless = slices.Concat(hostListedPhrases, scannerFailurePhrases, spamOrVirusPhrases, []string{"you maybe infected"})

func buildRules() *rules {
	r := &rules{
		// The IANA "SMTP Enhanced Status Codes" registry: RFC 3463 §3.3-3.9
		// and the codes RFC 4954, 5248, 7293, 7372, 7505, 8617 and 8689
		// added. Each subject.detail maps to the reason its registered
		// description names.
		byStatus: map[string]Reason{
			// x.1.x addressing status (RFC 3463 §3.3)
			".1.1": UserUnknown, ".1.2": HostUnknown, ".1.3": UserUnknown,
			".1.4": UserUnknown, ".1.6": HasMoved, ".1.7": Rejected, ".1.8": Rejected,
			".1.10": NotAccept, // RFC 7505 §4.2
			// x.2.x mailbox status (RFC 3463 §3.4)
			".2.1": Suspend, ".2.2": MailboxFull, ".2.3": ExceedLimit, ".2.4": SystemError,
			// x.3.x mail system status (RFC 3463 §3.5)
			".3.1": SystemFull, ".3.2": NotAccept, ".3.3": SystemError, ".3.4": MesgTooBig, ".3.5": SystemError,
			// x.4.x network and routing status (RFC 3463 §3.6)
			".4.1": NetworkError, ".4.2": NetworkError, ".4.3": SystemError, ".4.4": HostUnknown,
			".4.5": NetworkError, ".4.6": NetworkError, ".4.7": Expired,
			// x.5.x mail delivery protocol status (RFC 3463 §3.7); x.5.3 is "too
			// many recipients"
			".5.1": SyntaxError, ".5.2": SyntaxError, ".5.3": TooManyConn, ".5.4": SyntaxError,
			".5.5": SyntaxError, ".5.6": SyntaxError,
			// x.6.x message content or media status (RFC 3463 §3.8)
			".6.1": ContentError, ".6.2": ContentError, ".6.3": ContentError, ".6.4": ContentError,
			".6.5": ContentError, ".6.6": ContentError, ".6.7": ContentError, ".6.8": ContentError,
			".6.9": ContentError, ".6.10": ContentError,
			// x.7.x security or policy status (RFC 3463 §3.9): x.7.1 "delivery not
			// authorized, message refused" (the sending host refused, when
			// no wording says otherwise)
			".7.1": Blocked, ".7.3": SystemError,
			// x.7.2 "Mailing list expansion prohibited: The sender is not
			// authorized to send a message to the intended mailing list"
			// (RFC 3463 §3.9): the list refused the sender (ezmlm-idx
			// answers its refusals of a sender with it: ERR_NO_POST,
			// ERR_ANONYMOUS, ERR_NOT_PUBLIC, lang/en_US/text/messages).
			".7.2": Rejected,
			".7.4": SecurityError, ".7.5": SecurityError, ".7.6": SecurityError, ".7.7": SecurityError,
			".7.8": SecurityError, ".7.9": SecurityError, // RFC 4954 §6
			// RFC 5248; x.7.11 is RFC 4954's "538 5.7.11 Encryption required
			// for requested authentication mechanism" (the IANA registry's
			// description): the AUTH needs the session under TLS, as x.7.10
			// "Encryption Needed" does (mox smtpserver/server.go cmdAuth():
			// "538 5.7.11 authentication requires tls").
			".7.10": FailedSTARTTLS, ".7.11": FailedSTARTTLS, ".7.12": SecurityError,
			".7.13": Suspend, ".7.14": SecurityError, ".7.15": SecurityError, ".7.16": SecurityError, // IANA registry (RFC 5248): account disabled, trust relationship required; RFC 6710: priority
			".7.17": HasMoved, ".7.18": HasMoved, ".7.19": SecurityError, // RFC 7293: the owner changed
			".7.20": AuthFailure, ".7.21": AuthFailure, ".7.22": AuthFailure, ".7.23": AuthFailure, // RFC 7372 §3.1-3.2: DKIM and SPF
			".7.24": AuthFailure, ".7.25": RequirePTR, ".7.26": AuthFailure, // RFC 7372
			".7.27": Rejected,       // RFC 7505 §4.3: the sender address has null MX
			".7.28": Speeding,       // IANA: mail flood detected
			".7.29": AuthFailure,    // RFC 8617 §7.2.2: ARC validation failure
			".7.30": FailedSTARTTLS, // RFC 8689 §5: REQUIRETLS support required
		},
	}
	r.wording = []detector{
		// "does not accept mail from <x>" refuses a sender or host, not the
		// domain's mail as a whole (RFC 7504 §3 "does not accept mail").
		// Nor does RFC 7505 §4.3's x.7.27 "Sender address has null MX",
		// which refuses the sender.
		// At MAIL FROM, or after Postfix's "Sender address rejected:", a
		// domain that accepts no mail is the sender's (RFC 7505 §4.3:
		// x.7.27; Postfix smtpd_check.c reject_unknown_mailhost: "550 5.7.27
		// <x>: Sender address rejected: Domain y does not accept mail
		// (nullMX)"; maddy internal/check/dns: "501 5.7.27 Domain in MAIL
		// FROM has null MX record", rejectedPhrases): the sender is refused.
		// The plural says the same: "550 5.2.1 Mailbox unavailable. This
		// server does not accept mails from this sender address" refuses
		// a sender (Postfix's record of it from Ukrainian hosts in a bulk
		// mailer's table of per-domain refusals on GitHub,
		// cummins-power.com.ua, dalgakiran.com.ua). Nor does mail refused
		// for what it lacks: "550-This message has 8-bit content, but does
		// not have the required MIME 550-headers. Sorry, this mail server
		// does not accept mail without the 550-required MIME headers." (a
		// reply to the end of DATA in a ZMailer report kept in the
		// linux-kernel archive, ammarfaizi2/lore-inbox) refuses the
		// message's form (RFC 2045), not all mail. Nor is "This server
		// does not accept mail for example.com", small servers' refusal of
		// a domain they do not host (a Cloudflare Email Worker's
		// message.setReject(`This server does not accept mail for
		// ${domainName}`), a hosted-domain check's "This server does not
		// accept mail for " + domain, in public repositories): one server
		// declines to relay (RFC 5321 §3.6), the domain may take mail
		// elsewhere.
		{reason: NotAccept, phrases: notAcceptPhrases, sender: true, unless: []string{"accept mail from", "accept email from", "accept e-mail from", "accept mails from", "accept emails from", "accept mail without", "accept mail for ", "sender address has null mx", "sender address rejected", "in mail from"}},
		// Postfix when a domain's MX answer names no host it can use: its
		// dns_lookup.c (dns_get_rr) holds an MX's exchange name to
		// valid_hostname(), which the zero-length name of RFC 7505's null
		// MX "MX 0 ." fails, and writes "Name service error for name=x
		// type=MX: Malformed or unexpected name server reply", which
		// smtp_addr.c (smtp_domain_addr, DNS_INVAL) makes permanent, 5.4.4:
		// the domain exists and publishes no mail exchanger a sender can
		// use (a Postfix without null MX handling reads a null MX so).
		// Under that status only: dns_lookup() writes the same words for
		// any reply dns_get_answer() could not take (its "default:" case),
		// a reply that failed in transit among them, which Postfix defers
		// as 4.4.3: "dsn=4.4.3, status=deferred (Name service error for
		// name=gmail.com type=MX: Malformed or unexpected name server
		// reply)" (Mailu/Mailu issue 1055, the sender's resolver failing
		// for every domain), no verdict on the domain: its "name service
		// error" (hostUnknownPhrases) under a temporary status reads as
		// the lookup failing for now, a network error (adjust).
		{reason: NotAccept, phrases: []string{"type=mx: malformed or unexpected name server reply"}, sender: true, status: []string{".4.4"}},
		// A moved mailbox names where it went (RFC 3463 x.1.6, RFC 5321
		// §3.4's 551 "please try <forward-path>"): the address is dead
		// whatever else the reply says.
		{reason: HasMoved, phrases: hasMovedPhrases},
		// A sending service's notice that the address is on a suppression
		// list of several kinds of entries names no reason, whatever
		// causes it lists (suppressedPhrases): read before the spam words
		// of Postmark's "a spam complaint" and the policy words of
		// SparkPost's "customer policy".
		{reason: OnHold, phrases: suppressedPhrases},
		// Postfix smtpd_check.c answers a table lookup that failed with
		// "451 4.3.5 <x>: Helo command rejected: Server configuration
		// error" (and the same after "Client host", "Sender address",
		// "Recipient address rejected"; its smtpd_check test output): the
		// receiving server's fault, whatever it names as rejected.
		{reason: SystemError, phrases: []string{"server configuration error"}},
		// amavisd-new answers a check that died with "451 4.5.0 Error in
		// processing, id=<id>, " and the error's own text, which names
		// what failed, not a verdict: "virus_scan FAILED: virus_scan: ALL
		// VIRUS SCANNERS FAILED" (the Postfix log quoted in the forum
		// thread "Postfix Mail Filtering", 2008-07-10), "quar+notif FAILED:
		// temporarily unable to quarantine: ... /var/lib/amavis/virusmails/
		// o/spam-x.gz failed" (the thread "Mailserver postfix with Clamav
		// problems", 2009-01-08), "quar+notif FAILED: mail_dispatch: no
		// recognized protocol name" (amavis-users, 2013-August/002450):
		// the filter's own failure, read before the virus and spam words
		// its paths and stage names hold (systemErrorPhrases: "error in
		// processing").
		{reason: SystemError, phrases: []string{"error in processing, id="}},
		// Sendmail's smtpinit() (usersmtp.c) hangs up on a server that
		// greets with Sendmail's own name, "553 5.3.5 x config error:
		// mail loops back to me (MX problem?)" ("... loops back to
		// myself" before 8.8), and records it as EX_CONFIG "553 5.3.5
		// system config error", reported "554 5.3.5 Local configuration
		// error": a system's configuration (RFC 3463 x.3.5), which
		// Sendmail tells from a routing loop, as Postfix's "mail for x
		// loops back to myself" (5.4.6, networkErrorPhrases) is not.
		{reason: SystemError, phrases: []string{"config error: mail loops back"}},
		// Postfix's "Sender address rejected:" names the restriction
		// class that refused (smtpd_sender_restrictions, postconf(5)),
		// not why: a policy server plugged in there gives its own reason
		// after it, a greylisting deferral (greylistPhrases) or a rate
		// limit, as Policyd's quotas module answers "450 4.7.1 <x>:
		// Sender address rejected: Deferring: Too many messages from
		// sender in last 60" (a Zimbra log quoting it,
		// pastebin.com/V80548k6). Those read as what they say. So does
		// a sender refused by its SPF record's verdict: rmilter's
		// "554 5.7.1 SPF policy violation. Host <name>[<ip>] is not
		// allowed to send mail as <sender>." (vstakhov/rmilter
		// rmilter.c, mlfi_eom(), SPF_RESULT_FAIL) is the sender's
		// authentication failing, not a refusal of its address.
		{reason: Rejected, phrases: listSenderPhrases},
		{reason: Rejected, phrases: rejectedPhrases, unless: slices.Concat(greylistPhrases, speedingPhrases, authFailurePhrases)},
		// Postfix smtp(8) "Host not found, try again": the resolver's
		// TRY_AGAIN, a DNS failure for now (networkErrorPhrases).
		// Postfix's "Helo command rejected: Host not found" (smtpd_check
		// test output: reject_unknown_helo_hostname) is the client's name,
		// not the recipient's domain (blockedPhrases).
		// A domain named as the sender's is the sender's (rejected).
		// A name server that failed to answer says nothing of the domain
		// (networkErrorPhrases): Postfix's resolver takes a SERVFAIL reply
		// for TRY_AGAIN (src/dns/dns_lookup.c, dns_neg_query(): "case
		// SERVFAIL: ... TRY_AGAIN"), and Gmail's "DNS Error: DNS type 'mx'
		// lookup of x responded with code SERVFAIL" is the failure Gmail
		// retries ("O Gmail tentará novamente por mais 44 horas", a delay
		// notice quoting it in public bounce-handler test data) before its
		// "Address not found" notice quotes it as final.
		{reason: HostUnknown, phrases: hostUnknownPhrases, also: hostDoesNotExist, unless: hostUnknownUnless},
		// A full or disabled mailbox exists: those words outrank "no such
		// user" beside them.
		{reason: Speeding, phrases: senderQuotaPhrases},
		{reason: MailboxFull, phrases: mailboxFullPhrases},
		// Credentials refused are the client's login, not a mailbox
		// disabled (RFC 4954 §6: 535 5.7.8 "Authentication credentials
		// invalid", 432 4.7.12 "A password transition is needed"; Postfix
		// smtpd's "535 5.7.8 Error: authentication failed: %s").
		// Nor is a sender's own account stopped from sending (Mail.ru's
		// "message sending for this account is disabled",
		// securityErrorPhrases).
		{reason: Suspend, phrases: suspendPhrases, unless: []string{"authentication", "password", "sending for this account is disabled"}},
		// "does not exist", "not found" said of a domain (OpenSMTPD's
		// "Domain does not exist", Postfix's "Domain not found", Yandex's
		// "no such domain": hostUnknownPhrases) are not a user's. Nor are
		// the unknown recipients a host is refused for sending to: Yahoo's
		// "451 VS1-IP/VS1-MF Excessive unknown recipients - possible Open
		// Relay" deprioritises the sending server
		// (help.yahoo.com/l/in/yahoo/mail/original/abuse/abuse-57.html).
		// Microsoft's Directory Based Edge Blocking refuses an address
		// its tenant does not have with "550 5.4.1 Recipient address
		// rejected: Access denied" (Exchange Online NDR reference, 5.4.1
		// and 5.7.504). Postfix's access(5) REJECT with no text of its own
		// gives the same words, "Recipient address rejected: Access
		// denied" under 5.7.1 (the generic reply of a check_recipient_
		// access table), a local rule, not a missing mailbox: the words
		// are Microsoft's verdict under Microsoft's codes only.
		{reason: UserUnknown, phrases: []string{"recipient address rejected: access denied"}, status: []string{".4.1", ".7.504"}},
		// QQ Mail's "550 Mailbox unavailable or access denied" refuses a
		// recipient that got a large number of messages in a short time:
		// sending to it is barred for a while (smtp.codes/qq; the SMTP
		// Field Manual, page-data/code/550/page-data.json, /code/550 QQ 2,
		// linking service.exmail.qq.com help no=1000742; a Chinese bulk
		// mailer's table of QQ's codes, qiao.yimirj.com/article/detail/2261,
		// says the same). RFC 5321's "mailbox unavailable" inside it does not
		// make the mailbox missing: the whole reply is QQ's rate.
		{reason: Speeding, phrases: []string{"mailbox unavailable or access denied"}},
		{reason: UserUnknown, phrases: slices.Concat(userUnknownPhrases, exchangeLookupPhrases), veto: unknownUserVeto,
			unless: slices.Concat([]string{"domain does not exist", "domain not found", "no such domain", "excessive unknown recipients", // OpenSMTPD, Postfix, Yandex (a domain's words); Yahoo abuse-57.html (above)
				// The count of a client's refused recipients is a verdict
				// on the client, not on this address (blockedPhrases:
				// Libero's "Too many invalid recipients").
				"too many invalid recipients",
				// Forpsi's filter (bizsmtp): "554 ... bizsmtp Connection
				// rejected. Reverse DNS for x does not exist." (an Exim
				// bounce quoting it, pastebin.com/fN3z9eJ7; its "no DNS
				// reverse for x", support.forpsi.com kb a3068): the
				// client's reverse DNS, not a user, does not exist.
				"reverse dns for",
				// A user name beside a password is a login's, not a
				// mailbox's (RFC 4954 §6 535 "Authentication credentials
				// invalid"; Google's "535 5.7.8 Username and Password not
				// accepted", support.google.com/a/answer/3726730).
				"password",
				// A program that could not be run is the delivery's
				// failure, whatever its error's words: qmail-local.c
				// mailprogram() "Unable to run /bin/sh: file does not
				// exist." (error_str.c, ENOENT).
				"unable to run",
				// RFC 5321 §4.2.3's 550 "mailbox unavailable" covers "mailbox
				// not found, no access, or command rejected for policy
				// reasons": where the reply says it refused for policy
				// (GMX's "Requested action not taken: mailbox unavailable
				// Reject due to policy restrictions", which the SMTP Field
				// Manual explains as GMX's policy refusal), the mailbox is
				// not said to be missing; nor where it links the lookup
				// page of a list of sending hosts (hostListURLs): "550
				// 5.2.1 Mailbox unavailable. Your IP address x is
				// blacklisted using SPAMHAUS-XBL. Details:
				// https://www.spamhaus.org/query/ip/x" (a reply ZoneMTA's
				// bounce rules quote, zone-eu/zone-mta config/bounces.txt)
				// refuses the sending host.
				"due to policy"}, hostListURLs)},
		// RFC 3463 separates a limit set for this recipient (x.2.3
		// "Message length exceeds administrative limit", Exchange's
		// RecipSizeLimit "too large for this recipient") from the
		// system's (x.3.4 "Message too big for system"), and §3.4 says
		// which to report when both apply: x.2.3 "should be used when the
		// per-mailbox message length limit is less than the general
		// system limit", so the recipient's limit, named, decides first.
		// Both name the size beside words of other detectors ("exceeds",
		// "limit").
		{reason: ExceedLimit, phrases: exceedLimitPhrases},
		{reason: MesgTooBig, phrases: mesgTooBigPhrases},
		// Greylisting (RFC 6647) before the spam, limits and lists it
		// may mention ("Greylisted for spam protection"): it refuses the
		// client for now and names no verdict on the message.
		{reason: Blocked, phrases: greylistPhrases},
		// A host listed for an infection is a blocked host; a virus scanner
		// that failed (scannerFailurePhrases) gave no verdict: the system's;
		// "spam or virus" names no virus found (spamOrVirusPhrases).
		{reason: PolicyViolation, phrases: htmlPolicyPhrases},
		{reason: PolicyViolation, phrases: listPolicyPhrases},
		// GandiMail's "blocked you maybe infected" (postmaster.gandi.net)
		// is the sending computer's infection, a client refused: blockedPhrases.
		{reason: VirusDetected, phrases: virusPhrases, unless: virusUnless, veto: productVirus,
			// The word "worm" (wormWord) under the same unless words as the
			// phrases: also is read before them.
			also: func(t string) bool { return wormWord(t) && !hasAny(t, virusUnless) }},
		// The scanner's failure is the receiving system's, read here before
		// the network words ("timed out") it may hold.
		{reason: SystemError, phrases: scannerFailurePhrases},
		// An attachment refused for its type before the host lists, whose
		// "blacklisted" it may hold (iridis "MSG-EXT Blacklisted high risk
		// file extension detected": attachmentPolicyPhrases).
		{reason: PolicyViolation, phrases: attachmentPolicyPhrases},
		// A DMARC policy or SPF record that could not be looked up is a
		// DNS failure, not a failed check: Rackspace's "450 4.4.0
		// Temporary DMARC DNS lookup failure (G1E)" (postmaster.emailsrvr.com,
		// response codes; RFC 7489 §6.6.3 temperror), Debian exim4-config's
		// "Temporary DNS error while checking SPF record. Try again later."
		// (RFC 7208 §2.6.6 temperror).
		{reason: AuthFailure, phrases: authFailurePhrases, unless: []string{"dns lookup failure", "temporary dns error"}},
		// Reverse DNS (RFC 7372 §3.3 x.7.25) before the spam and block
		// wording its refusals carry: Postfix's "Client host rejected:
		// cannot find your hostname" holds "client host rejected"
		// (blockedPhrases).
		// Sendmail's Relay_ok (cf/m4/proto.m4) checks the client's name
		// only for relaying: "450 4.4.0 Relaying temporarily denied. Cannot
		// resolve PTR record for x", "550 5.7.1 Relaying denied. IP name
		// lookup failed x" refuse relaying to a domain the server does not
		// serve, whatever became of the name.
		// A reverse DNS name that exists and is on the receiver's block
		// list is the host's listing, not a missing PTR: iRedAPD's
		// "Blacklisted reverse DNS name of server IP address"
		// (libs/__init__.py reject_blacklisted_rdns; plugins/wblist_rdns.py
		// blocks a sender server by the rDNS name of its IP) is blocked.
		{reason: RequirePTR, phrases: requirePTRPhrases, also: nameIsNotAddr, unless: []string{"relaying denied", "relaying temporarily denied", "blacklisted reverse dns", "blocklisted reverse dns"}},
		// A list named for the client's HELO name, Postfix's
		// reject_rhsbl_helo (heloListedPhrases), refused the sending host
		// by its name, whatever list it consulted.
		{reason: Blocked, phrases: heloListedPhrases},
		// A refusal citing SURBL or URIBL, lists of the domains in spam's
		// bodies (contentListPhrases), judged the content, though it says
		// "listed at" (Sendmail's dnsbl wording, blockedPhrases).
		{reason: SpamDetected, phrases: contentListPhrases},
		// A recipient's own reject list is its filter, though its words
		// say "as spammer" (filteredPhrases: "You are registered as
		// spammer (by user's reject list)", puffinknight.tistory.com/102).
		{reason: SpamDetected, phrases: spamPhrases, unless: slices.Concat(hostListedPhrases, []string{"user's reject list"})},
		// The message's own faults (RFC 3463 x.6, and RFC 5322 named:
		// Microsoft 5.7.512, Google's "not RFC 5322 compliant"), then the
		// recipient's refusals that are no verdict on the sender's host:
		// relaying (RFC 5321 §3.6, a destination this server does not
		// serve), the recipient's own sender restrictions (Microsoft's
		// 5.7.1 "delivery not authorized" for a members-only group), TLS
		// required (RFC 3207 §4, RFC 8689 x.7.30) and credentials (RFC
		// 4954 §6), all before the measures below, whose wording ("access
		// denied", "not allowed") they may hold.
		{reason: NotCompliantRFC, phrases: notCompliantPhrases},
		{reason: ContentError, phrases: contentErrorPhrases},
		{reason: NoRelaying, phrases: noRelayingPhrases},
		{reason: Filtered, phrases: filteredPhrases},
		{reason: FailedSTARTTLS, phrases: failedSTARTTLSPhrases},
		{reason: SecurityError, phrases: securityErrorPhrases},
		// A limit on connections (Sendmail's ratecontrol) is
		// tooManyConnPhrases'. A rate limit laid on for a reputation is
		// the reputation's verdict: Google's "421 4.7.0 This message is
		// suspicious due to the very low reputation of the sending IP
		// address. To protect our users from spam, email sent from your
		// IP address has been temporarily rate limited" (Gmail SMTP errors and codes, support.google.com/a/answer/3726730, 2026-02-12) names its
		// cause, as its 4.7.23 (PTR), 4.7.27 (SPF) and 4.7.29 (TLS) do.
		{reason: Speeding, phrases: speedingPhrases, unless: []string{"connection rate", "low reputation"}},
		// A rate is per time, a connection limit per moment (Postfix
		// anvil(8): smtpd_client_message_rate_limit against
		// smtpd_client_connection_count_limit; Exchange's MessageRateLimit
		// against MaxInboundConnectionPerSource). No RFC orders them; the
		// order rests on Postfix smtpd's own texts, where the rate's words
		// hold the count's: "450 4.7.1 Error: too many recipients from x"
		// (smtpd_client_recipient_rate_limit) contains "452 4.5.3 Error:
		// too many recipients" (smtpd_recipient_limit, a count per
		// message, RFC 3463 x.5.3), so the rate is read first.
		{reason: TooManyConn, phrases: tooManyConnPhrases},
		// A reputation named beside a list of sending hosts is that
		// list's verdict on the host: Postfix's "Client host [x] blocked
		// using x.r.mail-abuse.com; Mail from x blocked using Trend Micro
		// Email Reputation database" and Barracuda's "b.barracudacentral.org
		// has blocked your IP address ... see .../lookups/ip-reputation"
		// are blocklist refusals (hostListedPhrases).
		{reason: BadReputation, phrases: badReputationPhrases, unless: hostListedPhrases},
		// Microsoft 5.7.703's "tenant allow block list" is the sender's own
		// organisation's list, a policy. "not listed in" (or "isn't") negates "listed
		// in": an address absent from a directory (Domino's "not listed in
		// Domino Directory", "not listed in public Name & Address Book"),
		// not a host on a block list.
		// Google marks with "gcdp" (Google Custom Domain Policies) the
		// replies that come from a rule a Google Workspace administrator
		// wrote, "550 5.7.1 This message violates example.com email
		// policy. - gcdp <sessionid> - gsmtp" (Gmail SMTP errors and
		// codes, knowledge.workspace.google.com/admin/support/
		// troubleshooting/gmail-smtp-errors-and-codes, in its pt-BR
		// version): the recipient domain's own policy, whatever words the
		// administrator gave it ("email blocked outside example.com").
		{reason: PolicyViolation, phrases: []string{"- gcdp "}},
		{reason: Blocked, phrases: blockedPhrases, unless: []string{"tenant allow block list", "not listed in", "n't listed in"}},
		// The lookup pages of host lists (hostListURLs) name a list of
		// sending hosts even where no list wording does.
		{reason: Blocked, phrases: hostListURLs},
		// Spamhaus named, its domain list (the DBL) not, is a list of
		// sending hosts (spamNotVerdict): "550 Email blocked by SPAMHAUS".
		// Not where it links its page for refused queries: a receiver
		// that asks Spamhaus through a public resolver gets a return
		// code it must not read as a listing, and Spamhaus's page
		// (spamhaus.org/returnc/pub/) says "It is not because you are
		// listed on one of our blocklists" but the recipient's server
		// configuration (simple-login/app issue 2675, quoting it beside
		// "Error: open resolver; https://check.spamhaus.org/returnc/pub/x";
		// "550 Error: open resolver; https://www.spamhaus.org/returnc/pub/x"
		// in openstreetmap/operations issue 674).
		{reason: Blocked, phrases: []string{"spamhaus"}, veto: namesDBL, unless: []string{"spamhaus.org/returnc/"}},
		// Postfix's record of a refused greeting (greetingRefusedPhrases)
		// is the client's refusal where the reply gives no status, an
		// undefined one or a security one; a specific status of another
		// subject names the condition (RFC 3463), read below as any
		// reply's is.
		{reason: Blocked, phrases: greetingRefusedPhrases, status: []string{"", ".0.0", ".7.0", ".7.1"}},
		// Local policy is the receiver's last named measure (RFC 3463
		// x.7.1: "the result of per-host or per-recipient filtering"),
		// after every measure that names more. Said to the greeting or
		// EHLO, before any sender, recipient or message, it refuses the
		// client (RFC 5321 §3.1: a 554 in place of the greeting); Proofpoint
		// refuses a server on its real-time blacklist with "550 5.7.0 Local
		// Policy Violation" (Hunter College's page on its Proofpoint spam
		// interception, hunter.cuny.edu icit help-docs archive).
		{reason: PolicyViolation, phrases: policyPhrases, client: true},
		// Spam named in other words is the content's (RFC 2505,
		// unsolicited bulk mail), unless a list of sending hosts is named
		// beside it; greylisting's mention of spam never gets here
		// (greylistPhrases come first).
		{reason: SpamDetected, phrases: spamWordPhrases, unless: hostListedPhrases, veto: spamNotVerdict},
		// A quota of the sender's sending is not the recipient's mailbox:
		// Google's "550 5.4.5 Daily sending quota exceeded", a Postfix
		// policy's "550 5.4.5 ... Domain Sending Quota Exceeded"
		// (Mailhostbox, pastebin.com/v3bkLPK5), Microsoft's 5.2.2 "the
		// sender's submission quota was exceeded" (senderQuotaPhrases).
		{reason: MailboxFull, phrases: quotaWordPhrases, unless: []string{"sending", "sender", "submission"}},
		// Sendmail's access map REJECT (cf/README, "access database")
		// answers the command whose address it matched: at MAIL FROM
		// the sender's (confREJECT_MSG, "550 5.7.1 Access denied", after
		// "<addr>..."), so there the sender is refused.
		{reason: SecurityError, phrases: accessDeniedPhrases, client: true, sender: true},
		// Wordings no phrase above holds word for word, read by their
		// words (concepts.go): after every phrase of a verdict, before
		// the failures that are nobody's verdict.
		{reason: MailboxFull, also: mailboxFullConcept.match},
		{reason: Suspend, also: suspendConcept.match},
		{reason: Suspend, also: lockedConcept.match},
		{reason: UserUnknown, also: userUnknownConcept.match},
		{reason: NoRelaying, also: noRelayingConcept.match},
		{reason: AuthFailure, also: authFailureConcept.match},
		{reason: Speeding, also: rateConcept.match},
		{reason: Speeding, also: tooQuicklyConcept.match},
		{reason: TooManyConn, also: connectionsConcept.match},
		{reason: MesgTooBig, also: sizeConcept.match},
		{reason: Rejected, also: senderConcept.match},
		{reason: Blocked, also: clientConcept.match},
		{reason: Blocked, also: clientAddressConcept.match},
		{reason: Expired, also: gaveUpConcept.match},
		// Last, the failures that are nobody's verdict on this message:
		// the sending MTA giving up (RFC 3463 x.4.7; its bounce quotes
		// the last reply, read above first), a full system (x.3.1), the
		// network (x.4), the receiving system (x.3), a delivery program
		// (RFC 3464 §2.3.6 x-unix) and protocol syntax (RFC 5321 §4.2.2
		// 500-504): each names a condition, not why the receiver refused,
		// so any verdict named beside them decides first.
		// Postfix's delay warning says "Your message could not be
		// delivered for more than 4 hour(s)." and that it will be retried
		// (bounce(5), the delay template): Sendmail's "could not be
		// delivered for 5 days" of a message it gave up, not yet.
		{reason: Expired, phrases: gaveUpPhrases, unless: []string{"could not be delivered for more than"}},
		{reason: SystemFull, phrases: systemFullPhrases},
		// Exim's pipe transport says its command ran too long as "pipe
		// delivery process timed out" (src/src/transports/pipe.c): the
		// delivery program's failure (mailerErrorPhrases), not a network's.
		{reason: NetworkError, phrases: networkErrorPhrases, unless: []string{"pipe delivery process"}},
		{reason: SystemError, phrases: systemErrorPhrases},
		{reason: MailerError, phrases: mailerErrorPhrases},
		{reason: SyntaxError, phrases: syntaxErrorPhrases},
		// Postfix's reject_unverified_recipient answers with the probe's
		// outcome (src/smtpd/smtpd_check.c, reject_unverified_address()):
		// "undeliverable address: x" when the probe bounced, "unverified
		// address: x" when it was deferred or has not finished (x is then
		// verify(8)'s "Address verification in progress", src/verify/
		// verify.c, status DEL_RCPT_STAT_TODO), both "450 4.1.1" by
		// default, and "address verification problem" when the verify
		// service failed. Unless the deferral's own words name a reason
		// (read above: "unverified address: unknown user: x", a
		// temporary unknown user), the 4.1.1 names no missing mailbox:
		// the receiving system has not checked yet, and a notice that the
		// sending MTA gave up on it is a delivery that expired.
		{reason: SystemError, phrases: []string{"unverified address:", "address verification problem"}},
	}
	r.local = []detector{
		{reason: MailboxFull, phrases: slices.Concat(mailboxFullPhrases, quotaWordPhrases)},
		// A full file system is the system's, not the program's failure
		// (RFC 3463 x.3.1 "Mail system full").
		{reason: SystemFull, phrases: systemFullPhrases},
		// Mailman's mail scripts (scripts/post, and its join, owner,
		// bounces ... scripts) check the list first ("Make sure the list
		// exists") and, finding none by that name, write "post script,
		// list not found: x" and exit 1: no such list, the address's
		// verdict, whatever the exit code (the delivery program's
		// words, not its failure).
		{reason: UserUnknown, phrases: []string{"script, list not found"}},
		{reason: MailerError, phrases: mailerErrorPhrases},
	}
	for i := range r.wording {
		r.wording[i].compile()
		if r.wording[i].reason == RequirePTR {
			r.ptr = &r.wording[i]
		}
	}
	for i := range r.local {
		r.local[i].compile()
	}
	r.vacation = detector{reason: Vacation, phrases: vacationPhrases}
	for _, pc := range providerCodes {
		r.providers.phrases = append(r.providers.phrases, pc.code)
	}
	r.providers.compile()
	r.bodies = detector{phrases: bounceBodies}
	r.bodies.compile()
	r.delays = detector{phrases: delayPhrases}
	r.delays.compile()
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

// hostUnknownUnless are the host-unknown detector's vetoes: a lookup
// failing for now (Postfix's "Host or domain name not found ... try
// again", a SERVFAIL), and the HELO name's or the sender's domain named
// missing, not the recipient's.
var hostUnknownUnless = []string{"not found, try again", "helo command rejected", "sender domain", "sender's domain", "servfail"}

// hostDoesNotExist matches "<host.name> does not exist": a domain, not a
// mailbox, named as missing (RFC 3463 x.1.2, "the destination system
// specified in the address does not exist"). "Couldn't be found" says the
// same, as Exchange Online's NDR says it of an address that does not exist
// ("Your message wasn't delivered to x because the address couldn't be
// found", userUnknownPhrases): Gmail's notice for a domain with no DNS
// records says "... because the domain example.org couldn't be found"
// (its notice in external_whole_test.go); not where the notice goes on to
// a lookup that failed for now (the detector's unless words, read here
// because a detector's also test comes before them: Gmail's same sentence
// above "DNS Error: ... responded with code SERVFAIL").
func hostDoesNotExist(text string) bool {
	named := func(missing string) bool {
		return anyAt(text, missing, func(at int) bool {
			word := text[strings.LastIndexByte(text[:at], ' ')+1 : at]
			word = strings.Trim(word, "<>'\"")
			return strings.Count(word, ".") >= 1 && !strings.Contains(word, "@") && len(word) > 3 &&
				strings.IndexFunc(word, isLetter) >= 0
		})
	}
	if named(" does not exist") {
		return true
	}
	return (named(" couldn't be found") || named(" could not be found")) && !hasAny(text, hostUnknownUnless)
}

// unknownUserVeto vetoes the unknown-user wording where a domain, not a
// mailbox, is named missing (hostDoesNotExist), and where Exchange's NDR
// explains a remote server's reply in its own canned words that the reply
// does not bear out. Exchange quotes the reply after "Remote Server
// returned '" and writes its explanation from the status the reply gives:
// a relay's "554 5.1.1 <relay #5.1.1 SMTP; 550-<ip> , Your e-mail service
// was detected by mx-ha.web.de (NiX Spam)>" (the sending host on web.de's
// NiX Spam list) came under "The email address you entered couldn't be
// found" (an NDR from Forcepoint's MailControl pasted at
// pastebin.com/MrYKXZfw). The reply's own words decide; with none of an
// unknown user, its status still reads (x.1.1).
func unknownUserVeto(text string) bool {
	if hostDoesNotExist(text) {
		return true
	}
	i := strings.Index(text, "remote server returned '")
	if i < 0 {
		return false
	}
	reply := text[i:]
	for _, p := range userUnknownPhrases {
		if matchPhrase(reply, p) {
			return false
		}
	}
	return true
}

// nameIsNotAddr matches "<host.name> is not <IPv4 address>": the server
// looked the sending host's or sender domain's name up and it does not
// lead to the connecting address, the forward-confirmed reverse DNS check
// (RFC 8601 §3's iprev; Postfix words it "hostname x does not resolve to
// address y").
func nameIsNotAddr(text string) bool {
	if strings.Contains(text, "does not resolve to address") {
		return true // Postfix postconf(5), reject_unknown_client_hostname
	}
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

// statusDescriptions are the descriptions the IANA "SMTP Enhanced Status
// Codes" registry gives its codes (RFC 3463 §3.3-3.9 and the codes RFC
// 4954, 5248, 6531, 7293, 7372, 7505, 8617 and 8689 added), lower case,
// with the subject.detail they name. Servers send them as their reply
// text ("550 Mailbox disabled, not accepting messages"); a reply with no
// specific code is read as the code its words name. Descriptions of
// success (x.1.5, x.1.9, x.3.6) are left out, and so are those the
// phrase tables already read.
var statusDescriptions = []statusText{
	{"other address status", ".1.0"},
	{"destination mailbox address ambiguous", ".1.4"},
	{"destination mailbox has moved", ".1.6"},
	{"bad sender's mailbox address syntax", ".1.7"},
	{"bad sender's system address", ".1.8"},
	{"other or undefined mailbox status", ".2.0"},
	{"mailing list expansion problem", ".2.4"},
	{"other or undefined mail system status", ".3.0"},
	{"system not accepting network messages", ".3.2"},
	{"system not capable of selected features", ".3.3"},
	{"system incorrectly configured", ".3.5"},
	{"other or undefined network or routing status", ".4.0"},
	{"no answer from host", ".4.1"},
	{"bad connection", ".4.2"},
	{"directory server failure", ".4.3"},
	{"unable to route", ".4.4"},
	{"mail system congestion", ".4.5"},
	{"other or undefined protocol status", ".5.0"},
	{"invalid command arguments", ".5.4"},
	{"wrong protocol version", ".5.5"},
	{"authentication exchange line is too long", ".5.6"},
	{"other or undefined media error", ".6.0"},
	{"media not supported", ".6.1"},
	{"conversion required and prohibited", ".6.2"},
	{"conversion required but not supported", ".6.3"},
	{"conversion failed", ".6.5"},
	{"message content not available", ".6.6"},
	{"non-ascii addresses not permitted", ".6.7"},
	{"other or undefined security status", ".7.0"},
	{"mailing list expansion prohibited", ".7.2"},
	{"security conversion required but not possible", ".7.3"},
	{"security features not supported", ".7.4"},
	{"cryptographic failure", ".7.5"},
	{"cryptographic algorithm not supported", ".7.6"},
	{"message integrity failure", ".7.7"},
	{"authentication credentials invalid", ".7.8"},
	{"authentication mechanism is too weak", ".7.9"},
	{"encryption needed", ".7.10"},
	{"encryption required for requested authentication mechanism", ".7.11"},
	{"a password transition is needed", ".7.12"},
	{"trust relationship required", ".7.14"},
	{"priority level is too low", ".7.15"},
	{"message is too big for the specified priority", ".7.16"},
	{"mailbox owner has changed", ".7.17"},
	{"domain owner has changed", ".7.18"},
	{"rrvs test cannot be completed", ".7.19"},
	{"no passing dkim signature found", ".7.20"},
	{"no acceptable dkim signature found", ".7.21"},
	{"no valid author-matched dkim signature found", ".7.22"},
	{"multiple authentication checks failed", ".7.26"},
	{"mail flood detected", ".7.28"},
	{"arc validation failure", ".7.29"},
	{"requiretls support required", ".7.30"},
}

// describedStatus returns the subject.detail whose registered description
// the text gives, or "".
func describedStatus(text string) string {
	for _, table := range [...][]statusText{statusDescriptions, statusWordings} {
		for _, d := range table {
			if strings.Contains(text, d.text) {
				return d.sd
			}
		}
	}
	return ""
}

// statusText is words that name a registered code's subject.detail.
type statusText struct{ text, sd string }

// statusWordings are products' own words for a registered code's meaning,
// read as that code as statusDescriptions are.
var statusWordings = []statusText{
	// RFC 3463 x.1.4 "Destination mailbox address ambiguous: the mailbox
	// address as specified matches one or more recipients on the
	// destination system". Domino's router "returns a delivery failure
	// when it finds a name associated with more than one directory entry"
	// (Domino 6 Administrator help, "Router is finding the same name in
	// multiple directories"; the SMTPDenyNotUniqueRcpt setting rejects such
	// names), its notice reading "Recipient user name x not unique.
	// Several matches found in Domino Directory." (seen in
	// ronbeltran/bounce_email, tests/bounces/tt_bounce_15.txt); Exchange
	// 5.5's "The recipient name is ambiguous." (Microsoft KB 251152).
	{"several matches found in domino directory", ".1.4"},
	{"recipient name is ambiguous", ".1.4"},
}

// spamNotVerdict reports whether every "spam" in text is no verdict on
// the message. It may be the start of the name "Spamhaus", a list of
// sending hosts unless its domain list, the DBL, is named: "ZEN is the
// combination of all Spamhaus IP-based DNSBLs ... It contains the SBL,
// SBLCSS, XBL and PBL blocklists", not to be used "for anything other
// than checking IP addresses that hand off to your mailservers"
// (spamhaus.org/zen/). The word in the list's name is no verdict on the
// message, as "virus" in a scanner's name is none (productVirus). Or it
// may be part of a link, a word holding "://" or starting "www.": a URI
// identifies a resource (RFC 3986 §1.1), its words that resource's name,
// not the reply's: Interhack's "Domain does not resolve - see
// http://www.interhack.net/projects/spam/resolve.html" refuses a sender
// domain that does not resolve (the page it links), and
// "Rejected - see http://spam.guxhagen.net/" a connecting host (its
// page: the host's IP on the site's own list).
func spamNotVerdict(text string) bool {
	if namesDBL(text) {
		return false
	}
	found := false
	for off := 0; ; {
		i := strings.Index(text[off:], "spam")
		if i < 0 {
			return found
		}
		i += off
		found = true
		word := text[strings.LastIndexAny(text[:i], " \t<>\"'(")+1:]
		if end := strings.IndexAny(word, " \t<>\"')"); end >= 0 {
			word = word[:end]
		}
		// antispameurope, Hornetsecurity's former name, names its own
		// headers in its replies ("554 5.5.6 Loop detection > 10 mal
		// X-antispameurope-disclaimer", support.everycloud.com, article
		// 4000007755): a product's name, no verdict.
		if !strings.HasPrefix(text[i:], "spamhaus") && !strings.HasPrefix(word, "x-antispameurope") && !strings.Contains(word, "://") && !strings.HasPrefix(word, "www.") {
			return false
		}
		off = i + len("spam")
	}
}

// namesDBL reports whether text names the Spamhaus DBL, its list of
// domains found in messages, not of sending hosts (hostListURLs).
func namesDBL(text string) bool { return strings.Contains(text, "dbl") }

// productVirus reports text whose only "virus" is part of a scanning
// product's name, with no other word of virusPhrases: a gateway's banner
// heads its notices whatever they report ("Message from InterScan E-Mail
// VirusWall NT", Trend Micro's InterScan VirusWall; "Symantec AntiVirus
// for SMTP Gateways"), and its "The following mail could not be
// delivered. Reason: Exceeded Maximum Delivery Attempts" is no verdict on
// a virus. "virus" counts as a word, or its plural, not inside another.
func productVirus(text string) bool {
	for _, p := range virusPhrases {
		if p != "virus" && strings.Contains(text, p) {
			return false
		}
	}
	for off := 0; ; {
		i := strings.Index(text[off:], "virus")
		if i < 0 {
			return true
		}
		i += off
		off = i + len("virus")
		before := i > 0 && isLetter(rune(text[i-1]))
		rest := text[off:]
		after := len(rest) > 0 && isLetter(rune(rest[0])) && !(strings.HasPrefix(rest, "es") && (len(rest) == 2 || !isLetter(rune(rest[2]))))
		if !before && !after {
			return false
		}
	}
}
