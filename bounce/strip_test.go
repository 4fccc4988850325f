package bounce

import "testing"

func TestStripContinuations(t *testing.T) {
	for _, c := range [][2]string{
		{"550-5.7.1 messages with multiple 550-5.7.1 addresses in from: 550 5.7.1 header", "550-5.7.1 messages with multiple addresses in from: header"},
		{"550 5.1.1 user unknown", "550 5.1.1 user unknown"},
		{"no code here", "no code here"},
		{"451 try 4510 later 451", "451 try 4510 later 451"},
	} {
		if got := stripContinuations(c[0]); got != c[1] {
			t.Errorf("stripContinuations(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
