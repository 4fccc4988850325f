// Package resolvertest runs a real authoritative DNS server on loopback that
// serves zones given as RFC 1035 zone text, for tests and examples.
//
// The server answers over UDP and TCP on one random port of 127.0.0.1, follows
// CNAMEs inside its data the way an authoritative server does, gives NXDOMAIN
// for names it does not have and NODATA (with an SOA, so answers can be
// cached negatively) for names that exist without the asked type. Faults can
// be injected per name and type: SERVFAIL, REFUSED, no answer at all
// (timeout), truncation of UDP answers, and delays. It counts the queries it
// receives so tests can check caching.
//
//	srv, err := resolvertest.Start(`
//	example.com.      300 IN MX 10 mx.example.com.
//	mx.example.com.   300 IN A  127.0.0.1
//	`)
//	...
//	defer srv.Close()
//	r := srv.Client() // a *resolver.Client that asks srv
package resolvertest

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/resolver"
)

// Fault is a failure the server produces for a name.
type Fault int

const (
	NoFault  Fault = iota
	ServFail       // answer SERVFAIL
	Refused        // answer REFUSED
	Timeout        // send no answer at all
	Truncate       // over UDP, answer with TC set and no records; TCP works
)

// Server is an authoritative DNS server on loopback. Its methods are safe
// for concurrent use while it serves.
type Server struct {
	addr string
	udp  *dns.Server
	tcp  *dns.Server

	mu      sync.RWMutex
	records map[string][]dns.RR // by lower-case FQDN
	names   map[string]bool     // names that exist, empty non-terminals included
	soas    map[string]*dns.SOA // zone apexes with an SOA in the data
	faults  map[faultKey]Fault
	delays  map[string]time.Duration
	secure  map[string]bool // names under which answers carry the AD bit
	counts  map[faultKey]int
	total   int
}

type faultKey struct {
	name  string
	qtype uint16
}

// Start parses zone (RFC 1035 master file text; $ORIGIN defaults to the root
// and the TTL to 300) and serves it on 127.0.0.1.
func Start(zone string) (*Server, error) {
	s := &Server{
		faults: map[faultKey]Fault{},
		delays: map[string]time.Duration{},
		secure: map[string]bool{},
		counts: map[faultKey]int{},
	}
	if err := s.SetZone(zone); err != nil {
		return nil, err
	}
	pc, ln, err := listenPair()
	if err != nil {
		return nil, err
	}
	s.addr = pc.LocalAddr().String()
	s.udp = &dns.Server{PacketConn: pc, Handler: s}
	s.tcp = &dns.Server{Listener: ln, Handler: s}
	started := make(chan struct{}, 2)
	s.udp.NotifyStartedFunc = func() { started <- struct{}{} }
	s.tcp.NotifyStartedFunc = func() { started <- struct{}{} }
	go s.udp.ActivateAndServe()
	go s.tcp.ActivateAndServe()
	<-started
	<-started
	return s, nil
}

// listenPair binds UDP and TCP on the same random loopback port, trying
// again when the TCP side of the port the UDP side got is taken.
func listenPair() (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range 50 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		lastErr = err
	}
	return nil, nil, fmt.Errorf("resolvertest: no free UDP+TCP port pair: %w", lastErr)
}

