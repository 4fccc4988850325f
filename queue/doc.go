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
//     size checks, retry schedules with exponential backoff and jitter per
//     message class ([Schedule]; the default is close to Postfix's: 5 minutes
//     doubling to about an hour, for at most 5 days), and a change hook for
//     webhooks and metrics.
//
// # The embedded store
//
// [Open] keeps the queue in a bbolt B+tree file (dir/queue.db) and large
// bodies as files beside it (dir/bodies). The engine was chosen by
// measurement (bench/queue): a B+tree with copy-on-write pages commits a
// batch of any size with two fdatasync calls, and a single commit goroutine
// gathers every enqueue, lease and completion waiting while the previous
// commit ran into one transaction (group commit). Concurrent producers so
// share fsyncs, which is what lets the queue pass 10,000 durable 10 KB
// messages per second on two cores, where a spool with one fsynced file per
// message manages only a few thousand. Bodies up to [Options.InlineLimit]
// (64 KiB by default) live inside the database: they ride on the shared
// commit. Larger bodies are streamed to a file that is fsynced before the
// record that names it is committed: big values inside bbolt would need
// whole contiguous page runs copied on every commit, be held in memory, and
// stall the single writer, while a file costs one extra fsync that is small
// next to the write itself.
//
// Crash safety rests on bbolt's meta-page switch (a commit is either wholly
// there or not at all) and on ordering: a body file is durable before its
// record, and a file without a record is removed at the next Open. A file
// at the path that is not a queue, or a database that fails its consistency
// check, makes Open fail with [ErrCorrupt]; it never yields an empty queue.
//
// # Addresses and DSN parameters
//
// Addresses are checked as RFC 5321 §4.1.2 mailboxes (with the length limits
// of §4.5.3.1 and RFC 6531 UTF-8); CR, LF and other control characters are
// refused everywhere. The envelope carries the DSN parameters of RFC 3461
// (RET and ENVID for the message, NOTIFY and ORCPT per recipient) for the
// delivery agent to pass on.
package queue
