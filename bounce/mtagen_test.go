package bounce

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// The real-MTA matrix generator. Each MTA runs as a private instance (its
// own configuration, spool and log under a temporary folder, in a mount
// namespace of its own where /etc/resolv.conf names a loopback DNS
// server), relays one message per cause to the scripted receivers below,
// gives up at once (queue lifetimes of zero, or a forced queue run), and
// returns its DSN to the catcher. The DSNs are checked against mtaCauses
// here and, with MXKIT_MTA_WRITE=1, written to testdata/mta/<mta>/ for
// TestMTADSNs.
//
// The addresses (all loopback, one port):
//
//	127.0.0.1  scripted replies by recipient (rcpt.test, tls.test)
//	127.0.0.2  greets with 554 (greet.test)
//	127.0.0.3  accepts and never greets (slow.test)
//	127.0.0.4  nothing listens (closed.test)
//	127.0.0.5  the catcher, which accepts the DSNs (sender.test)
//	127.0.0.6  as 127.0.0.1, where the MTA must use TLS (tls.test)
//	127.0.0.7  as 127.0.0.1, and the catcher for sender.test (nullmailer)
//	127.0.53.1 port 53: DNS for nx.test (NXDOMAIN) and nullmx.test (MX 0 .),
//	           and the addresses above by name, for dma
//
// Exim, OpenSMTPD, Sendmail, dma, Courier and nullmailer conflict with Postfix as Debian's
// mail-transport-agent, so they are not installed but unpacked
// (.ci/mtas does it: apt-get download, dpkg-deb -x) into $MXKIT_MTA_ROOT,
// one folder each; Postfix is the system's. dma, which has no SMTP
// listener, is given its messages on a command line (submitDMA) and
// routes by the DNS alone, to port 25: the receivers answer there too
// while it runs, and the DNS names them (startMTADNS). Courier is given
// its messages through its sendmail wrapper (submitCourier), and so is
// nullmailer (submitNullmailer), which relays everything to one smart
// host: 127.0.0.7, where the receivers answer as on 127.0.0.1 and hand
// the catcher what they accept for sender.test (startMTASmarthost).
// Haraka, an npm package, is installed by .ci/mtas into
// $MXKIT_MTA_ROOT/haraka (npm install --prefix) and takes its messages
// on its SMTP listener, routing them by a plugin of its own (startHaraka).

const (
	mtaDNSAddr = "127.0.53.1:53"
	mtaSender  = "sender@sender.test"
)

// mtaEnv is what an MTA's configuration needs to know.
type mtaEnv struct {
	dir     string // private folder for configuration, spool, logs
	root    string // where the MTA's package was unpacked ("" for Postfix)
	port    int    // the receivers' port
	listen  int    // the port the MTA's own SMTP server listens on
	resolv  string // a resolv.conf naming the loopback DNS server
	timeout time.Duration
	// lmtp is the port of the Dovecot LMTP server (mtalocal_test.go),
	// 0 when it does not run.
	lmtp int
	// delay asks for an MTA that keeps retrying for a day and warns the
	// sender within seconds that the message is delayed, instead of one
	// that gives up at once.
	delay bool
}

// mtaRunner starts one MTA; it returns a function that makes it retry
// and expire what it holds (nil when it gives up by itself), and one that
// stops it.
type mtaRunner struct {
	name  string
	start func(t *testing.T, env mtaEnv) (flush func(), stop func(), err error)
	// submit hands one message for the recipients to a started MTA; nil
	// for SMTP to env.listen (mtaSubmitRcpts). An MTA with no SMTP
	// listener (dma) is given its message on a command line.
	submit func(env mtaEnv, name string, rcpts []string) error
	// mxPort, when not 0, is a port the receivers and the catcher answer
	// on too, for an MTA that sends to the port of the MX it looks up
	// and cannot be given another (dma: SMTP_PORT, 25).
	mxPort int
	// smarthost is set for an MTA that relays every message, its DSNs
	// too, to one host (nullmailer): the receivers answer on
	// mtaSmarthost as well, where they hand the catcher what they accept
	// for the sender's domain.
	smarthost bool
}

