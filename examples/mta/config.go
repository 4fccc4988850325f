package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/mxkit/mxkit/examples/internal/dnsflag"
	"github.com/mxkit/mxkit/queue"
	"golang.org/x/crypto/bcrypt"
)

// Config is the whole configuration, read from one JSON file. The package
// comment documents every field.
type Config struct {
	Hostname string         `json:"hostname"`
	SMTP     SMTPConfig     `json:"smtp"`
	HTTP     HTTPConfig     `json:"http"`
	Queue    QueueConfig    `json:"queue"`
	DKIM     DKIMConfig     `json:"dkim"`
	Delivery DeliveryConfig `json:"delivery"`
	DSN      DSNConfig      `json:"dsn"`
	Webhook  WebhookConfig  `json:"webhook"`
	Log      LogConfig      `json:"log"`

	// The mail log (maillog.go).
	MailLog MailLogConfig `json:"maillog"`

	// Queue administration (admin.go).
	Admin AdminConfig `json:"admin"`

	// Delay notices (delay.go).
	DelayNotices DelayNoticeConfig `json:"delay_notices"`

	// Return paths and their listener (returnpath.go).
	ReturnPath ReturnPathConfig `json:"return_path"`

	// TLS reports (tlsrpt.go).
	TLSRPT     TLSRPTConfig     `json:"tlsrpt"`
	Reputation ReputationConfig `json:"reputation"`
}

// SMTPConfig is the submission listener.
type SMTPConfig struct {
	Listen            string   `json:"listen"`
	Users             []User   `json:"users"`
	TLSCert           string   `json:"tls_cert"`
	TLSKey            string   `json:"tls_key"`
	AllowInsecureAuth bool     `json:"allow_insecure_auth"`
	TrustedNetworks   []string `json:"trusted_networks"`
	MaxMessageBytes   int64    `json:"max_message_bytes"`
	MaxRecipients     int      `json:"max_recipients"`

	// Connection limits: sessions open at once in total and per client
	// (an IPv4 address or an IPv6 /64; -1 for no limit, trusted networks
	// are not counted); beyond them a client gets 421 4.7.0.
	MaxSessions      int `json:"max_sessions"`
	MaxSessionsPerIP int `json:"max_sessions_per_ip"`
	// CommandTimeout bounds the wait for each command line and each
	// reply write; IdleTimeout the time a session may spend outside a
	// mail transaction since it began or since its last message;
	// SessionTimeout the whole session.
	CommandTimeout Duration `json:"command_timeout"`
	IdleTimeout    Duration `json:"idle_timeout"`
	SessionTimeout Duration `json:"session_timeout"`

	// Failed logins (SMTP AUTH and HTTP credentials): MaxLoginFailures
	// per client or per user name start a block of LoginBlock, doubling
	// for each block that follows; SessionLoginFailures in one SMTP
	// session close it.
	MaxLoginFailures     int      `json:"max_login_failures"`
	LoginBlock           Duration `json:"login_block"`
	SessionLoginFailures int      `json:"session_login_failures"`
}

// User is a login for SMTP AUTH (PLAIN, LOGIN) and the HTTP API. Its
// username is the tenant of the messages it submits.
type User struct {
	Username string `json:"username"`
	// Password is the password in clear; PasswordHash its bcrypt hash
	// ("mta -hash-password" makes one). At most one is set; a user
	// with neither logs in only with its API tokens.
	Password     string `json:"password"`
	PasswordHash string `json:"password_hash"`
	// From lists the sender addresses (envelope and From header) the
	// user may use: "a@example.com", "@example.com" for any address at
	// that domain, "*" for any. Empty means any address at the domains of
	// dkim.keys.
	From []string `json:"from"`
	// APITokens are bearer tokens for the HTTP API that act as this
	// user.
	APITokens []string `json:"api_tokens"`
}

// HTTPConfig is the API and metrics listener.
type HTTPConfig struct {
	Listen string `json:"listen"`
	// APITokens are the operator's bearer tokens: they may send as
	// anyone and have no tenant.
	APITokens []string `json:"api_tokens"`
	// MetricsTokens are bearer tokens for GET /metrics only (Prometheus
	// scrapes with one); the api_tokens are taken there too. With
	// neither, /metrics answers loopback clients only.
	MetricsTokens     []string `json:"metrics_tokens"`
	TLSCert           string   `json:"tls_cert"`
	TLSKey            string   `json:"tls_key"`
	AllowInsecureAuth bool     `json:"allow_insecure_auth"`
	// Connections open at once in total and per client address (-1 for
	// no limit); beyond them a connection is closed at once.
	MaxConns      int `json:"max_conns"`
	MaxConnsPerIP int `json:"max_conns_per_ip"`
	// MaxSendBytes bounds the POST /api/send bodies read at once, by
	// their Content-Length (or their largest, twice
	// smtp.max_message_bytes and 64 KiB, when chunked); one login takes
	// at most half, or one largest body. Default four largest bodies.
	MaxSendBytes int64 `json:"max_send_bytes"`
}

