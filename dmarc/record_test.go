package dmarc

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		txt  string
		want Record // Warnings compared by count only
		warn int
	}{
		{"minimal", "v=DMARC1; p=reject",
			Record{Policy: PolicyReject, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400}, 0},
		{"all RFC 9989 tags", "v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=s; t=y; psd=n; rua=mailto:agg@example.com,mailto:x@thirdparty.example.net; ruf=mailto:f@example.com; fo=1:d:s",
			Record{Policy: PolicyQuarantine, SubdomainPolicy: PolicyReject, NonexistentPolicy: PolicyReject, DKIMAlignment: Strict, SPFAlignment: Strict, Percent: 100, Testing: true, PSD: PSDNo,
				AggregateReports: []URI{{Address: "mailto:agg@example.com"}, {Address: "mailto:x@thirdparty.example.net"}},
				FailureReports:   []URI{{Address: "mailto:f@example.com"}}, FailureOptions: "1:d:s", ReportInterval: 86400}, 0},
		{"RFC 7489 tags pct ri rf and size", "v=DMARC1;p=none;pct=20;ri=3600;rf=afrf;rua=mailto:a@example.com!10m",
			Record{Policy: PolicyNone, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 20, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 3600,
				AggregateReports: []URI{{Address: "mailto:a@example.com", MaxSize: 10 << 20}}}, 1},
		{"whitespace around separators and values in upper case", "  v = DMARC1 ;  p = REJECT ;sp=Quarantine ; ",
			Record{Policy: PolicyReject, SubdomainPolicy: PolicyQuarantine, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400}, 0},
		{"unknown tags and junk ignored", "v=DMARC1; p=reject; foo=bar; junk; x-y=1",
			Record{Policy: PolicyReject, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400}, 3},
		{"missing p is none", "v=DMARC1; rua=mailto:a@example.com",
			Record{Policy: PolicyNone, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400,
				AggregateReports: []URI{{Address: "mailto:a@example.com"}}}, 2},
		{"invalid p with valid rua becomes none", "v=DMARC1; p=block; sp=reject; rua=mailto:a@example.com",
			Record{Policy: PolicyNone, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400,
				AggregateReports: []URI{{Address: "mailto:a@example.com"}}}, 1},
		{"invalid values fall back to defaults", "v=DMARC1; p=reject; adkim=x; aspf=; pct=200; t=maybe; psd=q; fo=0:1; ri=-5",
			Record{Policy: PolicyReject, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400}, 7},
		{"bad URIs dropped", "v=DMARC1; p=none; rua=notauri, mailto:, mailto:ok@example.com, https://r.example/x, mailto:a@b!x",
			Record{Policy: PolicyNone, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400,
				AggregateReports: []URI{{Address: "mailto:ok@example.com"}, {Address: "https://r.example/x"}}}, 3},
		{"URIs with whitespace or quotes dropped", "v=DMARC1; p=none; rua=mailto:a@example.com !10m, https://r.example/a b, A: !0, https://r.example/\"x\", mailto:ok@example.com",
			Record{Policy: PolicyNone, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400,
				AggregateReports: []URI{{Address: "mailto:ok@example.com"}}}, 6},
		{"duplicate tag keeps the first", "v=DMARC1; p=reject; p=none",
			Record{Policy: PolicyReject, DKIMAlignment: Relaxed, SPFAlignment: Relaxed, Percent: 100, PSD: PSDUnknown, FailureOptions: "0", ReportInterval: 86400}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.txt)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.txt, err)
			}
			if len(got.Warnings) != tt.warn {
				t.Errorf("warnings = %d %q, want %d", len(got.Warnings), got.Warnings, tt.warn)
			}
			got.Warnings = nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.txt, *got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		txt  string
		want error
	}{
		{"empty", "", ErrNotDMARC},
		{"spf record", "v=spf1 -all", ErrNotDMARC},
		{"version not first", "p=reject; v=DMARC1", ErrNotDMARC},
		{"version case-sensitive", "v=dmarc1; p=reject", ErrNotDMARC},
		{"version with junk", "v=DMARC1 p=reject", ErrNotDMARC},
		{"DMARC2", "v=DMARC2; p=reject", ErrNotDMARC},
		{"invalid p without rua", "v=DMARC1; p=rejct", ErrInvalidPolicy},
		{"invalid np without rua", "v=DMARC1; p=reject; np=bounce", ErrInvalidPolicy},
		{"invalid p with only invalid rua", "v=DMARC1; p=x; rua=nope", ErrInvalidPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.txt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %+v, %v; want %v", tt.txt, r, err, tt.want)
			}
			var re *RecordError
			if !errors.As(err, &re) || re.Record != tt.txt {
				t.Errorf("error %v is not a *RecordError carrying the record", err)
			}
		})
	}
}

