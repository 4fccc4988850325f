package smtpclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

// waitForWaiter blocks until a sender waits for a session of tr.
func waitForWaiter(t *testing.T, tr *Transport) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		tr.mu.Lock()
		var waiting bool
		for _, p := range tr.pools {
			p.mu.Lock()
			waiting = waiting || len(p.waiters) > 0
			p.mu.Unlock()
		}
		tr.mu.Unlock()
		if waiting {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("no sender started waiting for a session")
}

// TestHandOn checks that with more senders than sessions, the end of one
// message and the next message's commands go out together (RFC 2920
// §3.1), and what each sender is told when the reply owed to the first
// is a success, a refusal, a 421, missing, or no longer wanted.
func TestHandOn(t *testing.T) {
	tests := []struct {
		name string
		// after runs once the server holds the end of message 1 and the
		// commands of message 2, none answered yet; it returns whether
		// the session goes on to message 2.
		after   func(t *testing.T, c *rawConn, cancelFirst, cancelSecond func()) bool
		first   func(res *Result, err error) bool
		second  delivery.Status
		retried bool // message 2 went on a second session
	}{
		{
			name: "both delivered",
			after: func(t *testing.T, c *rawConn, _, _ func()) bool {
				c.send("250 2.0.0 first queued", "250 ok", "250 ok", "354 go")
				return true
			},
			first: func(res *Result, err error) bool {
				return err == nil && res.Recipients[0].Status == delivery.Delivered && res.Reply == "first queued"
			},
			second: delivery.Delivered,
		},
		{
			name: "first refused, second goes on",
			after: func(t *testing.T, c *rawConn, _, _ func()) bool {
				c.send("550 5.7.1 content refused", "250 ok", "250 ok", "354 go")
				return true
			},
			first: func(res *Result, err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 550 && res.Recipients[0].Status == delivery.Failed
			},
			second: delivery.Delivered,
		},
		{
			name: "421 after the first: second on a new session",
			after: func(t *testing.T, c *rawConn, _, _ func()) bool {
				c.send("421 4.3.2 shutting down")
				return false
			},
			first: func(res *Result, err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 421 && res.Recipients[0].Status == delivery.Deferred
			},
			second:  delivery.Delivered,
			retried: true,
		},
		{
			name: "no reply to the first: not delivered, second on a new session",
			after: func(t *testing.T, c *rawConn, _, _ func()) bool {
				return false
			},
			first: func(res *Result, err error) bool {
				return err != nil && isTemporary(err) && res.Recipients[0].Status == delivery.Deferred
			},
			second:  delivery.Delivered,
			retried: true,
		},
		{
			name: "first sender gives up waiting",
			after: func(t *testing.T, c *rawConn, cancelFirst, _ func()) bool {
				cancelFirst()
				time.Sleep(50 * time.Millisecond)
				c.send("250 2.0.0 first queued", "250 ok", "250 ok", "354 go")
				return true
			},
			first: func(res *Result, err error) bool {
				return errors.Is(err, context.Canceled) && res.Recipients[0].Status != delivery.Delivered
			},
			second: delivery.Delivered,
		},
		{
			name: "second sender cancelled: the first still gets its reply",
			after: func(t *testing.T, c *rawConn, _, cancelSecond func()) bool {
				cancelSecond()
				time.Sleep(50 * time.Millisecond)
				c.send("250 2.0.0 first queued", "250 ok", "250 ok", "354 go")
				return false
			},
			first: func(res *Result, err error) bool {
				return err == nil && res.Recipients[0].Status == delivery.Delivered
			},
			second: delivery.Deferred,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready := make(chan struct{}) // the second sender waits
			ctx1, cancel1 := context.WithCancel(context.Background())
			defer cancel1()
			ctx2, cancel2 := context.WithCancel(context.Background())
			defer cancel2()
			sessions := make(chan int, 4)
			host, port := rawServer(t, func(c *rawConn, n int) {
				sessions <- n
				if n > 0 { // a fresh session for message 2
					acceptEnvelope(t, c)
					if d, ok := c.readData(); !ok || !strings.Contains(d, "second") {
						t.Errorf("retried session got %q", d)
					}
					c.send("250 2.0.0 second queued")
					c.line()
					return
				}
				// Message 1 may not end before the second sender waits.
				ehlo(t, c, "PIPELINING")
				c.expect(t, "MAIL")
				c.expect(t, "RCPT")
				c.expect(t, "DATA")
				<-ready
				c.send("250 ok", "250 ok", "354 go")
				if d, ok := c.readData(); !ok || !strings.Contains(d, "first") {
					t.Errorf("got %q for message 1", d)
					return
				}
				// The next commands must come without the reply to the
				// end of data being sent: the client would wait forever.
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				c.expect(t, "MAIL FROM:<b@example.org>")
				c.expect(t, "RCPT")
				c.expect(t, "DATA")
				c.SetReadDeadline(time.Time{})
				if !tt.after(t, c, cancel1, cancel2) {
					return
				}
				if d, ok := c.readData(); !ok || !strings.Contains(d, "second") {
					t.Errorf("got %q for message 2", d)
				}
				c.send("250 2.0.0 second queued")
				c.line()
			})
			tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 1}
			defer tr.Close()
			type outcome struct {
				res *Result
				err error
			}
			out1, out2 := make(chan outcome, 1), make(chan outcome, 1)
			go func() {
				res, err := tr.Send(ctx1, Envelope{From: "a@example.org", To: []string{"x@example.com"}}, strings.NewReader("Subject: first\r\n\r\nfirst\r\n"))
				out1 <- outcome{res, err}
			}()
			<-sessions
			go func() {
				res, err := tr.Send(ctx2, Envelope{From: "b@example.org", To: []string{"y@example.com"}}, strings.NewReader("Subject: second\r\n\r\nsecond\r\n"))
				out2 <- outcome{res, err}
			}()
			waitForWaiter(t, tr)
			close(ready)
			o1, o2 := <-out1, <-out2
			if !tt.first(o1.res, o1.err) {
				t.Errorf("first: %+v, %v", o1.res, o1.err)
			}
			if o2.res == nil || o2.res.Recipients[0].Status != tt.second {
				t.Errorf("second: %+v, %v; want %v", o2.res, o2.err, tt.second)
			}
			if retried := len(sessions) > 0; retried != tt.retried {
				t.Errorf("second message on a new session: %v, want %v", retried, tt.retried)
			}
		})
	}
}

