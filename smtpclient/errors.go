package smtpclient

import (
	"errors"
)

// Sentinel errors for conditions callers branch on. The outcomes the
// Transport returns (*delivery.Outcome, as errors and in Result) wrap them:
// use errors.Is. Whether to retry is the outcome's Status, never the
// sentinel's.
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
	// ErrDomainMismatch: Deliver was given a recipient outside the
	// domain it delivers to; nothing was sent.
	ErrDomainMismatch = errors.New("recipient not in the domain delivered to")
)
