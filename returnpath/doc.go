// Package returnpath is the receiving side of a return-path domain: an
// SMTP server (on github.com/emersion/go-smtp) that takes the bounces and
// feedback-loop reports coming back to the signed VERP addresses package
// verp writes, and hands each one, parsed by bounce.Parse and matched to
// the message and recipient it is about, to a Handler.
//
// What it accepts and refuses, at RCPT (RFC 5321 §3.3), so that it never
// has to send a bounce itself (no backscatter) and never relays:
//
//   - a valid VERP address of Codec.Domain: accepted;
//   - one of the Feedback addresses (the address registered with the
//     providers' feedback loops): accepted;
//   - any other domain: 550 5.7.1, relaying denied (ErrRelay);
//   - any other local part of the domain: 550 5.1.1 (ErrUnknownUser);
//   - a VERP address whose tag is forged, altered, signed by an unknown
//     key, expired or from the future: 550 5.7.1 (the verp error).
//
// Each refusal is logged and given to Server.OnRefusal, with a typed
// error. Limits: connections in all and per client address (421 beyond
// them), recipients per transaction, message size (552 beyond
// MaxMessageBytes, advertised with SIZE), and how much of a message is kept
// and parsed (ParseBytes: bounces of large messages keep their start,
// which holds the report).
//
// # Matching
//
// For a message to a VERP address the tag gives the sender's message ID
// and a recipient key; for a feedback report, the tag is read from the
// Return-Path of the returned message, when the report includes it. The
// recipient is confirmed with verp.Codec.Match against the addresses the
// report names (Final-Recipient, Original-Recipient, Original-Rcpt-To,
// the returned To and Cc), or else asked of Server.Lookup (the sender's
// send log, by message ID and recipient key) and checked against the key.
// Bounce.ForRecipient is the report reduced to that recipient, with its
// address: what a suppression list should take.
//
// # Delivery guarantees
//
// Every accepted message reaches the Handler, once per accepted recipient,
// including messages that are not bounces or cannot be parsed. When the
// Handler fails, the message is refused with 451 4.3.0 so the sending MTA
// keeps it and retries: a Handler must therefore be idempotent (key on the
// tag and the report's content, not on arrival).
package returnpath
