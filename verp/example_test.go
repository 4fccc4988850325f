package verp_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/mxkit/mxkit/verp"
)

func Example() {
	c := &verp.Codec{
		Domain: "bounces.example.com",
		Keys:   []verp.Key{{ID: 1, Secret: []byte("a secret of 16 octets or more")}},
	}
	sent := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	// The envelope sender for message q42 to alice: MAIL FROM:<...>.
	rp, err := c.Encode("q42", "alice@customers.example", sent)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(rp.Local) <= 64, rp.Domain)

	// Two days later a bounce comes to that address, which an MTA on
	// the way has upper-cased.
	tag, err := c.Decode(fmt.Sprintf("%s@BOUNCES.EXAMPLE.COM", rp.Local), sent.Add(48*time.Hour))
	if err != nil {
		panic(err)
	}
	// The bounce names the address it failed for; only the tagged
	// recipient is confirmed.
	rcpt, ok := c.Match(tag, "mallory@customers.example", "Alice@Customers.Example")
	fmt.Println(tag.MessageID, rcpt, ok)

	// A month later the same address is a replay.
	_, err = c.Decode(rp.String(), sent.Add(30*24*time.Hour))
	fmt.Println(errors.Is(err, verp.ErrExpired))
	// Output:
	// true bounces.example.com
	// q42 alice@customers.example true
	// true
}
