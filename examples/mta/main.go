// Command mta is a small outbound mail transfer agent built on mxkit: it
// accepts mail over SMTP submission (RFC 6409, AUTH PLAIN/LOGIN per RFC
// 4954, or from trusted networks) and an HTTP JSON API, queues it durably
// (embedded store or PostgreSQL), signs it with DKIM, delivers it direct to
// MX or through a relay with per-provider rate limits and source IP pools,
// retries on a schedule, returns RFC 3464 delivery status notifications
// for failed recipients, exposes Prometheus metrics, and posts delivery and
// bounce events to a webhook.
//
//	go run ./examples/mta -config examples/mta/mta.example.json
//
// Unless GOGC or GOMEMLIMIT are set, the garbage collector runs at
// GOGC=400 under a 1 GiB memory limit: CPU matters more than a few MiB.
//
// SIGINT or SIGTERM stops it gracefully: listeners close, in-flight
// deliveries finish (for up to -shutdown-timeout), buffered webhook events
// are posted and the queue is closed.
//
// # Configuration
//
// One JSON file; unknown fields are errors. Durations are Go duration
// strings ("90s", "5m", "120h") or numbers of seconds. Fields:
//
//	hostname            name in the SMTP greeting, EHLO, Received fields,
//	                    Message-IDs and DSNs (default: the system's name)
//	smtp.listen         submission listener, "host:port" ("" = none)
//	smtp.users          [{"username","password" or "password_hash","from"}]:
//	                    AUTH PLAIN and LOGIN logins (also HTTP Basic
//	                    credentials for the API). password_hash is a bcrypt
//	                    hash, as "mta -hash-password" prints it; from lists
//	                    the senders (envelope and From header) the user may
//	                    use ("a@example.com", "@example.com", "*"), by
//	                    default any address at the dkim.keys domains
//	smtp.tls_cert, smtp.tls_key
//	                    PEM files; when set, STARTTLS is offered
//	smtp.allow_insecure_auth
//	                    offer AUTH without TLS (default false: AUTH only
//	                    after STARTTLS)
//	smtp.trusted_networks
//	                    CIDRs or addresses that may send without AUTH, like
//	                    Postfix's mynetworks (e.g. ["127.0.0.0/8"]); anyone
//	                    else must authenticate before MAIL
//	smtp.max_message_bytes  largest message (default 32 MiB)
//	smtp.max_recipients     recipients per message (default 1000)
//	http.listen         API and metrics listener, "host:port" ("" = none)
//	http.api_tokens     bearer tokens for /api/*; with neither tokens nor
//	                    users configured the API is open (loopback only!)
//	queue.dir           embedded queue directory (bbolt, group commit)
//	queue.postgres_dsn  or a PostgreSQL queue (queue/pgstore); exactly one
//	queue.postgres_schema  its schema (default "mxkit_queue")
//	queue.retry_initial first retry delay (default 5m), doubling up to
//	queue.retry_max     (default ~67m), for at most
//	queue.max_age       (default 5 days), after which recipients fail as
//	                    expired (status 4.4.7) and are bounced
//	queue.lease_time    how long a worker holds a message (default 10m;
//	                    a crashed process's messages return after it)
//	dkim.keys           [{"domain","selector","key_file"}]: PEM private keys
//	                    (RSA 2048+ or Ed25519, PKCS#1 or PKCS#8); several
//	                    per domain all sign
//	dkim.dir            key directory, <dir>/<domain>/<selector>.pem
//	                    (dkim.DirStore: keys rotate without a restart)
//	dkim.canonicalization  header/body (RFC 6376 §3.4): "relaxed/relaxed"
//	                    (default), "relaxed/simple" (cheaper body hash), ...
//	                    A message is signed by the keys of its From domain
//	                    (or a parent domain); without one it goes unsigned.
//	delivery.workers    concurrent deliveries (default 64)
//	delivery.relay      "host:port" smarthost taking all mail; without it,
//	                    mail goes direct to each domain's MX hosts
//	delivery.relay_tls  verified (default), required, opportunistic, none
//	delivery.relay_username, delivery.relay_password
//	                    AUTH PLAIN at the relay (needs TLS)
//	delivery.dns_servers  resolvers "host:port" (default /etc/resolv.conf)
//	delivery.mx_port    port of MX hosts (default 25; for tests)
//	delivery.max_conns_per_host  sessions per destination (default 20)
//	delivery.max_messages_per_conn  transactions per session (default 100)
//	delivery.timeout    bound on one message's delivery attempt (default 5m)
//	delivery.limits     [{"name","hosts":["*.gmail.com",...],"rate":msgs/s,
//	                    "burst","per_host"}]: per-provider rate limits over
//	                    MX host name patterns (one shared limiter for the
//	                    group, or one per host with per_host)
//	delivery.source_ips [{"addr","weight"}]: local addresses to send from,
//	                    chosen by weight
//	dsn.disabled        send no DSNs (failed recipients, relayed notices)
//	dsn.return_full     return the whole message (default: its header only,
//	                    unless the sender asked RET=FULL)
//	dsn.max_returned_bytes  larger messages return only their header (1 MiB)
//	webhook.url         receives POSTs of JSON arrays of events
//	webhook.buffer      events held for posting (default 10000; beyond it
//	                    they are dropped and counted)
//	webhook.batch_size  events per POST (default 100)
//	webhook.max_attempts  tries per POST, backing off 0.5s..30s (default 8)
//	webhook.timeout     per POST (default 10s)
//	webhook.secret      if set, X-MTA-Signature: sha256=hex(HMAC(secret, body))
//	log.level           debug, info (default), warn, error
//	log.format          text (default) or json, on standard error
//
// # HTTP API
//
//	POST /api/send      {"from","to":[...],"raw":"whole message"} or
//	                    {"from","to":[...],"subject","text","headers":{}}
//	                    plus optional "campaign", "tenant", "idempotency_key";
//	                    202 {"id":"..."} once the message is durable
//	GET  /api/stats     {"queued","received","delivered","deferred","failed","signed"}:
//	                    messages in the queue now (this process's view),
//	                    messages received and recipient outcomes since start
//	POST /api/feedback  a returned message (DSN or ARF complaint) received
//	                    elsewhere: parsed with mxkit/bounce into "bounced" or
//	                    "complaint" events for the webhook
//	GET  /metrics       Prometheus metrics
//
// # Design for throughput
//
// A submission is answered only once the message is durable: the embedded
// queue gathers every enqueue, lease and completion that arrives while it
// writes into one bbolt commit (group commit), so twenty clients share
// one pair of fsyncs. Messages are signed once, at submission, and stored
// signed. A dispatcher leases due messages in batches as workers free up
// and wakes on every enqueue; workers read the body from the queue and
// send it over pooled, pipelining SMTP sessions (smtpclient.Transport),
// one transaction per destination domain (or one through the relay). The
// submission side gathers go-smtp's reply lines into one write per
// exchange. Failures are retried on the queue's schedule; recipients that
// fail for good get one DSN per message, built with bounce.DSN. NOTIFY and
// ORCPT (RFC 3461) go on to the next hop; when it lacks DSN, recipients
// that asked for NOTIFY=SUCCESS get a "relayed" notice from here. Delay
// notices (NOTIFY=DELAY) are not sent.
//
// Measured against Postfix relaying into smtp-sink, same machine (2 cores
// shared with other work, so figures vary by ±30% between runs), 5000
// messages of 10 KB injected by smtp-source -s 20, Ed25519 signing:
// see the report in bench/README.md (bench/pipeline runs both). A quick
// run by hand:
//
//	/usr/sbin/smtp-sink -u nobody -c 127.0.0.1:2526 1024 &
//	go build -o /tmp/mta ./examples/mta && /tmp/mta -config bench.json &
//	time /usr/sbin/smtp-source -s 20 -m 5000 -l 10240 -f a@bench.example \
//	    -t b@dest.example 127.0.0.1:2525   # then poll /api/stats until queued is 0
//
// with bench.json relaying to 127.0.0.1:2526 ("relay_tls": "none") from
// trusted network 127.0.0.0/8. The mta_enqueue_seconds histogram shows what
// a submitting client waits for; "dkim.canonicalization": "relaxed/simple"
// (what Amazon SES signs with) costs less CPU than relaxed/relaxed.
//
// Webhook events: {"type":"delivered"|"deferred"|"bounced"|"complaint",
// "time","id","recipient","error","retry_at","reason","status","hard",
// "feedback_type","tenant","campaign"}; bounces carry the classification
// of mxkit/bounce (reason such as "userunknown", RFC 3463 status, hard).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	path := flag.String("config", "mta.json", "configuration file (JSON)")
	grace := flag.Duration("shutdown-timeout", 30*time.Second, "how long in-flight deliveries may finish at shutdown")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	hashPassword := flag.Bool("hash-password", false, "read a password from standard input, print its bcrypt hash for smtp.users[].password_hash, and exit")
	flag.Parse()
	if *hashPassword {
		if err := printHash(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "mta:", err)
			os.Exit(1)
		}
		return
	}
	tuneGC()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "mta:", err)
			os.Exit(1)
		}
		defer f.Close()
	}
	err := run(*path, *grace)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mta:", err)
		os.Exit(1)
	}
}

// printHash reads a password (its first line) from r and writes its
// bcrypt hash to w.
func printHash(r io.Reader, w io.Writer) error {
	line, err := bufio.NewReader(io.LimitReader(r, 1024)).ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	pass := strings.TrimRight(line, "\r\n")
	if pass == "" {
		return errors.New("no password on standard input")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", h)
	return err
}

// tuneGC trades memory for CPU when the operator has not set GOGC or
// GOMEMLIMIT: collect at 400% heap growth instead of 100%, under a 1 GiB
// soft limit that brings collections back as the heap nears it. Messages
// pass through as short-lived buffers, so the heap stays small (tens of
// MiB at full speed) and the collector's share of CPU drops by about a
// factor of four.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}

func run(path string, grace time.Duration) error {
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := m.Start(); err != nil {
		return err
	}
	log.Info("mta running", "hostname", cfg.Hostname, "queued", m.Stats().Queued)
	<-ctx.Done()
	stop()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err = m.Shutdown(sctx)
	st := m.Stats()
	log.Info("stopped", "queued", st.Queued, "received", st.Received, "delivered", st.Delivered, "deferred", st.Deferred, "failed", st.Failed)
	return err
}

func newLogger(c LogConfig) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(c.Level) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
