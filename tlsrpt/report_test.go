package tlsrpt

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRFCExample reads the example report of RFC 8460 Appendix B (its one
// URL, wrapped over two lines in the RFC, joined) and writes it back.
func TestRFCExample(t *testing.T) {
	rep, err := ParseReport(bytes.NewReader(readFile(t, "rfc8460-example.json")))
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Policies
	switch {
	case rep.OrganizationName != "Company-X" || rep.ContactInfo != "sts-reporting@company-x.example" ||
		rep.ReportID != "5065427c-23d3-47ca-b6e0-946ea0e8c4be":
		t.Errorf("metadata %q %q %q", rep.OrganizationName, rep.ContactInfo, rep.ReportID)
	case !rep.DateRange.Start.Equal(time.Date(2016, 4, 1, 0, 0, 0, 0, time.UTC)) ||
		!rep.DateRange.End.Equal(time.Date(2016, 4, 1, 23, 59, 59, 0, time.UTC)):
		t.Errorf("date range %v", rep.DateRange)
	case len(p) != 1 || p[0].Policy.Type != PolicySTS || p[0].Policy.Domain != "company-y.example" ||
		len(p[0].Policy.Strings) != 4 || p[0].Policy.Strings[2] != "mx: *.mail.company-y.example":
		t.Fatalf("policies %+v", p)
	case !slices.Equal(p[0].Policy.MXHost, []string{"*.mail.company-y.example"}):
		t.Errorf("mx-host %q: the example's string should read as one pattern", p[0].Policy.MXHost)
	case p[0].Summary != Summary{5326, 303}:
		t.Errorf("summary %+v", p[0].Summary)
	case len(p[0].FailureDetails) != 3:
		t.Fatalf("failure details %+v", p[0].FailureDetails)
	}
	f := p[0].FailureDetails
	want := []FailureDetail{
		{ResultType: ResultCertificateExpired, SendingMTAIP: netip.MustParseAddr("2001:db8:abcd:12::1"),
			ReceivingMXHostname: "mx1.mail.company-y.example", FailedSessionCount: 100},
		{ResultType: ResultSTARTTLSNotSupported, SendingMTAIP: netip.MustParseAddr("2001:db8:abcd:13::1"),
			ReceivingMXHostname: "mx2.mail.company-y.example", ReceivingIP: netip.MustParseAddr("203.0.113.56"),
			FailedSessionCount: 200, AdditionalInformation: "https://reports.company-x.example/report_info ? id = 5065427 c - 23 d3# StarttlsNotSupported "},
		{ResultType: ResultValidationFailure, SendingMTAIP: netip.MustParseAddr("198.51.100.62"),
			ReceivingIP: netip.MustParseAddr("203.0.113.58"), ReceivingMXHostname: "mx-backup.mail.company-y.example",
			FailedSessionCount: 3, FailureReasonCode: "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("failure details\n got %+v\nwant %+v", f, want)
	}

	// Written and read again, it is the same report, and the JSON has the
	// shape of RFC 8460 §4.4.
	var buf bytes.Buffer
	if _, err := rep.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	checkSchema(t, buf.Bytes())
	again, err := ParseReport(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("reading what WriteTo wrote: %v\n%s", err, buf.Bytes())
	}
	if !reflect.DeepEqual(again, rep) {
		t.Errorf("round trip changed the report:\n got %+v\nwant %+v", again, rep)
	}
	gz, err := rep.Gzip()
	if err != nil {
		t.Fatal(err)
	}
	if again, err = ParseReport(bytes.NewReader(gz)); err != nil || !reflect.DeepEqual(again, rep) {
		t.Errorf("gzip round trip: %v; %+v", err, again)
	}
}

// checkSchema checks JSON written for a report against the fields and
// types of RFC 8460 §4.4 without this package's types: every member is
// one the RFC defines, of the RFC's type, and the required ones are there.
func checkSchema(t testing.TB, data []byte) {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not a JSON object: %v", err)
	}
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf("RFC 8460 §4.4: "+format+"\n%s", append(args, data)...)
	}
	str := func(where string, v any, required bool) string {
		t.Helper()
		s, ok := v.(string)
		if v == nil && !required {
			return ""
		}
		if !ok || s == "" {
			errorf("%s: want a non-empty string, got %#v", where, v)
		}
		return s
	}
	count := func(where string, v any) {
		t.Helper()
		n, ok := v.(json.Number)
		if i, err := n.Int64(); !ok || err != nil || i < 0 {
			errorf("%s: want a count, got %#v", where, v)
		}
	}
	strList := func(where string, v any) {
		t.Helper()
		if v == nil {
			return
		}
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			errorf("%s: want an array of strings, got %#v", where, v)
		}
		for i, s := range l {
			str(fmt.Sprintf("%s[%d]", where, i), s, true)
		}
	}
	ip := func(where string, v any) {
		t.Helper()
		if v == nil {
			return
		}
		if _, err := netip.ParseAddr(str(where, v, true)); err != nil {
			errorf("%s: %v", where, err)
		}
	}
	object := func(where string, v any, allowed ...string) map[string]any {
		t.Helper()
		m, ok := v.(map[string]any)
		if !ok {
			errorf("%s: want an object, got %#v", where, v)
			return nil
		}
		for k := range m {
			if !slices.Contains(allowed, k) {
				errorf("%s: member %q is not in the schema", where, k)
			}
		}
		return m
	}
	top := object("report", any(doc), "organization-name", "date-range", "contact-info", "report-id", "policies")
	str("organization-name", top["organization-name"], true)
	str("contact-info", top["contact-info"], true)
	str("report-id", top["report-id"], true)
	dr := object("date-range", top["date-range"], "start-datetime", "end-datetime")
	for _, k := range []string{"start-datetime", "end-datetime"} {
		if _, err := time.Parse(time.RFC3339, str(k, dr[k], true)); err != nil {
			errorf("%s: not RFC 3339: %v", k, err)
		}
	}
	policies, ok := top["policies"].([]any)
	if !ok {
		errorf("policies: want an array, got %#v", top["policies"])
	}
	results := []string{"starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
		"certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required",
		"sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid"}
	for i, pv := range policies {
		w := fmt.Sprintf("policies[%d]", i)
		p := object(w, pv, "policy", "summary", "failure-details")
		pol := object(w+".policy", p["policy"], "policy-type", "policy-string", "policy-domain", "mx-host")
		if typ := str(w+".policy-type", pol["policy-type"], true); !slices.Contains([]string{"sts", "tlsa", "no-policy-found"}, typ) {
			errorf("%s.policy-type %q", w, typ)
		}
		strList(w+".policy-string", pol["policy-string"])
		str(w+".policy-domain", pol["policy-domain"], true)
		strList(w+".mx-host", pol["mx-host"])
		sum := object(w+".summary", p["summary"], "total-successful-session-count", "total-failure-session-count")
		count(w+".total-successful-session-count", sum["total-successful-session-count"])
		count(w+".total-failure-session-count", sum["total-failure-session-count"])
		if p["failure-details"] == nil {
			continue
		}
		fds, ok := p["failure-details"].([]any)
		if !ok {
			errorf("%s.failure-details: want an array", w)
		}
		for j, fv := range fds {
			fw := fmt.Sprintf("%s.failure-details[%d]", w, j)
			fd := object(fw, fv, "result-type", "sending-mta-ip", "receiving-mx-hostname", "receiving-mx-helo",
				"receiving-ip", "failed-session-count", "additional-information", "failure-reason-code")
			if rt := str(fw+".result-type", fd["result-type"], true); !slices.Contains(results, rt) {
				errorf("%s.result-type %q is not in the registry (RFC 8460 §6.5)", fw, rt)
			}
			ip(fw+".sending-mta-ip", fd["sending-mta-ip"])
			ip(fw+".receiving-ip", fd["receiving-ip"])
			for _, k := range []string{"receiving-mx-hostname", "receiving-mx-helo", "additional-information", "failure-reason-code"} {
				str(fw+"."+k, fd[k], false)
			}
			count(fw+".failed-session-count", fd["failed-session-count"])
		}
	}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// TestParseForms reads reports as they arrive: bare JSON, gzip, and
