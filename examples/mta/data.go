package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/emersion/go-smtp"
)

// The message data after DATA's 354 reply, read here rather than by
// go-smtp, whose reader takes the data a byte at a time through three
// layers of readers: at 100 KB a message, that was a third of the mta's
// CPU. smtpConn hands the data to readData on a plaintext session
// (smtpConn.takeData); under STARTTLS it cannot see the plaintext, and
// go-smtp reads as before.

// maxDataLine bounds a line of message data, its CRLF included, as
// go-smtp's MaxLineLength (2000: twice RFC 5321 §4.5.3.1.6's 1000) did.
const maxDataLine = 2000

var (
	// errDataTooLarge is go-smtp's own reply to a message over
	// MaxMessageBytes (552 5.3.4).
	errDataTooLarge = smtp.ErrDataTooLarge
	// errDataLineTooLong refuses a message with a line over maxDataLine
	// (RFC 5321 §4.5.3.1.6, RFC 3463 5.6.0: other media error).
	errDataLineTooLong = &smtp.SMTPError{Code: 500, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message refused: a line is longer than 2000 octets"}
)

// readData reads the data of one message from r into dst, up to and
// without its end, the line "." (RFC 5321 §4.1.1.4), removing the
// leading dot of every other line that has one (§4.5.2). Lines begin
// after CRLF only: after a bare LF or CR, "." ends nothing and a leading
// dot stays, so a client cannot end the data where a server that takes
// bare line ends would not (SMTP smuggling); submit makes every line end
// CRLF afterwards.
//
// A message of more than max bytes (after the dots are removed; 0: no
// limit) or with a line of more than maxLine octets is refused with an
// *smtp.SMTPError once its end has been read, so that the session can go
// on: what was read is dropped. Any other error (the connection's) means
// the end was not read.
func readData(r *bufio.Reader, dst *bytes.Buffer, max int64, maxLine int) error {
	var (
		size    int64
		line    int    // octets of the current line so far
		bol     = true // at the beginning of a line
		afterCR bool   // the last piece ended with CR
		refused error
	)
	for {
		// A piece is a line, or a part of one longer than r's buffer.
		p, err := r.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		whole := len(p) > 0 && p[len(p)-1] == '\n'
		data := p
		if bol && len(p) > 0 && p[0] == '.' {
			if string(p) == ".\r\n" {
				return refused
			}
			data = p[1:]
		}
		line += len(p)
		if line > maxLine && refused == nil {
			refused = errDataLineTooLong
		}
		size += int64(len(data))
		if max > 0 && size > max && refused == nil {
			refused = errDataTooLarge
		}
		if refused == nil {
			dst.Write(data)
		}
		if whole {
			bol = len(p) >= 2 && p[len(p)-2] == '\r' || len(p) == 1 && afterCR
			line = 0
		} else {
			bol = false
		}
		afterCR = len(p) > 0 && p[len(p)-1] == '\r'
	}
}
