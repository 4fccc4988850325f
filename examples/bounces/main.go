// Command bounces classifies returned mail: it reads mbox files and
// Maildirs of bounces, complaints and auto-replies, runs bounce.Parse on
// each message, and writes one row per reported recipient, plus the list of
// addresses to stop mailing.
//
//	bounces returned.mbox > bounces.csv
//	bounces -json -suppress suppress.txt ~/Maildir/.Bounces
//	cat returned.mbox | bounces -
//
// Each argument is one of:
//   - an mbox file (RFC 4155; read as a stream, so its size does not
//     matter; "-" reads one from standard input). A file that does not
//     start with a "From " line is taken as a single message.
//   - a Maildir: a directory with cur/ and new/ (tmp/ is skipped).
//   - any other directory: each regular file in it is one message.
//
// The output (standard output, or -o file) is CSV with a header row, or
// with -json a JSON array of objects with the same fields:
//
//	file        the file, "mbox#3" for the third message of an mbox
//	kind        dsn, nonstandard, feedback, autoreply or unknown (not returned mail)
//	recipient   the address the report is about
//	action      failed, delayed, delivered, ... (RFC 3464)
//	status      the enhanced status code (RFC 3463)
//	reason      userunknown, mailboxfull, blocked, feedback, vacation, ... (see bounce.Reason)
//	hard        true when no retry can succeed: suppress the address
//	diagnostic  the remote server's text
//
// A message that is not returned mail gets one row with kind "unknown".
// With -suppress file, the addresses that hard-bounced or complained
// (feedback reports, RFC 5965) are written there, lower-cased, sorted, one
// a line. Messages that cannot be read as mail are reported on standard
// error and make the exit code 1; the others are still classified.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mxkit/mxkit/bounce"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bounces:", err)
		}
		os.Exit(1)
	}
}

// row is one reported recipient (or one message that reports none).
type row struct {
	File       string `json:"file"`
	Kind       string `json:"kind"`
	Recipient  string `json:"recipient"`
	Action     string `json:"action"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	Hard       bool   `json:"hard"`
	Diagnostic string `json:"diagnostic"`
}

var csvHeader = []string{"file", "kind", "recipient", "action", "status", "reason", "hard", "diagnostic"}

func (r row) fields() []string {
	return []string{r.File, r.Kind, r.Recipient, r.Action, r.Status, r.Reason, strconv.FormatBool(r.Hard), r.Diagnostic}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bounces", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bounces [-json] [-o file] [-suppress file] mbox|maildir|dir|- ...")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "write a JSON array instead of CSV")
	outFile := fs.String("o", "", "write the classification to `file` instead of standard output")
	suppressFile := fs.String("suppress", "", "write the addresses to suppress (hard bounces, complaints) to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("give at least one mbox, Maildir or directory")
	}

	out := stdout
	var f *os.File
	if *outFile != "" {
		var err error
		if f, err = os.Create(*outFile); err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	bw := bufio.NewWriter(out)
	var w rowWriter = newCSVWriter(bw)
	if *asJSON {
		w = newJSONWriter(bw)
	}
	c := &classifier{w: w, stderr: stderr, suppress: map[string]bool{}}
	for _, path := range fs.Args() {
		if err := c.walk(ctx, path); err != nil {
			return err
		}
	}
	if err := w.close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
	}
	if *suppressFile != "" {
		if err := writeSuppress(*suppressFile, c.suppress); err != nil {
			return err
		}
	}
	if c.failed > 0 {
		return fmt.Errorf("%d of %d messages could not be read as mail", c.failed, c.messages)
	}
	return nil
}

// classifier parses messages and writes their rows.
type classifier struct {
	w        rowWriter
	stderr   io.Writer
	parser   bounce.Parser
	suppress map[string]bool
	messages int
	failed   int
}

// walk classifies the messages of one argument.
func (c *classifier) walk(ctx context.Context, path string) error {
	if path == "-" {
		return c.mbox(ctx, "-", os.Stdin)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return c.mbox(ctx, path, f)
	}
	dirs := []string{path}
	if isMaildir(path) {
		dirs = []string{filepath.Join(path, "cur"), filepath.Join(path, "new")}
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		for _, e := range entries { // ReadDir sorts by name
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if err := c.file(ctx, filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// isMaildir reports whether dir has the cur and new folders of a Maildir.
func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
			return false
		}
	}
	return true
}

// file classifies a file holding one message.
func (c *classifier) file(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return c.message(ctx, path, f)
}

// mbox classifies the messages of an mbox stream; input that does not
// start with a "From " line is one message.
func (c *classifier) mbox(ctx context.Context, name string, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(5); string(head) != "From " {
		return c.message(ctx, name, br)
	}
	mr := bounce.NewMbox(br)
	for i := 1; ; i++ {
		msg, err := mr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: message %d: %w", name, i, err)
		}
		if err := c.message(ctx, name+"#"+strconv.Itoa(i), msg); err != nil {
			return err
		}
	}
}

// message classifies one message and writes its rows. A message that is
// not mail is reported and counted; only write and I/O errors stop the run.
func (c *classifier) message(ctx context.Context, name string, r io.Reader) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.messages++
	rep, err := c.parser.Parse(r)
	if errors.Is(err, bounce.ErrMalformed) {
		c.failed++
		fmt.Fprintf(c.stderr, "bounces: %s: %v\n", name, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(rep.Recipients) == 0 {
		return c.w.write(row{File: name, Kind: rep.Kind.String()})
	}
	for _, rc := range rep.Recipients {
		if rc.FinalRecipient != "" && (rc.Hard || rep.Kind == bounce.KindFeedback) {
			c.suppress[strings.ToLower(rc.FinalRecipient)] = true
		}
		err := c.w.write(row{
			File: name, Kind: rep.Kind.String(), Recipient: rc.FinalRecipient, Action: rc.Action,
			Status: rc.Status, Reason: string(rc.Reason), Hard: rc.Hard, Diagnostic: rc.DiagnosticCode,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func writeSuppress(path string, set map[string]bool) error {
	addrs := make([]string, 0, len(set))
	for a := range set {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	var b strings.Builder
	for _, a := range addrs {
		b.WriteString(a + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// rowWriter writes the classification in one format.
type rowWriter interface {
	write(row) error
	close() error
}

type csvWriter struct {
	w      *csv.Writer
	header bool
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

func (c *csvWriter) write(r row) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(csvHeader); err != nil {
			return err
		}
	}
	return c.w.Write(r.fields())
}

func (c *csvWriter) close() error {
	if !c.header {
		c.header = true
		c.w.Write(csvHeader)
	}
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes a JSON array one element at a time, so that the
// output streams like the input.
type jsonWriter struct {
	w io.Writer
	n int
}

func newJSONWriter(w io.Writer) *jsonWriter { return &jsonWriter{w: w} }

func (j *jsonWriter) write(r row) error {
	sep := ",\n"
	if j.n == 0 {
		sep = "[\n"
	}
	j.n++
	if _, err := io.WriteString(j.w, sep); err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = j.w.Write(b)
	return err
}

func (j *jsonWriter) close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}
