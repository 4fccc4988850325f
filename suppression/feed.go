package suppression

import (
	"context"
	"errors"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
)

// softReason reports the soft failure reasons that are about the
// recipient's mailbox, and so count towards SoftLimit. Failures about the
// sender (blocked, spam, rate, authentication, reputation), the message
// (size, content) or the network never suppress a recipient: suppressing
// for them would punish the recipient for the sender's trouble. A queue
// expiry is left out too: its cause is whatever deferred the message.
func softReason(r bounce.Reason) bool {
	switch r {
	case bounce.MailboxFull, bounce.Suspend,
		// Reasons that are hard when permanent, seen without a 5.x.x
		// status (a plain-text bounce that names no code).
		bounce.UserUnknown, bounce.HostUnknown, bounce.HasMoved, bounce.NotAccept:
		return true
	}
	return false
}

// codeBadSyntax is RFC 3463 X.1.3, "bad destination mailbox address
// syntax"; codeNullMX is X.1.10, a null MX (RFC 7505 §4.2).
var (
	codeBadSyntax = delivery.EnhancedCode{5, 1, 3}
	codeNullMX    = delivery.EnhancedCode{5, 1, 10}
)

// Outcome suppresses the recipient of a failed delivery outcome (what
// smtpclient returns and queue stores) when it calls for it, and returns
// the entry in force, or nil. bounce.ClassifyOutcome decides:
//
//   - a hard failure suppresses at once (HardBounce); a null MX found by
//     the route lookup (5.1.10) suppresses the whole domain;
//   - a malformed address (5.1.3) suppresses it (InvalidAddress);
//   - a permanent soft failure about the mailbox (full, disabled)
//     is counted, and SoftLimit of them within SoftWindow suppress it
//     for SoftExpiry (SoftBounce);
//   - deferrals and everything else change nothing (the queue retries;
//     its final expiry is not the recipient's fault).
func (l *List) Outcome(ctx context.Context, tenant string, o *delivery.Outcome) (*Entry, error) {
	if o.Status != delivery.Failed {
		return nil, nil
	}
	c := bounce.ClassifyOutcome(o)
	ev := Evidence{BounceReason: string(c.Reason), Status: c.Status, Diagnostic: o.Reply(), RemoteMTA: o.Host}
	if ev.Diagnostic == "" {
		ev.Diagnostic = o.Text
	}
	at := o.Time
	if at.IsZero() {
		at = time.Now()
	}
	switch {
	case o.Enhanced == codeBadSyntax:
		return l.add(ctx, Entry{Address: o.Recipient, Tenant: tenant, Reason: InvalidAddress, Evidence: ev, Created: at})
	case c.Hard && o.Enhanced == codeNullMX && o.Stage == delivery.StageRoute:
		k, err := Normalize(o.Recipient)
		if err != nil {
			return nil, err
		}
		return l.add(ctx, Entry{Address: k[lastAt(k)+1:], Tenant: tenant, Reason: HardBounce, Evidence: ev, Created: at})
	case c.Hard:
		return l.add(ctx, Entry{Address: o.Recipient, Tenant: tenant, Reason: HardBounce, Evidence: ev, Created: at})
	case softReason(c.Reason):
		return l.soft(ctx, tenant, o.Recipient, ev, at)
	}
	return nil, nil
}

func (l *List) add(ctx context.Context, e Entry) (*Entry, error) {
	got, _, err := l.Add(ctx, e)
	if err != nil {
		return nil, err
	}
	return &got, nil
}

// soft counts one soft failure and suppresses the address when it makes
// SoftLimit.
func (l *List) soft(ctx context.Context, tenant, addr string, ev Evidence, at time.Time) (*Entry, error) {
	k, err := Normalize(addr)
	if err != nil {
		return nil, err
	}
	n, err := l.store.CountSoft(ctx, tenant, k, at, l.opts.SoftWindow)
	if err != nil {
		return nil, err
	}
	if n < l.opts.SoftLimit {
		return nil, nil
	}
	ev.SoftCount = n
	e := Entry{Address: k, Tenant: tenant, Reason: SoftBounce, Evidence: ev, Created: at}
	if l.opts.SoftExpiry > 0 {
		e.Expires = at.Add(l.opts.SoftExpiry)
	}
	return l.add(ctx, e)
}

