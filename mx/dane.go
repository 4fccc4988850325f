package mx

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/mxkit/mxkit/resolver"
)

// TLSA certificate usages, selectors and matching types (RFC 6698 §2.1,
// RFC 7218 names).
const (
	usageDANETA = 2
	usageDANEEE = 3

	selectorCert = 0
	selectorSPKI = 1

	matchFull   = 0
	matchSHA256 = 1
	matchSHA512 = 2
)

// Errors of VerifyDANE.
var (
	// ErrDANEUnusable: none of the TLSA records is usable for SMTP (only
	// PKIX usages, or unknown selectors or matching types). RFC 7672 §2.2:
	// the client must still use TLS, without authentication.
	ErrDANEUnusable = errors.New("mx: no usable TLSA record")
	// ErrDANEMismatch: the server's certificate chain matches no usable
	// TLSA record, or a DANE-TA chain fails validation or the name check.
	ErrDANEMismatch = errors.New("mx: certificate does not match the TLSA records")
)

// usable reports whether a TLSA record can be used for SMTP: DANE-TA(2) or
// DANE-EE(3) (RFC 7672 §3.1.3 rules out the PKIX usages), a known selector
// and matching type, and data of the right length.
func usable(t resolver.TLSA) bool {
	if t.Usage != usageDANETA && t.Usage != usageDANEEE {
		return false
	}
	if t.Selector != selectorCert && t.Selector != selectorSPKI {
		return false
	}
	switch t.MatchingType {
	case matchFull:
		return len(t.Data) > 0
	case matchSHA256:
		return len(t.Data) == sha256.Size
	case matchSHA512:
		return len(t.Data) == sha512.Size
	}
	return false
}

// matches reports whether cert matches the record's selector and data.
func matches(t resolver.TLSA, cert *x509.Certificate) bool {
	data := cert.Raw
	if t.Selector == selectorSPKI {
		data = cert.RawSubjectPublicKeyInfo
	}
	switch t.MatchingType {
	case matchSHA256:
		h := sha256.Sum256(data)
		return bytes.Equal(h[:], t.Data)
	case matchSHA512:
		h := sha512.Sum512(data)
		return bytes.Equal(h[:], t.Data)
	}
	return bytes.Equal(data, t.Data)
}

// VerifyDANE checks the certificate chain a server presented (state, as
// seen by tls.Config.VerifyConnection) against the host's TLSA records
// (RFC 7672 §3). names are the reference identifiers for DANE-TA: the MX
// host name (RFC 7672 §3.2.2), and the next-hop domain if wanted.
//
//   - DANE-EE(3): the server's own certificate or public key must match;
//     its names and validity dates are not checked (RFC 7672 §3.1.1).
//   - DANE-TA(2): a certificate the server sent after its own must match;
//     the chain from the server's certificate to it is validated (with
//     validity dates) and the server's certificate must carry one of names
//     (RFC 7672 §3.1.2, §3.2.3).
//
// It returns nil when a record matches, ErrDANEUnusable when no record is
// usable, or an error wrapping ErrDANEMismatch. To use it, set
// InsecureSkipVerify (the PKIX checks do not apply) and call it from
// VerifyConnection.
func VerifyDANE(records []resolver.TLSA, state tls.ConnectionState, names ...string) error {
	certs := state.PeerCertificates
	n := 0
	var taErr error
	for _, t := range records {
		if !usable(t) {
			continue
		}
		n++
		if len(certs) == 0 {
			continue
		}
		switch t.Usage {
		case usageDANEEE:
			if matches(t, certs[0]) {
				return nil
			}
		case usageDANETA:
			for i := 1; i < len(certs); i++ {
				if !matches(t, certs[i]) {
					continue
				}
				err := verifyTA(certs[0], certs[1:i], certs[i], names)
				if err == nil {
					return nil
				}
				taErr = err
			}
		}
	}
	switch {
	case n == 0:
		return ErrDANEUnusable
	case len(certs) == 0:
		return fmt.Errorf("%w: the server sent no certificate", ErrDANEMismatch)
	case taErr != nil:
		return fmt.Errorf("%w: %w", ErrDANEMismatch, taErr)
	}
	return ErrDANEMismatch
}

// verifyTA validates leaf through intermediates to the trust anchor ta and
// checks that leaf is valid for one of names.
func verifyTA(leaf *x509.Certificate, intermediates []*x509.Certificate, ta *x509.Certificate, names []string) error {
	if len(names) == 0 {
		return errors.New("DANE-TA needs a name to check the certificate against")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ta)
	inter := x509.NewCertPool()
	for _, c := range intermediates {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   time.Now(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}
	if _, err := leaf.Verify(opts); err != nil {
		return err
	}
	var err error
	for _, name := range names {
		if err = leaf.VerifyHostname(name); err == nil {
			return nil
		}
	}
	return err
}
