package mxkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/compose"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/smtpclient"
)

// Sender sends messages straight to the recipients' mail servers: it signs
// each message once with DKIM, groups the recipients by domain and
// delivers to every domain at the same time, each through its MX hosts
// with the TLS policy the domain publishes (MTA-STS, DANE), and returns one
// outcome per recipient.
//
// The zero value is ready to use on a host whose name is fully qualified;
// set Hostname otherwise, and DKIM to sign. A Sender is safe for concurrent
// use, keeps connections open between messages like an http.Client, and
// must not be copied after first use. Its fields must not change then.
type Sender struct {
	// Hostname is this host's fully qualified domain name, sent in EHLO
	// (RFC 5321 §4.1.1.1); receivers check it against the sending
	// address's PTR record. Empty means the system's host name, which must
	// then be fully qualified: a Sender does not greet with a bare name
	// like "vm" (every send fails with ErrHostname instead).
	Hostname string
	// DKIM gives the keys that sign each message, by the From address's
	// domain or a parent of it (dkim.MemoryStore, dkim.DirStore). A
	// message whose From domain has no key is not sent (the error wraps
	// dkim.ErrNoKey). Nil sends unsigned.
	DKIM dkim.KeyStore
	// Resolver answers the DNS queries (MX, addresses, MTA-STS, TLSA).
	// Nil means a resolver.Client on the servers of /etc/resolv.conf;
	// DANE needs one that validates DNSSEC.
	Resolver resolver.Resolver
	// Transport holds the connection settings: pool limits, timeouts,
	// TLS configuration, rate limits, source addresses, logging. Its
	// Router defaults to an mx.Router on Resolver with MTA-STS and DANE,
	// and its LocalName to Hostname.
	Transport smtpclient.Transport

	once   sync.Once
	signer *dkim.Signer
	err    error
}

// ErrHostname is wrapped by the error of every send of a Sender whose
// EHLO name is not a fully qualified domain name.
var ErrHostname = errors.New("mxkit: the EHLO name is not a fully qualified domain name")

// maxDomains bounds the domains one Send delivers to at the same time.
const maxDomains = 16

// spoolMemory is the size above which a message is spooled to a
// temporary file instead of memory.
const spoolMemory = 1 << 20

func (s *Sender) init() {
	s.once.Do(func() {
		name := s.Hostname
		if name == "" {
			name = s.Transport.LocalName
		}
		if name == "" {
			h, err := os.Hostname()
			if err != nil {
				s.err = fmt.Errorf("%w: no Hostname set and the system's host name is unknown (%v)", ErrHostname, err)
				return
			}
			name = h
		}
		if err := checkFQDN(name); err != nil {
			s.err = err
			return
		}
		s.Transport.LocalName = name
		if s.Transport.Router == nil {
			r := s.Resolver
			if r == nil {
				r = &resolver.Client{}
			}
			s.Transport.Router = &mx.Router{Resolver: r, Logger: s.Transport.Logger}
		}
		if s.DKIM != nil {
			s.signer, s.err = dkim.NewSigner(dkim.SignOptions{Store: s.DKIM})
		}
	})
}

// checkFQDN accepts a host name of at least two labels whose top label
// is not one that never resolves publicly.
func checkFQDN(name string) error {
	d, err := address.ParseDomain(name)
	if err != nil {
		return fmt.Errorf("%w: %q: %w", ErrHostname, name, err)
	}
	if d.Literal().IsValid() || d.IsSingleLabel() {
		return fmt.Errorf("%w: %q (set Sender.Hostname to this host's name in DNS, such as mail.example.com)", ErrHostname, name)
	}
	tld := d.ASCII()[strings.LastIndexByte(d.ASCII(), '.')+1:]
	switch tld {
	case "localhost", "invalid", // RFC 6761 §6.3, §6.4
		"local",       // RFC 6762 (mDNS)
		"localdomain": // the placeholder of /etc/hosts, not a registered name
		return fmt.Errorf("%w: %q is not a public name (set Sender.Hostname to this host's name in DNS)", ErrHostname, name)
	}
	return nil
}

// Send sends msg to its To, Cc and Bcc recipients, from its From address
// (see compose.Message.Envelope), and returns one outcome per recipient in
// that order: delivered, deferred (worth retrying later) or failed, with
// the reply or cause.
//
// The error is nil when every recipient was delivered. When the message
// could not be sent at all (it is malformed, the Sender is not set up, it
// cannot be signed) the outcomes are nil and the error says why;
// otherwise it is the first outcome not delivered (a *delivery.Outcome).
// Retry only the recipients whose outcome is Deferred.
func (s *Sender) Send(ctx context.Context, msg *compose.Message) ([]delivery.Outcome, error) {
	if msg == nil {
		return nil, errors.New("mxkit: Send with a nil message")
	}
	env, err := msg.Envelope()
	if err != nil {
		return nil, err
	}
	r, err := msg.Reader()
	if err != nil {
		return nil, err
	}
	return s.SendEnvelope(ctx, env, r)
}

