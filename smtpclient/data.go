package smtpclient

import (
	"bufio"
	"bytes"
	"io"
	"net"
)

// byteWriter is what dataWriter writes to: a *bufio.Writer on the
// connection for DATA, a *bytes.Buffer holding a chunk for BDAT.
type byteWriter interface {
	io.Writer
	io.StringWriter
}

// dataWriter writes message data for DATA (RFC 5321 §4.1.1.4): every line
// ending (CRLF, bare LF or bare CR) leaves as CRLF, so the data can never
// contain an end-of-data sequence other than the one finish writes (no SMTP
// smuggling), and a line starting with "." gets another "." (§4.5.2). With
// stuff false it only normalises line endings (for BDAT, RFC 3030).
//
// Input that needs no change (CRLF lines not starting with a dot) is
// passed on in one slice per Write, so a relayed message costs one scan
// and no copy here.
type dataWriter struct {
	w         byteWriter
	stuff     bool
	lineStart bool // at the start of a line
	cr        bool // the previous byte was a CR not yet written
	n         int64
	err       error

	// With g set (see holdIn), a run too large for bw's free space, with
	// nothing buffered before it, is held in g instead of written: it
	// goes out with what bw writes next, in one system call.
	g  *gatherWriter
	bw *bufio.Writer
}

func (d *dataWriter) reset(w byteWriter, stuff bool) {
	*d = dataWriter{w: w, stuff: stuff, lineStart: true}
}

// holdIn lets d hold one run of the caller's data in g (d.w is bw, which
// writes to g). The caller's slices must stay unchanged until bw's next
// flush.
func (d *dataWriter) holdIn(g *gatherWriter, bw *bufio.Writer) { d.g, d.bw = g, bw }

func (d *dataWriter) crlf() {
	d.write("\r\n")
	d.n += 2
	d.lineStart = true
}

func (d *dataWriter) Write(p []byte) (int, error) {
	total := len(p)
	if d.cr && len(p) > 0 {
		// The CR that ended the last write, with its LF if this one
		// starts with it.
		d.cr = false
		d.crlf()
		if p[0] == '\n' {
			p = p[1:]
		}
	}
	for len(p) > 0 {
		p = p[d.run(p):]
		if len(p) == 0 {
			break
		}
		// run stopped at one of these.
		switch p[0] {
		case '\n': // a bare LF
			d.crlf()
			p = p[1:]
		case '\r': // the last octet: an LF may start the next write
			d.cr = true
			p = nil
		case '.': // at the start of a line
			d.write(".") // RFC 5321 §4.5.2
			d.n++
			d.lineStart = false // the next run passes the dot on with its line
		}
	}
	if d.err != nil {
		return 0, d.err
	}
	return total, nil
}

// run writes the longest start of p that needs at most a bare CR turned
// into CRLF, and returns its length: lines ending in CRLF and, when
// stuffing, not starting with a dot, then the text of a line up to its
// bare LF or, at the end of p, up to a final CR. What stops it is at p[n]:
// a dot at the start of a line, a bare LF, or a CR that is p's last octet.
//
// It finds line ends with one IndexByte per line and checks all CRs with
// one Count (both vectorised), and writes the run in one piece unless a
// CR in it is not part of a CRLF (rare). Every octet of p is looked at a
// bounded number of times, whatever the input.
func (d *dataWriter) run(p []byte) int {
	i, lines, lineStart := 0, 0, d.lineStart
	for i < len(p) {
		if lineStart && d.stuff && p[i] == '.' {
			break
		}
		j := bytes.IndexByte(p[i:], '\n')
		if j < 0 {
			i = len(p)
			if p[i-1] == '\r' {
				i-- // held until the next write shows whether an LF follows
			}
			break
		}
		j += i
		if j == i || p[j-1] != '\r' {
			i = j // the text before a bare LF
			break
		}
		i, lines, lineStart = j+1, lines+1, true
	}
	if i == 0 {
		return 0
	}
	if lines == 0 && bytes.IndexByte(p[:i], '\r') < 0 || lines > 0 && bytes.Count(p[:i], []byte{'\r'}) == lines {
		d.writeb(p[:i])
		d.n += int64(i)
		d.lineStart = p[i-1] == '\n'
		return i
	}
	// Some CR in p[:i] is not followed by LF: it ends a line too. Every CR
	// in p[:i] has a next octet in p (p[:i] does not end in CR, or the CR
	// held back above follows).
	start := 0
	for k := 0; ; {
		c := bytes.IndexByte(p[k:i], '\r')
		if c < 0 {
			break
		}
		c += k
		k = c + 1
		if p[k] == '\n' {
			continue
		}
		d.writeb(p[start:c])
		d.n += int64(c - start)
		d.crlf()
		start = k
		if d.stuff && start < i && p[start] == '.' {
			d.write(".") // RFC 5321 §4.5.2
			d.n++
		}
	}
	if start < i {
		d.writeb(p[start:i])
		d.n += int64(i - start)
		d.lineStart = p[i-1] == '\n'
	}
	return i
}

// finish ends the last line. With stuffing on it also writes the end-of-data
// line ".".
func (d *dataWriter) finish() {
	if d.cr {
		d.cr = false
		d.crlf()
	}
	if !d.lineStart {
		d.crlf()
	}
	if d.stuff {
		d.write(".\r\n")
	}
}

func (d *dataWriter) write(s string) {
	if _, err := d.w.WriteString(s); err != nil && d.err == nil {
		d.err = err
	}
}

func (d *dataWriter) writeb(p []byte) {
	if d.g != nil && d.g.held == nil && d.bw.Buffered() == 0 && len(p) > d.bw.Available() {
		d.g.held = p
		return
	}
	if _, err := d.w.Write(p); err != nil && d.err == nil {
		d.err = err
	}
}

// gatherWriter is what a session's bufio.Writer writes to: the connection,
// with the message data a dataWriter held back (a slice of the caller's
// message) going out first in the same system call (writev). So the end
// of the data, and with hand-on the next sender's commands, cost no write
// of their own.
type gatherWriter struct {
	nc   io.Writer // the connection
	held []byte
	arr  [2][]byte
	bufs net.Buffers
}

func (g *gatherWriter) Write(p []byte) (int, error) {
	if g.held == nil {
		return g.nc.Write(p)
	}
	h := len(g.held)
	if v, ok := g.nc.(vectorWriter); ok {
		n, err := v.Writev(g.held, p)
		g.held = nil
		return max(n-h, 0), err
	}
	g.arr = [2][]byte{g.held, p}
	g.held = nil
	g.bufs = g.arr[:]
	n, err := g.bufs.WriteTo(g.nc)
	g.arr = [2][]byte{} // no reference to the caller's message is kept
	return int(max(n-int64(h), 0)), err
}

// vectorWriter writes a and then b in one system call when it can
// (rawio.Conn).
type vectorWriter interface {
	Writev(a, b []byte) (int, error)
}

// drop forgets held data that was never written, and reports whether
// there was any.
func (g *gatherWriter) drop() bool {
	had := g.held != nil
	g.held = nil
	return had
}
