package smtpclient

import (
	"bytes"
	"io"
)

// byteWriter is what dataWriter writes to: a *bufio.Writer on the
// connection for DATA, a *bytes.Buffer holding a chunk for BDAT.
type byteWriter interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
}

// dataWriter writes message data for DATA (RFC 5321 §4.1.1.4): every line
// ending (CRLF, bare LF or bare CR) leaves as CRLF, so the data can never
// contain an end-of-data sequence other than the one close writes (no SMTP
// smuggling), and a line starting with "." gets another "." (§4.5.2). With
// stuff false it only normalises line endings (for BDAT, RFC 3030).
type dataWriter struct {
	w         byteWriter
	stuff     bool
	lineStart bool // at the start of a line
	cr        bool // the previous byte was a CR not yet written
	n         int64
	err       error
}

func (d *dataWriter) reset(w byteWriter, stuff bool) {
	*d = dataWriter{w: w, stuff: stuff, lineStart: true}
}

func (d *dataWriter) crlf() {
	d.write("\r\n")
	d.n += 2
	d.lineStart = true
}

func (d *dataWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		// Fast path: copy at once the run of lines that need no change.
		if !d.cr {
			if n := d.clean(p); n > 0 {
				d.writeb(p[:n])
				d.n += int64(n)
				d.lineStart = p[n-1] == '\n'
				p = p[n:]
				if len(p) == 0 {
					break
				}
			}
		}
		p = d.step(p)
	}
	if d.err != nil {
		return 0, d.err
	}
	return total, nil
}

// clean returns how many leading octets of p can be written unchanged:
// whole lines ending in CRLF without other CRs and, when stuffing, not
// starting with a dot, then a final partial line without CR.
func (d *dataWriter) clean(p []byte) int {
	i, lineStart := 0, d.lineStart
	for i < len(p) {
		if lineStart && d.stuff && p[i] == '.' {
			return i
		}
		j := bytes.IndexByte(p[i:], '\n')
		if j < 0 {
			if bytes.IndexByte(p[i:], '\r') >= 0 {
				return i
			}
			return len(p)
		}
		j += i
		if j == i || p[j-1] != '\r' || bytes.IndexByte(p[i:j-1], '\r') >= 0 {
			return i
		}
		i, lineStart = j+1, true
	}
	return i
}

// step handles the start of p up to and including its first line ending,
// normalising it, and returns the rest.
func (d *dataWriter) step(p []byte) []byte {
	if d.cr {
		d.cr = false
		d.crlf()
		if p[0] == '\n' {
			return p[1:]
		}
		return p
	}
	if d.lineStart && d.stuff && p[0] == '.' {
		d.write(".") // RFC 5321 §4.5.2
		d.n++
	}
	d.lineStart = false
	// Find the first CR or LF: IndexByte is vectorised, IndexAny is not.
	i := bytes.IndexByte(p, '\n')
	seg := p
	if i >= 0 {
		seg = p[:i]
	}
	if j := bytes.IndexByte(seg, '\r'); j >= 0 {
		i = j
	}
	if i < 0 {
		d.writeb(p)
		d.n += int64(len(p))
		return nil
	}
	d.writeb(p[:i])
	d.n += int64(i)
	if p[i] == '\n' {
		d.crlf()
		return p[i+1:]
	}
	// p[i] is CR.
	if i+1 == len(p) {
		d.cr = true
		return nil
	}
	d.crlf()
	if p[i+1] == '\n' {
		return p[i+2:]
	}
	return p[i+1:] // a bare CR becomes CRLF
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
	if _, err := d.w.Write(p); err != nil && d.err == nil {
		d.err = err
	}
}