func TestRecordStringRoundTrip(t *testing.T) {
	for _, txt := range []string{
		"v=DMARC1; p=reject",
		"v=DMARC1; p=quarantine; sp=none; np=reject; adkim=s; aspf=s; t=y; psd=y; rua=mailto:a@example.com,mailto:b@example.net; ruf=mailto:f@example.com; fo=1",
		"v=DMARC1; p=none; pct=50",
		"v=DMARC1; p=none; rua=https://r.example/#!/agg!0,mailto:a!b@example.com!1024",
	} {
		r, err := Parse(txt)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.String(); got != txt {
			t.Errorf("String() = %q, want %q", got, txt)
		}
	}
}

func TestURIMailbox(t *testing.T) {
	tests := map[string]string{
		"mailto:dmarc@example.com":           "dmarc@example.com",
		"MAILTO:dmarc@example.com":           "dmarc@example.com",
		"mailto:d%2Bx@example.com":           "d+x@example.com",
		"mailto:a@example.com?subject=hello": "a@example.com",
		"https://example.com/report":         "",
		"mailto:a%0D%0Ab@example.com":        "",
		"mailto:@example.com":                "",
	}
	for in, want := range tests {
		if got := (URI{Address: in}).Mailbox(); got != want {
			t.Errorf("Mailbox(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=reject",
		"v=DMARC1; p=none; sp=quarantine; np=reject; adkim=s; aspf=r; pct=50; t=y; psd=n; rua=mailto:a@example.com!10m,https://x.example/; ruf=mailto:f@example.com; fo=0:d:s; ri=3600",
		"v=DMARC1;;;=;p=;x",
		"v=DMARC1; rua=mailto:%zz@x, mailto:a@b!99999999999999999999t",
		"v=spf1 -all",
		"",
		// Found by fuzzing: the space before "!0" stayed in the URI, so
		// the record formatted as "rua=A: " and parsed back as "A:".
		"v=DMARC1;ruA=A: !0",
		// And a URI holding a "!" lost its tail to the size limit.
		"v=DMARC1; p=none; rua=mailto:a@e!000000000!000,https://r.example/#!/x!1k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, txt string) {
		r, err := Parse(txt)
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error not a *RecordError: %v", err)
			}
			if r != nil {
				t.Fatal("record and error both returned")
			}
			return
		}
		if !IsRecord(txt) {
			t.Fatalf("Parse accepted %q but IsRecord is false", txt)
		}
		switch r.Policy {
		case PolicyNone, PolicyQuarantine, PolicyReject:
		default:
			t.Fatalf("policy %q", r.Policy)
		}
		if r.Percent < 0 || r.Percent > 100 {
			t.Fatalf("pct %d", r.Percent)
		}
		// The formatted record parses back to the same values.
		r2, err := Parse(r.String())
		if err != nil {
			t.Fatalf("String() %q does not parse: %v", r.String(), err)
		}
		// String drops the obsolete size limits (it writes one only
		// where the URI holds a "!" of its own).
		r.Warnings, r2.Warnings = nil, nil
		for _, x := range []*Record{r, r2} {
			for i := range x.AggregateReports {
				x.AggregateReports[i].MaxSize = 0
			}
			for i := range x.FailureReports {
				x.FailureReports[i].MaxSize = 0
			}
		}
		if !reflect.DeepEqual(r, r2) && !strings.Contains(r.String(), ",,") {
			t.Fatalf("round trip of %q:\n %+v\n %+v", txt, r, r2)
		}
	})
}
