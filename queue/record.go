package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/mxkit/mxkit/delivery"
	"strings"
	"time"
)

// Binary formats. JSON cost a quarter of the CPU of a queue cycle; these
// cost little. Strings are a uvarint length and the bytes, integers
// varints, times Unix nanoseconds (0 for the zero time).
//
// An envelope (Envelope.MarshalBinary, which pgstore stores too) is a
// format byte (1), the fields in a fixed order, each recipient followed by
// its optional fields, and the envelope's optional fields. Optional fields
// are a list of (tag, length, value) ended by tag 0; a decoder refuses a
// tag it does not know, so a file written by a newer version is refused,
// never half read. New fields get new tags (a recipient's attempts, for
// example); the format byte changes only if the fixed part must.
//
// The embedded store's record is a format byte, the ID, the envelope, the
// store's fields and their optional fields, and the body's CRC-32C.
// Format 1 records (before optional fields, with the lease inside) are
// still read; records are written in format 2.
const (
	envelopeFormat = 1
	recordV1       = 1
	recordFormat   = 2
)

// Optional fields of an envelope.
const (
	tagPriority = 1 // varint
	tagSendAt   = 2 // time
)

// Optional fields of a recipient.
const (
	// tagHistory holds the recipient's History: a count, then per
	// outcome its status and stage (a byte each), reply code, the three
	// parts of the enhanced code (uvarints), text, host, IP (0, 4 or 16
	// bytes) and time.
	tagHistory = 1
	// tagDelayNotified holds Recipient.DelayNotified, a time (varint),
	// written when it is set.
	tagDelayNotified = 2
)

// The fixed part of a recipient ends with a string that held the last
// error's text before outcomes were kept as data (History); it is written
// empty now, and a non-empty one read from an older record becomes the
// History of one outcome with that text.

// Optional fields of a record (format 2).
const (
	// tagArena places an inline body in the arena (arena.go): the
	// chunk's number and the body's first page within it (uvarints).
	tagArena = 1
)

// Record flags (format 2).
const (
	flagDead = 1 << iota
	flagHeld
)

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

// appendField appends an optional field holding a varint.
func appendField(b []byte, tag uint64, v int64) []byte {
	var buf [binary.MaxVarintLen64]byte
	n := binary.PutVarint(buf[:], v)
	b = binary.AppendUvarint(b, tag)
	b = binary.AppendUvarint(b, uint64(n))
	return append(b, buf[:n]...)
}

// MarshalBinary encodes e, recipients' states included, in the versioned
// binary format stores keep (see the comment on the formats in record.go).
func (e *Envelope) MarshalBinary() ([]byte, error) {
	return e.appendBinary(make([]byte, 0, 128+32*len(e.Recipients))), nil
}

func (e *Envelope) appendBinary(b []byte) []byte {
	b = append(b, envelopeFormat)
	b = appendString(b, e.From)
	b = binary.AppendUvarint(b, uint64(len(e.Recipients)))
	for _, rc := range e.Recipients {
		b = appendString(b, rc.Addr)
		b = appendString(b, rc.Notify)
		b = appendString(b, rc.ORcpt)
		b = append(b, byte(rc.State))
		b = binary.AppendVarint(b, int64(rc.Attempts))
		b = appendString(b, "") // the last error's text, before History
		if len(rc.History) > 0 {
			v := encodeHistory(nil, rc.History)
			b = binary.AppendUvarint(b, tagHistory)
			b = appendString(b, string(v))
		}
		if !rc.DelayNotified.IsZero() {
			b = appendField(b, tagDelayNotified, rc.DelayNotified.UnixNano())
		}
		b = append(b, 0)
	}
	for _, s := range []string{e.Ret, e.EnvID, e.Tenant, e.Campaign, e.Class, e.IdempotencyKey} {
		b = appendString(b, s)
	}
	if e.Priority != 0 {
		b = appendField(b, tagPriority, int64(e.Priority))
	}
	if !e.SendAt.IsZero() {
		b = appendField(b, tagSendAt, e.SendAt.UnixNano())
	}
	return append(b, 0)
}

