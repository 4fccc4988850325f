package audit

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/finding"
)

// FuzzReadSample: any input gives findings with a check, a message and, for
// problems, a fix, and never panics; the Received and List-Unsubscribe
// readers take whatever the header holds.
func FuzzReadSample(f *testing.F) {
	f.Add([]byte("From: a@example.com\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nbody\r\n"))
	f.Add([]byte("From: a@example.com, b@example.org\nFrom: c@x\nMessage-ID: 1@x\nList-Unsubscribe: <https://x/u>, <mailto:u@x>\nReceived: from h ([192.0.2.1]) by mx with ESMTPSA\n\n"))
	f.Add([]byte("Message-ID: <a@[192.0.2.1]>\nReturn-Path: <b@example.net>\nDate: yesterday\n\n"))
	f.Add([]byte("no header at all"))
	sources := []Source{{IP: netip.MustParseAddr("192.0.2.1")}}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := readSample(data)
		for _, fd := range s.findings {
			if fd.Check == "" || fd.Message == "" || fd.Severity > finding.Info && fd.Fix == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
		if s.header != nil {
			s.hopTLS(sources)
			for _, v := range s.values("List-Unsubscribe") {
				hasHTTPS(v)
			}
		}
		if s.fromDomain != "" && strings.ContainsAny(s.fromDomain, " \r\n@") {
			t.Fatalf("From domain %q", s.fromDomain)
		}
	})
}

func TestValidMessageID(t *testing.T) {
	for id, want := range map[string]bool{
		"<20261207.1@good.example>": true,
		" <a.b@[192.0.2.1]> ":       true,
		"20261207.1@good.example":   false, // no angle brackets
		"<a:b@good.example>":        false, // ":" is not atext
		"<@good.example>":           false,
		"<a@>":                      false,
		"<a..b@x>":                  false,
	} {
		if got := validMessageID(id); got != want {
			t.Errorf("validMessageID(%q) = %v", id, got)
		}
	}
}
