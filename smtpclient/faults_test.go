package smtpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/mxkit/mxkit/delivery"
)

// ehlo answers the greeting and EHLO with the given extensions.
func ehlo(t *testing.T, c *rawConn, exts ...string) {
	c.send("220 raw ESMTP")
	c.expect(t, "EHLO")
	lines := []string{"250-raw"}
	for _, e := range exts {
		lines = append(lines, "250-"+e)
	}
	lines[len(lines)-1] = "250 " + strings.TrimPrefix(lines[len(lines)-1], "250-")
	c.send(lines...)
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name     string
		timeouts Timeouts
		serve    func(t *testing.T, c *rawConn)
		want     func(err error) bool
		status   delivery.Status
	}{
		{
			name: "drop after MAIL",
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c)
				c.expect(t, "MAIL")
			},
			want: func(err error) bool { return isTemporary(err) }, status: delivery.Deferred,
		},
		{
			name: "drop during DATA",
			serve: func(t *testing.T, c *rawConn) {
				acceptEnvelope(t, c)
				c.line()
			},
			want: func(err error) bool { return isTemporary(err) }, status: delivery.Deferred,
		},
		{
			name: "drop before the final reply",
			serve: func(t *testing.T, c *rawConn) {
				acceptEnvelope(t, c)
				c.readData()
			},
			want: func(err error) bool { return isTemporary(err) }, status: delivery.Deferred,
		},
		{
			name: "half a final reply",
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c, "PIPELINING")
				c.line()
				c.line()
				c.line()
				c.send("250 ok", "250 ok", "354 go")
				c.readData()
				c.Write([]byte("250 queu"))
			},
			want: func(err error) bool { return isTemporary(err) }, status: delivery.Deferred,
		},
		{
			name: "final 451",
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c, "PIPELINING", "ENHANCEDSTATUSCODES")
				c.line()
				c.line()
				c.line()
				c.send("250 ok", "250 ok", "354 go")
				c.readData()
				c.send("451-4.3.0 local", "451 4.3.0 error")
				c.expect(t, "QUIT")
			},
			want: func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 451 && e.Enhanced == delivery.EnhancedCode{4, 3, 0} && e.Text == "local\nerror"
			},
			status: delivery.Deferred,
		},
		{
			name:  "garbage greeting",
			serve: func(t *testing.T, c *rawConn) { c.send("hello, this is not SMTP") },
			want:  func(err error) bool { return errors.Is(err, ErrProtocol) }, status: delivery.Deferred,
		},
		{
			name: "overlong reply",
			serve: func(t *testing.T, c *rawConn) {
				c.send("220 raw")
				c.line()
				c.send("250 " + strings.Repeat("x", 100000))
			},
			want: func(err error) bool { return errors.Is(err, ErrProtocol) }, status: delivery.Deferred,
		},
		{
			name: "endless multi-line reply",
			serve: func(t *testing.T, c *rawConn) {
				c.send("220 raw")
				c.line()
				for range 1000 {
					c.send("250-more")
				}
			},
			want: func(err error) bool { return errors.Is(err, ErrProtocol) }, status: delivery.Deferred,
		},
		{
			name:  "4xx greeting",
			serve: func(t *testing.T, c *rawConn) { c.send("421 4.3.2 too busy"); c.line() },
			want: func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 421 && e.Stage == delivery.StageGreeting
			},
			status: delivery.Deferred,
		},
		{
			name:  "5xx greeting",
			serve: func(t *testing.T, c *rawConn) { c.send("554 5.7.1 go away"); c.line() },
			want:  func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 554 }, status: delivery.Failed,
		},
		{
			name:     "slow reply hits the stage timeout",
			timeouts: Timeouts{Command: 200 * time.Millisecond},
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c)
				c.expect(t, "MAIL")
				time.Sleep(time.Second)
			},
			want: func(err error) bool {
				var ne interface{ Timeout() bool }
				return errors.As(err, &ne) && ne.Timeout() && isTemporary(err)
			},
			status: delivery.Deferred,
		},
		{
			name: "STARTTLS then no handshake",
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c, "STARTTLS")
				c.expect(t, "STARTTLS")
				c.send("220 go ahead")
				c.r.Peek(1) // the ClientHello
				c.Write([]byte("this is not a TLS server hello\r\n"))
			},
			want: func(err error) bool { return errors.Is(err, ErrTLSRequired) }, status: delivery.Deferred,
		},
		{
			name: "STARTTLS refused",
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c, "STARTTLS")
				c.expect(t, "STARTTLS")
				c.send("454 4.7.0 TLS not available")
				c.line()
			},
			want: func(err error) bool { return errors.Is(err, ErrTLSRequired) }, status: delivery.Deferred,
		},
		{
			name: "STARTTLS response injection",
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c, "STARTTLS")
				c.expect(t, "STARTTLS")
				c.Write([]byte("220 go ahead\r\n250 injected\r\n"))
				c.line()
			},
			want: func(err error) bool { return errors.Is(err, ErrProtocol) }, status: delivery.Deferred,
		},
		{
			name: "354 although every recipient was refused",
			serve: func(t *testing.T, c *rawConn) {
				ehlo(t, c, "PIPELINING")
				c.line()
				c.line()
				c.line()
				c.send("250 ok", "550 5.1.1 no such user", "354 go")
				if l := c.line(); l != "." {
					t.Errorf("client sent %q after a 354 with no recipient, want an empty message", l)
				}
				c.send("554 no valid recipients")
				c.line()
			},
			want: func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 550 }, status: delivery.Failed,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			host, port := rawServer(t, func(c *rawConn, n int) { tc.serve(t, c) })
			tr := &Transport{Host: host, Port: port, TLS: TLSRequired, Timeouts: tc.timeouts}
			if !strings.Contains(tc.name, "TLS") {
				tr.TLS = TLSNone
			}
			defer tr.Close()
			res, err := send1(tr)
			if err == nil || !tc.want(err) {
				t.Fatalf("unexpected error: %v", err)
			}
			if r := res.Recipients[0]; r.Status != tc.status || r.Text == "" {
				t.Errorf("recipient status %v (%v), want %v", r.Status, &r, tc.status)
			}
		})
	}
}

