package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// postfixInstance is a private Postfix (from Debian's package) on loopback:
// its own config directory, queue on disk as shipped, smtpd on listenPort,
// relaying everything to relayPort. It never touches /etc/postfix's
// configuration and never listens on a public address.
type postfixInstance struct {
	dir    string
	master *exec.Cmd
}

const postfixDaemons = "/usr/lib/postfix/sbin"

func startPostfix(dir string, listenPort, relayPort, concurrency int) (*postfixInstance, error) {
	if _, err := os.Stat(postfixDaemons + "/master"); err != nil {
		return nil, fmt.Errorf("postfix is not installed (apt-get install postfix): %w", err)
	}
	os.RemoveAll(dir)
	for _, d := range []string{"etc", "spool", "data"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	mainCF := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/spool
data_directory = %[1]s/data
mail_owner = postfix
setgid_group = mail
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix-bench.localhost
mydomain = localhost
mydestination =
relayhost = [127.0.0.1]:%[2]d
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_dns_support_level = disabled
disable_dns_lookups = yes
smtp_tls_security_level = none
maillog_file = %[1]s/maillog
maillog_file_prefixes = %[1]s
default_destination_concurrency_limit = %[3]d
default_process_limit = %[4]d
`, dir, relayPort, concurrency, concurrency*2+10)
	if err := os.WriteFile(filepath.Join(dir, "etc", "main.cf"), []byte(mainCF), 0o644); err != nil {
		return nil, err
	}
	// master.cf: Debian's, with smtpd on our loopback port and no chroot
	// (the private queue directory has no chroot files).
	shipped, err := os.ReadFile("/etc/postfix/master.cf")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(shipped), "\n") {
		f := strings.Fields(line)
		if len(f) >= 8 && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, " ") {
			if f[0] == "smtp" && f[1] == "inet" {
				f[0] = fmt.Sprintf("127.0.0.1:%d", listenPort)
			}
			if f[4] == "y" {
				f[4] = "n"
			}
			line = strings.Join(f, " ")
		}
		out = append(out, line)
	}
	if err := os.WriteFile(filepath.Join(dir, "etc", "master.cf"), []byte(strings.Join(out, "\n")), 0o644); err != nil {
		return nil, err
	}
	for _, f := range []string{"postfix-files", "dynamicmaps.cf"} {
		b, err := os.ReadFile("/etc/postfix/" + f)
		if err == nil {
			os.WriteFile(filepath.Join(dir, "etc", f), b, 0o644)
		}
	}
	os.CopyFS(filepath.Join(dir, "etc", "postfix-files.d"), os.DirFS("/etc/postfix/postfix-files.d"))
	etc := filepath.Join(dir, "etc")
	setup := exec.Command(postfixDaemons+"/post-install",
		"config_directory="+etc, "meta_directory="+etc,
		"daemon_directory="+postfixDaemons, "command_directory=/usr/sbin",
		"queue_directory="+filepath.Join(dir, "spool"), "data_directory="+filepath.Join(dir, "data"),
		"mail_owner=postfix", "setgid_group=mail", "create-missing")
	setup.Env = append(os.Environ(), "MAIL_CONFIG="+etc)
	if b, err := setup.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("post-install: %v: %s", err, b)
	}
	if err := exec.Command("chown", "postfix", filepath.Join(dir, "data")).Run(); err != nil {
		return nil, err
	}
	// `postfix start` can exit silently here; the master in the foreground
	// (-d) works.
	master := exec.Command(postfixDaemons+"/master", "-c", etc, "-d")
	master.Env = append(os.Environ(), "MAIL_CONFIG="+etc)
	if err := master.Start(); err != nil {
		return nil, err
	}
	p := &postfixInstance{dir: dir, master: master}
	if err := waitListening(fmt.Sprintf("127.0.0.1:%d", listenPort), 10*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("postfix did not start (see %s/maillog): %w", dir, err)
	}
	return p, nil
}

// queued counts the messages in Postfix's queue.
func (p *postfixInstance) queued() int {
	n := 0
	for _, q := range []string{"maildrop", "incoming", "active", "deferred", "hold"} {
		filepath.WalkDir(filepath.Join(p.dir, "spool", q), func(_ string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
	}
	return n
}

// waitEmpty waits until the queue is empty.
func (p *postfixInstance) waitEmpty(ctx context.Context) error {
	for p.queued() > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("postfix queue still holds %d messages: %w", p.queued(), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// rss is the resident memory of the master and all its children.
func (p *postfixInstance) rss() memUse { return treeRSS(p.master.Process.Pid) }

func (p *postfixInstance) stop() {
	if p.master.Process != nil {
		p.master.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { p.master.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			p.master.Process.Kill()
		}
	}
}

// sent counts deliveries in the mail log. postlogd writes asynchronously:
// wait until the count stops changing.
func (p *postfixInstance) sent() int {
	last := -1
	for i := 0; i < 50; i++ {
		b, _ := os.ReadFile(filepath.Join(p.dir, "maillog"))
		n := strings.Count(string(b), "status=sent")
		if n == last {
			return n
		}
		last = n
		time.Sleep(100 * time.Millisecond)
	}
	return last
}
