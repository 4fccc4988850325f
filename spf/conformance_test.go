package spf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"gopkg.in/yaml.v3"
)

// suiteScenario is one document of the OpenSPF YAML stream.
type suiteScenario struct {
	Description string
	Tests       map[string]suiteTest
	Zonedata    map[string][]any
}

type suiteTest struct {
	Host        string
	Helo        string
	MailFrom    string `yaml:"mailfrom"`
	Result      any    // a result name or a list of acceptable ones
	Explanation *string
	Spec        string
}

func loadSuite(t *testing.T) []suiteScenario {
	dir := testenv.Shared(t, "conformance/spf")
	data, err := os.ReadFile(filepath.Join(dir, "rfc7208-tests.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []suiteScenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var s suiteScenario
		if err := dec.Decode(&s); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding the suite: %v", err)
		}
		out = append(out, s)
	}
	return out
}

// TestConformance runs the OpenSPF RFC 7208 suite, serving each scenario's
// zone data from one resolvertest server as the suite's README says:
// SPF records also as TXT unless the name has TXT of its own, "TXT: NONE"
// for no TXT, TIMEOUT (and names starting with "error.") as no answer for
// the types the name has no data of.
func TestConformance(t *testing.T) {
	suite := loadSuite(t)
	srv := resolvertest.New(t, "")
	client := srv.Client()
	client.CacheSize = -1
	// TIMEOUT cases wait this long; long enough that a loaded machine does
	// not turn a slow loopback answer into a spurious temperror. The tests
	// of a scenario run in parallel, so the waits overlap.
	client.Timeout = time.Second
	client.Attempts = 1
	checker := &Checker{Resolver: client, ReceiverHost: "receiver.example.net"}

	var total, passed atomic.Int32
	var faults []string
	for _, sc := range suite {
		// Reset the zone and the faults of the previous scenario.
		if err := srv.SetZone(""); err != nil {
			t.Fatal(err)
		}
		for _, name := range faults {
			for _, qt := range faultTypes {
				srv.SetFault(name, qt, resolvertest.NoFault)
			}
		}
		faults = faults[:0]
		for name, recs := range sc.Zonedata {
			f, err := serveZoneData(srv, name, recs)
			if err != nil {
				t.Fatalf("%s: zone data for %q: %v", sc.Description, name, err)
			}
			faults = append(faults, f...)
		}
		t.Run(sc.Description, func(t *testing.T) {
			for name, tc := range sc.Tests {
				total.Add(1)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					defer func() {
						if !t.Failed() {
							passed.Add(1)
						}
					}()
					runSuiteTest(t, checker, tc)
				})
			}
		})
	}
	t.Logf("OpenSPF suite: %d/%d passed", passed.Load(), total.Load())
}

