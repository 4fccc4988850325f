package main

import (
	"os"
	"strings"
	"testing"
)

// FuzzParseConfig checks that any configuration text gives a Config or an
// error, never a panic, and that an accepted one has its defaults set.
func FuzzParseConfig(f *testing.F) {
	if b, err := os.ReadFile("mta.example.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"hostname":"h","smtp":{"listen":":25","trusted_networks":["10.0.0.1","::1/128"]},"queue":{"dir":"q","max_age":3600}}`))
	f.Add([]byte(`{"hostname":"h","http":{"listen":":80"},"queue":{"postgres_dsn":"postgres://x"},"delivery":{"relay":"r:25","limits":[{"hosts":["*"],"rate":1}]}}`))
	f.Add([]byte(`{"queue":{"dir":""}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if c.Delivery.Workers <= 0 || c.Delivery.MaxConnsPerHost <= 0 || c.SMTP.MaxMessageBytes == 0 {
			t.Errorf("accepted config without defaults: %+v", c.Delivery)
		}
	})
}

// FuzzClassify checks the reading of reply codes out of error texts.
func FuzzClassify(f *testing.F) {
	f.Add("smtp: RCPT: 550 5.1.1 User unknown")
	f.Add("expired: in queue longer than 5m0s; last error: dial tcp: connection refused")
	f.Add("452 4.2.2 full")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		code, enh := splitReply(s)
		if code != 0 && (code < 200 || code > 599) {
			t.Errorf("code %d from %q", code, s)
		}
		if enh != "" && !strings.Contains(s, enh) {
			t.Errorf("enhanced code %q not in %q", enh, s)
		}
		classify(s)
	})
}

// FuzzLogin runs the LOGIN exchange on arbitrary responses.
func FuzzLogin(f *testing.F) {
	f.Add([]byte("app"), []byte("s3cret"), true)
	f.Add([]byte(""), []byte(""), false)
	f.Fuzz(func(t *testing.T, user, pass []byte, initial bool) {
		ok := false
		l := &loginServer{check: func(u, p string) error {
			ok = u == "app" && p == "s3cret"
			return nil
		}}
		var first []byte
		if initial {
			first = user
		}
		if _, done, _ := l.Next(first); done {
			t.Fatal("done after the first step")
		}
		if !initial {
			if _, done, _ := l.Next(user); done {
				t.Fatal("done after the user name")
			}
		}
		if _, done, _ := l.Next(pass); !done {
			t.Fatal("not done after the password")
		}
		if ok != (string(user) == "app" && string(pass) == "s3cret") {
			t.Errorf("user %q pass %q: ok=%v", user, pass, ok)
		}
		if _, _, err := l.Next(nil); err == nil {
			t.Error("a step after the end is accepted")
		}
	})
}
