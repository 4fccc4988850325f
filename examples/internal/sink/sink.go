// Package sink is a receiving SMTP server for the examples: it stands in
// for the recipients' mail servers on loopback. It accepts or refuses each
// recipient by a rule on its local part, and checks every message it
// accepts the way a receiving MTA does: SPF for the client address and MAIL
// FROM, DKIM signatures, and DMARC over both.
package sink

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/dmarc"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/spf"
)

// Rules decide per recipient, by local-part prefix:
//
//	unknown…   550 5.1.1 no such user (a hard bounce)
//	full…      452 4.2.2 mailbox full, every time (retried until it expires)
//	grey…      451 4.7.1 greylisted on the first try, accepted on the next
//	blocked…   554 5.7.1 client host blocked using a blocklist
//	moved…     551 5.1.6 user has moved
//	anything else is accepted.
func rcptReply(local string, seen bool) *smtp.SMTPError {
	switch {
	case strings.HasPrefix(local, "unknown"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown in virtual mailbox table"}
	case strings.HasPrefix(local, "full"):
		return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full, try again later"}
	case strings.HasPrefix(local, "grey") && !seen:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, please try again later"}
	case strings.HasPrefix(local, "blocked"):
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Service unavailable; client host blocked using zen.spamhaus.org"}
	case strings.HasPrefix(local, "moved"):
		return &smtp.SMTPError{Code: 551, EnhancedCode: smtp.EnhancedCode{5, 1, 6}, Message: "User has moved; please try <new@elsewhere.example>"}
	}
	return nil
}

// Stats counts what the sink received and how the checks came out.
type Stats struct {
	Messages   int            // messages accepted
	Recipients int            // recipients accepted
	Refused    int            // recipients refused
	SPF        map[string]int // SPF results by name
	DKIM       map[string]int // per message: "pass" if any signature passed, else the first result
	DMARC      map[string]int // DMARC results by name
}

// Server is a running sink.
type Server struct {
	Addr string // 127.0.0.1:port

	srv      *smtp.Server
	checker  *spf.Checker
	verifier *dkim.Verifier
	dmarc    *dmarc.Evaluator
	check    bool

	mu    sync.Mutex
	seen  map[string]bool
	stats Stats
}

// Start runs a sink on a random loopback port. r resolves for the SPF, DKIM
// and DMARC checks; with check false messages are only counted.
func Start(r resolver.Resolver, check bool) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		Addr:     ln.Addr().String(),
		checker:  &spf.Checker{Resolver: r, ReceiverHost: "sink.localhost"},
		verifier: &dkim.Verifier{Resolver: r},
		dmarc:    &dmarc.Evaluator{Resolver: r},
		check:    check,
		seen:     map[string]bool{},
		stats:    Stats{SPF: map[string]int{}, DKIM: map[string]int{}, DMARC: map[string]int{}},
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "sink.localhost"
	s.srv.MaxMessageBytes = 64 << 20
	s.srv.MaxRecipients = 1000
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.EnableSMTPUTF8 = true
	s.srv.EnableDSN = true
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the sink.
func (s *Server) Close() error { return s.srv.Close() }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.stats
	out.SPF, out.DKIM, out.DMARC = clone(s.stats.SPF), clone(s.stats.DKIM), clone(s.stats.DMARC)
	return out
}

func clone(m map[string]int) map[string]int {
	c := make(map[string]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

type session struct {
	s    *Server
	c    *smtp.Conn
	from string
	rcpt int
}

func (ss *session) Reset()        { ss.from, ss.rcpt = "", 0 }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	local, _, _ := strings.Cut(strings.ToLower(to), "@")
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	seen := ss.s.seen[strings.ToLower(to)]
	ss.s.seen[strings.ToLower(to)] = true
	if e := rcptReply(local, seen); e != nil {
		ss.s.stats.Refused++
		return e
	}
	ss.rcpt++
	return nil
}

func (ss *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	spfRes, dkimRes, dmarcRes := "", "", ""
	if ss.s.check {
		spfRes, dkimRes, dmarcRes = ss.s.authenticate(ss.c, ss.from, buf.Bytes())
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.stats.Messages++
	ss.s.stats.Recipients += ss.rcpt
	if ss.s.check {
		ss.s.stats.SPF[spfRes]++
		ss.s.stats.DKIM[dkimRes]++
		ss.s.stats.DMARC[dmarcRes]++
	}
	return nil
}

// authenticate runs SPF, DKIM and DMARC on a received message.
func (s *Server) authenticate(c *smtp.Conn, from string, msg []byte) (spfRes, dkimRes, dmarcRes string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ip := netip.MustParseAddrPort(c.Conn().RemoteAddr().String()).Addr()
	sr := s.checker.Check(ctx, spf.Args{IP: ip, Helo: c.Hostname(), MailFrom: from})
	in := dmarc.Input{SPF: dmarc.SPFInput{Result: sr.Status.String(), Domain: sr.Domain}}
	results, err := s.verifier.Verify(ctx, bytes.NewReader(msg))
	dkimRes = "none"
	if err != nil {
		dkimRes = "permerror"
	}
	for i, r := range results {
		if i == 0 || r.Status == dkim.Pass {
			dkimRes = string(r.Status)
		}
		in.DKIM = append(in.DKIM, dmarc.DKIMInput{Domain: r.Domain, Selector: r.Selector, Result: string(r.Status)})
	}
	in.FromDomain = fromDomain(msg)
	dr, err := s.dmarc.Evaluate(ctx, in)
	dmarcRes = "permerror"
	if err == nil && dr != nil {
		dmarcRes = string(dr.Status)
	}
	return sr.Status.String(), dkimRes, dmarcRes
}

// fromDomain finds the domain of the From header field.
func fromDomain(msg []byte) string {
	hdr, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(hdr), "\r\n") {
		if len(line) > 5 && strings.EqualFold(line[:5], "from:") {
			v := strings.TrimSpace(line[5:])
			if i := strings.LastIndexByte(v, '<'); i >= 0 {
				v = strings.TrimSuffix(v[i+1:], ">")
			}
			_, d, _ := strings.Cut(v, "@")
			return strings.ToLower(strings.TrimSpace(d))
		}
	}
	return ""
}
