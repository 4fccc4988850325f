// Command domaincheck audits how a domain is set up for sending mail: its
// DMARC record and report addresses, SPF, the DKIM keys of the selectors
// it signs with, its MX hosts and MTA-STS, with a fix for each problem
// (audit.Domain does the checking). With -ready it checks instead what
// Gmail, Yahoo and Outlook require of senders, for the addresses the mail
// leaves from and optionally a sample message (audit.Readiness).
//
//	domaincheck example.com -selector s1
//	domaincheck example.com -selector s1,ed1 -json
//	domaincheck -dns 192.0.2.53,[2001:db8::53]:5353 example.com
//	domaincheck -ready -ip 203.0.113.5=mail.example.com -message sample.eml -bulk -blocklists example.com
//
// Flags may come before or after the domain:
//
//	-selector s1          DKIM selector to check; repeat or separate with commas
//	-json                 print JSON instead of a table
//	-dns host[:port],...  DNS servers to ask, comma-separated, port 53 by default
//	                      (default: /etc/resolv.conf); every lookup goes there,
//	                      the MTA-STS policy host's included
//	-timeout 30s          give up after this long
//
// Sender readiness (-ready):
//
//	-ip addr[=ehlo]       a source address and the EHLO name used from it;
//	                      repeat or separate with commas
//	-mailfrom addr        the envelope sender whose SPF policy is checked
//	                      (default: the sample's Return-Path, else the domain)
//	-message file         a sample message as sent (DKIM-signed), or as received
//	-bulk                 5,000 or more messages a day to one provider: the
//	                      bulk-sender rules become errors
//	-blocklists           check the addresses and the domain on the default
//	                      blocklists (dnsbl.DefaultZones)
//	-zones z1,z2          the blocklists to check instead (implies -blocklists)
//
// The table wraps long findings to the terminal's width ($COLUMNS, else 80;
// 100 when the output is not a terminal) and colours severities only on a
// terminal, unless NO_COLOR is set. -json prints every finding with its
// severity, check, text, fix, and, when set, subject and source.
//
// The exit code is 0 when no finding has severity error, 1 when one has,
// and 2 when the check could not run (bad arguments, invalid domain).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mxkit/mxkit/audit"
	"github.com/mxkit/mxkit/dnsbl"
	"github.com/mxkit/mxkit/examples/internal/dnsflag"
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
		fmt.Fprintln(stderr, "usage: domaincheck domain [-selector s1[,s2]] [-json] [-dns host[:port],...] [-timeout 30s]")
		fmt.Fprintln(stderr, "       domaincheck -ready domain -ip addr[=ehlo] [-message file] [-mailfrom addr] [-bulk] [-blocklists | -zones z1,z2]")
		fs.PrintDefaults()
	}
	var selectors, zones []string
	fs.Func("selector", "DKIM `selector` to check (repeat, or separate with commas)", func(s string) error {
		selectors = append(selectors, fields(s)...)
		return nil
	})
	var sources []audit.Source
	fs.Func("ip", "source `address[=ehlo]` for -ready (repeat, or separate with commas)", func(s string) error {
		for _, f := range fields(s) {
			ip, ehlo, _ := strings.Cut(f, "=")
			a, err := netip.ParseAddr(ip)
			if err != nil {
				return fmt.Errorf("%q is not an IP address", ip)
			}
			sources = append(sources, audit.Source{IP: a, EHLO: ehlo})
		}
		return nil
	})
	fs.Func("zones", "blocklist `zones` to check instead of the default ones (comma-separated)", func(s string) error {
		zones = append(zones, fields(s)...)
		return nil
	})
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	dnsServers := fs.String("dns", "", dnsflag.Usage)
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	ready := fs.Bool("ready", false, "check the bulk-sender requirements of Gmail, Yahoo and Outlook")
	mailFrom := fs.String("mailfrom", "", "envelope sender `address` whose SPF policy -ready checks")
	message := fs.String("message", "", "sample message `file` for -ready")
	bulk := fs.Bool("bulk", false, "with -ready: 5,000 or more messages a day to one provider")
	blocklists := fs.Bool("blocklists", false, "with -ready: check the default DNS blocklists")
	domains, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(domains) != 1 {
		fs.Usage()
		return errors.New("give one domain")
	}
	domain := domains[0]
	if !*ready && (len(sources) > 0 || *message != "" || *mailFrom != "" || *bulk || *blocklists || len(zones) > 0) {
		return errors.New("-ip, -message, -mailfrom, -bulk, -blocklists and -zones need -ready")
	}
	servers, err := dnsflag.Parse(*dnsServers)
	if err != nil {
		return err
	}
	r := &resolver.Client{Servers: servers}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	var findings []finding.Finding
	if *ready {
		in := audit.ReadinessInput{Domain: domain, Sources: sources, MailFrom: *mailFrom, Bulk: *bulk, Selectors: selectors}
		if *message != "" {
			f, err := os.Open(*message)
			if err != nil {
				return err
			}
			defer f.Close()
			in.Message = f
		}
		if *blocklists || len(zones) > 0 {
			in.Blocklists = &dnsbl.Checker{Resolver: r, Zones: zoneList(zones)}
		}
		findings, err = audit.Readiness(ctx, r, in)
	} else {
		findings, err = audit.Domain(ctx, r, domain, audit.Options{Selectors: selectors})
	}
	if err != nil {
		return err
	}

	if *asJSON {
		err = writeJSON(stdout, domain, findings)
	} else {
		color, width := terminal(stdout)
		err = writeTable(stdout, domain, findings, width, color)
	}
	if err != nil {
		return err
	}
	if n := finding.Count(findings)[finding.Error]; n > 0 {
		return fmt.Errorf("%s: %d error findings: %w", domain, n, errProblems)
	}
	return nil
}

