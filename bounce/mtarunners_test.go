package bounce

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mxkit/mxkit/internal/postfixtest"
)

// The static routes every MTA is given: the receivers by domain. nx.test
// and nullmx.test are left to the DNS.
var mtaRoutes = [][2]string{
	{"rcpt.test", "127.0.0.1"},
	{"greet.test", "127.0.0.2"},
	{"slow.test", "127.0.0.3"},
	{"closed.test", "127.0.0.4"},
	{"sender.test", "127.0.0.5"},
	{"tls.test", "127.0.0.6"},
}

func mtaWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startPostfix runs the system's Postfix with a private main.cf/master.cf
// and queue. Postfix gives up at the first temporary failure when
// maximal_queue_lifetime is 0 (postconf(5)).
func startPostfix(t *testing.T, env mtaEnv) (func(), func(), error) {
	postfix := "/usr/sbin/postfix"
	if _, err := os.Stat(postfix); err != nil {
		return nil, nil, fmt.Errorf("Debian package postfix not installed: %w", err)
	}
	if _, err := exec.LookPath("chown"); err != nil {
		return nil, nil, err
	}
	for _, d := range []string{"etc", "queue", "data"} {
		if err := os.MkdirAll(filepath.Join(env.dir, d), 0o755); err != nil {
			return nil, nil, err
		}
	}
	if out, err := exec.Command("chown", "postfix", filepath.Join(env.dir, "data")).CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("chown postfix: %v %s", err, out)
	}
	var routes []string
	for _, r := range mtaRoutes {
		routes = append(routes, fmt.Sprintf("%s=smtp:[%s]:%d", r[0], r[1], env.port))
	}
	if env.lmtp != 0 {
		// postconf(5) transport_maps, lmtp(8): "lmtp:inet:host:port".
		routes = append(routes, fmt.Sprintf("lmtp.test=lmtp:inet:127.0.0.1:%d", env.lmtp))
	}
	// Final delivery (mtalocal_test.go): local(8) for local.test, with
	// mailboxes under mail_spool_directory; virtual(8) for vmail.test,
	// where one address has a mailbox. Both mailboxes are filled almost
	// to mailbox_size_limit / virtual_mailbox_limit (postconf(5): each
	// limits the size of a mailbox file, and must not be smaller than
	// message_size_limit). local_recipient_maps is empty and
	// smtpd_reject_unlisted_recipient is off, so that an unknown user is
	// found at delivery, not refused at RCPT.
	spool, vbase := filepath.Join(env.dir, "mail"), filepath.Join(env.dir, "vmail")
	for _, d := range []string{spool, vbase} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, nil, err
		}
	}
	if err := os.Chmod(spool, 0o1777); err != nil {
		return nil, nil, err
	}
	mtaFillMailbox(t, filepath.Join(spool, "nobody"), mtaNobody, mtaNobody)
	mtaFillMailbox(t, filepath.Join(vbase, "overquota"), mtaNobody, mtaNobody)
	mtaChown(t, 0, 0, spool, vbase)
	// Aliases to delivery programs and a forwarding loop (local(8):
	// "|command" and address expansions of alias_maps; commands in
	// aliases run as default_privs, nobody, for a map root does not own).
	mtaExitPrograms(t, env.dir)
	var aliases []string
	for _, a := range mtaAliasList(env.dir) {
		aliases = append(aliases, a[0]+"="+a[1])
	}
	mainCF := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
myhostname = mta.postfix.test
mydomain = postfix.test
myorigin = $mydomain
mydestination = local.test
local_recipient_maps =
mail_spool_directory = %[1]s/mail
forward_path =
mailbox_size_limit = %[4]d
message_size_limit = %[4]d
virtual_mailbox_domains = vmail.test
virtual_mailbox_base = %[1]s/vmail
virtual_mailbox_maps = inline:{ overquota@vmail.test=overquota }
virtual_uid_maps = static:%[5]d
virtual_gid_maps = static:%[5]d
virtual_minimum_uid = 100
virtual_mailbox_limit = %[4]d
smtpd_reject_unlisted_recipient = no
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
transport_maps = inline:{ %[2]s }
smtp_tls_policy_maps = inline:{ [127.0.0.6]:%[3]d=encrypt }
smtp_connect_timeout = 3s
smtp_helo_timeout = 3s
maillog_file_prefixes = %[1]s
maillog_file = %[1]s/maillog
alias_maps = inline:{ %[6]s }
alias_database =
smtputf8_enable = no
biff = no
`, env.dir, strings.Join(routes, ", "), env.port, mtaMailboxLimit, mtaNobody, strings.Join(aliases, ", "))
	if env.delay {
		// postconf(5): delay_warning_time, and retries every second or
		// two (queue_run_delay, minimal_backoff_time,
		// maximal_backoff_time) for a day.
		mainCF += "maximal_queue_lifetime = 1d\nbounce_queue_lifetime = 1d\ndelay_warning_time = 1s\n" +
			"queue_run_delay = 1s\nminimal_backoff_time = 1s\nmaximal_backoff_time = 2s\n"
	} else {
		mainCF += "maximal_queue_lifetime = 0\nbounce_queue_lifetime = 0\n"
	}
	// master(5): local(8) and virtual(8) run as root (unprivileged "n").
	masterCF := postfixtest.MasterCF(env.listen) + "local unix - n n - - local\nvirtual unix - n n - - virtual\nlmtp unix - - n - - lmtp\n"
	etc := filepath.Join(env.dir, "etc")
	mtaWrite(t, filepath.Join(etc, "main.cf"), mainCF)
	mtaWrite(t, filepath.Join(etc, "master.cf"), masterCF)
	if out, err := inNamespace(env, nil, nil, postfix, "-c", etc, "start"); err != nil {
		return nil, nil, fmt.Errorf("postfix start: %v %s\n%s", err, out, mtaLog(env.dir))
	}
	stop := func() { _ = exec.Command(postfix, "-c", etc, "abort").Run() }
	return nil, stop, nil
}

// startExim runs Exim (Debian's exim4-daemon-light, unpacked) with a
// private configuration and spool; it needs the Debian-exim user
// (.ci/mtas creates it). A retry rule without retry times makes
// every temporary failure final at once (Exim specification, "Retry
// configuration": "a rule with no retry times ... the address is failed").
func startExim(t *testing.T, env mtaEnv) (func(), func(), error) {
	exim := filepath.Join(env.root, "usr/sbin/exim4")
	if _, err := os.Stat(exim); err != nil {
		return nil, nil, err
	}
	for _, d := range []string{"spool", "log"} {
		if err := os.MkdirAll(filepath.Join(env.dir, d), 0o750); err != nil {
			return nil, nil, err
		}
	}
	if out, err := exec.Command("chown", "-R", "Debian-exim:Debian-exim", filepath.Join(env.dir, "spool"), filepath.Join(env.dir, "log")).CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("chown: %v %s", err, out)
	}
	var routes []string
	var domains []string
	for _, r := range mtaRoutes {
		if r[0] == "tls.test" {
			continue
		}
		routes = append(routes, fmt.Sprintf("%s %s", r[0], r[1]))
		domains = append(domains, r[0])
	}
	routers, transports := eximLocal(t, env)
	conf := fmt.Sprintf(`primary_hostname = mta.exim.test