// messages written by Python's email package in the shapes reporters use
// (testdata/make-messages.py).
func TestParseForms(t *testing.T) {
	example := readFile(t, "rfc8460-example.json")
	tests := []struct {
		name     string
		in       []byte
		org      string
		policies int
		failed   int64
	}{
		{"bare JSON", example, "Company-X", 1, 303},
		{"JSON with a byte order mark and white space", append([]byte("\xef\xbb\xbf \r\n"), example...), "Company-X", 1, 303},
		{"gzip", gzipBytes(example), "Company-X", 1, 303},
		{"multipart/report, application/tlsrpt+gzip", readFile(t, "reporter-a.eml"), "Reporter A Inc.", 1, 4},
		{"file name in Content-Disposition only", readFile(t, "reporter-b.eml"), "Reporter B Corporation", 2, 9},
		{"application/octet-stream named .json.gz", readFile(t, "reporter-c.eml"), "Reporter C", 1, 0},
		{"application/tlsrpt+json", readFile(t, "reporter-d.eml"), "Reporter D", 1, 1},
		{"forwarded as message/rfc822", readFile(t, "forwarded.eml"), "Reporter A Inc.", 1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ParseReport(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var failed int64
			for _, p := range rep.Policies {
				failed += p.Summary.TotalFailureSessionCount
			}
			if rep.OrganizationName != tt.org || len(rep.Policies) != tt.policies || failed != tt.failed {
				t.Errorf("got %q with %d policies and %d failed sessions, want %q, %d, %d",
					rep.OrganizationName, len(rep.Policies), failed, tt.org, tt.policies, tt.failed)
			}
		})
	}
}