// submitTo returns how a message is handed to the MTA r started as env.
func (r mtaRunner) submitTo(env mtaEnv) func(name string, rcpts []string) error {
	if r.submit != nil {
		return func(name string, rcpts []string) error { return r.submit(env, name, rcpts) }
	}
	return func(name string, rcpts []string) error { return mtaSubmitRcpts(env.listen, name, rcpts) }
}

// TestGenerateMTADSNs runs the matrix on every MTA it finds.
func TestGenerateMTADSNs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the real-MTA matrix starts MTAs and binds 127.0.53.1:53: it needs root")
	}
	if testing.Short() {
		t.Skip("starts eight MTAs")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare (util-linux) not found")
	}
	root := os.Getenv("MXKIT_MTA_ROOT")
	port := mtaFreePort(t)
	startMTAReceivers(t, port)
	startMTADNS(t)
	bounces := startMTACatcher(t, port)
	lmtp, noLMTP := startMTALMTP(t)
	if lmtp == 0 {
		t.Logf("the LMTP causes are left out: %s", noLMTP)
	}
	resolv := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(resolv, []byte("nameserver 127.0.53.1\noptions attempts:1 timeout:2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, r := range mtaRunners {
		t.Run(r.name, func(t *testing.T) {
			mroot := ""
			if r.name != "postfix" {
				if root == "" {
					t.Skipf("MXKIT_MTA_ROOT not set: run .ci/mtas to unpack Exim, OpenSMTPD, Sendmail, dma, Courier and nullmailer, install Haraka, and set it to the folder it prints")
				}
				mroot = filepath.Join(root, r.name)
				if _, err := os.Stat(mroot); err != nil {
					t.Skipf("%s not unpacked or installed in %s (run .ci/mtas): %v", r.name, root, err)
				}
			}
			if r.mxPort != 0 {
				if err := mtaPortFree(r.mxPort); err != nil {
					t.Skipf("%s sends to port %d, which is taken: %v", r.name, r.mxPort, err)
				}
				startMTAReceivers(t, r.mxPort)
				serveMTACatcher(t, r.mxPort, bounces)
			}
			if r.smarthost {
				startMTASmarthost(t, port, bounces)
			}
			// The delay-warning case runs first, on an instance that
			// keeps retrying; then the matrix, on one that gives up.
			if why := mtaExceptions[r.name]["delayed"]; why != "" {
				t.Logf("%s: no delay warning: %s", r.name, why)
			} else {
				func() {
					denv, _, dstop := startMTA(t, r, mtaEnv{root: mroot, port: port, resolv: resolv, delay: true, lmtp: lmtp})
					defer dstop()
					bounces.reset()
					generateMTADelayed(t, r.name, denv, r.submitTo(denv), bounces)
				}()
			}
			env, flush, stop := startMTA(t, r, mtaEnv{root: mroot, port: port, resolv: resolv, lmtp: lmtp})
			submit := r.submitTo(env)
			dir := env.dir
			defer stop()
			bounces.reset()
			// The causes this MTA meets: not its exceptions, nor the LMTP
			// ones when Dovecot does not run.
			skip := map[string]bool{}
			for _, c := range mtaCauses {
				if mtaExceptions[r.name][c.name] != "" || (lmtp == 0 && mtaNeedsLMTP(c.rcpt)) {
					skip[c.name] = true
				}
			}
			for _, c := range mtaCauses {
				if skip[c.name] {
					continue
				}
				if err := submit(c.name, []string{c.rcpt}); err != nil {
					t.Fatalf("submitting %s to %s: %v\n%s", c.name, r.name, err, mtaLog(dir))
				}
			}
			noMulti := mtaExceptions[r.name]["multi"]
			if noMulti != "" {
				t.Logf("%s: no several-recipients DSN: %s", r.name, noMulti)
			} else if err := submit("multi", mtaMultiRcpts()); err != nil {
				t.Fatalf("submitting the several-recipients case to %s: %v\n%s", r.name, err, mtaLog(dir))
			}
			var multi []byte
			got := map[string][]byte{}
			deadline := time.Now().Add(90 * time.Second)
			for time.Now().Before(deadline) {
				if flush != nil {
					flush()
				}
				for _, c := range mtaCauses {
					if got[c.name] == nil && !skip[c.name] {
						if b := bounces.find(c.rcpt); b != nil {
							got[c.name] = b
						}
					}
				}
				if multi == nil && noMulti == "" {
					multi = bounces.findAll(mtaMultiRcpts())
				}
				if len(got)+len(skip) >= len(mtaCauses) && (multi != nil || noMulti != "") {
					break
				}
				time.Sleep(time.Second)
			}
			// MXKIT_MTA_WRITE=1 writes the DSNs of causes that have no
			// file yet; MXKIT_MTA_WRITE=all rewrites every one.
			write := os.Getenv("MXKIT_MTA_WRITE") != ""
			out := filepath.Join("testdata", "mta", r.name)
			if write {
				if err := os.MkdirAll(out, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if noMulti != "" {
				// dma: one bounce per recipient (mtaExceptions).
			} else if multi == nil {
				t.Errorf("%s: no single DSN for all of %q within 90s\n%s", r.name, mtaMultiRcpts(), mtaLog(dir))
			} else {
				checkMTARecipients(t, r.name, "multi", mtaMulti, "failed", multi)
				file := filepath.Join(out, "multi.eml")
				if _, err := os.Stat(file); write && (err != nil || os.Getenv("MXKIT_MTA_WRITE") == "all") {
					if err := os.WriteFile(file, multi, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, c := range mtaCauses {
				if skip[c.name] {
					continue
				}
				b := got[c.name]
				if b == nil {
					t.Errorf("%s: no DSN for %s within 90s\n%s", r.name, c.name, mtaLog(dir))
					continue
				}
				checkMTADSN(t, r.name, c, b)
				file := filepath.Join(out, c.name+".eml")
				if _, err := os.Stat(file); write && (err != nil || os.Getenv("MXKIT_MTA_WRITE") == "all") {
					if err := os.WriteFile(file, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// startMTA starts an instance of the MTA in a private folder of its own
// (env.dir and env.listen are filled in); the subtest is skipped when
// it does not start.
func startMTA(t *testing.T, r mtaRunner, env mtaEnv) (mtaEnv, func(), func()) {
	t.Helper()
	dir, err := os.MkdirTemp("", "mxkit-"+r.name+"-")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("MXKIT_MTA_KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	} else {
		t.Logf("%s's folder, kept: %s", r.name, dir)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	env.dir, env.listen, env.timeout = dir, mtaFreePort(t), 3*time.Second
	flush, stop, err := r.start(t, env)
	if err != nil {
		t.Skipf("%s does not start: %v", r.name, err)
	}
	return env, flush, stop
}

// generateMTADelayed submits the delay-warning case (mtaDelayed) to an
// MTA that keeps retrying, waits for its warning, checks it and, with
// MXKIT_MTA_WRITE set, writes it to testdata/mta/<mta>/delayed.eml.
func generateMTADelayed(t *testing.T, mta string, env mtaEnv, submit func(string, []string) error, bounces *mtaBounces) {
	t.Helper()
	var rcpts []string
	for _, c := range mtaDelayed {
		rcpts = append(rcpts, c.rcpt)
	}
	if err := submit("delayed", rcpts); err != nil {
		t.Fatalf("submitting the delay case to %s: %v\n%s", mta, err, mtaLog(env.dir))
	}
	var warning []byte
	for deadline := time.Now().Add(60 * time.Second); warning == nil && time.Now().Before(deadline); time.Sleep(time.Second) {
		warning = bounces.findAll(rcpts)
	}
	if warning == nil {
		t.Errorf("%s: no delay warning for %q within 60s\n%s", mta, rcpts, mtaLog(env.dir))
		return
	}
	checkMTARecipients(t, mta, "delayed", mtaDelayed, "delayed", warning)
	file := filepath.Join("testdata", "mta", mta, "delayed.eml")
	if _, err := os.Stat(file); os.Getenv("MXKIT_MTA_WRITE") != "" && (err != nil || os.Getenv("MXKIT_MTA_WRITE") == "all") {
		if err := os.WriteFile(file, warning, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// mtaLog returns the tail of the logs an MTA wrote in dir.
func mtaLog(dir string) string {
	var b strings.Builder
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() && strings.Contains(filepath.Base(p), "log") {
			data, _ := os.ReadFile(p)
			if len(data) > 4000 {
				data = data[len(data)-4000:]
			}
			fmt.Fprintf(&b, "== %s\n%s\n", p, data)
		}
		return nil
	})
	return b.String()
}

var mtaRunners = []mtaRunner{
	{name: "postfix", start: startPostfix},
	{name: "exim", start: startExim},
	{name: "opensmtpd", start: startOpenSMTPD},
	{name: "sendmail", start: startSendmail},
	// dma connects to port 25 of the MX it looks up (net.c,
	// deliver_remote: port = SMTP_PORT unless a SMARTHOST is set).
	{name: "dma", start: startDMA, submit: submitDMA, mxPort: 25},
	{name: "courier", start: startCourier, submit: submitCourier},
	// nullmailer relays everything to its remotes (startNullmailer).
	{name: "nullmailer", start: startNullmailer, submit: submitNullmailer, smarthost: true},
	{name: "haraka", start: startHaraka},
}

// mtaPortFree reports whether port is free on the receivers' addresses.
func mtaPortFree(port int) error {
	for _, ip := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.5", "127.0.0.6"} {
		l, err := net.Listen("tcp", fmt.Sprintf("%s:%d", ip, port))
		if err != nil {
			return err
		}
		l.Close()
	}
	return nil
}

func mtaFreePort(t *testing.T) int {
	t.Helper()
	for try := 0; try < 20; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		free := true
		for _, ip := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", mtaSmarthost} {
			if c, err := net.DialTimeout("tcp", fmt.Sprintf("%s:%d", ip, port), 200*time.Millisecond); err == nil {
				c.Close()
				free = false
			}
		}
		if free {
			return port
		}
	}
	t.Fatal("no free port on 127.0.0.1-7")
	return 0
}

// mtaSubmitRcpts hands one message for the recipients to the MTA,
// trying for five seconds while it starts.
func mtaSubmitRcpts(port int, name string, rcpts []string) error {
	var err error
	for try := 0; try < 25; try++ {
		if err = mtaSubmitOnce(port, name, rcpts); err == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return err
}

func mtaSubmitOnce(port int, name string, rcpts []string) error {
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	r := bufio.NewReader(conn)
	expect := func(code string) error {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return err
			}
			if !strings.HasPrefix(line, code) {
				return fmt.Errorf("want %s, got %q", code, line)
			}
			if len(line) < 4 || line[3] != '-' {
				return nil
			}
		}
	}
	body := mtaMessage(name, rcpts)
	steps := []struct{ send, want string }{
		{"", "220"},
		{"EHLO client.sender.test\r\n", "250"},
		{"MAIL FROM:<" + mtaSender + ">\r\n", "250"},
	}
	for _, r := range rcpts {
		steps = append(steps, struct{ send, want string }{"RCPT TO:<" + r + ">\r\n", "250"})
	}
	steps = append(steps, []struct{ send, want string }{
		{"DATA\r\n", "354"},
		{body + ".\r\n", "250"},
		{"QUIT\r\n", "221"},
	}...)
	for _, s := range steps {
		if s.send != "" {
			if _, err := conn.Write([]byte(s.send)); err != nil {
				return err
			}
		}
		if err := expect(s.want); err != nil {
			return fmt.Errorf("after %q: %w", strings.TrimSpace(s.send), err)
		}
	}
	return nil
}

// mtaMessage is the message of a case, with CRLF line ends.
func mtaMessage(name string, rcpts []string) string {
	hops := ""
	if name == "too-many-hops" {
		// A message that has passed 60 hosts (RFC 5321 §6.3: a loop is
		// detected by counting Received: fields).
		for i := 60; i > 0; i-- {
			hops += fmt.Sprintf("Received: from hop%d.sender.test by hop%d.sender.test; Mon, 7 Dec 2026 09:59:00 +0000\r\n", i, i+1)
		}
	}
	return hops + fmt.Sprintf("From: Sender <%s>\r\nTo: <%s>\r\nSubject: matrix %s\r\nMessage-ID: <%s@sender.test>\r\nX-Campaign-ID: matrix-42\r\n"+
		"Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nThe matrix case %s.\r\n",
		mtaSender, strings.Join(rcpts, ">, <"), name, name, name)
}

// receiverReplies are the scripted receiver's answers by local part, at
// RCPT ("rcpt") or at the end of DATA ("data"); "%s" is the recipient.
var receiverReplies = map[string]struct{ stage, reply string }{
	"nobody":  {"rcpt", "550 5.1.1 <%s>: Recipient address rejected: User unknown in local recipient table"},
	"full":    {"rcpt", "552-5.2.2 The email account that you tried to reach is over quota. Please direct\r\n552 5.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaPerm"},
	"fulltmp": {"rcpt", "452-4.2.2 The email account that you tried to reach is over quota. Please direct\r\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp"},
	"big":     {"data", "552 5.3.4 Message size exceeds fixed limit"},
	"relay":   {"rcpt", "554 5.7.1 <%s>: Relay access denied"},
	"spam":    {"data", "554 5.7.1 Message rejected as spam by Content Filtering."},
	"dmarc":   {"data", "550-5.7.26 Unauthenticated email from sender.test is not accepted due to\r\n550-5.7.26 domain's DMARC policy. Please contact the administrator of\r\n550 5.7.26 sender.test domain if this was a legitimate mail."},
	// Postfix with unknown_local_recipient_reject_code = 450
	// (postconf(5)): the same refusal, temporary.
	"tempuser": {"rcpt", "450 4.1.1 <%s>: Recipient address rejected: User unknown in local recipient table"},
	// A refusal with no enhanced code, "User unknown", as Yandex lists its
	// replies (yandex.com/support/mail/bounces) and RFC 5321 §4.2 allows.
	"bare": {"rcpt", "550 User unknown"},
	// amavisd-new's refusal of an infected message with
	// $final_virus_destiny = D_REJECT (amavisd-new README.customize:
	// "554 5.7.0 Reject, id=..., - INFECTED: <virus name>").
	"virus": {"data", "554 5.7.0 Reject, id=12345-01 - INFECTED: Eicar-Signature"},
	// Postfix smtpd_client_recipient_rate_limit (postconf(5)): "450 4.7.1
	// Error: too many recipients from <client>".
	"rcptlimit": {"rcpt", "450 4.7.1 Error: too many recipients from 127.0.0.1"},
	// Postfix postscreen(8) enforcing postscreen_access_list
	// (postscreen_blacklist_action = enforce, postscreen_early.c).
	"screened": {"rcpt", "550 5.3.2 Service currently unavailable"},
	// The several-recipients case (mtaMulti): the same replies under
	// local parts of their own, so that its bounce is told apart.
	"gone":    {"rcpt", "550 5.1.1 <%s>: Recipient address rejected: User unknown in local recipient table"},
	"quota":   {"rcpt", "552-5.2.2 The email account that you tried to reach is over quota. Please direct\r\n552 5.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaPerm"},
	"denied":  {"rcpt", "554 5.7.1 <%s>: Relay access denied"},
	"spammed": {"data", "554 5.7.1 Message rejected as spam by Content Filtering."},
	// The delay-warning case (mtaDelayed): temporary refusals the MTA
	// keeps retrying.
	"quotatmp": {"rcpt", "452-4.2.2 The email account that you tried to reach is over quota. Please direct\r\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp"},
	"slowdown": {"rcpt", "450 4.7.1 Error: too many recipients from 127.0.0.1"},
	"rate":     {"rcpt", "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating\r\n421-4.7.28 from your IP address. To protect our users from spam, mail sent from your\r\n421 4.7.28 IP address has been temporarily rate limited."},
}

// receiverReply is the scripted receiver's answer for a recipient.
func receiverReply(rcpt string) (stage, reply string) {
	local, _, _ := strings.Cut(strings.ToLower(rcpt), "@")
	r, ok := receiverReplies[local]
	if !ok {
		return "", ""
	}
	if strings.Contains(r.reply, "%s") {
		return r.stage, fmt.Sprintf(r.reply, rcpt)
	}
	return r.stage, r.reply
}

// startMTAReceivers starts the scripted servers on 127.0.0.1-3.
func startMTAReceivers(t *testing.T, port int) {
	t.Helper()
	serve := func(ip string, handle func(net.Conn)) { serveLoopback(t, fmt.Sprintf("%s:%d", ip, port), handle) }
	serve("127.0.0.1", func(c net.Conn) { scriptedSession(c, nil, true) })
	serve("127.0.0.6", func(c net.Conn) { scriptedSession(c, nil, true) })
	serve("127.0.0.2", func(c net.Conn) {
		// RFC 5321 §3.1: a server that will not serve this client may
		// answer 554 instead of 220, then waits for QUIT.
		fmt.Fprintf(c, "554 No SMTP service here\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if strings.HasPrefix(strings.ToUpper(line), "QUIT") {
				fmt.Fprintf(c, "221 2.0.0 Bye\r\n")
				return
			}
			fmt.Fprintf(c, "503 5.5.1 No SMTP service here\r\n")
		}
	})
	serve("127.0.0.3", func(c net.Conn) {
		// Never greet: the client's greeting timeout runs out.
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	})
}

// mtaBounces collects what the catcher received.
type mtaBounces struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (b *mtaBounces) reset() { b.mu.Lock(); b.msgs = nil; b.mu.Unlock() }

// find returns the first message naming rcpt in a Final-Recipient field
// or, for bounces without one, anywhere.
func (b *mtaBounces) find(rcpt string) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.msgs {
		if strings.Contains(strings.ToLower(string(m)), strings.ToLower(rcpt)) {
			return m
		}
	}
	return nil
}

// findAll returns the first message that names every one of rcpts.
func (b *mtaBounces) findAll(rcpts []string) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
next:
	for _, m := range b.msgs {
		l := strings.ToLower(string(m))
		for _, r := range rcpts {
			if !strings.Contains(l, r) {
				continue next
			}
		}
		return m
	}
	return nil
}

// startMTASmarthost serves, on mtaSmarthost:port, the scripted
// receivers' replies, handing what they accept for the sender's domain
// (the DSNs) to b.
func startMTASmarthost(t *testing.T, port int, b *mtaBounces) {
	t.Helper()
	serveLoopback(t, fmt.Sprintf("%s:%d", mtaSmarthost, port), func(c net.Conn) {
		scriptedSession(c, func(msg []byte) {
			b.mu.Lock()
			b.msgs = append(b.msgs, msg)
			b.mu.Unlock()
		}, true)
	})
}

func startMTACatcher(t *testing.T, port int) *mtaBounces {
	t.Helper()
	b := &mtaBounces{}
	serveMTACatcher(t, port, b)
	return b
}

// serveMTACatcher accepts DSNs on 127.0.0.5:port into b.
func serveMTACatcher(t *testing.T, port int, b *mtaBounces) {
	t.Helper()
	serveLoopback(t, fmt.Sprintf("127.0.0.5:%d", port), func(c net.Conn) {
		scriptedSession(c, func(msg []byte) {
			b.mu.Lock()
			b.msgs = append(b.msgs, msg)
			b.mu.Unlock()
		}, false)
	})
}

// serveLoopback accepts connections on addr until the test ends, each
// handled by handle in a goroutine of its own with a deadline of two
// minutes.
func serveLoopback(t *testing.T, addr string, handle func(net.Conn)) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(2 * time.Minute))
				handle(c)
			}()
		}
	}()
}

// scriptedSession speaks SMTP (RFC 5321) on c, offering no STARTTLS and
// no SIZE. With scripted set it refuses recipients as receiverReply
// says; what it accepts is handed to got when got is set (the smart
// host takes only the sender's domain's mail), else dropped. With
// scripted unset it accepts everything and hands each message to got.
func scriptedSession(c net.Conn, got func([]byte), scripted bool) {
	r := bufio.NewReader(c)
	reply := func(s string) { fmt.Fprintf(c, "%s\r\n", s) }
	reply("220 mx.receiver.test ESMTP")
	var rcpts []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			reply("250-mx.receiver.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES")
		case strings.HasPrefix(cmd, "HELO"):
			reply("250 mx.receiver.test")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			rcpts = nil
			reply("250 2.1.0 Ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			addr := strings.TrimSpace(line[len("RCPT TO:"):])
			if i := strings.IndexByte(addr, '>'); i >= 0 {
				addr = addr[:i]
			}
			addr = strings.TrimPrefix(addr, "<")
			stage, rep := "", ""
			if scripted {
				stage, rep = receiverReply(addr)
			}
			if stage == "rcpt" {
				reply(rep)
				if strings.HasPrefix(rep, "421") {
					// RFC 5321 §3.8: 421 closes the channel. Closed with
					// the client's pipelined commands still unread, the
					// socket sends a reset that can reach the client
					// before it has read the 421 (Sendmail then reported
					// "Connection reset"): end the sending side, and read
					// until the client closes too.
					if tc, ok := c.(*net.TCPConn); ok {
						_ = tc.CloseWrite()
						_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
						_, _ = io.Copy(io.Discard, r)
					}
					return
				}
				continue
			}
			rcpts = append(rcpts, addr)
			reply("250 2.1.5 Ok")
		case cmd == "DATA":
			if len(rcpts) == 0 {
				reply("554 5.5.1 No valid recipients")
				continue
			}
			reply("354 End data with <CR><LF>.<CR><LF>")
			var msg strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				l = strings.TrimPrefix(l, ".")
				msg.WriteString(strings.TrimRight(l, "\r\n") + "\n")
			}
			if !scripted {
				got([]byte(msg.String()))
				reply("250 2.0.0 Ok: queued")
				continue
			}
			if stage, rep := receiverReply(rcpts[0]); stage == "data" {
				reply(rep)
				continue
			}
			if got != nil && strings.HasSuffix(strings.ToLower(rcpts[0]), "@sender.test") {
				got([]byte(msg.String()))
			}
			reply("250 2.0.0 Ok: queued")
		case cmd == "RSET":
			rcpts = nil
			reply("250 2.0.0 Ok")
		case cmd == "NOOP":
			reply("250 2.0.0 Ok")
		case cmd == "QUIT":
			reply("221 2.0.0 Bye")
			return
		default:
			reply("502 5.5.2 Error: command not recognized")
		}
	}
}

