// Package postfixtest runs a private Postfix instance on loopback for
// tests: its own configuration, queue and log in a temporary folder, an
// smtpd on a port of its own, and mail routed by a transport map to test
// servers. It skips the test where Postfix is not installed or the test
// does not run as root (Postfix's master must start as root).
package postfixtest

import (
	"fmt"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/internal/testenv"
)

// Config says where the instance sends mail.
type Config struct {
	// Hostname is myhostname (the Reporting-MTA of its DSNs); "" means
	// mta.test.example.
	Hostname string
	// Routes maps a recipient domain to a loopback port: mail for it is
	// relayed there over SMTP (transport_maps).
	Routes map[string]int
	// Extra lines for main.cf.
	Extra string
}

// Postfix is a running instance.
type Postfix struct {
	Dir  string // its folder: etc/, queue/, data/, maillog
	Port int    // its smtpd, on 127.0.0.1
}

// TempDir returns the postfix program and a new folder, removed when the
// test ends, that Postfix's unprivileged processes can reach (which
// t.TempDir's may not be). It skips the test where Postfix is not
// installed or the test does not run as root.
func TempDir(t testing.TB) (bin, dir string) {
	t.Helper()
	bin = testenv.Program(t, "/usr/sbin/postfix", "postfix")
	if os.Geteuid() != 0 {
		t.Skip("starting a Postfix instance needs root")
	}
	dir, err := os.MkdirTemp("", "mxkit-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, dir
}

// MasterCF returns a master.cf with an smtpd on 127.0.0.1:port and the
// services a relaying instance needs.
func MasterCF(port int) string {
	masterCF := fmt.Sprintf("127.0.0.1:%d inet n - n - - smtpd\n", port)
	for _, s := range []string{
		"pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup", "qmgr unix n - n 300 1 qmgr",
		"rewrite unix - - n - - trivial-rewrite", "bounce unix - - n - 0 bounce", "defer unix - - n - 0 bounce",
		"trace unix - - n - 0 bounce", "verify unix - - n - 1 verify", "flush unix n - n 1000? 0 flush",
		"proxymap unix - - n - - proxymap", "smtp unix - - n - - smtp", "relay unix - - n - - smtp",
		"showq unix n - n - - showq", "error unix - - n - - error", "retry unix - - n - - error",
		"discard unix - - n - - discard", "anvil unix - - n - 1 anvil", "scache unix - - n - 1 scache",
		"postlog unix-dgram n - n - 1 postlogd",
	} {
		masterCF += s + "\n"
	}
	return masterCF
}

// Start starts an instance and stops it when the test ends.
func Start(t testing.TB, cfg Config) *Postfix {
	t.Helper()
	bin, dir := TempDir(t)
	for _, d := range []string{"etc", "queue", "data"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("chown", "postfix", filepath.Join(dir, "data")).CombinedOutput(); err != nil {
		t.Skipf("chown postfix: %v %s", err, out)
	}
	p := &Postfix{Dir: dir, Port: freePort(t)}
	host := cfg.Hostname
	if host == "" {
		host = "mta.test.example"
	}
	domains := make([]string, 0, len(cfg.Routes))
	for d := range cfg.Routes {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	var routes []string
	for _, d := range domains {
		routes = append(routes, fmt.Sprintf("%s=smtp:[127.0.0.1]:%d", d, cfg.Routes[d]))
	}
	mainCF := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
myhostname = %[2]s
mydomain = test.example
myorigin = $mydomain
mydestination =
local_recipient_maps =
relay_domains =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
transport_maps = inline:{ %[3]s }
smtp_dns_support_level = disabled
maillog_file_prefixes = %[1]s
maillog_file = %[1]s/maillog
alias_maps =
alias_database =
smtputf8_enable = no
biff = no
# One try only: a temporary refusal is returned at once as a failed DSN.
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
%[4]s
`, dir, host, strings.Join(routes, ", "), cfg.Extra)
	masterCF := MasterCF(p.Port)
	etc := filepath.Join(dir, "etc")
	if err := os.WriteFile(filepath.Join(etc, "main.cf"), []byte(mainCF), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(etc, "master.cf"), []byte(masterCF), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", etc, "start").CombinedOutput(); err != nil {
		t.Skipf("postfix start: %v %s\n%s", err, out, p.Maillog())
	}
	t.Cleanup(func() { _ = exec.Command(bin, "-c", etc, "abort").Run() })
	return p
}

// Maillog returns the instance's log so far.
func (p *Postfix) Maillog() string {
	b, _ := os.ReadFile(filepath.Join(p.Dir, "maillog"))
	return string(b)
}

// Submit hands a message to the instance's smtpd, retrying while the
// listener comes up with the master.
func (p *Postfix) Submit(from string, to []string, msg []byte) error {
	addr := fmt.Sprintf("127.0.0.1:%d", p.Port)
	var err error
	for try := 0; try < 50; try++ {
		if err = smtp.SendMail(addr, nil, from, to, msg); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
