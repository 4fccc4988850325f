package smtpclient

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/internal/postfixtest"

	"github.com/mxkit/mxkit/delivery"
)

// postfix is a real Postfix instance (master, smtpd, cleanup, qmgr,
// discard) on a loopback port, with STARTTLS using the test CA's
// certificate. Mail to any domain is accepted and discarded.
type postfix struct {
	dir  string
	port int
}

func startPostfix(t *testing.T) *postfix {
	t.Helper()
	bin, dir := postfixtest.TempDir(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	p := pkiOnce()
	keyDER, err := x509.MarshalPKCS8PrivateKey(p.cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("cert.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.cert.Certificate[0]})))
	write("key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	os.Chmod(filepath.Join(dir, "key.pem"), 0o600)
	for _, d := range []string{"conf", "queue", "data"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
	}
	exec.Command("chown", "postfix", filepath.Join(dir, "data")).Run()
	write("conf/main.cf", fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx1.example.test
mydestination =
relay_domains = static:ALL
default_transport = discard
relay_transport = discard
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
maillog_file_prefixes = %[1]s
maillog_file = %[1]s/maillog
smtpd_tls_security_level = may
smtpd_tls_cert_file = %[1]s/cert.pem
smtpd_tls_key_file = %[1]s/key.pem
smtputf8_enable = yes
`, dir))
	write("conf/master.cf", fmt.Sprintf(`127.0.0.1:%d inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`, port))
	conf := filepath.Join(dir, "conf")
	if out, err := exec.Command(bin, "-c", conf, "start").CombinedOutput(); err != nil {
		t.Skipf("cannot start Postfix: %v: %s", err, out)
	}
	pf := &postfix{dir: dir, port: port}
	t.Cleanup(func() {
		exec.Command(bin, "-c", conf, "stop").Run()
		pidFile := filepath.Join(dir, "queue", "pid", "master.pid")
		for i := 0; i < 100; i++ {
			b, err := os.ReadFile(pidFile)
			if err != nil {
				break
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			if pid == 0 || exec.Command("kill", "-0", strconv.Itoa(pid)).Run() != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			break
		}
		if i > 200 {
			t.Fatalf("Postfix did not listen: %v", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	return pf
}

var queuedAs = regexp.MustCompile(`queued as ([0-9A-Za-z]+)`)

// waitSent waits for the log line saying Postfix delivered the queue id in
// reply to rcpt (to its discard transport).
func (pf *postfix) waitSent(t *testing.T, reply, rcpt string) {
	t.Helper()
	m := queuedAs.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("no queue id in the final reply %q", reply)
	}
	want := m[1] + ": to=<" + rcpt + ">"
	for i := 0; i < 200; i++ {
		b, _ := os.ReadFile(filepath.Join(pf.dir, "maillog"))
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, want) && strings.Contains(l, "status=sent") {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Errorf("Postfix did not log %q as sent", want)
}

func TestPostfixSTARTTLS(t *testing.T) {
	pf := startPostfix(t)
	big := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n.dot\r\n", 20000) // ~1.2 MB
	for _, chunking := range []bool{true, false} {
		t.Run(fmt.Sprintf("chunking=%v", chunking), func(t *testing.T) {
			m := &countingMetrics{}
			tr := &Transport{Host: "localhost", Port: pf.port, TLSConfig: clientTLS(), DisableChunking: !chunking, Metrics: m}
			defer tr.Close()
			for _, body := range []string{testMsg, big} {
				env := Envelope{From: "a@x.org", To: []string{"b@example.com", "c@example.net"},
					DSN: &DSN{Notify: []string{"FAILURE"}, EnvID: "e1"}}
				res, err := tr.Send(context.Background(), env, strings.NewReader(body))
				mustDelivered(t, res, err)
				if !res.TLS {
					t.Error("no TLS with Postfix")
				}
				pf.waitSent(t, res.Reply, "b@example.com")
				pf.waitSent(t, res.Reply, "c@example.net")
			}
			res, err := tr.Send(context.Background(), Envelope{From: "jöran@exämple.de", To: []string{"b@example.com"}}, strings.NewReader("Subject: ü\r\n\r\nü\r\n"))
			mustDelivered(t, res, err)
			if m.opened != 1 || m.tlsConn != 1 || m.reused != 2 {
				t.Errorf("sessions opened %d (TLS %d), reused %d; want 1, 1, 2", m.opened, m.tlsConn, m.reused)
			}
		})
	}
	t.Run("verified with an unknown CA fails", func(t *testing.T) {
		tr := &Transport{Host: "localhost", Port: pf.port}
		defer tr.Close()
		res, err := send1(tr)
		if !errors.Is(err, ErrTLSRequired) || res.Recipients[0].Status != delivery.Deferred {
			t.Fatalf("got %v, %v", err, res.Recipients[0].Status)
		}
	})
	t.Run("REQUIRETLS not offered", func(t *testing.T) {
		tr := &Transport{Host: "localhost", Port: pf.port, TLSConfig: clientTLS()}
		defer tr.Close()
		_, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@example.com"}, RequireTLS: true}, strings.NewReader(testMsg))
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("got %v, want ErrUnsupported (Postfix 3.7 has no REQUIRETLS)", err)
		}
	})
}
