package queuetest

import (
	"encoding/json"
	"testing"

	"github.com/mxkit/mxkit/queue"
)

// LegacyHistories gives the recipients of msgs, read from raw (a JSON
// array of {"Message": ...} written before outcomes were kept as data, in
// the same order), the History a store makes of each one's old LastError
// text (queue.LegacyHistory). Upgrade tests compare what a store reads
// from an old file with it.
func LegacyHistories(t testing.TB, raw []byte, msgs []*queue.Message) {
	t.Helper()
	var old []struct {
		Message struct {
			Recipients []struct{ LastError string }
		}
	}
	if err := json.Unmarshal(raw, &old); err != nil || len(old) != len(msgs) {
		t.Fatalf("reading the LastError fields: %v", err)
	}
	for i, m := range msgs {
		for j := range m.Recipients {
			r := &m.Recipients[j]
			text := old[i].Message.Recipients[j].LastError
			r.History = queue.LegacyHistory(r, text)
		}
	}
}
