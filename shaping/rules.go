package shaping

import (
	"regexp"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

// DefaultRules returns the rules a Shaper uses when none are given: for
// the big providers, the replies they publish for throttling and
// temporary blocks, each answered by slowing down or stopping for a
// while rather than retrying at the same pace, which extends such blocks.
// Each rule cites the provider's page that documents the reply. The
// durations and rates are mxkit's choices (providers publish none): long
// enough for a provider's short-term counters to clear, short enough
// that mail flows again the same hour.
func DefaultRules() []Rule {
	return []Rule{
		// Gmail: "421 4.7.28 ... Our system has detected an unusual rate
		// of unsolicited mail originating from your IP address. To
		// protect our users from spam, mail sent from your IP address has
		// been temporarily rate limited" (and the same for the SPF
		// domain, DKIM domain and URL domains). Google Workspace Admin
		// Help, "Gmail SMTP errors and codes",
		// https://support.google.com/a/answer/3726730.
		{
			Name: "gmail-rate-limited", Cite: "https://support.google.com/a/answer/3726730",
			Provider: "google", Status: delivery.Deferred, Enhanced: []delivery.EnhancedCode{{4, 7, 28}},
			Action: Action{Kind: SetRate, Rate: Rate{Messages: 1, Per: 2 * time.Second}, Duration: time.Hour},
		},
		// The same reply again and again despite the slower rate: stop
		// sending to Gmail from that address for an hour.
		{
			Name: "gmail-rate-limited-repeatedly", Cite: "https://support.google.com/a/answer/3726730",
			Provider: "google", Status: delivery.Deferred, Enhanced: []delivery.EnhancedCode{{4, 7, 28}},
			Times: 10, Period: 10 * time.Minute,
			Action: Action{Kind: Suspend, Duration: time.Hour},
		},
		// Yahoo and AOL: "421 4.7.0 [TSS04] Messages from x.x.x.x
		// temporarily deferred due to unexpected volume or user
		// complaints". Yahoo Sender Hub, "SMTP Error Codes",
		// https://senders.yahooinc.com/smtp-error-codes/.
		{
			Name: "yahoo-tss04", Cite: "https://senders.yahooinc.com/smtp-error-codes/",
			Provider: "yahoo", Status: delivery.Deferred, Text: regexp.MustCompile(`\[TSS04\]`),
			Action: Action{Kind: Suspend, Duration: time.Hour},
		},
		// Yahoo: "[TSS09] All messages from x.x.x.x will be permanently
		// deferred; Retrying will NOT succeed" (and its older [TS03],
		// Yahoo Help SLN3436: "421 4.7.1 [TS03] All messages from
		// x.x.x.x permanently deferred"):
		// nothing from that address goes through; stop for a day.
		{
			Name: "yahoo-tss09", Cite: "https://senders.yahooinc.com/smtp-error-codes/",
			Provider: "yahoo", Text: regexp.MustCompile(`\[(TSS09|TS03)\]`),
			Action: Action{Kind: Suspend, Duration: 24 * time.Hour},
		},
		// Outlook.com: "421 RP-001 ... exceeded the rate limit allowed"
		// (a rate limit tied to the IP's or domain's reputation).
		// Outlook.com postmaster, "Troubleshooting",
		// https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx.
		{
			Name: "outlook-rp001", Cite: "https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx",
			Provider: "microsoft", Codes: []int{421}, Text: regexp.MustCompile(`\bRP-001\b`),
			Action: Action{Kind: SetRate, Rate: Rate{Messages: 1, Per: time.Second}, Duration: time.Hour},
		},
		// Outlook.com: "421 RP-002" and "421 RP-003", the connection
		// limits (same page).
		{
			Name: "outlook-rp002-rp003", Cite: "https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx",
			Provider: "microsoft", Codes: []int{421}, Text: regexp.MustCompile(`\bRP-00[23]\b`),
			Action: Action{Kind: SetMaxConns, MaxConns: 2, Duration: time.Hour},
		},
		// Microsoft: "451 4.7.650 The mail server [x.x.x.x] has been
		// temporarily rate limited due to IP reputation" (and 4.7.651),
		// whose text sends senders to https://aka.ms/postmaster, the
		// Outlook.com postmaster pages above.
		{
			Name: "microsoft-ip-reputation", Cite: "https://aka.ms/postmaster",
			Provider: "microsoft", Status: delivery.Deferred, Enhanced: []delivery.EnhancedCode{{4, 7, 650}, {4, 7, 651}},
			Action: Action{Kind: Suspend, Duration: time.Hour},
		},
		// Microsoft: "451 4.7.652 The mail server [x.x.x.x] has exceeded
		// the maximum number of connections" (same pages).
		{
			Name: "microsoft-max-connections", Cite: "https://aka.ms/postmaster",
			Provider: "microsoft", Status: delivery.Deferred, Enhanced: []delivery.EnhancedCode{{4, 7, 652}},
			Action: Action{Kind: SetMaxConns, MaxConns: 2, Duration: time.Hour},
		},
		// Comcast: "421 - [Too many sessions opened]": Comcast allows 25
		// simultaneous connections per sending IP address. Comcast
		// postmaster, "Understand email error messages and their codes",
		// http://postmaster.comcast.net/smtp-error-codes.php.
		{
			Name: "comcast-too-many-sessions", Cite: "http://postmaster.comcast.net/smtp-error-codes.php",
			Provider: "comcast", Codes: []int{421}, Text: regexp.MustCompile(`(?i)too many sessions opened`),
			Action: Action{Kind: SetMaxConns, MaxConns: 10, Duration: time.Hour},
		},
	}
}