qualify_domain = exim.test
spool_directory = %[1]s/spool
log_file_path = %[1]s/log/%%slog
pid_file_path = %[1]s/exim.pid
never_users = root
local_interfaces = 127.0.0.1
daemon_smtp_ports = %[2]d
acl_smtp_rcpt = accept
acl_smtp_data = accept
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
delay_warning = 0s

begin routers

tls:
  driver = manualroute
  domains = tls.test
  route_list = * 127.0.0.6
  transport = remote_tls
  self = send

static:
  driver = manualroute
  domains = %[4]s
  route_list = %[5]s
  transport = remote_smtp
  self = send

%[7]s
dnslookup:
  driver = dnslookup
  transport = remote_smtp
  no_more

begin transports

remote_smtp:
  driver = smtp
  port = %[3]d
  allow_localhost
  connect_timeout = 3s
  command_timeout = 3s

remote_tls:
  driver = smtp
  port = %[3]d
  allow_localhost
  hosts_require_tls = *
  connect_timeout = 3s
  command_timeout = 3s

%[8]s
begin retry

*  *  %[6]s
`, env.dir, env.listen, env.port, strings.Join(domains, " : "), strings.Join(routes, " ; "), eximRetry(env), routers, transports)
	if env.delay {
		// Exim specification, main options: delay_warning, the time
		// after which a delayed message warns its sender.
		conf = strings.Replace(conf, "delay_warning = 0s", "delay_warning = 3s", 1)
	}
	cf := filepath.Join(env.dir, "exim.conf")
	mtaWrite(t, cf, conf)
	if out, err := exec.Command(exim, "-C", cf, "-bV").CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("exim -bV: %v %s", err, out)
	}
	// Exim re-executes itself from its compiled-in path for queue runs:
	// the unpacked usr/sbin is mounted over /usr/sbin in its namespace.
	binds := [][2]string{{"/usr/sbin", filepath.Join(env.root, "usr/sbin")}}
	if out, err := inNamespace(env, binds, nil, "/usr/sbin/exim4", "-C", cf, "-bd", "-q2s"); err != nil {
		return nil, nil, fmt.Errorf("exim -bd: %v %s\n%s", err, out, mtaLog(env.dir))
	}
	stop := func() { killPidFile(filepath.Join(env.dir, "exim.pid")) }
	return nil, stop, nil
}

// eximLocal is the final delivery of Exim's matrix (mtalocal_test.go):
// its routers and transports. local.test and vmail.test are delivered by
// the appendfile transport, to an mbox file and to a Maildir, each with a
// quota its filled mailbox leaves no room under; lmtp.test is handed to
// Dovecot over LMTP by the smtp transport (protocol = lmtp).
func eximLocal(t *testing.T, env mtaEnv) (routers, transports string) {
	// Exim run with -C gives up root ("exim user lost privilege for
	// using -C option", its log says): its deliveries run as the Exim
	// user, who owns the mailboxes.
	mail, vmail := filepath.Join(env.dir, "exim-mail"), filepath.Join(env.dir, "exim-vmail")
	for _, d := range []string{mail, vmail} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	u, err := user.Lookup("Debian-exim")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	mtaFillMailbox(t, filepath.Join(mail, "nobody"), uid, gid)
	mtaFillMaildir(t, filepath.Join(vmail, "overquota"), uid, gid)
	// Aliases to delivery programs and a forwarding loop: a redirect
	// router (Exim specification, "The redirect router") whose pipes the
	// pipe transport runs.
	mtaExitPrograms(t, env.dir)
	var al strings.Builder
	for _, a := range mtaAliasList(env.dir) {
		fmt.Fprintf(&al, "%s: %s\n", a[0], a[1])
	}
	aliasFile := filepath.Join(env.dir, "exim-aliases")
	mtaWrite(t, aliasFile, al.String())
	routers = `aliases:
  driver = redirect
  domains = local.test
  data = ${lookup{$local_part}lsearch{` + aliasFile + `}}
  pipe_transport = address_pipe
  file_transport = address_file

localuser:
  driver = accept
  domains = local.test
  local_parts = nobody
  transport = local_mbox

vmailbox:
  driver = accept
  domains = vmail.test
  local_parts = overquota
  transport = vmail_maildir

`
	transports = fmt.Sprintf(`address_file:
  driver = appendfile
  user = Debian-exim
  group = Debian-exim

address_pipe:
  driver = pipe
  user = Debian-exim
  group = Debian-exim

local_mbox:
  driver = appendfile
  file = %[1]s/${local_part_data}
  user = Debian-exim
  group = Debian-exim
  quota = %[4]d

vmail_maildir:
  driver = appendfile
  directory = %[2]s/${local_part_data}
  maildir_format
  user = Debian-exim
  group = Debian-exim
  quota = %[3]d

`, mail, vmail, mtaMailboxLimit, mtaMailboxFill-1)
	if env.lmtp != 0 {
		routers += `lmtp:
  driver = manualroute
  domains = lmtp.test
  route_list = * 127.0.0.1
  transport = lmtp_dovecot
  self = send

`
		transports += fmt.Sprintf(`lmtp_dovecot:
  driver = smtp
  protocol = lmtp
  port = %d
  allow_localhost
  connect_timeout = 3s
  command_timeout = 3s

