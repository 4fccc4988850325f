// Command returnpath is the mail server of a return-path domain: the MX of
// bounces.example.com when every message goes out with a signed VERP
// envelope sender (b+<tag>@bounces.example.com, package verp). It accepts
// only those addresses and the feedback-loop address, refuses everything
// else at RCPT, and writes one JSON line per received bounce or complaint
// (matched to the message ID and recipient its tag names) and per refusal.
//
//	returnpath -domain bounces.example.com -keys verp.keys -fbl fbl@bounces.example.com \
//	    -listen :25 -events events.jsonl -suppress suppress.txt
//	returnpath -domain bounces.example.com -keys verp.keys -encode q42 alice@customers.example
//
// The keys file has one key a line, "ID SECRET": ID 0 to 31, SECRET 32 or
// more hex digits (16 octets); the first line signs, all verify. Rotate by
// adding a new first line and removing the old one after -max-age.
//
// -encode prints the return path for one message and recipient (what a
// sender puts in MAIL FROM); without it the program serves until
// interrupted.
//
// Events (JSON lines, to -events or standard output):
//
//	{"event":"bounce","time":...,"client":"192.0.2.7:41234","to":"b+...@bounces.example.com",
//	 "kind":"dsn","message_id":"q42","recipient":"alice@customers.example","match":"report",
//	 "reason":"userunknown","status":"5.1.1","hard":true,"suppress":true}
//	{"event":"refused","time":...,"client":"...","rcpt":"x@bounces.example.com","code":550,"error":"..."}
//
// With -suppress file, the recipients of hard bounces and complaints
// (feedback reports) are appended there, one a line: a stand-in for a
// suppression store, behind the small suppressor interface that issue
// 15's suppression.List fits with a one-line adapter (its Report takes
// the same *bounce.Report, Bounce.ForRecipient).
package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/returnpath"
	"github.com/mxkit/mxkit/verp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "returnpath:", err)
		}
		os.Exit(1)
	}
}

