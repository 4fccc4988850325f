package suppression_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/suppression"
)

// A sender's suppression list: a hard bounce and an unsubscribe suppress,
// and Check, asked before each send, says so.
func Example() {
	dir, _ := os.MkdirTemp("", "suppression")
	defer os.RemoveAll(dir)
	store, err := suppression.Open(filepath.Join(dir, "suppression.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	list, err := suppression.New(ctx, store, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer list.Close()

	// What smtpclient returned for one recipient.
	list.Outcome(ctx, "acme", &delivery.Outcome{Recipient: "gone@example.com", Status: delivery.Failed,
		Stage: delivery.StageRcpt, Code: 550, Enhanced: delivery.EnhancedCode{5, 1, 1}, Text: "no such user", Time: time.Now()})
	list.Unsubscribe(ctx, "acme", "Reader@Example.org", "weekly")

	for _, rcpt := range []string{"gone@example.com", "reader@example.org", "friend@example.org"} {
		if m, ok := list.Check("acme", rcpt); ok {
			fmt.Printf("%s: suppressed (%s)\n", rcpt, m.Reason)
		} else {
			fmt.Printf("%s: send\n", rcpt)
		}
	}
	// Output:
	// gone@example.com: suppressed (hard-bounce)
	// reader@example.org: suppressed (unsubscribe)
	// friend@example.org: send
}

// One-click unsubscribe links (RFC 8058): the URL goes into
// List-Unsubscribe beside List-Unsubscribe-Post: List-Unsubscribe=One-Click,
// and the Handler serves it.
func ExampleSigner_URL() {
	signer := &suppression.Signer{Keys: []suppression.Key{{ID: "2031a", Secret: []byte("a secret of 16 or more random octets")}}}
	u, err := signer.URL("https://mail.example.com/unsubscribe/", suppression.Subscription{
		Tenant: "acme", Address: "reader@example.org", List: "weekly"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("List-Unsubscribe: <" + u[:38] + "...>")
	fmt.Println("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
	// and: http.Handle("/unsubscribe/", &suppression.Handler{List: list, Signer: signer})
	// Output:
	// List-Unsubscribe: <https://mail.example.com/unsubscribe/...>
	// List-Unsubscribe-Post: List-Unsubscribe=One-Click
}
