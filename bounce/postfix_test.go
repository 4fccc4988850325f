package bounce

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/internal/testenv"
)

// TestPostfixBounce has a real Postfix, running on loopback, relay messages
// to a server that refuses their recipients (550 5.1.1 and 452 4.2.2), and
// parses the DSNs Postfix sends back.
func TestPostfixBounce(t *testing.T) {
	postfix := testenv.Program(t, "/usr/sbin/postfix", "postfix")
	if os.Geteuid() != 0 {
		t.Skip("starting a Postfix instance needs root")
	}
	if testing.Short() {
		t.Skip("starts Postfix")
	}

	// The remote server refuses the recipients, one for good and one for
	// now; the catcher receives the bounces addressed to the sender.
	remote := serveSMTP(t, func(rcpt string) error {
		if strings.HasPrefix(rcpt, "full@") {
			return &gosmtp.SMTPError{Code: 452, EnhancedCode: gosmtp.EnhancedCode{4, 2, 2},
				Message: "<" + rcpt + ">: Mailbox full, try again later"}
		}
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1},
			Message: "<" + rcpt + ">: Recipient address rejected: User unknown in local recipient table"}
	}, nil)
	bounces := make(chan []byte, 2)
	catcher := serveSMTP(t, func(string) error { return nil }, bounces)

	dir, err := os.MkdirTemp("", "mxkit-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"etc", "queue", "data"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("chown", "postfix", filepath.Join(dir, "data")).CombinedOutput(); err != nil {
		t.Skipf("chown postfix: %v %s", err, out)
	}
	smtpd := freePort(t)
	mainCF := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
myhostname = mta.test.example
mydomain = test.example
myorigin = $mydomain
mydestination =
local_recipient_maps =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
transport_maps = inline:{ rcpt.example=smtp:[127.0.0.1]:%[2]d, test.example=smtp:[127.0.0.1]:%[3]d }
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
`, dir, remote, catcher)
	masterCF := fmt.Sprintf("127.0.0.1:%d inet n - n - - smtpd\n", smtpd)
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
	etc := filepath.Join(dir, "etc")
	if err := os.WriteFile(filepath.Join(etc, "main.cf"), []byte(mainCF), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(etc, "master.cf"), []byte(masterCF), 0o644); err != nil {
		t.Fatal(err)
	}
	maillog := func() string { b, _ := os.ReadFile(filepath.Join(dir, "maillog")); return string(b) }
	if out, err := exec.Command(postfix, "-c", etc, "start").CombinedOutput(); err != nil {
		t.Skipf("postfix start: %v %s\n%s", err, out, maillog())
	}
	t.Cleanup(func() { _ = exec.Command(postfix, "-c", etc, "abort").Run() })

	addr := fmt.Sprintf("127.0.0.1:%d", smtpd)
	for i, rcpt := range []string{"user@rcpt.example", "full@rcpt.example"} {
		msg := fmt.Sprintf("From: Sender <sender@test.example>\r\nTo: <%s>\r\nSubject: spring sale\r\n"+
			"Message-ID: <send-%d@test.example>\r\nX-Campaign-ID: spring-42\r\n\r\nHello.\r\n", rcpt, i)
		var sendErr error
		for try := 0; try < 50; try++ { // the smtpd listener comes up with the master
			if sendErr = smtp.SendMail(addr, nil, "sender@test.example", []string{rcpt}, []byte(msg)); sendErr == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if sendErr != nil {
			t.Fatalf("submitting to Postfix: %v\n%s", sendErr, maillog())
		}
	}

	got := map[string]*Report{}
	for len(got) < 2 {
		select {
		case raw := <-bounces:
			rep, err := Parse(strings.NewReader(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Kind != KindDSN || len(rep.Recipients) != 1 {
				t.Fatalf("kind %v, %d recipients; want a DSN for one\n%s", rep.Kind, len(rep.Recipients), raw)
			}
			got[rep.Recipients[0].FinalRecipient] = rep
		case <-time.After(60 * time.Second):
			t.Fatalf("%d of 2 bounces from Postfix within 60s\n%s", len(got), maillog())
		}
	}
	for _, tc := range []struct {
		rcpt, status, msgID string
		reason              Reason
		hard, temporary     bool
		code                int
	}{
		{"user@rcpt.example", "5.1.1", "send-0@test.example", UserUnknown, true, false, 550},
		{"full@rcpt.example", "4.2.2", "send-1@test.example", MailboxFull, false, true, 452},
	} {
		rep := got[tc.rcpt]
		if rep == nil {
			t.Errorf("no bounce for %s", tc.rcpt)
			continue
		}
		r := rep.Recipients[0]
		if r.Action != "failed" || r.Status != tc.status || r.Reason != tc.reason || r.Hard != tc.hard ||
			r.Temporary != tc.temporary || r.Command != "RCPT" || r.ReplyCode != tc.code {
			t.Errorf("%s: recipient %+v", tc.rcpt, r)
		}
		if rep.ReportingMTA != "mta.test.example" || rep.MessageID != tc.msgID || rep.Original.Get("X-Campaign-Id") != "spring-42" {
			t.Errorf("%s: ReportingMTA %q, MessageID %q, X-Campaign-ID %q", tc.rcpt, rep.ReportingMTA, rep.MessageID, rep.Original.Get("X-Campaign-Id"))
		}
	}
}

// serveSMTP runs an SMTP server on loopback whose RCPT answer is rcpt's
// error; messages it accepts go to got. It returns the port.
func serveSMTP(t *testing.T, rcpt func(string) error, got chan<- []byte) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &testSession{rcpt: rcpt, got: got}, nil
	}))
	s.Domain = "remote.test.example"
	s.ErrorLog = nil
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { s.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

type testSession struct {
	rcpt func(string) error
	got  chan<- []byte
}

func (s *testSession) Reset()                                      {}
func (s *testSession) Logout() error                               { return nil }
func (s *testSession) Mail(string, *gosmtp.MailOptions) error      { return nil }
func (s *testSession) Rcpt(to string, _ *gosmtp.RcptOptions) error { return s.rcpt(to) }
func (s *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.got == nil {
		return errors.New("unexpected message")
	}
	select {
	case s.got <- b:
	default:
	}
	return nil
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
