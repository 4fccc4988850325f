package tlsrpt

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

func ruaStrings(rec *Record) []string {
	var out []string
	for _, u := range rec.RUA {
		out = append(out, u.String())
	}
	return out
}

func TestParseRecord(t *testing.T) {
	tests := []struct {
		in  string
		rua string // the URIs joined by " "; "" for an error
	}{
		// RFC 8460 Appendix A.
		{"v=TLSRPTv1;rua=mailto:reports@example.com", "mailto:reports@example.com"},
		{"v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt", "https://reporting.example.com/v1/tlsrpt"},
		{"v=TLSRPTv1; rua=mailto:a@example.com,https://r.example/x", "mailto:a@example.com https://r.example/x"},
		{"v=TLSRPTv1 ;\trua=mailto:a@example.com \t, \thttps://r.example/x ; ", "mailto:a@example.com https://r.example/x"},
		{"v=TLSRPTv1;rua=mailto:a@example.com;rua=mailto:b@example.com;", "mailto:a@example.com mailto:b@example.com"},
		{"v=TLSRPTv1; ext.1-x_y=some:value; rua=mailto:a@example.com", "mailto:a@example.com"},
		{"v=TLSRPTv1; rua=mailto:a%2Cb@example.com%21", "mailto:a%2Cb@example.com%21"},
		{"v=TLSRPTv1; rua=https://[2001:db8::1]:8443/r?x=1&y=2#f", "https://[2001:db8::1]:8443/r?x=1&y=2#f"},
		{"v=TLSRPTv1; rua=ftp://example.com/r", "ftp://example.com/r"}, // valid; not used for delivery
		{"v=TLSRPTv1; rua=mailto:a@example.com; " + strings.Repeat("x", 32) + "=1", "mailto:a@example.com"},

		{"", ""},
		{"v=TLSRPTv1", ""},
		{"v=TLSRPTv1;", ""},
		{"v=TLSRPTv1; ;", ""},
		{"v=tlsrptv1;rua=mailto:a@example.com", ""},     // case-sensitive
		{"V=TLSRPTv1;rua=mailto:a@example.com", ""},     //
		{"v=TLSRPTv1;RUA=mailto:a@example.com", ""},     // an extension named RUA, and no rua
		{"v=TLSRPTv1 rua=mailto:a@example.com", ""},     // no delimiter
		{"v=TLSRPTv10;rua=mailto:a@example.com", ""},    //
		{" v=TLSRPTv1;rua=mailto:a@example.com", ""},    // must begin with the version
		{"v=TLSRPTv1;;rua=mailto:a@example.com", ""},    // empty field
		{"v=TLSRPTv1;rua=mailto:a@example.com;;", ""},   //
		{"v=TLSRPTv1;rua =mailto:a@example.com", ""},    // no white space around =
		{"v=TLSRPTv1;rua= mailto:a@example.com", ""},    //
		{"v=TLSRPTv1;rua=", ""},                         //
		{"v=TLSRPTv1;rua=mailto:a@example.com,", ""},    // empty URI
		{"v=TLSRPTv1;rua=mailto:a@example.com!10m", ""}, // DMARC's size suffix: ! must be encoded
		{"v=TLSRPTv1;rua=reports@example.com", ""},      // no scheme
		{"v=TLSRPTv1;rua=mailto:a b@example.com", ""},   // white space in a URI
		{"v=TLSRPTv1;rua=mailto:ä@example.com", ""},     // not ASCII
		{"v=TLSRPTv1;rua=mailto:a@example.com%2", ""},   // short percent-encoding
		{"v=TLSRPTv1;rua=mailto:a@example.com%zz", ""},  //
		{"v=TLSRPTv1;rua=1mailto:a@example.com", ""},    // scheme starts with a digit
		{"v=TLSRPTv1;rua=https://[::1/x", ""},           //
		{"v=TLSRPTv1;rua=mailto:a@example.com;x=", ""},  // empty extension value
		{"v=TLSRPTv1;rua=mailto:a@example.com;x=a b", ""},
		{"v=TLSRPTv1;rua=mailto:a@example.com;x=a=b", ""},
		{"v=TLSRPTv1;rua=mailto:a@example.com;_x=1", ""},
		{"v=TLSRPTv1;rua=mailto:a@example.com;" + strings.Repeat("x", 33) + "=1", ""},
		{"v=TLSRPTv1;rua=mailto:a@example.com;x", ""},
		{"v=TLSRPTv1;rua=mailto:a@example.com\x00", ""},
		{"v=TLSRPTv1;rua=mailto:a@example.com\r\n", ""},
	}
	for _, tt := range tests {
		rec, err := ParseRecord(tt.in)
		if tt.rua == "" {
			if err == nil || !errors.Is(err, ErrRecordSyntax) || rec != nil {
				t.Errorf("ParseRecord(%q) = %v, %v; want ErrRecordSyntax", tt.in, rec, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRecord(%q): %v", tt.in, err)
			continue
		}
		if got := strings.Join(ruaStrings(rec), " "); got != tt.rua {
			t.Errorf("ParseRecord(%q) rua = %q, want %q", tt.in, got, tt.rua)
		}
	}
}

func TestLookupRecord(t *testing.T) {
	srv := resolvertest.New(t, `
_smtp._tls.good.example.     TXT "v=TLSRPTv1; rua=mailto:tlsrpt@good.example"
_smtp._tls.good.example.     TXT "v=spf1 -all"
_smtp._tls.split.example.    TXT "v=TLSRPTv1;" "rua=https://r.split.example/" "tlsrpt"
_smtp._tls.two.example.      TXT "v=TLSRPTv1; rua=mailto:a@two.example"
_smtp._tls.two.example.      TXT "v=TLSRPTv1; rua=mailto:b@two.example"
_smtp._tls.bad.example.      TXT "v=TLSRPTv1; rua=reports@bad.example"
_smtp._tls.other.example.    TXT "v=TLSRPTv2; rua=mailto:a@other.example"
_smtp._tls.nodata.example.   A   192.0.2.1
_smtp._tls.fail.example.     TXT "v=TLSRPTv1; rua=mailto:a@fail.example"
`)
	srv.SetFault("_smtp._tls.fail.example.", dns.TypeTXT, resolvertest.ServFail)
	r := srv.Client()
	ctx := context.Background()
	tests := []struct {
		domain string
		rua    string // "": an error
		noRec  bool   // the error is ErrNoRecord
	}{
		{"good.example", "mailto:tlsrpt@good.example", false},
		{"GOOD.example.", "mailto:tlsrpt@good.example", false},
		{"split.example", "https://r.split.example/tlsrpt", false},
		{"two.example", "", true},
		{"bad.example", "", true},
		{"other.example", "", true},
		{"nodata.example", "", true},
		{"missing.example", "", true},
		{"[192.0.2.1]", "", true},
		{"fail.example", "", false},
	}
	for _, tt := range tests {
		rec, err := LookupRecord(ctx, r, tt.domain)
		if tt.rua != "" {
			if err != nil || strings.Join(ruaStrings(rec), " ") != tt.rua {
				t.Errorf("LookupRecord(%s) = %v, %v; want rua %s", tt.domain, rec, err, tt.rua)
			}
			continue
		}
		if err == nil || errors.Is(err, ErrNoRecord) != tt.noRec {
			t.Errorf("LookupRecord(%s) = %v, %v; want an error, ErrNoRecord %v", tt.domain, rec, err, tt.noRec)
		}
		if tt.domain == "bad.example" && !errors.Is(err, ErrRecordSyntax) {
			t.Errorf("LookupRecord(%s): %v, want ErrRecordSyntax too", tt.domain, err)
		}
		if tt.domain == "fail.example" && !resolver.IsTemporary(err) {
			t.Errorf("LookupRecord(%s): %v, want a temporary DNS error", tt.domain, err)
		}
	}
}