`, env.lmtp)
	}
	return routers, transports
}

// eximRetry is the retry rule's times: none (fail at once), or every
// second for a day when the delay warning is wanted.
func eximRetry(env mtaEnv) string {
	if env.delay {
		return "F,1d,1s"
	}
	return ""
}

// killPidFile ends the daemon whose process id the file holds.
func killPidFile(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var pid int
	if _, err := fmt.Sscan(strings.TrimSpace(string(b)), &pid); err != nil || pid <= 1 {
		return
	}
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

// startOpenSMTPD runs OpenSMTPD (Debian's opensmtpd, unpacked) with a
// private smtpd.conf, in a namespace of its own. It needs the opensmtpd and opensmtpq users (.ci/mtas creates them, as the
// package's postinst does). "queue ttl" bounds how long a message may wait
// (smtpd.conf(5)).
func startOpenSMTPD(t *testing.T, env mtaEnv) (func(), func(), error) {
	smtpd := filepath.Join(env.root, "usr/sbin/smtpd")
	if _, err := os.Stat(smtpd); err != nil {
		return nil, nil, err
	}
	for _, u := range []string{"opensmtpd", "opensmtpq"} {
		if err := exec.Command("id", u).Run(); err != nil {
			return nil, nil, fmt.Errorf("user %s missing (run .ci/mtas)", u)
		}
	}
	// Its compiled-in paths, /var/spool/smtpd (mode 711), the chroot
	// /var/lib/opensmtpd/empty and the control socket's /run, are
	// private folders mounted over /var/spool, /var/lib and /run.
	spool := filepath.Join(env.dir, "var-spool")
	varlib := filepath.Join(env.dir, "var-lib")
	run := filepath.Join(env.dir, "run")
	for _, d := range []string{filepath.Join(spool, "smtpd"), filepath.Join(varlib, "opensmtpd/empty"), run} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, nil, err
		}
	}
	if err := os.Chmod(filepath.Join(spool, "smtpd"), 0o711); err != nil {
		return nil, nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "table pipeusers file:%s\n", filepath.Join(env.dir, "pipe-users"))
	if env.delay {
		// smtpd.conf(5): "bounce warn-interval", the delays after which
		// a warning is sent.
		b.WriteString("queue ttl 1d\nbounce warn-interval 2s\n")
	} else {
		b.WriteString("queue ttl 2s\n")
	}
	fmt.Fprintf(&b, "smtp max-message-size 10M\nlisten on 127.0.0.1 port %d hostname mta.opensmtpd.test\n", env.listen)
	for i, r := range mtaRoutes {
		scheme := "smtp"
		if r[0] == "tls.test" {
			scheme = "smtp+tls" // STARTTLS required (smtpd.conf(5), relay host)
		}
		fmt.Fprintf(&b, "action \"r%d\" relay host %s://%s:%d helo mta.opensmtpd.test\n", i, scheme, r[1], env.port)
		fmt.Fprintf(&b, "match from any for domain \"%s\" action \"r%d\"\n", r[0], i)
	}
	if env.lmtp != 0 {
		// smtpd.conf(5): "lmtp destination [rcpt-to]" delivers to an
		// LMTP server at host:port (its mail.lmtp program), with the
		// recipient's address as RCPT TO; "userbase <table>" looks the
		// local parts up in a userinfo table (table(5): "name
		// uid:gid:home") instead of getpwnam(3). The table knows both
		// matrix users; Dovecot's userdb knows one.
		users := filepath.Join(env.dir, "lmtp-users")
		mtaWrite(t, users, fmt.Sprintf("lmtpfull %[1]d:%[1]d:/nonexistent\nlmtpnouser %[1]d:%[1]d:/nonexistent\n", mtaNobody))
		fmt.Fprintf(&b, "table lmtpusers file:%s\naction \"lmtp\" lmtp \"127.0.0.1:%d\" rcpt-to userbase <lmtpusers>\nmatch from any for domain \"lmtp.test\" action \"lmtp\"\n", users, env.lmtp)
	}
	// Delivery programs that exit with a sysexits.h code (mtaAliases):
	// smtpd.conf(5) "mda command", run for the recipient's user of a
	// userinfo table, chosen by "for rcpt-to".
	mtaExitPrograms(t, env.dir)
	pusers := filepath.Join(env.dir, "pipe-users")
	var pu strings.Builder
	for _, a := range mtaAliasList(env.dir) {
		if prog, ok := strings.CutPrefix(a[1], "|"); ok {
			fmt.Fprintf(&pu, "%s %d:%d:/nonexistent\n", a[0], mtaNobody, mtaNobody)
			fmt.Fprintf(&b, "action \"%[1]s\" mda \"%[2]s\" userbase <pipeusers>\nmatch from any for rcpt-to \"%[1]s@local.test\" action \"%[1]s\"\n", a[0], prog)
		}
	}
	mtaWrite(t, pusers, pu.String())
	b.WriteString("action \"mx\" relay helo mta.opensmtpd.test\nmatch from any for any action \"mx\"\n")
	conf := filepath.Join(env.dir, "smtpd.conf")
	mtaWrite(t, conf, b.String())
	if out, err := exec.Command(smtpd, "-n", "-f", conf).CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("smtpd -n: %v %s", err, out)
	}
	logf := filepath.Join(env.dir, "smtpd.log")
	// -d keeps it in the foreground, logging to stderr: it is started in
	// the background and ended by its process id.
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		"set -e; mount --bind \"$MTA_RESOLV\" /etc/resolv.conf; mount --bind \"$B0\" /var/spool; "+
			"mount --bind \"$B1\" /var/lib; mount --bind \"$B2\" /run; mount --bind \"$B3\" /usr/libexec; exec \"$0\" -d -f \"$1\" >\"$2\" 2>&1", smtpd, conf, logf)
	// Its delivery programs (mail.lmtp, ...) are found under its
	// compiled-in /usr/libexec/opensmtpd: the unpacked usr/libexec is
	// mounted over /usr/libexec.
	cmd.Env = append(os.Environ(), "MTA_RESOLV="+env.resolv, "B0="+spool, "B1="+varlib, "B2="+run, "B3="+filepath.Join(env.root, "usr/libexec"))
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return nil, nil, fmt.Errorf("smtpd exited: %v\n%s", err, mtaLog(env.dir))
	case <-time.After(time.Second):
	}
	stop := func() {
		_ = cmd.Process.Kill()
		<-done
	}
	return nil, stop, nil
}

// startSendmail runs Sendmail (Debian's sendmail-bin, unpacked) with a
// sendmail.cf built by m4 from sendmail-cf, a private queue, a
// mailertable for the static routes, and Timeout.queuereturn of one
// second: the queue run after it returns what is still queued
// (sendmail's cf/README, confTO_QUEUERETURN). An access map entry
// TLS_Srv:127.0.0.6 ENCR:112 requires TLS towards that host (cf/README,
// "STARTTLS").
func startSendmail(t *testing.T, env mtaEnv) (func(), func(), error) {
	sendmail := filepath.Join(env.root, "usr/libexec/sendmail/sendmail")
	makemap := filepath.Join(env.root, "usr/sbin/makemap")
	cfdir := filepath.Join(env.root, "usr/share/sendmail/cf")
	for _, p := range []string{sendmail, makemap, cfdir} {
		if _, err := os.Stat(p); err != nil {
			return nil, nil, err
		}
	}
	m4, err := exec.LookPath("m4")
	if err != nil {
		return nil, nil, errors.New("m4 not installed (Debian package m4), needed to build sendmail.cf")
	}
	queue := filepath.Join(env.dir, "mqueue")
	if err := os.MkdirAll(queue, 0o700); err != nil {
		return nil, nil, err
	}
	var mt strings.Builder
	for _, r := range mtaRoutes {
		fmt.Fprintf(&mt, "%s\tesmtp:[%s]\n", r[0], r[1])
	}
	// LMTP to Dovecot through the cyrusv2 mailer (cf/mailer/cyrusv2.m4:
	// P=[IPC], F=...z, the LMTP flag; its CYRUSV2_MAILER_ARGS, by default
	// "FILE <socket>", may name "TCP host port" instead). Its optional
	// flags (CYRUSV2_MAILER_FLAGS, by default "A@/:|m") are left out:
	// with A, aliasing, it looks the recipient up in an alias database
	// this private instance does not have, and queues the message.
	lmtpMailer := ""
	if env.lmtp != 0 {
		fmt.Fprintf(&mt, "lmtp.test\tcyrusv2:lmtp.test\n")
		lmtpMailer = fmt.Sprintf("define(`CYRUSV2_MAILER_ARGS', `TCP [127.0.0.1] %d')dnl\ndefine(`CYRUSV2_MAILER_FLAGS', `m')dnl\nMAILER(`cyrusv2')dnl\n", env.lmtp)
	}
	mtaWrite(t, filepath.Join(env.dir, "mailertable"), mt.String())
	mtaWrite(t, filepath.Join(env.dir, "access"), "TLS_Srv:127.0.0.6\tENCR:112\nConnect:127.0.0.1\tRELAY\n")
	mc := fmt.Sprintf("divert(-1)\ndivert(0)dnl\n"+
		"include(`%[1]s/m4/cf.m4')dnl\n"+
		"OSTYPE(`linux')dnl\n"+
		"define(`confDOMAIN_NAME', `mta.sendmail.test')dnl\n"+
		"define(`QUEUE_DIR', `%[2]s')dnl\n"+
		"define(`confPID_FILE', `%[3]s/sendmail.pid')dnl\n"+
		"define(`STATUS_FILE', `%[3]s/statistics')dnl\n"+
		"define(`confHOST_STATUS_DIRECTORY', `')dnl\n"+
		"define(`confTO_QUEUERETURN', `%[6]s')dnl\n"+
		"define(`confTO_QUEUEWARN', `%[7]s')dnl\n"+
		"define(`confTO_CONNECT', `3s')dnl\n"+
		"define(`confTO_ICONNECT', `3s')dnl\n"+
		"define(`confTO_INITIAL', `3s')dnl\n"+
		"define(`confTO_HELO', `3s')dnl\n"+
		"define(`confMIN_QUEUE_AGE', `0s')dnl\n"+
		"define(`confDONT_PROBE_INTERFACES', `True')dnl\n"+
		"define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath')dnl\n"+
		"define(`confDELIVERY_MODE', `background')dnl\n"+
		"define(`confSERVICE_SWITCH_FILE', `%[3]s/service.switch')dnl\n"+
		"define(`confHOSTS_FILE', `%[3]s/hosts')dnl\n"+
		"define(`ESMTP_MAILER_ARGS', `TCP $h %[4]d')dnl\n"+
		"define(`confCACERT_PATH', `%[3]s')dnl\n"+
		"FEATURE(`nocanonify')dnl\n"+
		"FEATURE(`accept_unresolvable_domains')dnl\n"+
		"FEATURE(`mailertable', `hash %[3]s/mailertable')dnl\n"+
		"FEATURE(`access_db', `hash %[3]s/access')dnl\n"+
		"DAEMON_OPTIONS(`Port=%[5]d, Addr=127.0.0.1, Name=MTA')dnl\n"+
		"MAILER(`smtp')dnl\n"+lmtpMailer, cfdir, queue, env.dir, env.port, env.listen, sendmailTimeouts(env)[0], sendmailTimeouts(env)[1])
	// Sendmail wants a fully qualified name for its host at start (it
	// waits a minute without one): an /etc/hosts of its namespace gives
	// the machine's name one.
	host, _ := os.Hostname()
	hosts := filepath.Join(env.dir, "hosts")
	mtaWrite(t, filepath.Join(env.dir, "service.switch"), "hosts files dns\naliases files\n")
	mtaWrite(t, hosts, "127.0.0.1 localhost\n127.0.0.1 "+host+".sendmail.test "+host+" mta.sendmail.test\n")
	mtaWrite(t, filepath.Join(env.dir, "sendmail.mc"), mc)
	cfOut, err := exec.Command(m4, filepath.Join(env.dir, "sendmail.mc")).Output()
	if err != nil {
		return nil, nil, fmt.Errorf("m4: %v", err)
	}
	cf := filepath.Join(env.dir, "sendmail.cf")
	mtaWrite(t, cf, string(cfOut))
	for _, m := range []string{"mailertable", "access"} {
		cmd := exec.Command(makemap, "-C", cf, "hash", filepath.Join(env.dir, m))
		in, _ := os.Open(filepath.Join(env.dir, m))
		cmd.Stdin = in
		out, err := cmd.CombinedOutput()
		in.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("makemap %s: %v %s", m, err, out)
		}
	}
	if out, err := inNamespace(env, [][2]string{{"/etc/hosts", hosts}}, nil, sendmail, "-C", cf, "-bd", "-q2s", "-L", "mxkit-sendmail"); err != nil {
		return nil, nil, fmt.Errorf("sendmail -bd: %v %s", err, out)
	}
	stop := func() { killPidFile(filepath.Join(env.dir, "sendmail.pid")) }
	return nil, stop, nil
}

