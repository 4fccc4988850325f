package smtpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
	"net/netip"

	"github.com/mxkit/mxkit/delivery"
)

func send1(tr *Transport) (*Result, error) {
	return tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
}

func TestPoolReusesSessions(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	m := &countingMetrics{}
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, Metrics: m}
	for range 10 {
		res, err := send1(tr)
		mustDelivered(t, res, err)
	}
	if s, _, _, _ := be.counts(); s != 1 {
		t.Errorf("%d sessions for 10 sequential messages, want 1", s)
	}
	if m.opened != 1 || m.reused != 9 || m.messages != 10 || m.replies[2] == 0 {
		t.Errorf("metrics: opened %d reused %d messages %d replies %v", m.opened, m.reused, m.messages, m.replies)
	}
	tr.Close()
	time.Sleep(50 * time.Millisecond)
	if _, open, _, _ := be.counts(); open != 0 {
		t.Errorf("%d sessions open after Close", open)
	}
	if _, err := send1(tr); !errors.Is(err, ErrClosed) {
		t.Errorf("send after Close: %v", err)
	}
}

func TestPoolMaxConnsPerHost(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 3}
	defer tr.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := send1(tr); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	sessions, _, peak, _ := be.counts()
	if peak > 3 || sessions > 3 {
		t.Errorf("peak %d concurrent sessions, %d in all; limit 3", peak, sessions)
	}
	if n := len(be.messages()); n != 40 {
		t.Errorf("%d messages arrived, want 40", n)
	}
}

func TestPoolMaxMessagesPerConn(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxMessagesPerConn: 2}
	defer tr.Close()
	for range 5 {
		res, err := send1(tr)
		mustDelivered(t, res, err)
	}
	if s, _, _, _ := be.counts(); s != 3 {
		t.Errorf("%d sessions for 5 messages at 2 per session, want 3", s)
	}
}

func TestPoolIdleTimeout(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, IdleConnTimeout: 50 * time.Millisecond}
	defer tr.Close()
	res, err := send1(tr)
	mustDelivered(t, res, err)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, open, _, _ := be.counts(); open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("idle session not closed after IdleConnTimeout")
		}
		time.Sleep(10 * time.Millisecond)
	}
	res, err = send1(tr)
	mustDelivered(t, res, err)
	if s, _, _, _ := be.counts(); s != 2 {
		t.Errorf("%d sessions, want 2", s)
	}
}

// A server that closes idle sessions (or says 421 first): the next message
// must go out on a new session without the caller noticing.
func TestPoolStaleSession(t *testing.T) {
	for _, mode := range []string{"close", "421", "close on reuse"} {
		t.Run(mode, func(t *testing.T) {
			var mu sync.Mutex
			delivered := 0
			host, port := rawServer(t, func(c *rawConn, n int) {
				c.send("220 raw ESMTP")
				c.expect(t, "EHLO")
				c.send("250-raw", "250 PIPELINING")
				if n == 0 {
					if serveOne(t, c, false) {
						mu.Lock()
						delivered++
						mu.Unlock()
					}
					switch mode {
					case "421":
						c.send("421 4.4.2 idle timeout")
					case "close on reuse":
						c.expect(t, "MAIL") // the client reuses the session
					}
					return
				}
				for serveOne(t, c, true) {
					mu.Lock()
					delivered++
					mu.Unlock()
				}
			})
			m := &countingMetrics{}
			tr := &Transport{Host: host, Port: port, TLS: TLSNone, Metrics: m}
			defer tr.Close()
			for range 2 {
				res, err := send1(tr)
				mustDelivered(t, res, err)
				time.Sleep(50 * time.Millisecond) // let the server act on the idle session
			}
			// A closed or 421 session is caught by the health check before
			// use; one that dies on reuse costs an attempt that is retried.
			wantAttempts := 2
			if mode == "close on reuse" {
				wantAttempts = 3
			}
			if m.messages != wantAttempts || m.opened != 2 {
				t.Errorf("%d attempts on %d sessions, want %d on 2", m.messages, m.opened, wantAttempts)
			}
			mu.Lock()
			defer mu.Unlock()
			if delivered != 2 {
				t.Errorf("server took %d messages, want 2", delivered)
			}
		})
	}
}

// serveOne serves one pipelined transaction; with rset an RSET may come
// first. It reports whether a message was taken.
func serveOne(t *testing.T, c *rawConn, rset bool) bool {
	l := c.line()
	if rset && strings.HasPrefix(l, "RSET") {
		c.send("250 2.0.0 ok")
		l = c.line()
	}
	if !strings.HasPrefix(l, "MAIL FROM:") {
		return false
	}
	c.send("250 2.1.0 ok")
	c.expect(t, "RCPT TO:")
	c.send("250 2.1.5 ok")
	c.expect(t, "DATA")
	c.send("354 go")
	if _, ok := c.readData(); !ok {
		return false
	}
	c.send("250 2.0.0 queued")
	return true
}