// zoneList returns the zones named, with the definition DefaultZones has
// for a name it knows; nil for none (the defaults).
func zoneList(names []string) []dnsbl.Zone {
	if len(names) == 0 {
		return nil
	}
	defaults := dnsbl.DefaultZones()
	var out []dnsbl.Zone
	for _, n := range names {
		if i := slices.IndexFunc(defaults, func(z dnsbl.Zone) bool { return strings.EqualFold(z.Name, n) }); i >= 0 {
			out = append(out, defaults[i])
		} else {
			out = append(out, dnsbl.Zone{Name: n})
		}
	}
	return out
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
	Subject  string `json:"subject,omitempty"`
	Finding  string `json:"finding"`
	Fix      string `json:"fix,omitempty"`
	Source   string `json:"source,omitempty"`
}

func writeJSON(w io.Writer, domain string, findings []finding.Finding) error {
	n := finding.Count(findings)
	out := struct {
		Domain   string        `json:"domain"`
		Errors   int           `json:"errors"`
		Warnings int           `json:"warnings"`
		Findings []jsonFinding `json:"findings"`
	}{Domain: domain, Errors: n[finding.Error], Warnings: n[finding.Warning], Findings: []jsonFinding{}}
	for _, f := range findings {
		out.Findings = append(out.Findings, jsonFinding{f.Severity.String(), f.Check, f.Subject, f.Message, f.Fix, f.Source})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// terminal says whether w is a terminal that takes colour, and the width
// to wrap to.
func terminal(w io.Writer) (color bool, width int) {
	width = 100
	f, ok := w.(*os.File)
	if ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			width = 80
			_, noColor := os.LookupEnv("NO_COLOR") // https://no-color.org
			color = !noColor && os.Getenv("TERM") != "dumb"
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		width = n
	}
	return color, width
}

// ANSI colours of the severities.
var colors = [...]string{finding.Info: "\x1b[2m", finding.Warning: "\x1b[33m", finding.Error: "\x1b[1;31m"}

// writeTable prints the findings in the order the audit gives them
// (grouped by check): the severity and check in columns, the finding
// wrapped to width beside them, and under it the fix and the rule's
// source; then a one-line summary.
func writeTable(w io.Writer, domain string, findings []finding.Finding, width int, color bool) error {
	checkW := len("CHECK")
	for _, f := range findings {
		checkW = max(checkW, len(f.Check))
	}
	indent := len("warning") + 2 + checkW + 2
	text := max(width-indent, 30)
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s%-*s%s\n", "SEVERITY", checkW+2, "CHECK", "FINDING")
	for _, f := range findings {
		sev := fmt.Sprintf("%-9s", f.Severity)
		if color && f.Severity <= finding.Error {
			sev = colors[f.Severity] + f.Severity.String() + "\x1b[0m" + strings.Repeat(" ", 9-len(f.Severity.String()))
		}
		msg := oneLine(f.Message)
		if f.Subject != "" && !strings.Contains(msg, f.Subject) {
			msg = "[" + f.Subject + "] " + msg
		}
		for i, line := range wrap(msg, text) {
			if i == 0 {
				fmt.Fprintf(&b, "%s%-*s%s\n", sev, checkW+2, f.Check, line)
			} else {
				b.WriteString(pad + line + "\n")
			}
		}
		for _, extra := range [][2]string{{"fix: ", f.Fix}, {"source: ", f.Source}} {
			if extra[1] == "" {
				continue
			}
			for i, line := range wrap(extra[0]+oneLine(extra[1]), text-2) {
				if i > 0 {
					line = "  " + line
				}
				b.WriteString(pad + line + "\n")
			}
		}
	}
	n := finding.Count(findings)
	fmt.Fprintf(&b, "\n%s: %d errors, %d warnings, %d info\n", domain, n[finding.Error], n[finding.Warning], n[finding.Info])
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap breaks s into lines of at most width bytes at spaces; a word
// longer than width (a URL) stands alone on its line.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// oneLine keeps a finding on one logical line: record text quoted in a
// finding comes from DNS and may hold tabs, newlines or escape sequences.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
