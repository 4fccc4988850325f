package dmarc

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/base64"
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

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipped(t testing.TB, name string, b []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mimeMessage wraps an attachment the way report senders do: a
// multipart/mixed message with a text part and a base64 attachment.
func mimeMessage(contentType, filename string, body []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(body)
	var lines []string
	for len(enc) > 76 {
		lines, enc = append(lines, enc[:76]), enc[76:]
	}
	lines = append(lines, enc)
	return []byte(strings.ReplaceAll(fmt.Sprintf(`From: noreply-dmarc-support@google.com
To: dmarc@example.com
Subject: Report domain: example.com Submitter: google.com Report-ID: 4717352163512090614
Date: Sun, 23 Nov 2026 00:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset="UTF-8"

This is an aggregate report from google.com.
--b1
Content-Type: %s; name="%s"
Content-Disposition: attachment; filename="%s"
Content-Transfer-Encoding: base64

%s
--b1--
`, contentType, filename, filename, strings.Join(lines, "\n")), "\n", "\r\n"))
}

func TestParseSampleReports(t *testing.T) {
	tests := []struct {
		file     string
		org      string
		records  int
		messages int64
		check    func(t *testing.T, r *Report)
	}{
		{"google.xml", "google.com", 2, 45, func(t *testing.T, r *Report) {
			if r.Policy.P != PolicyReject || r.Policy.NP != PolicyReject || r.Policy.Percent == nil || *r.Policy.Percent != 100 {
				t.Errorf("policy_published %+v", r.Policy)
			}
			if ip := r.Records[1].Row.SourceIP; ip != netip.MustParseAddr("2001:db8::25") {
				t.Errorf("IPv6 source %v", ip)
			}
			if d := r.Records[0].AuthResults.DKIM[0]; d.Selector != "s2025" || d.Result != "pass" {
				t.Errorf("dkim %+v", d)
			}
		}},
		{"microsoft.xml", "Enterprise Outlook", 2, 18, func(t *testing.T, r *Report) {
			id := r.Records[0].Identifiers
			if id.EnvelopeTo != "contoso.example" || id.EnvelopeFrom != "mailer.example.net" || r.Version != "1.0" {
				t.Errorf("identifiers %+v version %q", id, r.Version)
			}
			if s := r.Records[0].AuthResults.SPF[0]; s.Scope != "mfrom" {
				t.Errorf("spf %+v", s)
			}
		}},
		{"yahoo.xml", "Yahoo", 1, 2, func(t *testing.T, r *Report) {
			want := []OverrideReason{{Type: "forwarded", Comment: "list.example.org"}}
			if got := r.Records[0].Row.PolicyEvaluated.Reasons; !reflect.DeepEqual(got, want) {
				t.Errorf("reasons %+v", got)
			}
			if r.Policy.ADKIM != Strict || r.Policy.SP != "" {
				t.Errorf("policy %+v", r.Policy)
			}
		}},
		{"rfc9990.xml", "Receiver Example", 1, 5, func(t *testing.T, r *Report) {
			if r.XMLName.Space != ReportNamespace || r.Metadata.Generator != "Example MTA 4.2" {
				t.Errorf("namespace %q generator %q", r.XMLName.Space, r.Metadata.Generator)
			}
			p := r.Policy
			if p.DiscoveryMethod != "treewalk" || p.Testing != "y" || p.NP != PolicyReject || p.Percent != nil {
				t.Errorf("policy %+v", p)
			}
			if h := r.Records[0].AuthResults.SPF[0].HumanResult; h != "too many DNS lookups" {
				t.Errorf("human_result %q", h)
			}
		}},
	}
	for _, tt := range tests {
		raw, err := os.ReadFile("testdata/" + tt.file)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(tt.file, ".xml")
		transports := map[string][]byte{
			"plain":        raw,
			"gzip":         gzipped(t, raw),
			"zip":          zipped(t, base+".xml", raw),
			"message+gzip": mimeMessage("application/gzip", "r!example.com!1!2.xml.gz", gzipped(t, raw)),
			"message+zip":  mimeMessage("application/zip", "r!example.com!1!2.zip", zipped(t, base+".xml", raw)),
			"message+xml":  mimeMessage("text/xml", base+".xml", raw),
			"message+octet-stream named .zip": mimeMessage("application/octet-stream", "report.zip",
				zipped(t, base+".xml", raw)),
		}
		for name, data := range transports {
			t.Run(base+"/"+name, func(t *testing.T) {
				r, err := ParseReport(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if r.Metadata.OrgName != tt.org || len(r.Records) != tt.records || r.Policy.Domain != "example.com" {
					t.Fatalf("org %q, %d records, domain %q; want %q, %d, example.com", r.Metadata.OrgName, len(r.Records), r.Policy.Domain, tt.org, tt.records)
				}
				var n int64
				for _, rec := range r.Records {
					n += rec.Row.Count
				}
				if n != tt.messages {
					t.Errorf("%d messages, want %d", n, tt.messages)
				}
				tt.check(t, r)
			})
		}
	}
}

func TestParseReportErrors(t *testing.T) {
	valid, err := os.ReadFile("testdata/yahoo.xml")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte { return bytes.Replace(valid, []byte(old), []byte(new), 1) }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrInvalidReport},
		{"truncated", valid[:len(valid)/2], ErrInvalidReport},
		{"wrong root", []byte(`<?xml version="1.0"?><report></report>`), ErrInvalidReport},
		{"bad source ip", edit("203.0.113.99", "203.0.113.999"), ErrInvalidReport},
		{"no source ip", edit("<source_ip>203.0.113.99</source_ip>", ""), ErrInvalidReport},
		{"negative count", edit("<count>2</count>", "<count>-2</count>"), ErrInvalidReport},
		{"count not a number", edit("<count>2</count>", "<count>two</count>"), ErrInvalidReport},
		{"no header_from", edit("<header_from>example.com</header_from>", ""), ErrInvalidReport},
		{"nothing in it", []byte(`<feedback><report_metadata><org_name> </org_name></report_metadata></feedback>`), ErrInvalidReport},
		{"wrapper without feedback", []byte(`<?xml version="1.0"?><reports><report></report></reports>`), ErrInvalidReport},
		{"wrappers too deep", []byte(`<a><b><c><d><e><feedback/></e></d></c></b></a>`), ErrInvalidReport},
		{"broken record in a wrapper", []byte("<reports>" + strings.Replace(string(valid[bytes.Index(valid, []byte("<feedback")):]), "203.0.113.99", "x", 1)), ErrInvalidReport},
		{"unknown charset", edit(`<?xml version="1.0"?>`, `<?xml version="1.0" encoding="koi8-r"?>`), ErrInvalidReport},
		{"corrupt gzip", gzipped(t, valid)[:40], ErrInvalidReport},
		{"zip without xml", zipped(t, "readme.txt", valid), ErrInvalidReport},
		{"message without report", []byte("From: a@example.com\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nhello\r\n"), ErrNoReport},
		{"message with a broken report", mimeMessage("application/gzip", "x.xml.gz", []byte("not gzip at all")), ErrInvalidReport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseReport(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseReport = %v, %v; want %v", r, err, tt.want)
			}
		})
	}
}

