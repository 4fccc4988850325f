package dkim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math/bits"
)

// bodyHasher canonicalizes a message body as it streams in and hashes it
// with SHA-256: the bh= of a DKIM signature (RFC 6376 §3.7). Writes may cut
// the body anywhere; state carries over.
//
// It canonicalizes exactly as go-msgauth's verifier does, so that what
// mxkit signs verifies there and at receivers that agree with it: a bare
// LF counts as CRLF, and a CR not followed by LF stays in the body (simple)
// or is withheld with the line ends (relaxed). The canonical bytes are
// gathered in out and hashed in large writes; runs of input that need no
// change are copied whole.
type bodyHasher struct {
	h       hash.Hash
	relaxed bool
	out     []byte // canonical bytes not yet hashed, cap bodyOutSize
	cr      bool   // the last byte was CR (a following LF is not bare)

	// simple (§3.4.3): the body's end as it stands so far is withheld, as
	// crlfs line ends plus the CR of cr, until something else follows.
	crlfs int64

	// relaxed (§3.4.4)
	bol     bool        // at the beginning of a line
	wsp     bool        // WSP seen since the last other byte
	written bool        // something other than line ends was written
	pend    []byte      // CR and LF withheld, cap pendSize
	spill   hash.Cloner // if pend overflowed: the hash before it
}

const (
	bodyOutSize = 8 << 10
	pendSize    = 256
)

func newBodyHasher() *bodyHasher {
	return &bodyHasher{
		h:    sha256.New(),
		out:  make([]byte, 0, bodyOutSize),
		pend: make([]byte, 0, pendSize),
	}
}

// reset readies c for a new body.
func (c *bodyHasher) reset(relaxed bool) {
	c.h.Reset()
	c.relaxed = relaxed
	c.out = c.out[:0]
	c.cr, c.crlfs = false, 0
	c.bol, c.wsp, c.written = true, false, false
	c.pend, c.spill = c.pend[:0], nil
}

// Write canonicalizes and hashes p; it never fails.
func (c *bodyHasher) Write(p []byte) (int, error) {
	if c.relaxed {
		c.writeRelaxed(p)
	} else {
		c.writeSimple(p)
	}
	return len(p), nil
}

// sum ends the body and appends its hash to b.
func (c *bodyHasher) sum(b []byte) []byte {
	if c.relaxed {
		if c.spill != nil { // the body ended in line ends: drop them
			c.h, c.spill = c.spill, nil
			c.out = c.out[:0]
		}
		c.pend = c.pend[:0]
		if c.written { // a non-empty body ends in CRLF; an empty one stays empty
			c.emitString("\r\n")
		}
	} else {
		// Empty lines at the end are dropped; a body that does not end in
		// CRLF gets one, so an empty body is CRLF (§3.4.3). A CR at the
		// very end is not a line end: it and what it follows stay.
		if c.cr {
			c.flushTail()
		}
		c.emitString("\r\n")
	}
	c.flushOut()
	return c.h.Sum(b)
}

// crlfRun is line ends for flushTail to emit a run of them at once.
const crlfRun = "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"

// emit adds canonical bytes, hashing directly what is large.
func (c *bodyHasher) emit(b []byte) {
	if len(c.out)+len(b) > cap(c.out) {
		c.flushOut()
		if len(b) > cap(c.out)/2 {
			c.h.Write(b)
			return
		}
	}
	c.out = append(c.out, b...)
}

// emitString adds a few canonical bytes.
func (c *bodyHasher) emitString(s string) {
	if len(c.out)+len(s) > cap(c.out) {
		c.flushOut()
	}
	c.out = append(c.out, s...)
}

func (c *bodyHasher) flushOut() {
	if len(c.out) > 0 {
		c.h.Write(c.out)
		c.out = c.out[:0]
	}
}

// writeSimple: the body unchanged except bare LF made CRLF, with the line
// ends at the end withheld.
func (c *bodyHasher) writeSimple(p []byte) {
	// Line ends continuing the withheld tail.
	for len(p) > 0 && (p[0] == '\r' || p[0] == '\n') {
		if p[0] == '\n' {
			c.crlfs++ // after CR or bare, one line end
			c.cr = false
		} else {
			if c.cr { // CR CR: the first is part of the body
				c.flushTail()
			}
			c.cr = true
		}
		p = p[1:]
	}
	if len(p) == 0 {
		return
	}
	c.flushTail() // p[0] is neither CR nor LF: what was withheld is body
	// The new tail: line ends and a CR at the end of p, which begins with
	// a byte that is neither.
	e := len(p)
	c.cr = p[e-1] == '\r'
	if c.cr {
		e--
	}
	for p[e-1] == '\n' {
		e--
		if p[e-1] == '\r' {
			e--
		}
		c.crlfs++
	}
	// The rest as it is, with a CR put before each bare LF.
	body, start := p[:e], 0
	for off := 0; ; {
		i := bytes.IndexByte(body[off:], '\n')
		if i < 0 {
			break
		}
		i += off
		if body[i-1] != '\r' {
			c.emit(body[start:i])
			c.emitString("\r")
			start = i
		}
		off = i + 1
	}
	c.emit(body[start:])
}

