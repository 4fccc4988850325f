package main

import (
	"fmt"
	"io"
	"regexp"
)

// fromLine matches the lines mboxrd escapes: "From ", ">From ", ...
var fromLine = regexp.MustCompile(`(?m)^(>*From )`)

// writeMbox appends msg to w as one mboxrd message (RFC 4155): the "From "
// line, the message with its "From " lines escaped by one more ">", a
// newline if it lacked a final one, and the separating blank line.
// bounce.Mbox reads it back; its own tests are in the bounce package.
func writeMbox(w io.Writer, sender string, msg []byte) error {
	body := fromLine.ReplaceAll(msg, []byte(">$1"))
	if len(body) > 0 && body[len(body)-1] != '\n' {
		body = append(body, '\n')
	}
	_, err := fmt.Fprintf(w, "From %s Mon Nov 23 12:00:00 2026\n%s\n", sender, body)
	return err
}
