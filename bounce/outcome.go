package bounce

import (
	"github.com/mxkit/mxkit/delivery"
)

// noReply gives the reason of the failures mxkit's smtpclient reports
// with no server reply, by the RFC 3463 code it gives them (the outcome's
// Stage says where). The status code alone would read some of them
// otherwise: X.4.1 "no answer from host" is not an expiry, X.7.4 and X.7.5
// are TLS that could not be had.
var noReply = map[delivery.EnhancedCode]Reason{
	{5, 1, 2}:  HostUnknown,    // the domain does not exist (NXDOMAIN) or is not a valid mail domain
	{5, 1, 10}: NotAccept,      // null MX (RFC 7505 §4.2)
	{5, 4, 4}:  HostUnknown,    // no MX host with an address: nowhere to deliver
	{4, 4, 3}:  NetworkError,   // DNS lookup failed (RFC 3463 X.4.3: directory server failure)
	{4, 4, 1}:  NetworkError,   // no answer from any host
	{4, 4, 2}:  NetworkError,   // the connection broke or timed out
	{4, 7, 4}:  FailedSTARTTLS, // STARTTLS not offered under a policy that requires TLS
	{4, 7, 5}:  FailedSTARTTLS, // TLS handshake, certificate or DANE check failed
	{5, 7, 30}: FailedSTARTTLS, // REQUIRETLS could not be honoured (RFC 8689 §5)
	{4, 4, 5}:  Speeding,       // the sender's own pace: every source address is at its warm-up cap
	{4, 3, 0}:  SystemError,    // the sending side failed (reading the message, ...)
	{4, 3, 2}:  SystemError,    // the sending side was shut down
	{4, 3, 5}:  SystemError,    // the sending side is not configured to send
	{4, 4, 7}:  Expired,        // the queue gave up (RFC 3463 X.4.7: delivery time expired)
}

// ClassifyOutcome classifies one recipient's delivery outcome — as
// smtpclient returns it and queue stores it — with the same reasons as
// Parse gives bounced recipients. A server's reply goes through
// ClassifyReply with the command its stage answered; an outcome no server
// answered is read from the code its producer gave it. Temporary is the
// outcome's own verdict (Status Deferred), so the two never disagree; Hard
// is set only for failed outcomes.
func ClassifyOutcome(o *delivery.Outcome) Classification {
	var c Classification
	switch {
	case o.Status == delivery.Delivered:
		st := o.Enhanced.String()
		if st == "" || o.Enhanced[0] != 2 {
			st = "2.0.0"
		}
		return Classification{Reason: Delivered, Status: st}
	case o.Code != 0:
		c = ClassifyReply(o.Stage.Command(), o.Code, o.Enhanced.String(), o.Text)
	default:
		c = Classify(0, o.Enhanced.String(), o.Text)
		if r, ok := noReply[o.Enhanced]; ok {
			c.Reason = r
			c.Status = o.Enhanced.String()
			c.Hard = o.Enhanced[0] == 5 && hardReason(r)
		}
	}
	c.Temporary = o.Status == delivery.Deferred
	if c.Temporary {
		c.Hard = false
	}
	return c
}

// NewDSNRecipient returns the per-recipient fields of a DSN (RFC 3464
// §2.3) for an outcome: Action from its status ("failed", "delayed" or
// "delivered"), Status from ClassifyOutcome, and, when a remote server
// answered, Remote-MTA and its reply as the Diagnostic-Code. Callers set
// OriginalRecipient, and Action "relayed" or "expanded" where it applies.
func NewDSNRecipient(o *delivery.Outcome) DSNRecipient {
	r := DSNRecipient{FinalRecipient: o.Recipient, Status: ClassifyOutcome(o).Status, LastAttemptDate: o.Time}
	switch o.Status {
	case delivery.Delivered:
		r.Action = "delivered"
	case delivery.Deferred:
		r.Action = "delayed"
	default:
		r.Action = "failed"
	}
	if o.Code != 0 {
		r.RemoteMTA = o.Host
		r.DiagnosticCode = o.Reply()
	}
	return r
}