// sendmailTimeouts are Timeout.queuereturn and Timeout.queuewarn
// (cf/README, confTO_QUEUERETURN, confTO_QUEUEWARN): return at once, or
// warn after a second and keep the message for a day.
func sendmailTimeouts(env mtaEnv) [2]string {
	if env.delay {
		return [2]string{"1d", "1s"}
	}
	return [2]string{"1s", "1h"}
}

// startDMA prepares the DragonFly Mail Agent (Debian's dma, unpacked).
// dma has no SMTP listener and no daemon (dma(8): it "does not listen on
// port 25"): each submission (submitDMA) is a run of the program, as
// sendmail(8), and so is each queue run (flush, "dma -q"). It reads its
// configuration from the compiled-in /etc/dma/dma.conf, which has no
// command-line option to name another (dma.c, main: parse_conf(CONF_PATH
// "/dma.conf"); -C is among the sendmail options it ignores): every run is
// made in a mount namespace whose /etc is an overlay of the system's,
// with this instance's dma.conf in its upper layer (dmaCommand), so the
// system's /etc is not touched. dma.conf (dma(8), PARAMETERS): SPOOLDIR
// this instance's spool, MAILNAME its host name, ALIASES an empty file,
// and DEFER, which only queues what is submitted ("You have to submit
// your mails manually with dma -q", the package's dma.conf).
//
// dma gives up on a temporary failure only when the queue file is older
// than MAX_TIMEOUT, five days, compiled in (dma.h; dma.c, deliver():
// "Could not deliver for the last %d seconds. Giving up."), and it never
// warns of a delay. flush dates the queued files back six days (the age
// deliver() reads is the queue file's modification time) before each
// queue run, so that a temporary failure is final at once, as a queue
// lifetime of zero makes it for the others. dma drops root for the
// "mail" user (dma.c, main: DMA_ROOT_USER), who owns the spool.
func startDMA(t *testing.T, env mtaEnv) (func(), func(), error) {
	uid, gid, err := mtaProgramUser(filepath.Join(env.root, "usr/sbin/dma"), "mail")
	if err != nil {
		return nil, nil, err
	}
	spool := filepath.Join(env.dir, "spool")
	for _, d := range []string{spool, filepath.Join(env.dir, "etc-upper", "dma"), filepath.Join(env.dir, "etc-work")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, nil, err
		}
	}
	mtaChown(t, uid, gid, spool)
	mtaWrite(t, filepath.Join(env.dir, "aliases"), "")
	mtaWrite(t, filepath.Join(env.dir, "etc-upper", "dma", "dma.conf"), fmt.Sprintf(
		"SPOOLDIR %[1]s\nMAILNAME mta.dma.test\nALIASES %[2]s/aliases\nDEFER\n", spool, env.dir))
	flush := func() {
		old := time.Now().Add(-6 * 24 * time.Hour)
		entries, _ := os.ReadDir(spool)
		for _, e := range entries {
			if e.Type().IsRegular() {
				_ = os.Chtimes(filepath.Join(spool, e.Name()), old, old)
			}
		}
		if out, err := dmaCommand(env, nil, "-q"); err != nil {
			t.Logf("dma -q: %v %s", err, out)
		}
	}
	stop := func() { dmaKill(env) }
	return flush, stop, nil
}

