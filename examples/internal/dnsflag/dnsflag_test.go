package dnsflag

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"", nil, false},
		{"192.0.2.53", []string{"192.0.2.53:53"}, false},
		{"192.0.2.53:5353, 198.51.100.53", []string{"192.0.2.53:5353", "198.51.100.53:53"}, false},
		{"2001:db8::53", []string{"[2001:db8::53]:53"}, false},
		{"[2001:db8::53]", []string{"[2001:db8::53]:53"}, false},
		{"[2001:db8::53]:5353", []string{"[2001:db8::53]:5353"}, false},
		{"ns.example.net", []string{"ns.example.net:53"}, false},
		{"ns.example.net:99999", nil, true},
		{"192.0.2.53:", nil, true},
		{"192.0.2.53,,198.51.100.53", nil, true},
		{"192.0.2.53 198.51.100.53", nil, true}, // space-separated is not this flag's syntax
		{"[nonsense]", nil, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.err || !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"192.0.2.53:5353, [2001:db8::53]", "ns.example:53", ",", "[::1]:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		servers, err := Parse(s)
		if err != nil {
			return
		}
		for _, hp := range servers {
			if again, err := Parse(hp); err != nil || len(again) != 1 || again[0] != hp {
				t.Fatalf("%q -> %q does not parse back: %q, %v", s, hp, again, err)
			}
		}
	})
}

func TestServer(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.53":      "192.0.2.53:53",
		"127.0.0.1:5353":  "127.0.0.1:5353",
		"2001:db8::53":    "[2001:db8::53]:53",
		"ns.example.net":  "ns.example.net:53",
		"":                "",
		"192.0.2.53 ":     "",
		"192.0.2.53:0":    "",
		"a, b":            "",
		"ns.example:dns":  "",
		"[2001:db8::53]:": "",
	} {
		got, err := Server(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("Server(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