// TestParseLenient reads reports that leave out metadata a reader can do
// without, and says what is missing.
func TestParseLenient(t *testing.T) {
	in := `{"date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-01-01T23:59:59Z"},` +
		`"organization-name":" ","policies":[{"policy":{"policy-type":"no-policy-found","policy-domain":"example.org"},` +
		`"summary":{"total-successful-session-count":3,"total-failure-session-count":0}}]}`
	rep, err := ParseReport(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"no organization-name", "no contact-info", "no report-id"}
	if !slices.Equal(rep.Warnings, want) || rep.Policies[0].Summary.TotalSuccessfulSessionCount != 3 {
		t.Errorf("warnings %q, want %q; report %+v", rep.Warnings, want, rep)
	}
	// Such a report is not written.
	if _, err := rep.WriteTo(io.Discard); !errors.Is(err, ErrInvalidReport) {
		t.Errorf("WriteTo of a report without metadata: %v", err)
	}
	example, err := ParseReport(bytes.NewReader(readFile(t, "rfc8460-example.json")))
	if err != nil || example.Warnings != nil {
		t.Errorf("the RFC's example: warnings %q, %v", example.Warnings, err)
	}
}

func TestParseInvalid(t *testing.T) {
	valid := `{"organization-name":"X","date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-01-01T23:59:59Z"},` +
		`"report-id":"1","policies":[{"policy":{"policy-type":"sts","policy-domain":"example.org"},` +
		`"summary":{"total-successful-session-count":1,"total-failure-session-count":1},` +
		`"failure-details":[{"result-type":"certificate-expired","failed-session-count":1}]}]}`
	if _, err := ParseReport(strings.NewReader(valid)); err != nil {
		t.Fatalf("the valid report: %v", err)
	}
	mutate := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("%q not in the report", old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrInvalidReport},
		{"not JSON", "{organization-name: X}", ErrInvalidReport},
		{"truncated", valid[:len(valid)-3], ErrInvalidReport},
		{"two objects", valid + valid, ErrInvalidReport},
		{"trailing garbage", valid + " x", ErrInvalidReport},
		{"no date-range", mutate(`"date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-01-01T23:59:59Z"},`, ""), ErrInvalidReport},
		{"date-range backwards", mutate(`"end-datetime":"2026-01-01T23:59:59Z"`, `"end-datetime":"2025-01-01T23:59:59Z"`), ErrInvalidReport},
		{"date not RFC 3339", mutate(`2026-01-01T00:00:00Z`, `2026-01-01 00:00:00`), ErrInvalidReport},
		{"no policies", mutate(`"policies":[`, `"x":[`), ErrInvalidReport},
		{"no policy-type", mutate(`"policy-type":"sts",`, ""), ErrInvalidReport},
		{"no policy-domain", mutate(`,"policy-domain":"example.org"`, ""), ErrInvalidReport},
		{"negative count", mutate(`"total-successful-session-count":1`, `"total-successful-session-count":-1`), ErrInvalidReport},
		{"count not an integer", mutate(`"total-successful-session-count":1`, `"total-successful-session-count":1.5`), ErrInvalidReport},
		{"count as a string", mutate(`"total-successful-session-count":1`, `"total-successful-session-count":"1"`), ErrInvalidReport},
		{"no result-type", mutate(`"result-type":"certificate-expired",`, ""), ErrInvalidReport},
		{"bad IP", mutate(`"result-type"`, `"sending-mta-ip":"999.1.1.1","result-type"`), ErrInvalidReport},
		{"mx-host a number", mutate(`"policy-type":"sts"`, `"mx-host":5,"policy-type":"sts"`), ErrInvalidReport},
		{"bad gzip", "\x1f\x8b\x08\x00garbage", ErrInvalidReport},
		{"gzip of something else", string(gzipBytes([]byte("<feedback></feedback>"))), ErrInvalidReport},
		{"message without a report", "From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n", ErrNoReport},
		{"message whose report is broken", "From: a@example.org\r\nContent-Type: application/tlsrpt+json\r\n\r\n{\"x\":1}\r\n", ErrInvalidReport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ParseReport(strings.NewReader(tt.in))
			if !errors.Is(err, tt.want) {
				t.Errorf("ParseReport = %+v, %v; want %v", rep, err, tt.want)
			}
		})
	}
}