// UnmarshalBinary decodes what MarshalBinary encoded, refusing what it
// could not have written.
func (e *Envelope) UnmarshalBinary(b []byte) error {
	d := &decoder{b: b, s: string(b)}
	d.envelope(e)
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes")
	}
	return d.err
}

func encodeRecord(r *record) ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, recordFormat)
	b = appendString(b, string(r.ID))
	b = r.Envelope.appendBinary(b)
	b = appendString(b, r.Domain)
	b = binary.AppendVarint(b, r.Size)
	b = appendTime(b, r.Created)
	b = appendTime(b, r.NextAttempt)
	b = binary.AppendVarint(b, int64(r.Attempts))
	var flags byte
	if r.Dead {
		flags |= flagDead
	}
	if r.Held {
		flags |= flagHeld
	}
	b = append(b, flags)
	b = appendString(b, r.File)
	if r.Chunk != 0 {
		v := binary.AppendUvarint(nil, r.Chunk)
		v = binary.AppendUvarint(v, r.Page)
		b = binary.AppendUvarint(b, tagArena)
		b = appendString(b, string(v))
	}
	b = append(b, 0)
	b = binary.BigEndian.AppendUint32(b, r.CRC)
	return b, nil
}

var errShort = errors.New("record cut short")

type decoder struct {
	b []byte
	// s, if not empty, is the whole input as a string, of which b is
	// what is left to read: strings are cut from it, one allocation for
	// a record's dozen.
	s   string
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errShort
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	v := d.bytes()
	if d.s == "" || len(v) == 0 {
		return string(v)
	}
	end := len(d.s) - len(d.b)
	return d.s[end-len(v) : end]
}

