package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxkit/mxkit/address"
	"github.com/mxkit/mxkit/dkim"
)

// initConfig writes into dir a configuration to start from, for mail from
// domain sent by this host (hostname; default the system's name):
//
//	mta.json      listeners on loopback, a queue in dir/queue, the mail log
//	              in dir/mail.log, dkim.require, random tokens (mode 0600)
//	dkim/<domain>/<selector>.pem   an Ed25519 and an RSA-2048 key (RFC 8463:
//	              receivers that do not verify Ed25519 still check the RSA one)
//	dns.txt       the records to publish: the DKIM keys, SPF and DMARC
//
// Nothing is overwritten: a file that exists stops it.
func initConfig(dir, domain, hostname string, out io.Writer) error {
	if domain == "" {
		return errors.New("-domain: the domain mail is sent from is required")
	}
	d, err := address.ParseDomain(domain)
	if err != nil || d.Literal().IsValid() || d.IsSingleLabel() {
		return fmt.Errorf("-domain %q: not a mail domain", domain)
	}
	if hostname == "" {
		if hostname, err = os.Hostname(); err != nil {
			return errors.New("-hostname: not given, and the system has none")
		}
	}
	h, err := address.ParseDomain(hostname)
	if err != nil || h.Literal().IsValid() {
		return fmt.Errorf("-hostname %q: not a host name", hostname)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	keyDir := filepath.Join(dir, "dkim", d.ASCII())
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		return err
	}
	cfgFile, dnsFile := filepath.Join(dir, "mta.json"), filepath.Join(dir, "dns.txt")
	for _, f := range []string{cfgFile, dnsFile} {
		if _, err := os.Stat(f); err == nil {
			return fmt.Errorf("%s exists: not overwritten", f)
		}
	}

	// Selectors name the month, so that the next key's name is known
	// when it is time to rotate.
	month := time.Now().UTC().Format("200601")
	var records bytes.Buffer
	fmt.Fprintf(&records, "; DNS records for %s, written by mta -init. Publish them before sending.\n;\n", d.ASCII())
	fmt.Fprintf(&records, "; DKIM public keys (RFC 6376 §3.6.1; RFC 8463 for Ed25519); the private keys are in %s.\n", keyDir)
	for _, k := range []struct{ typ, selector string }{{"ed25519", "ed" + month}, {"rsa", "rsa" + month}} {
		key, err := dkim.GenerateKey(k.typ)
		if err != nil {
			return err
		}
		pem, err := dkim.MarshalPrivateKey(key)
		if err != nil {
			return err
		}
		if err := writeNew(filepath.Join(keyDir, k.selector+".pem"), pem, 0o600); err != nil {
			return err
		}
		txt, err := dkim.TXTRecord(key.Public())
		if err != nil {
			return err
		}
		fmt.Fprintf(&records, "%s._domainkey.%s. IN TXT \"%s\"\n", k.selector, d.ASCII(), strings.Join(txt, `" "`))
	}
	fmt.Fprintf(&records, `;
; SPF (RFC 7208): the addresses this MTA sends from. "a:%[2]s" covers
; them if %[2]s's A and AAAA records are those addresses; else list them
; as ip4:/ip6:. Add the other services that send for %[1]s, then make
; ~all (softfail) -all.
%[1]s. IN TXT "v=spf1 a:%[2]s ~all"
;
; DMARC (RFC 7489): start with p=none and read the reports, then move to
; p=quarantine or p=reject.
_dmarc.%[1]s. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@%[1]s"
;
; Reverse DNS: each sending address's PTR record should name %[2]s,
; and %[2]s should resolve to it (forward-confirmed reverse DNS).
`, d.ASCII(), h.ASCII())

	token := func() string {
		b := make([]byte, 32)
		rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	cfg := fmt.Sprintf(`{
  "hostname": %s,
  "smtp": {
    "listen": "127.0.0.1:10587",
    "trusted_networks": ["127.0.0.0/8", "::1"],
    "users": [
      {"username": "app", "from": [%s], "api_tokens": [%s]}
    ]
  },
  "http": {
    "listen": "127.0.0.1:8025",
    "api_tokens": [%s]
  },
  "admin": {
    "tokens": [%s]
  },
  "queue": {
    "dir": %s
  },
  "dkim": {
    "dir": %s,
    "require": true
  },
  "maillog": {
    "file": %s
  },
  "log": {"level": "info", "format": "text"}
}
`, q(h.ASCII()), q("@"+d.ASCII()), q(token()), q(token()), q(token()),
		q(filepath.Join(dir, "queue")), q(filepath.Join(dir, "dkim")), q(filepath.Join(dir, "mail.log")))
	if _, err := ParseConfig([]byte(cfg)); err != nil {
		return fmt.Errorf("the configuration written would not load: %w", err)
	}
	if err := writeNew(cfgFile, []byte(cfg), 0o600); err != nil {
		return err
	}
	if err := writeNew(dnsFile, records.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, `Wrote %s (mode 0600: it holds the tokens),
      %s/{ed%s,rsa%s}.pem (the DKIM keys),
      %s (the DNS records to publish):

%s
Next:
  1. Publish the records above (dns.txt), then check them:
       go run ./examples/domaincheck -selector ed%s,rsa%s %s
  2. Start the MTA:   mta -config %s
     It listens for submission on 127.0.0.1:10587 (trusted: loopback) and
     for the API on 127.0.0.1:8025; user "app" sends as @%s with its token.
  3. See its queue:   mta -config %s queue list
`, cfgFile, keyDir, month, month, dnsFile, records.String(), month, month, d.ASCII(), cfgFile, d.ASCII(), cfgFile)
	return nil
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists: not overwritten", path)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
