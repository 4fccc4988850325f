package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ConfigError is a configuration error at one field: its path
// ("smtp.max_sessions", "dkim.keys[0].key_file"; "" for the file as a
// whole) and, when known, where the field is in the file (Line and
// Column count from 1; Column in characters).
type ConfigError struct {
	File         string // the file, when read from one
	Path         string
	Line, Column int
	Err          error
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Column)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "config: line %d, column %d: ", e.Line, e.Column)
	default:
		b.WriteString("config: ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// fieldErr is an error of the field at path, for Config.check: ParseConfig
// adds where the field is in the file.
func fieldErr(path, format string, args ...any) error {
	return &ConfigError{Path: path, Err: fmt.Errorf(format, args...)}
}

// shape walks configuration JSON against the Config type before it is
// decoded, so that every problem is reported with the field's path and
// its line and column: syntax errors, unknown fields (naming their
// section, with the likely intended name), fields given twice, values of
// the wrong type, and durations that do not parse. encoding/json reports
// none of these with both a path and a place. It records where each field
// is (pos) for the checks that run after decoding.
type shape struct {
	data []byte
	dec  *json.Decoder
	pos  map[string]int64 // path -> offset of the field's key (or of a list element)
}

var durationType = reflect.TypeFor[Duration]()

// checkShape walks data as a value of type t.
func checkShape(data []byte, t reflect.Type) (map[string]int64, error) {
	s := &shape{data: data, dec: json.NewDecoder(bytes.NewReader(data)), pos: map[string]int64{}}
	s.dec.UseNumber()
	if err := s.value("", t); err != nil {
		return s.pos, err
	}
	at := s.offset()
	if _, err := s.dec.Token(); err != io.EOF {
		return s.pos, s.errAt(at, "", "more after the configuration object")
	}
	return s.pos, nil
}

// offset is where the next token starts: the decoder's offset past the
// white space and separators that lead to it.
func (s *shape) offset() int64 { return s.skipSeparators(s.dec.InputOffset()) }

// skipSeparators returns the offset of the first byte at or after i that
// is not white space, a comma or a colon.
func (s *shape) skipSeparators(i int64) int64 {
	for i < int64(len(s.data)) && strings.IndexByte(" \t\r\n,:", s.data[i]) >= 0 {
		i++
	}
	return i
}

// lineCol turns an offset in data into a line and a column, from 1.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

func (s *shape) errAt(off int64, path, format string, args ...any) error {
	line, col := lineCol(s.data, off)
	return &ConfigError{Path: path, Line: line, Column: col, Err: fmt.Errorf(format, args...)}
}

// token reads the next token; syntax errors get their place.
func (s *shape) token(path string) (json.Token, error) {
	at := s.offset()
	tok, err := s.dec.Token()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Offset is that of the byte that broke the syntax, or of the
		// separator before a value that is not one.
		return nil, s.errAt(s.skipSeparators(se.Offset), path, "JSON syntax: %s", strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, s.errAt(int64(len(s.data)), path, "the configuration ends early: a { or [ is not closed")
	case err != nil:
		return nil, s.errAt(at, path, "%v", err)
	}
	return tok, nil
}

// describe names a token's JSON type for an error.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "a list"
	case string:
		return "the string " + strconv.Quote(v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return "true or false"
	}
	return "null"
}

