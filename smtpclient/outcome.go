package smtpclient

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/mx"
)

// Enhanced status codes (RFC 3463 and the IANA registry "Enumerated Status
// Codes") for failures that no server reply describes.
var (
	codeBadDestSystem   = delivery.EnhancedCode{5, 1, 2}  // X.1.2: the domain does not exist or cannot take mail
	codeBadRcptSyntax   = delivery.EnhancedCode{5, 1, 3}  // X.1.3: bad destination mailbox address syntax
	codeBadSenderSyntax = delivery.EnhancedCode{5, 1, 7}  // X.1.7: bad sender's mailbox address syntax
	codeNullMX          = delivery.EnhancedCode{5, 1, 10} // X.1.10: recipient address has null MX (RFC 7505 §4.2)
	codeTooBig          = delivery.EnhancedCode{5, 3, 4}  // X.3.4: message too big for system
	codeMisconfigured   = delivery.EnhancedCode{4, 3, 5}  // X.3.5: system incorrectly configured
	codeOtherSystem     = delivery.EnhancedCode{4, 3, 0}  // X.3.0: other or undefined mail system status
	codeNotAccepting    = delivery.EnhancedCode{4, 3, 2}  // X.3.2: system not accepting network messages
	codeNoAnswer        = delivery.EnhancedCode{4, 4, 1}  // X.4.1: no answer from host
	codeBadConnection   = delivery.EnhancedCode{4, 4, 2}  // X.4.2: bad connection
	codeDirectory       = delivery.EnhancedCode{4, 4, 3}  // X.4.3: directory server (DNS) failure
	codeNoRoute         = delivery.EnhancedCode{5, 4, 4}  // X.4.4: unable to route
	codeCongestion      = delivery.EnhancedCode{4, 4, 5}  // X.4.5: mail system congestion
	codeProtocol        = delivery.EnhancedCode{4, 5, 0}  // X.5.0: other or undefined protocol status
	codeBadArguments    = delivery.EnhancedCode{5, 5, 4}  // X.5.4: invalid command arguments
	codeConversion      = delivery.EnhancedCode{5, 6, 3}  // X.6.3: conversion required but not supported
	codeNonASCIIAddress = delivery.EnhancedCode{5, 6, 7}  // X.6.7: non-ASCII addresses not permitted (RFC 6531 §3.5)
	codeTLSNotOffered   = delivery.EnhancedCode{4, 7, 4}  // X.7.4: security features not supported
	codeTLSFailed       = delivery.EnhancedCode{4, 7, 5}  // X.7.5: cryptographic failure
	codeEncryptNeeded   = delivery.EnhancedCode{4, 7, 10} // X.7.10: encryption needed (for AUTH)
	codeRequireTLS      = delivery.EnhancedCode{5, 7, 30} // X.7.30: REQUIRETLS support required (RFC 8689 §5)
)

// failure builds the outcome of a failure that no reply decided; err is
// the cause errors.Is and errors.As find through it.
func failure(status delivery.Status, stage delivery.Stage, code delivery.EnhancedCode, err error) *delivery.Outcome {
	return &delivery.Outcome{Status: status, Stage: stage, Enhanced: code, Text: err.Error(), Err: err}
}

// config is the outcome of a Transport that is not set up to send: mail
// waits (RFC 3463 X.3.5) until its operator fixes that.
func config(format string, args ...any) *delivery.Outcome {
	return failure(delivery.Deferred, delivery.StageLocal, codeMisconfigured, fmt.Errorf("smtpclient: "+format, args...))
}

// protocolErr is the outcome of a reply that breaks the protocol: the
// session is not trusted further and the message waits.
func protocolErr(stage delivery.Stage, format string, args ...any) *delivery.Outcome {
	return failure(delivery.Deferred, stage, codeProtocol, fmt.Errorf("%w: "+format, append([]any{ErrProtocol}, args...)...))
}