// TestParseReportLenient reads reports in the shapes real reporters send
// them, which the schema does not allow but whose records are well
// formed: each is read with a warning saying what was wrong.
func TestParseReportLenient(t *testing.T) {
	valid, err := os.ReadFile("testdata/yahoo.xml")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(valid, []byte(old)) {
			t.Fatalf("testdata lacks %q", old)
		}
		return bytes.Replace(valid, []byte(old), []byte(new), 1)
	}
	feedback := valid[bytes.Index(valid, []byte("<feedback")):]
	tests := []struct {
		name, warning string
		data          []byte
	}{
		{"empty org_name", "no org_name", edit("<org_name>Yahoo</org_name>", "<org_name></org_name>")},
		{"no org_name element", "no org_name", edit("<org_name>Yahoo</org_name>", "")},
		{"unclosed wrapper", "<feedback> is inside <reports>, which is not part of the report format (RFC 7489 Appendix C); <reports> is never closed",
			append([]byte("<?xml version=\"1.0\"?>\n<reports>\n"), feedback...)},
		{"closed wrapper", "<feedback> is inside <reports>, which",
			append(append([]byte("<reports><!-- x --><note>hi</note>"), feedback...), "</reports>"...)},
		{"no report id", "no report_id", edit("<report_id>1763770000.776655</report_id>", "")},
		{"end before begin", "date_range 1763683200-1 is not a period", edit("<end>1763769599</end>", "<end>1</end>")},
		{"no policy domain", "policy_published has no domain", edit("<domain>example.com</domain>\n    <adkim>", "<adkim>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, data := range [][]byte{tt.data, gzipped(t, tt.data), mimeMessage("application/gzip", "r.xml.gz", gzipped(t, tt.data))} {
				r, err := ParseReport(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("ParseReport: %v", err)
				}
				if len(r.Records) == 0 || r.Records[0].Row.SourceIP.String() != "203.0.113.99" {
					t.Errorf("records not read: %+v", r.Records)
				}
				if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, tt.warning) }) {
					t.Errorf("warnings %q lack %q", r.Warnings, tt.warning)
				}
			}
		})
	}
	// A report as the schema wants it has no warnings.
	r, err := ParseReport(bytes.NewReader(valid))
	if err != nil || len(r.Warnings) != 0 {
		t.Errorf("valid report: warnings %q, err %v", r.Warnings, err)
	}
}

