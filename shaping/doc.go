// Package shaping adjusts how fast and how widely mail goes to each
// mailbox provider from what the providers answer: the loop that keeps a
// sender's reputation when Gmail says "421 4.7.28 ... rate limited" or
// Yahoo "[TSS04] ... temporarily deferred".
//
// A [Shaper] is an smtpclient.Shaper: set it as Transport.Shaper and it
// admits every message per destination and source address (waiting for
// a rate, deferring a message to a suspended destination with a typed
// outcome that wraps [ErrSuspended]), caps sessions per destination (and,
// as an smtpclient.ConnGate, across processes), while the shaping logic
// stays here, outside smtpclient. Give it every outcome with
// [Shaper.Observe]: its [Rule]s match a classified reply (provider,
// stage, status, reply code, RFC 3463 code, bounce.ClassifyOutcome's
// reason, a pattern of the text), trigger at once or after N matches in a
// period, and act: set a rate, set a session cap, suspend the destination
// for the source address or the tenant, or bounce. Each action is an
// [Override] that ends by itself at its Until; [Shaper.Overrides] lists
// those in force with the reply that caused them.
//
// Destinations are providers, not hosts: [ProviderOf] maps MX host names
// to the provider that runs them by a table shipped here (Google,
// Microsoft, Yahoo/AOL, Apple, Comcast, Orange, GMX/WEB.DE, Mail.ru,
// Yandex, Zoho, Fastmail, Proton, T-Online, QQ, NetEase, Naver, and the
// filtering services Proofpoint, Mimecast, Barracuda and Cisco), so a
// limit or suspension for "google" holds for all of Google's MX hosts.
// A host of no known provider is its own destination.
//
// [DefaultRules] holds rules for the big providers' published throttling
// replies, each citing the provider's page: Gmail's 4.7.28, Yahoo's
// [TSS04] and [TSS09], Outlook.com's RP-001/002/003 and Microsoft's
// 4.7.650-652, Comcast's "Too many sessions opened". Apple, Orange, GMX,
// Mail.ru, Yandex and Zoho are in the provider table but have no default
// rule: give rules of your own for what you see from them.
//
// # State and several processes
//
// Limits, trigger counts, session counts and overrides live in a
// [State]: [Memory] (the default) for one process, or redisstate's Redis
// State, shared by every process that uses the same Redis, so three
// machines keep one rate between them and a suspension triggered on one
// holds on all (each reads overrides again every Refresh, one second by
// default). Limits fail closed: when the State cannot be asked, Admit
// defers the message ([ErrLimiterDown]) rather than send it unthrottled.
//
// # Wiring
//
//	shaper := &shaping.Shaper{Limits: map[string]shaping.Limit{"google": {Rate: shaping.Rate{Messages: 50, Per: time.Second}}}}
//	tr := &smtpclient.Transport{Router: router, Shaper: shaper}
//	res, err := tr.Deliver(shaping.WithTenant(ctx, tenant), domain, env, msg)
//	for i := range res.Recipients {
//		overrides, _ := shaper.Observe(ctx, tenant, res.Source, &res.Recipients[i])
//		// log, emit events and metrics for overrides; fail the recipient on a Bounce
//	}
package shaping
