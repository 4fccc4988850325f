package delivery

import (
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"testing"
	"time"
)

func TestParseEnhancedCode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want EnhancedCode
		ok   bool
	}{
		{"5.1.1", EnhancedCode{5, 1, 1}, true},
		{"4.7.28", EnhancedCode{4, 7, 28}, true},
		{"2.0.0", EnhancedCode{2, 0, 0}, true},
		{"5.7.509", EnhancedCode{5, 7, 509}, true},
		{"5.001.010", EnhancedCode{5, 1, 10}, true}, // RFC 3463 §2: 1 to 3 digits
		{"3.1.1", EnhancedCode{}, false},            // class 2, 4 or 5 only
		{"55.1.1", EnhancedCode{}, false},
		{"5.1234.1", EnhancedCode{}, false},
		{"5.1", EnhancedCode{}, false},
		{"5.1.1.1", EnhancedCode{}, false},
		{"5..1", EnhancedCode{}, false},
		{"5.1.-1", EnhancedCode{}, false},
		{"5.1.1 ", EnhancedCode{}, false},
		{"", EnhancedCode{}, false},
	} {
		got, err := ParseEnhancedCode(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseEnhancedCode(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestOutcomeJSON(t *testing.T) {
	o := Outcome{
		Recipient: "a@example.net",
		Status:    Failed,
		Stage:     StageRcpt,
		Code:      550,
		Enhanced:  EnhancedCode{5, 1, 1},
		Text:      "no such user\nsee https://example.net/550",
		Host:      "mx.example.net",
		IP:        netip.MustParseAddr("192.0.2.1"),
		Time:      time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC),
		Err:       errors.New("not stored"),
	}
	b, err := json.Marshal(&o)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"recipient":"a@example.net","status":"failed","stage":"rcpt","code":550,"enhanced":"5.1.1","text":"no such user\nsee https://example.net/550","host":"mx.example.net","ip":"192.0.2.1","time":"2026-12-07T04:00:00Z"}`
	if string(b) != want {
		t.Fatalf("json:\n got %s\nwant %s", b, want)
	}
	var back Outcome
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	o.Err = nil
	if !reflect.DeepEqual(back, o) {
		t.Fatalf("round trip: got %+v, want %+v", back, o)
	}
	if got, want := o.Reply(), "550 5.1.1 no such user see https://example.net/550"; got != want {
		t.Errorf("Reply() = %q, want %q", got, want)
	}
	for _, bad := range []string{`{"status":"bounced"}`, `{"stage":"quit"}`, `{"enhanced":"6.0.0"}`, `{"status":""}`} {
		if err := json.Unmarshal([]byte(bad), new(Outcome)); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
	if _, err := json.Marshal(&Outcome{}); err == nil {
		t.Error("Marshal of an Outcome without a status accepted")
	}
}

// FuzzParseEnhancedCode checks that every code ParseEnhancedCode accepts
// is in range and survives String and a second parse unchanged.
func FuzzParseEnhancedCode(f *testing.F) {
	for _, s := range []string{"5.1.1", "4.7.28", "2.0.0", "5.001.010", "3.1.1", "5..1", "5.1.1.1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseEnhancedCode(s)
		if err != nil {
			if c != (EnhancedCode{}) {
				t.Fatalf("error %v with code %v", err, c)
			}
			return
		}
		if c[0] != 2 && c[0] != 4 && c[0] != 5 || c[1] < 0 || c[1] > 999 || c[2] < 0 || c[2] > 999 {
			t.Fatalf("ParseEnhancedCode(%q) = %v, out of range", s, c)
		}
		again, err := ParseEnhancedCode(c.String())
		if err != nil || again != c {
			t.Fatalf("%q: %v → %q → %v, %v", s, c, c.String(), again, err)
		}
	})
}

// FuzzOutcomeJSON checks that any JSON an Outcome accepts (as the queue
// stores it) marshals again and reads back the same.
func FuzzOutcomeJSON(f *testing.F) {
	f.Add([]byte(`{"recipient":"a@example.net","status":"failed","stage":"rcpt","code":550,"enhanced":"5.1.1","text":"no","host":"mx","ip":"192.0.2.1","time":"2026-12-07T04:00:00Z"}`))
	f.Add([]byte(`{"status":"deferred","enhanced":"4.4.1","ip":"::1"}`))
	f.Add([]byte(`{"status":"delivered","stage":"final","code":250}`))
	f.Add([]byte(`{"status":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Outcome
		if err := json.Unmarshal(b, &o); err != nil || o.Status == 0 {
			return
		}
		_ = o.Error()
		_ = o.Reply()
		out, err := json.Marshal(&o)
		if err != nil {
			t.Fatalf("Marshal after Unmarshal(%s): %v", b, err)
		}
		var back Outcome
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", out, err)
		}
		if !back.Time.Equal(o.Time) {
			t.Fatalf("time %v → %v", o.Time, back.Time)
		}
		back.Time, o.Time = time.Time{}, time.Time{}
		if !reflect.DeepEqual(back, o) {
			t.Fatalf("round trip of %s: %+v → %s → %+v", b, o, out, back)
		}
	})
}
