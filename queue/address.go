package queue

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mxkit/mxkit/address"
)

// maxParam is our own bound for DSN parameters and metadata.
const maxParam = 500

// CheckAddress reports whether addr is a mailbox that can be put in an SMTP
// command, by the rules every mxkit package shares (address.Parse: RFC 5321
// §4.1.2 with RFC 6531 UTF-8, the length limits of §4.5.3.1, no control
// characters, no angle brackets). It returns an *AddressError.
func CheckAddress(addr string) error {
	if _, err := address.Parse(addr); err != nil {
		reason := err.Error()
		var ae *address.Error
		if errors.As(err, &ae) {
			reason = ae.Reason
		}
		return &AddressError{Addr: addr, Reason: reason}
	}
	return nil
}

// domainOf returns the domain of a checked address in canonical form
// (lower-case A-labels, as address.Parse gives it), so that two spellings
// of one domain are one destination.
func domainOf(addr string) string {
	if a, err := address.Parse(addr); err == nil {
		return a.Domain.ASCII()
	}
	return strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
}

// checkText refuses control characters and overlong values in parameters
// and metadata that may end up in SMTP commands or headers.
func checkText(field, v string) error {
	if len(v) > maxParam {
		return fmt.Errorf("%w: %s longer than %d octets", ErrInvalidInput, field, maxParam)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidInput, field)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%w: control character in %s", ErrInvalidInput, field)
		}
	}
	return nil
}

// Check validates an envelope before it is queued: a valid or null sender,
// at least one recipient, every recipient a valid address (each once), and
// no control characters in parameters and metadata. Stores call it in
// Enqueue. Errors match ErrNoRecipients, ErrInvalidAddress or
// ErrInvalidInput.
func (e *Envelope) Check() error {
	if e.From != "" {
		if err := CheckAddress(e.From); err != nil {
			return err
		}
	}
	if len(e.Recipients) == 0 {
		return ErrNoRecipients
	}
	seen := make(map[string]bool, len(e.Recipients))
	for i := range e.Recipients {
		r := &e.Recipients[i]
		if err := CheckAddress(r.Addr); err != nil {
			return err
		}
		if seen[r.Addr] {
			return fmt.Errorf("%w: recipient %q given twice", ErrInvalidInput, r.Addr)
		}
		seen[r.Addr] = true
		if r.State > Canceled {
			return fmt.Errorf("%w: recipient %q has state %d", ErrInvalidInput, r.Addr, r.State)
		}
		if err := checkText("NOTIFY", r.Notify); err != nil {
			return err
		}
		if err := checkText("ORCPT", r.ORcpt); err != nil {
			return err
		}
		for _, o := range r.History {
			if err := checkText("History text", o.Text); err != nil {
				return err
			}
			if err := checkText("History host", o.Host); err != nil {
				return err
			}
		}
	}
	if e.Priority < PriorityBulk || e.Priority > PriorityTransactional {
		return fmt.Errorf("%w: priority %d", ErrInvalidInput, e.Priority)
	}
	switch e.Ret {
	case "", "FULL", "HDRS": // RFC 3461 §4.3
	default:
		return fmt.Errorf("%w: RET must be FULL or HDRS, not %q", ErrInvalidInput, e.Ret)
	}
	for _, f := range []struct{ name, v string }{
		{"ENVID", e.EnvID}, {"Tenant", e.Tenant}, {"Campaign", e.Campaign},
		{"Class", e.Class}, {"IdempotencyKey", e.IdempotencyKey},
	} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// DestDomain returns the destination domain of a checked envelope: the
// lower-cased domain when all recipients share it, else "".
func (e *Envelope) DestDomain() string {
	if len(e.Recipients) == 0 {
		return ""
	}
	d := domainOf(e.Recipients[0].Addr)
	for _, r := range e.Recipients[1:] {
		if domainOf(r.Addr) != d {
			return ""
		}
	}
	return d
}
