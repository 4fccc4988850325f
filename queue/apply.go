package queue

import (
	"fmt"
	"github.com/mxkit/mxkit/delivery"
	"strings"
	"time"
)

const maxErrorText = 1000

// Apply applies outcomes to m the way Store.Complete must: it sets the
// recipients' states, attempt counts, History and DelayNotified marks (a
// mark already set is kept), clears the lease and either reports m
// finished (all recipients final; Dead set if any failed) or sets
// NextAttempt to the earliest RetryAt among pending recipients (now for a
// pending recipient without one). An outcome for an unknown or
// already final recipient, or with an invalid state, is refused with
// ErrInvalidInput and m is left unchanged. Store implementations use it;
// Queue users do not need it.
func (m *Message) Apply(now time.Time, outcomes []Outcome) (finished bool, err error) {
	idx := make(map[string]int, len(m.Recipients))
	for i, r := range m.Recipients {
		idx[r.Addr] = i
	}
	seen := make(map[int]bool, len(outcomes))
	for _, o := range outcomes {
		i, ok := idx[o.Recipient]
		if !ok {
			return false, fmt.Errorf("%w: outcome for unknown recipient %q", ErrInvalidInput, o.Recipient)
		}
		if m.Recipients[i].State != Pending {
			return false, fmt.Errorf("%w: recipient %q is already %s", ErrInvalidInput, o.Recipient, m.Recipients[i].State)
		}
		if seen[i] {
			return false, fmt.Errorf("%w: two outcomes for recipient %q", ErrInvalidInput, o.Recipient)
		}
		if o.State > Canceled {
			return false, fmt.Errorf("%w: outcome state %d", ErrInvalidInput, o.State)
		}
		if o.State != Canceled && !attemptFits(o.State, o.Attempt.Status) {
			return false, fmt.Errorf("%w: recipient %q %s after an attempt %v", ErrInvalidInput, o.Recipient, o.State, o.Attempt.Status)
		}
		seen[i] = true
	}
	retry := map[int]time.Time{}
	for _, o := range outcomes {
		i := idx[o.Recipient]
		r := &m.Recipients[i]
		r.State = o.State
		if o.State == Canceled {
			continue // not an attempt
		}
		r.Attempts++
		r.History = appendHistory(r.History, r.Addr, o.Attempt)
		if r.DelayNotified.IsZero() && !o.DelayNotified.IsZero() {
			r.DelayNotified = o.DelayNotified.UTC().Round(0)
		}
		if o.State == Pending {
			retry[i] = o.RetryAt
		}
	}
	m.Lease, m.LeaseExpires = "", time.Time{}
	var next time.Time
	finished = true
	for i, r := range m.Recipients {
		if r.State != Pending {
			if r.State == Failed {
				m.Dead = true
			}
			continue
		}
		finished = false
		at, ok := retry[i]
		if !ok || at.IsZero() {
			at = now
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	if finished {
		return true, nil
	}
	m.Dead = false
	m.NextAttempt = next
	return false, nil
}

// Cancel applies a cancellation to m the way Store.Cancel must, once the
// store has checked that m is live and not under lease: the named pending
// recipients (all pending ones if none are named) become Canceled, any
// lease is cleared, and m is reported finished if no recipient is left
// pending (Dead set if one failed). A recipient that is unknown or not
// pending is refused with ErrInvalidInput and m is left unchanged.
func (m *Message) Cancel(now time.Time, recipients []string) (finished bool, err error) {
	var outs []Outcome
	if len(recipients) == 0 {
		for _, r := range m.Recipients {
			if r.State == Pending {
				outs = append(outs, Outcome{Recipient: r.Addr, State: Canceled})
			}
		}
	}
	for _, a := range recipients {
		outs = append(outs, Outcome{Recipient: a, State: Canceled})
	}
	next := m.NextAttempt
	finished, err = m.Apply(now, outs)
	if err == nil && !finished {
		m.NextAttempt = next // the others keep their time
	}
	return finished, err
}

// attemptFits reports whether a recipient may be in state after an
// attempt with status: delivered after a delivery, pending after a
// deferral, failed after a failure or, expired, after a deferral.
func attemptFits(state State, status delivery.Status) bool {
	switch status {
	case delivery.Delivered:
		return state == Delivered
	case delivery.Deferred:
		return state == Pending || state == Failed
	case delivery.Failed:
		return state == Failed
	}
	return false
}

// appendHistory adds a cleaned copy of o (for recipient addr) to h, keeping
// the last MaxHistory.
func appendHistory(h []delivery.Outcome, addr string, o delivery.Outcome) []delivery.Outcome {
	o = cleanOutcome(o)
	o.Recipient = addr
	if len(h) >= MaxHistory {
		h = append(h[:0:0], h[len(h)-MaxHistory+1:]...)
	}
	return append(h, o)
}

// cleanOutcome makes an outcome safe to store: texts cleaned and bounded,
// the Go error (not stored) dropped.
func cleanOutcome(o delivery.Outcome) delivery.Outcome {
	o.Text = cleanText(o.Text)
	o.Host = cleanText(o.Host)
	if len(o.Host) > 255 {
		o.Host = o.Host[:255]
	}
	o.Err = nil
	if !o.Time.IsZero() {
		o.Time = o.Time.UTC().Round(0)
	}
	return o
}

// cleanText makes remote error text safe to store and show: control
// characters become spaces and it is cut to a bounded length.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "")
	}
	return s
}
