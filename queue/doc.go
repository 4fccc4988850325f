// Package queue is a persistent outbound mail queue: a sender enqueues a
// message (envelope and streamed body) and gets an ID only once the message
// is durable; workers lease due messages for a while, try to deliver them and
// complete each recipient as delivered, to be retried, or failed. Messages
// whose recipients are all final leave the queue; permanent failures and
// messages older than their class's maximum age move to a dead-letter area
// that operators can list, requeue and remove.
//
// The queue is split in two layers:
//
//   - [Store] is the small persistence interface: enqueue, lease, complete,
//     read a body, inspect. It decides nothing about timing; it is given
//     absolute times. Two stores come with mxkit: the embedded store opened
//     with [Open] from a directory, and the PostgreSQL store in
//     queue/pgstore for several machines sharing one database. The
//     conformance suite in queue/queuetest checks any store.
//   - [Queue] sits on top of a Store and adds what is policy: envelope and
//     size checks, send times ([Envelope].SendAt), retry schedules with
//     exponential backoff and jitter per message class ([Schedule]; the
//     default is close to Postfix's: 5 minutes doubling to about an hour,
//     for at most 5 days), and a change hook for observers. Complete
//     takes each recipient's [delivery.Outcome] as smtpclient returns it
//     and returns what it decided for each ([Decision]).
//
// Outcomes are kept as data: every attempt's outcome (status, stage, reply
// code, enhanced code, text, remote host and address, time) is appended to
// its recipient's History (the last [MaxHistory]), in both stores, so DSNs,
// events and an operator's listing are built from it and nobody parses an
// error text. Queues written before History existed open with each
// recipient's old last-error text as a one-outcome History
// ([LegacyHistory]). A recipient also keeps when its sender was told that
// delivery is delayed ([Recipient].DelayNotified, set through
// Queue.Complete), so that a delay notice is sent once however often the
// process restarts.
//
// # Who goes first
//
// Leases mix priority and fairness: each tenant's messages of one
// [Priority] form a flow, and flows with due messages take turns in
// proportion to their priority's weight (transactional 16, normal 4, bulk
// 1), so a password reset does not wait behind a campaign, bulk mail still
// moves under a flood of transactional mail, and one tenant's million
// queued messages do not hold up another tenant's ten. A lease can also cap
// each tenant's messages in delivery at once ([LeaseRequest].TenantLimit).
// Before a message is leased, [Queue.Cancel] withdraws it (or some of its
// recipients) and [Queue.Hold] keeps it back until [Queue.Release]; both
// refuse with [ErrLeased] while it is in delivery, so a canceled message
// is never delivered afterwards. [Queue.Retry] makes a waiting message due
// at once: an operator's "try again now" (both stores are a [Retrier]).
//
// # The embedded store
//
// [Open] keeps the queue in a bbolt B+tree file (dir/queue.db) and large
// bodies as files beside it (dir/bodies). A single commit goroutine gathers
// every enqueue, completion and other change that arrived while the
// previous commit ran into one write transaction: one commit, two
// fdatasyncs, for the whole batch (group commit). bbolt's own DB.Batch
// waits up to 10 ms to fill a batch and reruns failed functions; the loop
// here commits as soon as the disk is free, waiting only (up to 300 µs)
// for enqueues whose callers are on their way, so that a lone producer's
// next message shares the commit of the completions before it rather than
// waiting for it. Which messages are due, and their leases, are kept in
// memory and rebuilt at Open: a lease writes nothing (it could not outlive
// the process anyway).
//
// Why bbolt: it is pure Go, already a dependency, commits atomically by
// switching a checksummed meta page, and a batch costs the pages it touches
// plus two syncs whatever its size. bench/queue runs the same durable cycle
// (10 KB messages: enqueue, lease, body read, completion) on this store,
// on Pebble (an LSM, synced batches, its own group commit), on PostgreSQL
// and on a maildir-style spool with one fsync per message, taking turns.
// Before leases moved to memory (median of 3 rounds, load average 3 to 6):
//
//	producers     embedded    Pebble    spool
//	1                  783       905      831
//	8                3,672     3,943    1,604
//	64              12,898     3,118      392   cycles/s
//
// and now (median of 5 rounds, load average 6 to 7, bench/README.md):
// 1,632, 2,290 and 8,753 cycles/s against the spool's 874, 1,206 and 540;
// with 64 producers the rounds ranged from 3,150 to 10,054 as other
// processes' load moved, and reached 19,866 at load 2 to 3. Pebble matches
// bbolt until the queue is busy; then its lease side falls behind (with 64
// producers it took 4,400 enqueues/s but completed 3,100 cycles/s), most
// likely because the lease scan steps over the tombstones every completion
// leaves: a queue deletes all it writes. Spreading the queue over 2 or 4
// bbolt files (each with its own commit loop) was tried with 64 producers
// and gave nothing: throughput is the number of operations waiting divided
// by a commit's time, and splitting them does not change either.
//
// Bodies up to [Options.InlineLimit] (64 KiB by default) live inside the
// database and ride on the shared commit: with every 10 KB body in a file
// of its own (an fsync each) the same cycle ran at about 1,000/s instead of
// 6,000/s. Larger bodies are streamed to a file that is fsynced before the
// record naming it is committed: 1 MiB bodies went in at 184/s as files
// and 98/s inside bbolt, whose file also grew to hold them, and a big value
// would be held in memory and stall the single writer.
//
// Inline bodies of more than half a page are not bbolt values but live in
// the database file's arena (layout 4): chunks of 256 KiB to 1 MiB (or a
// body's size), each one value that bbolt writes once, when the chunk is
// made, into whose pages the store writes bodies itself (pwrite) before
// their enqueue reaches the commit loop. The commit's first fdatasync, of the same file, makes them
// durable before the meta page that makes their records visible, so a
// group commit still costs two fdatasyncs; and bbolt no longer copies each
// body into a buffer it allocates for the commit (a 100 KB message made
// 121 KiB of garbage per cycle, now 11), nor reads a removed body's page
// to free it. A body takes whole pages, so that writing one never
// rewrites a page of another; its pages are reused once its removal has
// committed and no read of it runs. With bodies handed over as
// *bytes.Buffer and InlineLimit 256 KiB (examples/mta's settings), a cycle
// with 8 producers cost 270 µs of CPU at 100 KB before the arena and 155
// after, 95 and 77 at 10 KB; with one producer 313 and 227, 215 and 189
// (BenchmarkMTACycle, medians of 8 alternating runs, load 1; commits per
// cycle unchanged, 1.0 with one producer and 0.25 with 8). Chunks stay
// once made, free pages and all, as bbolt's file never shrinks either;
// Open checks every arena body's CRC-32C, rebuilds the free pages from the
// records and refuses a file where two bodies share a page.
//
// Crash safety rests on bbolt's meta-page switch (a commit is either wholly
// there or not at all) and on ordering: a body file or arena body is
// durable before its record, and a file without a record is removed at
// the next Open (arena pages no record names are free). Records
// use a compact, versioned binary format (optional fields are tagged, and
// a field this version does not know is refused rather than dropped);
// every body carries a CRC-32C checked when it is read. A queue written by
// an earlier version is moved to the current layout at Open
// (testdata/v1 holds one, kept as a test). Open first opens the file
// read-only and walks every page and record, so that a file at the path
// that is not a queue, or a damaged
// database, fails with [ErrCorrupt] (never a crash, never an empty queue);
// this costs a read of the whole file at Open.
//
// # Addresses and DSN parameters
//
// Addresses are checked as RFC 5321 §4.1.2 mailboxes (with the length limits
// of §4.5.3.1 and RFC 6531 UTF-8); CR, LF and other control characters are
// refused everywhere. The envelope carries the DSN parameters of RFC 3461
// (RET and ENVID for the message, NOTIFY and ORCPT per recipient) for the
// delivery agent to pass on.
package queue
