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
		if d.cr {
			d.cr = false
			d.crlf()
			if p[0] == '\n' {
				p = p[1:]
				continue
			}
		}
		if d.lineStart && d.stuff && p[0] == '.' {
			d.write(".")
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
			break
		}
		d.writeb(p[:i])
		d.n += int64(i)
		if p[i] == '\n' {
			d.crlf()
			p = p[i+1:]
			continue
		}
		// p[i] is CR.
		if i+1 == len(p) {
			d.cr = true
			break
		}
		d.crlf()
		if p[i+1] == '\n' {
			p = p[i+2:]
		} else {
			p = p[i+1:] // bare CR becomes CRLF
		}
	}
	if d.err != nil {
		return 0, d.err
	}
	return total, nil
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
