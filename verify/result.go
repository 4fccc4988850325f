package verify

import (
	"fmt"
	"strings"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/delivery"
)

// Verdict is the answer to "is this address worth sending to?".
type Verdict uint8

const (
	// Unknown: a check could not be made now (a DNS failure or timeout,
	// the suppression store failing, the context ending). Ask again
	// later; Result.Err says why.
	Unknown Verdict = iota
	// Deliverable: nothing found against the address. It looks
	// deliverable; whether the mailbox exists only its server knows, and
	// it is not asked.
	Deliverable
	// Risky: mail may be delivered, but the address is one a careful
	// sender treats with caution (a role account, a disposable domain, a
	// domain without MX records, an address literal).
	Risky
	// Undeliverable: mail to the address cannot be delivered, or must
	// not be sent (bad syntax, a domain that does not exist or takes no
	// mail, a reserved name, a suppressed address).
	Undeliverable
)

var verdictNames = [...]string{Unknown: "unknown", Deliverable: "deliverable", Risky: "risky", Undeliverable: "undeliverable"}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// MarshalText returns String.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText parses the names String returns.
func (v *Verdict) UnmarshalText(b []byte) error {
	for i, n := range verdictNames {
		if n == string(b) {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("verify: unknown verdict %q", b)
}

// worse reports whether v outranks w in a result: Undeliverable, then
// Unknown (a check is missing), then Risky, then Deliverable.
func (v Verdict) worse(w Verdict) bool { return verdictRank(v) > verdictRank(w) }

func verdictRank(v Verdict) int {
	switch v {
	case Undeliverable:
		return 3
	case Unknown:
		return 2
	case Risky:
		return 1
	}
	return 0
}

// Kind is what a check found. Each kind leads to one verdict on its own
// (Kind.Verdict); a Result's verdict is the worst of its reasons'.
type Kind uint8

const (
	_ Kind = iota
	// Syntax: not a mailbox an SMTP envelope accepts (RFC 5321 §4.1.2,
	// §4.5.3.1; RFC 6531 §3.3), by the address package's rules.
	// Undeliverable.
	Syntax
	// SMTPUTF8: the local part is not ASCII, so the address can only be
	// sent to a server that offers SMTPUTF8 (RFC 6531 §3.2), through
	// every hop. Information.
	SMTPUTF8
	// IDN: the domain is internationalised; it is sent in its A-label
	// form (RFC 5890) and needs no SMTPUTF8 on its own. Information.
	IDN
	// AddressLiteral: the domain is an IP address ("[192.0.2.1]", RFC
	// 5321 §4.1.3); no DNS applies and many servers refuse such
	// recipients. Risky.
	AddressLiteral
	// SingleLabel: a domain of one label ("user@com"): dotless domains
	// are refused in the root zone (RFC 7085; ICANN SSAC SAC053) and mail
	// to them is unreliable. Risky.
	SingleLabel
	// ReservedDomain: a name that can never receive Internet mail: RFC
	// 2606 and the IANA special-use domain names registry (RFC 6761 and
	// after), e.g. .test, .example, example.com, .invalid, localhost,
	// .local, .onion. No DNS is asked. Undeliverable.
	ReservedDomain
	// NoSuchDomain: the domain does not exist (NXDOMAIN). Undeliverable.
	NoSuchDomain
	// NullMX: the domain publishes a null MX: it accepts no mail (RFC
	// 7505 §3). Undeliverable.
	NullMX
	// NoMailHost: no MX host (or, without MX records, the domain itself)
	// has an address. Undeliverable.
	NoMailHost
	// UnroutableHost: every address of the mail hosts (or the address
	// literal) is one the Internet does not route: loopback, private,
	// link-local, documentation and the other not globally reachable
	// blocks of the IANA special-purpose address registries (RFC 6890).
	// Undeliverable.
	UnroutableHost
	// ImplicitMX: the domain has no MX records; mail would go to its own
	// address (RFC 5321 §5.1), which domains that take mail seldom rely
	// on. Risky.
	ImplicitMX
	// DNSError: a lookup failed (timeout, server failure); the domain
	// could not be checked. Unknown.
	DNSError
	// Role: the local part names a role or a service rather than a
	// person (postmaster, abuse, info, noreply, …; see roles.go for the
	// list and its sources). Risky.
	Role
	// Disposable: the domain is a disposable-mail service. Risky.
	Disposable
	// FreeMail: the domain is a free-mail provider (gmail.com,
	// outlook.com, …): not a company address, for B2B forms.
	// Information.
	FreeMail
	// Typo: the domain receives no mail and looks like a typing error;
	// Result.Suggestion holds the corrected address. Information (the
	// reason the domain receives no mail is reported on its own).
	Typo
	// Suppressed: the suppression store holds the address (Detail is
	// its reason). Undeliverable.
	Suppressed
	// SuppressionError: the suppression store could not be asked.
	// Unknown.
	SuppressionError
	numKinds
)

var kindInfo = [numKinds]struct {
	name    string
	verdict Verdict
}{
	Syntax:           {"syntax", Undeliverable},
	SMTPUTF8:         {"smtputf8", Deliverable},
	IDN:              {"idn", Deliverable},
	AddressLiteral:   {"address_literal", Risky},
	SingleLabel:      {"single_label", Risky},
	ReservedDomain:   {"reserved_domain", Undeliverable},
	NoSuchDomain:     {"no_such_domain", Undeliverable},
	NullMX:           {"null_mx", Undeliverable},
	NoMailHost:       {"no_mail_host", Undeliverable},
	UnroutableHost:   {"unroutable_host", Undeliverable},
	ImplicitMX:       {"implicit_mx", Risky},
	DNSError:         {"dns_error", Unknown},
	Role:             {"role", Risky},
	Disposable:       {"disposable", Risky},
	FreeMail:         {"free_mail", Deliverable},
	Typo:             {"typo", Deliverable},
	Suppressed:       {"suppressed", Undeliverable},
	SuppressionError: {"suppression_error", Unknown},
}

// String returns the kind's stable snake-case name ("null_mx").
func (k Kind) String() string {
	if k > 0 && k < numKinds {
		return kindInfo[k].name
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Verdict returns the verdict a reason of this kind leads to on its own:
// Deliverable for the kinds that only inform (SMTPUTF8, IDN, FreeMail,
// Typo).
func (k Kind) Verdict() Verdict {
	if k > 0 && k < numKinds {
		return kindInfo[k].verdict
	}
	return Unknown
}

// MarshalText returns String.
func (k Kind) MarshalText() ([]byte, error) {
	if k == 0 || k >= numKinds {
		return nil, fmt.Errorf("verify: invalid Kind(%d)", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText parses the names String returns.
func (k *Kind) UnmarshalText(b []byte) error {
	for i := Kind(1); i < numKinds; i++ {
		if kindInfo[i].name == string(b) {
			*k = i
			return nil
		}
	}
	return fmt.Errorf("verify: unknown reason kind %q", b)
}

// Reason is one finding about an address.
type Reason struct {
	Kind   Kind   `json:"kind"`
	Detail string `json:"detail,omitzero"` // human-readable: what exactly was found
}

func (r Reason) String() string {
	if r.Detail == "" {
		return r.Kind.String()
	}
	return r.Kind.String() + ": " + r.Detail
}

// Result is the verdict on one address and the reasons for it.
type Result struct {
	// Input is the address as given.
	Input string `json:"input"`
	// Address is the parsed address; zero when the syntax is invalid.
	Address address.Address `json:"address,omitzero"`
	Verdict Verdict         `json:"verdict"`
	// Reasons are every finding, in the order the checks ran: the
	// address's, the domain's, then suppression.
	Reasons []Reason `json:"reasons,omitzero"`
	// Suggestion is the address with its domain corrected (Unicode
	// form) when the domain receives no mail and looks like a typing
	// error ("jane@gmial.com" → "jane@gmail.com"); "" otherwise.
	Suggestion string `json:"suggestion,omitzero"`
	// Err is the failure behind an Unknown verdict (a *resolver.Error,
	// the suppression store's error, the context's error); nil otherwise.
	Err error `json:"-"`
}

// Has reports whether the result has a reason of kind k.
func (r *Result) Has(k Kind) bool {
	for _, x := range r.Reasons {
		if x.Kind == k {
			return true
		}
	}
	return false
}

// Reason returns the first reason of kind k.
func (r *Result) Reason(k Kind) (Reason, bool) {
	for _, x := range r.Reasons {
		if x.Kind == k {
			return x, true
		}
	}
	return Reason{}, false
}

func (r *Result) add(k Kind, detail string) {
	r.Reasons = append(r.Reasons, Reason{Kind: k, Detail: detail})
	if v := k.Verdict(); v.worse(r.Verdict) {
		r.Verdict = v
	}
}

// Refusal returns what a server taking mail for relay should answer when
// it refuses this recipient at intake (RCPT TO): the SMTP reply code, the
// RFC 3463 enhanced status code and a text naming the first reason that
// makes the address undeliverable. ok is false unless the verdict is
// Undeliverable.
//
// Codes: 553 5.1.3 for bad syntax (RFC 5321 §4.2.2, RFC 3463 §3.2); 556
// 5.1.10 for a null MX (RFC 7505 §4.2); 550 5.1.2 for a domain that does
// not exist, is reserved, or has no usable mail host (RFC 3463 §3.2 "bad
// destination system address"); 550 5.7.1 for a suppressed address
// (delivery not authorized, RFC 3463 §3.8).
func (r *Result) Refusal() (code int, enhanced delivery.EnhancedCode, text string, ok bool) {
	if r.Verdict != Undeliverable {
		return 0, delivery.EnhancedCode{}, "", false
	}
	for _, x := range r.Reasons {
		if x.Kind.Verdict() != Undeliverable {
			continue
		}
		switch x.Kind {
		case Syntax:
			code, enhanced = 553, delivery.EnhancedCode{5, 1, 3}
		case NullMX:
			code, enhanced = 556, delivery.EnhancedCode{5, 1, 10}
		case Suppressed:
			code, enhanced = 550, delivery.EnhancedCode{5, 7, 1}
		default:
			code, enhanced = 550, delivery.EnhancedCode{5, 1, 2}
		}
		return code, enhanced, refusalText(x), true
	}
	return 550, delivery.EnhancedCode{5, 1, 2}, "recipient address refused", true
}

// refusalText is a reason as reply text: one line of printable ASCII.
func refusalText(x Reason) string {
	s := x.String()
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		b.WriteByte(c)
	}
	if b.Len() > 200 {
		return b.String()[:200]
	}
	return b.String()
}