func TestReportSizeLimit(t *testing.T) {
	l := &limited{r: strings.NewReader("0123456789"), n: 4}
	b, err := io.ReadAll(l)
	if string(b) != "0123" || !errors.Is(err, ErrReportTooLarge) {
		t.Errorf("ReadAll = %q, %v; want 0123, ErrReportTooLarge", b, err)
	}
	l = &limited{r: strings.NewReader("0123"), n: 4}
	if b, err := io.ReadAll(l); string(b) != "0123" || err != nil {
		t.Errorf("exactly at the limit: %q, %v", b, err)
	}
}

// writeBomb writes the start of a report whose XML goes on just past
// MaxReportSize: compressed, it is a few hundred KiB.
func writeBomb(w io.Writer) {
	io.WriteString(w, "<feedback><report_metadata><org_name>")
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := 0; i <= MaxReportSize>>20; i++ {
		w.Write(chunk)
	}
}

// A gzip bomb just over MaxReportSize is refused, not decoded to the end.
func TestReportGzipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 64 MiB stream")
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	writeBomb(zw)
	zw.Close()
	_, err := ParseReport(&buf)
	if !errors.Is(err, ErrReportTooLarge) {
		t.Fatalf("got %v, want ErrReportTooLarge", err)
	}
}

// So is a zip bomb (issue 21's held row: DMARC report zip bombs refused),
// alone and as a message's attachment.
func TestReportZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 64 MiB stream")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.Create("r!example.com!1!2.xml")
	if err != nil {
		t.Fatal(err)
	}
	writeBomb(w)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{
		"zip":         buf.Bytes(),
		"message+zip": mimeMessage("application/zip", "r!example.com!1!2.zip", buf.Bytes()),
	} {
		if _, err := ParseReport(bytes.NewReader(in)); !errors.Is(err, ErrReportTooLarge) {
			t.Errorf("%s of %d bytes: got %v, want ErrReportTooLarge", name, len(in), err)
		}
	}
}

