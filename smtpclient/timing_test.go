package smtpclient

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mxkit/mxkit/delivery"
)

// slowBackend answers the end of data after a pause.
type slowBackend struct {
	*backend
	pause time.Duration
}

func (b slowBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s, err := b.backend.NewSession(c)
	return slowSession{s.(*session), b.pause}, err
}

type slowSession struct {
	*session
	pause time.Duration
}

func (s slowSession) Data(r io.Reader) error {
	err := s.session.Data(r)
	time.Sleep(s.pause)
	return err
}

// TestResultTransmission checks that Result.Transmission covers the
// transaction and not the setup before it: with a dial that takes at
// least 150 ms and an end-of-data reply that takes at least 150 ms, each
// part holds its own pause (only lower bounds: a loaded machine makes
// both longer). A failed connection has no transmission.
func TestResultTransmission(t *testing.T) {
	const pause = 150 * time.Millisecond
	be := &backend{}
	_, host, port := startServer(t, serverOpts{setup: func(s *smtp.Server) { s.Backend = slowBackend{be, pause} }})
	tr := &Transport{Host: host, Port: port, TLS: TLSNone,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			time.Sleep(pause)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
	defer tr.Close()
	start := time.Now()
	res, err := tr.Send(context.Background(), Envelope{From: "a@example.org", To: []string{"b@example.com"}}, strings.NewReader(testMsg))
	total := time.Since(start)
	mustDelivered(t, res, err)
	if res.Transmission < pause {
		t.Errorf("Transmission %v: less than the server's %v pause before its final reply", res.Transmission, pause)
	}
	if setup := total - res.Transmission; setup < pause {
		t.Errorf("setup (total %v - Transmission %v) = %v: less than the dial's %v pause", total, res.Transmission, setup, pause)
	}

	// Nobody listens: the outcome is decided before any transaction.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	tr2 := &Transport{Host: "127.0.0.1", Port: closed, TLS: TLSNone}
	defer tr2.Close()
	res, _ = tr2.Send(context.Background(), Envelope{From: "a@example.org", To: []string{"b@example.com"}}, strings.NewReader(testMsg))
	if res.Recipients[0].Status != delivery.Deferred || res.Transmission != 0 {
		t.Errorf("refused connection: status %v, Transmission %v; want deferred and 0", res.Recipients[0].Status, res.Transmission)
	}
}
