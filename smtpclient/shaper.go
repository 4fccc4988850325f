package smtpclient

import (
	"context"
	"errors"
	"net/netip"
	"slices"

	"github.com/mxkit/mxkit/delivery"
)

// Shaper adjusts a Transport's limits at run time, per destination host
// and source address: the seam where traffic shaping (the shaping
// package, or the caller's own) acts on the Transport without living in
// it. Its methods are called on the sending path, concurrently: they must
// be safe for concurrent use, and MaxConns must be fast (it is called
// with the host's pool locked).
type Shaper interface {
	// Admit is asked before each message goes to host (an MX host name
	// for Deliver, Transport.Host for Send) from src (the zero Addr when
	// Sources are not set). It returns nil when the message may go,
	// having waited for the rate it keeps if need be, or why it may not.
	// A *delivery.Outcome returned is every recipient's outcome as it
	// is (a suspension defers with its own code and text; a rule may
	// fail the message); another error defers at the local stage.
	// When Sources are set, a refused source is left out and the others
	// are asked in turn; the message is refused when every one is.
	Admit(ctx context.Context, host string, src netip.Addr) error
	// MaxConns returns how many sessions may be open to host now (the
	// pool's host name, lower case); 0 or less keeps MaxConnsPerHost.
	// Sessions above a lowered cap are closed as their messages end.
	MaxConns(host string) int
}

// ConnGate is implemented by a Shaper that also counts sessions itself,
// for example across the processes sharing a destination. OpenConn is
// asked before each new session to host from src, within the cap of
// MaxConns; it may wait for room, bounded by ctx. release is called once
// when the session closes, or when it could not be opened.
type ConnGate interface {
	OpenConn(ctx context.Context, host string, src netip.Addr) (release func(), err error)
}

// hostMaxConns is the session cap for a pool's host: the Shaper's, if it
// sets one, else MaxConnsPerHost.
func (t *Transport) hostMaxConns(host string) int {
	if t.Shaper != nil {
		if n := t.Shaper.MaxConns(host); n > 0 {
			return n
		}
	}
	return t.maxConns()
}

// openConn asks the Shaper's ConnGate, if it has one, for a session to d.
func (t *Transport) openConn(ctx context.Context, d *dest) (func(), error) {
	g, ok := t.Shaper.(ConnGate)
	if !ok {
		return nil, nil
	}
	release, err := g.OpenConn(ctx, d.host, d.src)
	if err != nil {
		return nil, admitFailure(err)
	}
	return release, nil
}

// admitted tracks the Shaper's answers for one message: the source it
// admitted, and the sources it refused, with the last refusal.
type admitted struct {
	ok      bool
	src     netip.Addr
	refused []netip.Addr
	err     error
}

// admit asks the Shaper about the message's next try from src, once per
// source. It reports false with err set when src was refused: the caller
// picks another source (leaving out a.refused), or gives up with a.err
// when none is left.
func (t *Transport) admit(ctx context.Context, a *admitted, host string, src netip.Addr) bool {
	if t.Shaper == nil || a.ok && a.src == src {
		return true
	}
	if err := t.Shaper.Admit(ctx, host, src); err != nil {
		a.ok, a.err = false, admitFailure(err)
		if src.IsValid() && ctx.Err() == nil && !slices.Contains(a.refused, src) {
			a.refused = append(a.refused, src)
		}
		return false
	}
	a.ok, a.src = true, src
	return true
}

// admitFailure keeps a Shaper's outcome as it is; other errors defer.
func admitFailure(err error) error {
	if _, ok := errors.AsType[*delivery.Outcome](err); ok {
		return err
	}
	return localFailure(err)
}
