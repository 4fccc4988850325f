package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/examples/internal/sink"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const zone = `
shop.example.           IN TXT "v=spf1 ip4:127.0.0.0/8 -all"
_dmarc.shop.example.    IN TXT "v=DMARC1; p=reject"
customers.example.      IN MX 10 mx.customers.example.
mx.customers.example.   IN A 127.0.0.1
`

// setup starts the DNS zone with the public key of a new key of keyType
// published under selector s1, and a checking sink as the MX. It sets the
// environment send reads and returns the flags that point it at loopback.
func setup(t *testing.T, keyType string) (*sink.Server, []string) {
	t.Helper()
	key, err := dkim.GenerateKey(keyType)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := dkim.MarshalPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(keyFile, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	txt, err := dkim.TXTRecord(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	dns := resolvertest.New(t, zone+fmt.Sprintf("s1._domainkey.shop.example. IN TXT \"%s\"\n", strings.Join(txt, `" "`)))
	snk, err := sink.Start(dns.Client(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snk.Close() })
	t.Setenv("MAIL_FROM", "orders@shop.example")
	t.Setenv("MAIL_HOSTNAME", "mail.shop.example")
	t.Setenv("DKIM_KEY_FILE", keyFile)
	t.Setenv("DKIM_SELECTOR", "s1")
	_, port, _ := strings.Cut(snk.Addr, ":")
	return snk, []string{"-dns", dns.Addr(), "-mx-port", port}
}

// TestSendPassesDKIM sends to two recipients with a PDF attached; the sink
// checks SPF, DKIM and DMARC like a receiving MTA, with each key type.
func TestSendPassesDKIM(t *testing.T) {
	pdf := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, keyType := range []string{"ed25519", "rsa"} {
		t.Run(keyType, func(t *testing.T) {
			snk, flags := setup(t, keyType)
			var out, errw bytes.Buffer
			if err := run(context.Background(), append(flags, "-attach", pdf, "alice@customers.example", "bob@customers.example"), &out, &errw); err != nil {
				t.Fatalf("run: %v\nstderr: %s", err, errw.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "alice@customers.example\tdelivered\tmx.customers.example [127.0.0.1]") ||
				!strings.HasPrefix(lines[1], "bob@customers.example\tdelivered\t") {
				t.Errorf("output %q does not report delivery of both to mx.customers.example", out.String())
			}
			st := snk.Stats()
			if st.Messages != 1 || st.Recipients != 2 || st.DKIM["pass"] != 1 || st.SPF["pass"] != 1 || st.DMARC["pass"] != 1 {
				t.Errorf("sink saw %d messages for %d recipients, SPF %v, DKIM %v, DMARC %v; want one message for two passing all three",
					st.Messages, st.Recipients, st.SPF, st.DKIM, st.DMARC)
			}
		})
	}
}

// TestSendRefusedRecipient checks that a refusal is printed and returned
// as the SMTP error (the exit code is then non-zero).
func TestSendRefusedRecipient(t *testing.T) {
	snk, flags := setup(t, "ed25519")
	var out, errw bytes.Buffer
	err := run(context.Background(), append(flags, "unknown1@customers.example"), &out, &errw)
	var o *delivery.Outcome
	if !errors.As(err, &o) || o.Code != 550 || o.Status != delivery.Failed || o.Stage != delivery.StageRcpt {
		t.Fatalf("run returned %v, want a failed outcome with the 550 to RCPT", err)
	}
	if !strings.Contains(out.String(), "unknown1@customers.example\tfailed\t") || !strings.Contains(out.String(), "5.1.1") {
		t.Errorf("output %q does not report the 5.1.1 failure", out.String())
	}
	if st := snk.Stats(); st.Messages != 0 || st.Refused != 1 {
		t.Errorf("sink accepted %d messages and refused %d recipients; want 0 and 1", st.Messages, st.Refused)
	}
}

// TestSendBadInput checks the failures that come before any connection.
func TestSendBadInput(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		rcpt    string
		wantErr string
	}{
		{"missing key file", map[string]string{"DKIM_KEY_FILE": "/nonexistent/dkim.pem"}, "alice@customers.example", "DKIM_KEY_FILE"},
		{"key file not PEM", map[string]string{"DKIM_KEY_FILE": "main.go"}, "alice@customers.example", "dkim"},
		{"empty recipient", nil, "", "To: missing"},
		{"EHLO name not fully qualified", map[string]string{"MAIL_HOSTNAME": "vm"}, "alice@customers.example", "not a fully qualified domain name"},
		{"attachment missing", nil, "-attach=/nonexistent/invoice.pdf", "no such file"},
		{"CR LF in the recipient", nil, "alice@customers.example\r\nBcc: eve@evil.example", "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snk, flags := setup(t, "ed25519")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errw bytes.Buffer
			args := append(flags, tt.rcpt)
			if strings.HasPrefix(tt.rcpt, "-") {
				args = append(flags, tt.rcpt, "alice@customers.example")
			}
			err := run(context.Background(), args, &out, &errw)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run returned %v, want an error mentioning %q", err, tt.wantErr)
			}
			if st := snk.Stats(); st.Messages != 0 {
				t.Errorf("sink received %d messages, want none", st.Messages)
			}
		})
	}
}
