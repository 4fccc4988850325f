package main

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// FuzzNormalize: any reported recipient; when it is taken as an address,
// its key is in normal form (normalising it again changes nothing).
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"=?UTF-8?B?8J+QiOefkiE=?=@example.org", "@mx.example.org", "<A@B.example>",
		"@a,@b:c@d.example", "=?x?q?=00?=@e.example", "\"q u\"@e.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, key, ok := normalize(s)
		if !ok {
			return
		}
		if _, again, ok2 := normalize(key); !ok2 || again != key {
			t.Fatalf("normalize(%q) = %q, which normalises to %q, %v", s, key, again, ok2)
		}
	})
}

// FuzzPOP3: whatever a server answers, the client neither panics nor
// returns more of a message than it was asked for.
func FuzzPOP3(f *testing.F) {
	f.Add([]byte("+OK\r\n1 abc\r\n2 def\r\n.\r\n+OK 12 octets\r\nSubject: x\r\n..dot\r\n.\r\n"))
	f.Add([]byte("-ERR no\r\n+OK\r\n1 1\r\n.\r\n+OK\r\n" + string(make([]byte, 70000)) + "\r\n.\r\n"))
	f.Add([]byte("+OK\r\n.\r\n"))
	f.Fuzz(func(t *testing.T, reply []byte) {
		client, server := net.Pipe()
		defer client.Close()
		go func() {
			// Read the commands, answer with the fuzzed bytes.
			go bufio.NewReader(server).WriteTo(discard{})
			server.Write(reply)
			server.Close()
		}()
		p := &pop3Conn{conn: client, r: bufio.NewReaderSize(client, 4096), timeout: time.Second}
		msgs, err := p.list()
		if err != nil {
			return
		}
		for _, m := range msgs {
			b, err := p.retr(m.num, 1000)
			if err != nil {
				return
			}
			if len(b) > 1000 {
				t.Fatalf("retr returned %d octets, limit 1000", len(b))
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
