package smtpclient

import (
	"errors"
)

// Sentinel errors for conditions callers branch on. Errors returned by the
// Transport wrap them (use errors.Is).
var (
	// ErrTLSRequired: the TLS policy requires TLS but the server does not
	// offer STARTTLS, or the handshake or the certificate check failed.
	ErrTLSRequired = errors.New("TLS required but not established")
	// ErrTooBig: the message is larger than the server's SIZE limit
	// (RFC 1870 §6), refused before sending it.
	ErrTooBig = errors.New("message larger than the server accepts")
	// ErrUnsupported: the message needs an extension the server does not
	// offer (SMTPUTF8, 8BITMIME, REQUIRETLS, DSN, AUTH mechanism).
	ErrUnsupported = errors.New("server lacks a required SMTP extension")
	// ErrBadAddress: an address is malformed or contains CR, LF or other
	// control characters.
	ErrBadAddress = errors.New("invalid address")
	// ErrInsecureAuth: AUTH would send credentials over a connection
	// without TLS (set Transport.AllowInsecureAuth to permit it).
	ErrInsecureAuth = errors.New("refusing AUTH over a connection without TLS")
	// ErrNoRoute: the destination has no host to deliver to.
	ErrNoRoute = errors.New("no mail exchanger to deliver to")
	// ErrSourceExhausted: every source address has used its warm-up cap.
	ErrSourceExhausted = errors.New("no source address with capacity left")
	// ErrClosed: the Transport was closed.
	ErrClosed = errors.New("transport closed")
)

// IsTemporary reports whether a failure returned by this package is worth
// retrying later: 4xx replies, network failures, timeouts, TLS failures and
// protocol violations are; 5xx replies, bad addresses, oversized messages and
// missing extensions are not.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var se *Error
	if errors.As(err, &se) {
		return se.Temporary()
	}
	switch {
	case errors.Is(err, ErrBadAddress), errors.Is(err, ErrTooBig),
		errors.Is(err, ErrUnsupported), errors.Is(err, ErrInsecureAuth),
		errors.Is(err, ErrNoRoute):
		return false
	}
	return true
}
