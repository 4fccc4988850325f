// Package dkim signs and verifies DomainKeys Identified Mail signatures
// (RFC 6376, with the RSA rules of RFC 8301 and Ed25519-SHA256 of RFC 8463)
// and seals and validates ARC chains (RFC 8617).
//
// Signing and verification are done here, by one streaming
// canonicalization (RFC 6376 §3.4) and hashing of the body, in one pass
// without a goroutine or a per-byte allocation; signatures are made with
// the key's crypto.Signer (RSA PKCS#1 v1.5 or Ed25519 over the SHA-256
// hash, RFC 8463 §3). It canonicalizes as github.com/emersion/go-msgauth/dkim
// does (a bare LF counts as CRLF), and the tests keep go-msgauth as the
// oracle: the same body hash for any body and any cutting of it into
// writes, signatures that its verifier accepts, and, for any message
// (differential tests and fuzzing on the same inputs), the same verdict
// from the Verifier as from go-msgauth's: its tag and key record parsing
// and the order of its checks are followed, so a message that passes or
// fails one passes or fails the other. Key records are fetched through a
// [resolver.Resolver]. The package adds what a sending platform needs:
//
//   - [Signer]: built once by [NewSigner], safe for concurrent use; signs
//     with several keys in one pass over the message (RSA and Ed25519, or
//     the author's domain and the platform's), picks keys per From domain
//     from a [KeyStore] ([MemoryStore], [DirStore]), over-signs critical
//     fields, refuses messages that would not verify, and streams the body
//     so a message of any size signs in constant memory.
//   - [Verifier]: fetches keys through a [resolver.Resolver], limits the
//     signatures checked, and returns one [Result] per signature with a
//     [Status] and a typed error, ready for DMARC and Authentication-Results.
//   - Keys: [ParsePrivateKey] (PEM PKCS#1 or PKCS#8), [GenerateKey],
//     [MarshalPrivateKey] and [TXTRecord] for the DNS record.
//   - ARC: [ARCSealer] adds an ARC set, [ARCVerifier] validates a chain,
//     hashing bodies with the same streaming code.
package dkim
