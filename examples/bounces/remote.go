package main

// Reading a bounce or feedback-loop mailbox on a server: IMAP (RFC 9051
// and RFC 3501, through github.com/emersion/go-imap v1) or POP3 (RFC 1939,
// pop3.go).
//
//	-imap imaps://user@host[:993]/MAILBOX   implicit TLS (RFC 8314 §3.3)
//	-imap imap://user@host[:143]/MAILBOX    STARTTLS, required (RFC 3501 §6.2.1)
//	-pop3 pop3s://user@host[:995]           implicit TLS
//	-pop3 pop3://user@host[:110]            STLS, required (RFC 2595 §4)
//
// The password comes from $BOUNCES_PASSWORD or -password-file, never from
// the command line. Certificates are verified against the system's roots,
// or those of -ca; there is no way to turn verification off.
//
// Each pass: fetch the messages in the mailbox; skip those whose key
// (their Message-ID, or the hash of their bytes) is in the -state file,
// classify the others; then record: rows written out and synced, the
// suppression list merged, the keys added to the state file and synced;
// only then -after: keep them, delete them (IMAP \Deleted and EXPUNGE;
// POP3 DELE, committed by QUIT) or move them (IMAP MOVE, or COPY, STORE
// and EXPUNGE). A crash before the record loses nothing: the next pass
// fetches the messages again. A crash after it, before the server acted,
// costs nothing either: the next pass finds their keys in the state file
// and only finishes the move or delete. With -poll, passes repeat until
// interrupted.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// remoteOptions are the flags for remote mailboxes.
type remoteOptions struct {
	imapURL, pop3URL string
	state            string
	after            string
	passwordFile     string
	caFile           string
	poll             time.Duration
	timeout          time.Duration
}

func (o *remoteOptions) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.imapURL, "imap", "", "read the IMAP mailbox at `URL` (imaps://user@host/INBOX, or imap:// with STARTTLS)")
	fs.StringVar(&o.pop3URL, "pop3", "", "read the POP3 mailbox at `URL` (pop3s://user@host, or pop3:// with STLS)")
	fs.StringVar(&o.state, "state", "", "`file` of the keys of recorded messages (required with -imap and -pop3)")
	fs.StringVar(&o.after, "after", "keep", "what to do with recorded messages: keep, delete, or move:`FOLDER` (IMAP)")
	fs.StringVar(&o.passwordFile, "password-file", "", "read the password from `file` (default: $BOUNCES_PASSWORD)")
	fs.StringVar(&o.caFile, "ca", "", "trust the CA certificates in `file` (PEM) instead of the system's")
	fs.DurationVar(&o.poll, "poll", 0, "read the mailbox again after this long, until interrupted (0: once)")
	fs.DurationVar(&o.timeout, "timeout", time.Minute, "network timeout per command")
}

func (o *remoteOptions) enabled() bool { return o.imapURL != "" || o.pop3URL != "" }

func (o *remoteOptions) check() error {
	if !o.enabled() {
		return nil
	}
	if o.state == "" {
		return errors.New("-imap and -pop3 need -state: the record of what was already classified")
	}
	switch {
	case o.after == "keep", o.after == "delete":
	case strings.HasPrefix(o.after, "move:") && len(o.after) > len("move:"):
		if o.pop3URL != "" {
			return errors.New("-after move: needs IMAP (POP3 has one mailbox)")
		}
	default:
		return fmt.Errorf("-after %q: keep, delete or move:FOLDER", o.after)
	}
	return nil
}

// mailbox is a remote mailbox being read.
type mailbox interface {
	// each calls fn for every message in the mailbox, with an ID that
	// done takes back.
	each(ctx context.Context, fn func(id string, msg []byte) error) error
	// done deletes or moves the messages with these IDs.
	done(ctx context.Context, ids []string) error
	// close ends the session (for POP3: commits the deletions).
	close() error
}

// run reads the remote mailboxes, once or every o.poll.
func (o *remoteOptions) run(ctx context.Context, c *classifier, record func() error) error {
	state, err := openState(o.state)
	if err != nil {
		return err
	}
	defer state.close()
	for {
		for _, u := range []string{o.imapURL, o.pop3URL} {
			if u == "" {
				continue
			}
			if err := o.pass(ctx, u, c, state, record); err != nil {
				if o.poll == 0 || ctx.Err() != nil {
					return err
				}
				fmt.Fprintf(c.stderr, "bounces: %s: %v (trying again in %v)\n", redact(u), err, o.poll)
			}
		}
		if o.poll == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.poll):
		}
	}
}

