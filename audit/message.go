package audit

import (
	"bytes"
	"fmt"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/finding"
)

// sample is what the readiness checks read from a sample message.
type sample struct {
	header     mail.Header
	fromDomain string // the one From address's domain, "" if none
	returnPath string // the Return-Path address, "" if none
	findings   []finding.Finding
}

func (s *sample) add(check string, sev finding.Severity, src, fix, format string, args ...any) {
	s.findings = append(s.findings, finding.Finding{Check: check, Severity: sev, Message: fmt.Sprintf(format, args...), Fix: fix, Source: src})
}

// values returns every field named name, in order.
func (s *sample) values(name string) []string {
	return s.header[textproto.CanonicalMIMEHeaderKey(name)]
}

// readSample parses a message's header and checks its form: exactly one
// From with one mailbox, one Date that parses, one Message-ID of the form
// <left@right> (RFC 5322 §3.6, §3.6.4; Gmail refuses mail without a valid
// Message-ID: "550-5.7.1 Messages missing a valid Message-ID header are
// not accepted. Review RFC 5322 specifications").
func readSample(data []byte) *sample {
	s := &sample{}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		s.add("message", finding.Error, "RFC 5322 §2.2", "generate the header with a mail library",
			"the sample's header cannot be read: %v", err)
		return s
	}
	s.header = msg.Header
	const form = "RFC 5322 §3.6; " + srcGmail
	from := s.values("From")
	switch len(from) {
	case 0:
		s.add("message", finding.Error, form, "add a From field naming the author", "the message has no From field")
	case 1:
		addrs, err := mail.ParseAddressList(from[0])
		switch {
		case err != nil:
			s.add("message", finding.Error, form, "write From as a mailbox: Name <user@example.com>", "From %q does not parse: %v", clip(from[0]), err)
		case len(addrs) != 1:
			s.add("message", finding.Error, form+"; RFC 7489 §6.6.1", "put one author in From",
				"From holds %d mailboxes: DMARC cannot judge a message with several authors", len(addrs))
		default:
			at := strings.LastIndexByte(addrs[0].Address, '@')
			d, err := address.ParseDomain(addrs[0].Address[at+1:])
			if err != nil {
				s.add("message", finding.Error, form, "use a valid domain in From", "From %s: %v", addrs[0].Address, err)
			} else {
				s.fromDomain = d.ASCII()
			}
		}
	default:
		s.add("message", finding.Error, form, "keep exactly one From field", "the message has %d From fields", len(from))
	}
	switch dates := s.values("Date"); {
	case len(dates) == 0:
		s.add("message", finding.Error, form, "add a Date field (RFC 5322 §3.3 date-time)", "the message has no Date field")
	case len(dates) > 1:
		s.add("message", finding.Error, form, "keep exactly one Date field", "the message has %d Date fields", len(dates))
	default:
		if _, err := mail.ParseDate(dates[0]); err != nil {
			s.add("message", finding.Error, "RFC 5322 §3.3", "write Date as in \"Mon, 02 Jan 2006 15:04:05 -0700\"", "Date %q does not parse", clip(dates[0]))
		}
	}
	const midSrc = "RFC 5322 §3.6.4; Gmail SMTP error 550 5.7.1 \"Messages missing a valid Message-ID header are not accepted\""
	switch ids := s.values("Message-ID"); {
	case len(ids) == 0:
		s.add("message", finding.Error, midSrc, "add a Message-ID such as <unique-id@"+orDomain(s.fromDomain)+">", "the message has no Message-ID field: Gmail refuses it")
	case len(ids) > 1:
		s.add("message", finding.Error, midSrc, "keep exactly one Message-ID field", "the message has %d Message-ID fields", len(ids))
	case !validMessageID(ids[0]):
		s.add("message", finding.Error, midSrc, "write it as <unique-id@"+orDomain(s.fromDomain)+">, with the angle brackets", "Message-ID %q is not of the form <id-left@id-right>", clip(ids[0]))
	}
	if rp := s.values("Return-Path"); len(rp) > 0 {
		if a, err := mail.ParseAddress(rp[len(rp)-1]); err == nil {
			s.returnPath = a.Address
		}
	}
	return s
}

// validMessageID checks msg-id = "<" id-left "@" id-right ">" (RFC 5322
// §3.6.4, without the obsolete forms): dot-atom-text on the left, a
// dot-atom-text or a no-fold-literal on the right.
func validMessageID(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 5 || v[0] != '<' || v[len(v)-1] != '>' {
		return false
	}
	left, right, ok := strings.Cut(v[1:len(v)-1], "@")
	if !ok || !dotAtom(left) {
		return false
	}
	if len(right) > 2 && right[0] == '[' && right[len(right)-1] == ']' {
		return !strings.ContainsAny(right[1:len(right)-1], "[]\\ \t\r\n")
	}
	return dotAtom(right)
}

func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>[]:;@\\,\"", c) >= 0 {
			return false
		}
	}
	return true
}

// tlsProtocol matches a Received field's "with" protocol types that mean
// TLS (RFC 3848 §4: ESMTPS, ESMTPSA, LMTPS, LMTPSA; RFC 6531 §3.7.3:
// UTF8SMTPS, UTF8SMTPSA, UTF8LMTPS, UTF8LMTPSA) or the TLS parameters
// large providers write there ("version=TLS1_3 cipher=…").
var tlsProtocol = regexp.MustCompile(`(?i)\bwith\s+(?:E|UTF8)?(?:SMTP|LMTP)SA?\b|\bversion=TLS`)

// plainProtocol matches the protocol types of a hop without TLS.
var plainProtocol = regexp.MustCompile(`(?i)\bwith\s+(?:E|UTF8)?(?:SMTP|LMTP)A?\b`)

// hopTLS finds the Received field that records the hop from one of the
// source addresses and says whether it used TLS; found is false when no
// field names a source.
func (s *sample) hopTLS(sources []Source) (field string, tls, found bool) {
	for _, f := range s.values("Received") {
		from, _, _ := strings.Cut(f, " by ")
		for _, src := range sources {
			ip := src.IP.Unmap()
			if !ip.IsValid() || !strings.Contains(from, ip.String()) {
				continue
			}
			if tlsProtocol.MatchString(f) {
				return f, true, true
			}
			return f, false, plainProtocol.MatchString(f)
		}
	}
	return "", false, false
}

func orDomain(d string) string {
	if d == "" {
		return "your.domain"
	}
	return d
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
