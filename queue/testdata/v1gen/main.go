// Command v1gen wrote testdata/v1, the embedded queue file that
// TestOpenV1Queue opens: a queue made by the store as it was at commit
// 37098e3 (record format 1, buckets due/domdue), holding one message of
// every kind (package v1fixture), with v1-expected.json listing what the
// store reported then.
//
//	go run ./queue/testdata/v1gen -dir queue/testdata/v1
//
// It was run once, with that commit's code; run against later code it
// writes that code's format instead. testdata is not built by go build
// ./..., so this file may stop compiling as the API changes: it is kept
// as the record of how the file was made.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/queue/testdata/v1fixture"
)

func main() {
	dir := flag.String("dir", "queue/testdata/v1", "where to write the queue")
	flag.Parse()
	if err := os.RemoveAll(*dir); err != nil {
		log.Fatal(err)
	}
	// Bodies over 1 KiB go to files, so that a small one exercises the
	// file path.
	s, err := queue.Open(*dir, &queue.Options{InlineLimit: 1024})
	if err != nil {
		log.Fatal(err)
	}
	out := v1fixture.Fill(context.Background(), s, 20<<10)
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	b, err := json.MarshalIndent(out, "", "\t")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "..", "v1-expected.json"), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d messages", len(out))
}