// pass reads one mailbox once.
func (o *remoteOptions) pass(ctx context.Context, rawURL string, c *classifier, state *stateFile, record func() error) error {
	mb, err := o.open(ctx, rawURL)
	if err != nil {
		return err
	}
	defer mb.close()
	var ids, keys []string
	name := redact(rawURL)
	err = mb.each(ctx, func(id string, msg []byte) error {
		ids = append(ids, id)
		key := messageKey(msg)
		if state.has(key) {
			return nil // recorded by an earlier pass: only the move or delete is left
		}
		keys = append(keys, key)
		return c.raw(name+"#"+id, msg)
	})
	if err != nil {
		return err
	}
	// Record, then act on the server.
	if err := record(); err != nil {
		return err
	}
	if err := state.add(keys); err != nil {
		return err
	}
	if o.after == "keep" || len(ids) == 0 {
		return nil
	}
	return mb.done(ctx, ids)
}

// open connects and logs in.
func (o *remoteOptions) open(ctx context.Context, rawURL string) (mailbox, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.User == nil || u.User.Username() == "" {
		return nil, fmt.Errorf("%s: no user name (scheme://user@host/...)", redact(rawURL))
	}
	if _, set := u.User.Password(); set {
		return nil, fmt.Errorf("%s: put the password in $BOUNCES_PASSWORD or -password-file, not in the URL", redact(rawURL))
	}
	password, err := o.password()
	if err != nil {
		return nil, err
	}
	tlsConf, err := o.tlsConfig(u.Hostname())
	if err != nil {
		return nil, err
	}
	var implicit bool
	var port string
	switch u.Scheme {
	case "imaps":
		implicit, port = true, "993"
	case "imap":
		port = "143"
	case "pop3s":
		implicit, port = true, "995"
	case "pop3":
		port = "110"
	default:
		return nil, fmt.Errorf("%s: scheme %q (imaps, imap, pop3s or pop3)", redact(rawURL), u.Scheme)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	user := u.User.Username()
	if strings.HasPrefix(u.Scheme, "imap") {
		box := strings.TrimPrefix(u.Path, "/")
		if box == "" {
			box = "INBOX"
		}
		return dialIMAP(ctx, addr, implicit, tlsConf, o.timeout, user, password, box, o.after)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("%s: POP3 has no mailbox names", redact(rawURL))
	}
	return dialPOP3Mailbox(ctx, addr, implicit, tlsConf, o.timeout, user, password, o.after)
}

func (o *remoteOptions) password() (string, error) {
	if o.passwordFile != "" {
		b, err := os.ReadFile(o.passwordFile)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if p, ok := os.LookupEnv("BOUNCES_PASSWORD"); ok {
		return p, nil
	}
	return "", errors.New("no password: set $BOUNCES_PASSWORD or -password-file")
}

// tlsConfig verifies the server's certificate for host, against -ca or
// the system's roots.
func (o *remoteOptions) tlsConfig(host string) (*tls.Config, error) {
	conf := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if o.caFile != "" {
		pem, err := os.ReadFile(o.caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificates", o.caFile)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// redact drops a password from a URL for messages.
func redact(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Redacted()
	}
	return rawURL
}

// stateFile is the set of keys of recorded messages, one a line.
type stateFile struct {
	f    *os.File
	keys map[string]bool
}

func openState(path string) (*stateFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	s := &stateFile{f: f, keys: map[string]bool{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		if k := strings.TrimSpace(sc.Text()); k != "" {
			s.keys[k] = true
		}
	}
	if err := sc.Err(); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func (s *stateFile) has(key string) bool { return s.keys[key] }

// add appends keys and syncs the file.
func (s *stateFile) add(keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	var b strings.Builder
	for _, k := range keys {
		if !s.keys[k] {
			s.keys[k] = true
			b.WriteString(k + "\n")
		}
	}
	if _, err := io.WriteString(s.f, b.String()); err != nil {
		return err
	}
	return s.f.Sync()
}

func (s *stateFile) close() error { return s.f.Close() }