// QueueConfig selects the queue store and the retry schedule.
type QueueConfig struct {
	Dir            string   `json:"dir"`
	PostgresDSN    string   `json:"postgres_dsn"`
	PostgresSchema string   `json:"postgres_schema"`
	RetryInitial   Duration `json:"retry_initial"`
	RetryMax       Duration `json:"retry_max"`
	MaxAge         Duration `json:"max_age"`
	LeaseTime      Duration `json:"lease_time"`
}

// DKIMConfig lists the signing keys.
type DKIMConfig struct {
	Keys             []DKIMKey `json:"keys"`
	Dir              string    `json:"dir"`
	Canonicalization string    `json:"canonicalization"`
	// Require refuses messages that would go unsigned (no key for the
	// From domain the submitter may use): 550 5.7.1 over SMTP, 403 over
	// the API. Notices this MTA makes itself (DSNs) are not refused.
	Require bool `json:"require"`
}

// DKIMKey is one signing key.
type DKIMKey struct {
	Domain   string `json:"domain"`
	Selector string `json:"selector"`
	KeyFile  string `json:"key_file"`
}

// DeliveryConfig says where and how mail goes out.
type DeliveryConfig struct {
	Workers            int           `json:"workers"`
	Relay              string        `json:"relay"`
	RelayTLS           string        `json:"relay_tls"`
	RelayUsername      string        `json:"relay_username"`
	RelayPassword      string        `json:"relay_password"`
	DNSServers         []string      `json:"dns_servers"`
	MXPort             int           `json:"mx_port"`
	MaxConnsPerHost    int           `json:"max_conns_per_host"`
	MaxMessagesPerConn int           `json:"max_messages_per_conn"`
	Timeout            Duration      `json:"timeout"`
	Limits             []LimitConfig `json:"limits"`
	SourceIPs          []SourceIP    `json:"source_ips"`
	// AllowPrivateDestinations lets delivery connect to MX hosts at
	// addresses the Internet does not route (loopback, RFC 1918, ...):
	// off, a recipient domain could point this MTA at the mail servers
	// of its own network (destinations.go).
	AllowPrivateDestinations bool `json:"allow_private_destinations"`
}

// LimitConfig is a rate limit for a group of MX hosts.
type LimitConfig struct {
	Name    string   `json:"name"`
	Hosts   []string `json:"hosts"`
	Rate    float64  `json:"rate"`
	Burst   int      `json:"burst"`
	PerHost bool     `json:"per_host"`
}

// SourceIP is a local address to send from.
type SourceIP struct {
	Addr   string `json:"addr"`
	Weight int    `json:"weight"`
}

// DSNConfig controls delivery status notifications.
type DSNConfig struct {
	Disabled    bool `json:"disabled"`
	ReturnFull  bool `json:"return_full"`
	MaxReturned int  `json:"max_returned_bytes"`
}

// WebhookConfig is where events are posted.
type WebhookConfig struct {
	URL         string   `json:"url"`
	Buffer      int      `json:"buffer"`
	BatchSize   int      `json:"batch_size"`
	MaxAttempts int      `json:"max_attempts"`
	Timeout     Duration `json:"timeout"`
	Secret      string   `json:"secret"`
}

// LogConfig sets the log level and format.
type LogConfig struct {
	Level  string `json:"level"`
	Format string `json:"format"`
}

// MailLogConfig is where the mail log goes (see maillog.go).
type MailLogConfig struct {
	// File receives the mail log, appended to (reopened on SIGHUP);
	// "" sends its lines to the main log.
	File string `json:"file"`
	// Format of File: text (key=value, the default) or json.
	Format string `json:"format"`
}

// AdminConfig is the queue administration API (see admin.go).
type AdminConfig struct {
	// Tokens are bearer tokens for /api/queue, and only for it: they
	// cannot send, and sending tokens cannot administer.
	Tokens []string `json:"tokens"`
}

// Duration is a time.Duration written as a Go duration string ("5m").
type Duration time.Duration