func TestContextDeadlineBoundsStages(t *testing.T) {
	host, port := rawServer(t, func(c *rawConn, n int) {
		ehlo(t, c)
		c.expect(t, "MAIL")
		time.Sleep(2 * time.Second)
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone} // RFC default stage timeouts: minutes
	defer tr.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	// The server closes after 2s (EOF) and the stage timeouts are minutes:
	// only the context's deadline gives DeadlineExceeded.
	_, err := tr.Send(ctx, Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
}

func TestContextCancelDuringData(t *testing.T) {
	started := make(chan struct{})
	host, port := rawServer(t, func(c *rawConn, n int) {
		ehlo(t, c, "PIPELINING")
		c.line()
		c.line()
		c.line()
		c.send("250 ok", "250 ok", "354 go")
		c.readData()
		close(started)
		time.Sleep(2 * time.Second) // never answers
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	res, err := tr.Send(ctx, Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
	if !errors.Is(err, context.Canceled) || res.Recipients[0].Status == delivery.Delivered {
		t.Fatalf("got %v, %v", err, res.Recipients[0].Status)
	}
}

func TestHELOFallbackLockstep(t *testing.T) {
	var got []string
	host, port := rawServer(t, func(c *rawConn, n int) {
		c.send("220 old server")
		c.expect(t, "EHLO")
		c.send("502 5.5.1 unrecognized command")
		c.expect(t, "HELO")
		c.send("250 hello")
		for _, want := range []string{"MAIL FROM:<a@x.org>", "RCPT TO:<b@x.com>", "RCPT TO:<c@x.com>", "DATA"} {
			l := c.line()
			got = append(got, l)
			if l != want {
				t.Errorf("got %q, want %q", l, want)
			}
			// Without PIPELINING nothing may arrive before the reply.
			c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			if _, err := c.r.Peek(1); err == nil {
				t.Errorf("client pipelined after %q without PIPELINING", l)
			}
			c.SetReadDeadline(time.Time{})
			switch {
			case strings.HasPrefix(l, "RCPT TO:<c"):
				c.send("550 no")
			case l == "DATA":
				c.send("354 go")
			default:
				c.send("250 ok")
			}
		}
		data, _ := c.readData()
		if data != testMsg {
			t.Errorf("data %q", data)
		}
		c.send("250 queued")
		c.expect(t, "QUIT")
		c.send("221 bye")
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSOpportunistic}
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com", "c@x.com"}}, strings.NewReader(testMsg))
	tr.Close()
	if err != nil || res.Recipients[0].Status != delivery.Delivered || res.Recipients[1].Status != delivery.Failed {
		t.Fatalf("got %v %+v", err, res.Recipients)
	}
}

func TestOpportunisticFallsBackAfterFailedHandshake(t *testing.T) {
	host, port := rawServer(t, func(c *rawConn, n int) {
		if n == 0 {
			ehlo(t, c, "STARTTLS", "PIPELINING")
			c.expect(t, "STARTTLS")
			c.send("220 go ahead")
			c.r.Peek(1) // the ClientHello
			c.Write([]byte("garbage instead of TLS\r\n"))
			return
		}
		ehlo(t, c, "STARTTLS", "PIPELINING")
		serveOne(t, c, false)
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSOpportunistic}
	defer tr.Close()
	res, err := send1(tr)
	mustDelivered(t, res, err)
	if res.TLS {
		t.Error("TLS reported on the plain-text fallback session")
	}
}

func TestAuthLOGINAndXOAUTH2(t *testing.T) {
	tests := []struct {
		name string
		auth func() sasl.Client
		want []string // lines the server expects after EHLO
	}{
		{"LOGIN", func() sasl.Client { return sasl.NewLoginClient("alice", "secret") },
			[]string{"AUTH LOGIN YWxpY2U=", "c2VjcmV0"}},
		{"XOAUTH2", func() sasl.Client { return XOAUTH2("alice", "tok") },
			[]string{"AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sBAQ=="}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			host, port := rawServer(t, func(c *rawConn, n int) {
				ehlo(t, c, "PIPELINING", "AUTH PLAIN LOGIN XOAUTH2")
				for i, want := range tc.want {
					if l := c.line(); l != want {
						t.Errorf("got %q, want %q", l, want)
					}
					switch {
					case i == len(tc.want)-1:
						c.send("235 2.7.0 ok")
					default:
						c.send("334 UGFzc3dvcmQ6")
					}
				}
				serveOne(t, c, false)
			})
			tr := &Transport{Host: host, Port: port, TLS: TLSNone, Auth: tc.auth, AllowInsecureAuth: true}
			defer tr.Close()
			res, err := send1(tr)
			mustDelivered(t, res, err)
		})
	}
}

func TestTLSHandshakeFailureRequired(t *testing.T) {
	// A real TLS server whose only certificate is self-signed: the
	// verified policy must fail and never fall back to plain text.
	p := pkiOnce()
	mails := 0
	host, port := rawServer(t, func(c *rawConn, n int) {
		ehlo(t, c, "STARTTLS", "PIPELINING")
		if l := c.line(); l != "STARTTLS" {
			mails++
			return
		}
		c.send("220 go ahead")
		tc := tls.Server(c.Conn, &tls.Config{Certificates: []tls.Certificate{p.selfCert}})
		tc.Handshake()
		tc.Close()
	})
	tr := &Transport{Host: "localhost", Port: port, TLS: TLSVerified, TLSConfig: clientTLS()}
	_ = host
	defer tr.Close()
	res, err := send1(tr)
	if !errors.Is(err, ErrTLSRequired) || res.Recipients[0].Status != delivery.Deferred || mails != 0 {
		t.Fatalf("got %v %v, %d plain-text transactions", err, res.Recipients[0].Status, mails)
	}
}

// CHUNKING without PIPELINING: each BDAT waits for its reply.
func TestBDATLockstep(t *testing.T) {
	body := strings.Repeat("line of text\n", 15000) // ~200 KB: four chunks
	var got strings.Builder
	chunks := 0
	host, port := rawServer(t, func(c *rawConn, n int) {
		ehlo(t, c, "CHUNKING")
		c.expect(t, "MAIL")
		c.send("250 ok")
		c.expect(t, "RCPT")
		c.send("250 ok")
		for {
			l := c.expect(t, "BDAT")
			var size int
			var last string
			fmt.Sscanf(l, "BDAT %d %s", &size, &last)
			buf := make([]byte, size)
			if _, err := io.ReadFull(c.r, buf); err != nil {
				return
			}
			got.Write(buf)
			chunks++
			c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			if _, err := c.r.Peek(1); err == nil {
				t.Error("client sent more before the BDAT reply without PIPELINING")
			}
			c.SetReadDeadline(time.Time{})
			if last == "LAST" {
				c.send("250 2.0.0 queued")
				c.line()
				return
			}
			c.send("250 2.0.0 chunk ok")
		}
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(body))
	tr.Close()
	mustDelivered(t, res, err)
	if want := strings.ReplaceAll(body, "\n", "\r\n"); got.String() != want || chunks < 3 {
		t.Errorf("got %d octets in %d chunks, want %d", got.Len(), chunks, len(want))
	}
}

// A chunk over the server's limit is refused mid-message (the size was
// unknown, so SIZE could not refuse it early); later chunks are refused
// too. (Scripted: go-smtp's server races on this path.)
func TestBDATChunkRefused(t *testing.T) {
	host, port := rawServer(t, func(c *rawConn, n int) {
		ehlo(t, c, "PIPELINING", "CHUNKING")
		for msg := 0; ; msg++ {
			l := c.line()
			if l == "RSET" {
				c.send("250 ok")
				l = c.line()
			}
			if !strings.HasPrefix(l, "MAIL") {
				return
			}
			c.send("250 ok")
			c.expect(t, "RCPT")
			c.send("250 ok")
			for chunk := 0; ; chunk++ {
				var size int
				var last string
				fmt.Sscanf(c.expect(t, "BDAT"), "BDAT %d %s", &size, &last)
				io.CopyN(io.Discard, c.r, int64(size))
				switch {
				case msg > 0 && last == "LAST":
					c.send("250 2.0.0 queued")
				case chunk == 1:
					c.send("552 5.3.4 message too big")
				case chunk > 1:
					c.send("503 5.5.1 no transaction")
				default:
					c.send("250 2.0.0 chunk ok")
				}
				if last == "LAST" {
					break
				}
			}
		}
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	body := io.MultiReader(strings.NewReader(strings.Repeat("0123456789\r\n", 40000))) // no Len: size unknown
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, body)
	if e := smtpErr(err); e == nil || e.Code != 552 || res.Recipients[0].Status != delivery.Failed {
		t.Fatalf("got %v, %v; want 552", err, res.Recipients[0].Status)
	}
	res, err = send1(tr)
	mustDelivered(t, res, err)
}

// acceptEnvelope plays a pipelining server up to the 354 for DATA: EHLO,
// then MAIL, one RCPT and DATA accepted in one round trip.
func acceptEnvelope(t *testing.T, c *rawConn) {
	t.Helper()
	ehlo(t, c, "PIPELINING")
	c.expect(t, "MAIL")
	c.expect(t, "RCPT")
	c.expect(t, "DATA")
	c.send("250 ok", "250 ok", "354 go")
}
