package bounce

import "errors"

// ErrMalformed reports input that is not an Internet message at all: its
// header cannot be read. Parse wraps it with the details; test for it with
// errors.Is. A well-formed message that is not a bounce is not an error: its
// Report has Kind KindUnknown.
var ErrMalformed = errors.New("bounce: malformed message")