// UnmarshalJSON reads "1m30s" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n float64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("want a duration like \"5m\" or a number of seconds, got %s", b)
		}
		*d = Duration(n * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration like \"90s\", \"5m\" or \"120h\"", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// LoadConfig reads and checks a configuration file. Errors are
// *ConfigError values naming the file, the field and, where the field is
// in the file, its line and column.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := ParseConfig(data)
	if ce := (*ConfigError)(nil); errors.As(err, &ce) {
		ce.File = path
	}
	return c, err
}

// ParseConfig parses and checks configuration JSON and fills in defaults.
// Unknown fields are errors, so a misspelt option does not silently keep
// its default; so are fields given twice.
func ParseConfig(data []byte) (*Config, error) {
	pos, err := checkShape(data, reflect.TypeFor[Config]())
	if err != nil {
		return nil, err
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		// What checkShape let pass and encoding/json did not: a bug here
		// (FuzzParseConfig looks for it).
		return nil, &ConfigError{Err: fmt.Errorf("decoding after the shape check: %w", err)}
	}
	if err := c.check(); err != nil {
		ce := (*ConfigError)(nil)
		if !errors.As(err, &ce) {
			return nil, &ConfigError{Err: err}
		}
		// The field's place, or that of the nearest enclosing one given.
		for p := ce.Path; p != "" && ce.Line == 0; p = parentPath(p) {
			if off, ok := pos[p]; ok {
				ce.Line, ce.Column = lineCol(data, off)
			}
		}
		return nil, err
	}
	return &c, nil
}

// parentPath is the path of the field or list enclosing path's.
func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

