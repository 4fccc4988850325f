package bounce

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/internal/dovecottest"
)

// Final delivery in the real-MTA matrix: failures the MTA's own local
// delivery agent, or the LMTP server it hands mail to, reports. Three
// more domains, none in the DNS:
//
//	local.test  the MTA's local delivery to a Unix user's mailbox
//	            (Postfix local(8), Exim's appendfile transport)
//	vmail.test  delivery to a virtual mailbox (Postfix virtual(8), Exim's
//	            appendfile transport in maildir format)
//	lmtp.test   LMTP to a private Dovecot (dovecot-lmtpd) on loopback,
//	            with the quota plugin and a passwd-file userdb (Postfix's
//	            lmtp(8), Exim's smtp transport with protocol = lmtp,
//	            OpenSMTPD's "lmtp" action, Sendmail's cyrusv2 mailer)
//
// The mailboxes are owned by nobody and filled almost to their limit
// before the MTA starts, so that the matrix's message does not fit.

const (
	// mtaMailboxLimit is the limit of the local and virtual mailboxes
	// (and, for Postfix, message_size_limit, which its local(8) and
	// virtual(8) require not to exceed it); mtaMailboxFill is what the
	// mailboxes hold before the matrix's message comes.
	mtaMailboxLimit = 20480
	mtaMailboxFill  = 20000
	mtaNobody       = 65534
)

// mtaNeedsLMTP says whether a recipient needs the Dovecot LMTP server.
func mtaNeedsLMTP(rcpt string) bool { return strings.HasSuffix(rcpt, "@lmtp.test") }

// mtaFillMailbox writes an mbox file of mtaMailboxFill bytes, owned by
// uid and gid, at path.
func mtaFillMailbox(t *testing.T, path string, uid, gid int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("From filler@sender.test Mon Dec  7 10:00:00 2026\nFrom: filler@sender.test\nSubject: filler\n\n")
	for b.Len() < mtaMailboxFill-80 {
		b.WriteString(strings.Repeat("x", 71) + "\n")
	}
	s := b.String() + strings.Repeat("y", mtaMailboxFill-b.Len()-2) + "\n\n"
	mtaWrite(t, path, s)
	mtaChown(t, uid, gid, filepath.Dir(path), path)
}

// mtaFillMaildir writes a Maildir at dir whose one message is
// mtaMailboxFill bytes, owned by uid and gid.
func mtaFillMaildir(t *testing.T, dir string, uid, gid int) {
	t.Helper()
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	mtaFillMailbox(t, filepath.Join(dir, "cur", "1765101600.M1P1.filler:2,S"), uid, gid)
	mtaChown(t, uid, gid, dir, filepath.Join(dir, "new"), filepath.Join(dir, "tmp"))
}

func mtaChown(t *testing.T, uid, gid int, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
}

// startMTALMTP starts a private Dovecot that speaks LMTP only, on
// 127.0.0.1, with one user, lmtpfull@lmtp.test, whose quota (the quota
// plugin, Maildir++ backend, quota_rule *:storage=100B, no grace) no
// message fits. It returns the LMTP port, or 0 with why when Dovecot's
// LMTP server (Debian's dovecot-lmtpd) is not installed or does not
// start.
func startMTALMTP(t *testing.T) (int, string) {
	t.Helper()
	for _, p := range []string{dovecottest.Bin, "/usr/lib/dovecot/lmtp", "/usr/lib/dovecot/modules/lib10_quota_plugin.so"} {
		if _, err := os.Stat(p); err != nil {
			return 0, fmt.Sprintf("Dovecot's LMTP server or quota plugin not installed (Debian packages dovecot-core, dovecot-lmtpd): %v", err)
		}
	}
	// Not t.TempDir: Dovecot's unprivileged processes must reach it.
	dir, err := os.MkdirTemp("", "mxkit-lmtp-")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("MXKIT_MTA_KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	} else {
		t.Logf("Dovecot's folder, kept: %s", dir)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(home, "lmtpfull", "Maildir", sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := filepath.Walk(home, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, mtaNobody, mtaNobody)
	}); err != nil {
		t.Fatal(err)
	}
	port := mtaFreePort(t)
	// passwd-file userdb (user:password:uid:gid:gecos:home:shell:extra).
	// The user is known by its address and by its local part alone, which
	// is what Sendmail's cyrusv2 mailer gives as RCPT TO (R=EnvToL).
	mtaWrite(t, filepath.Join(dir, "users"), fmt.Sprintf("lmtpfull@lmtp.test::%[1]d:%[1]d::%[2]s/lmtpfull::\nlmtpfull::%[1]d:%[1]d::%[2]s/lmtpfull::\n", mtaNobody, home))
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = mxkit-mta-lmtp-%[2]d
log_path = %[1]s/dovecot.log
protocols = lmtp
listen = 127.0.0.1
hostname = lmtp.dovecot.test
ssl = no
first_valid_uid = 1
first_valid_gid = 1
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:~/Maildir
mail_plugins = quota
passdb {
  driver = passwd-file
  args = %[1]s/users
}
userdb {
  driver = passwd-file
  args = %[1]s/users
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = %[2]d
  }
}
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=100B
  quota_grace = 0
}
`, dir, port)
	confFile := filepath.Join(dir, "dovecot.conf")
	mtaWrite(t, confFile, conf)
	if err := dovecottest.Start(t, confFile, filepath.Join(dir, "dovecot.log"), port); err != nil {
		return 0, err.Error()
	}
	return port, ""
}

// mtaAliases are the local.test aliases of the matrix's MTAs: delivery
// programs that exit with a sysexits.h code, a file the delivery may not
// write, and two aliases that forward to each other.
var mtaAliases = [][2]string{
	{"exnouser", "|%s/exit67"},     // EX_NOUSER
	{"extempfail", "|%s/exit75"},   // EX_TEMPFAIL
	{"excantcreat", "|%s/exit73"},  // EX_CANTCREAT
	{"exfile", "%s/readonly/mbox"}, // a file the delivery may not write
	{"loopa", "loopb@local.test"},
	{"loopb", "loopa@local.test"},
}

// mtaExitPrograms writes the delivery programs of mtaAliases into dir:
// shell scripts that read the message and exit with a code.
func mtaExitPrograms(t *testing.T, dir string) {
	t.Helper()
	// A file only root may write, in a folder only root may write.
	ro := filepath.Join(dir, "readonly")
	mtaWrite(t, filepath.Join(ro, "mbox"), "")
	if err := os.Chmod(filepath.Join(ro, "mbox"), 0o644); err != nil {
		t.Fatal(err)
	}
	mtaChown(t, 0, 0, ro, filepath.Join(ro, "mbox"))
	for _, code := range []int{67, 73, 75} {
		p := filepath.Join(dir, fmt.Sprintf("exit%d", code))
		mtaWrite(t, p, fmt.Sprintf("#!/bin/sh\ncat >/dev/null\nexit %d\n", code))
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// mtaAliasList returns mtaAliases with the programs in dir, as
// "name", "expansion" pairs.
func mtaAliasList(dir string) [][2]string {
	var out [][2]string
	for _, a := range mtaAliases {
		v := a[1]
		if strings.Contains(v, "%s") {
			v = fmt.Sprintf(v, dir)
		}
		out = append(out, [2]string{a[0], v})
	}
	return out
}
