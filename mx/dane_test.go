package mx

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// tlsaFor makes a TLSA record for cert.
func tlsaFor(usage, selector, matching uint8, cert *x509.Certificate) resolver.TLSA {
	data := cert.Raw
	if selector == selectorSPKI {
		data = cert.RawSubjectPublicKeyInfo
	}
	switch matching {
	case matchSHA256:
		h := sha256.Sum256(data)
		data = h[:]
	case matchSHA512:
		h := sha512.Sum512(data)
		data = h[:]
	}
	return resolver.TLSA{Usage: usage, Selector: selector, MatchingType: matching, Data: data}
}

func tlsaText(t resolver.TLSA) string {
	return fmt.Sprintf("%d %d %d %s", t.Usage, t.Selector, t.MatchingType, hex.EncodeToString(t.Data))
}

// serveTLS runs a TLS server on loopback presenting chain and returns its
// address. It serves handshakes until the test ends.
func serveTLS(t *testing.T, chain tls.Certificate) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				s := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{chain}})
				s.SetDeadline(time.Now().Add(5 * time.Second))
				if s.Handshake() == nil {
					s.Read(make([]byte, 1)) // until the client closes
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// daneDial connects to addr and verifies the server with VerifyDANE from
// VerifyConnection, as an SMTP client would after STARTTLS.
func daneDial(addr string, records []resolver.TLSA, names ...string) error {
	conn, err := tls.Dial("tcp", addr, &tls.Config{
		InsecureSkipVerify: true, // DANE replaces the PKIX checks (RFC 7672 §3.1)
		VerifyConnection: func(cs tls.ConnectionState) error {
			return VerifyDANE(records, cs, names...)
		},
	})
	if err != nil {
		return err
	}
	return conn.Close()
}

func TestVerifyDANE(t *testing.T) {
	ca := newCA(t, "DANE test CA")
	other := newCA(t, "another CA")
	chain := ca.leaf(t, "mx.dane.example")
	leaf, caCert := chain.Leaf, ca.cert
	leafOnly := tls.Certificate{Certificate: chain.Certificate[:1], PrivateKey: chain.PrivateKey, Leaf: leaf}
	expired := ca.leafValid(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), "mx.dane.example")
	otherLeaf := other.leaf(t, "mx.dane.example")

	full := serveTLS(t, chain)
	bare := serveTLS(t, leafOnly)
	old := serveTLS(t, expired)

	ee := func(s, m uint8) resolver.TLSA { return tlsaFor(usageDANEEE, s, m, leaf) }
	ta := func(s, m uint8) resolver.TLSA { return tlsaFor(usageDANETA, s, m, caCert) }
	tests := []struct {
		name    string
		addr    string
		records []resolver.TLSA
		names   []string
		want    error // nil, ErrDANEMismatch or ErrDANEUnusable
	}{
		{"DANE-EE full certificate", full, []resolver.TLSA{ee(0, 0)}, nil, nil},
		{"DANE-EE certificate SHA-256", full, []resolver.TLSA{ee(0, 1)}, nil, nil},
		{"DANE-EE certificate SHA-512", full, []resolver.TLSA{ee(0, 2)}, nil, nil},
		{"DANE-EE public key", full, []resolver.TLSA{ee(1, 0)}, nil, nil},
		{"DANE-EE public key SHA-256", full, []resolver.TLSA{ee(1, 1)}, nil, nil},
		{"DANE-EE public key SHA-512", full, []resolver.TLSA{ee(1, 2)}, nil, nil},
		{"DANE-EE ignores names", full, []resolver.TLSA{ee(1, 1)}, []string{"wrong.example"}, nil},
		{"DANE-EE ignores expiry (RFC 7672 §3.1.1)", old, []resolver.TLSA{tlsaFor(3, 1, 1, expired.Leaf)}, nil, nil},
		{"DANE-EE other key", full, []resolver.TLSA{tlsaFor(3, 1, 1, otherLeaf.Leaf)}, nil, ErrDANEMismatch},
		{"DANE-EE second record matches", full, []resolver.TLSA{tlsaFor(3, 1, 1, otherLeaf.Leaf), ee(1, 1)}, nil, nil},
		{"DANE-TA certificate SHA-256", full, []resolver.TLSA{ta(0, 1)}, []string{"mx.dane.example"}, nil},
		{"DANE-TA public key SHA-512", full, []resolver.TLSA{ta(1, 2)}, []string{"mx.dane.example"}, nil},
		{"DANE-TA full certificate", full, []resolver.TLSA{ta(0, 0)}, []string{"dane.example", "MX.DANE.EXAMPLE"}, nil},
		{"DANE-TA wrong name", full, []resolver.TLSA{ta(0, 1)}, []string{"other.example"}, ErrDANEMismatch},
		{"DANE-TA without names", full, []resolver.TLSA{ta(0, 1)}, nil, ErrDANEMismatch},
		{"DANE-TA not in the chain sent", bare, []resolver.TLSA{ta(0, 1)}, []string{"mx.dane.example"}, ErrDANEMismatch},
		{"DANE-TA of another CA", full, []resolver.TLSA{tlsaFor(2, 0, 1, other.cert)}, []string{"mx.dane.example"}, ErrDANEMismatch},
		{"DANE-TA expired leaf", old, []resolver.TLSA{ta(0, 1)}, []string{"mx.dane.example"}, ErrDANEMismatch},
		{"DANE-TA record matching the leaf is no trust anchor", full, []resolver.TLSA{tlsaFor(2, 0, 1, leaf)}, []string{"mx.dane.example"}, ErrDANEMismatch},
		{"PKIX-EE is not used for SMTP", full, []resolver.TLSA{tlsaFor(1, 0, 1, leaf)}, nil, ErrDANEUnusable},
		{"PKIX-TA is not used for SMTP", full, []resolver.TLSA{tlsaFor(0, 0, 1, caCert)}, nil, ErrDANEUnusable},
		{"unknown selector", full, []resolver.TLSA{{Usage: 3, Selector: 2, MatchingType: 0, Data: leaf.Raw}}, nil, ErrDANEUnusable},
		{"unknown matching type", full, []resolver.TLSA{{Usage: 3, Selector: 0, MatchingType: 3, Data: leaf.Raw}}, nil, ErrDANEUnusable},
		{"digest of the wrong length", full, []resolver.TLSA{{Usage: 3, Selector: 1, MatchingType: 1, Data: []byte{1, 2, 3}}}, nil, ErrDANEUnusable},
		{"no records", full, nil, nil, ErrDANEUnusable},
		{"unusable records beside a matching one", full, []resolver.TLSA{tlsaFor(1, 0, 1, leaf), ee(0, 1)}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := daneDial(tt.addr, tt.records, tt.names...)
			if tt.want == nil {
				if err != nil {
					t.Errorf("handshake: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("handshake error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyDANENoCertificate(t *testing.T) {
	ca := newCA(t, "CA")
	rec := tlsaFor(3, 1, 1, ca.cert)
	if err := VerifyDANE([]resolver.TLSA{rec}, tls.ConnectionState{}); !errors.Is(err, ErrDANEMismatch) {
		t.Errorf("error %v, want ErrDANEMismatch", err)
	}
}

// daneSetup serves a DNSSEC-signed (AD bit) zone whose MX host has a TLSA
// record for the certificate of a TLS server on loopback.
func daneSetup(t *testing.T) (*Router, *resolvertest.Server, tls.Certificate) {
	t.Helper()
	ca := newCA(t, "DANE CA")
	chain := ca.leaf(t, "mx.dane.example")
	rec := tlsaText(tlsaFor(3, 1, 1, chain.Leaf))
	srv := newDNS(t, fmt.Sprintf(`
dane.example.                 MX 10 mx.dane.example.
mx.dane.example.              A 127.0.0.1
_25._tcp.mx.dane.example.     TLSA %[1]s
insecuremx.example.           MX 10 mx.dane.example.
hostinsecure.dane.example.    MX 10 mx.plain.example.
mx.plain.example.             A 127.0.0.2
_25._tcp.mx.plain.example.    TLSA %[1]s
implicit.dane.example.        A 127.0.0.3
_25._tcp.implicit.dane.example. TLSA %[1]s
notlsa.dane.example.          MX 10 mx2.dane.example.
mx2.dane.example.             A 127.0.0.4
tempfail.dane.example.        MX 10 mx3.dane.example.
mx3.dane.example.             A 127.0.0.5
_25._tcp.mx3.dane.example.    TLSA %[1]s
mixed.dane.example.           MX 10 mx.dane.example.
mixed.dane.example.           MX 20 mx2.dane.example.
mixed.dane.example.           MX 30 mx.elsewhere.example.
mx.elsewhere.example.         A 127.0.0.6
`, rec))
	srv.SetSecure("dane.example.", true)
	srv.SetSecure("_25._tcp.mx.plain.example.", true) // the host's addresses are not
	srv.SetFault("_25._tcp.mx3.dane.example.", dns.TypeTLSA, resolvertest.ServFail)
	return &Router{Resolver: srv.Client(), DisableMTASTS: true}, srv, chain
}

func TestDANELookup(t *testing.T) {
	r, srv, chain := daneSetup(t)
	route, err := r.Lookup(context.Background(), "dane.example")
	if err != nil {
		t.Fatal(err)
	}
	h := route.Hosts[0]
	if route.Policy.Kind != PolicyDANE || h.Policy != PolicyDANE || len(h.TLSA) != 1 {
		t.Fatalf("policy %v, host %+v; want DANE with one TLSA record", route.Policy, h)
	}
	if n := srv.Queries("_mta-sts.dane.example.", dns.TypeTXT); n != 0 {
		t.Errorf("MTA-STS looked up %d times although DANE covers every host", n)
	}
	// The records authenticate the server that holds the certificate...
	addr := serveTLS(t, chain)
	if err := daneDial(addr, h.TLSA, h.Name); err != nil {
		t.Errorf("handshake with the right server: %v", err)
	}
	// ...and no other.
	impostor := serveTLS(t, newCA(t, "impostor").leaf(t, "mx.dane.example"))
	if err := daneDial(impostor, h.TLSA, h.Name); !errors.Is(err, ErrDANEMismatch) {
		t.Errorf("handshake with an impostor: %v, want ErrDANEMismatch", err)
	}
}

func TestDANEConditions(t *testing.T) {
	tests := []struct {
		name    string
		domain  string
		host    string // whose TLSA records count
		dane    bool
		queried bool // whether the TLSA records may be asked for
		disable bool
	}{
		{"MX answer not authenticated", "insecuremx.example", "mx.dane.example", false, false, false},
		{"host addresses not authenticated", "hostinsecure.dane.example", "mx.plain.example", false, false, false},
		{"implicit MX: TLSA at the domain", "implicit.dane.example", "implicit.dane.example", true, true, false},
		{"no TLSA records", "notlsa.dane.example", "mx2.dane.example", false, true, false},
		{"DANE disabled", "dane.example", "mx.dane.example", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, srv, _ := daneSetup(t)
			r.DisableDANE = tt.disable
			route, err := r.Lookup(context.Background(), tt.domain)
			if err != nil {
				t.Fatal(err)
			}
			h := route.Hosts[0]
			if got := len(h.TLSA) > 0; got != tt.dane || (route.Policy.Kind == PolicyDANE) != tt.dane || (h.Policy == PolicyDANE) != tt.dane {
				t.Errorf("TLSA %v, route policy %v, host policy %v; want DANE %v", h.TLSA, route.Policy.Kind, h.Policy, tt.dane)
			}
			n := srv.Queries("_25._tcp."+tt.host+".", dns.TypeTLSA)
			if !tt.queried && n != 0 {
				t.Errorf("TLSA records asked for %d times, want never", n)
			}
			if tt.queried && n == 0 {
				t.Error("TLSA records not asked for")
			}
		})
	}
}

func TestDANETLSANotAuthenticated(t *testing.T) {
	r, srv, _ := daneSetup(t)
	srv.SetSecure("_25._tcp.mx.dane.example.", false)
	route, err := r.Lookup(context.Background(), "dane.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(route.Hosts[0].TLSA) != 0 || route.Policy.Kind == PolicyDANE {
		t.Errorf("unauthenticated TLSA records used: %+v", route)
	}
}

func TestDANETLSALookupFailure(t *testing.T) {
	r, _, _ := daneSetup(t)
	// RFC 7672 §2.2: a secure host whose TLSA lookup fails is not used.
	_, err := r.Lookup(context.Background(), "tempfail.dane.example")
	if !resolver.IsTemporary(err) || IsPermanent(err) {
		t.Errorf("error %v, want a temporary failure", err)
	}
}

func TestDANEPrecedesMTASTS(t *testing.T) {
	r, srv, _ := daneSetup(t)
	web := newSTSWeb(t)
	web.serve(t, "mta-sts.mixed.dane.example")
	web.set("mta-sts.mixed.dane.example", "version: STSv1\nmode: enforce\nmx: mx.elsewhere.example\nmax_age: 600\n")
	srv.Add(`_mta-sts.mixed.dane.example. TXT "v=STSv1; id=x"`)
	r.DisableMTASTS = false
	r.HTTPClient = web.client()
	route, err := r.Lookup(context.Background(), "mixed.dane.example")
	if err != nil {
		t.Fatal(err)
	}
	// mx.dane.example has TLSA records: DANE, although the policy does not
	// list it. mx2.dane.example has none and the policy does not list it:
	// removed. mx.elsewhere.example follows the policy.
	got := map[string]PolicyKind{}
	for _, h := range route.Hosts {
		got[h.Name] = h.Policy
	}
	want := map[string]PolicyKind{"mx.dane.example": PolicyDANE, "mx.elsewhere.example": PolicyMTASTSEnforce}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("host policies %v, want %v", got, want)
	}
	if route.Policy.Kind != PolicyDANE || route.Policy.MTASTS == nil || !strings.Contains(route.Policy.Reason, "enforce") {
		t.Errorf("route policy %+v, want DANE with the MTA-STS policy for the rest", route.Policy)
	}
	if a := route.Hosts[0].Addrs; len(a) != 1 || a[0] != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("first host addresses %v", a)
	}
}

func TestDANEAddressFamilyFailureDoesNotDowngrade(t *testing.T) {
	r, srv, _ := daneSetup(t)
	srv.SetFault("mx.dane.example.", dns.TypeAAAA, resolvertest.ServFail)
	route, err := r.Lookup(context.Background(), "dane.example")
	if err != nil {
		t.Fatal(err)
	}
	h := route.Hosts[0]
	if h.Err != nil || len(h.Addrs) != 1 || len(h.TLSA) != 1 || h.Policy != PolicyDANE {
		t.Errorf("host %+v: want its IPv4 address under DANE although AAAA failed", h)
	}
}

// TestDANEAlias checks an MX host that is an alias (RFC 7672 §2.2.3): the
// TLSA records are taken from where its secure CNAME chain ends, from the
// host's own name when there are none there, and not at all when a step
// of the chain is insecure. A DANE-TA certificate issued for the expanded
// name passes the name check with TLSABase as the reference identifier.
func TestDANEAlias(t *testing.T) {
	ca := newCA(t, "DANE alias CA")
	chain := ca.leaf(t, "real.alias.example")
	ta := tlsaText(tlsaFor(2, 0, 1, ca.cert))
	srv := newDNS(t, fmt.Sprintf(`
alias.example.                    MX 10 mx.alias.example.
mx.alias.example.                 CNAME real.alias.example.
real.alias.example.               A 127.0.0.1
_25._tcp.real.alias.example.      TLSA %[1]s
own.alias.example.                MX 10 mx2.alias.example.
mx2.alias.example.                CNAME real2.alias.example.
real2.alias.example.              A 127.0.0.2
_25._tcp.mx2.alias.example.       TLSA %[1]s
insecure.alias.example.           MX 10 mx3.alias.example.
mx3.alias.example.                CNAME real.elsewhere.example.
real.elsewhere.example.           A 127.0.0.3
_25._tcp.real.elsewhere.example.  TLSA %[1]s
`, ta))
	srv.SetSecure("alias.example.", true)
	srv.SetSecure("real.elsewhere.example.", true)
	srv.SetSecure("mx3.alias.example.", false)
	r := &Router{Resolver: srv.Client(), DisableMTASTS: true}
	for _, tc := range []struct {
		domain, base string
	}{
		{"alias.example", "real.alias.example"},
		{"own.alias.example", "mx2.alias.example"},
		{"insecure.alias.example", ""},
	} {
		route, err := r.Lookup(context.Background(), tc.domain)
		if err != nil {
			t.Fatal(err)
		}
		h := route.Hosts[0]
		if h.TLSABase != tc.base || (len(h.TLSA) > 0) != (tc.base != "") {
			t.Errorf("%s: TLSA base %q with %d records, want %q", tc.domain, h.TLSABase, len(h.TLSA), tc.base)
		}
	}
	route, err := r.Lookup(context.Background(), "alias.example")
	if err != nil {
		t.Fatal(err)
	}
	h := route.Hosts[0]
	addr := serveTLS(t, chain)
	if err := daneDial(addr, h.TLSA, h.TLSABase, h.Name); err != nil {
		t.Errorf("DANE-TA with the expanded name as reference identifier: %v", err)
	}
	if err := daneDial(addr, h.TLSA, h.Name); !errors.Is(err, ErrDANEMismatch) {
		t.Errorf("DANE-TA with the alias alone: %v, want a name mismatch", err)
	}
}