// startMTADNS serves the test zone on 127.0.53.1:53 (resolv.conf cannot
// name a port) with resolvertest's authoritative server as the handler.
func startMTADNS(t *testing.T) {
	t.Helper()
	zone := `
$ORIGIN test.
@        SOA ns.test. hostmaster.test. 1 3600 600 86400 60
@        NS  ns.test.
ns       A   127.0.53.1
nullmx   MX  0 .
nullmx   A   127.0.0.9
; The receivers by name, for an MTA that routes by the DNS only (dma);
; the others route these domains statically (mtaRoutes).
rcpt     A   127.0.0.1
greet    A   127.0.0.2
slow     A   127.0.0.3
closed   A   127.0.0.4
sender   A   127.0.0.5
tls      A   127.0.0.6
`
	srv := resolvertest.New(t, zone)
	for _, nw := range []string{"udp", "tcp"} {
		s := &dns.Server{Addr: mtaDNSAddr, Net: nw, Handler: srv}
		started := make(chan error, 1)
		s.NotifyStartedFunc = func() { started <- nil }
		go func() { started <- s.ListenAndServe() }()
		if err := <-started; err != nil {
			t.Skipf("DNS on %s/%s: %v", mtaDNSAddr, nw, err)
		}
		t.Cleanup(func() { _ = s.Shutdown() })
	}
}