// value walks one value of type t at path.
func (s *shape) value(path string, t reflect.Type) error {
	at := s.offset()
	tok, err := s.token(path)
	if err != nil {
		return err
	}
	if tok == nil {
		return nil // null leaves the default
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	wrong := func(want string) error {
		if d, ok := tok.(json.Delim); ok {
			s.skip(d)
		}
		return s.errAt(at, path, "want %s, got %s", want, describe(tok))
	}
	if t == durationType {
		switch v := tok.(type) {
		case string:
			if _, err := time.ParseDuration(v); err != nil {
				return s.errAt(at, path, "%q is not a duration: want a number and a unit, like \"90s\", \"5m\" or \"120h\" (units ns, us, ms, s, m, h), or a number of seconds", v)
			}
		case json.Number:
			if _, err := v.Float64(); err != nil {
				return s.errAt(at, path, "%s is not a number of seconds", v)
			}
		default:
			return wrong(`a duration like "5m" or a number of seconds`)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return wrong("an object")
		}
		return s.object(path, t)
	case reflect.Slice:
		if tok != json.Delim('[') {
			return wrong("a list")
		}
		for i := 0; s.dec.More(); i++ {
			sub := fmt.Sprintf("%s[%d]", path, i)
			s.pos[sub] = s.offset()
			if err := s.value(sub, t.Elem()); err != nil {
				return err
			}
		}
		_, err := s.token(path) // ]
		return err
	case reflect.Map:
		if tok != json.Delim('{') {
			return wrong("an object")
		}
		for s.dec.More() {
			kat := s.offset()
			k, err := s.token(path)
			if err != nil {
				return err
			}
			sub := path + "." + k.(string)
			s.pos[sub] = kat
			if err := s.value(sub, t.Elem()); err != nil {
				return err
			}
		}
		_, err := s.token(path) // }
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return wrong("a string")
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return wrong("true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return wrong("a whole number")
		}
		v, err := strconv.ParseInt(n.String(), 10, 64)
		if errors.Is(err, strconv.ErrRange) || err == nil && reflect.Zero(t).OverflowInt(v) {
			return s.errAt(at, path, "%s is out of range", n)
		} else if err != nil {
			return s.errAt(at, path, "%s is not a whole number", n)
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := tok.(json.Number); !ok {
			return wrong("a number")
		}
	default:
		if d, ok := tok.(json.Delim); ok {
			s.skip(d)
		}
	}
	return nil
}

// object walks the fields of a JSON object that is a struct of type t;
// the opening brace has been read.
func (s *shape) object(path string, t reflect.Type) error {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for s.dec.More() {
		kat := s.offset()
		k, err := s.token(path)
		if err != nil {
			return err
		}
		key, _ := k.(string)
		sub := key
		if path != "" {
			sub = path + "." + key
		}
		f, ok := fields[key]
		if !ok {
			return s.errAt(kat, sub, "%s", unknownField(path, key, fields))
		}
		if seen[key] {
			return s.errAt(kat, sub, "given twice in the same object (JSON keeps only the last)")
		}
		seen[key] = true
		s.pos[sub] = kat
		if err := s.value(sub, f.Type); err != nil {
			return err
		}
	}
	_, err := s.token(path) // }
	return err
}

// skip reads the rest of a list or object whose opening d has been read.
func (s *shape) skip(d json.Delim) {
	for depth := 1; depth > 0; {
		tok, err := s.dec.Token()
		if err != nil {
			return
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// jsonFields maps the JSON names of t's fields to the fields. Names are
// matched exactly: encoding/json would also take "Listen" for "listen",
// but a configuration says what it means.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

// unknownField says that key is not a field of the section at path, and
// which one was likely meant.
func unknownField(path, key string, fields map[string]reflect.StructField) string {
	where := "at the top level"
	if path != "" {
		where = "in section " + path
	}
	var best string
	bestDist := 3 // at most two edits away, or the same but for case
	for name := range fields {
		d := editDistance(strings.ToLower(key), strings.ToLower(name))
		if strings.EqualFold(name, key) {
			d = 0
		}
		if d < bestDist || d == bestDist && name < best {
			best, bestDist = name, d
		}
	}
	if best != "" && bestDist <= 2 && len(key) > bestDist {
		return fmt.Sprintf("unknown field %q %s; did you mean %q?", key, where, best)
	}
	names := slices.Sorted(maps.Keys(fields))
	return fmt.Sprintf("unknown field %q %s, which has %s", key, where, strings.Join(names, ", "))
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
