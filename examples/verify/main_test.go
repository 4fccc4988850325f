package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// zone: shop.com takes mail, closed.com publishes a null MX, gmail.com is
// the big provider typos are corrected to.
func zone(t *testing.T) *resolvertest.Server {
	t.Helper()
	return resolvertest.New(t, `
shop.com.        MX 10 mx.shop.com.
mx.shop.com.     A  45.33.10.1
gmail.com.       MX 5 mx.gmail.com.
mx.gmail.com.    A  142.250.102.26
closed.com.      MX 0 .
`)
}

const list = `name,Email,plan
Jane,jane@shop.com,pro
Info desk,info@shop.com,free
Typo,jane@gmial.com,free
Closed,bob@closed.com,pro
"Doe, John", john..doe@shop.com ,free
Gone,gone@shop.com,pro
Docs,x@example.com,free
`

func runVerify(t *testing.T, args []string, stdin string, tty bool) (string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	if err := run(context.Background(), args, strings.NewReader(stdin), &out, &errw, tty); err != nil {
		t.Fatalf("run %v: %v\n%s", args, err, errw.String())
	}
	return out.String(), errw.String()
}

func TestCSV(t *testing.T) {
	dns := zone(t)
	dir := t.TempDir()
	suppressed := filepath.Join(dir, "suppressed.txt")
	if err := os.WriteFile(suppressed, []byte("# bounced\nGone@shop.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs := runVerify(t, []string{"-dns", dns.Addr(), "-suppressed", suppressed}, list, false)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	want := [][]string{
		{"name", "Email", "plan", "verdict", "reasons", "details", "suggestion"},
		{"Jane", "jane@shop.com", "pro", "deliverable", "", "", ""},
		{"Info desk", "info@shop.com", "free", "risky", "role", "role: RFC 2142 §3", ""},
		{"Typo", "jane@gmial.com", "free", "undeliverable", "no_such_domain;typo", "no_such_domain: gmial.com does not exist (NXDOMAIN); typo: did you mean gmail.com?", "jane@gmail.com"},
		{"Closed", "bob@closed.com", "pro", "undeliverable", "null_mx", "null_mx: closed.com publishes a null MX: it accepts no mail (RFC 7505)", ""},
		{"Doe, John", " john..doe@shop.com ", "free", "undeliverable", "syntax", "syntax: misplaced dot in local part", ""},
		{"Gone", "gone@shop.com", "pro", "undeliverable", "suppressed", "suppressed: listed in " + suppressed, ""},
		{"Docs", "x@example.com", "free", "undeliverable", "reserved_domain", "reserved_domain: RFC 2606 §3, RFC 6761 §6.5: reserved for documentation", ""},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("got\n%q\nwant\n%q", rows, want)
	}
	// Not a terminal: plain lines, no carriage returns.
	if strings.Contains(errs, "\r") || !strings.Contains(errs, "verify: 7 addresses checked") ||
		!strings.Contains(errs, "verify: 7 addresses: 1 deliverable, 1 risky, 5 undeliverable, 0 unknown") {
		t.Errorf("progress on a pipe:\n%q", errs)
	}
}

func TestJSON(t *testing.T) {
	dns := zone(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	outFile := filepath.Join(dir, "out.jsonl")
	// No header; the address in the second column.
	if err := os.WriteFile(in, []byte("1,jane@shop.com\n2,noreply@shop.com\n3,x@nowhere.con\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runVerify(t, []string{"-json", "-column", "2", "-o", outFile, "-dns", dns.Addr(), in}, "", false)
	data, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r struct {
			Line    int    `json:"line"`
			Input   string `json:"input"`
			Verdict string `json:"verdict"`
			Reasons []struct {
				Kind   string `json:"kind"`
				Detail string `json:"detail"`
			} `json:"reasons"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		kinds := []string{}
		for _, x := range r.Reasons {
			kinds = append(kinds, x.Kind)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s", r.Line, r.Input, r.Verdict, strings.Join(kinds, ",")))
	}
	want := []string{
		"1 jane@shop.com deliverable ",
		"2 noreply@shop.com risky role",
		"3 x@nowhere.con undeliverable no_such_domain",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestProgressBar: on a terminal the bar is redrawn in place and ends at
// 100%; a list larger than a batch shows it more than once.
func TestProgressBar(t *testing.T) {
	dns := zone(t)
	var b strings.Builder
	b.WriteString("email\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "user%d@shop.com\n", i)
	}
	in := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs := runVerify(t, []string{"-dns", dns.Addr(), in}, "", true)
	if n := strings.Count(out, "\n"); n != 5001 {
		t.Errorf("%d output lines, want 5001", n)
	}
	if strings.Count(errs, "\r[") < 3 || !strings.Contains(errs, "] 100% 5000 addresses") ||
		!strings.Contains(errs, "verify: 5000 addresses: 5000 deliverable") {
		t.Errorf("progress on a terminal:\n%q", errs)
	}
	// From a pipe the size is unknown: a count without a bar.
	_, errs = runVerify(t, []string{"-dns", dns.Addr()}, b.String(), true)
	if strings.Contains(errs, "[") || !strings.Contains(errs, "\r5000 addresses") {
		t.Errorf("progress on a terminal, input from a pipe:\n%q", errs)
	}
}

func TestBadInput(t *testing.T) {
	dns := zone(t)
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"-dns", dns.Addr()}, "name,plan\nJane,pro\n", `no column named "email"`},
		{[]string{"-dns", dns.Addr(), "-column", "0"}, "a@b.com\n", "columns count from 1"},
		{[]string{"-dns", dns.Addr(), "missing.csv"}, "", "no such file"},
		{[]string{"-dns", dns.Addr(), "a.csv", "b.csv"}, "", "at most one input file"},
		{[]string{"-dns", dns.Addr()}, "email\n\"unterminated\n", "extraneous or missing"},
	} {
		var out, errw bytes.Buffer
		err := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errw, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %q: %v, want %q", tc.args, tc.stdin, err, tc.want)
		}
	}
	// An empty input is an empty list.
	if out, errs := runVerify(t, []string{"-dns", dns.Addr()}, "", false); out != "" || !strings.Contains(errs, "0 addresses") {
		t.Errorf("empty input: %q %q", out, errs)
	}
}