func TestPoolWaitHonoursContext(t *testing.T) {
	release := make(chan struct{})
	host, port := rawServer(t, func(c *rawConn, n int) {
		c.send("220 raw ESMTP")
		c.expect(t, "EHLO")
		c.send("250-raw", "250 PIPELINING")
		c.expect(t, "MAIL")
		<-release // hold the only session
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 1}
	defer tr.Close()
	done := make(chan error, 1)
	go func() { _, err := send1(tr); done <- err }()
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := tr.Send(ctx, Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a session: %v, want DeadlineExceeded", err)
	}
	close(release)
	if err := <-done; err == nil {
		t.Error("first send succeeded although the server dropped it")
	}
}

func TestRateLimitPerHost(t *testing.T) {
	_, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone,
		RateLimits: []RateLimit{{Hosts: []string{"*"}, Rate: 20, Burst: 1, PerHost: true}}}
	defer tr.Close()
	start := time.Now()
	for range 5 {
		res, err := send1(tr)
		mustDelivered(t, res, err)
	}
	// 5 messages at 20/s with burst 1 need at least 4 intervals of 50ms.
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("5 messages in %v under a 20/s limit", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	tr2 := &Transport{Host: host, Port: port, TLS: TLSNone, RateLimits: []RateLimit{{Hosts: []string{"127.0.0.1"}, Rate: rate.Every(time.Hour)}}}
	defer tr2.Close()
	send1(tr2)
	if _, err := tr2.Send(ctx, Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader("x")); err == nil {
		t.Error("second message passed a 1/hour limit")
	}
}

func TestRateLimitMatch(t *testing.T) {
	r := RateLimit{Hosts: []string{"*.google.com", "mx.example.org"}}
	for host, want := range map[string]bool{
		"aspmx.l.google.com": true, "ASPMX.L.GOOGLE.COM.": true, "google.com": false,
		"mx.example.org": true, "a.mx.example.org": false, "evilgoogle.com": false,
	} {
		if got := r.matches(host); got != want {
			t.Errorf("matches(%q) = %v, want %v", host, got, want)
		}
	}
}

// pickTake chooses a source as sendTo does: drawn by weight, then
// charged, drawing again while the one drawn is found full.
func pickTake(s *sourceSet, addr string) (netip.Addr, error) {
	for {
		src, err := s.pick(addr, nil)
		if err != nil || !src.IsValid() {
			return src, err
		}
		ok, err := s.take(context.Background(), src)
		if err != nil || ok {
			return src, err
		}
	}
}

func TestSourcesWeightsAndWarmup(t *testing.T) {
	a := netip.MustParseAddr("127.0.0.1")
	b := netip.MustParseAddr("127.0.0.2")
	v6 := netip.MustParseAddr("::1")
	now := time.Date(2026, 1, 10, 12, 30, 0, 0, time.UTC)
	var s sourceSet
	s.init([]Source{
		{Addr: a, Weight: 3},
		{Addr: b, Weight: 1, Warmup: &Warmup{Start: now.Add(-24 * time.Hour), Daily: []int{5, 20}, Hourly: []int{2, 10}}},
		{Addr: v6},
	}, nil)
	s.now = func() time.Time { return now }
	counts := map[netip.Addr]int{}
	for range 400 {
		src, err := pickTake(&s, "192.0.2.1:25")
		if err != nil {
			t.Fatal(err)
		}
		counts[src]++
	}
	// Day 1 of b's warm-up: 10 per hour.
	if counts[b] != 10 || counts[a] != 390 || counts[v6] != 0 {
		t.Errorf("picks %v: want b capped at 10/hour, no IPv6 source for an IPv4 destination", counts)
	}
	if src, err := pickTake(&s, "[2001:db8::1]:25"); err != nil || src != v6 {
		t.Errorf("IPv6 destination got %v %v", src, err)
	}
	// The next hour b has capacity again.
	s.now = func() time.Time { return now.Add(time.Hour) }
	got := 0
	for range 400 {
		if src, _ := pickTake(&s, "192.0.2.1:25"); src == b {
			got++
		}
	}
	if got != 10 {
		t.Errorf("b got %d in the next hour, want its cap 10 (daily 20 not yet reached)", got)
	}
	s.now = func() time.Time { return now.Add(2 * time.Hour) }
	for range 100 {
		if src, _ := pickTake(&s, "192.0.2.1:25"); src == b {
			t.Fatal("b used beyond its daily cap of 20")
		}
	}
	var only sourceSet
	only.init([]Source{{Addr: b, Warmup: &Warmup{Start: now, Daily: []int{1}}}}, nil)
	only.now = func() time.Time { return now }
	pickTake(&only, "192.0.2.1:25")
	if _, err := pickTake(&only, "192.0.2.1:25"); !errors.Is(err, ErrSourceExhausted) {
		t.Errorf("exhausted source: %v", err)
	}
}

func TestSendFromSource(t *testing.T) {
	host, port := rawServer(t, func(c *rawConn, n int) {
		if !strings.HasPrefix(c.RemoteAddr().String(), "127.0.0.2:") {
			c.send("554 wrong source " + c.RemoteAddr().String())
			return
		}
		c.send("220 raw ESMTP")
		c.expect(t, "EHLO")
		c.send("250-raw", "250 PIPELINING")
		serveOne(t, c, false)
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, Sources: []Source{{Addr: netip.MustParseAddr("127.0.0.2")}}}
	defer tr.Close()
	res, err := send1(tr)
	mustDelivered(t, res, err)
}

// With CHUNKING the first chunk is read from the message before the reply
// to the pipelined MAIL shows the session is dead; the retry must send the
// whole message again.
func TestPoolStaleSessionChunking(t *testing.T) {
	var mu sync.Mutex
	var got []string
	host, port := rawServer(t, func(c *rawConn, n int) {
		ehlo(t, c, "PIPELINING", "CHUNKING")
		for msg := 0; ; msg++ {
			l := c.line()
			if msg == 1 && n == 0 {
				return // dead on reuse
			}
			if l == "RSET" {
				c.send("250 ok")
				l = c.line()
			}
			if !strings.HasPrefix(l, "MAIL") {
				return
			}
			c.expect(t, "RCPT")
			bdat := c.expect(t, "BDAT")
			var size int
			fmt.Sscanf(bdat, "BDAT %d LAST", &size)
			buf := make([]byte, size)
			io.ReadFull(c.r, buf)
			mu.Lock()
			got = append(got, string(buf))
			mu.Unlock()
			c.send("250 ok", "250 ok", "250 queued")
		}
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	for range 2 {
		res, err := send1(tr)
		mustDelivered(t, res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != testMsg || got[1] != testMsg {
		t.Errorf("server got %q", got)
	}
}

func TestPoolMaxIdle(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, MaxConnsPerHost: 5, MaxIdleConnsPerHost: 1}
	defer tr.Close()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := send1(tr); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, open, _, _ := be.counts()
		if open <= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still open with MaxIdleConnsPerHost 1", open)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRateLimitGroupShared(t *testing.T) {
	var l limiterSet
	l.init([]RateLimit{{Hosts: []string{"*.example.net"}, Rate: rate.Every(time.Hour), Burst: 1}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.wait(ctx, "mx1.example.net"); err != nil {
		t.Fatal(err)
	}
	// Another host of the group shares the spent token; a host outside it
	// is not limited.
	if err := l.wait(ctx, "mx2.example.net"); err == nil {
		t.Error("second host of the group not limited")
	}
	if err := l.wait(context.Background(), "mx.example.org"); err != nil {
		t.Error(err)
	}
}

// RSET goes before a transaction only when the previous one on the session
// did not complete (RFC 5321 §4.1.1.4-5).
func TestRSETOnlyAfterFailedTransaction(t *testing.T) {
	var mu sync.Mutex
	var cmds []string
	host, port := rawServer(t, func(c *rawConn, n int) {
		ehlo(t, c, "PIPELINING")
		okRcpt := false
		for {
			l := c.line()
			if l == "" || l == "QUIT" {
				return
			}
			mu.Lock()
			cmds = append(cmds, strings.Fields(l)[0])
			mu.Unlock()
			switch {
			case l == "RSET" || strings.HasPrefix(l, "MAIL"):
				okRcpt = false
				c.send("250 ok")
			case strings.HasPrefix(l, "RCPT TO:<unknown"):
				c.send("550 no")
			case strings.HasPrefix(l, "RCPT"):
				okRcpt = true
				c.send("250 ok")
			case l == "DATA" && okRcpt:
				c.send("354 go")
				c.readData()
				c.send("250 queued")
			case l == "DATA":
				c.send("554 no valid recipients")
			}
		}
	})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	for _, to := range []string{"b@x.com", "unknown@x.com", "b@x.com", "b@x.com"} {
		res, err := mustSend(tr, to)
		if (err == nil) != (to == "b@x.com") || (res.Recipients[0].Status == delivery.Delivered) != (err == nil) {
			t.Fatalf("%s: %v %v", to, err, res.Recipients[0].Status)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if got, want := strings.Join(cmds, " "), "MAIL RCPT DATA MAIL RCPT DATA RSET MAIL RCPT DATA MAIL RCPT DATA"; got != want {
		t.Errorf("commands %q, want %q", got, want)
	}
}

func mustSend(tr *Transport, to string) (*Result, error) {
	return tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{to}}, strings.NewReader(testMsg))
}

// TestRateLimitPerHostForgets checks that per-host limiters of hosts no
// longer sent to are dropped once there are many, while a limiter still
// holding back its host is kept, so its limit still holds.
func TestRateLimitPerHostForgets(t *testing.T) {
	var l limiterSet
	l.init([]RateLimit{{Hosts: []string{"*"}, Rate: 10, PerHost: true}})
	ctx := context.Background()
	if err := l.wait(ctx, "busy.example"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 * minSweep {
		if err := l.wait(ctx, fmt.Sprintf("mx%d.example", i)); err != nil {
			t.Fatal(err)
		}
		if i%minSweep == 0 {
			time.Sleep(150 * time.Millisecond) // earlier hosts' buckets refill
		}
	}
	if n := len(l.per); n > 2*minSweep {
		t.Errorf("%d per-host limiters kept for %d hosts", n, 3*minSweep+1)
	}
	// A host still held back survives a sweep: with a slow limit (one
	// message per 2 s, so no clock jitter refills it during the test) its
	// second message must wait after minSweep other hosts made a sweep.
	l = limiterSet{}
	l.init([]RateLimit{{Hosts: []string{"*"}, Rate: 0.5, PerHost: true}})
	if err := l.wait(ctx, "busy2.example"); err != nil {
		t.Fatal(err)
	}
	for i := range minSweep + 1 {
		l.wait(ctx, fmt.Sprintf("more%d.example", i))
	}
	if l.sweep == 0 {
		t.Fatal("no sweep happened")
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := l.wait(short, "busy2.example"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second message to a limited host after a sweep: %v, want a wait past the deadline", err)
	}
}

// sharedCounter is a WarmupCounter outside any Transport, standing for a
// database table; fail makes it return an error.
type sharedCounter struct {
	memCounter
	fail error
}

func (c *sharedCounter) Take(ctx context.Context, addr netip.Addr, day time.Time, dailyCap int, hour time.Time, hourlyCap int) (bool, error) {
	if c.fail != nil {
		return false, c.fail
	}
	return c.memCounter.Take(ctx, addr, day, dailyCap, hour, hourlyCap)
}

// TestWarmupCounter sends from a source with a daily cap of 3 through a
// Transport, then through a new one (a restart) with the same counter: the
// cap holds across both. A counter that fails fails the send, temporarily.
func TestWarmupCounter(t *testing.T) {
	be, host, port := startServer(t, serverOpts{})
	src := []Source{{Addr: netip.MustParseAddr("127.0.0.2"), Warmup: &Warmup{Start: time.Now().Add(-time.Hour), Daily: []int{3}}}}
	counter := &sharedCounter{}
	send := func(tr *Transport) error {
		_, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}}, strings.NewReader(testMsg))
		return err
	}
	tr := &Transport{Host: host, Port: port, TLS: TLSNone, Sources: src, WarmupCounter: counter}
	for range 2 {
		if err := send(tr); err != nil {
			t.Fatal(err)
		}
	}
	tr.Close()
	tr = &Transport{Host: host, Port: port, TLS: TLSNone, Sources: src, WarmupCounter: counter}
	defer tr.Close()
	if err := send(tr); err != nil {
		t.Fatalf("third message of the day: %v", err)
	}
	if err := send(tr); !errors.Is(err, ErrSourceExhausted) || !isTemporary(err) {
		t.Errorf("fourth message of the day, after a restart: %v, want a temporary ErrSourceExhausted", err)
	}
	if n := len(be.messages()); n != 3 {
		t.Errorf("server got %d messages, want 3", n)
	}
	// A Transport knows a source it found full until the next hour; a new
	// one asks the counter, which fails.
	tr.Close()
	tr = &Transport{Host: host, Port: port, TLS: TLSNone, Sources: src, WarmupCounter: counter}
	defer tr.Close()
	counter.fail = errors.New("database down")
	if err := send(tr); err == nil || !strings.Contains(err.Error(), "database down") || !isTemporary(err) {
		t.Errorf("with a failing counter: %v, want its error, temporary", err)
	}
}
