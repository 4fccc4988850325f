package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/csv"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/internal/dovecottest"
)

// dovecot is a private Dovecot (IMAP and POP3) on loopback: its own
// configuration, a user "bounces" with a Maildir the test fills, and a
// certificate from a CA of the test's own.
type dovecot struct {
	dir                      string
	imap, imaps, pop3, pop3s int
	ca                       string // the CA certificate's file
	maildir                  string
}

const (
	dovecotUser     = "bounces"
	dovecotPassword = "correct horse battery staple"
	mailUID         = 65534 // nobody: Dovecot's mail processes run as it
)

func startDovecot(t *testing.T) *dovecot {
	t.Helper()
	if _, err := os.Stat(dovecottest.Bin); err != nil {
		t.Skip("Dovecot not installed (Debian packages dovecot-imapd and dovecot-pop3d): skipping")
	}
	if os.Geteuid() != 0 {
		t.Skip("starting a Dovecot instance needs root")
	}
	// Not t.TempDir: Dovecot's unprivileged processes must reach it.
	dir, err := os.MkdirTemp("", "mxkit-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	d := &dovecot{dir: dir, imap: freePort(t), imaps: freePort(t), pop3: freePort(t), pop3s: freePort(t)}
	d.ca = writeTestPKI(t, dir)
	home := filepath.Join(dir, "home", dovecotUser)
	d.maildir = filepath.Join(home, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(d.maildir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d.chown(t)
	write(t, filepath.Join(dir, "passwd"), dovecotUser+":{PLAIN}"+dovecotPassword+"::::::\n")
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = mxkit-test-%[2]d
log_path = %[1]s/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = required
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[7]d gid=%[7]d home=%[1]s/home/%%u
}
mail_location = maildir:~/Maildir
first_valid_uid = 1
first_valid_gid = 1
default_login_user = dovenull
default_internal_user = dovecot
pop3_uidl_format = %%08Xu%%08Xv
service imap-login {
  inet_listener imap {
    port = %[3]d
  }
  inet_listener imaps {
    port = %[4]d
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = %[5]d
  }
  inet_listener pop3s {
    port = %[6]d
    ssl = yes
  }
}
`, dir, d.imap, d.imap, d.imaps, d.pop3, d.pop3s, mailUID)
	confFile := filepath.Join(dir, "dovecot.conf")
	write(t, confFile, conf)
	if err := dovecottest.Start(t, confFile, filepath.Join(dir, "dovecot.log"), d.imap, d.imaps, d.pop3, d.pop3s); errors.Is(err, dovecottest.ErrNotStarted) {
		t.Skip(err)
	} else if err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *dovecot) log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	return string(b)
}

func (d *dovecot) chown(t *testing.T) {
	t.Helper()
	home := filepath.Join(d.dir, "home")
	if err := filepath.Walk(home, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, mailUID, mailUID)
	}); err != nil {
		t.Fatal(err)
	}
}

// deliver puts messages into the Maildir's new/, as a delivery agent does.
func (d *dovecot) deliver(t *testing.T, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		name := fmt.Sprintf("%d.M%dP%d.test", time.Now().UnixNano(), len(m), os.Getpid())
		write(t, filepath.Join(d.maildir, "new", name), strings.ReplaceAll(strings.ReplaceAll(m, "\r\n", "\n"), "\n", "\r\n"))
	}
	d.chown(t)
}

// count returns the number of messages in a folder of the Maildir ("" is
// INBOX; Maildir++ keeps others in ".Name").
func (d *dovecot) count(t *testing.T, folder string) int {
	t.Helper()
	dir := d.maildir
	if folder != "" {
		dir = filepath.Join(dir, "."+folder)
	}
	n := 0
	for _, sub := range []string{"cur", "new"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		n += len(entries)
	}
	return n
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// writeTestPKI writes a CA and a certificate for 127.0.0.1 and localhost
// signed by it (cert.pem, key.pem), and returns the CA's file.
func writeTestPKI(t *testing.T, dir string) string {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mxkit test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	write(t, filepath.Join(dir, "cert.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, filepath.Join(dir, "key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	caFile := filepath.Join(dir, "ca.pem")
	write(t, caFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))
	return caFile
}

// runRemote runs the command with the test's password and returns the
// CSV rows and standard error.
func runRemote(t *testing.T, args ...string) ([][]string, string, error) {
	t.Helper()
	t.Setenv("BOUNCES_PASSWORD", dovecotPassword)
	var out, errw bytes.Buffer
	err := run(context.Background(), args, &out, &errw)
	if err != nil {
		return nil, errw.String(), err
	}
	recs, cerr := csv.NewReader(&out).ReadAll()
	if cerr != nil || len(recs) == 0 {
		t.Fatalf("output is not CSV with a header: %v\n%s", cerr, out.String())
	}
	return recs[1:], errw.String(), nil
}

// read runs the command with the test's password and returns the CSV
// rows; it fails the test if the command fails.
func (d *dovecot) read(t *testing.T, args ...string) [][]string {
	t.Helper()
	rows, stderr, err := runRemote(t, args...)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, stderr, d.log())
	}
	return rows
}

// TestIMAP reads the mailbox over IMAPS and over IMAP with STARTTLS:
// classified once, recorded, then moved or deleted; a message recorded
// but not moved (a crash in between) is moved the next time without a
// second row.
func TestIMAP(t *testing.T) {
	d := startDovecot(t)
	state := filepath.Join(t.TempDir(), "state")
	suppress := filepath.Join(t.TempDir(), "suppress.txt")
	imaps := fmt.Sprintf("imaps://%s@127.0.0.1:%d/INBOX", dovecotUser, d.imaps)
	base := []string{"-ca", d.ca, "-state", state, "-suppress", suppress}
	d.deliver(t, messages...)

	// Recorded but kept: as if the process died before the move.
	rows := d.read(t, append(base, "-after", "keep", "-imap", imaps)...)
	checkRemoteRows(t, rows, "imaps://bounces@127.0.0.1")
	if got := readFile(t, suppress); got != wantSuppress {
		t.Errorf("suppression list %q, want %q", got, wantSuppress)
	}
	if n := d.count(t, ""); n != len(messages) {
		t.Errorf("INBOX has %d messages after -after keep, want %d", n, len(messages))
	}
	// The next pass moves them, and writes no row twice.
	rows = d.read(t, append(base, "-after", "move:Processed", "-imap", imaps)...)
	if len(rows) != 0 {
		t.Errorf("recorded messages classified again: %q", rows)
	}
	if n, m := d.count(t, ""), d.count(t, "Processed"); n != 0 || m != len(messages) {
		t.Errorf("INBOX %d, Processed %d; want 0 and %d\n%s", n, m, len(messages), d.log())
	}

	// A new message, over STARTTLS, deleted once recorded.
	d.deliver(t, postfixDSN)
	imap := fmt.Sprintf("imap://%s@127.0.0.1:%d/INBOX", dovecotUser, d.imap)
	rows = d.read(t, append(base, "-after", "delete", "-imap", imap)...)
	// postfixDSN is messages[0]: its key is recorded already.
	if len(rows) != 0 || d.count(t, "") != 0 {
		t.Errorf("the same DSN again: rows %q, INBOX %d", rows, d.count(t, ""))
	}
	other := strings.Replace(postfixDSN, "<20261123100000.4F1A2B3C4D@mail.shop.example>", "<another@mail.shop.example>", 1)
	d.deliver(t, other)
	rows = d.read(t, append(base, "-after", "delete", "-imap", imap)...)
	if len(rows) != 1 || rows[0][2] != "alice@customers.example" || rows[0][8] != "another@mail.shop.example" || d.count(t, "") != 0 {
		t.Errorf("new DSN: rows %q, INBOX %d", rows, d.count(t, ""))
	}
}

// checkRemoteRows checks the rows of the test messages read from a server.
func checkRemoteRows(t *testing.T, rows [][]string, prefix string) {
	t.Helper()
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(rows), len(want), rows)
	}
	got := map[string]bool{}
	for _, r := range rows {
		if !strings.HasPrefix(r[0], prefix) {
			t.Errorf("row names %q, want %s#ID", r[0], prefix)
		}
		got[strings.Join(r[1:7], "|")] = true
	}
	for _, w := range want {
		if !got[strings.Join(w, "|")] {
			t.Errorf("no row %q among %q", w, rows)
		}
	}
}

// TestPOP3 reads the maildrop over POP3S and POP3 with STLS, deleting what
// was recorded.
func TestPOP3(t *testing.T) {
	d := startDovecot(t)
	state := filepath.Join(t.TempDir(), "state")
	base := []string{"-ca", d.ca, "-state", state}
	d.deliver(t, messages...)
	pop3s := fmt.Sprintf("pop3s://%s@127.0.0.1:%d", dovecotUser, d.pop3s)
	rows := d.read(t, append(base, "-after", "keep", "-pop3", pop3s)...)
	checkRemoteRows(t, rows, "pop3s://bounces@127.0.0.1")
	if d.count(t, "") != len(messages) {
		t.Errorf("maildrop has %d messages after -after keep", d.count(t, ""))
	}
	pop3 := fmt.Sprintf("pop3://%s@127.0.0.1:%d", dovecotUser, d.pop3)
	rows = d.read(t, append(base, "-after", "delete", "-pop3", pop3)...)
	if len(rows) != 0 || d.count(t, "") != 0 {
		t.Errorf("second pass: rows %q, maildrop %d", rows, d.count(t, ""))
	}
}

// TestRemoteRefusals: an unknown CA, a wrong password, a password in the
// URL, move with POP3 and no -state are all errors, and nothing is
// deleted.
func TestRemoteRefusals(t *testing.T) {
	d := startDovecot(t)
	d.deliver(t, postfixDSN)
	state := filepath.Join(t.TempDir(), "state")
	imaps := fmt.Sprintf("imaps://%s@127.0.0.1:%d/INBOX", dovecotUser, d.imaps)
	pop3s := fmt.Sprintf("pop3s://%s@127.0.0.1:%d", dovecotUser, d.pop3s)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"system roots", []string{"-state", state, "-after", "delete", "-imap", imaps}, "certificate"},
		{"pop3 system roots", []string{"-state", state, "-after", "delete", "-pop3", pop3s}, "certificate"},
		{"no state", []string{"-ca", d.ca, "-imap", imaps}, "-state"},
		{"pop3 move", []string{"-ca", d.ca, "-state", state, "-after", "move:X", "-pop3", pop3s}, "IMAP"},
		{"password in URL", []string{"-ca", d.ca, "-state", state, "-imap", strings.Replace(imaps, "@", ":pw@", 1)}, "BOUNCES_PASSWORD"},
	} {
		_, stderr, err := runRemote(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %q\n%s", tc.name, err, tc.want, stderr)
		}
	}
	t.Setenv("BOUNCES_PASSWORD", "wrong")
	var out, errw bytes.Buffer
	if err := run(context.Background(), []string{"-ca", d.ca, "-state", state, "-after", "delete", "-imap", imaps}, &out, &errw); err == nil {
		t.Error("wrong password: no error")
	}
	if d.count(t, "") != 1 {
		t.Errorf("a refused run changed the mailbox: %d messages", d.count(t, ""))
	}
}
