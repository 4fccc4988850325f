package main

import (
	"bufio"
	"bytes"
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
// CRLF afterwards. canonical reports that it need not: every line of the
// data ends in CRLF and no other CR or LF is in it.
//
// A message of more than max bytes (after the dots are removed; 0: no
// limit) or with a line of more than maxLine octets is refused with an
// *smtp.SMTPError once its end has been read, so that the session can go
// on: what was read is dropped. Any other error (the connection's) means
// the end was not read.
//
// It works on what r has buffered: one IndexByte per line, and one copy
// into dst per run of lines between leading dots (a 64 KiB buffer's worth
// at a time in most mail) rather than per line.
func readData(r *bufio.Reader, dst *bytes.Buffer, max int64, maxLine int) (canonical bool, err error) {
	var (
		size    int64
		line    int    // octets of the current line so far
		bol     = true // at the beginning of a line
		afterCR bool   // the last octet read ended a piece of a line and was CR
		refused error
		crlfs   int  // lines ended by CRLF
		bare    bool // a line ended by a bare LF
		from    = dst.Len()
	)
	for {
		if r.Buffered() == 0 {
			if _, err := r.Peek(1); err != nil {
				return false, unexpected(err)
			}
		}
		b, _ := r.Peek(r.Buffered())
		i, run := 0, 0          // octets taken; start of those not yet in dst
		keep := func(end int) { // what was taken up to end goes to dst
			if refused == nil && end > run {
				dst.Write(b[run:end])
			}
			if end > run {
				run = end
			}
		}
		refuse := func(err error, at int) {
			if refused == nil {
				keep(at)
				refused = err
			}
		}
		for i < len(b) {
			ls := i
			if bol && b[i] == '.' {
				rest := b[i:min(i+3, len(b))]
				if string(rest) == ".\r\n" {
					keep(i)
					r.Discard(i + 3)
					if refused != nil {
						return false, refused
					}
					return !bare && bytes.Count(dst.Bytes()[from:], []byte{'\r'}) == crlfs, nil
				}
				if string(rest) == "." || string(rest) == ".\r" {
					break // whether this ends the data is still to come
				}
				keep(i)
				run = i + 1 // the dot goes
				line++
				i++
			}
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				// Part of a line, to the end of what is buffered.
				line += len(b) - i
				size += int64(len(b) - i)
				afterCR = b[len(b)-1] == '\r'
				bol = false
				i = len(b)
				if line > maxLine {
					refuse(errDataLineTooLong, ls)
				}
				if max > 0 && size > max {
					refuse(errDataTooLarge, ls)
				}
				break
			}
			line += j + 1
			size += int64(j + 1)
			if j > 0 && b[i+j-1] == '\r' || j == 0 && afterCR {
				bol = true
				crlfs++
			} else {
				bol, bare = false, true
			}
			afterCR = false
			if line > maxLine {
				refuse(errDataLineTooLong, ls)
			}
			if max > 0 && size > max {
				refuse(errDataTooLarge, ls)
			}
			line = 0
			i += j + 1
		}
		keep(i)
		r.Discard(i)
		if rest := len(b) - i; rest > 0 {
			// "." or ".\r" at the start of a line: wait for what follows.
			if _, err := r.Peek(rest + 1); err != nil {
				return false, unexpected(err)
			}
		}
	}
}

// unexpected is a read error before the end of the data.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