func (c *Config) check() error {
	if c.Hostname == "" {
		h, err := os.Hostname()
		if err != nil {
			return fieldErr("hostname", "not set, and the system has none")
		}
		c.Hostname = h
	}
	if strings.ContainsAny(c.Hostname, " \r\n\t<>@") {
		return fieldErr("hostname", "%q is not a host name", c.Hostname)
	}
	if c.SMTP.Listen == "" && c.HTTP.Listen == "" {
		return fieldErr("smtp.listen", "neither smtp.listen nor http.listen is set: nothing could submit mail")
	}
	for path, addr := range map[string]string{"smtp.listen": c.SMTP.Listen, "http.listen": c.HTTP.Listen} {
		if _, _, err := net.SplitHostPort(addr); addr != "" && err != nil {
			return fieldErr(path, "%q: want host:port (\":587\" for every address): %v", addr, err)
		}
	}
	if (c.SMTP.TLSCert == "") != (c.SMTP.TLSKey == "") {
		return fieldErr("smtp.tls_cert", "smtp.tls_cert and smtp.tls_key go together")
	}
	if (c.HTTP.TLSCert == "") != (c.HTTP.TLSKey == "") {
		return fieldErr("http.tls_cert", "http.tls_cert and http.tls_key go together")
	}
	for i, n := range c.SMTP.TrustedNetworks {
		if _, err := parsePrefix(n); err != nil {
			return fieldErr(fmt.Sprintf("smtp.trusted_networks[%d]", i), "%q: want an address or a CIDR: %v", n, err)
		}
	}
	if err := c.checkLimits(); err != nil {
		return err
	}
	tokens := map[string]bool{}
	addToken := func(where, t string) error {
		if t == "" || strings.ContainsFunc(t, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return fieldErr(where, "a token is empty or has spaces or control characters")
		}
		if tokens[t] {
			return fieldErr(where, "a token is given twice (every token is for one login)")
		}
		tokens[t] = true
		return nil
	}
	for i, t := range c.HTTP.APITokens {
		if err := addToken(fmt.Sprintf("http.api_tokens[%d]", i), t); err != nil {
			return err
		}
	}
	for i, t := range c.HTTP.MetricsTokens {
		if err := addToken(fmt.Sprintf("http.metrics_tokens[%d]", i), t); err != nil {
			return err
		}
	}
	for i, t := range c.Admin.Tokens {
		if err := addToken(fmt.Sprintf("admin.tokens[%d]", i), t); err != nil {
			return err
		}
	}
	names := map[string]bool{}
	for i, u := range c.SMTP.Users {
		at := fmt.Sprintf("smtp.users[%d]", i)
		if u.Username == "" || u.Password != "" && u.PasswordHash != "" {
			return fieldErr(at, "every user needs a username, and at most one of password and password_hash")
		}
		if u.Password == "" && u.PasswordHash == "" && len(u.APITokens) == 0 {
			return fieldErr(at, "%s: no password, password_hash or api_tokens: it could not log in", u.Username)
		}
		if names[u.Username] {
			return fieldErr(at+".username", "%s is given twice", u.Username)
		}
		names[u.Username] = true
		if u.PasswordHash != "" {
			if _, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil {
				return fieldErr(at+".password_hash", "%s: not a bcrypt hash (mta -hash-password makes one): %v", u.Username, err)
			}
		}
		for j, t := range u.APITokens {
			if err := addToken(fmt.Sprintf("%s.api_tokens[%d]", at, j), t); err != nil {
				return err
			}
		}
		for j, f := range u.From {
			if f != "*" && !strings.HasPrefix(f, "@") && queue.CheckAddress(f) != nil || strings.HasPrefix(f, "@") && strings.ContainsAny(f[1:], "@ <>") {
				return fieldErr(fmt.Sprintf("%s.from[%d]", at, j), "%s: %q is not an address, @domain or *", u.Username, f)
			}
		}
		if len(u.From) == 0 && len(c.DKIM.Keys) == 0 {
			return fieldErr(at+".from", "%s: no from list, and no dkim.keys to take its domains from", u.Username)
		}
	}
	if c.SMTP.MaxMessageBytes == 0 {
		c.SMTP.MaxMessageBytes = 32 << 20
	}
	if c.SMTP.MaxRecipients == 0 {
		c.SMTP.MaxRecipients = 1000
	}
	if c.SMTP.MaxMessageBytes < 0 || c.SMTP.MaxRecipients < 0 {
		return fieldErr("smtp.max_message_bytes", "smtp.max_message_bytes and smtp.max_recipients: want positive numbers")
	}
	switch largest := sendBodyLimit(c.SMTP.MaxMessageBytes); {
	case c.HTTP.MaxSendBytes == 0:
		c.HTTP.MaxSendBytes = 4 * largest
	case c.HTTP.MaxSendBytes < largest:
		return fieldErr("http.max_send_bytes", "%d: less than one largest /api/send body (%d: twice smtp.max_message_bytes, and 64 KiB)", c.HTTP.MaxSendBytes, largest)
	}
	if (c.Queue.Dir == "") == (c.Queue.PostgresDSN == "") {
		return fieldErr("queue", "set exactly one of dir and postgres_dsn")
	}
	for i, k := range c.DKIM.Keys {
		if k.Domain == "" || k.Selector == "" || k.KeyFile == "" {
			return fieldErr(fmt.Sprintf("dkim.keys[%d]", i), "domain, selector and key_file are required")
		}
	}
	switch c.DKIM.Canonicalization {
	case "", "relaxed/relaxed", "relaxed/simple", "simple/simple", "simple/relaxed":
	default:
		return fieldErr("dkim.canonicalization", "%q: want header/body, each relaxed or simple", c.DKIM.Canonicalization)
	}
	if c.DKIM.Require && len(c.DKIM.Keys) == 0 && c.DKIM.Dir == "" {
		return fieldErr("dkim.require", "no dkim.keys and no dkim.dir: every message would be refused")
	}
	d := &c.Delivery
	if d.Workers <= 0 {
		d.Workers = 64
	}
	if d.MaxConnsPerHost <= 0 {
		d.MaxConnsPerHost = 20
	}
	if d.Timeout <= 0 {
		d.Timeout = Duration(5 * time.Minute)
	}
	if d.Relay != "" && len(d.DNSServers) > 0 {
		return fieldErr("delivery.dns_servers", "delivery.relay and delivery.dns_servers exclude each other")
	}
	if d.Relay != "" {
		if _, port, err := net.SplitHostPort(d.Relay); err != nil {
			return fieldErr("delivery.relay", "%q: want host:port: %v", d.Relay, err)
		} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fieldErr("delivery.relay", "%q: the port is not a number from 1 to 65535", d.Relay)
		}
	}
	for i, s := range d.DNSServers {
		hp, err := dnsflag.Server(s)
		if err != nil {
			return fieldErr(fmt.Sprintf("delivery.dns_servers[%d]", i), "%q: want host[:port] (port 53 by default): %v", s, err)
		}
		d.DNSServers[i] = hp
	}
	if d.MXPort < 0 || d.MXPort > 65535 {
		return fieldErr("delivery.mx_port", "%d: want a port from 1 to 65535 (0: 25)", d.MXPort)
	}
	if _, err := tlsPolicy(d.RelayTLS); err != nil {
		return fieldErr("delivery.relay_tls", "%q: want verified, required, opportunistic or none", d.RelayTLS)
	}
	if (d.RelayUsername == "") != (d.RelayPassword == "") {
		return fieldErr("delivery.relay_username", "delivery.relay_username and relay_password go together")
	}
	for i, l := range d.Limits {
		if len(l.Hosts) == 0 || l.Rate <= 0 {
			return fieldErr(fmt.Sprintf("delivery.limits[%d]", i), "hosts and a positive rate are required")
		}
	}
	for i, s := range d.SourceIPs {
		if _, err := netip.ParseAddr(s.Addr); err != nil {
			return fieldErr(fmt.Sprintf("delivery.source_ips[%d].addr", i), "%v", err)
		}
	}
	if c.Webhook.URL != "" && !strings.HasPrefix(c.Webhook.URL, "http://") && !strings.HasPrefix(c.Webhook.URL, "https://") {
		return fieldErr("webhook.url", "%q: not an http(s) URL", c.Webhook.URL)
	}
	if c.DSN.MaxReturned == 0 {
		c.DSN.MaxReturned = 1 << 20
	}
	if err := c.DelayNotices.check(); err != nil {
		return err
	}
	if err := c.ReturnPath.check(); err != nil {
		return err
	}
	if err := c.TLSRPT.check(c.Delivery.Relay); err != nil {
		return err
	}
	if err := c.checkReputation(); err != nil {
		return err
	}
	switch strings.ToLower(c.Log.Level) {
	case "", "debug", "info", "warn", "error":
	default:
		return fieldErr("log.level", "%q: want debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "", "text", "json":
	default:
		return fieldErr("log.format", "%q: want text or json", c.Log.Format)
	}
	switch c.MailLog.Format {
	case "", "text", "json":
	default:
		return fieldErr("maillog.format", "%q: want text or json", c.MailLog.Format)
	}
	if c.MailLog.Format != "" && c.MailLog.File == "" {
		return fieldErr("maillog.format", "needs maillog.file (without one, mail log lines go to the main log, in log.format)")
	}
	return nil
}

