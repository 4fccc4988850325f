package bounce

import (
	"io"
	"strings"

	"github.com/emersion/go-message"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// decodeCharset converts a text part's body from its declared charset (RFC
// 2046 §4.1.2) to UTF-8, so that the wording of bounces written in
// ISO-2022-JP, Shift_JIS, EUC-KR, GB2312, KOI8-R, windows-1252, ... can be
// read. A charset no decoder knows, or a body that does not decode, is
// kept as it came.
//
// The decoders are golang.org/x/text's, looked up by IANA MIME name and then
// by WHATWG label, as github.com/emersion/go-message/charset does; that
// package is not imported because its init sets go-message's global
// CharsetReader for the whole program. When a program has set it,
// go-message has already converted the body and it is used as it is.
func decodeCharset(charset string, body []byte) []byte {
	if message.CharsetReader != nil {
		return body
	}
	enc := lookupCharset(charset)
	if enc == nil {
		return body
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
}

// lookupCharset returns the decoder for a charset name, or nil for UTF-8,
// US-ASCII, an empty or an unknown name.
func lookupCharset(charset string) encoding.Encoding {
	name := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"'`))
	switch name {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return nil
	}
	if enc, err := ianaindex.MIME.Encoding(name); err == nil && enc != nil {
		return enc
	}
	if enc, err := htmlindex.Get(name); err == nil && enc != nil {
		return enc
	}
	return nil
}

// wordCharsetReader decodes the charset of an RFC 2047 encoded word; an
// unknown charset's bytes are kept as they are.
func wordCharsetReader(charset string, input io.Reader) (io.Reader, error) {
	if enc := lookupCharset(charset); enc != nil {
		return enc.NewDecoder().Reader(input), nil
	}
	return input, nil
}
