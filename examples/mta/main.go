// Command mta is a small outbound mail transfer agent built on mxkit: it
// accepts mail over SMTP submission (RFC 6409, AUTH PLAIN/LOGIN per RFC
// 4954, or from trusted networks) and an HTTP JSON API, queues it durably
// (embedded store or PostgreSQL), signs it with DKIM, delivers it direct to
// MX or through a relay with per-provider rate limits and source IP pools,
// retries on a schedule, returns RFC 3464 delivery status notifications
// for failed and long-delayed recipients, sends with signed VERP return
// paths and takes the bounces that come back to them, sends TLS reports
// (RFC 8460), exposes Prometheus metrics, and posts delivery and bounce
// events to a webhook.
//
//	go run ./examples/mta -config examples/mta/mta.example.json
//
// runs as shipped: submission on 127.0.0.1:10587 (loopback is trusted),
// the API on 127.0.0.1:8025, the queue in /tmp/mxkit-mta/queue, and no
// DKIM keys yet, so its mail goes out unsigned (the mail log says so).
// To start a real setup,
//
//	go run ./examples/mta -init /etc/mxkit-mta -domain example.com -hostname mta.example.com
//
// writes mta.json there (loopback listeners, random tokens, a queue and a
// mail log in that directory, dkim.require), an Ed25519 and an RSA key
// under dkim/, and dns.txt with the DKIM, SPF and DMARC records to
// publish; it overwrites nothing.
//
// The garbage collector runs with Go's defaults (GOGC=100) unless GOGC or
// GOMEMLIMIT say otherwise: messages pass through as short-lived buffers
// reused from pools, so a higher GOGC bought no CPU measurably
// (bench/pipeline, 10 and 100 KB) and doubled the memory.
//
// SIGINT or SIGTERM stops it gracefully: listeners close, in-flight
// deliveries finish (for up to -shutdown-timeout), buffered webhook events
// are posted and the queue is closed. SIGHUP reopens maillog.file.
//
// # Configuration
//
// One JSON file. Durations are Go duration strings ("90s", "5m", "120h")
// or numbers of seconds. An error names the file, the line and column,
// and the field's path, and says what was wanted:
//
//	mta.json:14:5: smtp.listne: unknown field "listne" in section smtp; did you mean "listen"?
//	mta.json:31:19: queue.max_age: "5 minutes" is not a duration: want a number and a unit, like "90s", ...
//	mta.json:40:7: delivery.dns_servers[1]: "192.0.2.53:x": want host[:port] (port 53 by default): ...
//
// Unknown fields and fields given twice are errors (a misspelt option
// would otherwise keep its default). Fields:
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
//	smtp.max_recipients     recipients per message, over SMTP and the API
//	                    (default 1000)
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
//	http.metrics_tokens bearer tokens for GET /metrics only (Prometheus:
//	                    scrape_configs' authorization, type Bearer); the
//	                    api_tokens are taken there too, users' credentials
//	                    never. With neither, /metrics answers loopback
//	                    clients only, and not through a proxy (a request
//	                    with Forwarded or X-Forwarded-For gets 403)
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
//	http.max_send_bytes POST /api/send bodies read at once, counted by
//	                    their Content-Length (a chunked one as the largest
//	                    allowed: twice smtp.max_message_bytes, for JSON
//	                    escapes, and 64 KiB); each is held in memory about
//	                    three times while it is checked and queued. One
//	                    login takes at most half (or one largest body).
//	                    Past it a request gets 503, past a login's half
//	                    429, both with Retry-After. Default four largest
//	                    bodies (about 256 MiB with the default
//	                    max_message_bytes); at least one
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
//	                    (or a parent domain); without one it goes unsigned,
//	                    and its queued line in the mail log says why
//	dkim.require        refuse messages that would go unsigned (550 5.7.1
//	                    over SMTP, 403 over the API, with the reason), but
//	                    for this MTA's own DSNs
//	delivery.workers    concurrent deliveries (default 64)
//	delivery.relay      "host:port" smarthost taking all mail; without it,
//	                    mail goes direct to each domain's MX hosts
//	delivery.relay_tls  verified (default), required, opportunistic, none
//	delivery.relay_username, delivery.relay_password
//	                    AUTH PLAIN at the relay (needs TLS)
//	delivery.dns_servers  resolvers, "host[:port]" with port 53 by default
//	                    (default /etc/resolv.conf)
//	delivery.mx_port    port of MX hosts (default 25; for tests)
//	delivery.allow_private_destinations  connect to MX hosts at addresses
//	                    the Internet does not route (loopback, RFC 1918,
//	                    link-local such as 169.254.169.254, RFC 6890's
//	                    others). Default false: a recipient domain could
//	                    point its MX at the mail servers of this MTA's own
//	                    network, which may trust it; such attempts fail
//	                    before connecting. When every MX address of the
//	                    domain is such, the message fails at once (DSN,
//	                    5.4.4); else it is retried as after a network
//	                    failure. Off as well with a relay or another
//	                    mx_port than 25
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
//	delay_notices.after tell the sender once, in a "delayed" DSN (RFC 3464),
//	                    about each recipient still in the queue this long
//	                    after its message arrived (default 4h), with its
//	                    last reply and when the queue gives up
//	                    (Will-Retry-Until); the queue keeps a mark with the
//	                    recipient, so a restart sends none twice
//	delay_notices.only_requested  only to recipients that asked with
//	                    NOTIFY=DELAY (RFC 3461 §4.1); by default also to
//	                    those that gave no NOTIFY, as sendmail and Exim do.
//	                    NOTIFY=NEVER, or a list without DELAY, gets none
//	delay_notices.disabled  send none (dsn.disabled also stops them)
//	return_path.domain  turns on signed VERP return paths (see Return
//	                    paths below): each recipient goes in an envelope of
//	                    its own, from b+<tag>@domain
//	return_path.prefix  the local part before "+" (default "b")
//	return_path.keys    [{"id","secret_file"}]: HMAC keys, id 0 to 31, each
//	                    secret 16 octets or more in a file of its own (a
//	                    final line end is dropped); the first signs, all
//	                    verify: to rotate, put a new key first and keep the
//	                    old one for return_path.max_age
//	return_path.max_age how long a return path is honoured (default 7 days,
//	                    longer than MTAs keep retrying)
//	return_path.listen  "host:port" of the listener for the return-path
//	                    domain ("" = none: bounces are read elsewhere)
//	return_path.feedback  addresses of the domain taken as they are
//	                    (default fbl@ and postmaster@ the domain): give fbl@
//	                    to the providers' feedback loops
//	return_path.send_log_dir  the send log (a bbolt file): which message,
//	                    recipient and tenant each return path was made for,
//	                    kept return_path.max_age and a day; needed with
//	                    return_path.listen
//	tlsrpt.dir          turns on SMTP TLS Reporting (RFC 8460; direct
//	                    delivery only): the TLS outcome of every session to
//	                    an MX (under its MTA-STS or DANE policy, or none) is
//	                    counted per policy domain and kept here
//	                    (tlsrpt.DirStore, written every minute and at
//	                    shutdown); each UTC day's report goes to the domains
//	                    whose _smtp._tls record asks for it, by mail (queued
//	                    here, DKIM-signed, delivered despite TLS failures
//	                    and left out of the counts) or HTTPS POST (verified
//	                    TLS, public addresses only), retried for a day; what
//	                    was sent is remembered, so a restart sends nothing
//	                    twice
//	tlsrpt.organization_name, tlsrpt.contact_info
//	                    the reporter's name and address (the From of report
//	                    mail), both required
//	tlsrpt.unique_id    letters and digits telling this MTA's reports from
//	                    others under the same contact
//	tlsrpt.delay        how long after a UTC day ends its reports go
//	                    (default 2h)
//	webhook.url         receives POSTs of JSON arrays of events; a
//	                    redirect is not followed (the post failed)
//	webhook.buffer      events held for posting (default 10000; beyond it
//	                    they are dropped and counted)
//	webhook.batch_size  events per POST (default 100)
//	webhook.max_attempts  tries per POST, backing off 0.5s..30s (default 8)
//	webhook.timeout     per POST (default 10s)
//	webhook.secret      if set, X-MTA-Signature: sha256=hex(HMAC(secret, body))
//	log.level           debug, info (default), warn, error
//	log.format          text (default) or json, on standard error
//	maillog.file        the mail log (see below), appended to and reopened
//	                    on SIGHUP; "" (default): the main log, at info
//	maillog.format      of maillog.file: text (key=value, default) or json
//	admin.tokens        bearer tokens for the queue administration API
//	                    (/api/queue, and mta queue): only these open it,
//	                    and they open nothing else
//
// # Return paths
//
// With return_path.domain set, every recipient of a message goes in an
// envelope of its own whose sender is a signed VERP address of that domain
// (package verp): its tag names the queue ID and the recipient, under an
// HMAC and a time. A bounce or complaint that comes back to it, to the
// return_path.listen listener (package returnpath, the domain's MX),
// names the message and recipient it is about whatever its body says; one
// that does not name its recipient (a forward) is matched through the
// send log, which outlives the queue. Each becomes a webhook event
// ("bounced", "deferred" or "complaint", with the queue ID and the
// tenant) and, with reputation.suppression, goes to the suppression list
// for the tenant of the message (and to the rate counters): only the
// recipient the tag was made for can be suppressed, whatever address a
// report names, and the same report sent again (by whoever got the
// message, or a provider's duplicate) is counted and sent as an event
// once.
// These bounces are not passed on to the sender. Recipients whose
// submitter asked for notices (NOTIFY SUCCESS, FAILURE or DELAY) keep the
// message's sender, so that the next hops' notices reach it; this MTA's
// own notices keep the null sender.
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
//	reputation.suppression.max_user_entries  a tenant's entries past which
//	                    its users' own additions are refused (403;
//	                    default 250,000; -1: no limit); bounces,
//	                    complaints and unsubscribes are always recorded.
//	                    A tenant can thus grow its entries past the bound
//	                    by clicking links it minted itself (GET
//	                    /api/unsubscribe-url mints one for any address,
//	                    without mail being sent): a click cannot be told
//	                    from a real recipient's, whose unsubscribe must
//	                    be honoured (RFC 8058 §3.2; bulk senders' rules
//	                    at Gmail and Yahoo), as this MTA keeps no record
//	                    of which addresses a tenant mailed. Each such
//	                    entry costs a public POST and is logged with its
//	                    tenant and counted (mta_suppressions_added_total
//	                    {source="unsubscribe"}): alert on its rate
//	reputation.suppression.max_unsubscribe_entries  the hard bound on
//	                    that: a tenant's entries past which a one-click
//	                    unsubscribe that would add one is refused (503,
//	                    Retry-After; an error in the log, counted in
//	                    mta_limited_total{limit="unsubscribe_entries"}).
//	                    A real recipient's click is refused too: raise
//	                    it, or look at the tenant. Default 1,000,000
//	                    (about 500 MB); -1: no limit. The operator's
//	                    links (no tenant) are not bounded
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
//	                    (550 5.1.2). Never probes the recipient's server
//	reputation.verify.timeout  bound on the DNS checks of one RCPT, and
//	                    on all those of one POST /api/send (default 5s;
//	                    each domain is checked once, 16 at a time)
//	reputation.verify.unverified  a recipient whose check did not finish
//	                    (DNS failing or slow, the timeout reached):
//	                    "accept" (default: queued, delivery will tell;
//	                    the API's reply lists it in "unverified") or
//	                    "defer" (451 4.4.3 at RCPT; over the API refused
//	                    for now, and 503 with Retry-After when no
//	                    recipient is left). The checks of all tenants
//	                    share 16 DNS lookups at once: with "defer", one
//	                    sending to domains whose DNS hangs defers the
//	                    others' recipients too while it lasts
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
//	                    (each at most 255 octets)
//	                    (a repeated key returns the first message's ID; keys
//	                    are the tenant's own); "tenant", if given, must be
//	                    the login's; 202 {"id":"..."} once the message is
//	                    durable
//	GET  /api/stats     {"queued","active","due","held","dead", "received",
//	                    "delivered","deferred","failed","signed","since"}:
//	                    queued to dead are read from the queue (they survive
//	                    restarts, and with PostgreSQL cover every process
//	                    sharing it); received, delivered, deferred, failed
//	                    and signed count since this process started (since)
//	                    (the operator's tokens only: users get 403)
//	/api/queue/...      queue administration (admin.tokens; see below)
//	POST /api/feedback  a returned message (DSN or ARF complaint) received
//	                    elsewhere: parsed with mxkit/bounce into "bounced" or
//	                    "complaint" events for the webhook (the operator's
//	                    tokens only: a user could report any recipient);
//	                    with reputation.suppression, hard bounces and
//	                    complaints suppress their recipients, for the
//	                    tenant named by ?tenant= (none: all tenants)
//	GET  /metrics       Prometheus metrics (http.metrics_tokens or the
//	                    operator's tokens; 503 past 4 scrapes at once;
//	                    values read from Redis are reused for 5s)
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
//	                    (a user's POST leaves them as they are, and they
//	                    replace a user's own entry for the address)
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
// # Mail log
//
// One info line per message accepted and per recipient outcome (every
// attempt), each with the queue ID, as Postfix's maillog has them; the
// message of the line says what happened. In the default text format:
//
//	... level=INFO msg=queued id=0000000000000007 from=<news@shop.example> size=2210 nrcpt=2 proto=smtp client=192.0.2.10 user=app dkim=signed dkim_keys=shop.example/ed1,shop.example/rsa1
//	... level=INFO msg=delivered id=0000000000000007 to=<ann@customers.example> relay=mx.customers.example[192.0.2.25]:25 delay=0.412 delay_queue=0.003 delay_conn=0.25 delay_xmit=0.159 dsn=2.0.0 stage=final reply="250 2.0.0 Ok: queued as 4F7A1" attempts=1 tenant=app
//	... level=INFO msg=deferred id=0000000000000007 to=<bob@later.example> relay=mx.later.example[192.0.2.26]:25 delay=0.31 delay_queue=0.003 delay_conn=0.307 delay_xmit=0 dsn=4.4.1 stage=connect reply="..." attempts=1 reason=... retry_at=2026-11-23T12:05:00Z tenant=app
//
// queued: from (<> is the null sender), size in bytes as queued, nrcpt,
// proto (smtp, http, or local for this MTA's own DSNs), client and user
// (the login; none for trusted networks and the operator), tenant when it
// is not the user, dkim=signed with dkim_keys (domain/selector), or
// dkim=unsigned with dkim_reason. With dkim.require an unsigned message is
// refused instead, and logged as msg=refused with from, nrcpt, proto,
// client, user and reason.
//
// delivered, deferred, bounced (failed for good: a DSN goes to the
// sender), expired (deferred past queue.max_age: failed, DSN status
// 4.4.7 unless the last deferral had one): to, relay (host[IP]:port of
// the server that answered or was tried last, or none when the route
// failed), delay (seconds since arrival) and its parts: delay_queue (in
// the queue until this attempt's transaction began), delay_conn (the
// route lookup, rate-limit waits, and connecting: TCP, greeting, EHLO,
// STARTTLS, AUTH, or taking a pooled session) and delay_xmit (MAIL to
// the reply after the data); dsn (RFC 3463 status), stage (where it was
// decided: route, connect, tls, mail, rcpt, data, final, ...), reply (the
// server's reply, or what went wrong where none answered), attempts (this
// recipient's, this one included), reason (mxkit/bounce's classification)
// and retry_at for a deferral, tenant. suppressed (a recipient the
// suppression list stopped): id (none at intake, where RCPT is refused),
// to, reason (the entry's), where (intake or delivery; at delivery the
// recipient's bounced line follows), tenant.
//
// Operators' queue commands log held, released, flushed, requeued or
// removed with the id and the client. With maillog.format json each line
// is an object with the same keys ("msg", "id", "to", "delay", ...;
// addresses keep their angle brackets). To follow a message or an
// address, as with Postfix:
//
//	grep 'id=0000000000000007 ' mail.log
//	grep 'to=<bob@later.example>' mail.log
//	jq -c 'select(.msg == "bounced")' mail.log
//
// # Queue administration
//
// While the MTA runs, the queue is administered through its HTTP API with
// a token of admin.tokens (sending tokens and users cannot; admin tokens
// cannot send), under the same rules as other credentials (HTTPS or
// loopback, failed tokens counted and blocked):
//
//	GET    /api/queue              list: {"messages","next","counts"}
//	GET    /api/queue/{id}         envelope, header, each recipient's attempts
//	                               (typed outcomes: status, stage, code,
//	                               enhanced, text, host, ip, time), next attempt
//	POST   /api/queue/{id}/{verb}  flush, hold, release, requeue, delete
//	DELETE /api/queue/{id}         delete
//	POST   /api/queue/{verb}       the verb for every message the filters select
//
// Filters are query parameters: state (active, deferred, queued,
// scheduled, hold, comma-separated; or dead for the dead letters), domain
// (of a recipient), sender and recipient (an address, @domain, or <> for
// the null sender), tenant, min_age and max_age (since arrival, "2h");
// lists are paged with limit (100, at most 1000) and after (the "next"
// of the page before). flush makes messages due now (with no filter,
// every one, as postqueue -f; held messages go when released, scheduled
// ones keep their time); hold and release; requeue brings dead letters
// back, with a fresh lifetime; delete withdraws a message (never
// delivered afterwards) and removes it. A message in delivery is left
// alone (409, or skipped in bulk). Other bulk verbs need a filter or
// all=1. The same from the command line, reading the URL and a token from
// the configuration (or -url, -token-file, $MTA_ADMIN_TOKEN):
//
//	mta -config mta.json queue list                    # like mailq
//	mta -config mta.json queue list -state deferred -domain gmail.com -json
//	mta -config mta.json queue show 0000000000000007
//	mta -config mta.json queue flush                   # like postqueue -f
//	mta -config mta.json queue flush -domain later.example
//	mta -config mta.json queue hold 0000000000000007
//	mta -config mta.json queue requeue -all
//	mta -config mta.json queue delete -sender @spam.example
//
// The listing marks messages in delivery with *, on hold with !, dead
// letters with #, and shows above each recipient the reason of its last
// attempt.
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
// that asked for NOTIFY=SUCCESS get a "relayed" notice from here.
// Recipients still in the queue after delay_notices.after get one
// "delayed" notice each (NOTIFY=DELAY, or no NOTIFY).
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
//   - Cross-site requests (CSRF): a browser that remembers a user's HTTP
//     Basic login would send it with any site's POST; POST, PUT and DELETE
//     requests a browser marks as cross-origin (Sec-Fetch-Site, or an
//     Origin of another host) get 403 (http.CrossOriginProtection), but
//     for the one-click unsubscribe path, whose token is its authority.
//   - Delivery into the MTA's own network (SSRF): a recipient domain whose
//     MX is at 127.0.0.1, 10.x or 169.254.169.254 is not connected to
//     (delivery.allow_private_destinations), the address checked at
//     connect time, after resolution; when no MX address of the domain
//     is one the Internet routes, the message fails at once (5.4.4).
//     TLS reports (tlsrpt) go by the same rule: report mail as any mail,
//     and an https: destination at such an address is not posted to.
//   - Reading the metrics: GET /metrics names tenants and From domains;
//     it takes a metrics or operator token, and reads shared state (Redis)
//     at most once per 5 seconds however often it is scraped.
//   - Header injection: CR, LF and other controls are refused in every
//     API field; header names must be RFC 5322 field names; a request body
//     must be one JSON object. Outbound data has CRLF line ends only (no
//     SMTP smuggling).
//   - Forged or replayed bounces and backscatter: the return-path listener
//     takes mail only for return paths this MTA signed, no older than
//     return_path.max_age, and for the feedback addresses, refusing the
//     rest at RCPT (550), so it never bounces anything itself and never
//     relays; a report suppresses only the recipient its return path was
//     made for, for the tenant that sent to it, and nobody when the send is
//     not on record. Sessions (100, 10 per client), recipients (10) and
//     message size (32 MiB) are limited.
//
// What the operator must still do:
//
//   - Give smtp.tls_cert/tls_key and http.tls_cert/tls_key real
//     certificates (and renew them); keep allow_insecure_auth false on
//     anything but loopback or a private link to a TLS proxy.
//   - Give Prometheus a token of http.metrics_tokens (not an api_token: it
//     sends mail as anyone), and firewall the HTTP port: expose the API
//     only where customers need it.
//   - Keep trusted_networks to the machines that need it: they send as
//     anyone, unlimited per client. So do http.api_tokens; give each
//     customer a user with a from list and tokens of its own, tokens of 32
//     random bytes, and passwords as password_hash.
//   - Publish SPF, DKIM (the public keys) and DMARC for the sending
//     domains, and keep the DKIM key files readable by this process only.
//     With return paths, the envelope domain is return_path.domain: give it
//     an MX leading to return_path.listen and SPF for the sending IPs, and
//     make it a subdomain of the From domains (bounces.example.com for
//     example.com), so that SPF aligns for DMARC; keep the return-path
//     secrets as the DKIM keys.
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
//   - The suppression list is held in memory, and the garbage
//     collector's room grows with it (GOGC=100: twice the live heap):
//     count about 0.5 KB of memory per entry (bench/pipeline -reputation,
//     100,000 entries: 81 MiB peak against 38 MiB without a list). The
//     collector does not scan it, so its size costs no CPU.
//   - A tenant's users add suppressions through POST /api/suppressions
//     until the tenant has reputation.suppression.max_user_entries
//     (default 250,000), and one-click unsubscribes until
//     reputation.suppression.max_unsubscribe_entries (default 1,000,000):
//     the list's memory is every tenant's. Unsubscribe links hold their
//     state in their signed token (at most 2 KB; a list name of at most
//     100 characters): minting one stores nothing.
//
// # Reputation
//
// A suppressed recipient (a hard bounce, a complaint, an unsubscribe, a
// manual entry, for the tenant or for all tenants) is refused at intake:
// 550 5.7.1 with the reason at RCPT over SMTP; over the API the message is
// queued for the others and the reply lists the refused ones, or, when
// none is left, 422 with the reasons (503 when a refusal is only for now:
// reputation.verify.unverified "defer"). A recipient suppressed while its
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
	memprofile := flag.String("memprofile", "", "write an allocation profile (all allocations of the run, and what is in use at the end) to this file at exit")
	hashPassword := flag.Bool("hash-password", false, "read a password from standard input, print its bcrypt hash for smtp.users[].password_hash, and exit")
	initDir := flag.String("init", "", "write a configuration, DKIM keys and the DNS records to publish into this `directory` (with -domain and -hostname), and exit")
	initDomain := flag.String("domain", "", "with -init: the `domain` mail is sent from")
	initHost := flag.String("hostname", "", "with -init: this MTA's host `name` (default: the system's)")
	flag.Usage = usage
	flag.Parse()
	if *initDir != "" {
		if err := initConfig(*initDir, *initDomain, *initHost, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "mta -init:", err)
			os.Exit(1)
		}
		return
	}
	if flag.Arg(0) == "queue" {
		os.Exit(runQueue(context.Background(), *path, flag.Args()[1:], os.Stdout, os.Stderr))
	}
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "mta: unexpected %q\n", flag.Arg(0))
		usage()
		os.Exit(2)
	}
	if *hashPassword {
		if err := printHash(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "mta:", err)
			os.Exit(1)
		}
		return
	}
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
	if *memprofile != "" {
		if perr := writeHeapProfile(*memprofile); perr != nil {
			fmt.Fprintln(os.Stderr, "mta:", perr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mta:", err)
		os.Exit(1)
	}
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
	// SIGHUP reopens maillog.file, after logrotate moved it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for ctx.Err() == nil {
		select {
		case <-hup:
			if err := m.ReopenLogs(); err != nil {
				log.Error("reopening maillog.file", "err", err)
			}
		case <-ctx.Done():
		}
	}
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

func usage() {
	fmt.Fprintf(flag.CommandLine.Output(), `usage: mta [-config FILE] [flags]       run
       mta [-config FILE] queue VERB ...   administer the running mta's queue (mta queue -h)
       mta -init DIR -domain D [-hostname H]   write a configuration to start from
       mta -hash-password < password

flags:
`)
	flag.PrintDefaults()
}
