package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/queue"
)

// A migration moves a schema one version up, inside the transaction that
// holds the migration lock. sch is the quoted schema name.
type migration func(ctx context.Context, tx pgx.Tx, sch string) error

func sqlMigration(script string) migration {
	return func(ctx context.Context, tx pgx.Tx, sch string) error {
		_, err := tx.Exec(ctx, strings.ReplaceAll(script, "{s}", sch))
		return err
	}
}

// migrations are applied in order; each runs once per schema. Versions
// already released are never changed: a change is a new version.
var migrations = []migration{
	// 1: messages with a JSON envelope; bodies in chunks.
	sqlMigration(`CREATE TABLE {s}.messages (
		id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		domain text NOT NULL,
		tenant text NOT NULL,
		idem_key text,
		next_attempt timestamptz NOT NULL,
		dead boolean NOT NULL DEFAULT false,
		lease_token text,
		lease_expires timestamptz,
		created timestamptz NOT NULL,
		attempts integer NOT NULL DEFAULT 0,
		size bigint NOT NULL,
		envelope jsonb NOT NULL
	);
	CREATE INDEX messages_due ON {s}.messages (next_attempt, id) WHERE NOT dead;
	CREATE INDEX messages_domain_due ON {s}.messages (domain, next_attempt, id) WHERE NOT dead;
	CREATE UNIQUE INDEX messages_idem ON {s}.messages (tenant, idem_key) WHERE idem_key IS NOT NULL;
	CREATE TABLE {s}.bodies (
		id bigint NOT NULL REFERENCES {s}.messages (id) ON DELETE CASCADE,
		seq integer NOT NULL,
		data bytea NOT NULL,
		PRIMARY KEY (id, seq)
	);`),
	// 2: holds.
	sqlMigration(`ALTER TABLE {s}.messages ADD COLUMN held boolean NOT NULL DEFAULT false;
	DROP INDEX {s}.messages_due;
	DROP INDEX {s}.messages_domain_due;
	CREATE INDEX messages_due ON {s}.messages (next_attempt, id) WHERE NOT dead AND NOT held;
	CREATE INDEX messages_domain_due ON {s}.messages (domain, next_attempt, id) WHERE NOT dead AND NOT held;`),
	// 3: fair lease order, binary envelopes, small bodies in the row.
	migrate3,
	// 4: each flow's finish tag in a row of its own, so that concurrent
	// enqueues of one flow take their tags in turn rather than the same
	// ones (see tagged).
	sqlMigration(`CREATE TABLE {s}.flows (
		tenant text NOT NULL,
		priority smallint NOT NULL,
		finish double precision NOT NULL,
		PRIMARY KEY (tenant, priority)
	);
	INSERT INTO {s}.flows SELECT tenant, priority, max(tag) + ` + fmt.Sprintf(step, "priority") + `
		FROM {s}.messages WHERE ready GROUP BY tenant, priority;
	DROP INDEX {s}.messages_flow;`),
}