// submitDMA hands a message to dma on its standard input, the envelope
// sender and recipients on its command line (dma(8): "-f sender",
// "recipient ..."), with the local line ends of a program's input.
func submitDMA(env mtaEnv, name string, rcpts []string) error {
	msg := strings.ReplaceAll(mtaMessage(name, rcpts), "\r\n", "\n")
	out, err := dmaCommand(env, strings.NewReader(msg), append([]string{"-f", mtaSender}, rcpts...)...)
	if err != nil {
		return fmt.Errorf("dma: %v %s", err, out)
	}
	return nil
}

// dmaCommand runs dma with args in a mount namespace where /etc is an
// overlay with this instance's dma.conf and env.resolv is /etc/resolv.conf.
// The processes it leaves running (a queue run goes to the background,
// dma.c go_background) carry MXKIT_DMA=env.dir, by which dmaKill finds
// them.
func dmaCommand(env mtaEnv, stdin io.Reader, args ...string) ([]byte, error) {
	script := "set -e; mount -t overlay overlay -o \"lowerdir=/etc,upperdir=$DIR/etc-upper,workdir=$DIR/etc-work\" /etc; " +
		"mount --bind \"$MTA_RESOLV\" /etc/resolv.conf; exec \"$@\""
	return mtaUnshare(env, "dma", script, stdin, []string{"MXKIT_DMA=" + env.dir},
		append([]string{filepath.Join(env.root, "usr/sbin/dma")}, args...)...)
}

// mtaProgramUser checks that the MTA's program exists and returns the
// ids of the user it runs as.
func mtaProgramUser(program, name string) (uid, gid int, err error) {
	if _, err := os.Stat(program); err != nil {
		return 0, 0, err
	}
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, fmt.Errorf("%s runs as the user %s: %w", filepath.Base(program), name, err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, nil
}

// mtaUnshare runs the shell script with argv as its "$@" in a mount
// namespace of its own, with DIR (env.dir), ROOT (env.root), MTA_RESOLV
// (env.resolv) and vars in its environment, stdin as its input and its
// output in a file of env.dir named after prefix, which is returned.
func mtaUnshare(env mtaEnv, prefix, script string, stdin io.Reader, vars []string, argv ...string) ([]byte, error) {
	cmd := exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c", script, "sh"}, argv...)...)
	cmd.Env = append(append(os.Environ(), "DIR="+env.dir, "ROOT="+env.root, "MTA_RESOLV="+env.resolv), vars...)
	cmd.Stdin = stdin
	out, err := os.CreateTemp(env.dir, prefix+"-*.out")
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Run()
	b, _ := os.ReadFile(out.Name())
	return b, err
}

// mtaKillProcs ends, by their process ids, the processes whose
// /proc/<pid>/<file> holds want.
func mtaKillProcs(file, want string) {
	procs, _ := filepath.Glob("/proc/[0-9]*/" + file)
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), want) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil && pid > 1 && pid != os.Getpid() {
			if pr, err := os.FindProcess(pid); err == nil {
				_ = pr.Kill()
			}
		}
	}
}

