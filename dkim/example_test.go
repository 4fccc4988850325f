package dkim_test

import (
	"bytes"
	"context"
	"crypto"
	"fmt"
	"log"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

const message = "From: Joe <joe@example.com>\r\n" +
	"To: Suzie <suzie@example.net>\r\n" +
	"Subject: Is dinner ready?\r\n" +
	"\r\n" +
	"We lost the game.\r\n"

// Sign with two keys of one domain in one pass, publish the keys, and
// verify through DNS.
func Example() {
	ed, _ := dkim.GenerateKey("ed25519")
	rsaKey, _ := dkim.GenerateKey("rsa")
	signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{
		{Domain: "example.com", Selector: "ed1", Signer: ed},
		{Domain: "example.com", Selector: "rsa1", Signer: rsaKey},
	}})
	if err != nil {
		log.Fatal(err)
	}
	var signed bytes.Buffer
	if err := signer.SignTo(context.Background(), &signed, strings.NewReader(message)); err != nil {
		log.Fatal(err)
	}

	// Publish the TXT records (here on a test DNS server).
	var zone strings.Builder
	for sel, k := range map[string]crypto.Signer{"ed1": ed, "rsa1": rsaKey} {
		txt, _ := dkim.TXTRecord(k.Public())
		fmt.Fprintf(&zone, "%s._domainkey.example.com. TXT \"%s\"\n", sel, strings.Join(txt, "\" \""))
	}
	srv, err := resolvertest.Start(zone.String())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	v := &dkim.Verifier{Resolver: srv.Client()}
	results, err := v.Verify(context.Background(), &signed)
	if err != nil {
		log.Fatal(err)
	}
	var entries []authres.Result
	for _, r := range results {
		fmt.Println(r.Status, r.Domain, r.Selector, r.Algorithm)
		entries = append(entries, r.AuthResult())
	}
	fmt.Println("Authentication-Results:", authres.Format("mx.example.net", entries))
	// Output:
	// pass example.com ed1 ed25519-sha256
	// pass example.com rsa1 rsa-sha256
	// Authentication-Results: mx.example.net; dkim=pass header.d=example.com header.i=@example.com; dkim=pass header.d=example.com header.i=@example.com
}

// A SaaS sender signs each message for its customer's domain, found from
// the From address, and always for its own domain.
func ExampleMemoryStore() {
	platformKey, _ := dkim.GenerateKey("ed25519")
	customerKey, _ := dkim.GenerateKey("ed25519")
	var store dkim.MemoryStore
	store.Set("example.com", dkim.Key{Domain: "example.com", Selector: "esp2025", Signer: customerKey})

	signer, err := dkim.NewSigner(dkim.SignOptions{
		Keys:  []dkim.Key{{Domain: "esp.example.org", Selector: "s1", Signer: platformKey}},
		Store: &store,
	})
	if err != nil {
		log.Fatal(err)
	}
	header, err := signer.Sign(context.Background(), strings.NewReader(message))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Count(header, "DKIM-Signature:"), strings.Contains(header, "d=example.com"), strings.Contains(header, "d=esp.example.org"))
	// Output: 2 true true
}

// TXTRecord gives the strings of the DNS record for a public key.
func ExampleTXTRecord() {
	key, _ := dkim.GenerateKey("rsa")
	txt, _ := dkim.TXTRecord(key.Public())
	fmt.Println(len(txt), len(txt[0]), strings.HasPrefix(txt[0], "v=DKIM1; k=rsa; p="))
	// Output: 2 255 true
}

// A mailing list seals the message it forwards; the next hop validates
// the chain.
func ExampleARCSealer() {
	key, _ := dkim.GenerateKey("ed25519")
	txt, _ := dkim.TXTRecord(key.Public())
	srv, err := resolvertest.Start(fmt.Sprintf("arc._domainkey.lists.example.org. TXT %q\n", txt[0]))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// The list's own Authentication-Results, added on receipt.
	received := "Authentication-Results: lists.example.org; dkim=pass header.d=example.com; arc=none\r\n" + message
	sealer := &dkim.ARCSealer{Domain: "lists.example.org", Selector: "arc", Signer: key, AuthServID: "lists.example.org"}
	set, err := sealer.Seal(context.Background(), strings.NewReader(received))
	if err != nil {
		log.Fatal(err)
	}

	v := &dkim.ARCVerifier{Resolver: srv.Client()}
	res, err := v.Verify(context.Background(), strings.NewReader(set+received))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("arc="+res.Status, res.Instances)
	// Output: arc=pass 1
}
