// Command verify checks a list of addresses with mxkit's verify package:
// a CSV in, the same rows out with the verdict, the reasons and a typo
// suggestion added, as CSV or as JSON lines. Nothing is sent and no
// mailbox is probed: the answers come from syntax, DNS and data.
//
//	verify customers.csv > checked.csv
//	verify -column 3 -json < list.csv > checked.jsonl
//	verify -dns 127.0.0.1:5353 -suppressed bounced.txt -disposable mine.txt list.csv
//
// Flags:
//
//	-column email     the column holding the address: a header name or a
//	                  1-based number (default "email"; without such a
//	                  header, the first column of a file with no header)
//	-json             write JSON lines, one object per row, instead of CSV
//	-o file           write to file instead of standard output
//	-dns host:port    DNS servers, comma-separated (default: /etc/resolv.conf)
//	-concurrency 16   domains looked up at once
//	-timeout 10s      bound on the DNS checks of one domain
//	-suppressed file  addresses not to send to, one per line (a stand-in
//	                  for a suppression store)
//	-disposable file  more disposable domains, one per line
//
// On a terminal, standard error shows a progress bar; otherwise it gets a
// plain progress line at most once a second. The last line sums up the
// verdicts. The exit code is 0 when the list was checked, 2 when it could
// not be (bad flags, unreadable input).
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/verify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, isTerminal(os.Stderr))
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		os.Exit(2)
	}
}

// isTerminal reports whether f is a character device (a terminal), so a
// redrawn progress bar makes sense there.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// batch is how many rows are checked together: each distinct domain in a
// batch is looked up once, and progress is shown after each.
const batch = 2000

type options struct {
	column      string
	asJSON      bool
	out         string
	dns         string
	concurrency int
	timeout     time.Duration
	suppressed  string
	disposable  string
	input       string
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, tty bool) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.column, "column", "email", "the `column` with the address: a header name or a 1-based number")
	fs.BoolVar(&o.asJSON, "json", false, "write JSON lines instead of CSV")
	fs.StringVar(&o.out, "o", "", "write to `file` instead of standard output")
	fs.StringVar(&o.dns, "dns", "", "DNS servers as `host:port`, comma-separated (default: /etc/resolv.conf)")
	fs.IntVar(&o.concurrency, "concurrency", 16, "domains looked up at once")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "bound on the DNS checks of one domain")
	fs.StringVar(&o.suppressed, "suppressed", "", "`file` of addresses not to send to, one per line")
	fs.StringVar(&o.disposable, "disposable", "", "`file` of more disposable domains, one per line")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: verify [flags] [list.csv]   (standard input without a file)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errors.New("give at most one input file")
	}
	o.input = fs.Arg(0)

	c, err := newChecker(o)
	if err != nil {
		return err
	}
	in, size := stdin, int64(-1)
	if o.input != "" && o.input != "-" {
		f, err := os.Open(o.input)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		in = f
	}
	out := stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	counted := &countingReader{r: in}
	bw := bufio.NewWriter(out)
	p := &progress{w: stderr, tty: tty, size: size, read: &counted.n, start: time.Now()}
	if err := check(ctx, c, o, counted, bw, p); err != nil {
		return err
	}
	return bw.Flush()
}

func newChecker(o options) (*verify.Checker, error) {
	r := &resolver.Client{}
	for _, s := range strings.FieldsFunc(o.dns, func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, _, err := net.SplitHostPort(s); err != nil {
			s = net.JoinHostPort(s, "53")
		}
		r.Servers = append(r.Servers, s)
	}
	c := &verify.Checker{Resolver: r, Concurrency: o.concurrency, Timeout: o.timeout}
	if o.disposable != "" {
		f, err := os.Open(o.disposable)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		mine, err := verify.ReadDomainList(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.disposable, err)
		}
		c.Disposable = verify.DisposableDomains().Union(mine)
	}
	if o.suppressed != "" {
		set, err := readAddresses(o.suppressed)
		if err != nil {
			return nil, err
		}
		c.Suppressions = verify.SuppressionsFunc(func(_ context.Context, a address.Address) (string, bool, error) {
			_, ok := set[suppressionKey(a)]
			return "listed in " + o.suppressed, ok, nil
		})
	}
	return c, nil
}

// readAddresses reads one address per line ("#" comments allowed).
func readAddresses(name string) (map[string]bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		a, err := address.Parse(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		set[suppressionKey(a)] = true
	}
	return set, sc.Err()
}

// suppressionKey matches an address case-insensitively: the local part's
// case is the receiving host's to interpret (RFC 5321 §2.4), but in
// practice no mailbox differs from another by case alone.
func suppressionKey(a address.Address) string {
	return strings.ToLower(a.Local) + "@" + a.Domain.ASCII()
}

// check reads the CSV, checks the addresses batch by batch and writes the
// results.
func check(ctx context.Context, c *verify.Checker, o options, in io.Reader, out *bufio.Writer, p *progress) error {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	first, err := cr.Read()
	if errors.Is(err, io.EOF) {
		p.done()
		return nil
	}
	if err != nil {
		return err
	}
	col, header, err := findColumn(first, o.column)
	if err != nil {
		return err
	}
	w := newWriter(out, o.asJSON)
	var rows [][]string
	if header {
		if err := w.header(first); err != nil {
			return err
		}
	} else {
		rows = append(rows, first)
	}
	line := 1
	if header {
		line = 2
	}
	flush := func() error {
		addrs := make([]string, len(rows))
		for i, row := range rows {
			if col < len(row) {
				// Spreadsheets pad cells; an address has no spaces
				// outside quotes at its ends.
				addrs[i] = strings.TrimSpace(row[col])
			}
		}
		for i, r := range c.CheckAll(ctx, addrs) {
			if err := w.row(line, rows[i], r); err != nil {
				return err
			}
			line++
			p.add(r.Verdict)
		}
		rows = rows[:0]
		p.show()
		return ctx.Err()
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		rows = append(rows, row)
		if len(rows) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	p.done()
	return nil
}

// findColumn finds the address column in the first row: by header name
// (case-insensitive) or 1-based number. It reports whether the first row
// is a header. A first row with no such name whose first cell holds an
// "@" is taken as data, with the address in the first column.
func findColumn(first []string, column string) (int, bool, error) {
	if n, err := strconv.Atoi(column); err == nil {
		if n < 1 {
			return 0, false, fmt.Errorf("column %d: columns count from 1", n)
		}
		header := n-1 < len(first) && !strings.Contains(first[n-1], "@")
		return n - 1, header, nil
	}
	for i, h := range first {
		if strings.EqualFold(strings.TrimSpace(h), column) {
			return i, true, nil
		}
	}
	if len(first) > 0 && strings.Contains(first[0], "@") {
		return 0, false, nil
	}
	return 0, false, fmt.Errorf("no column named %q in the header %q (use -column)", column, first)
}

// countingReader counts the bytes read, for the progress bar.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
