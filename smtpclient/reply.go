package smtpclient

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mxkit/mxkit/delivery"
)

// Limits on what a server may send back. RFC 5321 §4.5.3.1.5 sets 512
// octets per reply line; real servers exceed it a little, so allow more but
// stay bounded.
const (
	maxReplyLine  = 2048
	maxReplyLines = 256
)

// ErrProtocol is wrapped by errors for replies that break the SMTP syntax:
// garbage, overlong lines, mismatched codes in a multi-line reply.
var ErrProtocol = errors.New("smtp protocol violation")

// reply is one parsed server reply.
type reply struct {
	code  int
	enh   [3]int
	lines []string // text of each line after the code and separator
}

// readReply reads one reply (RFC 5321 §4.2): lines "ddd-text" continue it,
// the line "ddd text" (or "ddd" alone) ends it. Lines ending in a bare LF are
// accepted. lines is reused as the backing store of r.lines.
func readReply(br *bufio.Reader, lines []string) (reply, error) {
	return readReplyText(br, lines, true)
}

// readReplyText is readReply that, with keep false, leaves the text of
// 2xx and 3xx replies out (saving its allocation on the sending path).
func readReplyText(br *bufio.Reader, lines []string, keep bool) (reply, error) {
	r := reply{lines: lines[:0]}
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) || len(line) > maxReplyLine {
				return r, fmt.Errorf("%w: reply line longer than %d octets", ErrProtocol, maxReplyLine)
			}
			if len(line) > 0 && errors.Is(err, io.EOF) {
				return r, fmt.Errorf("%w: connection closed in the middle of a reply line", io.ErrUnexpectedEOF)
			}
			return r, err
		}
		if len(line) > maxReplyLine {
			return r, fmt.Errorf("%w: reply line longer than %d octets", ErrProtocol, maxReplyLine)
		}
		line = line[:len(line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		code, last, text, perr := parseReplyLine(line, keep || (len(line) > 0 && line[0] >= '4'))
		if perr != nil {
			return r, perr
		}
		if len(r.lines) == 0 {
			r.code = code
		} else if code != r.code {
			// RFC 5321 §4.2.1: every line of a multi-line reply has the same code.
			return r, fmt.Errorf("%w: reply code changed from %d to %d within a reply", ErrProtocol, r.code, code)
		}
		if len(r.lines) >= maxReplyLines {
			return r, fmt.Errorf("%w: reply longer than %d lines", ErrProtocol, maxReplyLines)
		}
		r.lines = append(r.lines, text)
		if last {
			break
		}
	}
	r.enh, r.lines = splitEnhanced(r.code, r.lines)
	return r, nil
}

// replyBuffered reports whether br holds the last line of a reply
// already, so that reading it needs no system call (nor a read deadline:
// setting one costs a timer update each time). With pipelining the
// replies to MAIL, RCPT and DATA usually come in one segment.
func replyBuffered(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Buffered())
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return false
		}
		if i < 4 || b[3] != '-' {
			return true // the last line, or one readReply refuses
		}
		b = b[i+1:]
	}
}

// parseReplyLine splits "250-text", "250 text", "250" or "250-".
func parseReplyLine(line []byte, keep bool) (code int, last bool, text string, err error) {
	if len(line) < 3 {
		return 0, false, "", fmt.Errorf("%w: short reply line %q", ErrProtocol, clip(line))
	}
	for _, c := range line[:3] {
		if c < '0' || c > '9' {
			return 0, false, "", fmt.Errorf("%w: reply line without a code: %q", ErrProtocol, clip(line))
		}
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	// RFC 5321 §4.2.1: the first digit is 2 to 5 (1yz is never used), the
	// second 0 to 5.
	if line[0] < '2' || line[0] > '5' || line[1] > '5' {
		return 0, false, "", fmt.Errorf("%w: invalid reply code %d", ErrProtocol, code)
	}
	if len(line) == 3 {
		return code, true, "", nil
	}
	if line[3] == ' ' || line[3] == '-' {
		if keep {
			text = string(line[4:])
		}
		return code, line[3] == ' ', text, nil
	}
	return 0, false, "", fmt.Errorf("%w: bad separator after reply code: %q", ErrProtocol, clip(line))
}

// splitEnhanced takes the RFC 3463 enhanced code off each line when the
// first line starts with one whose class matches the reply code
// (RFC 2034 §4: every line carries it).
func splitEnhanced(code int, lines []string) ([3]int, []string) {
	if len(lines) == 0 {
		return [3]int{}, lines
	}
	enh, n, ok := parseEnhanced(lines[0])
	if !ok || enh[0] != code/100 {
		return [3]int{}, lines
	}
	lines[0] = lines[0][n:]
	for i := 1; i < len(lines); i++ {
		if e2, n2, ok := parseEnhanced(lines[i]); ok && e2 == enh {
			lines[i] = lines[i][n2:]
		}
	}
	return enh, lines
}

// parseEnhanced reads "c.sss.ddd" followed by a space or the end of the
// text (RFC 3463 §2: class 2, 4 or 5; subject and detail 1-3 digits).
func parseEnhanced(s string) (enh [3]int, n int, ok bool) {
	i := 0
	for part := 0; part < 3; part++ {
		start := i
		v := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 3 {
			v = v*10 + int(s[i]-'0')
			i++
		}
		if i == start || (part == 0 && i-start != 1) {
			return enh, 0, false
		}
		enh[part] = v
		if part < 2 {
			if i >= len(s) || s[i] != '.' {
				return enh, 0, false
			}
			i++
		}
	}
	if enh[0] != 2 && enh[0] != 4 && enh[0] != 5 {
		return enh, 0, false
	}
	if i < len(s) {
		if s[i] != ' ' {
			return enh, 0, false
		}
		i++
	}
	return enh, i, true
}

func (r *reply) text() string { return strings.Join(r.lines, "\n") }

// expect returns nil when the reply has code want, a protocol error for
// another positive code, and the server's refusal otherwise. what names
// the command answered.
func (r *reply) expect(want int, what string) error {
	switch {
	case r.code == want:
		return nil
	case r.code < 400:
		return protocolErr(stageOf(what), "%s answered %d", what, r.code)
	}
	return r.err(stageOf(what))
}

// err returns the outcome of a failure reply given at stage, or nil for
// 2xx and 3xx. RFC 5321 §4.2.1: 4yz is a transient negative completion,
// worth trying again; 5yz a permanent one.
func (r *reply) err(stage delivery.Stage) error {
	if r.code < 400 {
		return nil
	}
	return r.outcome(stage)
}

// outcome returns the reply as an outcome at stage.
func (r *reply) outcome(stage delivery.Stage) *delivery.Outcome {
	o := r.outcomeValue(stage)
	return &o
}

// outcomeValue is outcome without the allocation, for outcomes that are
// only copied into a Result.
func (r *reply) outcomeValue(stage delivery.Stage) delivery.Outcome {
	o := delivery.Outcome{Stage: stage, Code: r.code, Enhanced: delivery.EnhancedCode(r.enh), Text: r.text()}
	switch {
	case r.code < 400:
		o.Status = delivery.Delivered
	case r.code < 500:
		o.Status = delivery.Deferred
	default:
		o.Status = delivery.Failed
	}
	return o
}

func clip(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}