// dmaKill ends the dma processes this instance left, found by the
// MXKIT_DMA variable dmaCommand gave them, by their process ids.
func dmaKill(env mtaEnv) {
	mtaKillProcs("environ", "\x00MXKIT_DMA="+env.dir+"\x00")
}

// startCourier runs the Courier mail server 1.0 unpacked from Debian's
// courier-mta and courier-base (and courier-authlib's libraries). Its
// paths are compiled in (courier(8): configuration in /etc/courier,
// the queue in /var/lib/courier; courierctl.start runs
// /usr/lib/courier/courier/courierd with the environment of
// /etc/courier/courierd alone, "env -i"), so every command runs in a
// mount namespace (courierCommand) where /etc, /usr/lib, /usr/bin and
// /usr/sbin are read-only overlays with this instance's configuration
// and the unpacked package above the system's, and /var/lib/courier and
// /run/courier are this instance's folders, owned by the courier user
// its postinst creates. Messages are given to its sendmail wrapper
// (submitCourier), which puts them in the queue itself, so no esmtpd
// listens.
//
// The configuration files (courier(8)): me, defaultdomain and locals name
// this host; esmtproutes routes each receiver's domain to its address and
// port ("domain:relay[,port][/SECURITY=REQUIRED]", the last "Must use the
// STARTTLS extension" for tls.test); esmtptimeoutconnect and
// esmtptimeouthelo (the greeting and EHLO) are three seconds. A
// temporary failure is retried "for the duration of time specified by"
// queuetime, one second here, retryalpha and retrygamma one second
// apart: the second attempt finds it expired and returns it, as a queue
// lifetime of zero does for the others. For the delay warning, queuetime
// is a day and warntime ("If a message still has not been delivered
// after this period of time, the Courier mail server sends a warning
// message (a "delayed" Delivery Status Notification)") one second.
func startCourier(t *testing.T, env mtaEnv) (func(), func(), error) {
	// courier-base's postinst creates the user courier (.ci/mtas does
	// it here).
	uid, gid, err := mtaProgramUser(filepath.Join(env.root, "usr/lib/courier/courier/courierd"), "courier")
	if err != nil {
		return nil, nil, err
	}
	conf := filepath.Join(env.dir, "etc-top", "courier")
	spool, run := filepath.Join(env.dir, "spool"), filepath.Join(env.dir, "run")
	for _, d := range []string{filepath.Dir(conf), filepath.Join(env.dir, "varlib-top", "courier"), filepath.Join(env.dir, "run-top", "courier"), spool, run} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range [][2]string{{"etc/courier", conf}, {"var/lib/courier/.", spool + "/"}} {
		if out, err := exec.Command("cp", "-a", env.root+"/"+c[0], c[1]).CombinedOutput(); err != nil {
			return nil, nil, fmt.Errorf("cp %s: %v %s", c[0], err, out)
		}
	}
	if err := filepath.Walk(spool, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	}); err != nil {
		return nil, nil, err
	}
	mtaChown(t, uid, gid, run)
	// Courier logs to syslog(3) only: /dev/log, in the namespace, is
	// this instance's socket, read into maillog (for mtaLog).
	mtaWrite(t, filepath.Join(env.dir, "dev-top", "log"), "")
	stopLog, err := courierSyslog(env.dir)
	if err != nil {
		return nil, nil, err
	}
	var routes []string
	for _, r := range mtaRoutes {
		route := fmt.Sprintf("%s:[%s],%d", r[0], r[1], env.port)
		if r[0] == "tls.test" {
			route += "/SECURITY=REQUIRED"
		}
		routes = append(routes, route)
	}
	files := map[string]string{
		"me":                  "mta.courier.test",
		"defaultdomain":       "courier.test",
		"locals":              "mta.courier.test",
		"esmtproutes":         strings.Join(routes, "\n"),
		"esmtptimeoutconnect": "3",
		"esmtptimeouthelo":    "3",
		"esmtptimeout":        "10",
		"esmtpdelay":          "1",
		"retryalpha":          "1s",
		"retrygamma":          "1s",
		"queuetime":           "1s",
	}
	if env.delay {
		files["queuetime"], files["warntime"], files["retryalpha"], files["retrygamma"] = "1d", "1s", "2s", "2s"
	}
	for name, content := range files {
		mtaWrite(t, filepath.Join(conf, name), content+"\n")
	}
	if out, err := courierCommand(env, nil, "/usr/sbin/courier", "start"); err != nil {
		stopLog()
		return nil, nil, fmt.Errorf("courier start: %v %s", err, out)
	}
	stop := func() {
		if out, err := courierCommand(env, nil, "/usr/sbin/courier", "stop"); err != nil {
			t.Logf("courier stop: %v %s", err, out)
		}
		courierKill(env)
		stopLog()
	}
	return nil, stop, nil
}

// submitCourier hands a message to Courier's sendmail wrapper
// (sendmail(1): "-f address", the recipients on the command line, "-N"
// the notifications asked for), with the local line ends of a program's
// input.
func submitCourier(env mtaEnv, name string, rcpts []string) error {
	msg := strings.ReplaceAll(mtaMessage(name, rcpts), "\r\n", "\n")
	out, err := courierCommand(env, strings.NewReader(msg), append([]string{"/usr/sbin/sendmail", "-f", mtaSender, "-N", "fail,delay", "--"}, rcpts...)...)
	if err != nil {
		return fmt.Errorf("courier's sendmail: %v %s", err, out)
	}
	return nil
}

// courierCommand runs argv in a mount namespace of its own where Courier
// finds this instance (startCourier): read-only overlays of /etc (with
// etc-top/courier), /var/lib and /run (with the mount points of the
// spool and run folders, bound there), and /usr/lib, /usr/bin and
// /usr/sbin (the unpacked package above the system's). The daemons it
// starts stay in that namespace, with /dev/log the socket of
// courierSyslog.
func courierCommand(env mtaEnv, stdin io.Reader, argv ...string) ([]byte, error) {
	script := `set -e
mount -t overlay overlay -o "lowerdir=$DIR/etc-top:/etc" /etc
mount --bind "$MTA_RESOLV" /etc/resolv.conf
mount -t overlay overlay -o "lowerdir=$DIR/varlib-top:/var/lib" /var/lib
mount --bind "$DIR/spool" /var/lib/courier
mount -t overlay overlay -o "lowerdir=$DIR/run-top:/run" /run
mount --bind "$DIR/run" /run/courier
mount -t overlay overlay -o "lowerdir=$DIR/dev-top:/dev" /dev
mount --bind "$DIR/log.sock" /dev/log
for d in lib bin sbin; do mount -t overlay overlay -o "lowerdir=$ROOT/usr/$d:/usr/$d" /usr/$d; done
exec "$@"`
	return mtaUnshare(env, "courier", script, stdin, nil, argv...)
}