// TestHandOnManySenders runs many senders through two sessions of a real
// server (go-smtp) with a SIZE limit: the oversized messages are refused
// before a byte is sent, while the session they got may still owe the
// previous message its reply. Every other message must arrive whole and
// be reported delivered, none twice.
func TestHandOnManySenders(t *testing.T) {
	be, host, port := startServer(t, serverOpts{maxSize: 8000})
	m := &countingMetrics{}
	const n = 120
	// MaxMessagesPerConn above n: with the default (100) a session that
	// happens to carry 100 of them is retired and a third one opened.
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 2, MaxMessagesPerConn: n + 1, DisableChunking: true, Metrics: m}
	defer tr.Close()
	errs := make([]error, n)
	done := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			body := fmt.Sprintf("Subject: %d\r\n\r\nmessage %d\r\n", i, i)
			if i%7 == 3 {
				body += strings.Repeat("too big\r\n", 1000)
			}
			res, err := tr.Send(context.Background(), Envelope{From: "a@example.org", To: []string{"x@example.com"}}, strings.NewReader(body))
			if err == nil && res.Recipients[0].Status != delivery.Delivered {
				err = errors.New("not delivered")
			}
			errs[i] = err
		}()
	}
	for range n {
		<-done
	}
	got := map[string]int{}
	for _, msg := range be.messages() {
		got[string(msg.data)]++
	}
	for i, err := range errs {
		body := fmt.Sprintf("Subject: %d\r\n\r\nmessage %d\r\n", i, i)
		if i%7 == 3 {
			if !errors.Is(err, ErrTooBig) {
				t.Errorf("message %d: %v, want ErrTooBig", i, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
		if got[body] != 1 {
			t.Errorf("message %d arrived %d times", i, got[body])
		}
	}
	if tr.handOns.Load() == 0 {
		t.Error("no session was handed on to a waiting sender")
	}
	if sessions, _, peak, _ := be.counts(); peak > 2 || sessions > 2 {
		t.Errorf("%d sessions, %d at once; want at most 2", sessions, peak)
	}
}

// TestHandOnLargeInMemory sends 100 KB messages held in memory
// (*bytes.Reader and *bytes.Buffer, whose data is written straight from
// the caller's memory together with the end of data and, with hand-on, the
// next sender's commands) from 12 senders over 2 sessions of go-smtp.
// Each carries dot lines to stuff; each must arrive once, byte for byte.
func TestHandOnLargeInMemory(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	const n = 36
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 2, MaxMessagesPerConn: n + 1, DisableChunking: true}
	defer tr.Close()
	body := func(i int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "Subject: %d\r\n\r\n", i)
		for l := 0; b.Len() < 100<<10; l++ {
			if l%500 == 499 {
				b.WriteString(".dot line\r\n")
			}
			fmt.Fprintf(&b, "message %d line %d: La de da de da de da de da de da de da.\r\n", i, l)
		}
		return b.String()
	}
	errs := make(chan error, n)
	sem := make(chan struct{}, 12)
	for i := range n {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var r io.Reader = bytes.NewReader([]byte(body(i)))
			if i%2 == 1 {
				r = bytes.NewBufferString(body(i))
			}
			res, err := tr.Send(context.Background(), Envelope{From: "a@example.org", To: []string{"x@example.com"}}, r)
			if err == nil && res.Recipients[0].Status != delivery.Delivered {
				err = errors.New("not delivered")
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	got := map[string]int{}
	for _, msg := range be.messages() {
		got[string(msg.data)]++
	}
	for i := range n {
		if got[body(i)] != 1 {
			t.Errorf("message %d arrived %d times intact", i, got[body(i)])
		}
	}
	if tr.handOns.Load() == 0 {
		t.Error("no session was handed on to a waiting sender")
	}
}
