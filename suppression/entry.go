package suppression

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mxkit/mxkit/address"
)

// Reason is why an address or domain is suppressed.
type Reason string

// The reasons an entry can have.
const (
	// HardBounce: a permanent failure that no retry can fix (the mailbox
	// or the domain does not exist, has moved, accepts no mail).
	HardBounce Reason = "hard-bounce"
	// SoftBounce: repeated soft failures about the recipient (a full or
	// disabled mailbox), past List.SoftLimit within List.SoftWindow.
	SoftBounce Reason = "soft-bounce"
	// Complaint: the recipient reported a message as spam (an RFC 5965
	// feedback report).
	Complaint Reason = "complaint"
	// Unsubscribe: the recipient opted out (RFC 8058 one-click, or a
	// List-Unsubscribe mailto: request).
	Unsubscribe Reason = "unsubscribe"
	// InvalidAddress: the address is malformed (RFC 3463 X.1.3).
	InvalidAddress Reason = "invalid-address"
	// Manual: added by an operator or imported.
	Manual Reason = "manual"
)

var reasons = [...]Reason{HardBounce, SoftBounce, Complaint, Unsubscribe, InvalidAddress, Manual}

// Valid reports whether r is one of the reasons above.
func (r Reason) Valid() bool {
	for _, x := range reasons {
		if r == x {
			return true
		}
	}
	return false
}

// Evidence is what an entry was decided on. Only the fields of its kind
// are set.
type Evidence struct {
	// Bounces and SMTP outcomes: the classified reason, the RFC 3463
	// status, the reply or Diagnostic-Code, the remote host, and how
	// many soft failures were counted.
	BounceReason string `json:"bounce_reason,omitempty"`
	Status       string `json:"status,omitempty"`
	Diagnostic   string `json:"diagnostic,omitempty"`
	RemoteMTA    string `json:"remote_mta,omitempty"`
	SoftCount    int    `json:"soft_count,omitempty"`
	// Feedback reports (RFC 5965 §3.1): Feedback-Type, User-Agent,
	// Source-IP and Arrival-Date.
	FeedbackType string    `json:"feedback_type,omitempty"`
	UserAgent    string    `json:"user_agent,omitempty"`
	SourceIP     string    `json:"source_ip,omitempty"`
	ArrivalDate  time.Time `json:"arrival_date,omitzero"`
	// Unsubscribes: the list opted out of (the time is Entry.Created).
	List string `json:"list,omitempty"`
	// MessageID is the Message-ID of the message the evidence is about.
	MessageID string `json:"message_id,omitempty"`
	// Note is free text (manual entries, imports).
	Note string `json:"note,omitempty"`
}

// maxField bounds each text of an Evidence, so that a hostile bounce
// cannot bloat the store.
const maxField = 1000

func (e *Evidence) clip() {
	for _, f := range []*string{&e.BounceReason, &e.Status, &e.Diagnostic, &e.RemoteMTA, &e.FeedbackType,
		&e.UserAgent, &e.SourceIP, &e.List, &e.MessageID, &e.Note} {
		*f = clip(*f)
	}
}

func clip(s string) string {
	if len(s) <= maxField {
		return s
	}
	s = s[:maxField]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// Entry is one suppressed address or domain.
type Entry struct {
	// Address is a mailbox in canonical form (see Normalize), or, for an entry
	// that covers a whole domain, the domain alone.
	Address string `json:"address"`
	// Tenant scopes the entry to one tenant's mail; "" means all
	// tenants.
	Tenant   string    `json:"tenant,omitempty"`
	Reason   Reason    `json:"reason"`
	Evidence Evidence  `json:"evidence,omitzero"`
	Created  time.Time `json:"created"`
	// Expires, when set, is when the entry stops suppressing.
	Expires time.Time `json:"expires,omitzero"`
}

// IsDomain reports whether the entry covers a whole domain.
func (e *Entry) IsDomain() bool { return strings.IndexByte(e.Address, '@') < 0 }

// Expired reports whether the entry no longer suppresses at now.
func (e *Entry) Expired(now time.Time) bool { return !e.Expires.IsZero() && !now.Before(e.Expires) }

// ErrInvalid is matched (errors.Is) by every error about a malformed
// address, domain, tenant or entry.
var ErrInvalid = errors.New("suppression: invalid entry")

// ErrNotFound is returned for an entry that does not exist.
var ErrNotFound = errors.New("suppression: no such entry")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Normalize returns the canonical form of a mailbox or domain, as entries are
// stored and looked up: a mailbox parsed with address.Parse, its domain
// in canonical form (lower-case A-labels) and its local part lower-cased,
// or a domain (no "@") parsed with address.ParseDomain. Local parts are
// case-sensitive in RFC 5321 §2.4, but a suppression list must match
// John@ when john@ complained: no provider hands out mailboxes that
// differ by case, and suppressing one too many beats mailing one who
// opted out. Nothing else is rewritten (no dots or +tags removed: that is
// one provider's rule, not a standard). Errors match ErrInvalid.
func Normalize(s string) (string, error) {
	if strings.IndexByte(s, '@') < 0 {
		d, err := address.ParseDomain(s)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		return d.ASCII(), nil
	}
	a, err := address.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return strings.ToLower(dotString(a.Local)) + "@" + a.Domain.ASCII(), nil
}

// dotString returns a quoted local part that needs no quotes as its
// dot-string: "eve" and "e\ve" are the mailbox eve (RFC 5321 §4.1.2, a
// quoted-string and the dot-string of the same characters are the same
// local part; §4.1.2 asks senders for the dot-string form), so that an
// entry for eve@ stops them too. Other local parts are returned as they
// are.
func dotString(local string) string {
	if len(local) < 2 || local[0] != '"' {
		return local
	}
	var b strings.Builder
	for i := 1; i < len(local)-1; i++ {
		if local[i] == '\\' {
			i++
		}
		b.WriteByte(local[i])
	}
	// The dot-string rules are address.Parse's.
	if a, err := address.Parse(b.String() + "@x"); err == nil && a.Local[0] != '"' {
		return a.Local
	}
	return local
}

// checkTenant refuses tenants that could not be stored or printed safely.
func checkTenant(t string) error {
	if len(t) > 255 {
		return invalid("tenant longer than 255 octets")
	}
	if !utf8.ValidString(t) {
		return invalid("tenant %q is not UTF-8", t)
	}
	for _, r := range t {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return invalid("control character in tenant %q", t)
		}
	}
	return nil
}

// Check reports whether e is an entry a Store may keep: Address in
// canonical form (Normalize), a valid tenant and reason, and a creation time.
// Stores call it on every Put; Evidence texts are clipped to 1000 octets.
func (e *Entry) Check() error {
	if err := checkTenant(e.Tenant); err != nil {
		return err
	}
	k, err := Normalize(e.Address)
	if err != nil {
		return err
	}
	if k != e.Address {
		return invalid("address %q is not in canonical form (%q)", e.Address, k)
	}
	if !e.Reason.Valid() {
		return invalid("unknown reason %q", e.Reason)
	}
	if e.Created.IsZero() {
		return invalid("no creation time")
	}
	e.Evidence.clip()
	return nil
}