func (d *decoder) time() time.Time {
	v := d.varint()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// fields reads a list of optional fields, calling set with each tag and
// value; set returns false for a tag it does not know.
func (d *decoder) fields(set func(tag uint64, val []byte) bool) {
	for d.err == nil {
		tag := d.uvarint()
		if tag == 0 || d.err != nil {
			return
		}
		val := d.bytes()
		if d.err == nil && !set(tag, val) && d.err == nil {
			d.err = fmt.Errorf("optional field %d unknown: written by a newer version", tag)
		}
	}
}

// varint decodes a field's value that must be one varint.
func (d *decoder) varintField(tag uint64, val []byte) int64 {
	v, n := binary.Varint(val)
	if n <= 0 || n != len(val) {
		if d.err == nil {
			d.err = fmt.Errorf("optional field %d malformed", tag)
		}
		return 0
	}
	return v
}

func (d *decoder) recipients() []Recipient {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n == 0 || n > uint64(len(d.b)) {
		d.err = errors.New("bad recipient count")
		return nil
	}
	return make([]Recipient, n)
}

// recipient reads a recipient's fixed part; legacy is the text of its
// last error in records from before History (see recipientFields).
func (d *decoder) recipient(rc *Recipient) (legacy string) {
	rc.Addr, rc.Notify, rc.ORcpt = d.string(), d.string(), d.string()
	rc.State = State(d.byte())
	rc.Attempts = int(d.varint())
	legacy = d.string()
	if d.err == nil && rc.State > Canceled {
		d.err = fmt.Errorf("recipient state %d", rc.State)
	}
	return legacy
}

// recipientFields reads a recipient's optional fields. A record from
// before History with the text of a last error gets a History of one
// outcome holding it: failed for a failed recipient (the reason it
// failed), else deferred.
func (d *decoder) recipientFields(rc *Recipient, legacy string) {
	d.fields(func(tag uint64, val []byte) bool {
		switch tag {
		case tagHistory:
			rc.History = decodeHistory(d, rc.Addr, val)
		case tagDelayNotified:
			if v := d.varintField(tag, val); v != 0 {
				rc.DelayNotified = time.Unix(0, v).UTC()
			}
		default:
			return false
		}
		return true
	})
	d.legacyHistory(rc, legacy)
}

// legacyHistory gives a recipient without History the outcome its legacy
// last-error text stands for.
func (d *decoder) legacyHistory(rc *Recipient, legacy string) {
	if d.err == nil && rc.History == nil {
		rc.History = LegacyHistory(rc, legacy)
	}
}

// LegacyHistory returns the History a recipient gets from the text of its
// last error as stores kept it before outcomes were kept as data (the
// Recipient.LastError field of earlier versions): one outcome with that
// text, failed for a failed recipient unless the text says it expired,
// else deferred; nil for no text. Stores use it when they read or migrate
// records of those versions.
func LegacyHistory(r *Recipient, lastError string) []delivery.Outcome {
	if lastError == "" {
		return nil
	}
	st := delivery.Deferred
	if r.State == Failed && !strings.HasPrefix(lastError, "expired:") {
		st = delivery.Failed
	}
	return []delivery.Outcome{{Recipient: r.Addr, Status: st, Text: lastError}}
}

// encodeHistory encodes h (see tagHistory).
func encodeHistory(b []byte, h []delivery.Outcome) []byte {
	b = binary.AppendUvarint(b, uint64(len(h)))
	for i := range h {
		o := &h[i]
		b = append(b, byte(o.Status), byte(o.Stage))
		b = binary.AppendUvarint(b, uint64(o.Code))
		for _, c := range o.Enhanced {
			b = binary.AppendUvarint(b, uint64(c))
		}
		b = appendString(b, o.Text)
		b = appendString(b, o.Host)
		ip, _ := o.IP.MarshalBinary()
		b = appendString(b, string(ip))
		b = appendTime(b, o.Time)
	}
	return b
}

// decodeHistory decodes a tagHistory value, setting d.err when it is
// malformed.
func decodeHistory(d *decoder, addr string, val []byte) []delivery.Outcome {
	h := &decoder{b: val}
	n := h.uvarint()
	if h.err == nil && (n == 0 || n > MaxHistory || n > uint64(len(val))) {
		h.err = errors.New("bad history length")
	}
	var out []delivery.Outcome
	for i := uint64(0); h.err == nil && i < n; i++ {
		o := delivery.Outcome{Recipient: addr, Status: delivery.Status(h.byte()), Stage: delivery.Stage(h.byte())}
		code := h.uvarint()
		for j := range o.Enhanced {
			c := h.uvarint()
			if c > 999 {
				h.err = errors.New("bad enhanced code")
			}
			o.Enhanced[j] = int(c)
		}
		o.Text, o.Host = h.string(), h.string()
		ip := h.bytes()
		o.Time = h.time()
		if h.err != nil {
			break
		}
		if err := o.IP.UnmarshalBinary(ip); err != nil {
			h.err = errors.New("bad address in history")
		}
		if o.Status < delivery.Delivered || o.Status > delivery.Failed || o.Stage > delivery.StageFinal || code > 599 {
			h.err = errors.New("bad outcome in history")
		}
		o.Code = int(code)
		out = append(out, o)
	}
	if h.err == nil && len(h.b) != 0 {
		h.err = errors.New("trailing bytes in history")
	}
	if h.err != nil {
		d.err = fmt.Errorf("recipient %q: %w", addr, h.err)
		return nil
	}
	return out
}

func (d *decoder) envelope(e *Envelope) {
	if f := d.byte(); d.err == nil && f != envelopeFormat {
		d.err = fmt.Errorf("unknown envelope format %d", f)
	}
	e.From = d.string()
	e.Recipients = d.recipients()
	for i := range e.Recipients {
		legacy := d.recipient(&e.Recipients[i])
		d.recipientFields(&e.Recipients[i], legacy)
	}
	e.Ret, e.EnvID, e.Tenant = d.string(), d.string(), d.string()
	e.Campaign, e.Class, e.IdempotencyKey = d.string(), d.string(), d.string()
	d.fields(func(tag uint64, val []byte) bool {
		switch tag {
		case tagPriority:
			v := d.varintField(tag, val)
			e.Priority = Priority(v)
			if d.err == nil && (v < int64(PriorityBulk) || v > int64(PriorityTransactional)) {
				d.err = fmt.Errorf("priority %d", v)
			}
		case tagSendAt:
			if v := d.varintField(tag, val); v != 0 {
				e.SendAt = time.Unix(0, v).UTC()
			}
		default:
			return false
		}
		return true
	})
}

// decodeRecord parses a stored record of either format, refusing what the
// store could not have written. A format 1 record's lease is dropped:
// leases do not outlive the process that granted them (its NextAttempt,
// the lease's end, is kept).
func decodeRecord(b []byte) (*record, error) {
	if len(b) == 0 || (b[0] != recordV1 && b[0] != recordFormat) {
		return nil, errors.New("unknown record format")
	}
	d := &decoder{b: b[1:], s: string(b[1:])}
	var r record
	r.ID = ID(d.string())
	if b[0] == recordV1 {
		d.v1(&r)
	} else {
		d.envelope(&r.Envelope)
		r.Domain = d.string()
		r.Size = d.varint()
		r.Created, r.NextAttempt = d.time(), d.time()
		r.Attempts = int(d.varint())
		flags := d.byte()
		if flags&^(flagDead|flagHeld) != 0 {
			return nil, fmt.Errorf("bad flags %#x", flags)
		}
		r.Dead, r.Held = flags&flagDead != 0, flags&flagHeld != 0
		r.File = d.string()
		d.fields(func(tag uint64, val []byte) bool {
			if tag != tagArena {
				return false
			}
			a := &decoder{b: val}
			r.Chunk, r.Page = a.uvarint(), a.uvarint()
			if a.err != nil || len(a.b) != 0 || r.Chunk == 0 {
				d.err = errors.New("malformed arena place")
			}
			return true
		})
	}
	if d.err == nil && len(d.b) != 4 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	r.CRC = binary.BigEndian.Uint32(d.b)
	if r.Size < 0 {
		return nil, errors.New("negative size")
	}
	if r.Chunk != 0 && r.File != "" {
		return nil, errors.New("body both in the arena and in a file")
	}
	if r.File != "" && (strings.ContainsAny(r.File, "/\\\x00") || r.File == "." || r.File == "..") {
		return nil, fmt.Errorf("bad body file name %q", r.File)
	}
	return &r, nil
}

// v1 reads the rest of a format 1 record.
func (d *decoder) v1(r *record) {
	r.From = d.string()
	r.Recipients = d.recipients()
	for i := range r.Recipients {
		legacy := d.recipient(&r.Recipients[i])
		d.legacyHistory(&r.Recipients[i], legacy) // format 1: no optional fields
		if d.err == nil && r.Recipients[i].State > Failed {
			d.err = fmt.Errorf("recipient state %d", r.Recipients[i].State)
		}
	}
	r.Ret, r.EnvID, r.Tenant, r.Campaign = d.string(), d.string(), d.string(), d.string()
	r.Class, r.IdempotencyKey, r.Domain = d.string(), d.string(), d.string()
	r.Size = d.varint()
	r.Created, r.NextAttempt = d.time(), d.time()
	r.Attempts = int(d.varint())
	switch d.byte() {
	case 0:
	case 1:
		r.Dead = true
	default:
		if d.err == nil {
			d.err = errors.New("bad dead flag")
		}
	}
	d.string() // lease token
	d.time()   // lease end
	r.File = d.string()
}
