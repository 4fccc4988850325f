package main

import (
	"log/slog"
	"reflect"
	"testing"
	"time"
)

// TestSendLog: records are found before and after they are written, by
// message and by the hour a tag carries (the send's hour, or the one
// before a send just after the hour turned); they survive a reopen; days
// older than the log keeps are dropped.
func TestSendLog(t *testing.T) {
	dir := t.TempDir()
	l, err := openSendLog(dir, 7*24*time.Hour, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	hour := now.Truncate(time.Hour)
	old := now.Add(-10 * 24 * time.Hour)
	recs := []sendRecord{
		{ID: "0000000000000001", Rcpt: "a@example.com", Tenant: "t1", Campaign: "spring", Time: now},
		{ID: "0000000000000001", Rcpt: "b@example.com", Tenant: "t1", Time: now},
		{ID: "00000000000000010", Rcpt: "c@example.com", Time: now}, // an ID the first is a prefix of
		{ID: "0000000000000002", Rcpt: "d@example.com", Time: old},
	}
	for _, r := range recs {
		l.add(r)
	}
	check := func(when string) {
		t.Helper()
		got, err := l.find("0000000000000001", hour)
		if err != nil || len(got) != 2 || !reflect.DeepEqual(got[0], recs[0]) || !reflect.DeepEqual(got[1], recs[1]) {
			t.Errorf("%s: find = %+v, %v; want the two records of message 1", when, got, err)
		}
		if got, _ := l.find("0000000000000001", hour.Add(-time.Hour)); len(got) != 2 {
			t.Errorf("%s: from the hour before: %d records, want 2", when, len(got))
		}
		if got, _ := l.find("0000000000000001", hour.Add(time.Hour)); len(got) != 0 {
			t.Errorf("%s: from the hour after: %+v, want none", when, got)
		}
	}
	check("pending")
	l.flush()
	if len(l.pending) != 0 {
		t.Fatalf("%d records pending after a flush", len(l.pending))
	}
	check("written")
	if got, _ := l.find("0000000000000002", old.Truncate(time.Hour)); len(got) != 1 {
		t.Errorf("the old record: %+v", got)
	}
	if err := l.prune(now); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.find("0000000000000002", old.Truncate(time.Hour)); len(got) != 0 {
		t.Errorf("a record of ten days ago outlived the prune: %+v", got)
	}
	if err := l.close(); err != nil {
		t.Fatal(err)
	}

	l, err = openSendLog(dir, 7*24*time.Hour, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	check("reopened")
}

// FuzzSendLogRecord: a stored value of any content (a damaged file)
// decodes without panicking, and what decodes was read from the value
// itself: it encodes to no more octets than it was given.
func FuzzSendLogRecord(f *testing.F) {
	f.Add(recordValue(&sendRecord{Tenant: "t", Campaign: "c", Time: time.Unix(1800000000, 5)}))
	f.Add(recordValue(&sendRecord{}))
	f.Add([]byte{0x02, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, v []byte) {
		r, err := decodeRecord("1", []byte("a@example.com"), v)
		if err != nil {
			return
		}
		if again := recordValue(&r); len(again) > len(v) {
			t.Fatalf("%x decodes to %+v, which encodes to more: %x", v, r, again)
		}
	})
}