// flushTail emits the withheld line ends of a simple body, and the CR after
// them.
func (c *bodyHasher) flushTail() {
	for c.crlfs > 0 {
		n := min(c.crlfs, int64(len(crlfRun)/2))
		c.emitString(crlfRun[:2*n])
		c.crlfs -= n
	}
	if c.cr {
		c.emitString("\r")
		c.cr = false
	}
}

// writeRelaxed: WSP at line ends dropped, other runs of WSP made one SP,
// line ends withheld until something other than WSP follows. Whole lines
// take the fast path; a line cut by the end of p, or with a CR inside,
// goes byte by byte.
func (c *bodyHasher) writeRelaxed(p []byte) {
	for len(p) > 0 {
		lf := bytes.IndexByte(p, '\n')
		if lf < 0 {
			c.addRelaxedBytes(p)
			return
		}
		if c.bol {
			line := p[:lf]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if bytes.IndexByte(line, '\r') < 0 {
				c.addRelaxedLine(line)
				c.addPend('\r')
				c.addPend('\n')
				p = p[lf+1:]
				continue
			}
		}
		c.addRelaxedBytes(p[:lf+1])
		p = p[lf+1:]
	}
}

// addRelaxedLine adds one whole line without its line end and without CR,
// starting at the beginning of a line.
func (c *bodyHasher) addRelaxedLine(line []byte) {
	n := len(line)
	for n > 0 && (line[n-1] == ' ' || line[n-1] == '\t') {
		n--
	}
	line = line[:n]
	if len(line) == 0 {
		return // empty or only WSP: an empty line, withheld
	}
	c.flushPend()
	c.written = true
	// Each run of WSP other than a single SP becomes one SP.
	for i := irregularWSP(line); i >= 0; i = irregularWSP(line) {
		end := i + 1
		for end < len(line) && (line[end] == ' ' || line[end] == '\t') {
			end++
		}
		c.emit(line[:i])
		c.emitString(" ") // end < len(line): the line has no WSP at its end
		line = line[end:]
	}
	c.emit(line)
}

// irregularWSP returns the index of the first run of WSP in line that is
// not a single SP, or -1. It looks at eight bytes at a time.
func irregularWSP(line []byte) int {
	const ones = 0x0101010101010101
	prevSP := false
	i := 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		sp, tab := zeroBytes(w^' '*ones), zeroBytes(w^'\t'*ones)
		if prevSP && (sp|tab)&0x80 != 0 {
			return i - 1 // a run from the previous word on
		}
		// SP followed by SP or HTAB, or HTAB: the run starts there.
		if m := sp&((sp|tab)>>8) | tab; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		prevSP = sp>>63 != 0
	}
	for ; i < len(line); i++ {
		switch line[i] {
		case ' ':
			if prevSP {
				return i - 1
			}
			prevSP = true
		case '\t':
			if prevSP {
				return i - 1
			}
			return i
		default:
			prevSP = false
		}
	}
	return -1
}

// zeroBytes sets the high bit of each byte of x that is zero, and no other.
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^((x&low7 + low7) | x | low7)
}

// addRelaxedBytes is the general case of writeRelaxed, exactly as go-msgauth
// does it: CR and LF (a bare LF as CRLF) are withheld and end a run of WSP,
// which is dropped; anything else emits what was withheld, SP if WSP came
// before it, and itself.
func (c *bodyHasher) addRelaxedBytes(p []byte) {
	for i := 0; i < len(p); {
		switch p[i] {
		case ' ', '\t':
			c.wsp, c.cr = true, false
			i++
		case '\r':
			c.wsp, c.cr = false, true
			c.addPend('\r')
			i++
		case '\n':
			if !c.cr {
				c.addPend('\r')
			}
			c.addPend('\n')
			c.wsp, c.cr = false, false
			i++
		default:
			j := i + 1
			for j < len(p) && !isWSPOrEOL(p[j]) {
				j++
			}
			c.flushPend()
			if c.wsp {
				c.emitString(" ")
				c.wsp = false
			}
			c.emit(p[i:j])
			c.written, c.cr = true, false
			i = j
		}
	}
	if len(p) > 0 {
		c.bol = p[len(p)-1] == '\n'
	}
}

// isWSPOrEOL reports whether b is SP, HTAB, CR or LF.
func isWSPOrEOL(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// addPend withholds one CR or LF. Past pendSize of them the hash state is
// saved and they are hashed after all; if the body ends before anything
// else follows, the saved state is the result.
func (c *bodyHasher) addPend(b byte) {
	if c.spill != nil {
		if len(c.out) == cap(c.out) {
			c.flushOut()
		}
		c.out = append(c.out, b)
		return
	}
	if len(c.pend) == cap(c.pend) {
		c.flushOut()
		// crypto/sha256 clones; were it ever not to, pend just grows.
		if h, ok := c.h.(hash.Cloner); ok {
			if saved, err := h.Clone(); err == nil {
				c.spill = saved
				c.emit(c.pend)
				c.pend = c.pend[:0]
				c.addPend(b)
				return
			}
		}
	}
	c.pend = append(c.pend, b)
}

// flushPend emits the withheld line ends: something follows them.
func (c *bodyHasher) flushPend() {
	if c.spill != nil {
		c.spill = nil // already hashed
		return
	}
	if len(c.pend) > 0 {
		c.emit(c.pend)
		c.pend = c.pend[:0]
	}
}
