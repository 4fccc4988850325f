package dkim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"gopkg.in/yaml.v3"
)

// arcSuite is one YAML document of the ValiMail ARC test suite.
type arcSuite struct {
	Description string             `yaml:"description"`
	Tests       map[string]arcCase `yaml:"tests"`
	TXTRecords  map[string]string  `yaml:"txt-records"`
	Domain      string             `yaml:"domain"`
	Sel         string             `yaml:"sel"`
	PrivateKey  string             `yaml:"privatekey"`
}

type arcCase struct {
	Description string `yaml:"description"`
	Message     string `yaml:"message"`
	CV          string `yaml:"cv"`
	T           int64  `yaml:"t"`
	SigHeaders  string `yaml:"sig-headers"`
	SrvID       string `yaml:"srv-id"`
	AS          string `yaml:"AS"`
	AMS         string `yaml:"AMS"`
	AAR         string `yaml:"AAR"`
}

func loadARCSuite(t *testing.T, name string) []arcSuite {
	t.Helper()
	dir := testenv.Shared(t, "conformance/arc")
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var suites []arcSuite
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		// The validation file repeats some test names in one mapping,
		// which yaml.v3 refuses: walk the nodes and suffix repeats.
		var doc yaml.Node
		if err := dec.Decode(&doc); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		root := doc.Content[0]
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value != "tests" {
				continue
			}
			tests := root.Content[i+1]
			seen := map[string]int{}
			for j := 0; j+1 < len(tests.Content); j += 2 {
				k := tests.Content[j]
				if seen[k.Value]++; seen[k.Value] > 1 {
					k.Value = fmt.Sprintf("%s#%d", k.Value, seen[k.Value])
				}
			}
		}
		var s arcSuite
		if err := root.Decode(&s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		suites = append(suites, s)
	}
	return suites
}

// serveTXT loads the suite's key records into srv, replacing what it
// served; a record's text may be folded over lines in the YAML. One server
// serves all documents in turn.
func serveTXT(t *testing.T, srv *resolvertest.Server, records map[string]string) {
	t.Helper()
	if err := srv.SetZone(""); err != nil {
		t.Fatal(err)
	}
	for name, text := range records {
		text = strings.Join(strings.Fields(text), " ")
		var chunks []string
		for len(text) > 255 {
			chunks = append(chunks, text[:255])
			text = text[255:]
		}
		chunks = append(chunks, text)
		srv.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: dns.Fqdn(name), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: chunks})
	}
}

// knownARCFailures are validation tests where mxkit follows the RFC and
// the suite does not.
var knownARCFailures = map[string]string{
	"ams_fields_c_na": "the AMS has no c= and was signed relaxed; RFC 8617 §4.1.2 gives the AMS DKIM's " +
		"semantics, whose default is simple/simple (RFC 6376 §3.5), so its header hash does not match",
}

// TestARCValidationSuite runs the ValiMail validation tests: each message's
// chain must validate to the expected cv.
func TestARCValidationSuite(t *testing.T) {
	suites := loadARCSuite(t, "arc-draft-validation-tests.yml")
	passed, total := 0, 0
	srv := resolvertest.New(t, "")
	for _, s := range suites {
		serveTXT(t, srv, s.TXTRecords)
		v := &ARCVerifier{Resolver: uncached(srv)}
		for name, c := range s.Tests {
			total++
			ok := t.Run(name, func(t *testing.T) {
				res, err := v.Verify(context.Background(), strings.NewReader(c.Message))
				if err != nil {
					t.Fatalf("%s: Verify: %v", c.Description, err)
				}
				want := Status(strings.ToLower(strings.TrimSpace(c.CV)))
				if want == "" {
					// Three tests (cv_fail_i1_as_cv_fail, cv_fail_i2_as2_fail,
					// cv_fail_i2_as1_fail) leave cv empty: their newest or an
					// older seal says cv=fail, which RFC 8617 §5.2 step 2 and
					// §4.1.3 make a failed chain.
					want = Fail
				}
				reason, known := knownARCFailures[name]
				switch {
				case res.Status != want && known:
					t.Skipf("known failure: cv=%s, suite wants %s: %s", res.Status, want, reason)
				case res.Status != want:
					t.Errorf("%s: cv=%s, want %s (err: %v)", c.Description, res.Status, want, res.Err)
				case known:
					t.Errorf("listed as a known failure but passes now: remove it from knownARCFailures")
				}
			})
			if _, known := knownARCFailures[name]; ok && !known {
				passed++
			}
		}
	}
	t.Logf("ARC validation suite: %d passed of %d (%d known failures listed)", passed, total, len(knownARCFailures))
}

