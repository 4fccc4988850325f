package main

import (
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/dnsbl"
	"github.com/mxkit/mxkit/rates"
	"github.com/mxkit/mxkit/shaping"
)

// ReputationConfig is the "reputation" section: what keeps the sender's
// standing with mailbox providers. Every part is off unless configured.
type ReputationConfig struct {
	Suppression SuppressionConfig `json:"suppression"`
	Shaping     ShapingConfig     `json:"shaping"`
	Rates       RatesConfig       `json:"rates"`
	Verify      VerifyConfig      `json:"verify"`
	Blocklists  BlocklistConfig   `json:"blocklists"`
	Redis       RedisConfig       `json:"redis"`
}

// SuppressionConfig is the suppression list: its store (an embedded file
// or PostgreSQL, at most one), how soft failures count, and the RFC 8058
// one-click unsubscribe links.
type SuppressionConfig struct {
	Path           string   `json:"path"`
	PostgresDSN    string   `json:"postgres_dsn"`
	PostgresSchema string   `json:"postgres_schema"`
	SoftLimit      int      `json:"soft_limit"`
	SoftWindow     Duration `json:"soft_window"`
	SoftExpiry     Duration `json:"soft_expiry"`
	// UnsubscribeURL is the public https URL, ending in "/", that
	// List-Unsubscribe links start with; its path is served here.
	UnsubscribeURL    string           `json:"unsubscribe_url"`
	UnsubscribeKeys   []UnsubscribeKey `json:"unsubscribe_keys"`
	UnsubscribeMaxAge Duration         `json:"unsubscribe_max_age"`
	// MaxUserEntries bounds a tenant's entries for its users' own
	// additions (POST /api/suppressions): past it they are refused.
	// Entries from bounces, complaints and unsubscribes are never
	// refused: a recipient's wish or a delivery's finding is recorded
	// whatever the tenant's count. So a tenant can pass the bound by
	// clicking one-click links it minted for addresses it never mailed
	// (GET /api/unsubscribe-url); a real recipient's click looks the
	// same, and nothing here records which addresses a tenant mailed,
	// so such clicks are honoured, logged and counted, up to
	// MaxUnsubscribeEntries.
	// 0 means 250,000 (about 125 MB of memory); -1 no limit.
	MaxUserEntries int `json:"max_user_entries"`
	// MaxUnsubscribeEntries is the hard bound on a tenant's entries
	// that one-click unsubscribes grow: past it an unsubscribe that
	// would add an entry is refused (503, try again later), logged as an
	// error and counted, so that minted links cannot fill the memory
	// every tenant shares. The operator's links (no tenant) are not
	// bounded. 0 means 1,000,000 (about 500 MB); -1 no limit.
	MaxUnsubscribeEntries int `json:"max_unsubscribe_entries"`
}

// UnsubscribeKey signs unsubscribe tokens: the first key signs, all
// verify.
type UnsubscribeKey struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// ShapingConfig turns providers' replies into rates, session caps and
// suspensions (mxkit/shaping).
type ShapingConfig struct {
	Enabled        bool              `json:"enabled"`
	Limits         []ShapingLimit    `json:"limits"`
	Providers      map[string]string `json:"providers"`
	Rules          []ShapingRule     `json:"rules"`
	NoDefaultRules bool              `json:"no_default_rules"`
}

// ShapingLimit is a standing limit for a destination: a provider name,
// an MX host name, or "*" for the others.
type ShapingLimit struct {
	Destination string  `json:"destination"`
	Rate        float64 `json:"rate"` // messages per second; 0: none
	Burst       int     `json:"burst"`
	MaxConns    int     `json:"max_conns"`
}

// ShapingRule matches a reply and acts on it; empty match fields match
// anything.
type ShapingRule struct {
	Name     string   `json:"name"`
	Cite     string   `json:"cite"`
	Provider string   `json:"provider"`
	Stage    string   `json:"stage"`
	Status   string   `json:"status"`
	Codes    []int    `json:"codes"`
	Enhanced []string `json:"enhanced"`
	Reasons  []string `json:"reasons"`
	Text     string   `json:"text"`
	Times    int      `json:"times"`
	Period   Duration `json:"period"`
	Action   string   `json:"action"`
	Scope    string   `json:"scope"`
	Rate     float64  `json:"rate"`
	Burst    int      `json:"burst"`
	MaxConns int      `json:"max_conns"`
	Duration Duration `json:"duration"`
}

