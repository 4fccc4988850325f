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
//	message_id  the Message-ID of the returned message itself (without
//	            angle brackets), or "sha256:" and the hash of its bytes
//	            when it has none: the key to recognise it again
//
// A message that is not returned mail gets one row with kind "unknown".
// Recipients are decoded first (RFC 2047 encoded words, "<>", a source
// route) and must then be valid addresses (package address): those that
// are not ("@mx.example.org", a word of the text) are shown as reported
// but never suppressed, and counted.
//
// With -suppress file, the addresses that hard-bounced or complained
// (feedback reports, RFC 5965) are added to those already there,
// normalised (local part lower-cased, domain in lower-case A-labels),
// sorted, one a line. Messages that cannot be read as mail are reported on
// standard error and make the exit code 1; the others are still
// classified. At the end, standard error gets a summary: messages,
// recipients by reason, addresses to suppress and addresses skipped.
//
// Remote mailboxes (see remote.go) are read with
//
//	bounces -imap imaps://bounces@mail.example.com/INBOX -state seen.txt -after move:Processed
//	bounces -pop3 pop3s://bounces@mail.example.com -state seen.txt -after delete
//
// the password in $BOUNCES_PASSWORD or -password-file.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mxkit/mxkit/address"
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
	MessageID  string `json:"message_id"`
}

var csvHeader = []string{"file", "kind", "recipient", "action", "status", "reason", "hard", "diagnostic", "message_id"}

