// Package finding is the one shape of a check's result in mxkit: what the
// SPF linter (spf.Lint), the domain audit and the sender-readiness checks
// (package audit) report, each with a severity, what was found, the fix
// and where the rule comes from.
//
// It is a leaf package on its own because of the import rules: audit
// imports spf to lint a domain's SPF policy, so spf cannot import audit,
// and the linter needs the type too. Both take it from here, so a caller
// sorts, counts and prints findings from either the same way.
package finding

import (
	"fmt"
	"strings"
)

// Severity grades a finding.
type Severity uint8

// Severities, from least to most serious.
const (
	Info    Severity = iota // worth knowing, not a problem
	Warning                 // works, but weakly, fragilely, or not as recommended
	Error                   // broken, refused by receivers, or defeats its purpose
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// MarshalText returns the name: "info", "warning" or "error".
func (s Severity) MarshalText() ([]byte, error) {
	if s > Error {
		return nil, fmt.Errorf("finding: invalid severity %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a name MarshalText writes.
func (s *Severity) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) {
	case "info":
		*s = Info
	case "warning":
		*s = Warning
	case "error":
		*s = Error
	default:
		return fmt.Errorf("finding: unknown severity %q", b)
	}
	return nil
}

// Finding is one result of a check.
type Finding struct {
	// Check names the area: "dmarc", "spf", "dkim", "mx", "mta-sts",
	// "tls-rpt", "rdns", "helo", "dnsbl", "message", "unsubscribe", "tls"
	// or "dns".
	Check    string
	Severity Severity
	// Subject is what the finding is about when a check covers several
	// things: a source IP address, a DKIM selector, a blocklist zone.
	// Empty when the check's domain is meant.
	Subject string
	Message string // what was found
	Fix     string // what to change; "" when nothing needs to
	// Source is where the rule comes from: an RFC section or a mailbox
	// provider's published requirements. Empty when the message cites it.
	Source string
}

// String returns the finding on one line: severity, check, subject,
// message, fix and source.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.Severity.String())
	b.WriteByte(' ')
	b.WriteString(f.Check)
	if f.Subject != "" {
		b.WriteString(" [")
		b.WriteString(f.Subject)
		b.WriteByte(']')
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	if f.Fix != "" {
		b.WriteString(" — fix: ")
		b.WriteString(f.Fix)
	}
	if f.Source != "" {
		b.WriteString(" (")
		b.WriteString(f.Source)
		b.WriteByte(')')
	}
	return b.String()
}

// Count returns how many findings of each severity fs holds, indexed by
// Severity.
func Count(fs []Finding) [3]int {
	var n [3]int
	for _, f := range fs {
		if f.Severity <= Error {
			n[f.Severity]++
		}
	}
	return n
}