// RatesConfig counts outcomes over a sliding window and reports
// threshold crossings (mxkit/rates).
type RatesConfig struct {
	Enabled    bool              `json:"enabled"`
	Window     Duration          `json:"window"`
	Bucket     Duration          `json:"bucket"`
	Thresholds []ThresholdConfig `json:"thresholds"`
}

// ThresholdConfig is one threshold on a rate.
type ThresholdConfig struct {
	Name       string   `json:"name"`
	Metric     string   `json:"metric"`
	Limit      float64  `json:"limit"`
	MinVolume  int64    `json:"min_volume"`
	Dimensions []string `json:"dimensions"`
}

// VerifyConfig refuses undeliverable recipients at intake (mxkit/verify).
type VerifyConfig struct {
	RefuseUndeliverable bool `json:"refuse_undeliverable"`
	// Timeout bounds the checks of one RCPT, and all the checks of one
	// POST /api/send.
	Timeout Duration `json:"timeout"`
	// Unverified is what a recipient whose check did not finish gets:
	// "accept" (the default: queued, and listed as unverified in the
	// API's reply) or "defer" (451 4.4.3 at RCPT, refused for now over
	// the API). The checks of all tenants share the Checker's DNS
	// lookups, so with "defer" a tenant sending to domains whose DNS
	// hangs defers others' recipients as well.
	Unverified string   `json:"unverified"`
	DNSServers []string `json:"dns_servers"`
}

// reputation.verify.unverified's values.
const (
	unverifiedAccept = "accept"
	unverifiedDefer  = "defer"
)

// BlocklistConfig is the periodic check of the sending IP addresses and
// domains against DNS blocklists (mxkit/dnsbl).
type BlocklistConfig struct {
	Enabled    bool            `json:"enabled"`
	Interval   Duration        `json:"interval"`
	IPs        []string        `json:"ips"`
	Domains    []string        `json:"domains"`
	Zones      []BlocklistZone `json:"zones"`
	DNSServers []string        `json:"dns_servers"`
	Timeout    Duration        `json:"timeout"`
}

// BlocklistZone is a zone to ask. A name of one of dnsbl's default zones
// takes its table of answers; another zone's answers in 127.0.0.0/8 are
// listings of unpublished meaning.
type BlocklistZone struct {
	Name    string `json:"name"`
	Domains bool   `json:"domains"`
	IPv6    bool   `json:"ipv6"`
}

// RedisConfig shares the shaping state (rates, session caps,
// suspensions) and the rate counters with the other processes using the
// same Redis and prefix.
type RedisConfig struct {
	URL    string `json:"url"`
	Prefix string `json:"prefix"`
}

