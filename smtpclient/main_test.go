package smtpclient

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"go.uber.org/goleak"

	"github.com/mxkit/mxkit/internal/testenv"

	"github.com/mxkit/mxkit/delivery"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testPKI is a CA and a server certificate for localhost, 127.0.0.1 and
// the test MX names, generated per test run.
type testPKI struct {
	roots    *x509.CertPool
	cert     tls.Certificate // signed by the CA
	selfCert tls.Certificate // self-signed, untrusted
}

var pkiOnce = sync.OnceValue(func() *testPKI { return newPKI() })

func newPKI() *testPKI {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mxkit test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		panic(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(parent *x509.Certificate, parentKey *ecdsa.PrivateKey, serial int64) tls.Certificate {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "localhost"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			DNSNames:    []string{"localhost", "mx1.example.test", "mx2.example.test", "mta-sts.example.test"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			panic(err)
		}
		c, _ := x509.ParseCertificate(der)
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: c}
	}
	p := &testPKI{roots: x509.NewCertPool()}
	p.roots.AddCert(ca)
	p.cert = leaf(ca, caKey, 2)
	p.selfCert = leaf(nil, nil, 3)
	return p
}

func clientTLS() *tls.Config { return &tls.Config{RootCAs: pkiOnce().roots} }

// ---- an in-process go-smtp server ----

type received struct {
	from  string
	mail  smtp.MailOptions
	rcpts []string
	ropts []smtp.RcptOptions
	data  []byte
	tls   bool
}

type backend struct {
	mu       sync.Mutex
	msgs     []received
	sessions int // sessions opened
	open     int // sessions open now
	peak     int
	mails    int
	authUser string
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sessions++
	b.open++
	b.peak = max(b.peak, b.open)
	_, isTLS := c.TLSConnectionState()
	return &session{b: b, tls: isTLS}, nil
}

func (b *backend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

func (b *backend) counts() (sessions, open, peak, mails int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sessions, b.open, b.peak, b.mails
}

type session struct {
	b    *backend
	cur  received
	tls  bool
	done bool
}

func (s *session) Reset() { s.cur = received{} }
func (s *session) Logout() error {
	if !s.done {
		s.done = true
		s.b.mu.Lock()
		s.b.open--
		s.b.mu.Unlock()
	}
	return nil
}

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	s.b.mu.Lock()
	s.b.mails++
	s.b.mu.Unlock()
	if strings.HasPrefix(from, "refuse") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender refused"}
	}
	s.cur.from = from
	if opts != nil {
		s.cur.mail = *opts
	}
	return nil
}

func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "unknown"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	case strings.HasPrefix(to, "busy"):
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}
	}
	s.cur.rcpts = append(s.cur.rcpts, to)
	if opts != nil {
		s.cur.ropts = append(s.cur.ropts, *opts)
	}
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if strings.Contains(string(data), "REJECT-ME") {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "content refused"}
	}
	s.cur.data = data
	s.cur.tls = s.tls
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	s.cur = received{}
	return nil
}

// authSession adds AUTH PLAIN and OAUTHBEARER.
type authSession struct{ *session }

func (s authSession) AuthMechanisms() []string { return []string{sasl.Plain, sasl.OAuthBearer} }
func (s authSession) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if user != "alice" || pass != "secret" {
				return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
			}
			s.b.mu.Lock()
			s.b.authUser = user
			s.b.mu.Unlock()
			return nil
		}), nil
	case sasl.OAuthBearer:
		return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if o.Username != "alice" || o.Token != "tok" {
				return &sasl.OAuthBearerError{Status: "invalid_token"}
			}
			s.b.mu.Lock()
			s.b.authUser = o.Username
			s.b.mu.Unlock()
			return nil
		}), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

type authBackend struct{ *backend }

func (b authBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s, err := b.backend.NewSession(c)
	return authSession{s.(*session)}, err
}

type serverOpts struct {
	tls      bool // offer STARTTLS with the CA-signed certificate
	selfCert bool // ... with the self-signed one instead
	implicit bool // TLS from connect
	auth     bool
	maxSize  int64
	addr     string // listen address; default 127.0.0.1:0
	setup    func(*smtp.Server)
}