// TestARCSignSuite runs the ValiMail signing tests: sealing with the
// suite's key and timestamp must produce the expected ARC set; RSA
// signatures are deterministic, so b= must match exactly.
func TestARCSignSuite(t *testing.T) {
	suites := loadARCSuite(t, "arc-draft-sign-tests.yml")
	passed, total := 0, 0
	srv := resolvertest.New(t, "")
	for _, s := range suites {
		key, err := ParsePrivateKey([]byte(s.PrivateKey))
		if err != nil {
			t.Fatalf("%s: key: %v", s.Description, err)
		}
		serveTXT(t, srv, s.TXTRecords)
		for name, c := range s.Tests {
			total++
			ok := t.Run(name, func(t *testing.T) {
				sealer := &ARCSealer{
					Domain: s.Domain, Selector: s.Sel, Signer: key, AuthServID: c.SrvID,
					Headers: strings.Split(c.SigHeaders, ":"),
					now:     func() time.Time { return time.Unix(c.T, 0) },
				}
				set, err := sealer.Seal(context.Background(), strings.NewReader(c.Message))
				if strings.TrimSpace(c.AS) == "" {
					if !errors.Is(err, ErrARCChainFailed) {
						t.Fatalf("%s: want no ARC set (ErrARCChainFailed), got %q, %v", c.Description, set, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s: Seal: %v", c.Description, err)
				}
				h, err := readHeader(newBufReader(set), 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, f := range h.fields {
					_, v, _ := strings.Cut(f.raw, ":")
					got[strings.ToLower(f.name)] = v
				}
				compareTags(t, "ARC-Seal", got["arc-seal"], c.AS)
				compareTags(t, "ARC-Message-Signature", got["arc-message-signature"], c.AMS)
				if g, w := strings.Join(strings.Fields(got["arc-authentication-results"]), " "), strings.Join(strings.Fields(c.AAR), " "); g != w {
					t.Errorf("ARC-Authentication-Results:\n got %s\nwant %s", g, w)
				}
				// What was sealed must validate.
				v := &ARCVerifier{Resolver: uncached(srv)}
				res, err := v.Verify(context.Background(), strings.NewReader(strings.ReplaceAll(set, "\r\n", "\n")+c.Message))
				if err != nil {
					t.Fatal(err)
				}
				if want := Pass; !strings.Contains(c.AS, "cv=fail") && res.Status != want {
					t.Errorf("sealed message validates as %s (%v), want %s", res.Status, res.Err, want)
				}
			})
			if ok {
				passed++
			}
		}
	}
	t.Logf("ARC sign suite: %d passed of %d", passed, total)
}

// compareTags checks that got has the tags of want with the same values,
// whitespace aside.
func compareTags(t *testing.T, what, got, want string) {
	t.Helper()
	gt, err := parseTags(got)
	if err != nil {
		t.Errorf("%s: %v in %q", what, err, got)
		return
	}
	wt, err := parseTags(want)
	if err != nil {
		t.Fatalf("%s: expected value: %v", what, err)
	}
	if len(gt) != len(wt) {
		t.Errorf("%s: got tags %q, want %q", what, got, want)
	}
	for _, w := range wt {
		g, ok := tagValue(gt, w.name)
		if !ok {
			t.Errorf("%s: no %s= tag", what, w.name)
		} else if removeWSP(g) != removeWSP(w.value) {
			t.Errorf("%s: %s=%s, want %s", what, w.name, removeWSP(g), removeWSP(w.value))
		}
	}
}