func (r row) fields() []string {
	return []string{r.File, r.Kind, r.Recipient, r.Action, r.Status, r.Reason, strconv.FormatBool(r.Hard), r.Diagnostic, r.MessageID}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bounces", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bounces [-json] [-o file] [-suppress file] mbox|maildir|dir|- ...")
		fmt.Fprintln(stderr, "       bounces [-json] [-o file] [-suppress file] -state file [-after keep|delete|move:FOLDER] -imap URL | -pop3 URL")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "write a JSON array instead of CSV")
	outFile := fs.String("o", "", "write the classification to `file` instead of standard output")
	suppressFile := fs.String("suppress", "", "add the addresses to suppress (hard bounces, complaints) to `file`")
	var ro remoteOptions
	ro.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := ro.check(); err != nil {
		return err
	}
	if fs.NArg() == 0 && !ro.enabled() {
		fs.Usage()
		return errors.New("give at least one mbox, Maildir or directory, or -imap or -pop3")
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
	c := &classifier{w: w, stderr: stderr, suppress: map[string]bool{}, reasons: map[string]int{}}
	for _, path := range fs.Args() {
		if err := c.walk(ctx, path); err != nil {
			return err
		}
	}
	// record makes what was classified so far durable: rows written out
	// and synced, the suppression list merged into its file.
	record := func() error {
		if err := c.w.flush(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if f != nil {
			if err := f.Sync(); err != nil {
				return err
			}
		}
		if *suppressFile != "" {
			return writeSuppress(*suppressFile, c.suppress)
		}
		return nil
	}
	if ro.enabled() {
		if err := ro.run(ctx, c, record); err != nil {
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
	c.summary()
	if c.failed > 0 {
		return fmt.Errorf("%d of %d messages could not be read as mail", c.failed, c.messages)
	}
	return nil
}

// classifier parses messages and writes their rows.
type classifier struct {
	w          rowWriter
	stderr     io.Writer
	parser     bounce.Parser
	suppress   map[string]bool
	messages   int
	failed     int
	recipients int
	reasons    map[string]int // recipients by reason ("" for messages that report none)
	invalid    int            // recipients that are not valid addresses
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
	// Read at most what the parser reads, plus one octet to know.
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(r, maxMessage+1)); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	io.Copy(io.Discard, r)
	return c.raw(name, buf.Bytes())
}

// maxMessage is how much of a message is read: what bounce.Parser reads.
const maxMessage = 8 << 20

// raw classifies one message held in memory.
func (c *classifier) raw(name string, msg []byte) error {
	c.messages++
	rep, err := c.parser.Parse(bytes.NewReader(msg))
	if errors.Is(err, bounce.ErrMalformed) {
		c.failed++
		fmt.Fprintf(c.stderr, "bounces: %s: %v\n", name, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	id := messageKey(msg)
	if len(rep.Recipients) == 0 {
		c.reasons[""]++
		return c.w.write(row{File: name, Kind: rep.Kind.String(), MessageID: id})
	}
	for _, rc := range rep.Recipients {
		c.recipients++
		c.reasons[string(rc.Reason)]++
		shown, key, ok := normalize(rc.FinalRecipient)
		if !ok && rc.FinalRecipient != "" {
			c.invalid++
		}
		if ok && (rc.Hard || rep.Kind == bounce.KindFeedback) {
			c.suppress[key] = true
		}
		err := c.w.write(row{
			File: name, Kind: rep.Kind.String(), Recipient: shown, Action: rc.Action,
			Status: rc.Status, Reason: string(rc.Reason), Hard: rc.Hard, Diagnostic: rc.DiagnosticCode, MessageID: id,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// messageKey identifies a returned message: its own Message-ID, or the
// SHA-256 of its bytes when it has none.
func messageKey(msg []byte) string {
	if m, err := mail.ReadMessage(bytes.NewReader(msg)); err == nil {
		if id := strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>"); id != "" && !strings.ContainsAny(id, "\r\n") {
			return id
		}
	}
	sum := sha256.Sum256(msg)
	return "sha256:" + hex.EncodeToString(sum[:])
}

var wordDecoder = mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	// Encoded words in addresses are UTF-8 or ASCII in practice; other
	// charsets are left encoded, and the address then fails to parse.
	switch strings.ToLower(charset) {
	case "utf-8", "us-ascii":
		return r, nil
	}
	return nil, fmt.Errorf("charset %s", charset)
}}

// normalize decodes a reported recipient — RFC 2047 encoded words
// (before anything changes their case), angle brackets, an RFC 5321
// source route ("@relay:user@domain", whose mailbox is the address) — and
// parses it with the address package. It returns the decoded form to
// show, the suppression key (local part lower-cased, domain in lower-case
// A-labels) and whether it is a valid address.
func normalize(s string) (shown, key string, ok bool) {
	shown = strings.TrimSpace(s)
	if strings.Contains(shown, "=?") {
		// A word whose case was changed decodes to garbage: keep it as it
		// came, and it will not parse.
		if d, err := wordDecoder.DecodeHeader(shown); err == nil && utf8.ValidString(d) {
			shown = d
		}
	}
	shown = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(shown, "<"), ">"))
	if strings.HasPrefix(shown, "@") {
		if _, mbox, found := strings.Cut(shown, ":"); found {
			shown = mbox
		}
	}
	a, err := address.Parse(shown)
	if err != nil || isEncodedWord(a.Local) {
		// An encoded word that would not decode (its base64 lower-cased
		// on the way) is made of atext, but it is nobody's mailbox.
		return shown, "", false
	}
	return shown, strings.ToLower(a.Local) + "@" + a.Domain.ASCII(), true
}

// isEncodedWord reports whether s has the form of an RFC 2047 §2 encoded
// word: "=?" charset "?" encoding "?" text "?=".
func isEncodedWord(s string) bool {
	inner, ok := strings.CutPrefix(s, "=?")
	if !ok {
		return false
	}
	inner, ok = strings.CutSuffix(inner, "?=")
	parts := strings.SplitN(inner, "?", 3)
	return ok && len(parts) == 3 && parts[0] != "" && len(parts[1]) == 1 && strings.ContainsAny(parts[1], "bBqQ")
}

// summary writes the counts to standard error.
func (c *classifier) summary() {
	fmt.Fprintf(c.stderr, "bounces: %d messages (%d unreadable), %d recipients, %d to suppress, %d invalid addresses skipped\n",
		c.messages, c.failed, c.recipients, len(c.suppress), c.invalid)
	type kv struct {
		reason string
		n      int
	}
	var list []kv
	for r, n := range c.reasons {
		if r == "" {
			r = "(no recipient)"
		}
		list = append(list, kv{r, n})
	}
	slices.SortFunc(list, func(a, b kv) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.reason, b.reason)
	})
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", e.reason, e.n)
	}
	if len(list) > 0 {
		fmt.Fprintf(c.stderr, "bounces: by reason: %s\n", b.String())
	}
}

// writeSuppress adds set to the addresses already in the file, and
// writes them back sorted, through a temporary file and a rename, synced.
func writeSuppress(path string, set map[string]bool) error {
	all := maps.Clone(set)
	if b, err := os.ReadFile(path); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				all[line] = true
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	addrs := slices.Sorted(maps.Keys(all))
	var b strings.Builder
	for _, a := range addrs {
		b.WriteString(a + "\n")
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// rowWriter writes the classification in one format.
type rowWriter interface {
	write(row) error
	flush() error // push what was written to the underlying writer
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

func (c *csvWriter) flush() error {
	c.w.Flush()
	return c.w.Error()
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

func (j *jsonWriter) flush() error { return nil }

func (j *jsonWriter) close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}