// checkLimits checks the connection, timeout and login limits and fills
// in their defaults.
func (c *Config) checkLimits() error {
	s, h := &c.SMTP, &c.HTTP
	for _, l := range []struct {
		name      string
		v         *int
		def       int
		unlimited bool // -1 allowed
	}{
		{"smtp.max_sessions", &s.MaxSessions, 500, false},
		// Postfix's smtpd_client_connection_count_limit is 50.
		{"smtp.max_sessions_per_ip", &s.MaxSessionsPerIP, 50, true},
		{"smtp.max_login_failures", &s.MaxLoginFailures, 5, false},
		{"smtp.session_login_failures", &s.SessionLoginFailures, 3, false},
		{"http.max_conns", &h.MaxConns, 1000, false},
		{"http.max_conns_per_ip", &h.MaxConnsPerIP, 100, true},
	} {
		switch {
		case *l.v == 0:
			*l.v = l.def
		case *l.v == -1 && l.unlimited:
		case *l.v < 0:
			return fieldErr(l.name, "%d: want a positive number", *l.v)
		}
	}
	for _, d := range []struct {
		name string
		v    *Duration
		def  time.Duration
	}{
		// RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for
		// the next command.
		{"smtp.command_timeout", &s.CommandTimeout, 5 * time.Minute},
		{"smtp.idle_timeout", &s.IdleTimeout, 5 * time.Minute},
		{"smtp.session_timeout", &s.SessionTimeout, 30 * time.Minute},
		{"smtp.login_block", &s.LoginBlock, 5 * time.Minute},
	} {
		switch {
		case *d.v == 0:
			*d.v = Duration(d.def)
		case *d.v < 0:
			return fieldErr(d.name, "%v: negative", time.Duration(*d.v))
		}
	}
	// Durations whose zero value means the default of the code that
	// takes them.
	for name, v := range map[string]Duration{
		"queue.retry_initial": c.Queue.RetryInitial, "queue.retry_max": c.Queue.RetryMax,
		"queue.max_age": c.Queue.MaxAge, "queue.lease_time": c.Queue.LeaseTime,
		"delivery.timeout": c.Delivery.Timeout, "webhook.timeout": c.Webhook.Timeout,
	} {
		if v < 0 {
			return fieldErr(name, "%v: negative", time.Duration(v))
		}
	}
	return nil
}

// parsePrefix reads a CIDR or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
