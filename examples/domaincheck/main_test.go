package main

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// zone serves a domain set up well (good.example: DMARC p=reject with
// reports, a strict SPF record, a 2048-bit RSA DKIM key at s1, an MX with
// an address) and one set up badly (bad.example: no DMARC record, SPF
// "+all", no key at s1).
func zone(t *testing.T) *resolvertest.Server {
	t.Helper()
	_, txt := newKey(t)
	return resolvertest.New(t, fmt.Sprintf(`
good.example.                TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.good.example.         TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.example"
s1._domainkey.good.example.  TXT "%s"
good.example.                MX  10 mx.good.example.
mx.good.example.             A   127.0.0.1
bad.example.                 TXT "v=spf1 +all"
bad.example.                 MX  10 mx.bad.example.
mx.bad.example.              A   127.0.0.1
`, txt))
}

// newKey returns a new RSA key and its DKIM TXT record as zone text
// (quoted strings).
func newKey(t *testing.T) (crypto.Signer, string) {
	t.Helper()
	key, err := dkim.GenerateKey("rsa")
	if err != nil {
		t.Fatal(err)
	}
	txt, err := dkim.TXTRecord(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return key, strings.Join(txt, `" "`)
}

type jsonReport struct {
	Domain   string `json:"domain"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	Findings []struct {
		Severity, Check, Finding, Fix string
	} `json:"findings"`
}

func TestGoodDomain(t *testing.T) {
	dns := zone(t)
	t.Run("table", func(t *testing.T) {
		var out, errw bytes.Buffer
		if err := run(context.Background(), []string{"-dns", dns.Addr(), "good.example", "--selector", "s1"}, &out, &errw); err != nil {
			t.Fatalf("run: %v\n%s%s", err, out.String(), errw.String())
		}
		got := out.String()
		flat := strings.Join(strings.Fields(got), " ")
		for _, want := range []string{
			"SEVERITY CHECK",
			"info dkim 2048-bit RSA key at s1._domainkey.good.example",
			"DMARC record at _dmarc.good.example: v=DMARC1; p=reject",
			"mail hosts: mx.good.example",
			"good.example: 0 errors, 0 warnings,",
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("table lacks %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "\x1b[") {
			t.Error("colour in output that is not a terminal")
		}
	})
	t.Run("json", func(t *testing.T) {
		var out, errw bytes.Buffer
		if err := run(context.Background(), []string{"good.example", "-json", "-selector", "s1", "-dns", dns.Addr()}, &out, &errw); err != nil {
			t.Fatalf("run: %v\n%s", err, errw.String())
		}
		var rep jsonReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.String())
		}
		if rep.Domain != "good.example" || rep.Errors != 0 || rep.Warnings != 0 || len(rep.Findings) < 5 {
			t.Errorf("got domain %q, %d errors, %d warnings, %d findings; want good.example, 0, 0, 5 or more:\n%s",
				rep.Domain, rep.Errors, rep.Warnings, len(rep.Findings), out.String())
		}
		for _, f := range rep.Findings {
			if f.Severity != "info" {
				t.Errorf("finding %+v is not info", f)
			}
		}
	})
}

func TestBadDomain(t *testing.T) {
	dns := zone(t)
	// The problems the audit must report, by check, as error findings.
	want := map[string]string{
		"dmarc": "no DMARC record applies to bad.example",
		"spf":   "+all",
		"dkim":  "no DKIM key at s1._domainkey.bad.example",
	}
	t.Run("table", func(t *testing.T) {
		var out, errw bytes.Buffer
		err := run(context.Background(), []string{"bad.example", "--selector", "s1", "-dns", dns.Addr()}, &out, &errw)
		if !errors.Is(err, errProblems) {
			t.Fatalf("run returned %v, want errProblems (exit code 1)", err)
		}
		got := out.String()
		t.Log("\n" + got)
		for check, msg := range want {
			if !tableHas(got, "error", check, msg) {
				t.Errorf("no error row for %s containing %q:\n%s", check, msg, got)
			}
		}
		if !strings.Contains(got, "bad.example: 3 errors,") {
			t.Errorf("summary does not count 3 errors:\n%s", got)
		}
	})
	t.Run("json", func(t *testing.T) {
		var out, errw bytes.Buffer
		err := run(context.Background(), []string{"bad.example", "-json", "-dns", dns.Addr(), "-selector=s1"}, &out, &errw)
		if !errors.Is(err, errProblems) {
			t.Fatalf("run returned %v, want errProblems", err)
		}
		var rep jsonReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.String())
		}
		if rep.Errors != 3 {
			t.Errorf("errors = %d, want 3:\n%s", rep.Errors, out.String())
		}
		for check, msg := range want {
			found := false
			for _, f := range rep.Findings {
				if f.Severity == "error" && f.Check == check && strings.Contains(f.Finding, msg) && f.Fix != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("no error finding with a fix for %s containing %q:\n%s", check, msg, out.String())
			}
		}
	})
}

// tableHas reports whether the table has a finding of severity and check
// whose text, wrapped over lines, contains msg.
func tableHas(table, severity, check, msg string) bool {
	var row []string
	flush := func() bool {
		f := strings.Fields(strings.Join(row, " "))
		return len(f) > 2 && f[0] == severity && f[1] == check && strings.Contains(strings.Join(f, " "), msg)
	}
	for _, line := range strings.Split(table, "\n") {
		if line != "" && line[0] != ' ' {
			if flush() {
				return true
			}
			row = nil
		}
		row = append(row, line)
	}
	return flush()
}

// TestArguments checks the command line handling that is the command's
// own: flags around the domain, several selectors, and refusals.
func TestArguments(t *testing.T) {
	dns := zone(t)
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" for success
	}{
		{"selectors comma-separated and repeated", []string{"good.example", "-selector", "s1,s2", "-selector", "s3", "-dns", dns.Addr()}, "2 error findings"},
		{"flags only", []string{"-dns", dns.Addr()}, "give one domain"},
		{"two domains", []string{"good.example", "-dns", dns.Addr(), "bad.example"}, "give one domain"},
		{"invalid domain", []string{"-dns", dns.Addr(), "exa mple..com"}, "invalid domain"},
		{"unknown flag", []string{"good.example", "-selectr", "s1"}, "flag provided but not defined"},
		{"dns without port", []string{"good.example", "-dns", strings.Split(dns.Addr(), ":")[0] + ",", "-selector", "s1"}, "empty server"},
		{"dns bad port", []string{"good.example", "-dns", "127.0.0.1:0x35"}, "port"},
		{"ready flags without -ready", []string{"good.example", "-dns", dns.Addr(), "-ip", "192.0.2.1"}, "need -ready"},
		{"bad -ip", []string{"good.example", "-ready", "-ip", "mail.example"}, "not an IP address"},
		{"domain after --", []string{"-dns", dns.Addr(), "--", "good.example"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			err := run(context.Background(), tt.args, &out, &errw)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("run: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("run returned %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
