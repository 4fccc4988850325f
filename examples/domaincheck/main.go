// Command domaincheck audits how a domain is set up for sending mail: its
// DMARC record and report addresses, SPF, the DKIM keys of the selectors
// it signs with, its MX hosts and MTA-STS, with a one-line fix for each
// problem (audit.Domain does the checking).
//
//	domaincheck example.com --selector s1
//	domaincheck example.com -selector s1,ed1 -json
//	domaincheck -dns 127.0.0.1:5353 example.com
//
// Flags may come before or after the domain:
//
//	-selector s1     DKIM selector to check; repeat or separate with commas
//	-json            print JSON instead of a table
//	-dns host:port   DNS servers to ask, comma-separated (default: /etc/resolv.conf)
//	-timeout 30s     give up after this long
//
// The exit code is 0 when no finding has severity error, 1 when one has,
// and 2 when the audit could not run (bad arguments, invalid domain).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mxkit/mxkit/audit"
	"github.com/mxkit/mxkit/finding"
	"github.com/mxkit/mxkit/resolver"
)

// errProblems is returned when the audit found error-severity problems.
var errProblems = errors.New("the domain has problems")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errProblems):
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "domaincheck:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("domaincheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: domaincheck domain [-selector s1[,s2]] [-json] [-dns host:port] [-timeout 30s]")
		fs.PrintDefaults()
	}
	var selectors []string
	fs.Func("selector", "DKIM `selector` to check (repeat, or separate with commas)", func(s string) error {
		selectors = append(selectors, fields(s)...)
		return nil
	})
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	dnsServers := fs.String("dns", "", "DNS servers as `host:port`, comma-separated (default: /etc/resolv.conf)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	domains, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(domains) != 1 {
		fs.Usage()
		return errors.New("give one domain")
	}
	domain := domains[0]

	r := &resolver.Client{}
	for _, s := range fields(*dnsServers) {
		if _, _, err := net.SplitHostPort(s); err != nil {
			s = net.JoinHostPort(s, "53")
		}
		r.Servers = append(r.Servers, s)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	findings, err := audit.Domain(ctx, r, domain, audit.Options{Selectors: selectors})
	if err != nil {
		return err
	}

	errs := 0
	for _, f := range findings {
		if f.Severity == finding.Error {
			errs++
		}
	}
	if *asJSON {
		err = writeJSON(stdout, domain, findings)
	} else {
		err = writeTable(stdout, domain, findings)
	}
	if err != nil {
		return err
	}
	if errs > 0 {
		return fmt.Errorf("%s: %d error findings: %w", domain, errs, errProblems)
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (the flag package stops at the first of those)
// and returns the positional arguments. After "--" everything is
// positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// fields splits a list separated by commas or spaces.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// jsonFinding is the JSON form of a finding.Finding.
type jsonFinding struct {
	Severity string `json:"severity"`
	Check    string `json:"check"`
	Finding  string `json:"finding"`
	Fix      string `json:"fix,omitempty"`
}

func writeJSON(w io.Writer, domain string, findings []finding.Finding) error {
	out := struct {
		Domain   string        `json:"domain"`
		Errors   int           `json:"errors"`
		Warnings int           `json:"warnings"`
		Findings []jsonFinding `json:"findings"`
	}{Domain: domain, Findings: []jsonFinding{}}
	for _, f := range findings {
		switch f.Severity {
		case finding.Error:
			out.Errors++
		case finding.Warning:
			out.Warnings++
		}
		out.Findings = append(out.Findings, jsonFinding{f.Severity.String(), f.Check, f.Message, f.Fix})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeTable prints the findings in aligned columns, in the order Audit
// gives them (grouped by check), then a one-line summary.
func writeTable(w io.Writer, domain string, findings []finding.Finding) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tCHECK\tFINDING\tFIX")
	count := map[finding.Severity]int{}
	for _, f := range findings {
		count[f.Severity]++
		fix := f.Fix
		if fix == "" {
			fix = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Severity, f.Check, oneLine(f.Message), oneLine(fix))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s: %d errors, %d warnings, %d info\n", domain, count[finding.Error], count[finding.Warning], count[finding.Info])
	return err
}

// oneLine keeps a table cell on one line: record text quoted in a finding
// comes from DNS and may hold tabs or newlines.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