// New starts a server for a test and closes it when the test ends.
func New(tb testing.TB, zone string) *Server {
	tb.Helper()
	s, err := Start(zone)
	if err != nil {
		tb.Fatalf("resolvertest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Addr is the server's address, "127.0.0.1:port", for UDP and TCP.
func (s *Server) Addr() string { return s.addr }

// Client returns a new caching resolver that asks this server, with short
// timeouts fit for tests.
func (s *Server) Client() *resolver.Client {
	return &resolver.Client{Servers: []string{s.addr}, Timeout: 500 * time.Millisecond, Attempts: 1}
}

// Close stops the server.
func (s *Server) Close() {
	s.udp.Shutdown()
	s.tcp.Shutdown()
}

// SetZone replaces all records with those of zone.
func (s *Server) SetZone(zone string) error {
	records := map[string][]dns.RR{}
	names := map[string]bool{}
	soas := map[string]*dns.SOA{}
	zp := dns.NewZoneParser(strings.NewReader(zone), ".", "zone")
	zp.SetDefaultTTL(300)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		s.addTo(records, names, soas, rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("resolvertest: %w", err)
	}
	s.mu.Lock()
	s.records, s.names, s.soas = records, names, soas
	s.mu.Unlock()
	return nil
}

// Add adds records given as zone text lines.
func (s *Server) Add(zone string) error {
	zp := dns.NewZoneParser(strings.NewReader(zone), ".", "zone")
	zp.SetDefaultTTL(300)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("resolvertest: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rr := range rrs {
		s.addTo(s.records, s.names, s.soas, rr)
	}
	return nil
}

// AddRR adds records built in code.
func (s *Server) AddRR(rrs ...dns.RR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rr := range rrs {
		s.addTo(s.records, s.names, s.soas, rr)
	}
}

func (s *Server) addTo(records map[string][]dns.RR, names map[string]bool, soas map[string]*dns.SOA, rr dns.RR) {
	name := strings.ToLower(dns.Fqdn(rr.Header().Name))
	records[name] = append(records[name], rr)
	if soa, ok := rr.(*dns.SOA); ok {
		soas[name] = soa
	}
	// The name and every ancestor exist (empty non-terminals, RFC 8020).
	for n := name; ; {
		names[n] = true
		i, end := dns.NextLabel(n, 0)
		if end {
			break
		}
		n = n[i:]
	}
}

// SetFault makes queries for name of type qtype fail with f. qtype 0 means
// every type. NoFault removes it.
func (s *Server) SetFault(name string, qtype uint16, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := faultKey{strings.ToLower(dns.Fqdn(name)), qtype}
	if f == NoFault {
		delete(s.faults, k)
	} else {
		s.faults[k] = f
	}
}

// SetDelay delays every answer for name by d (0 removes it).
func (s *Server) SetDelay(name string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[strings.ToLower(dns.Fqdn(name))] = d
}

// SetSecure makes answers for name and the names under it carry the AD bit
// (as a validating resolver would set it) when the query asked for DNSSEC
// with the DO or AD bit. An answer that follows a CNAME chain carries it
// only when every name of the chain is secure.
func (s *Server) SetSecure(name string, secure bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secure[strings.ToLower(dns.Fqdn(name))] = secure
}

// Queries returns how many queries for name of type qtype arrived (qtype 0:
// of every type).
func (s *Server) Queries(name string, qtype uint16) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	name = strings.ToLower(dns.Fqdn(name))
	if qtype != 0 {
		return s.counts[faultKey{name, qtype}]
	}
	n := 0
	for k, c := range s.counts {
		if k.name == name {
			n += c
		}
	}
	return n
}

// TotalQueries returns how many queries arrived in all.
func (s *Server) TotalQueries() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.total
}

// ResetCounts sets the query counters to zero.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[faultKey]int{}
	s.total = 0
}