// evaluations runs a few messages through a real evaluator and returns
// the events an MTA would feed the Aggregator.
func evaluations(t testing.TB, m Method) []Event {
	zone := `
_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=quarantine; pct=50; rua=mailto:agg@example.com"
_dmarc.example.org. TXT "v=DMARC1; p=none; np=reject; t=y"
www.example.com.    A   192.0.2.80
`
	_, e := newEvaluator(t.(*testing.T), zone, m)
	e.Sample = func(int) bool { return false }
	inputs := []struct {
		ip string
		in Input
	}{
		{"192.0.2.10", Input{FromDomain: "example.com", SPF: SPFInput{Result: "pass", Domain: "bounce.example.com"}, DKIM: []DKIMInput{{Domain: "example.com", Selector: "s1", Result: "pass"}}}},
		{"192.0.2.10", Input{FromDomain: "example.com", SPF: SPFInput{Result: "pass", Domain: "bounce.example.com"}, DKIM: []DKIMInput{{Domain: "example.com", Selector: "s1", Result: "pass"}}}},
		{"::ffff:192.0.2.10", Input{FromDomain: "example.com", SPF: SPFInput{Result: "pass", Domain: "bounce.example.com"}, DKIM: []DKIMInput{{Domain: "example.com", Selector: "s1", Result: "pass"}}}},
		{"2001:db8::1", Input{FromDomain: "example.com", SPF: SPFInput{Result: "softfail", Domain: "evil.example"}}},
		{"2001:db8::1", Input{FromDomain: "www.example.com", SPF: SPFInput{Result: "fail", Domain: "evil.example"}, DKIM: []DKIMInput{{Domain: "evil.example", Selector: "x", Result: "pass"}, {Domain: "example.com", Selector: "s1", Result: "fail"}}}},
		{"198.51.100.3", Input{FromDomain: "example.org", SPF: SPFInput{Result: "none", Domain: "example.org", Scope: "helo"}}},
		{"198.51.100.4", Input{FromDomain: "nobody.example", SPF: SPFInput{Result: "pass", Domain: "nobody.example"}}}, // no DMARC: not reported
	}
	var evs []Event
	base := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for i, x := range inputs {
		res, err := e.Evaluate(context.Background(), x.in)
		if err != nil {
			t.Fatalf("Evaluate(%+v): %v", x.in, err)
		}
		evs = append(evs, Event{Time: base.Add(time.Duration(i) * time.Minute), SourceIP: netip.MustParseAddr(x.ip), Input: x.in, Result: res, EnvelopeTo: "receiver.example"})
	}
	return evs
}

func TestAggregateAndRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		format ReportFormat
		method Method
	}{{FormatRFC7489, PublicSuffixList}, {FormatRFC9990, TreeWalk}} {
		t.Run(fmt.Sprint(tt.format), func(t *testing.T) {
			a := &Aggregator{OrgName: "Receiver Example", Email: "dmarc@receiver.example", Format: tt.format}
			for _, ev := range evaluations(t, tt.method) {
				if err := a.Add(ev); err != nil {
					t.Fatal(err)
				}
			}
			res := evaluations(t, tt.method)[0].Result
			if err := a.Add(Event{Result: res}); err == nil {
				t.Error("event without a source IP accepted")
			}
			end := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
			reps := a.Flush(end)
			if len(reps) != 2 || reps[0].Policy.Domain != "example.com" || reps[1].Policy.Domain != "example.org" {
				t.Fatalf("%d reports; want example.com and example.org", len(reps))
			}
			com := reps[0]
			if len(com.Records) != 3 {
				t.Fatalf("example.com: %d records, want 3 (one per source and outcome)", len(com.Records))
			}
			first := com.Records[0]
			if first.Row.Count != 3 || first.Row.SourceIP != netip.MustParseAddr("192.0.2.10") {
				t.Errorf("first row %+v; want 3 messages from 192.0.2.10 (the mapped IPv6 form merged)", first.Row)
			}
			if first.Row.PolicyEvaluated.DKIM != "pass" || first.Row.PolicyEvaluated.SPF != "pass" {
				t.Errorf("first row evaluated %+v", first.Row.PolicyEvaluated)
			}
			failing := com.Records[1].Row.PolicyEvaluated
			sub := com.Records[2]
			if tt.format == FormatRFC7489 {
				// pct=50 and the sampler said no: reject lowered to quarantine.
				if failing.Disposition != "quarantine" || len(failing.Reasons) != 1 || failing.Reasons[0].Type != "sampled_out" {
					t.Errorf("sampled-out row %+v", failing)
				}
			} else if failing.Disposition != "reject" || len(failing.Reasons) != 0 {
				t.Errorf("failing row %+v; want reject (pct is not RFC 9989)", failing)
			}
			wantSub := "quarantine" // sp
			if tt.format == FormatRFC7489 {
				wantSub = "none" // sp=quarantine, sampled out
			}
			if sub.Identifiers.HeaderFrom != "www.example.com" || len(sub.AuthResults.DKIM) != 2 || sub.Row.PolicyEvaluated.Disposition != wantSub {
				t.Errorf("subdomain row %+v", sub)
			}
			if b, e := com.Metadata.DateRange.Begin, com.Metadata.DateRange.End; b != time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).Unix() || e != end.Unix() {
				t.Errorf("date range %d-%d", b, e)
			}
			if again := a.Flush(end); len(again) != 0 {
				t.Errorf("second Flush returned %d reports", len(again))
			}

			if got := reps[0].Recipients; len(got) != 1 || got[0].Mailbox() != "agg@example.com" {
				t.Errorf("recipients %+v, want agg@example.com", got)
			}
			for _, rep := range reps {
				var buf bytes.Buffer
				if _, err := rep.WriteTo(&buf); err != nil {
					t.Fatal(err)
				}
				back, err := ParseReport(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatalf("written report does not parse: %v\n%s", err, buf.String())
				}
				back.Recipients = rep.Recipients // not in the XML
				if !reflect.DeepEqual(back, rep) {
					t.Errorf("round trip differs:\n got %+v\nwant %+v\n%s", back, rep, buf.String())
				}
				var msg bytes.Buffer
				if err := rep.WriteMail(&msg, ReportMail{From: "DMARC <dmarc@receiver.example>", To: "agg@example.com", Receiver: "receiver.example"}); err != nil {
					t.Fatal(err)
				}
				back, err = ParseReport(&msg)
				if err != nil {
					t.Fatalf("mailed report does not parse: %v", err)
				}
				back.Recipients = rep.Recipients
				if !reflect.DeepEqual(back, rep) {
					t.Errorf("mail round trip differs")
				}
			}
		})
	}
}

