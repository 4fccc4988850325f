package smtpclient

import "github.com/emersion/go-sasl"

// XOAUTH2 returns a SASL client for the XOAUTH2 mechanism that Gmail and
// Microsoft 365 accept with an OAuth 2.0 access token. (For the standard
// OAUTHBEARER mechanism, RFC 7628, use sasl.NewOAuthBearerClient.)
func XOAUTH2(user, token string) sasl.Client { return &xoauth2{user, token} }

type xoauth2 struct{ user, token string }

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, after which the server sends its failure reply.
func (x *xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }
