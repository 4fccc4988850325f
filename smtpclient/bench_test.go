package smtpclient

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

func benchMessage(size int) []byte {
	var b strings.Builder
	b.WriteString("From: from@example.org\r\nTo: to@example.com\r\nSubject: benchmark\r\n\r\n")
	for b.Len() < size {
		b.WriteString("La de da de da 1. La de da de da 2. La de da de da 3. La de da de da 4.\r\n")
	}
	return []byte(b.String()[:size-2] + "\r\n")
}

// BenchmarkSendSink sends into Postfix's smtp-sink over 20 pooled sessions
// from 40 senders (so each session carries the next message's commands
// with the end of the last);
// allocs/op and ns/op are per message.
func BenchmarkSendSink(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10} {
		b.Run(itoa(size>>10)+"KB", func(b *testing.B) {
			host, port := startSink(b)
			tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 20, MaxMessagesPerConn: 1 << 30}
			defer tr.Close()
			msg := benchMessage(size)
			env := Envelope{From: "from@example.org", To: []string{"to@example.com"}}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.SetParallelism(20) // 2 cores here: 40 senders
			b.RunParallel(func(pb *testing.PB) {
				r := bytes.NewReader(msg)
				for pb.Next() {
					r.Reset(msg)
					if _, err := tr.Send(context.Background(), env, r); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func itoa(n int) string { return string(appendInt(nil, int64(n))) }

// BenchmarkDataWriter measures the streaming dot-stuffer alone on 100 KB
// bodies: CRLF lines (what an MTA relays), bare LF lines (what many
// programs write), CRLF lines of which every tenth starts with a dot, and
// bare CR lines (rare, but they must not cost more than linear time).
// The input goes in 32 KiB writes, as copyData reads a stream.
func BenchmarkDataWriter(b *testing.B) {
	crlf := benchMessage(100 << 10)
	dots := bytes.ReplaceAll(crlf, []byte("\r\nLa de da de da 1."), []byte("\r\n.a de da de da 1."))
	for i, n := 0, 0; i < len(dots); i++ {
		if dots[i] == '.' && i > 0 && dots[i-1] == '\n' {
			if n%10 != 0 {
				dots[i] = 'L'
			}
			n++
		}
	}
	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"CRLF", crlf},
		{"LF", bytes.ReplaceAll(crlf, []byte("\r\n"), []byte("\n"))},
		{"dots", dots},
		{"CR", bytes.ReplaceAll(crlf, []byte("\r\n"), []byte("\r"))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var d dataWriter
			w := bufio.NewWriterSize(io.Discard, 16<<10)
			b.SetBytes(int64(len(tc.msg)))
			b.ReportAllocs()
			for b.Loop() {
				d.reset(w, true)
				for p := tc.msg; len(p) > 0; {
					n := min(len(p), 32<<10)
					d.Write(p[:n])
					p = p[n:]
				}
				d.finish()
			}
		})
	}
}

// BenchmarkReadReply measures parsing a multi-line EHLO reply.
func BenchmarkReadReply(b *testing.B) {
	in := "250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
	r := strings.NewReader(in)
	br := newReader(r)
	var lines []string
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(in)
		br.Reset(r)
		rep, err := readReply(br, lines)
		if err != nil {
			b.Fatal(err)
		}
		lines = rep.lines[:0]
	}
}
