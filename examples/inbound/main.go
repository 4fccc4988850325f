// Command inbound checks incoming mail the way a receiving MTA does and
// records the verdicts in an Authentication-Results header field (RFC
// 8601): SPF (RFC 7208) for the client address, HELO name and MAIL FROM;
// DKIM (RFC 6376) for each signature; DMARC (RFC 7489, RFC 9989) over both;
// and the ARC chain (RFC 8617). It is what someone building their own MTA
// wires from mxkit's spf, dkim and dmarc packages on the receiving side.
//
// As a filter, it reads one message on standard input and writes it to
// standard output with the field first:
//
//	inbound -authserv-id mx.example.org -ip 192.0.2.7 -helo mail.example.com \
//	    -mail-from news@example.com < message.eml > checked.eml
//
// As an SMTP server, it takes the client address, HELO and MAIL FROM from
// the session and writes each message, with the field, into a Maildir:
//
//	inbound -authserv-id mx.example.org -listen 127.0.0.1:2525 -maildir ./Maildir
//
// -dns sends every DNS query to the given servers (comma-separated
// host[:port]); by default the system's.
//
// Fields already in the message that claim this authserv-id are removed
// first (RFC 8601 §5: a receiver must not let a sender forge its
// results); fields of other authserv-ids are kept, below the new one.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/dmarc"
	"github.com/mxkit/mxkit/examples/internal/dnsflag"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/spf"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "inbound:", err)
		}
		os.Exit(1)
	}
}

// maxMessage bounds a message read into memory.
const maxMessage = 32 << 20

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("inbound", flag.ContinueOnError)
	fs.SetOutput(stderr)
	servID := fs.String("authserv-id", "", "this host's authserv-id, usually its name (required)")
	dnsServers := fs.String("dns", "", dnsflag.Usage)
	ipFlag := fs.String("ip", "", "filter: the client's IP address")
	helo := fs.String("helo", "", "filter: the HELO/EHLO name")
	mailFrom := fs.String("mail-from", "", "filter: the MAIL FROM address (empty for a bounce)")
	listen := fs.String("listen", "", "serve SMTP on `host:port` instead of filtering standard input")
	maildir := fs.String("maildir", "", "SMTP: deliver into this Maildir")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *servID == "" || strings.ContainsAny(*servID, " \t\r\n;") {
		return errors.New("-authserv-id is required: a name without spaces or semicolons")
	}
	servers, err := dnsflag.Parse(*dnsServers)
	if err != nil {
		return err
	}
	a := newAuthenticator(&resolver.Client{Servers: servers}, *servID)
	if *listen == "" {
		ip, err := netip.ParseAddr(*ipFlag)
		if err != nil {
			return fmt.Errorf("-ip: %w", err)
		}
		msg, err := io.ReadAll(io.LimitReader(stdin, maxMessage+1))
		if err != nil {
			return err
		}
		if len(msg) > maxMessage {
			return fmt.Errorf("message larger than %d octets", maxMessage)
		}
		field, err := a.check(ctx, msg, ip, *helo, *mailFrom)
		if err != nil {
			return err
		}
		return writeChecked(stdout, field, a.strip(msg))
	}
	if *maildir == "" {
		return errors.New("-listen needs -maildir")
	}
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(*maildir, sub), 0o700); err != nil {
			return err
		}
	}
	return serve(ctx, a, *listen, *maildir, slog.New(slog.NewTextHandler(stderr, nil)), ready)
}

// authenticator holds the checkers, built once.
type authenticator struct {
	servID string
	spf    *spf.Checker
	dkim   *dkim.Verifier
	arc    *dkim.ARCVerifier
	dmarc  *dmarc.Evaluator
}

func newAuthenticator(r resolver.Resolver, servID string) *authenticator {
	return &authenticator{
		servID: servID,
		spf:    &spf.Checker{Resolver: r, ReceiverHost: servID},
		dkim:   &dkim.Verifier{Resolver: r},
		arc:    &dkim.ARCVerifier{Resolver: r},
		dmarc:  &dmarc.Evaluator{Resolver: r},
	}
}

// check runs SPF, DKIM, ARC and DMARC on msg and returns the
// Authentication-Results field, folded, ending in CRLF.
func (a *authenticator) check(ctx context.Context, msg []byte, ip netip.Addr, helo, mailFrom string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var results []authres.Result

	// SPF of MAIL FROM, or of the HELO name for a bounce (RFC 7208 §2.4).
	sr := a.spf.Check(ctx, spf.Args{IP: ip, Helo: helo, MailFrom: mailFrom})
	results = append(results, sr.AuthResult())

	// DKIM: one result per signature; none is "dkim=none".
	dr, err := a.dkim.Verify(ctx, bytes.NewReader(msg))
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		// The message cannot be read for DKIM (its header is too
		// large): nothing verifies.
		results = append(results, &authres.DKIMResult{Value: authres.ResultPermError, Reason: err.Error()})
	}
	for _, r := range dr {
		results = append(results, r.AuthResult())
	}
	if len(dr) == 0 && err == nil {
		results = append(results, &authres.DKIMResult{Value: authres.ResultNone})
	}

	// DMARC over the two, for the author domain (RFC 7489 §3.1.1: the
	// one domain of From).
	from, ferr := fromDomain(msg)
	var dm *dmarc.Result
	if ferr == nil {
		dm, err = a.dmarc.Evaluate(ctx, dmarc.Input{FromDomain: from, SPF: dmarc.SPFResult(&sr), DKIM: dmarc.DKIMResults(dr)})
	}
	switch {
	case ferr != nil:
		results = append(results, &authres.DMARCResult{Value: authres.ResultPermError, Reason: ferr.Error()})
	case err != nil:
		return "", err
	default:
		results = append(results, dm.AuthResult())
	}

	// ARC (RFC 8617 §5.2), for whoever forwards the message next.
	ar, err := a.arc.Verify(ctx, bytes.NewReader(msg))
	if err != nil {
		return "", err
	}
	results = append(results, ar.AuthResult())
	return formatField(a.servID, results), nil
}