// startServer runs a go-smtp server on 127.0.0.1 and returns its backend,
// host and port.
func startServer(t *testing.T, o serverOpts) (*backend, string, int) {
	t.Helper()
	be := &backend{}
	var sb smtp.Backend = be
	if o.auth {
		sb = authBackend{be}
	}
	s := smtp.NewServer(sb)
	s.Domain = "mx1.example.test"
	s.EnableSMTPUTF8 = true
	s.EnableDSN = true
	s.EnableREQUIRETLS = true
	s.MaxMessageBytes = o.maxSize
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	p := pkiOnce()
	if o.tls || o.implicit {
		cert := p.cert
		if o.selfCert {
			cert = p.selfCert
		}
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	if o.setup != nil {
		o.setup(s)
	}
	var l net.Listener
	var err error
	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if o.implicit {
		l, err = tls.Listen("tcp", addr, s.TLSConfig)
	} else {
		l, err = net.Listen("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	return be, "127.0.0.1", serve(t, s, l)
}

// serve runs s on l until the test ends and returns l's port.
func serve(t *testing.T, s *smtp.Server, l net.Listener) int {
	done := make(chan struct{})
	go func() { s.Serve(l); close(done) }()
	// Close the listener too: Serve may not have registered it yet.
	t.Cleanup(func() { s.Close(); l.Close(); <-done })
	return l.Addr().(*net.TCPAddr).Port
}

// ---- a scripted raw server, for faults go-smtp cannot make ----

type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *rawConn) send(lines ...string) {
	for _, l := range lines {
		io.WriteString(c.Conn, l+"\r\n")
	}
}

// line reads one command line without its CRLF ("" at EOF).
func (c *rawConn) line() string {
	l, err := c.r.ReadString('\n')
	if err != nil {
		return ""
	}
	return strings.TrimRight(l, "\r\n")
}

// expect reads a line and fails the test unless it starts with prefix.
func (c *rawConn) expect(t *testing.T, prefix string) string {
	t.Helper()
	l := c.line()
	if !strings.HasPrefix(strings.ToUpper(l), strings.ToUpper(prefix)) {
		t.Errorf("server expected %q, got %q", prefix, l)
	}
	return l
}

// readData reads DATA content up to the "." line; it returns it unstuffed.
func (c *rawConn) readData() (string, bool) {
	var b strings.Builder
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			return b.String(), false
		}
		if l == ".\r\n" {
			return b.String(), true
		}
		b.WriteString(strings.TrimPrefix(l, "."))
	}
}

// rawServer accepts connections on 127.0.0.1 and runs handle for each
// (the n-th connection gets n, from 0).
func rawServer(t *testing.T, handle func(c *rawConn, n int)) (string, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer nc.Close()
				handle(&rawConn{Conn: nc, r: bufio.NewReader(nc)}, n)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "127.0.0.1", l.Addr().(*net.TCPAddr).Port
}

// ---- Postfix smtp-sink ----

// startSink runs smtp-sink on a free loopback port with the given options.
func startSink(t testing.TB, args ...string) (string, int) {
	t.Helper()
	bin := testenv.Program(t, "/usr/sbin/smtp-sink", "postfix")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...)
	}
	args = append(args, "127.0.0.1:"+strconv.Itoa(port), "64")
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			c.Close()
			break
		}
		if i > 100 {
			t.Fatalf("smtp-sink did not start: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "127.0.0.1", port
}

// ---- helpers ----

func mustDelivered(t *testing.T, res *Result, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("send failed: %v", err)
	}
	for _, r := range res.Recipients {
		if r.Status != delivery.Delivered {
			t.Fatalf("recipient %s: status %v (%v), want delivered", r.Recipient, r.Status, &r)
		}
	}
}

// smtpErr returns the outcome err carries when a server reply decided it.
func smtpErr(err error) *delivery.Outcome {
	var o *delivery.Outcome
	if errors.As(err, &o) && o.Code != 0 {
		return o
	}
	return nil
}

// isTemporary reports whether err is an outcome worth retrying.
func isTemporary(err error) bool {
	var o *delivery.Outcome
	return errors.As(err, &o) && o.Status == delivery.Deferred
}

type countingMetrics struct {
	mu                      sync.Mutex
	opened, reused, tlsConn int
	replies                 map[int]int
	messages                int
}

func (m *countingMetrics) ConnOpened(host string, tls bool) {
	m.mu.Lock()
	m.opened++
	if tls {
		m.tlsConn++
	}
	m.mu.Unlock()
}
func (m *countingMetrics) ConnReused(string) { m.mu.Lock(); m.reused++; m.mu.Unlock() }
func (m *countingMetrics) Reply(_, _ string, code int) {
	m.mu.Lock()
	if m.replies == nil {
		m.replies = map[int]int{}
	}
	m.replies[code/100]++
	m.mu.Unlock()
}
func (m *countingMetrics) Message(string, time.Duration, error) {
	m.mu.Lock()
	m.messages++
	m.mu.Unlock()
}
