// Package dkim signs and verifies DomainKeys Identified Mail signatures
// (RFC 6376, with the RSA rules of RFC 8301 and Ed25519-SHA256 of RFC 8463)
// and seals and validates ARC chains (RFC 8617).
//
// Signing is done here: canonicalization (RFC 6376 §3.4), the body and
// header hashes and the DKIM-Signature field, with the key's crypto.Signer
// (RSA PKCS#1 v1.5 or Ed25519 over the SHA-256 hash, RFC 8463 §3), in one
// pass without a goroutine or a per-byte allocation. It canonicalizes as
// github.com/emersion/go-msgauth/dkim does (a bare LF counts as CRLF), and
// the tests check it against go-msgauth: the same body hash for any body
// and any cutting of it into writes, and signatures that its verifier
// accepts. Verification is go-msgauth's (its canonicalization, key record
// parsing and signature check), with the key records fetched through a
// [resolver.Resolver] here. The package adds what a sending platform needs:
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
//   - ARC: [ARCSealer] adds an ARC set, [ARCVerifier] validates a chain.
//     This part is mxkit's own code, with its own canonicalization.
package dkim
