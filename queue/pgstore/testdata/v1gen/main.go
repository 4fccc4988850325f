// Command v1gen wrote testdata/v1.sql.gz, the dump of a PostgreSQL queue
// schema that TestMigrateV1 loads and opens: made by the store as it was
// at commit 37098e3 (schema version 1), holding one message of every
// kind, with v1-expected.json listing what the store reported then.
//
//	go run ./queue/pgstore/testdata/v1gen -dsn "$MXKIT_PG_DSN" -out queue/pgstore/testdata
//
// It was run once, with that commit's code; testdata is not built by go
// build ./..., so this file may stop compiling as the API changes: it is
// kept as the record of how the dump was made.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/pgstore"
)

const schema = "mxq_v1_fixture"

type expected struct {
	Message *queue.Message
	Body    string // sha256 of the body, hex
}

func main() {
	dsn := flag.String("dsn", os.Getenv("MXKIT_PG_DSN"), "PostgreSQL URL")
	out := flag.String("out", "queue/pgstore/testdata", "folder for the dump")
	flag.Parse()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		log.Fatal(err)
	}
	s, err := pgstore.Open(ctx, *dsn, &pgstore.Options{Schema: schema})
	if err != nil {
		log.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	enq := func(e *queue.Envelope, body string, next time.Time) queue.ID {
		id, err := s.Enqueue(ctx, e, strings.NewReader(body), t0, next)
		if err != nil {
			log.Fatal(err)
		}
		return id
	}
	rc := func(addrs ...string) []queue.Recipient {
		var out []queue.Recipient
		for _, a := range addrs {
			out = append(out, queue.Recipient{Addr: a})
		}
		return out
	}
	body := func(tag string, n int) string {
		head := "Subject: " + tag + "\r\n\r\n"
		return head + strings.Repeat("x", max(0, n-len(head)))
	}

	// 1. Live and due, every envelope field set, DSN parameters.
	enq(&queue.Envelope{
		From: "bounce+1@sender.example",
		Recipients: []queue.Recipient{
			{Addr: "a@dest.example", Notify: "SUCCESS,FAILURE", ORcpt: "rfc822;a@dest.example"},
			{Addr: "\"b c\"@dest.example", Notify: "NEVER"},
		},
		Ret: "HDRS", EnvID: "env-0001", Tenant: "acme", Campaign: "spring", Class: "transactional",
		IdempotencyKey: "order-1001",
	}, body("live", 300), t0)
	// 2. Live, due later (scheduled), null sender, recipients in two domains.
	enq(&queue.Envelope{Recipients: rc("x@one.example", "y@two.example"), Tenant: "acme", Class: "bulk"},
		body("scheduled", 200), t0.Add(48*time.Hour))
	// 3. A body in two chunks (over 256 KiB), RET=FULL.
	enq(&queue.Envelope{From: "news@sender.example", Recipients: rc("big@dest.example"), Ret: "FULL",
		Tenant: "globex", Campaign: "newsletter-7"}, body("large", 300<<10), t0)
	// 4. Empty body.
	enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("empty@dest.example")}, "", t0)
	// 5. Deferred with errors: one recipient delivered, two retried.
	id5 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("d1@grey.example", "d2@grey.example", "d3@grey.example"),
		Tenant: "initech", IdempotencyKey: "k-5"}, body("deferred", 2000), t0)
	// 6. Dead: one delivered, one failed permanently.
	id6 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("ok@dest.example", "nouser@dest.example"),
		Tenant: "initech", Campaign: "c-6"}, body("dead", 500), t0)
	// 7. Dead, failed as expired.
	id7 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("slow@far.example"), Class: "bulk"},
		body("expired", 5000), t0)
	// 8. Leased, the lease running until t0+1h1m.
	id8 := enq(&queue.Envelope{From: "s@sender.example", Recipients: rc("leased@dest.example"), Tenant: "acme"},
		body("leased", 100), t0)

	ms, err := s.Lease(ctx, queue.LeaseRequest{Now: t0, Duration: time.Minute, Max: 100})
	if err != nil {
		log.Fatal(err)
	}
	byID := map[queue.ID]*queue.Message{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	complete := func(id queue.ID, now time.Time, outs []queue.Outcome) {
		m := byID[id]
		if m == nil {
			log.Fatalf("%s not leased", id)
		}
		if err := s.Complete(ctx, id, m.Lease, now, outs); err != nil {
			log.Fatal(err)
		}
	}
	complete(id5, t0.Add(10*time.Second), []queue.Outcome{
		{Recipient: "d1@grey.example", State: queue.Delivered},
		{Recipient: "d2@grey.example", State: queue.Pending, RetryAt: t0.Add(5 * time.Minute), Error: "451 4.7.1 greylisted, try again later"},
		{Recipient: "d3@grey.example", State: queue.Pending, RetryAt: t0.Add(6 * time.Minute), Error: "421 4.4.2 connection dropped"},
	})
	complete(id6, t0.Add(10*time.Second), []queue.Outcome{
		{Recipient: "ok@dest.example", State: queue.Delivered},
		{Recipient: "nouser@dest.example", State: queue.Failed, Error: "550 5.1.1 <nouser@dest.example>: no such user"},
	})
	complete(id7, t0.Add(10*time.Second), []queue.Outcome{
		{Recipient: "slow@far.example", State: queue.Failed, Error: "expired: in queue longer than 120h0m0s; last error: 421 4.4.1 timeout"},
	})
	ms, err = s.Lease(ctx, queue.LeaseRequest{Now: t0.Add(time.Minute), Duration: time.Hour, Max: 100})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ms {
		if m.ID != id8 {
			if err := s.Complete(ctx, m.ID, m.Lease, t0.Add(time.Minute), nil); err != nil {
				log.Fatal(err)
			}
		}
	}

	var exp []expected
	for _, dead := range []bool{false, true} {
		list, err := s.List(ctx, queue.ListOptions{Dead: dead, Limit: 100})
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range list {
			rc, err := s.Body(ctx, m.ID)
			if err != nil {
				log.Fatal(err)
			}
			h := sha256.New()
			if _, err := io.Copy(h, rc); err != nil {
				log.Fatal(err)
			}
			rc.Close()
			exp = append(exp, expected{Message: m, Body: hex.EncodeToString(h.Sum(nil))})
		}
	}
	s.Close()
	b, err := json.MarshalIndent(exp, "", "\t")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "v1-expected.json"), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	dump, err := exec.Command("pg_dump", "--dbname", *dsn, "--schema", schema, "--inserts", "--no-owner", "--no-privileges").Output()
	if err != nil {
		log.Fatalf("pg_dump: %v", err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(dump)
	zw.Close()
	if err := os.WriteFile(filepath.Join(*out, "v1.sql.gz"), gz.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d messages, dump %d bytes (%d gzipped)", len(exp), len(dump), gz.Len())
}