func runSuiteTest(t *testing.T, checker *Checker, tc suiteTest) {
	ip, err := netip.ParseAddr(tc.Host)
	if err != nil {
		t.Fatalf("bad host %q: %v", tc.Host, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res := checker.Check(ctx, Args{IP: ip, Helo: tc.Helo, MailFrom: tc.MailFrom})
	want := expectedResults(tc.Result)
	good := false
	for _, w := range want {
		if res.Status.String() == w {
			good = true
		}
	}
	if !good {
		t.Errorf("spec %s: result %s (err %v), want %v", tc.Spec, res.Status, res.Err, want)
	}
	if tc.Explanation != nil {
		wantExp := *tc.Explanation
		if wantExp == "DEFAULT" { // the suite's name for "no exp= text"
			wantExp = ""
		}
		// Compared ignoring case: the suite's reference implementation
		// writes %{i} of IPv6 in upper-case nibbles, RFC 7208 §7.4's
		// example in lower case.
		if !strings.EqualFold(res.Explanation, wantExp) {
			t.Errorf("spec %s: explanation %q, want %q", tc.Spec, res.Explanation, wantExp)
		}
	}
}

func expectedResults(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// faultTypes are the query types a TIMEOUT name stops answering.
var faultTypes = []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeMX, dns.TypeTXT, dns.TypePTR, dns.TypeSPF, dns.TypeCNAME}

// serveZoneData adds one name's records to srv and sets its timeouts. It
// returns the names given faults.
func serveZoneData(srv *resolvertest.Server, rawName string, recs []any) ([]string, error) {
	name, err := canonicalName(rawName)
	if err != nil {
		return nil, err
	}
	hdr := func(t uint16) dns.RR_Header {
		return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: 300}
	}
	hasTXT, timeout := false, strings.HasPrefix(strings.ToLower(rawName), "error.")
	for _, r := range recs {
		if m, ok := r.(map[string]any); ok && m["TXT"] != nil {
			hasTXT = true
		}
	}
	present := map[uint16]bool{}
	var rrs []dns.RR
	for _, r := range recs {
		if s, ok := r.(string); ok {
			if s != "TIMEOUT" {
				return nil, errors.New("unknown entry " + s)
			}
			timeout = true
			continue
		}
		m, ok := r.(map[string]any)
		if !ok {
			return nil, errors.New("unexpected entry")
		}
		for typ, v := range m {
			switch typ {
			case "A":
				rrs = append(rrs, &dns.A{Hdr: hdr(dns.TypeA), A: net.ParseIP(v.(string)).To4()})
				present[dns.TypeA] = true
			case "AAAA":
				rrs = append(rrs, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: net.ParseIP(v.(string))})
				present[dns.TypeAAAA] = true
			case "MX":
				l := v.([]any)
				host, err := canonicalName(l[1].(string))
				if err != nil {
					return nil, err
				}
				rrs = append(rrs, &dns.MX{Hdr: hdr(dns.TypeMX), Preference: uint16(l[0].(int)), Mx: host})
				present[dns.TypeMX] = true
			case "PTR", "CNAME":
				target, err := canonicalName(v.(string))
				if err != nil {
					return nil, err
				}
				if typ == "PTR" {
					rrs = append(rrs, &dns.PTR{Hdr: hdr(dns.TypePTR), Ptr: target})
					present[dns.TypePTR] = true
				} else {
					rrs = append(rrs, &dns.CNAME{Hdr: hdr(dns.TypeCNAME), Target: target})
					present[dns.TypeCNAME] = true
				}
			case "TXT", "SPF":
				if v == "NONE" { // no TXT records, and no SPF copied as TXT
					continue
				}
				txt := txtStrings(v)
				if typ == "SPF" {
					rrs = append(rrs, &dns.SPF{Hdr: hdr(dns.TypeSPF), Txt: txt})
					present[dns.TypeSPF] = true
					if hasTXT {
						continue
					}
				}
				rrs = append(rrs, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: txt})
				present[dns.TypeTXT] = true
			default:
				return nil, errors.New("unknown record type " + typ)
			}
		}
	}
	srv.AddRR(rrs...)
	if !timeout {
		return nil, nil
	}
	for _, qt := range faultTypes {
		if !present[qt] {
			srv.SetFault(name, qt, resolvertest.Timeout)
		}
	}
	return []string{name}, nil
}

// canonicalName returns name as miekg/dns presents it after a trip over
// the wire (special bytes escaped, lower case), the form the server keys
// its data by.
func canonicalName(name string) (string, error) {
	if name == "" {
		return ".", nil
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	b, err := m.Pack()
	if err != nil {
		return "", err
	}
	if err := m.Unpack(b); err != nil {
		return "", err
	}
	return strings.ToLower(m.Question[0].Name), nil
}

// txtStrings returns the character-strings of one TXT record in the
// presentation format miekg/dns packs: a string is one record of one or
// more 255-byte strings, a list is one record of those strings.
func txtStrings(v any) []string {
	var raw []string
	switch v := v.(type) {
	case string:
		for len(v) > 255 {
			raw = append(raw, v[:255])
			v = v[255:]
		}
		raw = append(raw, v)
	case []any:
		for _, x := range v {
			raw = append(raw, x.(string))
		}
	}
	out := make([]string, len(raw))
	for i, s := range raw {
		var b strings.Builder
		for j := 0; j < len(s); j++ {
			c := s[j]
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20 || c > 0x7e:
				b.WriteByte('\\')
				b.WriteByte('0' + c/100)
				b.WriteByte('0' + c/10%10)
				b.WriteByte('0' + c%10)
			default:
				b.WriteByte(c)
			}
		}
		out[i] = b.String()
	}
	return out
}