// migrate3 moves to the lease order of start-time fair queuing: a message
// due and not leased is ready, with a tag; leases take the lowest tags
// (messages_ready), and a message becomes ready when its time comes
// (messages_waiting). Envelopes become queue.Envelope's binary format, in
// env. A body that fits one chunk is stored in the row (body), where
// changes to the row do not copy it (TOAST keeps it apart and unchanged
// values are not rewritten); larger ones stay in chunks, in bodies. The
// bodies' foreign key goes: the store deletes chunks itself, in the
// statement that deletes their message, and the per-row trigger cost more
// than the rest of a delete.
func migrate3(ctx context.Context, tx pgx.Tx, sch string) error {
	r := strings.NewReplacer("{s}", sch)
	_, err := tx.Exec(ctx, r.Replace(`ALTER TABLE {s}.messages
		ADD COLUMN priority smallint NOT NULL DEFAULT 0,
		ADD COLUMN ready boolean NOT NULL DEFAULT false,
		ADD COLUMN tag double precision NOT NULL DEFAULT 0,
		ADD COLUMN env bytea,
		ADD COLUMN body bytea;
	ALTER TABLE {s}.bodies DROP CONSTRAINT IF EXISTS bodies_id_fkey;
	DROP INDEX {s}.messages_due;
	DROP INDEX {s}.messages_domain_due;`))
	if err != nil {
		return err
	}
	// Convert the JSON envelopes, a thousand at a time.
	var last int64
	for {
		rows, err := tx.Query(ctx, r.Replace(`SELECT id, envelope FROM {s}.messages WHERE id > $1 ORDER BY id LIMIT 1000`), last)
		if err != nil {
			return err
		}
		var ids []int64
		var envs [][]byte
		var prios []int16
		for rows.Next() {
			var id int64
			var js []byte
			if err := rows.Scan(&id, &js); err != nil {
				rows.Close()
				return err
			}
			var e queue.Envelope
			var legacy struct{ Recipients []struct{ LastError string } }
			if err := json.Unmarshal(js, &e); err != nil {
				rows.Close()
				return fmt.Errorf("message %d: bad envelope: %w", id, err)
			}
			// Version 1 kept each recipient's last error as text.
			if json.Unmarshal(js, &legacy) == nil && len(legacy.Recipients) == len(e.Recipients) {
				for i := range e.Recipients {
					e.Recipients[i].History = queue.LegacyHistory(&e.Recipients[i], legacy.Recipients[i].LastError)
				}
			}
			b, _ := e.MarshalBinary()
			ids, envs, prios = append(ids, id), append(envs, b), append(prios, int16(e.Priority))
			last = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		_, err = tx.Exec(ctx, r.Replace(`UPDATE {s}.messages m SET env = u.env, priority = u.priority
			FROM unnest($1::bigint[], $2::bytea[], $3::smallint[]) u(id, env, priority) WHERE m.id = u.id`), ids, envs, prios)
		if err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, r.Replace(`ALTER TABLE {s}.messages DROP COLUMN envelope, ALTER COLUMN env SET NOT NULL;
	ALTER TABLE {s}.messages ALTER COLUMN body SET STORAGE EXTERNAL;
	CREATE INDEX messages_ready ON {s}.messages (tag, id) WHERE ready;
	CREATE INDEX messages_waiting ON {s}.messages (next_attempt, id) WHERE NOT ready AND NOT dead AND NOT held;
	CREATE INDEX messages_domain_ready ON {s}.messages (domain, tag, id) WHERE ready;
	CREATE INDEX messages_flow ON {s}.messages (tenant, priority, tag) WHERE ready;
	CREATE INDEX messages_leased ON {s}.messages (tenant) WHERE lease_token IS NOT NULL;`))
	return err
}

// The weight step of a priority: 1/weight, as SQL.
const step = `(CASE %[1]s WHEN 1 THEN 0.0625 WHEN -1 THEN 1.0 ELSE 0.25 END)`

// cols are the columns scanRow reads.
const cols = `id, domain, next_attempt, dead, held, ready, tag, lease_token, lease_expires, created, attempts, size, env`

type queries struct {
	reserve, insert, insertIdem, nextIDs, promote, nextDue, lease, leaseDomain, candidates, leaseIDs, leasedBy,
	insertDelete, deleteDone, updateDone, lock, update, remove, body, chunk, insertChunk,
	setSize, existing, get, list, counts string
}

func makeQueries(sch string) queries {
	r := strings.NewReplacer("{s}", sch)
	q := func(s string) string { return r.Replace(s) }
	// The tags of messages coming due (src, with columns tenant, priority
	// and ready): for each flow, the later of the queue's current position
	// (the lowest ready tag) and the flow's finish, plus a step for each
	// message of the flow before it in order. The flow's row is updated in
	// the same statement and stays locked until the commit, so concurrent
	// statements for one flow take their tags in turn; the statement runs
	// in a short transaction of its own (see reserve).
	tagged := func(src, order string) string {
		st := fmt.Sprintf(step, "n.priority")
		return `v AS (SELECT coalesce((SELECT tag FROM {s}.messages WHERE ready ORDER BY tag LIMIT 1), 0) AS v),
			n AS (SELECT tenant, priority, count(*) AS n FROM ` + src + ` WHERE ready GROUP BY tenant, priority),
			f AS (INSERT INTO {s}.flows AS fl (tenant, priority, finish)
				SELECT n.tenant, n.priority, v.v + n.n * ` + st + ` FROM n CROSS JOIN v ORDER BY n.tenant, n.priority
				ON CONFLICT (tenant, priority) DO UPDATE SET finish = greatest(fl.finish - (SELECT v FROM v) + EXCLUDED.finish, EXCLUDED.finish)
				RETURNING tenant, priority, finish),
			t AS MATERIALIZED (SELECT ` + src + `.*,
				CASE WHEN ` + src + `.ready THEN f.finish - (n.n - row_number() OVER (PARTITION BY ` + src + `.ready, ` + src + `.tenant, ` +
			src + `.priority ORDER BY ` + order + `) + 1) * ` + st + ` ELSE 0 END AS newtag
				FROM ` + src + ` LEFT JOIN n USING (tenant, priority) LEFT JOIN f USING (tenant, priority))`
	}
	const leaseSet = `ready = false, lease_token = $3, lease_expires = $4, next_attempt = $4, attempts = m.attempts + 1`
	const leaseRet = `m.id, m.domain, m.next_attempt, m.dead, m.held, m.ready, m.tag, m.lease_token, m.lease_expires,
		m.created, m.attempts, m.size, m.env, CASE WHEN m.size <= $5 THEN m.body END`
	// Enqueues in one statement, with IDs drawn before. A message due at
	// once has its tag given ($12), or takes it from its flow's reserved
	// first tag ($13, the flow's index) and its place in the flow ($14).
	// A message handed to a waiting lessee (see claim) is inserted
	// leased, with its token and end ($15, $16), as a lease leaves it.
	insert := `INSERT INTO {s}.messages (id, domain, tenant, idem_key, priority, next_attempt, created, size, env, body, ready, tag,
				lease_token, lease_expires, attempts)
			OVERRIDING SYSTEM VALUE
			SELECT u.id, u.domain, u.tenant, u.idem_key, u.priority, coalesce(u.lease_expires, u.next_attempt), u.created, u.size, u.env, u.body, u.ready,
				CASE WHEN NOT u.ready THEN 0 WHEN u.tag IS NOT NULL THEN u.tag
					ELSE current_setting('mxkit.queue.f' || u.f)::float8 + u.k * ` + fmt.Sprintf(step, "u.priority") + ` END,
				u.lease_token, u.lease_expires, CASE WHEN u.lease_token IS NULL THEN 0 ELSE 1 END
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::timestamptz[], $7::timestamptz[],
				$8::bigint[], $9::bytea[], $10::bytea[], $11::bool[], $12::float8[], $13::int[], $14::int[], $15::text[], $16::timestamptz[])
				u(id, domain, tenant, idem_key, priority, next_attempt, created, size, env, body, ready, tag, f, k, lease_token, lease_expires)
			`
	// The deletion of messages whose leases (IDs and tokens in the
	// arrays ids and toks) are still the callers', and of their chunks:
	// the deleted IDs are in d.
	deleteDone := func(ids, toks string) string {
		return `WITH d AS (DELETE FROM {s}.messages m USING unnest(` + ids + `::bigint[], ` + toks + `::text[]) u(id, tok)
				WHERE m.id = u.id AND m.lease_token = u.tok RETURNING m.id, m.body IS NULL AS chunked),
			b AS (DELETE FROM {s}.bodies WHERE id IN (SELECT id FROM d WHERE chunked))
			`
	}
	return queries{
		// Tags for the flows of enqueues: each flow's finish moves on by
		// n steps from the later of itself and the queue's position (the
		// lowest ready tag); the enqueue numbers its messages from the old
		// finish, which this leaves in the session's settings
		// mxkit.queue.f<i> (i the flow's index in the call) for the
		// INSERT that follows on the same connection. This runs in a short
		// transaction of its own (committed without waiting for the disk:
		// a finish lost in a crash only leaves a gap), so that the flow's
		// row is locked for microseconds, not through the enqueues'
		// commit. Rows are locked in (tenant, priority) order, as in
		// promote, so that two statements never wait for each other.
		// A flow first gives back the unused tags of the block it
		// reserved before ($4 where it ended, $5 how much), but only if
		// its finish is still there (nobody reserved for it since), so
		// that no tag is handed out twice; tags are sums of steps that
		// are powers of two, so the comparison is exact.
		reserve: q(`WITH v AS (SELECT coalesce((SELECT tag FROM {s}.messages WHERE ready ORDER BY tag LIMIT 1), 0) AS v),
				n AS (SELECT * FROM unnest($1::text[], $2::smallint[], $3::bigint[], $4::float8[], $5::float8[]) WITH ORDINALITY n(tenant, priority, n, fend, unused, i)),
				f AS (INSERT INTO {s}.flows AS fl (tenant, priority, finish)
					SELECT n.tenant, n.priority, v.v + n.n * ` + fmt.Sprintf(step, "n.priority") + ` FROM n CROSS JOIN v ORDER BY n.tenant, n.priority
					ON CONFLICT (tenant, priority) DO UPDATE SET finish = greatest(fl.finish
						- coalesce((SELECT n.unused FROM n WHERE n.tenant = fl.tenant AND n.priority = fl.priority AND n.fend = fl.finish), 0)
						- (SELECT v FROM v) + EXCLUDED.finish, EXCLUDED.finish)
					RETURNING tenant, priority, finish)
			SELECT n.i - 1, set_config('mxkit.queue.f' || (n.i - 1), (f.finish - n.n * ` + fmt.Sprintf(step, "n.priority") + `)::text, false)
			FROM f JOIN n USING (tenant, priority)`),
		// Enqueues without idempotency keys: all rows are inserted, or
		// the statement fails, so nothing is returned.
		insert: q(insert),
		// Those with idempotency keys: only these pay for ON CONFLICT
		// (a speculative insertion, checked against the key's index
		// first and confirmed after, for every row of the statement).
		insertIdem: q(insert + `ON CONFLICT (tenant, idem_key) WHERE idem_key IS NOT NULL DO NOTHING RETURNING id`),
		nextIDs:    q(`SELECT nextval((SELECT pg_get_serial_sequence('{s}.messages', 'id'))) FROM generate_series(1, $1)`),
		// Messages whose time has come become ready, with their tags.
		promote: q(`WITH d AS (SELECT id, tenant, priority, next_attempt, true AS ready FROM {s}.messages
				WHERE NOT ready AND NOT dead AND NOT held AND next_attempt <= $1
				ORDER BY next_attempt, id LIMIT 1000 FOR UPDATE SKIP LOCKED),
			` + tagged("d", "d.next_attempt, d.id") + `
			UPDATE {s}.messages m SET ready = true, tag = t.newtag FROM t WHERE m.id = t.id`),
		nextDue: q(`SELECT min(next_attempt) FROM (SELECT next_attempt FROM {s}.messages
			WHERE NOT ready AND NOT dead AND NOT held ORDER BY next_attempt LIMIT 1) n`),
		lease: q(`WITH c AS (SELECT id FROM {s}.messages WHERE ready AND next_attempt <= $1
				ORDER BY tag, id LIMIT $2 FOR UPDATE SKIP LOCKED)
			UPDATE {s}.messages m SET ` + leaseSet + ` FROM c WHERE m.id = c.id
			RETURNING ` + leaseRet),
		leaseDomain: q(`WITH c AS (SELECT id FROM {s}.messages WHERE ready AND domain = $6 AND next_attempt <= $1
				ORDER BY tag, id LIMIT $2 FOR UPDATE SKIP LOCKED)
			UPDATE {s}.messages m SET ` + leaseSet + ` FROM c WHERE m.id = c.id
			RETURNING ` + leaseRet),
		// With tenant caps: candidates first (tenants at their cap left
		// out), then the chosen ones, under the caps lock.
		candidates: q(`SELECT id, tenant FROM {s}.messages WHERE ready AND next_attempt <= $1 AND ($3 = '' OR domain = $3)
			AND NOT tenant = ANY($4::text[])
			ORDER BY tag, id LIMIT $2 FOR UPDATE SKIP LOCKED`),
		leaseIDs: q(`UPDATE {s}.messages m SET ` + leaseSet + ` FROM unnest($1::bigint[]) c(id) WHERE m.id = c.id AND m.next_attempt <= $2
			RETURNING ` + leaseRet),
		leasedBy: q(`SELECT tenant, count(*) FROM {s}.messages WHERE lease_token IS NOT NULL AND tenant = ANY($1::text[])
			AND lease_expires > $2 GROUP BY tenant`),
		// Completions of leases held, many in one statement: those that
		// finish the message delete it (and its chunks), the others
		// write it back; each only if the lease is still the caller's.
		deleteDone: q(deleteDone("$1", "$2") + `SELECT id FROM d`),
		// Enqueues without idempotency keys and the deletions of
		// completions ($17, $18) in one statement (see completePlan),
		// returning the IDs deleted.
		insertDelete: q(deleteDone("$17", "$18") + `, i AS (` + insert + `)
			SELECT id FROM d`),
		updateDone: q(`UPDATE {s}.messages m SET env = u.env, next_attempt = u.next, dead = u.dead, ready = false,
				lease_token = NULL, lease_expires = NULL
			FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::timestamptz[], $5::bool[]) u(id, tok, env, next, dead)
			WHERE m.id = u.id AND m.lease_token = u.tok RETURNING m.id`),
		lock:   q(`SELECT ` + cols + ` FROM {s}.messages WHERE id = $1 FOR UPDATE`),
		update: q(`UPDATE {s}.messages SET next_attempt = $2, dead = $3, held = $4, ready = $5, lease_token = $6, lease_expires = $7, created = $8, env = $9 WHERE id = $1`),
		remove: q(`WITH d AS (DELETE FROM {s}.messages WHERE id = $1 RETURNING id, body IS NULL AS chunked),
			b AS (DELETE FROM {s}.bodies WHERE id IN (SELECT id FROM d WHERE chunked))
			SELECT count(*) FROM d`),
		body:        q(`SELECT size, body FROM {s}.messages WHERE id = $1`),
		chunk:       q(`SELECT data FROM {s}.bodies WHERE id = $1 AND seq = $2`),
		insertChunk: q(`INSERT INTO {s}.bodies (id, seq, data) VALUES ($1, $2, $3)`),
		setSize:     q(`UPDATE {s}.messages SET size = $2 WHERE id = $1`),
		existing:    q(`SELECT id FROM {s}.messages WHERE tenant = $1 AND idem_key = $2`),
		get:         q(`SELECT ` + cols + ` FROM {s}.messages WHERE id = $1`),
		list: q(`SELECT ` + cols + ` FROM {s}.messages
			WHERE id > $1 AND dead = $2 AND ($3 = '' OR domain = $3) AND ($4 = '' OR tenant = $4) AND (held OR NOT $6)
			ORDER BY id LIMIT $5`),
		counts: q(`SELECT dead, domain, count(*),
			count(*) FILTER (WHERE NOT held AND lease_token IS NOT NULL AND lease_expires > $1),
			count(*) FILTER (WHERE NOT held AND next_attempt <= $1 AND NOT (lease_token IS NOT NULL AND lease_expires > $1)),
			count(*) FILTER (WHERE held)
			FROM {s}.messages GROUP BY dead, domain`),
	}
}
