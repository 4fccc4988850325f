// Command v1gen wrote testdata/v1.sql.gz, the dump of a PostgreSQL queue
// schema that TestMigrateV1 loads and opens: made by the store as it was
// at commit 37098e3 (schema version 1), holding one message of every
// kind (package queue/testdata/v1fixture), with v1-expected.json listing
// what the store reported then.
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
	"encoding/json"
	"flag"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/queue/pgstore"
	"github.com/mxkit/mxkit/queue/testdata/v1fixture"
)

const schema = "mxq_v1_fixture"

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
	exp := v1fixture.Fill(ctx, s, 300<<10) // a body in two chunks (over 256 KiB)
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