// base64Lines encodes b in base64 lines of 76 characters (RFC 2045 §6.8).
func base64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s)
	return out.String()
}

// repeat is an endless reader of one byte.
type repeat byte

func (r repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// TestParseBombs checks that what expands past the limit is refused,
// before and after decompression, bare or inside a message. The limit is
// 1 MiB here; TestParseBombAtLimit tries MaxReportSize.
func TestParseBombs(t *testing.T) {
	const limit = 1 << 20
	// A string of MaxReportSize bytes in a JSON object, compressed about
	// a thousand times.
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestSpeed)
	zw.Write([]byte(`{"organization-name":"`))
	io.Copy(zw, io.LimitReader(repeat('a'), limit))
	zw.Write([]byte(`"}`))
	zw.Close()
	if bomb.Len() > limit/500 {
		t.Fatalf("bomb of %d bytes is not small", bomb.Len())
	}
	msg := "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" +
		"Content-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	b64 := base64Lines(bomb.Bytes())
	tests := []struct {
		name string
		in   io.Reader
		want error
	}{
		{"gzip bomb", bytes.NewReader(bomb.Bytes()), ErrReportTooLarge},
		{"gzip bomb in a message", strings.NewReader(msg + b64 + "\r\n--b--\r\n"), ErrReportTooLarge},
		{"endless JSON", io.MultiReader(strings.NewReader(`{"organization-name":"`), repeat('a')), ErrReportTooLarge},
		{"endless message", io.MultiReader(strings.NewReader("From: a@example.org\r\nContent-Type: application/tlsrpt+json\r\n\r\n{\"x\":\""), repeat('a')), ErrReportTooLarge},
		{"endless header", io.MultiReader(strings.NewReader("From: a@example.org\r\nX: "), repeat('a')), ErrReportTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := parser{limit}.parse(tt.in, true, 0)
			if !errors.Is(err, tt.want) {
				t.Errorf("parse = %v, %v; want %v", rep, err, tt.want)
			}
		})
	}
	// Just under the limit, the report is read.
	rep := `{"organization-name":"X","date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-01-01T23:59:59Z"},` +
		`"report-id":"1","policies":[],"x":"`
	pad := strings.Repeat("a", limit-len(rep)-2)
	if _, err := (parser{limit}).parse(bytes.NewReader(gzipBytes([]byte(rep+pad+`"}`))), true, 0); err != nil {
		t.Errorf("a report of exactly the limit: %v", err)
	}
	if _, err := (parser{limit}).parse(bytes.NewReader(gzipBytes([]byte(rep+pad+`a"}`))), true, 0); !errors.Is(err, ErrReportTooLarge) {
		t.Errorf("a report one byte over the limit: %v", err)
	}
}

// TestParseBombAtLimit decompresses a gzip bomb of about 16 KiB that
// expands past MaxReportSize.
func TestParseBombAtLimit(t *testing.T) {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zw.Write([]byte("{"))
	io.Copy(zw, io.LimitReader(repeat(' '), MaxReportSize))
	zw.Write([]byte("}"))
	zw.Close()
	if rep, err := ParseReport(&bomb); !errors.Is(err, ErrReportTooLarge) {
		t.Errorf("ParseReport = %v, %v; want ErrReportTooLarge", rep, err)
	}
}

func TestFilename(t *testing.T) {
	rep := &Report{ContactInfo: "tlsrpt@Mail.Sender.Example",
		DateRange: DateRange{Start: time.Unix(1470013207, 0), End: time.Unix(1470186007, 0)},
		Policies:  []PolicyResult{{Policy: Policy{Type: PolicyNone, Domain: "example.com"}}}}
	// The example of RFC 8460 §5.1.
	if got, want := rep.Filename("001"), "mail.sender.example!example.com!1470013207!1470186007!001.json.gz"; got != want {
		t.Errorf("Filename = %q, want %q", got, want)
	}
	if got, want := rep.Filename(""), "mail.sender.example!example.com!1470013207!1470186007.json.gz"; got != want {
		t.Errorf("Filename = %q, want %q", got, want)
	}
	rep.Policies[0].Policy.Domain = "a/../b!c"
	if got := rep.Filename("x/y"); strings.ContainsAny(got, "/") || strings.Count(got, "!") != 4 {
		t.Errorf("Filename = %q: a separator or a path from the input", got)
	}
}
