package tlsrpt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseReport(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	files = append(files, "testdata/rfc8460-example.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	example, _ := os.ReadFile("testdata/rfc8460-example.json")
	f.Add(gzipBytes(example))
	f.Add([]byte(`{"organization-name":"X","date-range":{"start-datetime":"2026-01-01T00:00:00+02:00","end-datetime":"2026-01-01T23:59:59Z"},` +
		`"contact-info":"a@b","report-id":"1","policies":[{"policy":{"policy-type":"tlsa","policy-string":"3 1 1 00","policy-domain":"d","mx-host":null},` +
		`"summary":{"total-successful-session-count":0,"total-failure-session-count":0},"failure-details":null}]}`))
	f.Add([]byte("Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n{}"))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := parser{64 << 10}
		rep, err := p.parse(bytes.NewReader(data), true, 0)
		if err != nil {
			if rep != nil {
				t.Fatal("report and error both returned")
			}
			if !errors.Is(err, ErrInvalidReport) && !errors.Is(err, ErrNoReport) && !errors.Is(err, ErrReportTooLarge) {
				t.Fatalf("error of no documented kind: %v", err)
			}
			return
		}
		if err := rep.check(); err != nil {
			t.Fatalf("parsed report does not pass check: %v", err)
		}
		if len(rep.Warnings) != len(rep.missing()) {
			t.Fatalf("warnings %q for missing %q", rep.Warnings, rep.missing())
		}
		// What a reader may do without, a writer must give.
		if strings.TrimSpace(rep.OrganizationName) == "" {
			rep.OrganizationName = "x"
		}
		if strings.TrimSpace(rep.ContactInfo) == "" {
			rep.ContactInfo = "x@example.org"
		}
		if strings.TrimSpace(rep.ReportID) == "" {
			rep.ReportID = "x"
		}
		// Written, read and written again, it gives the same JSON.
		var first, second bytes.Buffer
		if _, err := rep.WriteTo(&first); err != nil {
			t.Fatalf("writing a parsed report: %v", err)
		}
		again, err := p.parse(bytes.NewReader(first.Bytes()), false, 0)
		if err != nil {
			t.Fatalf("reading what WriteTo wrote: %v\n%s", err, first.Bytes())
		}
		if _, err := again.WriteTo(&second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("round trip changed the JSON:\n%s\n%s", first.Bytes(), second.Bytes())
		}
	})
}

func FuzzParseRecord(f *testing.F) {
	for _, s := range []string{
		"v=TLSRPTv1;rua=mailto:reports@example.com",
		"v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt",
		"v=TLSRPTv1 ;\trua=mailto:a@example.com \t, \thttps://r.example/x ; ",
		"v=TLSRPTv1; ext=1; rua=mailto:a%2Cb@example.com%21;rua=x:y",
		"v=TLSRPTv1;rua=mailto:a@example.com!10m",
		"v=TLSRPTv1;;",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := ParseRecord(s)
		if err != nil {
			if rec != nil || !errors.Is(err, ErrRecordSyntax) {
				t.Fatalf("ParseRecord = %v, %v", rec, err)
			}
			return
		}
		if !IsRecord(s) {
			t.Fatalf("%q parsed but IsRecord says it is no TLSRPT record", s)
		}
		if len(rec.RUA) == 0 {
			t.Fatal("no rua")
		}
		// The URIs, written into a record again, parse to the same URIs.
		var uris []string
		for _, u := range rec.RUA {
			if u.Scheme == "" || strings.ContainsAny(u.String(), " \t;,!") {
				t.Fatalf("bad URI %q accepted", u)
			}
			uris = append(uris, u.String())
		}
		again, err := ParseRecord("v=TLSRPTv1; rua=" + strings.Join(uris, ","))
		if err != nil {
			t.Fatalf("re-parsing %q: %v", uris, err)
		}
		for i, u := range again.RUA {
			if u.String() != uris[i] {
				t.Fatalf("round trip %q != %q", u, uris[i])
			}
		}
	})
}
