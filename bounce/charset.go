package bounce

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
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
	if enc == japanese.ISO2022JP && !isASCII(string(body)) {
		return decodeMislabelledJapanese(body)
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
}

// decodeMislabelledJapanese decodes a body labelled ISO-2022-JP that holds
// 8-bit bytes. ISO-2022-JP is a 7-bit encoding (RFC 1468: "the 8th bit of
// each byte is 0"), so such a body was written in one of the two 8-bit
// Japanese encodings, or in UTF-8, and labelled wrongly, as Japanese mobile
// carriers' returned-mail notices are. A body that is valid UTF-8 is kept
// as it is (a multi-byte EUC-JP or Shift_JIS text is seldom valid UTF-8).
// EUC-JP is tried next: its bytes are all
// 0xA1-0xFE (or the 0x8E/0x8F prefixes), so Shift_JIS text, whose kana
// lead with 0x82 and 0x83, does not decode cleanly as EUC-JP, while EUC-JP
// text nearly always "decodes" as Shift_JIS. The decoding with fewer
// replacement characters is kept; a tie keeps EUC-JP.
func decodeMislabelledJapanese(body []byte) []byte {
	if utf8.Valid(body) {
		return body
	}
	var best []byte
	bestBad := -1
	for _, enc := range []encoding.Encoding{japanese.EUCJP, japanese.ShiftJIS} {
		out, err := enc.NewDecoder().Bytes(body)
		if err != nil {
			continue
		}
		bad := bytes.Count(out, []byte("\uFFFD"))
		if bestBad < 0 || bad < bestBad {
			best, bestBad = out, bad
		}
		if bad == 0 {
			break
		}
	}
	if best == nil {
		return body
	}
	return best
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