// formatField writes the field with one result a line (RFC 8601 §2.2).
func formatField(servID string, results []authres.Result) string {
	var b strings.Builder
	b.WriteString("Authentication-Results: " + servID)
	for _, r := range results {
		one := strings.TrimSpace(strings.TrimPrefix(authres.Format(servID, []authres.Result{r}), servID+";"))
		b.WriteString(";\r\n\t" + strings.Map(headerSafe, one))
	}
	b.WriteString("\r\n")
	return b.String()
}

// headerSafe keeps CR, LF and other controls out of the field.
func headerSafe(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return ' '
	}
	return r
}

// fromDomain returns the domain of the one author address (RFC 5322
// §3.6.2), or an error when From is missing, repeated, or names several
// domains (RFC 7489 §6.6.1).
func fromDomain(msg []byte) (string, error) {
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		return "", fmt.Errorf("no readable header: %w", err)
	}
	froms := m.Header["From"]
	if len(froms) != 1 {
		return "", fmt.Errorf("%d From fields", len(froms))
	}
	list, err := mail.ParseAddressList(froms[0])
	if err != nil {
		return "", fmt.Errorf("the From field: %w", err)
	}
	domain := ""
	for _, ad := range list {
		p, err := address.Parse(ad.Address)
		if err != nil {
			return "", fmt.Errorf("the From field: %w", err)
		}
		if domain != "" && p.Domain.ASCII() != domain {
			return "", errors.New("the From field names several domains")
		}
		domain = p.Domain.ASCII()
	}
	return domain, nil
}

// strip removes the Authentication-Results fields that claim this
// authserv-id (RFC 8601 §5), leaving the rest of the message as it is.
func (a *authenticator) strip(msg []byte) []byte {
	end := bytes.Index(msg, []byte("\n\n"))
	if e := bytes.Index(msg, []byte("\r\n\r\n")); e >= 0 && (end < 0 || e < end) {
		end = e
	}
	if end < 0 {
		end = len(msg)
	}
	var out bytes.Buffer
	out.Grow(len(msg))
	header := msg[:end]
	for len(header) > 0 {
		// One field: up to a line end not followed by WSP.
		i := 0
		for {
			j := bytes.IndexByte(header[i:], '\n')
			if j < 0 {
				i = len(header)
				break
			}
			i += j + 1
			if i >= len(header) || header[i] != ' ' && header[i] != '\t' {
				break
			}
		}
		f := header[:i]
		header = header[i:]
		if name, value, ok := bytes.Cut(f, []byte(":")); ok && strings.EqualFold(strings.TrimSpace(string(name)), "Authentication-Results") {
			id, _, _ := strings.Cut(string(value), ";")
			if fs := strings.Fields(id); len(fs) > 0 && strings.EqualFold(fs[0], a.servID) {
				continue
			}
		}
		out.Write(f)
	}
	out.Write(msg[end:])
	return out.Bytes()
}

func writeChecked(w io.Writer, field string, msg []byte) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(field)
	bw.Write(msg)
	return bw.Flush()
}

// serve runs the SMTP server until ctx ends.
func serve(ctx context.Context, a *authenticator, addr, maildir string, log *slog.Logger, ready chan<- string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{a: a, c: c, maildir: maildir, log: log}, nil
	}))
	s.Domain = a.servID
	s.MaxMessageBytes = maxMessage
	s.MaxRecipients = 100
	s.ReadTimeout, s.WriteTimeout = 5*time.Minute, 5*time.Minute
	s.EnableSMTPUTF8 = true
	if ready != nil {
		ready <- l.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return s.Close()
	}
}

type session struct {
	a       *authenticator
	c       *smtp.Conn
	maildir string
	log     *slog.Logger
	from    string
	rcpts   []string
}

func (s *session) Reset()        { s.from, s.rcpts = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if _, err := address.Parse(to); err != nil {
		return &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	msg, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ip, _ := netip.ParseAddrPort(s.c.Conn().RemoteAddr().String())
	field, err := s.a.check(context.Background(), msg, ip.Addr().Unmap(), s.c.Hostname(), s.from)
	if err != nil {
		s.log.Warn("check failed", "client", ip.String(), "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure, try again later"}
	}
	// Maildir delivery: tmp/, synced, then renamed into new/.
	var rnd [8]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("%d.%s.%s", time.Now().Unix(), hex.EncodeToString(rnd[:]), s.a.servID)
	tmp := filepath.Join(s.maildir, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := writeChecked(f, field, s.a.strip(msg)); err != nil {
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
	if err := os.Rename(tmp, filepath.Join(s.maildir, "new", name)); err != nil {
		return err
	}
	s.log.Info("delivered", "client", ip.String(), "from", s.from, "rcpts", len(s.rcpts), "file", name,
		"results", strings.ReplaceAll(strings.TrimSpace(field), "\r\n\t", " "))
	return nil
}
