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
//	smtp.users          [{"username","password" or "password_hash","from",
//	                    "api_tokens"}]: the customers. Each logs in with
//	                    AUTH PLAIN or LOGIN, HTTP Basic, or a bearer token of
//	                    its api_tokens; its username is the tenant of its
//	                    messages (webhook events, idempotency keys).
//	                    password_hash is a bcrypt hash, as "mta
//	                    -hash-password" prints it; from lists the senders
//	                    (envelope, From and Sender fields) the user may use
//	                    ("a@example.com", "@example.com", "*"), by default
//	                    any address at the dkim.keys domains
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
//	smtp.max_sessions       SMTP sessions open at once (default 500); past
//	                    it, and past smtp.max_sessions_per_ip from one
//	                    client (default 50; an IPv6 /64 is one client;
//	                    trusted networks are not counted; -1: no limit), a
//	                    connection gets 421 4.7.0 and is closed
//	smtp.command_timeout    wait for each command line, for a message's
//	                    data from its DATA or BDAT command, and for each
//	                    reply write (default 5m, RFC 5321 §4.5.3.2.7)
//	smtp.idle_timeout   a session outside a mail transaction is closed
//	                    this long after it began or after its last message
//	                    (default 5m): NOOPs do not keep it open
//	smtp.session_timeout    the longest session (default 30m)
//	smtp.max_login_failures failed logins (SMTP AUTH, HTTP credentials)
//	                    from one client, or for one user name, that block
//	                    its logins (default 5): 454 4.7.0 over SMTP, 429
//	                    over HTTP, for smtp.login_block (default 5m),
//	                    doubling with each block that follows up to an hour
//	smtp.session_login_failures  failed logins that close an SMTP session
//	                    (default 3)
//	http.listen         API and metrics listener, "host:port" ("" = none)
//	http.api_tokens     the operator's bearer tokens for /api/*: they send
//	                    as anyone and have no tenant (give customers users
//	                    of their own). With neither tokens nor users the API
//	                    is open (loopback only!)
//	http.tls_cert, http.tls_key
//	                    PEM files; when set, the listener speaks HTTPS
//	http.allow_insecure_auth
//	                    accept credentials over plain HTTP from other
//	                    hosts than loopback (default false: 403), e.g.
//	                    behind a TLS-terminating proxy on another host
//	http.max_conns      connections open at once (default 1000), and
//	http.max_conns_per_ip   per client address (default 100; -1: no
//	                    limit, e.g. behind a proxy); past them a connection
//	                    is closed at once
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
// The reputation section (see # Reputation below); every part is off
// unless configured:
//
//	reputation.suppression.path  embedded suppression store (a bbolt file)
//	reputation.suppression.postgres_dsn  or a PostgreSQL one shared by
//	                    several processes (suppression/pgstore; changes
//	                    reach every process by LISTEN/NOTIFY); at most one
//	reputation.suppression.postgres_schema  its schema (default
//	                    "mxkit_suppression")
//	reputation.suppression.soft_limit, reputation.suppression.soft_window
//	                    soft failures about a mailbox (full, disabled)
//	                    that suppress it (default 3 within 15 days), for
//	reputation.suppression.soft_expiry  (default 30 days)
//	reputation.suppression.unsubscribe_url  the public https URL, ending
//	                    in "/", of the RFC 8058 one-click unsubscribe
//	                    links ("https://mail.example.com/unsubscribe/");
//	                    its path is served on http.listen, without login
//	reputation.suppression.unsubscribe_keys  [{"id","secret"}]: HMAC keys
//	                    of the links' tokens; the first signs, all verify
//	                    (add a new key first to rotate). Secrets of at
//	                    least 16 octets: 32 random bytes, hex-encoded
//	reputation.suppression.unsubscribe_max_age  links older than this are
//	                    refused (default: never; laws give opt-out links
//	                    at least 30 days)
//	reputation.shaping.enabled  pace each mailbox provider from its
//	                    replies (mxkit/shaping)
//	reputation.shaping.limits  [{"destination","rate","burst","max_conns"}]:
//	                    standing limits per destination: a provider
//	                    ("google", "microsoft", "yahoo", ...), an MX host
//	                    name, or "*" for the others; rate in messages a
//	                    second, max_conns sessions at once (all its hosts)
//	reputation.shaping.providers  {"mx host or domain": "provider"}: added
//	                    to shaping's table of MX hosts
//	reputation.shaping.rules  [{"name","cite","provider","stage","status",
//	                    "codes","enhanced","reasons","text","times","period",
//	                    "action","scope","rate","burst","max_conns",
//	                    "duration"}]: rules of your own, matched before the
//	                    defaults. A rule matches an outcome by provider,
//	                    stage (rcpt, data, final, ...), status (deferred,
//	                    failed), reply codes, RFC 3463 codes ("4.7.28"),
//	                    mxkit/bounce reasons ("speeding") and a regular
//	                    expression of the reply text (each empty: any);
//	                    it triggers at once, or after times matches within
//	                    period, and then does its action (set-rate to rate
//	                    messages a second, set-max-conns, suspend, bounce)
//	                    for duration, to mail from the source address that
//	                    got the reply (scope "source", the default) or the
//	                    tenant's ("tenant")
//	reputation.shaping.no_default_rules  leave out shaping's rules for the
//	                    big providers' published throttling replies
//	reputation.rates.enabled  count outcomes by tenant, From domain,
//	                    source address and provider over a sliding window
//	                    and watch thresholds (mxkit/rates)
//	reputation.rates.window, reputation.rates.bucket  the window (default
//	                    24h) and the step it slides by (default window/96)
//	reputation.rates.thresholds  [{"name","metric","limit","min_volume",
//	                    "dimensions"}]: metric complaint_rate,
//	                    hard_bounce_rate, bounce_rate or deferral_rate,
//	                    limit a fraction (0.003 is 0.3%), dimensions among
//	                    tenant, from_domain, source, provider (default
//	                    all). Default: rates' (complaints 0.3% of 1000
//	                    delivered, as Gmail and Yahoo publish; hard bounces
//	                    2%)
//	reputation.verify.refuse_undeliverable  refuse recipients mxkit/verify
//	                    finds undeliverable at intake: bad syntax (553
//	                    5.1.3), null MX (556 5.1.10), a domain that does
//	                    not exist, is reserved or has no usable mail host
//	                    (550 5.1.2). A check that cannot be made now (DNS
//	                    failing) accepts. Never probes the recipient's
//	                    server
//	reputation.verify.timeout  bound on one recipient's DNS checks
//	                    (default 5s)
//	reputation.verify.dns_servers  resolvers (default delivery.dns_servers)
//	reputation.blocklists.enabled  check the sending IP addresses and
//	                    domains against DNS blocklists (mxkit/dnsbl)
//	reputation.blocklists.interval  how often (default 10m, at least 1m;
//	                    answers are cached for their TTL)
//	reputation.blocklists.ips  addresses (default: delivery.source_ips)
//	reputation.blocklists.domains  domains (default: the dkim.keys domains)
//	reputation.blocklists.zones  [{"name","domains","ipv6"}]: zones to ask
//	                    (default dnsbl's: Spamhaus ZEN and DBL, Barracuda,
//	                    SpamCop); a default zone's name takes its table of
//	                    answers
//	reputation.blocklists.dns_servers  resolvers of your own (default
//	                    delivery.dns_servers): lists refuse public ones
//	reputation.blocklists.timeout  bound on one check (default 10s)
//	reputation.redis.url  "redis://host:port/db": shaping's rates, session
//	                    caps and suspensions and the rate counters are
//	                    shared by every process with the same Redis and
//	reputation.redis.prefix  (default "mxkit:"). Without it each process
//	                    keeps its own. While Redis is away shaped
//	                    deliveries are deferred, never sent unthrottled
//
// # HTTP API
//
//	POST /api/send      {"from","to":[...],"raw":"whole message"} or
//	                    {"from","to":[...],"subject","text","headers":{}}
//	                    plus optional "campaign" and "idempotency_key"
//	                    (a repeated key returns the first message's ID; keys
//	                    are the tenant's own); "tenant", if given, must be
//	                    the login's; 202 {"id":"..."} once the message is
//	                    durable
//	GET  /api/stats     {"queued","received","delivered","deferred","failed","signed"}:
//	                    messages in the queue now (this process's view),
//	                    messages received and recipient outcomes since start
//	                    (the operator's tokens only: users get 403)
//	POST /api/feedback  a returned message (DSN or ARF complaint) received
//	                    elsewhere: parsed with mxkit/bounce into "bounced" or
//	                    "complaint" events for the webhook (the operator's
//	                    tokens only: a user could report any recipient);
//	                    with reputation.suppression, hard bounces and
//	                    complaints suppress their recipients, for the
//	                    tenant named by ?tenant= (none: all tenants)
//	GET  /metrics       Prometheus metrics (no authentication: firewall it)
//
// With reputation.suppression (a tenant is the login's; the operator
// names one with "tenant", or none for entries of all tenants):
//
//	GET    /api/suppressions?address=a  the entry that suppresses a for
//	                    the tenant, 404 if none (users see the evidence of
//	                    their own entries only)
//	POST   /api/suppressions  {"address" (mailbox or domain),"reason"
//	                    (default manual),"note","expires","tenant"}
//	DELETE /api/suppressions?address=a  removes the tenant's entry; only
//	                    the operator removes complaints and unsubscribes
//	GET    /api/suppressions/export  every entry as CSV (operator)
//	POST   /api/suppressions/import  CSV with an address column (operator)
//	GET    /api/unsubscribe-url?address=a&list=l  a one-click link for the
//	                    tenant's mail to a, and the List-Unsubscribe and
//	                    List-Unsubscribe-Post values (for SMTP submitters)
//	POST   /api/send    takes "unsubscribe":{"list":"l"} to add those
//	                    fields to a message for one recipient
//	GET|POST <unsubscribe_url path>/<token>  RFC 8058 one-click (public)
//	GET    /api/shaping the shaping overrides in force (operator)
//	GET    /api/blocklists  the last blocklist check (operator)
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
// # Security
//
// What it defends against, as shipped:
//
//   - Sending as someone else. A user sends only from its from list: the
//     envelope sender, and every address of the From and Sender fields of
//     the message as it will be signed and sent, whichever way it came
//     (SMTP, the API's raw message or its headers): 553 5.7.1 at MAIL, 550
//     5.7.1 after DATA, 403 over the API. A message must have exactly one
//     From field and at most one Sender (RFC 5322 §3.6), whose field names
//     are read without case and with any space before the colon, with bare
//     CR and LF line ends made CRLF before the check (as they are sent):
//     550 5.6.0, or 400. DKIM keys are handed to the signer only for
//     domains the submitter may use, so no user gets another's signature.
//   - Tenants reading or shadowing each other: the tenant, and the scope
//     of idempotency keys, is the login's user name, never the request's;
//     /api/stats and /api/feedback are the operator's.
//   - Connection floods and slow clients: the session caps above, the
//     command, idle and session timeouts, HTTP connection caps and
//     timeouts (header 10s, request 5m, response 6m, keep-alive idle 2m).
//     A flood from one address fills only its own share.
//   - Password guessing: failures are counted per client and per user
//     name, with blocks that double; a session is closed after a few.
//     Every login that reaches a password costs one bcrypt comparison at
//     the same cost, whether the user exists or not and however its
//     password is kept (a good password is then remembered for five
//     minutes, so an HTTP Basic client pays once), and no more comparisons
//     run at once than one less than the cores (at least one), so a flood
//     of logins leaves a core for sending.
//   - Credentials in clear: AUTH only after STARTTLS, and HTTP credentials
//     only over HTTPS or loopback, unless allowed in the configuration.
//   - Header injection: CR, LF and other controls are refused in every
//     API field; header names must be RFC 5322 field names; a request body
//     must be one JSON object. Outbound data has CRLF line ends only (no
//     SMTP smuggling).
//
// What the operator must still do:
//
//   - Give smtp.tls_cert/tls_key and http.tls_cert/tls_key real
//     certificates (and renew them); keep allow_insecure_auth false on
//     anything but loopback or a private link to a TLS proxy.
//   - Firewall /metrics (it has no authentication) and the HTTP port:
//     expose the API only where customers need it.
//   - Keep trusted_networks to the machines that need it: they send as
//     anyone, unlimited per client. So do http.api_tokens; give each
//     customer a user with a from list and tokens of its own, tokens of 32
//     random bytes, and passwords as password_hash.
//   - Publish SPF, DKIM (the public keys) and DMARC for the sending
//     domains, and keep the DKIM key files readable by this process only.
//   - Give the process file descriptors for smtp.max_sessions plus
//     http.max_conns plus delivery connections (ulimit -n), and memory for
//     the messages being received: up to smtp.max_sessions times
//     smtp.max_message_bytes in the worst case (a customer's sessions, or
//     a trusted network's, all sending their largest); run it as an
//     unprivileged user.
//   - Behind a proxy, the per-client limits see the proxy's address: set
//     http.max_conns_per_ip to -1 there and limit clients at the proxy.
//   - A user's logins can be blocked by someone guessing its password
//     (per-user counting): backends that must not be locked out should
//     use API tokens or a trusted network.
//   - With one-click unsubscribes, publish only the unsubscribe path to
//     the Internet, over https at reputation.suppression.unsubscribe_url
//     (a proxy that forwards that path alone), and keep the unsubscribe
//     keys as secret as the DKIM keys: whoever has one can unsubscribe
//     anyone.
//   - The suppression list is held in memory, about 100 bytes an entry,
//     and the garbage collector's room grows with it (GOGC=400: five
//     times the live heap): count about 0.5 KB of memory per entry.
//
// # Reputation
//
// A suppressed recipient (a hard bounce, a complaint, an unsubscribe, a
// manual entry, for the tenant or for all tenants) is refused at intake:
// 550 5.7.1 with the reason at RCPT over SMTP; over the API the message is
// queued for the others and the reply lists the refused ones, or, when
// none is left, 422 with the reasons. A recipient suppressed while its
// message waits in the queue fails before it is sent (5.7.1, with a DSN).
// Each refusal is a "suppressed" event. The list is fed by delivery
// outcomes (hard failures at once, mailbox-full ones by count), by
// DSNs and complaints (RFC 5965) posted to /api/feedback, for the tenant
// given as ?tenant=, and by one-click unsubscribes; expired entries are
// purged daily. The Shaper admits each message per provider and source
// address (smtpclient.Transport.Shaper), sees every outcome, and turns
// throttling replies (Gmail's 421 4.7.28, Yahoo's [TSS04], ...) into
// slower rates, fewer sessions or suspensions that end by themselves:
// each is logged, a "shaping" event, and counted by provider in
// mta_shaping_actions_total and mta_shaping_overrides. Outcomes by
// provider are in mta_provider_outcomes_total; threshold crossings of the
// rate counters are logged and "threshold" events; the blocklist monitor
// sets mta_blocklist_listed per target and zone and sends a "blocklist"
// event when an answer changes.
//
// Webhook events: {"type":"delivered"|"deferred"|"bounced"|"complaint",
// "time","id","recipient","error","retry_at","reason","status","hard",
// "feedback_type","tenant","campaign"}; bounces carry the classification
// of mxkit/bounce (reason such as "userunknown", RFC 3463 status, hard).
// The reputation events: "suppressed" (a refused recipient: reason, and
// "suppression":{"address","scope","reason","expires","where"}),
// "suppression_added" and "unsubscribed" (a new entry, with its
// evidence), "refused" (an undeliverable recipient refused at intake:
// code, enhanced, reason such as "null_mx"), "shaping" ("shaping":
// {"action","destination","source","tenant","rate","max_conns","until",
// "rule","reply"}), "threshold" ("threshold":{"name","dimension","value",
// "rate","numerator","denominator","limit","window","above"}) and
// "blocklist" ("blocklist":{"target","zone","status","previous","codes",
// "meanings","text"}).
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
