package queue

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on (with errors.Is).
var (
	ErrNoRecipients   = errors.New("queue: no recipients")
	ErrInvalidAddress = errors.New("queue: invalid address")
	ErrInvalidInput   = errors.New("queue: invalid input") // other bad envelope fields or outcomes
	ErrTooLarge       = errors.New("queue: message too large")
	ErrNotFound       = errors.New("queue: message not found")
	ErrLeaseLost      = errors.New("queue: lease lost")          // leased again by someone else, or gone
	ErrLeased         = errors.New("queue: message under lease") // may be in delivery: not canceled or held
	ErrCorrupt        = errors.New("queue: store corrupt or not a queue")
	ErrClosed         = errors.New("queue: store closed")
)

// AddressError reports an address refused by Envelope.Check. It matches
// ErrInvalidAddress with errors.Is.
type AddressError struct {
	Addr   string
	Reason string
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("queue: invalid address %q: %s", e.Addr, e.Reason)
}

// Unwrap returns ErrInvalidAddress.
func (e *AddressError) Unwrap() error { return ErrInvalidAddress }