// run parses the flags and serves until ctx ends; ready, if set, gets the
// listening address.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("returnpath", flag.ContinueOnError)
	fs.SetOutput(stderr)
	domain := fs.String("domain", "", "the return-path `domain` (required)")
	keysFile := fs.String("keys", "", "the VERP keys `file`, \"ID HEXSECRET\" a line, the first signs (required)")
	prefix := fs.String("prefix", "b", "local-part `prefix` before the + and the tag")
	maxAge := fs.Duration("max-age", verp.DefaultMaxAge, "how long a return path stays valid")
	fbl := fs.String("fbl", "", "feedback-loop `addresses` accepted as they are, comma-separated")
	listen := fs.String("listen", "127.0.0.1:2525", "`host:port` to listen on")
	events := fs.String("events", "", "append events to `file` instead of standard output")
	suppress := fs.String("suppress", "", "append the addresses to suppress to `file`")
	maxConns := fs.Int("max-conns", returnpath.DefaultMaxConnections, "connections at once")
	maxSize := fs.Int64("max-size", returnpath.DefaultMaxMessageBytes, "largest message accepted, in octets")
	encode := fs.Bool("encode", false, "print the return path for the arguments MESSAGE-ID RECIPIENT and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *domain == "" || *keysFile == "" {
		fs.Usage()
		return errors.New("-domain and -keys are required")
	}
	keys, err := readKeys(*keysFile)
	if err != nil {
		return err
	}
	codec := &verp.Codec{Domain: *domain, Prefix: *prefix, Keys: keys, MaxAge: *maxAge}
	if *encode {
		if fs.NArg() != 2 {
			return errors.New("-encode takes MESSAGE-ID RECIPIENT")
		}
		a, err := codec.Encode(fs.Arg(0), fs.Arg(1), time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, a)
		return nil
	}

	out := stdout
	if *events != "" {
		f, err := os.OpenFile(*events, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	// Without -suppress, events still say what would be suppressed.
	h := &handler{out: out, suppress: &fileSuppressor{w: io.Discard}}
	if *suppress != "" {
		f, err := os.OpenFile(*suppress, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		h.suppress = &fileSuppressor{w: f}
	}
	var feeds []string
	for _, a := range strings.Split(*fbl, ",") {
		if a = strings.TrimSpace(a); a != "" {
			feeds = append(feeds, a)
		}
	}
	srv := &returnpath.Server{
		Codec: codec, Handler: h, Feedback: feeds, OnRefusal: h.refused,
		Logger:         slog.New(slog.NewTextHandler(stderr, nil)),
		MaxConnections: *maxConns, MaxMessageBytes: *maxSize,
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if ready != nil {
		ready <- l.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	return nil
}

// readKeys reads "ID HEXSECRET" lines; blank lines and # comments are
// skipped.
func readKeys(path string) ([]verp.Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var keys []verp.Key
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		id, secret, ok := strings.Cut(line, " ")
		i, err := strconv.ParseUint(id, 10, 5)
		if !ok || err != nil {
			return nil, fmt.Errorf("%s:%d: want \"ID HEXSECRET\" with ID 0 to 31", path, n)
		}
		b, err := hex.DecodeString(strings.TrimSpace(secret))
		if err != nil || len(b) < 16 {
			return nil, fmt.Errorf("%s:%d: the secret must be 32 or more hex digits", path, n)
		}
		keys = append(keys, verp.Key{ID: uint8(i), Secret: b})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no keys", path)
	}
	return keys, nil
}

// suppressor is what the handler needs of a suppression list: take a
// report about one confirmed recipient and suppress what it calls for.
// suppression.List (issue 15) fits it:
//
//	type list struct{ l *suppression.List }
//	func (a list) Report(ctx context.Context, tenant string, rep *bounce.Report) (bool, error) {
//		e, err := a.l.Report(ctx, tenant, rep)
//		return len(e) > 0, err
//	}
type suppressor interface {
	Report(ctx context.Context, tenant string, rep *bounce.Report) (suppressed bool, err error)
}

// fileSuppressor appends the recipients of hard failures and complaints
// to a file, one a line.
type fileSuppressor struct {
	mu sync.Mutex
	w  io.Writer
}

func (f *fileSuppressor) Report(_ context.Context, _ string, rep *bounce.Report) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range rep.Recipients {
		hard := r.Hard && r.Action == "failed"
		complained := rep.Kind == bounce.KindFeedback && (rep.Feedback == nil || complaint(rep.Feedback.Type))
		if hard || complained {
			if _, err := io.WriteString(f.w, r.FinalRecipient+"\n"); err != nil {
				return false, err
			}
			n++
		}
	}
	return n > 0, nil
}

// handler writes events and feeds the suppression list.
type handler struct {
	mu       sync.Mutex
	out      io.Writer
	suppress suppressor
}

type event struct {
	Event     string    `json:"event"`
	Time      time.Time `json:"time"`
	Client    string    `json:"client"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	Rcpt      string    `json:"rcpt,omitempty"`
	Code      int       `json:"code,omitempty"`
	Error     string    `json:"error,omitempty"`
	Kind      string    `json:"kind,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	Recipient string    `json:"recipient,omitempty"`
	Match     string    `json:"match,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Status    string    `json:"status,omitempty"`
	Hard      bool      `json:"hard,omitempty"`
	Suppress  bool      `json:"suppress,omitempty"`
	Feedback  string    `json:"feedback_type,omitempty"`
	Size      int64     `json:"size,omitempty"`
}

func (h *handler) write(e event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err = h.out.Write(append(b, '\n'))
	return err
}

// HandleBounce writes the event and suppresses what calls for it. An
// error (a full disk) makes the sending MTA retry.
func (h *handler) HandleBounce(ctx context.Context, b *returnpath.Bounce) error {
	e := event{Event: "bounce", Time: b.Received, Client: b.Client.String(), From: b.MailFrom, To: b.To,
		MessageID: b.MessageID(), Recipient: b.Recipient, Match: b.Match.String(), Size: b.Size}
	switch {
	case b.Report == nil:
		e.Kind, e.Error = "unreadable", b.ParseErr.Error()
	default:
		e.Kind = b.Report.Kind.String()
		if b.Report.Feedback != nil {
			e.Feedback = b.Report.Feedback.Type
		}
	}
	if b.TagErr != nil {
		e.Error = b.TagErr.Error()
	}
	if v := b.Verdict; v != nil {
		e.Reason, e.Status, e.Hard = string(v.Reason), v.Status, v.Hard
	}
	// Only the recipient the tag confirmed is suppressed, whatever
	// address the report names.
	if r := b.ForRecipient(); r != nil {
		ok, err := h.suppress.Report(ctx, "", r)
		if err != nil {
			return err // the sending MTA retries
		}
		e.Suppress = ok
	}
	return h.write(e)
}

// complaint reports the RFC 5965 §7.3 feedback types that mean "stop
// mailing me" (not-spam and auth-failure do not).
func complaint(typ string) bool {
	switch typ {
	case "abuse", "fraud", "virus", "other", "", "unsubscribe":
		return true
	}
	return false
}

func (h *handler) refused(r returnpath.Refusal) {
	e := event{Event: "refused", Time: r.Time, Client: r.Client.String(), From: r.MailFrom, Rcpt: r.Rcpt, Code: r.Code}
	if r.Err != nil {
		e.Error = r.Err.Error()
	}
	h.write(e) // also in the log
}
