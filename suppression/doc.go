// Package suppression keeps the addresses and domains a sender must not
// mail — hard bounces, complaints, unsubscribes, invalid addresses, manual
// entries — and answers, for every message, whether its recipient is one
// of them.
//
// # Entries
//
// An [Entry] names a mailbox or a whole domain, in the canonical form of
// [Normalize] (the address package's rules, with the local part
// lower-cased), for one tenant or for all ("" tenant); it has a [Reason],
// the [Evidence] it was decided on (the bounce's reason, status and
// reply; the feedback report's type, user agent, source IP and arrival
// date; the list an unsubscribe came from), when it was created and,
// optionally, when it expires. A domain entry covers that domain only, not
// its subdomains.
//
// # Stores and the List
//
// A [Store] keeps entries: [Open] gives the embedded one (a bbolt file,
// for one process), suppression/pgstore the PostgreSQL one (for processes
// on several machines). suppression/suppressiontest is the conformance
// suite both pass, as any third-party store should.
//
// A [List] loads every entry of a Store into memory, sharded maps keyed by
// (tenant, address), and answers [List.Check] from there: a canonical
// address costs up to four map lookups (tenant and all-tenants, address
// and domain) and no allocation — about 160 to 190 ns, 5 to 6 million
// checks a second on one core of a loaded 2-core machine with a million
// entries (BenchmarkCheck); an address that must be normalised first
// (upper case, IDNA) about 570 ns.
//
// Other processes' changes reach the cache through the Store's change
// feed ([Watcher]): the PostgreSQL store sends NOTIFY in the transaction
// that changes an entry, and every List LISTENs, so an entry added on one
// machine suppresses on all of them within milliseconds of its commit. A
// cache with a short TTL was the other choice and is the wrong one for
// this list: either each Check goes to the database (and the million
// checks a second are gone), or for up to a TTL a process keeps mailing a
// recipient who complained or unsubscribed on another — exactly the mail
// that costs reputation, and that RFC 8058 and the Gmail and Yahoo sender
// rules expect to stop (within two days at most, but a sender has no
// reason to wait). When the feed's connection is lost the List listens
// again and reloads every entry (the feed first, then the load, so
// nothing committed in between is missed); until then it answers from
// what it has. A bulk change (an import) is announced as one "reload"
// rather than entry by entry.
//
// # What feeds it
//
//   - [List.Outcome] takes a delivery.Outcome (what smtpclient returns and
//     queue stores) and suppresses on bounce.ClassifyOutcome's verdict: a
//     hard failure at once (a null MX found by the route lookup
//     suppresses the domain); a malformed address (5.1.3); a permanent
//     soft failure about the mailbox (full, disabled) only after
//     Options.SoftLimit of them within Options.SoftWindow — by default 3
//     within 15 days, suppressing for 30 days: a mailbox over quota on
//     three sends in two weeks is most likely abandoned, and abandoned
//     mailboxes are what providers turn into spam traps, while a single
//     full mailbox is normal. Soft failures are counted in the Store, so
//     the count holds across processes and restarts. Deferrals never
//     suppress, nor do failures about the sender (blocked, spam,
//     reputation, authentication) or the message.
//   - [List.Report] takes a bounce.Report: failed recipients of a DSN or
//     other bounce as above; an RFC 5965 feedback report's recipients as
//     complaints (abuse, fraud, virus, other), an RFC 2369 unsubscribe
//     request as an unsubscribe; not-spam and auth-failure reports change
//     nothing.
//   - [List.Unsubscribe] and the RFC 8058 one-click [Handler], whose URLs
//     carry a token made by [Signer] (HMAC-SHA-256 with a key id, so keys
//     can be rotated); a forged or altered token gets 400 and changes
//     nothing; a repeated POST finds the entry in force. An unsubscribe
//     suppresses the tenant's mail to the address, the list named in the
//     token being kept as evidence.
//   - [List.Add] for manual entries, and [List.Import] / [List.Export] as
//     CSV (RFC 4180) for bulk moves.
//
// A repeated Add keeps the entry in force unless the new one lasts
// longer; each feeding call returns the entries in force, so that the
// caller can emit its own events.
package suppression
