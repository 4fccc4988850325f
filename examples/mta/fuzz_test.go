package main

import (
	"bytes"
	"net/mail"
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
	f.Add([]byte("{\n \"smtp\": {\"listen\": \":25\",}\n}"))
	f.Add([]byte(`{"smtp":{"users":[{"username":"u","from":["*"],"api_tokens":["t"]}],"max_sessions":1e3},"delivery":{"limits":[{"rate":"1"}]},"x":[{}]}`))
	f.Add([]byte(`{"queue":{"max_age":"5 minutes","retry_max":-1.5}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			// The shape check must refuse whatever encoding/json would.
			if strings.Contains(err.Error(), "after the shape check") {
				t.Fatalf("%q: %v", data, err)
			}
			return
		}
		if c.Delivery.Workers <= 0 || c.Delivery.MaxConnsPerHost <= 0 || c.SMTP.MaxMessageBytes == 0 {
			t.Errorf("accepted config without defaults: %+v", c.Delivery)
		}
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

// FuzzIntake checks what a submitted message goes through: crlf leaves
// only CRLF line ends and the same other bytes, and a header checkHeader
// accepts for a user has, as net/mail reads it too, one From field and
// only addresses the user may use.
func FuzzIntake(f *testing.F) {
	f.Add([]byte("From: a@shop.example\r\nSubject: s\r\n\r\nbody\r\n"))
	f.Add([]byte("From: a@shop.example\nFrom: ceo@bank.example\n\nbody"))
	f.Add([]byte("Subject: x\rFrom: ceo@bank.example\r\nFrom: a@shop.example\r\n\r\n"))
	f.Add([]byte("From : ceo@bank.example\r\n \r\nFrom: a@shop.example\r\n\r\n"))
	f.Add([]byte(" From: x\r\n\r\n"))
	f.Add([]byte("From: =?utf-8?q?ceo=40bank.example?= <a@shop.example>,\r\n\tb@shop.example\r\n"))
	a := &account{name: "u", from: []string{"@shop.example"}}
	f.Fuzz(func(t *testing.T, msg []byte) {
		out := crlf(msg)
		if bytes.Count(out, []byte("\r\n")) != bytes.Count(out, []byte("\r")) || bytes.Count(out, []byte("\r\n")) != bytes.Count(out, []byte("\n")) {
			t.Fatalf("crlf(%q) = %q has a bare CR or LF", msg, out)
		}
		strip := func(b []byte) string { return strings.NewReplacer("\r", "", "\n", "").Replace(string(b)) }
		if strip(out) != strip(msg) {
			t.Fatalf("crlf(%q) = %q changed more than line ends", msg, out)
		}
		if checkHeader(out, a) != nil {
			return
		}
		m, err := mail.ReadMessage(bytes.NewReader(out))
		if err != nil {
			return // net/mail is stricter in places
		}
		if n := len(m.Header["From"]); n != 1 {
			t.Fatalf("accepted %q with %d From fields for net/mail", out, n)
		}
		list, err := m.Header.AddressList("From")
		if err != nil {
			return
		}
		for _, addr := range list {
			if !a.mayUse(addr.Address) {
				t.Fatalf("accepted %q with From %s", out, addr.Address)
			}
		}
	})
}

func TestCRLF(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"a\r\nb\r\n":    "a\r\nb\r\n",
		"a\nb":          "a\r\nb",
		"a\rb":          "a\r\nb",
		"a\r\r\nb":      "a\r\n\r\nb",
		"\n\r":          "\r\n\r\n",
		"a\r":           "a\r\n",
		"\r\n.\n":       "\r\n.\r\n",
		"x\n\n\r\n\r\r": "x\r\n\r\n\r\n\r\n\r\n",
	} {
		if got := string(crlf([]byte(in))); got != want {
			t.Errorf("crlf(%q) = %q, want %q", in, got, want)
		}
	}
	clean := []byte("a\r\nb\r\n")
	if out := crlf(clean); &out[0] != &clean[0] {
		t.Error("a clean message was copied")
	}
}