// ServeDNS implements dns.Handler.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if len(req.Question) != 1 {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	qname := strings.ToLower(q.Name)
	_, isUDP := w.RemoteAddr().(*net.UDPAddr)

	s.mu.Lock()
	s.counts[faultKey{qname, q.Qtype}]++
	s.total++
	fault := s.faults[faultKey{qname, q.Qtype}]
	if fault == NoFault {
		fault = s.faults[faultKey{qname, 0}]
	}
	delay := s.delays[qname]
	s.mu.Unlock()

	if delay > 0 {
		time.Sleep(delay)
	}
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	m.RecursionAvailable = true
	switch fault {
	case Timeout:
		return
	case ServFail:
		m.Rcode = dns.RcodeServerFailure
		w.WriteMsg(m)
		return
	case Refused:
		m.Rcode = dns.RcodeRefused
		w.WriteMsg(m)
		return
	case Truncate:
		if isUDP {
			m.Truncated = true
			w.WriteMsg(m)
			return
		}
	}

	s.mu.RLock()
	s.answer(m, qname, q.Qtype)
	dnssec := req.AuthenticatedData
	if opt := req.IsEdns0(); opt != nil && opt.Do() {
		dnssec = true
	}
	// As a validating resolver does, set AD only when every name the
	// answer passes through (a CNAME chain) is secure.
	ad := dnssec && s.isSecure(qname) && m.Rcode != dns.RcodeServerFailure
	for _, rr := range m.Answer {
		ad = ad && s.isSecure(strings.ToLower(rr.Header().Name))
	}
	m.AuthenticatedData = ad
	s.mu.RUnlock()

	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(max(opt.UDPSize(), 512), opt.Do())
	}
	if isUDP {
		size := 512
		if opt := req.IsEdns0(); opt != nil {
			size = int(max(opt.UDPSize(), 512))
		}
		m.Truncate(size)
	}
	w.WriteMsg(m)
}

// answer fills m for (qname, qtype), following CNAMEs in the data.
func (s *Server) answer(m *dns.Msg, qname string, qtype uint16) {
	name := qname
	for hops := 0; hops < 16; hops++ {
		rrs := s.lookup(name)
		var cname *dns.CNAME
		found := false
		for _, rr := range rrs {
			rr = withName(rr, name)
			if rr.Header().Rrtype == qtype || qtype == dns.TypeANY {
				m.Answer = append(m.Answer, rr)
				found = true
			} else if cn, ok := rr.(*dns.CNAME); ok {
				cname = cn
			}
		}
		if found {
			return
		}
		if cname != nil {
			m.Answer = append(m.Answer, cname)
			name = strings.ToLower(cname.Target)
			continue
		}
		if !s.names[name] && len(rrs) == 0 {
			m.Rcode = dns.RcodeNameError
		}
		m.Ns = append(m.Ns, s.soaFor(name))
		return
	}
}

// lookup returns the records of name, or of the closest wildcard
// (RFC 4592, simplified: "*.parent" where name does not exist).
func (s *Server) lookup(name string) []dns.RR {
	if rrs := s.records[name]; len(rrs) > 0 || s.names[name] {
		return rrs
	}
	for n := name; ; {
		i, end := dns.NextLabel(n, 0)
		if end {
			return nil
		}
		n = n[i:]
		if rrs := s.records["*."+n]; len(rrs) > 0 {
			return rrs
		}
		if s.names[n] {
			return nil // the closest encloser exists without a wildcard
		}
	}
}

// withName returns rr owned by name (a copy when it came from a wildcard).
func withName(rr dns.RR, name string) dns.RR {
	if strings.EqualFold(rr.Header().Name, name) {
		return rr
	}
	rr = dns.Copy(rr)
	rr.Header().Name = name
	return rr
}

// soaFor returns the SOA of the closest enclosing zone, or a synthesised one
// with a 60-second negative TTL.
func (s *Server) soaFor(name string) dns.RR {
	for n := name; ; {
		if soa := s.soas[n]; soa != nil {
			return soa
		}
		i, end := dns.NextLabel(n, 0)
		if end {
			break
		}
		n = n[i:]
	}
	return &dns.SOA{
		Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 60},
		Ns:  "ns.resolvertest.", Mbox: "hostmaster.resolvertest.",
		Serial: 1, Refresh: 3600, Retry: 600, Expire: 86400, Minttl: 60,
	}
}

func (s *Server) isSecure(name string) bool {
	for n := name; ; {
		if v, ok := s.secure[n]; ok {
			return v
		}
		i, end := dns.NextLabel(n, 0)
		if end {
			return false
		}
		n = n[i:]
	}
}