// courierKill ends the processes this instance left: courierctl.start
// clears their environment (env -i), so they are found by their mount
// namespace, whose mounts name this instance's folder.
func courierKill(env mtaEnv) {
	mtaKillProcs("mountinfo", "lowerdir="+env.dir+"/etc-top")
}

// courierSyslog reads the syslog(3) datagrams sent to dir/log.sock into
// dir/maillog until the function it returns is called.
func courierSyslog(dir string) (func(), error) {
	sock := filepath.Join(dir, "log.sock")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(sock, 0o666); err != nil {
		c.Close()
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "maillog"))
	if err != nil {
		c.Close()
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 8192)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			fmt.Fprintf(f, "%s\n", strings.TrimRight(string(buf[:n]), "\n\x00"))
		}
	}()
	return func() { c.Close(); <-done; f.Close() }, nil
}

// mtaSmarthost is the address of the receivers for an MTA that relays
// everything to one smart host (nullmailer): they answer as the scripted
// receivers do and hand what they accept for the sender's domain to the
// catcher (startMTASmarthost), so that the MTA's own DSN, which it sends
// to the same host, reaches the catcher.
const mtaSmarthost = "127.0.0.7"

// startNullmailer runs nullmailer 2.2 unpacked from Debian's nullmailer.
// nullmailer relays every message to the hosts in /etc/nullmailer/remotes
// (nullmailer-send(8): "Delivery of messages consists of reading the
// list of remote servers and then trying to deliver the messages to
// these servers"), with no MX lookup and no route by domain: its one
// remote here is the smart host (mtaSmarthost, the receivers' port, "smtp
// port=PORT" as PROTOCOL OPTIONS lists it). Its paths are compiled in
// (/etc/nullmailer, /var/spool/nullmailer, /usr/lib/nullmailer, the
// programs in /usr/sbin and /usr/bin, as nullmailer-send(8) FILES and
// the binaries' strings show), so every command runs in a mount
// namespace (nullmailerCommand) where /etc, /usr/lib, /usr/bin and
// /usr/sbin are read-only overlays with this instance's configuration
// and the unpacked package above the system's, and /var/spool/nullmailer
// is this instance's folder (queue, tmp, failed and the trigger pipe, as
// the package's postinst makes them), owned by the user mail that
// Debian's nullmailer.service runs nullmailer-send as (User=mail) and
// nullmailer-queue is set-uid to.
//
// A failed message is "moved into the failed queue and a bounce message
// is generated with nullmailer-dsn" when "the protocol handler reports a
// permanent failure or the message has been in the queue longer than
// queuelifetime" (nullmailer-send(8)); nullmailer-dsn(1) queues the DSN
// for the original sender, and nullmailer-send relays it to the same
// remote. queuelifetime is one second and pausetime ("The minimum time
// to pause between successive queue runs when there are messages in the
// queue") one second with maxpause one second, so that a temporary
// failure is final at the next queue run, as a queue lifetime of zero
// makes it for the others; sendtimeout ("The time to wait for a remote
// module ... to complete sending a message before killing it") is ten
// seconds. Debian's nullmailer reads the host name from /etc/mailname
// (the binaries' warning: "nullmailer's 'me' is disregarded"), which the
// /etc overlay holds too.
func startNullmailer(t *testing.T, env mtaEnv) (func(), func(), error) {
	uid, gid, err := mtaProgramUser(filepath.Join(env.root, "usr/sbin/nullmailer-send"), "mail")
	if err != nil {
		return nil, nil, err
	}
	conf := filepath.Join(env.dir, "etc-top", "nullmailer")
	spool := filepath.Join(env.dir, "spool")
	for _, d := range []string{conf, filepath.Join(spool, "queue"), filepath.Join(spool, "tmp"), filepath.Join(spool, "failed")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, nil, err
		}
	}
	if err := syscall.Mkfifo(filepath.Join(spool, "trigger"), 0o600); err != nil {
		return nil, nil, err
	}
	mtaChown(t, uid, gid, spool)
	for _, sub := range []string{"queue", "tmp", "failed", "trigger"} {
		mtaChown(t, uid, gid, filepath.Join(spool, sub))
	}
	mtaWrite(t, filepath.Join(env.dir, "etc-top", "mailname"), "mta.nullmailer.test\n")
	files := map[string]string{
		"remotes":       fmt.Sprintf("%s smtp port=%d", mtaSmarthost, env.port),
		"me":            "mta.nullmailer.test",
		"defaultdomain": "nullmailer.test",
		"pausetime":     "1",
		"maxpause":      "1",
		"queuelifetime": "1",
		"sendtimeout":   "10",
	}
	for name, content := range files {
		mtaWrite(t, filepath.Join(conf, name), content+"\n")
	}
	log, err := os.Create(filepath.Join(env.dir, "nullmailer.log"))
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", nullmailerMounts+`exec setpriv --reuid=mail --regid=mail --init-groups "$@"`, "sh", "/usr/sbin/nullmailer-send")
	cmd.Env = append(os.Environ(), "DIR="+env.dir, "ROOT="+env.root, "MTA_RESOLV="+env.resolv)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); log.Close(); close(done) }()
	stop := func() {
		_ = cmd.Process.Kill()
		nullmailerKill(env)
		<-done
	}
	return nil, stop, nil
}

// nullmailerMounts makes the namespace of startNullmailer.
const nullmailerMounts = `set -e
mount -t overlay overlay -o "lowerdir=$DIR/etc-top:/etc" /etc
mount --bind "$MTA_RESOLV" /etc/resolv.conf
mkdir -p "$DIR/varspool-top/nullmailer"
mount -t overlay overlay -o "lowerdir=$DIR/varspool-top:/var/spool" /var/spool
mount --bind "$DIR/spool" /var/spool/nullmailer
for d in lib bin sbin; do mount -t overlay overlay -o "lowerdir=$ROOT/usr/$d:/usr/$d" /usr/$d; done
`

