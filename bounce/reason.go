package bounce

// Reason is why a message was returned, in a taxonomy a sender can act on.
// The names are the lower-case reason names used by the Sisimai project's
// corpus, so results can be compared with it. See the package documentation
// for what each reason means and what a sender should do.
type Reason string

// The reasons, in alphabetical order.
const (
	AuthFailure     Reason = "authfailure"
	BadReputation   Reason = "badreputation"
	Blocked         Reason = "blocked"
	ContentError    Reason = "contenterror"
	Delivered       Reason = "delivered"
	ExceedLimit     Reason = "exceedlimit"
	Expired         Reason = "expired"
	FailedSTARTTLS  Reason = "failedstarttls"
	Feedback        Reason = "feedback"
	Filtered        Reason = "filtered"
	HasMoved        Reason = "hasmoved"
	HostUnknown     Reason = "hostunknown"
	MailboxFull     Reason = "mailboxfull"
	MailerError     Reason = "mailererror"
	MesgTooBig      Reason = "mesgtoobig"
	NetworkError    Reason = "networkerror"
	NoRelaying      Reason = "norelaying"
	NotAccept       Reason = "notaccept"
	NotCompliantRFC Reason = "notcompliantrfc"
	OnHold          Reason = "onhold"
	PolicyViolation Reason = "policyviolation"
	Rejected        Reason = "rejected"
	RequirePTR      Reason = "requireptr"
	SecurityError   Reason = "securityerror"
	SpamDetected    Reason = "spamdetected"
	Speeding        Reason = "speeding"
	Suspend         Reason = "suspend"
	SyntaxError     Reason = "syntaxerror"
	SystemError     Reason = "systemerror"
	SystemFull      Reason = "systemfull"
	TooManyConn     Reason = "toomanyconn"
	Undefined       Reason = "undefined"
	UserUnknown     Reason = "userunknown"
	Vacation        Reason = "vacation"
	VirusDetected   Reason = "virusdetected"
)

// Classification is the verdict on one failed (or delivered) recipient.
type Classification struct {
	// Reason is the class of the failure.
	Reason Reason
	// Status is the RFC 3463 enhanced status code: the one given, or one
	// inferred from the reply code or the reason ("5.0.0", "4.0.0") when the
	// failure carried none. Empty when nothing indicates a class, as for
	// feedback reports and auto-replies.
	Status string
	// Hard reports that retrying can never succeed: the address or domain
	// does not exist, has moved, or accepts no mail, and the failure was
	// permanent. Senders should suppress the address.
	Hard bool
	// Temporary reports a 4xx class failure (retry later).
	Temporary bool
}

// hardReason lists the reasons for which a permanent failure means the
// address will never work.
func hardReason(r Reason) bool {
	switch r {
	case UserUnknown, HostUnknown, HasMoved, NotAccept:
		return true
	}
	return false
}
