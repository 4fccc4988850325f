package queuetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// LegacyMessage is one message of an upgrade test's expected file: the
// message as the old store reported it and the sha256 of its body, hex.
type LegacyMessage struct {
	Message *queue.Message
	Body    string
}

// ReadLegacy reads an upgrade test's expected file (a JSON array of
// LegacyMessage written before outcomes were kept as data) and gives each
// recipient the History a store makes of its old LastError text
// (queue.LegacyHistory). Upgrade tests compare what a store reads from an
// old file with it.
func ReadLegacy(t testing.TB, file string) []LegacyMessage {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var want []LegacyMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	var old []struct {
		Message struct {
			Recipients []struct{ LastError string }
		}
	}
	if err := json.Unmarshal(raw, &old); err != nil || len(old) != len(want) {
		t.Fatalf("reading the LastError fields: %v", err)
	}
	for i, w := range want {
		for j := range w.Message.Recipients {
			r := &w.Message.Recipients[j]
			text := old[i].Message.Recipients[j].LastError
			r.History = queue.LegacyHistory(r, text)
		}
	}
	return want
}

// CheckLegacy checks, in the given round of opening, that s holds every
// message of want as want has it, with its body.
func CheckLegacy(t testing.TB, s queue.Store, round int, want []LegacyMessage) {
	t.Helper()
	ctx := context.Background()
	for _, w := range want {
		m, err := s.Get(ctx, w.Message.ID)
		if err != nil {
			t.Errorf("round %d: Get(%s): %v", round, w.Message.ID, err)
			continue
		}
		if !reflect.DeepEqual(m, w.Message) {
			t.Errorf("round %d: message %s is\n%+v\nwant\n%+v", round, w.Message.ID, m, w.Message)
		}
		rc, err := s.Body(ctx, m.ID)
		if err != nil {
			t.Errorf("Body(%s): %v", m.ID, err)
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil || hex.EncodeToString(h.Sum(nil)) != w.Body {
			t.Errorf("body of %s: %v, hash %x, want %s", m.ID, err, h.Sum(nil), w.Body)
		}
	}
}

// DeliverPending completes the leased messages ms at now with every
// pending recipient delivered.
func DeliverPending(t testing.TB, s queue.Store, ms []*queue.Message, now time.Time) {
	t.Helper()
	for _, m := range ms {
		var outs []queue.Outcome
		for _, r := range m.Recipients {
			if r.State == queue.Pending {
				outs = append(outs, queue.Outcome{Recipient: r.Addr, State: queue.Delivered, Attempt: delivery.Outcome{Status: delivery.Delivered}})
			}
		}
		if err := s.Complete(context.Background(), m.ID, m.Lease, now, outs); err != nil {
			t.Errorf("Complete(%s): %v", m.ID, err)
		}
	}
}