// routeFailure is the outcome of a failed route lookup. The route errors
// mx calls permanent fail the recipient (a domain that does not exist, a
// null MX, no usable host); DNS trouble and the rest defer it.
func routeFailure(domain string, err error) *delivery.Outcome {
	err = fmt.Errorf("smtpclient: route for %s: %w", domain, err)
	switch {
	case errors.Is(err, mx.ErrNullMX):
		return failure(delivery.Failed, delivery.StageRoute, codeNullMX, err)
	case errors.Is(err, mx.ErrNoSuchDomain), errors.Is(err, mx.ErrInvalidDomain):
		return failure(delivery.Failed, delivery.StageRoute, codeBadDestSystem, err)
	case errors.Is(err, mx.ErrNoHosts), errors.Is(err, ErrNoRoute):
		return failure(delivery.Failed, delivery.StageRoute, codeNoRoute, err)
	case errors.Is(err, mx.ErrMTASTSNoMatch):
		// RFC 8461 §5.1: no MX matches the policy; try again later.
		return failure(delivery.Deferred, delivery.StageRoute, codeTLSFailed, err)
	}
	// DNS failures (resolver.IsTemporary) and anything else: try later.
	return failure(delivery.Deferred, delivery.StageRoute, codeDirectory, err)
}

// localFailure is the outcome of a send that ended before any I/O for a
// reason of the caller's or the Transport's own: a cancelled context,
// a closed Transport, used-up sources, a failing warm-up counter.
func localFailure(err error) *delivery.Outcome {
	code := codeOtherSystem
	switch {
	case errors.Is(err, ErrClosed):
		code = codeNotAccepting
	case errors.Is(err, ErrSourceExhausted):
		code = codeCongestion
	}
	return failure(delivery.Deferred, delivery.StageLocal, code, err)
}

// outcomeOf returns the outcome err carries, or, for an error from
// outside the session code, a deferral at the local stage.
func outcomeOf(err error) delivery.Outcome {
	if err == nil {
		err = errors.New("smtpclient: no final reply")
	}
	var o *delivery.Outcome
	if errors.As(err, &o) {
		return *o
	}
	return *localFailure(err)
}

// setOutcome gives recipient o the outcome from, keeping its address.
func setOutcome(o *delivery.Outcome, from *delivery.Outcome) {
	rcpt := o.Recipient
	*o = *from
	o.Recipient = rcpt
}

// stageOf maps the name a conn gives what it reads to a stage.
func stageOf(what string) delivery.Stage {
	switch what {
	case "CONNECT":
		return delivery.StageGreeting
	case "EHLO", "HELO", "LHLO":
		return delivery.StageHello
	case "STARTTLS":
		return delivery.StageTLS
	case "AUTH":
		return delivery.StageAuth
	case "MAIL", "RSET":
		return delivery.StageMail
	case "RCPT":
		return delivery.StageRcpt
	case "DATA", "BDAT":
		return delivery.StageData
	case "end of data":
		return delivery.StageFinal
	}
	return delivery.StageLocal
}

// networkFailure is the outcome of a connection that broke or timed out
// in the middle of stage: the message waits (RFC 3463 X.4.2).
func networkFailure(stage delivery.Stage, err error) *delivery.Outcome {
	return failure(delivery.Deferred, stage, codeBadConnection, err)
}

// hostIP returns the address of "ip:port", or the zero Addr.
func hostIP(hostport string) netip.Addr {
	h, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return netip.Addr{}
	}
	a, _ := netip.ParseAddr(h)
	return a.Unmap()
}

// finish gives every recipient without an outcome the outcome of err,
// stamps host, address and time, and returns the error Send and Deliver
// return: nil when some recipient was delivered, else the first
// recipient's outcome.
func finish(res *Result, err error) (*Result, error) {
	now := time.Now()
	ip := hostIP(res.Addr)
	var first *delivery.Outcome
	delivered := false
	for i := range res.Recipients {
		o := &res.Recipients[i]
		if o.Status == 0 {
			from := outcomeOf(err)
			setOutcome(o, &from)
		}
		if o.Host == "" && res.Host != "" && o.Stage != delivery.StageRoute {
			o.Host, o.IP = res.Host, ip
		}
		o.Time = now
		if o.Status == delivery.Delivered {
			delivered = true
		} else if first == nil {
			first = o
		}
	}
	if delivered {
		return res, nil
	}
	if first == nil { // no recipients
		o := outcomeOf(err)
		return res, &o
	}
	return res, first
}