// checkReputation checks the reputation section and fills in defaults.
func (c *Config) checkReputation() error {
	r := &c.Reputation
	s := &r.Suppression
	if s.Path != "" && s.PostgresDSN != "" {
		return fieldErr("reputation.suppression", "path and postgres_dsn exclude each other")
	}
	if s.SoftLimit < 0 || s.SoftWindow < 0 {
		return fieldErr("reputation.suppression", "soft_limit and soft_window must not be negative")
	}
	switch {
	case s.MaxUserEntries == 0:
		s.MaxUserEntries = 250_000
	case s.MaxUserEntries < -1:
		return fieldErr("reputation.suppression.max_user_entries", "%d: want a positive number, or -1 for no limit", s.MaxUserEntries)
	}
	switch {
	case s.MaxUnsubscribeEntries == 0:
		s.MaxUnsubscribeEntries = 1_000_000
	case s.MaxUnsubscribeEntries < -1:
		return fieldErr("reputation.suppression.max_unsubscribe_entries", "%d: want a positive number, or -1 for no limit", s.MaxUnsubscribeEntries)
	}
	if s.UnsubscribeURL != "" || len(s.UnsubscribeKeys) > 0 {
		if s.Path == "" && s.PostgresDSN == "" {
			return fieldErr("reputation.suppression", "unsubscribe links need a store (path or postgres_dsn)")
		}
		u, err := url.Parse(s.UnsubscribeURL)
		// RFC 8058 §3.1: the one-click URI must be https.
		if err != nil || u.Scheme != "https" || u.Host == "" || !strings.HasSuffix(u.Path, "/") || u.RawQuery != "" || u.Fragment != "" {
			return fieldErr("reputation.suppression.unsubscribe_url", "%q: want an https URL whose path ends in /", s.UnsubscribeURL)
		}
		if u.Path == "/" || strings.HasPrefix(u.Path, "/api/") || strings.HasPrefix(u.Path, "/metrics") {
			return fieldErr("reputation.suppression.unsubscribe_url", "%q: its path is served here, beside /api/ and /metrics: give it one of its own, such as /unsubscribe/", s.UnsubscribeURL)
		}
		if len(s.UnsubscribeKeys) == 0 {
			return fieldErr("reputation.suppression.unsubscribe_keys", "at least one key is needed to sign unsubscribe links")
		}
		for _, k := range s.UnsubscribeKeys {
			if k.ID == "" || len(k.ID) > 16 || len(k.Secret) < 16 {
				return fieldErr("reputation.suppression.unsubscribe_keys", "each key needs an id of 1 to 16 octets and a secret of at least 16 (32 random bytes, hex-encoded, say)")
			}
		}
	}
	if _, err := shapingLimits(r.Shaping.Limits); err != nil {
		return err
	}
	if _, err := shapingRules(r.Shaping.Rules); err != nil {
		return err
	}
	if _, err := thresholds(r.Rates.Thresholds); err != nil {
		return err
	}
	if r.Rates.Window < 0 || r.Rates.Bucket < 0 || r.Rates.Bucket > r.Rates.Window && r.Rates.Window > 0 {
		return fieldErr("reputation.rates", "window and bucket must be positive, bucket within window")
	}
	if r.Verify.Timeout <= 0 {
		r.Verify.Timeout = Duration(5 * time.Second)
	}
	switch r.Verify.Unverified {
	case "":
		r.Verify.Unverified = unverifiedAccept
	case unverifiedAccept, unverifiedDefer:
	default:
		return fieldErr("reputation.verify.unverified", "%q: want accept or defer", r.Verify.Unverified)
	}
	if r.Redis.URL != "" && !strings.HasPrefix(r.Redis.URL, "redis://") && !strings.HasPrefix(r.Redis.URL, "rediss://") && !strings.HasPrefix(r.Redis.URL, "unix://") {
		return fieldErr("reputation.redis.url", "%q: want redis://, rediss:// or unix://", r.Redis.URL)
	}
	return c.checkBlocklists()
}

// checkBlocklists checks reputation.blocklists and fills in its
// defaults: every 10 minutes, the delivery source addresses and the DKIM
// domains, dnsbl's default zones.
func (c *Config) checkBlocklists() error {
	b := &c.Reputation.Blocklists
	if !b.Enabled {
		return nil
	}
	if b.Interval == 0 {
		b.Interval = Duration(10 * time.Minute)
	}
	if b.Interval < Duration(time.Minute) {
		// Blocklist operators limit query volumes, and answers are
		// cached for their TTL anyway.
		return fieldErr("reputation.blocklists.interval", "at least 1m")
	}
	if b.Timeout <= 0 {
		b.Timeout = Duration(10 * time.Second)
	}
	if len(b.IPs) == 0 {
		for _, s := range c.Delivery.SourceIPs {
			b.IPs = append(b.IPs, s.Addr)
		}
	}
	if len(b.Domains) == 0 {
		for _, k := range c.DKIM.Keys {
			if d := dnsName(k.Domain); !slices.Contains(b.Domains, d) {
				b.Domains = append(b.Domains, d)
			}
		}
	}
	if len(b.IPs) == 0 && len(b.Domains) == 0 {
		return fieldErr("reputation.blocklists", "nothing to check: give ips or domains (or delivery.source_ips, dkim.keys)")
	}
	if _, err := b.addrs(); err != nil {
		return err
	}
	_, err := b.zones()
	return err
}

