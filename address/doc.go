// Package address parses and checks mail domains and addresses: the one
// set of rules every mxkit package uses, so that two packages never disagree
// about whether a name is valid or which two spellings are the same domain.
//
// ParseDomain gives a Domain in canonical form:
//
//   - Case: ASCII letters are lower-cased (domains are case-insensitive,
//     RFC 5321 §2.4); the local part of an address keeps its case, which only
//     the receiving host may interpret.
//   - IDNA: labels with non-ASCII characters are mapped and converted to
//     A-labels with UTS #46 non-transitional processing ("ß" stays "ß", as
//     IDNA2008 and the browsers do), the rules of golang.org/x/net/idna's
//     Lookup profile (RFC 5891 §5); an "xn--" label must be a valid A-label
//     (RFC 5890 §2.3.2.1) and is kept in its canonical lower-case form. The
//     Unicode form is kept for display.
//   - Syntax: LDH labels of 1 to 63 octets (RFC 5321 §4.1.2 sub-domain,
//     RFC 1035 §2.3.4), at most 253 octets in all, no label starting or
//     ending with a hyphen, and a top label that is not all digits
//     (RFC 3696 §2), so "192.0.2.1" is not taken for a name. Underscores
//     are refused: they belong to DNS owner names such as "_dmarc", not to
//     mail domains; packages that build such names check them themselves.
//   - One trailing dot (a fully qualified name) is removed; an address
//     never has one.
//   - Single-label names ("localhost") are valid syntax; IsSingleLabel
//     says so, for callers that need more (SPF requires a multi-label
//     domain, RFC 7208 §4.3, and spf checks that itself).
//   - Address literals ("[192.0.2.1]", "[IPv6:2001:db8::1]", RFC 5321
//     §4.1.3) are Domains too, with Literal set; the canonical text is
//     the address's shortest form.
//   - Input must be valid UTF-8.
//
// Parse reads a mailbox as it appears in an SMTP command (RFC 5321 §4.1.2
// Mailbox, without the angle brackets): a dot-string or quoted-string local
// part of at most 64 octets (§4.5.3.1.1), UTF-8 allowed as RFC 6531 §3.3
// extends it, "@", and a domain or address literal, at most 254 octets in
// all (a 256-octet path less its brackets, §4.5.3.1.3). It refuses every
// control character (CR, LF and NUL above all: command injection), and
// angle brackets even inside quotes, since servers that do not parse
// quoted strings would take them as the end of the path.
package address
