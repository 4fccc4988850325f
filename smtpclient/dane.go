package smtpclient

import (
	"crypto/tls"

	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/resolver"
)

func verifyDANE(records []resolver.TLSA, cs tls.ConnectionState, names ...string) error {
	return mx.VerifyDANE(records, cs, names...)
}