// inNamespace runs argv in a new mount namespace where env.resolv is
// mounted over /etc/resolv.conf and each bind (target: private folder) is
// mounted too; daemons it starts stay in that namespace. Its output goes
// to a file (a daemon keeping it open must not hold the call up), which
// is returned.
func inNamespace(env mtaEnv, binds [][2]string, extraEnv []string, argv ...string) ([]byte, error) {
	script := "set -e; mount --bind \"$MTA_RESOLV\" /etc/resolv.conf\n"
	var vars []string
	for i, b := range binds {
		script += fmt.Sprintf("[ -e \"$BIND_DST_%d\" ] || mkdir -p \"$BIND_DST_%d\"; mount --bind \"$BIND_SRC_%d\" \"$BIND_DST_%d\"\n", i, i, i, i)
		vars = append(vars, fmt.Sprintf("BIND_DST_%d=%s", i, b[0]), fmt.Sprintf("BIND_SRC_%d=%s", i, b[1]))
	}
	script += "exec \"$@\"\n"
	out, err := os.CreateTemp(env.dir, "cmd-*.out")
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c", script, "sh"}, argv...)...)
	cmd.Env = append(append(append(os.Environ(), "MTA_RESOLV="+env.resolv), vars...), extraEnv...)
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Run()
	b, _ := os.ReadFile(out.Name())
	return b, err
}
