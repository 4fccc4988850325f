package finding

import (
	"encoding/json"
	"testing"
)

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Error} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("%s: %s read back as %v, %v", s, b, back, err)
		}
	}
	if _, err := Severity(7).MarshalText(); err == nil {
		t.Error("severity 7 marshalled")
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error(`"fatal" read as a severity`)
	}
}

func TestString(t *testing.T) {
	f := Finding{Check: "rdns", Severity: Error, Subject: "192.0.2.1", Message: "no PTR record", Fix: "publish one", Source: "Gmail"}
	if got, want := f.String(), "error rdns [192.0.2.1]: no PTR record — fix: publish one (Gmail)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if n := Count([]Finding{f, {Severity: Info}, {Severity: Error}}); n != [3]int{1, 0, 2} {
		t.Errorf("Count = %v", n)
	}
}
