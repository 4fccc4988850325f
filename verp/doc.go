// Package verp writes and reads signed VERP return paths: envelope senders
// of the form
//
//	b+<tag>@bounces.example.com
//
// whose tag names the message and the recipient a bounce is about, so that
// a bounce that comes back to that address says which send failed even
// when its body is garbage, and an HMAC so that a forged or replayed bounce
// is recognised and ignored. It follows the idea of VERP (variable
// envelope return paths, one envelope sender per recipient) and BATV
// (bounce address tag validation: a signed, time-limited return path).
//
// # The tag
//
// The tag is base32 (RFC 4648 §6 alphabet, written in lower case, no
// padding) of
//
//	1 octet   version (3 bits, now 1) and key ID (5 bits, 0-31)
//	3 octets  hours since 1970-01-01 UTC when the address was made
//	5 octets  the recipient key (below)
//	n octets  the message ID, 1 to MaxMessageID octets of printable ASCII
//	8 octets  HMAC-SHA-256 (RFC 2104) of the return-path domain, the
//	          prefix and the octets above, truncated to 64 bits
//
// The local part must fit in 64 octets (RFC 5321 §4.5.3.1.1); with the
// default prefix "b" and separator "+", that leaves room for a message ID
// of 21 octets: a 16-character queue ID fits. Encode refuses what does not
// fit (ErrTooLong). Base32 survives MTAs that lower-case or upper-case local
// parts: Decode reads the tag and the prefix in any case. A local part
// has one spelling per tag: Decode refuses other spellings of the same
// octets.
//
// # The recipient key, and how a bounce finds its recipient
//
// A recipient address does not fit beside a message ID and a MAC in 64
// octets, so the tag carries a recipient key: the first 40 bits of an
// HMAC-SHA-256, under the same secret, of the recipient as Normalize
// writes it (local part lower-cased, domain in lower-case A-labels). The
// key identifies the recipient without naming it, and it cannot be made
// for another address without the secret.
//
// A bounce receiver decodes the address the bounce came to (Decode), then
// confirms which recipient failed with Codec.Match: it tries the addresses
// the bounce itself names — the DSN's Final-Recipient and
// Original-Recipient, an ARF report's Original-Rcpt-To, the returned
// header's To and Cc — and the one whose key equals the tag's is the
// recipient. When none matches (the message was forwarded and the bounce
// names the forwarding target, or the bounce names no address at all), the
// receiver asks the sender's own records: the message ID and the recipient
// key are a lookup key into a send log (see returnpath.Server.Lookup).
// Since each VERP envelope carries exactly one recipient, every failure in
// the bounce is that recipient's.
//
// This is also what makes suppression safe. A bounce is only trusted for
// the recipient the tag was made for: someone who received a message from
// the sender (and so knows a valid return path) cannot make the receiver
// suppress somebody else by naming another address in a forged DSN, since
// that address's key does not match the tag; and a tag outside its
// validity (Codec.MaxAge, 7 days by default, longer than the 5 days most
// MTAs keep retrying) is refused as a replay (ErrExpired).
//
// # Keys
//
// Codec.Keys[0] signs; every key in Keys verifies, found by the key ID the
// tag carries. To rotate, put the new key first and keep the old one until
// MaxAge has passed. Secrets are 16 octets or more of random.
package verp