// submitNullmailer hands a message to nullmailer's sendmail
// (nullmailer-inject(1)'s sendmail interface: "-f sender", the
// recipients on the command line), with the local line ends of a
// program's input; nullmailer-queue pulls the trigger.
func submitNullmailer(env mtaEnv, name string, rcpts []string) error {
	msg := strings.ReplaceAll(mtaMessage(name, rcpts), "\r\n", "\n")
	out, err := mtaUnshare(env, "nullmailer", nullmailerMounts+`exec "$@"`, strings.NewReader(msg), nil,
		append([]string{"/usr/sbin/sendmail", "-f", mtaSender}, rcpts...)...)
	if err != nil {
		return fmt.Errorf("nullmailer's sendmail: %v %s", err, out)
	}
	return nil
}

// nullmailerKill ends the processes this instance left (the protocol
// modules nullmailer-send runs), found by their mount namespace.
func nullmailerKill(env mtaEnv) {
	mtaKillProcs("mountinfo", "lowerdir="+env.dir+"/etc-top")
}

// startHaraka runs Haraka 3.3 (the Node.js MTA, npm's Haraka, installed
// by .ci/mtas with npm install --prefix into $MXKIT_MTA_ROOT/haraka) from
// a private folder made by "haraka -i" (its configuration root, given to
// "haraka -c"; the outbound queue is its "queue" folder, outbound/
// queue.js). Its SMTP listener (smtp.ini "listen") takes the matrix's
// messages from 127.0.0.1, which the relay plugin's ACL lets relay
// (haraka-plugin-relay README, "ACL": relay.ini [relay] acl=true and
// relay_acl_allow); a relayed message is queued for outbound delivery
// (docs/Outbound.md: "A mail is treated as outbound when a plugin sets
// connection.relaying to true"). Outbound delivery is routed by a plugin
// of this instance on the get_mx hook (docs/Outbound.md, "get_mx": a
// plugin answers next(OK, mx) with an exchange and port, or leaves the
// domain to the DNS): the receivers by domain, lmtp.test to Dovecot with
// using_lmtp, nx.test and nullmx.test to Node's resolver, which reads the
// namespace's resolv.conf. outbound.ini: temp_fail_intervals = none
// ("none bounces on first temp-fail", docs/Outbound.md), so that a
// temporary failure is final at once, and connect_timeout = 3 (the
// socket's idle timeout, outbound/client_pool.js get_client, which also
// bounds the wait for the greeting). tls.ini [outbound] force_tls_hosts
// names 127.0.0.6: outbound/hmail.js get_force_tls, and
// process_ehlo_data fails the attempt with "No TLS available but
// required by configuration." where STARTTLS is not offered. The bounce
// goes to the envelope sender (hmail.js bounce_respond, through
// outbound.send_email), routed to the catcher like any other domain.
func startHaraka(t *testing.T, env mtaEnv) (func(), func(), error) {
	haraka := filepath.Join(env.root, "node_modules/Haraka/bin/haraka")
	if _, err := os.Stat(haraka); err != nil {
		return nil, nil, fmt.Errorf("Haraka is not installed in %s (npm install --prefix %s Haraka, as .ci/mtas does): %w", env.root, env.root, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, nil, errors.New("node (Node.js) not found, needed to run Haraka")
	}
	cfg := filepath.Join(env.dir, "haraka")
	if out, err := exec.Command(node, haraka, "-i", cfg).CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("haraka -i: %v %s", err, out)
	}
	routes := map[string]map[string]any{}
	for _, r := range mtaRoutes {
		routes[r[0]] = map[string]any{"exchange": r[1], "port": env.port}
	}
	if env.lmtp != 0 {
		routes["lmtp.test"] = map[string]any{"exchange": "127.0.0.1", "port": env.lmtp, "using_lmtp": true}
	}
	rj, err := json.Marshal(routes)
	if err != nil {
		return nil, nil, err
	}
	mtaWrite(t, filepath.Join(cfg, "plugins", "mxkit_routes.js"), "'use strict'\n"+
		"// The matrix's static routes; other domains are left to the DNS.\n"+
		"const routes = "+string(rj)+"\n"+
		"exports.hook_get_mx = function (next, hmail, domain) {\n"+
		"    const mx = routes[domain.toLowerCase()]\n"+
		"    if (mx) return next(OK, mx)\n"+
		"    next()\n"+
		"}\n")
	files := map[string]string{
		"me":              "mta.haraka.test",
		"plugins":         "relay\nmxkit_routes",
		"smtp.ini":        fmt.Sprintf("listen=127.0.0.1:%d\n", env.listen),
		"relay.ini":       "[relay]\nacl=true\n",
		"relay_acl_allow": "127.0.0.0/8",
		"outbound.ini":    "temp_fail_intervals=none\nconnect_timeout=3\n",
		"tls.ini":         "[outbound]\nforce_tls_hosts[]=127.0.0.6\n",
		"log.ini":         "[main]\nlevel=info\n",
	}
	for name, content := range files {
		mtaWrite(t, filepath.Join(cfg, "config", name), content+"\n")
	}
	// The bounce's template: "The bounce body comes from
	// config/outbound.bounce_message" (docs/Outbound.md, "Bounce
	// Messages"), which "haraka -i" does not copy; without it the bounce
	// has no From:, To: or Subject: and an empty text part
	// (hmail.js, populate_bounce_message_with_headers). The package's
	// own is copied.
	tmpl, err := os.ReadFile(filepath.Join(env.root, "node_modules/Haraka/config/outbound.bounce_message"))
	if err != nil {
		return nil, nil, err
	}
	mtaWrite(t, filepath.Join(cfg, "config", "outbound.bounce_message"), string(tmpl))
	log, err := os.Create(filepath.Join(env.dir, "haraka.log"))
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		`set -e; mount --bind "$MTA_RESOLV" /etc/resolv.conf; exec "$@"`, "sh", node, haraka, "-c", cfg)
	cmd.Env = append(os.Environ(), "MTA_RESOLV="+env.resolv)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); log.Close() }()
	select {
	case err := <-done:
		return nil, nil, fmt.Errorf("haraka exited: %v\n%s", err, mtaLog(env.dir))
	case <-time.After(2 * time.Second):
	}
	stop := func() {
		_ = cmd.Process.Kill()
		<-done
	}
	return nil, stop, nil
}
