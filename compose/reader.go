package compose

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// Reader reads a message's encoded form, encoding the attachments in
// base64 while it reads them: however large they are, it holds one buffer
// of about 70 KB. It is what dkim.Signer.Sign and smtpclient read, and its
// WriteTo writes without an intermediate copy of the parts held in memory.
type Reader struct {
	segs []segment
	buf  []byte // what is ready to be read: a segment's bytes or enc[:n]
	raw  []byte // an attachment's octets, read in whole base64 lines
	enc  []byte // their encoding
	// lines reports that the current attachment segment has written a
	// line already (the next one starts with CRLF).
	lines bool
	err   error
}

// chunkLines is how many base64 lines are encoded per read of an
// attachment.
const chunkLines = 512

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.buf) == 0 {
			if r.err != nil {
				break
			}
			r.fill()
			continue
		}
		c := copy(p[n:], r.buf)
		r.buf = r.buf[c:]
		n += c
	}
	if n > 0 {
		return n, nil
	}
	return 0, r.err
}

// WriteTo implements io.WriterTo.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if len(r.buf) == 0 {
			if r.err != nil {
				break
			}
			r.fill()
			continue
		}
		n, err := w.Write(r.buf)
		total += int64(n)
		r.buf = r.buf[n:]
		if err != nil {
			return total, err
		}
	}
	if r.err == io.EOF {
		return total, nil
	}
	return total, r.err
}

// fill makes the next bytes ready in buf, or sets err (io.EOF at the end).
func (r *Reader) fill() {
	for len(r.segs) > 0 {
		s := &r.segs[0]
		if s.src == nil {
			r.buf = s.data
			r.segs = r.segs[1:]
			if len(r.buf) > 0 {
				return
			}
			continue
		}
		if r.raw == nil {
			r.raw = make([]byte, chunkLines*lineOctets)
			r.enc = make([]byte, 0, chunkLines*(lineChars+2)+2)
		}
		n, err := io.ReadFull(s.src, r.raw)
		done := false
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			done = true
		case err != nil:
			r.err = fmt.Errorf("compose: reading %s: %w", s.field, err)
			return
		}
		enc := r.enc[:0]
		if n > 0 {
			if r.lines {
				enc = append(enc, '\r', '\n')
			}
			enc = appendBase64(enc, r.raw[:n])
			r.lines = true
		}
		if done {
			r.segs = r.segs[1:]
			r.lines = false
		}
		if len(enc) > 0 {
			r.buf = enc
			return
		}
	}
	r.err = io.EOF
}

// appendBase64 appends src as base64 lines of 76 characters joined by
// CRLF (RFC 2045 §6.8), without a final CRLF.
func appendBase64(b, src []byte) []byte {
	for i := 0; i < len(src); i += lineOctets {
		if i > 0 {
			b = append(b, '\r', '\n')
		}
		b = base64.StdEncoding.AppendEncode(b, src[i:min(i+lineOctets, len(src))])
	}
	return b
}
