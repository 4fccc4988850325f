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
	c.wsp, c.written = false, false
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
// line ends withheld until something other than WSP follows. It finds the
// next "special" octet eight at a time (nextSpecial) and copies the run
// before it whole: a run holds only octets that relaxed canonicalization
// keeps as they are. Each special octet goes through the state machine of
// addRelaxedBytes.
func (c *bodyHasher) writeRelaxed(p []byte) {
	for i := 0; i < len(p); {
		j := nextSpecial(p, i)
		// A CRLF inside a run, followed by an octet kept as it is, stays
		// as it is too (no WSP before it, which nextSpecial would have
		// stopped at, and something follows it): the run goes on past it,
		// so that a body of plain lines is hashed where it lies, in large
		// writes, rather than a line at a time through out. At the end of
		// p, what follows is not known yet.
		for j > i && j+2 < len(p) && p[j] == '\r' && p[j+1] == '\n' && p[j+2] > ' ' {
			j = nextSpecial(p, j+2)
		}
		if j > i {
			run := p[i:j]
			if run[0] == ' ' {
				// A single SP before a kept octet: the start or the
				// continuation of a run of WSP.
				c.wsp = true
				run = run[1:]
			}
			switch {
			case len(run) == 0:
			case c.spill == nil && len(c.out)+len(c.pend)+1+len(run) <= cap(c.out):
				// The withheld line ends, the SP for a run of WSP and the
				// run, in one go.
				c.out = append(c.out, c.pend...)
				c.pend = c.pend[:0]
				if c.wsp {
					c.out = append(c.out, ' ')
					c.wsp = false
				}
				c.out = append(c.out, run...)
				c.written, c.cr = true, false
			default:
				c.flushPend()
				if c.wsp {
					c.emitString(" ")
					c.wsp = false
				}
				c.emit(run)
				c.written, c.cr = true, false
			}
		}
		if j == len(p) {
			return
		}
		// The special octet, as addRelaxedBytes takes it; a run of WSP
		// and a CRLF after it are taken at once.
		switch p[j] {
		case ' ', '\t':
			j++
			for j < len(p) && (p[j] == ' ' || p[j] == '\t') {
				j++
			}
			c.wsp, c.cr = true, false
			if j+1 < len(p) && p[j] == '\r' && p[j+1] == '\n' {
				c.pendCRLF()
				j += 2
			}
		case '\r':
			if j+1 < len(p) && p[j+1] == '\n' {
				c.pendCRLF()
				j += 2
				break
			}
			fallthrough
		default:
			c.addRelaxedBytes(p[j : j+1])
			j++
		}
		i = j
	}
}

// pendCRLF withholds a line end that came as CRLF.
func (c *bodyHasher) pendCRLF() {
	c.wsp, c.cr = false, false
	if c.spill == nil && len(c.pend)+2 <= cap(c.pend) {
		c.pend = append(c.pend, '\r', '\n')
		return
	}
	c.addPend('\r')
	c.addPend('\n')
}

// nextSpecial returns the index of the first octet at or after i that is
// a control character (HTAB, CR and LF among them), or an SP followed by
// SP, a control character or the end of p; len(p) if there is none.
// Everything before it is kept by relaxed canonicalization as it is; a
// control character other than HTAB, CR or LF is special only because
// finding it costs less, and the state machine keeps it as it is.
func nextSpecial(p []byte, i int) int {
	for ; i+8 < len(p); i += 8 {
		w := binary.LittleEndian.Uint64(p[i:])
		lte := below(w, 0x21) // <= SP
		if lte == 0 {
			continue // letters only, as in base64 and most of quoted-printable
		}
		ctl := below(w, 0x20) // < SP
		// Whether the next octet is SP or a control character, for each
		// octet: the next one in the word, or p[i+8] for the last.
		next := lte >> 8
		if p[i+8] <= ' ' {
			next |= 1 << 63
		}
		if m := ctl | lte&^ctl&next; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(p); i++ {
		if c := p[i]; c < ' ' || c == ' ' && (i+1 == len(p) || p[i+1] <= ' ') {
			return i
		}
	}
	return len(p)
}

// below sets the high bit of each octet of w that is less than n (n at
// most 0x80), and no other: octets with the high bit set are not, and for
// the others adding 0x80-n to the low seven bits carries into the high
// bit exactly when the octet is n or more, without reaching the next.
func below(w uint64, n byte) uint64 {
	const low7, high = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	return ^((w&low7 + uint64(0x80-n)*0x0101010101010101) | w) & high
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
