package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	msgauth "github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"
	"github.com/mxkit/mxkit/dmarc"
	"github.com/mxkit/mxkit/spf"
)

// TestInit writes a configuration with mta -init, starts an MTA from it
// and sends through it: the message arrives signed with both keys, and
// go-msgauth verifies the signatures against the records of dns.txt as a
// DNS zone parser reads them. Nothing is overwritten.
func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "etc")
	var out bytes.Buffer
	if err := initConfig(dir, "Init.Example", "mta.init.example", &out); err != nil {
		t.Fatal(err)
	}
	for file, mode := range map[string]os.FileMode{"mta.json": 0o600, "dns.txt": 0o644} {
		fi, err := os.Stat(filepath.Join(dir, file))
		if err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: %v, mode %v; want %v", file, err, fi.Mode().Perm(), mode)
		}
	}
	keys, _ := filepath.Glob(filepath.Join(dir, "dkim", "init.example", "*.pem"))
	if len(keys) != 2 {
		t.Fatalf("keys %v: want an Ed25519 and an RSA key", keys)
	}
	cfg, err := LoadConfig(filepath.Join(dir, "mta.json"))
	if err != nil {
		t.Fatalf("the configuration written does not load: %v", err)
	}
	if !cfg.DKIM.Require || cfg.Queue.Dir != filepath.Join(dir, "queue") || cfg.MailLog.File != filepath.Join(dir, "mail.log") ||
		len(cfg.Admin.Tokens) != 1 || len(cfg.HTTP.APITokens) != 1 || len(cfg.SMTP.Users) != 1 || cfg.Hostname != "mta.init.example" {
		t.Errorf("configuration %+v", cfg)
	}
	tokens := []string{cfg.Admin.Tokens[0], cfg.HTTP.APITokens[0], cfg.SMTP.Users[0].APITokens[0]}
	for _, tok := range tokens {
		if len(tok) < 40 {
			t.Errorf("token %q: want 32 random bytes", tok)
		}
	}
	if u := slices.Compact(slices.Sorted(slices.Values(tokens))); len(u) != 3 {
		t.Error("tokens repeat")
	}
	if !strings.Contains(out.String(), "dns.txt") || !strings.Contains(out.String(), "_dmarc.init.example.") {
		t.Errorf("output does not show the records:\n%s", out.String())
	}

	// dns.txt as a DNS server would load it.
	txt := map[string][]string{}
	zone, _ := os.ReadFile(filepath.Join(dir, "dns.txt"))
	zp := dns.NewZoneParser(bytes.NewReader(zone), "", "dns.txt")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if t, ok := rr.(*dns.TXT); ok {
			txt[strings.ToLower(strings.TrimSuffix(t.Hdr.Name, "."))] = append(txt[strings.ToLower(strings.TrimSuffix(t.Hdr.Name, "."))], strings.Join(t.Txt, ""))
		}
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("dns.txt is not a zone file: %v", err)
	}
	if s := txt["init.example"]; len(s) != 1 {
		t.Errorf("SPF records %q", s)
	} else if _, err := spf.Parse(s[0]); err != nil {
		t.Errorf("SPF record %q: %v", s[0], err)
	}
	if s := txt["_dmarc.init.example"]; len(s) != 1 {
		t.Errorf("DMARC records %q", s)
	} else if _, err := dmarc.Parse(s[0]); err != nil {
		t.Errorf("DMARC record %q: %v", s[0], err)
	}

	// An MTA from it, on loopback ports of the test's, delivering into
	// the recorder.
	w := newWorld(t)
	if err := w.dns.Add("init.example. IN MX 10 mx.shop.example.\n"); err != nil {
		t.Fatal(err)
	}
	cfg.SMTP.Listen, cfg.HTTP.Listen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Delivery.DNSServers, cfg.Delivery.MXPort = []string{w.dns.Addr()}, w.rec.port
	m := startMTA(t, cfg)
	code, body := post(t, m, "/api/send", bearer(cfg.SMTP.Users[0].APITokens[0]), sendJSON(map[string]any{
		"from": "hello@init.example", "to": []string{"ann@customers.example"}, "subject": "from init", "text": "Hello."}))
	if code != 202 {
		t.Fatalf("send as the user of -init: %d %v", code, body)
	}
	waitFor(t, "the delivery", func() bool { return len(w.rec.messages()) == 1 })
	verifs, err := msgauth.VerifyWithOptions(bytes.NewReader(w.rec.messages()[0].data), &msgauth.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) { return txt[strings.ToLower(strings.TrimSuffix(name, "."))], nil },
	})
	if err != nil || len(verifs) != 2 {
		t.Fatalf("go-msgauth: %v, %d signatures; want 2", err, len(verifs))
	}
	for _, v := range verifs {
		if v.Err != nil || v.Domain != "init.example" {
			t.Errorf("go-msgauth: signature of %s: %v", v.Domain, v.Err)
		}
	}
	// Unsigned mail is refused, as dkim.require says.
	if code, _ := post(t, m, "/api/send", bearer(cfg.HTTP.APITokens[0]), sendJSON(map[string]any{
		"from": "x@other.example", "to": []string{"ann@customers.example"}, "subject": "s", "text": "t"})); code != 403 {
		t.Errorf("unsigned mail under the -init configuration: %d, want 403", code)
	}

	// Nothing is overwritten; bad names are refused.
	before, _ := os.ReadFile(filepath.Join(dir, "mta.json"))
	if err := initConfig(dir, "init.example", "mta.init.example", &out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second -init into the same directory: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "mta.json")); !bytes.Equal(before, after) {
		t.Error("mta.json was overwritten")
	}
	for _, tc := range [][2]string{{"", "h.example"}, {"localhost", "h.example"}, {"[192.0.2.1]", "h.example"}, {"a b", "h.example"}, {"ok.example", "bad host"}} {
		if err := initConfig(t.TempDir(), tc[0], tc[1], &out); err == nil {
			t.Errorf("-init -domain %q -hostname %q: no error", tc[0], tc[1])
		}
	}
}
