package spf

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// macroExpr is a parsed "%{" macro-letter transformers *delimiter "}"
// (RFC 7208 §7.1).
type macroExpr struct {
	letter  byte // lower case
	upper   bool // URL-escape the result (§7.3)
	digits  int  // keep this many right-hand parts; 0: all
	reverse bool
	delims  string // "" means "."
}

// errMacro is the error of an explanation string with bad macro syntax.
var errMacro = errors.New("invalid macro")

// parseMacroExpr parses the macro starting with "%{" at s[i]. It returns
// the index after the closing brace, or a message saying what is wrong.
func parseMacroExpr(s string, i int, explain bool) (m macroExpr, next int, msg string) {
	i += 2
	if i >= len(s) {
		return m, 0, "unterminated macro"
	}
	c := s[i]
	if c >= 'A' && c <= 'Z' {
		m.upper = true
		c += 'a' - 'A'
	}
	m.letter = c
	switch c {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
	case 'c', 'r', 't': // only in explanation strings (§7.1)
		if !explain {
			return m, 0, "macro letter " + string(s[i]) + " is only allowed in explanations"
		}
	default:
		return m, 0, "unknown macro letter"
	}
	i++
	// transformers = *DIGIT [ "r" ]
	start := i
	for i < len(s) && isDigit(s[i]) {
		if m.digits < 1000 {
			m.digits = m.digits*10 + int(s[i]-'0')
		}
		i++
	}
	if i > start && m.digits == 0 {
		return m, 0, "macro digit transformer must not be zero"
	}
	if i < len(s) && (s[i] == 'r' || s[i] == 'R') {
		m.reverse = true
		i++
	}
	// *delimiter
	start = i
	for i < len(s) && isDelimiter(s[i]) {
		i++
	}
	m.delims = s[start:i]
	if i >= len(s) || s[i] != '}' {
		return m, 0, "invalid macro"
	}
	return m, i + 1, ""
}

// delimiter = "." / "-" / "+" / "," / "/" / "_" / "="
func isDelimiter(c byte) bool {
	switch c {
	case '.', '-', '+', ',', '/', '_', '=':
		return true
	}
	return false
}

// checkMacroString checks a macro-string (RFC 7208 §7.1); explain allows
// the c, r and t letters and spaces (explain-string, §6.2). endsMacro tells
// whether the string ends in a macro-expand. msg is "" when s is valid.
func checkMacroString(s string, explain, spaces bool) (endsMacro bool, msg string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '%':
			if i+1 >= len(s) {
				return false, "'%' at the end of a macro-string"
			}
			switch s[i+1] {
			case '%', '_', '-':
				i += 2
			case '{':
				_, next, msg := parseMacroExpr(s, i, explain)
				if msg != "" {
					return false, msg
				}
				i = next
			default:
				return false, "'%' must be followed by '{', '%', '_' or '-'"
			}
			endsMacro = true
			continue
		case c == ' ' && spaces:
		case c < 0x21 || c > 0x7e:
			return false, "invalid character " + strconv.QuoteRune(rune(c))
		}
		endsMacro = false
		i++
	}
	return endsMacro, ""
}

// expand appends the expansion of the macro-string s to dst (RFC 7208
// §7.3), with domain as %{d}. explain selects the explain-string grammar
// (§6.2): c, r, t and spaces allowed.
func (e *eval) expand(ctx context.Context, dst []byte, s, domain string, explain bool) ([]byte, error) {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			if (c < 0x21 || c > 0x7e) && !(explain && c == ' ') {
				return dst, errMacro
			}
			dst = append(dst, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return dst, errMacro
		}
		switch s[i+1] {
		case '%':
			dst = append(dst, '%')
		case '_':
			dst = append(dst, ' ')
		case '-':
			dst = append(dst, "%20"...)
		case '{':
			m, next, msg := parseMacroExpr(s, i, explain)
			if msg != "" {
				return dst, errMacro
			}
			dst = e.expandMacro(ctx, dst, m, domain)
			i = next
			continue
		default:
			return dst, errMacro
		}
		i += 2
	}
	return dst, nil
}

func (e *eval) expandMacro(ctx context.Context, dst []byte, m macroExpr, domain string) []byte {
	start := len(dst)
	switch m.letter {
	case 's':
		dst = append(dst, e.sender...)
	case 'l':
		dst = append(dst, e.local...)
	case 'o':
		dst = append(dst, e.senderDomain...)
	case 'd':
		dst = append(dst, domain...)
	case 'i':
		dst = appendDotIP(dst, e)
	case 'p':
		dst = append(dst, e.validatedName(ctx, domain)...)
	case 'v':
		if e.ip.Is4() {
			dst = append(dst, "in-addr"...)
		} else {
			dst = append(dst, "ip6"...)
		}
	case 'h':
		dst = append(dst, e.helo...)
	case 'c':
		dst = e.ip.AppendTo(dst)
	case 'r':
		if e.c.ReceiverHost != "" {
			dst = append(dst, e.c.ReceiverHost...)
		} else {
			dst = append(dst, "unknown"...)
		}
	case 't':
		dst = strconv.AppendInt(dst, e.now().Unix(), 10)
	}
	if m.digits > 0 || m.reverse || m.delims != "" {
		dst = transform(dst, start, m)
	}
	if m.upper {
		dst = urlEscape(dst, start)
	}
	return dst
}

// appendDotIP appends <ip> in the dotted form of %{i}: the dotted quad for
// IPv4, 32 dot-separated nibbles for IPv6 (RFC 7208 §7.3).
func appendDotIP(dst []byte, e *eval) []byte {
	if e.ip.Is4() {
		return e.ip.AppendTo(dst)
	}
	const hex = "0123456789abcdef"
	b := e.ip.As16()
	for i, x := range b {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = append(dst, hex[x>>4], '.', hex[x&0xf])
	}
	return dst
}

// transform applies the transformers to dst[start:]: split on the
// delimiters, reverse, keep the right-most digits parts, join with dots
// (RFC 7208 §7.3).
func transform(dst []byte, start int, m macroExpr) []byte {
	delims := m.delims
	if delims == "" {
		delims = "."
	}
	value := string(dst[start:])
	var stack [16]string
	parts := stack[:0]
	for {
		i := strings.IndexAny(value, delims)
		if i < 0 {
			parts = append(parts, value)
			break
		}
		parts = append(parts, value[:i])
		value = value[i+1:]
	}
	if m.reverse {
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
	}
	if m.digits > 0 && m.digits < len(parts) {
		parts = parts[len(parts)-m.digits:]
	}
	dst = dst[:start]
	for i, p := range parts {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = append(dst, p...)
	}
	return dst
}

// urlEscape escapes dst[start:] as for an uppercase macro letter: every byte
// outside unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 7208 §7.3).
func urlEscape(dst []byte, start int) []byte {
	n := 0
	for _, c := range dst[start:] {
		if !isUnreserved(c) {
			n++
		}
	}
	if n == 0 {
		return dst
	}
	value := string(dst[start:])
	dst = dst[:start]
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(value); i++ {
		c := value[i]
		if isUnreserved(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hex[c>>4], hex[c&0xf])
		}
	}
	return dst
}

func isUnreserved(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

// truncateDomain removes a trailing dot and, while the name is longer than
// 253 characters, labels from the left (RFC 7208 §7.3).
func truncateDomain(name string) string {
	name = strings.TrimSuffix(name, ".")
	for len(name) > 253 {
		i := strings.IndexByte(name, '.')
		if i < 0 {
			break
		}
		name = name[i+1:]
	}
	return name
}
