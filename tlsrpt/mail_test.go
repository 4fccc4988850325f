package tlsrpt

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestWriteMailRefuses(t *testing.T) {
	a := newAggregator(nil)
	a.Add(Result{Time: day1, Policy: stsPolicy, Success: true})
	reps, err := a.Reports(context.Background(), day1)
	if err != nil {
		t.Fatal(err)
	}
	good := Mail{To: "tlsrpt@example.org", Date: day2}
	if err := reps[0].WriteMail(&bytes.Buffer{}, good); err != nil {
		t.Fatalf("a good message: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(r *Report, m *Mail)
	}{
		{"CRLF in To", func(_ *Report, m *Mail) { m.To = "a@example.org\r\nBcc: victim@example.net" }},
		{"LF in From", func(_ *Report, m *Mail) { m.From = "a@example.org\nX: y" }},
		{"To without domain", func(_ *Report, m *Mail) { m.To = "tlsrpt" }},
		{"quoted local part", func(_ *Report, m *Mail) { m.To = `"a b"@example.org` }},
		{"contact-info no address", func(r *Report, _ *Mail) { r.ContactInfo = "sender.example" }},
		{"CRLF in the policy domain", func(r *Report, _ *Mail) { r.Policies[0].Policy.Domain = "example.org\r\nX: y" }},
		{"policy domain a literal", func(r *Report, _ *Mail) { r.Policies[0].Policy.Domain = "[192.0.2.1]" }},
		{"invalid report", func(r *Report, _ *Mail) { r.ReportID = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := *reps[0]
			rep.Policies = []PolicyResult{reps[0].Policies[0]}
			m := good
			tt.mutate(&rep, &m)
			var buf bytes.Buffer
			if err := rep.WriteMail(&buf, m); err == nil {
				t.Errorf("WriteMail wrote\n%s", buf.Bytes())
			}
		})
	}
}

func TestSubjectID(t *testing.T) {
	tests := []struct{ id, want string }{
		{"735ff.e317+bf22029@mailexchanger.example.net", "735ff.e317+bf22029@mailexchanger.example.net"}, // RFC 8460 §5.3
		{"5065427c-23d3-47ca-b6e0-946ea0e8c4be", "5065427c-23d3-47ca-b6e0-946ea0e8c4be@s.example"},
		{"2026-12-01T00:00:00Z_example.org", "2026-12-01T00.00.00Z_example.org@s.example"},
		{"a b<c>@@", "a.b.c@s.example"},
		{"..", "report@s.example"},
		{"a@b@c", "a.b.c@s.example"},
	}
	for _, tt := range tests {
		got := subjectID(tt.id, "s.example")
		if got != tt.want {
			t.Errorf("subjectID(%q) = %q, want %q", tt.id, got, tt.want)
		}
		left, right, _ := strings.Cut(got, "@")
		if !isDotAtom(left) || !isDotAtom(right) {
			t.Errorf("subjectID(%q) = %q: not id-left@id-right", tt.id, got)
		}
	}
}