// addrs returns the IP addresses to check.
func (b *BlocklistConfig) addrs() ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range b.IPs {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fieldErr("reputation.blocklists.ips", "%w", err)
		}
		out = append(out, a.Unmap())
	}
	return out, nil
}

// zones returns the zones to ask: dnsbl's defaults when none are given.
func (b *BlocklistConfig) zones() ([]dnsbl.Zone, error) {
	if len(b.Zones) == 0 {
		return dnsbl.DefaultZones(), nil
	}
	defaults := map[string]dnsbl.Zone{}
	for _, z := range dnsbl.DefaultZones() {
		defaults[z.Name] = z
	}
	var out []dnsbl.Zone
	for _, z := range b.Zones {
		name := dnsName(z.Name)
		if !strings.Contains(name, ".") || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == '/' || r == '@' || r >= 0x7f }) {
			return nil, fieldErr("reputation.blocklists.zones", "%q is not a zone name", z.Name)
		}
		if d, ok := defaults[name]; ok {
			out = append(out, d)
			continue
		}
		out = append(out, dnsbl.Zone{Name: name, Domains: z.Domains, IPv6: z.IPv6})
	}
	return out, nil
}

// dnsName is a configured domain or zone name as it is compared: in
// lower case, without a trailing dot.
func dnsName(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

// perSecond turns a rate in messages a second into a shaping.Rate: whole
// messages a second as they are, others as one message per period.
func perSecond(r float64, burst int) shaping.Rate {
	switch {
	case r <= 0:
		return shaping.Rate{}
	case r == math.Trunc(r) && r < math.MaxInt32:
		return shaping.Rate{Messages: int(r), Per: time.Second, Burst: burst}
	}
	return shaping.Rate{Messages: 1, Per: time.Duration(float64(time.Second) / r), Burst: burst}
}

// shapingLimits reads reputation.shaping.limits.
func shapingLimits(ls []ShapingLimit) (map[string]shaping.Limit, error) {
	out := map[string]shaping.Limit{}
	for i, l := range ls {
		d := dnsName(l.Destination)
		if d == "" || l.Rate < 0 || l.Burst < 0 || l.MaxConns < 0 || l.Rate == 0 && l.MaxConns == 0 {
			return nil, fieldErr(fmt.Sprintf("reputation.shaping.limits[%d]", i), "a destination and a rate or max_conns are required")
		}
		if _, dup := out[d]; dup {
			return nil, fieldErr(fmt.Sprintf("reputation.shaping.limits[%d]", i), "%s is given twice", d)
		}
		out[d] = shaping.Limit{Rate: perSecond(l.Rate, l.Burst), MaxConns: l.MaxConns}
	}
	return out, nil
}

// actions are the names of shaping's actions in the configuration.
var actions = map[string]shaping.ActionKind{
	"set-rate": shaping.SetRate, "set-max-conns": shaping.SetMaxConns,
	"suspend": shaping.Suspend, "bounce": shaping.Bounce,
}

// shapingRules reads reputation.shaping.rules.
func shapingRules(rs []ShapingRule) ([]shaping.Rule, error) {
	var out []shaping.Rule
	for i, c := range rs {
		bad := func(format string, a ...any) error {
			return fieldErr(fmt.Sprintf("reputation.shaping.rules[%d]", i), "%s: %s", c.Name, fmt.Sprintf(format, a...))
		}
		r := shaping.Rule{Name: c.Name, Cite: c.Cite, Provider: c.Provider, Codes: c.Codes, Times: c.Times, Period: time.Duration(c.Period)}
		if c.Name == "" {
			return nil, bad("a name is required")
		}
		if c.Stage != "" {
			if err := r.Stage.UnmarshalText([]byte(c.Stage)); err != nil {
				return nil, bad("%v", err)
			}
		}
		switch c.Status {
		case "":
		case "deferred":
			r.Status = delivery.Deferred
		case "failed":
			r.Status = delivery.Failed
		default:
			return nil, bad("status %q: want deferred or failed", c.Status)
		}
		for _, code := range c.Codes {
			if code < 200 || code > 599 {
				return nil, bad("code %d is not an SMTP reply code", code)
			}
		}
		for _, e := range c.Enhanced {
			ec, err := delivery.ParseEnhancedCode(e)
			if err != nil {
				return nil, bad("%v", err)
			}
			r.Enhanced = append(r.Enhanced, ec)
		}
		for _, reason := range c.Reasons {
			if !validReason.MatchString(reason) {
				return nil, bad("reason %q: want one of mxkit/bounce's reason names, such as speeding", reason)
			}
			r.Reasons = append(r.Reasons, bounce.Reason(reason))
		}
		if c.Text != "" {
			re, err := regexp.Compile(c.Text)
			if err != nil {
				return nil, bad("text: %v", err)
			}
			r.Text = re
		}
		if c.Times < 0 || c.Times > 1 && c.Period <= 0 {
			return nil, bad("times above 1 need a period")
		}
		kind, ok := actions[c.Action]
		if !ok {
			return nil, bad("action %q: want set-rate, set-max-conns, suspend or bounce", c.Action)
		}
		r.Action = shaping.Action{Kind: kind, Rate: perSecond(c.Rate, c.Burst), MaxConns: c.MaxConns, Duration: time.Duration(c.Duration)}
		switch c.Scope {
		case "", "source":
		case "tenant":
			r.Action.Scope = shaping.ByTenant
		default:
			return nil, bad("scope %q: want source or tenant", c.Scope)
		}
		switch {
		case c.Duration <= 0:
			return nil, bad("a positive duration is required: an action ends by itself")
		case kind == shaping.SetRate && c.Rate <= 0:
			return nil, bad("set-rate needs a positive rate")
		case kind == shaping.SetMaxConns && c.MaxConns <= 0:
			return nil, bad("set-max-conns needs a positive max_conns")
		}
		out = append(out, r)
	}
	return out, nil
}

// validReason is the form of bounce's reason names.
var validReason = regexp.MustCompile(`^[a-z]+$`)

// metrics and dimensions are the names of rates' metrics and dimensions
// in the configuration.
var (
	metricNames = map[string]rates.Metric{
		"complaint_rate": rates.ComplaintRate, "hard_bounce_rate": rates.HardBounceRate,
		"bounce_rate": rates.BounceRate, "deferral_rate": rates.DeferralRate,
	}
	dimensionNames = map[string]rates.Dimension{
		"tenant": rates.Tenant, "from_domain": rates.FromDomain, "source": rates.Source, "provider": rates.Provider,
	}
)

// thresholds reads reputation.rates.thresholds; nil when none are given
// (rates' defaults).
func thresholds(ts []ThresholdConfig) ([]rates.Threshold, error) {
	var out []rates.Threshold
	for i, c := range ts {
		m, ok := metricNames[c.Metric]
		if !ok {
			return nil, fieldErr(fmt.Sprintf("reputation.rates.thresholds[%d]", i), "metric %q: want complaint_rate, hard_bounce_rate, bounce_rate or deferral_rate", c.Metric)
		}
		if c.Name == "" || c.Limit <= 0 || c.Limit >= 1 || c.MinVolume < 0 {
			return nil, fieldErr(fmt.Sprintf("reputation.rates.thresholds[%d]", i), "a name and a limit between 0 and 1 (0.003 is 0.3%%) are required")
		}
		t := rates.Threshold{Name: c.Name, Metric: m, Limit: c.Limit, MinVolume: c.MinVolume}
		for _, d := range c.Dimensions {
			dim, ok := dimensionNames[d]
			if !ok {
				return nil, fieldErr(fmt.Sprintf("reputation.rates.thresholds[%d]", i), "dimension %q: want tenant, from_domain, source or provider", d)
			}
			t.Dimensions = append(t.Dimensions, dim)
		}
		out = append(out, t)
	}
	return out, nil
}
