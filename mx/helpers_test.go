package mx

import (
	"context"
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
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t testing.TB, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// leaf issues a server certificate for names, valid from notBefore to
// notAfter, and returns it with the CA certificate as its chain.
func (ca *testCA) leafValid(t testing.TB, notBefore, notAfter time.Time, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}
}

func (ca *testCA) leaf(t testing.TB, names ...string) tls.Certificate {
	return ca.leafValid(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), names...)
}

// stsWeb serves MTA-STS policies over HTTPS on loopback, one httptest TLS
// server per certificate, and gives a client that dials mta-sts.<domain>:443
// to them while verifying the certificate for the real name.
type stsWeb struct {
	ca    *testCA
	mu    sync.Mutex
	body  map[string]string // host -> policy text
	code  map[string]int    // host -> status (default 200)
	loc   map[string]string // host -> Location header
	ctype map[string]string // host -> Content-Type (default text/plain)
	hits  map[string]int    // host+path -> requests
	addrs map[string]string // host -> listener address
	delay time.Duration     // before each answer
}

func newSTSWeb(t testing.TB) *stsWeb {
	return &stsWeb{
		ca:    newCA(t, "mxkit test CA"),
		body:  map[string]string{},
		code:  map[string]int{},
		loc:   map[string]string{},
		ctype: map[string]string{},
		hits:  map[string]int{},
		addrs: map[string]string{},
	}
}

// serve starts a TLS server for host whose certificate names certNames
// (host itself when empty).
func (w *stsWeb) serve(t testing.TB, host string, certNames ...string) {
	t.Helper()
	if len(certNames) == 0 {
		certNames = []string{host}
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(w.handle))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{w.ca.leaf(t, certNames...)}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	w.mu.Lock()
	w.addrs[host] = srv.Listener.Addr().String()
	w.mu.Unlock()
}

func (w *stsWeb) set(host, body string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.body[host] = body
}

func (w *stsWeb) setStatus(host string, code int, location string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.code[host] = code
	w.loc[host] = location
	if code == 0 {
		delete(w.ctype, host)
	}
}

func (w *stsWeb) setType(host, ctype string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctype[host] = ctype
}

func (w *stsWeb) count(host, path string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hits[host+path]
}

func (w *stsWeb) handle(rw http.ResponseWriter, req *http.Request) {
	host, _, err := net.SplitHostPort(req.Host)
	if err != nil {
		host = req.Host
	}
	w.mu.Lock()
	w.hits[host+req.URL.Path]++
	body, code, loc, delay, ctype := w.body[host], w.code[host], w.loc[host], w.delay, w.ctype[host]
	w.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-req.Context().Done():
			return
		}
	}
	if req.URL.Path != "/.well-known/mta-sts.txt" {
		http.NotFound(rw, req)
		return
	}
	if loc != "" {
		rw.Header().Set("Location", loc)
	}
	if ctype == "" {
		ctype = "text/plain; charset=utf-8"
	}
	rw.Header().Set("Content-Type", ctype)
	if code != 0 {
		rw.WriteHeader(code)
	}
	rw.Write([]byte(body))
}

// client returns an HTTP client that connects host:443 to the server for
// host and trusts the test CA; names are verified as usual.
func (w *stsWeb) client() *http.Client {
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				host, port, err := net.SplitHostPort(addr)
				if err != nil {
					return nil, err
				}
				w.mu.Lock()
				target, ok := w.addrs[strings.ToLower(host)]
				w.mu.Unlock()
				if !ok || port != "443" {
					return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused (no test server for " + addr + ")")}
				}
				var d net.Dialer
				return d.DialContext(ctx, network, target)
			},
			TLSClientConfig:   &tls.Config{RootCAs: w.ca.pool},
			DisableKeepAlives: true,
		},
	}
}

// fakeClock is a settable clock for cache expiry tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// uncached returns a resolver client without a cache for srv, so that
// zone changes are seen at once.
func uncached(srv *resolvertest.Server) *resolver.Client {
	c := srv.Client()
	c.CacheSize = -1
	return c
}

// newDNS starts a resolvertest server for the test. resolvertest picks a
// random UDP port and then binds TCP on the same port, which another
// process may hold: retry a few times rather than fail.
func newDNS(t testing.TB, zone string) *resolvertest.Server {
	t.Helper()
	var err error
	for range 10 {
		var srv *resolvertest.Server
		if srv, err = resolvertest.Start(zone); err == nil {
			t.Cleanup(srv.Close)
			return srv
		}
	}
	t.Fatalf("resolvertest: %v", err)
	return nil
}