func TestWriteMailRefusesHeaderInjection(t *testing.T) {
	rep := &Report{Policy: PolicyPublished{Domain: "example.com"}, Metadata: ReportMetadata{ReportID: "1"}}
	for _, m := range []ReportMail{
		{From: "a@example.com\r\nBcc: x@evil.example", To: "b@example.com"},
		{From: "a@example.com", To: "b@example.com\nBcc: x@evil.example"},
		{From: "a@example.com", To: "b@example.com", Receiver: "r.example\r\nX: y"},
		{From: "not an address", To: "b@example.com"},
	} {
		if err := rep.WriteMail(io.Discard, m); err == nil {
			t.Errorf("WriteMail(%+v) accepted", m)
		}
	}
}

func TestReportFilename(t *testing.T) {
	rep := &Report{Policy: PolicyPublished{Domain: "example.com"}, Metadata: ReportMetadata{DateRange: DateRange{Begin: 1, End: 2}}}
	if got, want := rep.Filename("receiver.example"), "receiver.example!example.com!1!2.xml.gz"; got != want {
		t.Errorf("Filename = %q, want %q", got, want)
	}
}

func FuzzParseReport(f *testing.F) {
	for _, name := range []string{"google.xml", "microsoft.xml", "yahoo.xml", "rfc9990.xml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b, _ := os.ReadFile("testdata/yahoo.xml")
	f.Add(gzipped(f, b))
	f.Add(zipped(f, "r.xml", b))
	f.Add(mimeMessage("application/gzip", "r.xml.gz", gzipped(f, b)))
	f.Add([]byte("<feedback><record><row><source_ip>1.2.3.4</source_ip></row></record></feedback>"))
	f.Add(append([]byte("<reports><x/>"), b[bytes.Index(b, []byte("<feedback")):]...))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := ParseReport(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalidReport) && !errors.Is(err, ErrNoReport) && !errors.Is(err, ErrReportTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// What parses, writes and parses back the same.
		var buf bytes.Buffer
		if _, err := rep.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ParseReport(&buf)
		if err != nil {
			t.Fatalf("rewritten report does not parse: %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(back.Records, rep.Records) || back.Metadata.ReportID != rep.Metadata.ReportID {
			t.Fatalf("rewrite changed the report:\n%+v\n%+v", rep, back)
		}
	})
}

func TestParseReportCharsets(t *testing.T) {
	raw, err := os.ReadFile("testdata/yahoo.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range []string{"ISO-8859-1", "windows-1252", "us-ascii"} {
		data := bytes.Replace(raw, []byte(`<?xml version="1.0"?>`), []byte(`<?xml version="1.0" encoding="`+cs+`"?>`), 1)
		want := "Yahoo"
		if cs != "us-ascii" {
			data = bytes.Replace(data, []byte("<org_name>Yahoo</org_name>"), []byte("<org_name>Yah\xf6\xf6</org_name>"), 1)
			want = "Yahöö"
		}
		r, err := ParseReport(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", cs, err)
		}
		if r.Metadata.OrgName != want {
			t.Errorf("%s: org_name %q, want %q", cs, r.Metadata.OrgName, want)
		}
	}
}