// Report suppresses what a parsed bounce or feedback report calls for, for
// tenant (the caller finds it from the report's Original header, VERP
// address or Message-ID), and returns the entries in force for it:
//
//   - a DSN or other bounce: each failed recipient as Outcome would (hard
//     at once, soft by count); delayed and delivered ones change nothing;
//   - a feedback report (RFC 5965): a complaint (Feedback-Type abuse,
//     fraud, virus, other, or none) suppresses each reported recipient
//     (Original-Rcpt-To, or the original message's To); an RFC 2369
//     unsubscribe request suppresses as Unsubscribe; not-spam and
//     auth-failure reports change nothing. Providers that redact the
//     recipient leave nothing to suppress here: match the report's
//     MessageID to your own send log and call Add.
//
// Recipients that are not valid addresses are skipped; the error then
// says which, with the entries for the others returned.
func (l *List) Report(ctx context.Context, tenant string, rep *bounce.Report) ([]Entry, error) {
	var out []Entry
	var errs []error
	keep := func(e *Entry, err error) {
		if err != nil {
			errs = append(errs, err)
		} else if e != nil {
			out = append(out, *e)
		}
	}
	switch rep.Kind {
	case bounce.KindFeedback:
		reason, ok := feedbackReason(rep.Feedback)
		if !ok {
			return nil, nil
		}
		ev := Evidence{MessageID: rep.MessageID}
		at := time.Now()
		if fb := rep.Feedback; fb != nil {
			ev.FeedbackType, ev.UserAgent, ev.SourceIP, ev.ArrivalDate = fb.Type, fb.UserAgent, fb.SourceIP, fb.ArrivalDate
		}
		for _, r := range rep.Recipients {
			if r.FinalRecipient == "" {
				continue
			}
			keep(l.add(ctx, Entry{Address: r.FinalRecipient, Tenant: tenant, Reason: reason, Evidence: ev, Created: at}))
		}
	case bounce.KindDSN, bounce.KindNonStandard:
		for _, r := range rep.Recipients {
			if r.Action != "failed" || r.Temporary || r.FinalRecipient == "" {
				continue
			}
			ev := Evidence{BounceReason: string(r.Reason), Status: r.Status, Diagnostic: r.DiagnosticCode,
				RemoteMTA: r.RemoteMTA, MessageID: rep.MessageID}
			at := r.LastAttemptDate
			if at.IsZero() || at.After(time.Now()) {
				at = time.Now()
			}
			switch {
			case r.Hard:
				keep(l.add(ctx, Entry{Address: r.FinalRecipient, Tenant: tenant, Reason: HardBounce, Evidence: ev, Created: at}))
			case softReason(r.Reason):
				keep(l.soft(ctx, tenant, r.FinalRecipient, ev, at))
			}
		}
	}
	return out, errors.Join(errs...)
}

// feedbackReason maps an RFC 5965 §7.3 Feedback-Type to the entry it
// calls for.
func feedbackReason(fb *bounce.FeedbackReport) (Reason, bool) {
	if fb == nil {
		return Complaint, true
	}
	switch fb.Type {
	case "abuse", "fraud", "virus", "other", "":
		return Complaint, true
	case "unsubscribe": // RFC 2369 §3.2 mailto: request, as bounce.Parse reports it
		return Unsubscribe, true
	}
	// "not-spam" (RFC 6650 §4) undoes nothing by itself; "auth-failure"
	// (RFC 6591) is about the sender's authentication, not the
	// recipient.
	return "", false
}

// Unsubscribe suppresses addr for tenant after an opt-out from list (the
// list's name or id; "" for all of the tenant's mail) and returns the
// entry in force. A repeated request keeps the first entry.
func (l *List) Unsubscribe(ctx context.Context, tenant, addr, list string) (Entry, error) {
	e, _, err := l.Add(ctx, Entry{Address: addr, Tenant: tenant, Reason: Unsubscribe, Evidence: Evidence{List: list}})
	return e, err
}