// SendEnvelope sends the message read from msg with an envelope of the
// caller's: a bounce address other than From (VERP), recipients that are
// not in the header, DSN parameters. The outcomes follow env.To, a
// recipient that is not a valid address failing on its own; the error is
// as for Send. msg is read once, into memory or, above 1 MB, a temporary
// file (in $TMPDIR) removed before SendEnvelope returns.
func (s *Sender) SendEnvelope(ctx context.Context, env smtpclient.Envelope, msg io.Reader) ([]delivery.Outcome, error) {
	s.init()
	if s.err != nil {
		return nil, s.err
	}
	if len(env.To) == 0 {
		return nil, fmt.Errorf("%w: no recipients", smtpclient.ErrBadAddress)
	}
	sp := &spool{}
	defer sp.close()
	if _, err := io.Copy(sp, msg); err != nil {
		return nil, fmt.Errorf("mxkit: reading the message: %w", err)
	}
	var sig string
	if s.signer != nil {
		var err error
		sig, err = s.signer.Sign(ctx, io.NewSectionReader(sp, 0, sp.size))
		if err != nil {
			return nil, fmt.Errorf("mxkit: DKIM: %w", err)
		}
	}
	signed := &signedMessage{sig: sig, sp: sp}
	size := int64(len(sig)) + sp.size

	// Recipients by domain, in canonical form (address.Domain); a
	// recipient that is no address fails alone (RFC 3463 X.1.3).
	out := make([]delivery.Outcome, len(env.To))
	var domains []address.Domain
	byDomain := map[address.Domain][]int{}
	for i, to := range env.To {
		a, err := address.Parse(to)
		if err != nil {
			out[i] = delivery.Outcome{Recipient: to, Status: delivery.Failed, Stage: delivery.StageLocal,
				Enhanced: delivery.EnhancedCode{5, 1, 3}, Text: err.Error(), Time: time.Now(), Err: err}
			continue
		}
		if byDomain[a.Domain] == nil {
			domains = append(domains, a.Domain)
		}
		byDomain[a.Domain] = append(byDomain[a.Domain], i)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxDomains)
	for _, d := range domains {
		idx := byDomain[d]
		e := env
		e.Size = size
		e.To = make([]string, len(idx))
		for j, i := range idx {
			e.To[j] = env.To[i]
		}
		if env.DSN != nil && env.DSN.ORCPT != nil && len(env.DSN.ORCPT) == len(env.To) {
			// ORCPT runs parallel to To (RFC 3461 §4.2).
			dsn := *env.DSN
			dsn.ORCPT = make([]string, len(idx))
			for j, i := range idx {
				dsn.ORCPT[j] = env.DSN.ORCPT[i]
			}
			e.DSN = &dsn
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			// Each delivery reads the message on its own, and can seek
			// back to try the next MX host.
			res, _ := s.Transport.Deliver(ctx, d.ASCII(), e, io.NewSectionReader(signed, 0, size))
			for j, i := range idx {
				out[i] = res.Recipients[j]
			}
		}()
	}
	wg.Wait()
	for i := range out {
		if out[i].Status != delivery.Delivered {
			return out, &out[i]
		}
	}
	return out, nil
}

// Close closes the idle connections. Sends in progress finish first; a
// Sender is not to be used after Close.
func (s *Sender) Close() error { return s.Transport.Close() }

// spool holds a message for signing and for each domain's delivery: in
// memory up to spoolMemory, in a temporary file beyond.
type spool struct {
	mem  []byte
	file *os.File
	size int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && int64(len(p))+s.size > spoolMemory {
		f, err := os.CreateTemp("", "mxkit-message-*")
		if err != nil {
			return 0, err
		}
		s.file = f
		if _, err := f.Write(s.mem); err != nil {
			return 0, err
		}
		s.mem = nil
	}
	s.size += int64(len(p))
	if s.file != nil {
		return s.file.Write(p)
	}
	s.mem = append(s.mem, p...)
	return len(p), nil
}

func (s *spool) ReadAt(p []byte, off int64) (int, error) {
	if s.file != nil {
		return s.file.ReadAt(p, off)
	}
	return bytes.NewReader(s.mem).ReadAt(p, off)
}

func (s *spool) close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}

// signedMessage is the DKIM-Signature fields followed by the spooled
// message, read at any offset by any number of deliveries at once.
type signedMessage struct {
	sig string
	sp  *spool
}

func (m *signedMessage) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	if off < int64(len(m.sig)) {
		n = copy(p, m.sig[off:])
		if n == len(p) {
			return n, nil
		}
		off += int64(n)
	}
	k, err := m.sp.ReadAt(p[n:], off-int64(len(m.sig)))
	return n + k, err
}
