package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/queue"
)

// signing is how a message was signed, for the mail log: the keys that
// signed it ("shop.example/ed1,shop.example/rsa1"), or why it went
// unsigned.
type signing struct {
	keys     string
	unsigned string
}

// sign returns the DKIM-Signature fields for raw, submitted by a (nil:
// the operator), and how it was signed. Keys are handed to the signer
// only for domains a may use (keyStore). A message that would go
// unsigned is refused when dkim.require is set (a policy *headerError:
// 550 5.7.1 over SMTP, 403 over the API), unless it is one of this MTA's
// own notices (internal), which must reach the sender whatever its
// domain.
func (m *MTA) sign(ctx context.Context, a *account, env *queue.Envelope, raw []byte, internal bool) (string, signing, error) {
	var s signing
	if m.signer == nil {
		s.unsigned = "no DKIM keys are configured"
	} else {
		sig, err := m.signer.Sign(context.WithValue(ctx, signingFor{}, a), bytes.NewReader(raw))
		switch {
		case err == nil:
			m.signed.Add(1)
			return sig, signing{keys: signedWith(sig)}, nil
		case errors.Is(err, dkim.ErrNoKey):
			// No key for the From domain (or a parent), or none the
			// submitter may use.
			s.unsigned = "no DKIM key for the From domain " + fromDomain(raw)
			if a != nil {
				s.unsigned += " that this login may use"
			}
		case errors.Is(err, dkim.ErrFromAddress), errors.Is(err, dkim.ErrHeaderTooLarge),
			errors.Is(err, dkim.ErrNoFrom), errors.Is(err, dkim.ErrMultipleFrom), errors.Is(err, dkim.ErrHeaderName):
			// A From address the signer cannot read (from the
			// operator; a user's is checked before): Postfix would send
			// it unsigned.
			s.unsigned = "the signer cannot read the From field: " + err.Error()
		default:
			return "", s, fmt.Errorf("dkim: %w", err)
		}
	}
	if m.cfg.DKIM.Require && !internal {
		m.maillog.refused(ctx, env, "not DKIM-signed (dkim.require): "+s.unsigned)
		return "", s, &headerError{policy: true, msg: "Message refused: it would not be DKIM-signed: " + s.unsigned}
	}
	return "", s, nil
}

// signedWith lists the domain/selector of each DKIM-Signature field in
// sig, as the signer wrote them.
func signedWith(sig string) string {
	var keys []string
	for _, field := range strings.Split(sig, "DKIM-Signature:")[1:] {
		var d, sel string
		for _, tag := range strings.Split(strings.Join(strings.Fields(field), ""), ";") {
			name, value, _ := strings.Cut(tag, "=")
			switch name {
			case "d":
				d = value
			case "s":
				sel = value
			}
		}
		keys = append(keys, d+"/"+sel)
	}
	return strings.Join(keys, ",")
}

// refused logs a submission refused by policy, before it was queued.
func (l *mailLog) refused(ctx context.Context, env *queue.Envelope, reason string) {
	o, _ := ctx.Value(originKey{}).(origin)
	attrs := []slog.Attr{slog.String("from", addr(env.From)), slog.Int("nrcpt", len(env.Recipients))}
	if o.proto != "" {
		attrs = append(attrs, slog.String("proto", o.proto))
	}
	if o.client.IsValid() {
		attrs = append(attrs, slog.String("client", o.client.String()))
	}
	if o.user != "" {
		attrs = append(attrs, slog.String("user", o.user))
	}
	attrs = append(attrs, slog.String("reason", reason))
	l.log.LogAttrs(ctx, slog.LevelInfo, "refused", attrs...)
}
