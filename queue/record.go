package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
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
		b = appendString(b, rc.LastError)
		b = append(b, 0) // no optional fields yet
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
	d := &decoder{b: b}
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
	b = append(b, 0) // no optional fields yet
	b = binary.BigEndian.AppendUint32(b, r.CRC)
	return b, nil
}

var errShort = errors.New("record cut short")

type decoder struct {
	b   []byte
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

func (d *decoder) string() string { return string(d.bytes()) }

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

func noFields(uint64, []byte) bool { return false }

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

func (d *decoder) recipient(rc *Recipient) {
	rc.Addr, rc.Notify, rc.ORcpt = d.string(), d.string(), d.string()
	rc.State = State(d.byte())
	rc.Attempts = int(d.varint())
	rc.LastError = d.string()
	if d.err == nil && rc.State > Canceled {
		d.err = fmt.Errorf("recipient state %d", rc.State)
	}
}

func (d *decoder) envelope(e *Envelope) {
	if f := d.byte(); d.err == nil && f != envelopeFormat {
		d.err = fmt.Errorf("unknown envelope format %d", f)
	}
	e.From = d.string()
	e.Recipients = d.recipients()
	for i := range e.Recipients {
		d.recipient(&e.Recipients[i])
		d.fields(noFields)
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
	d := &decoder{b: b[1:]}
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
		d.fields(noFields)
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
		d.recipient(&r.Recipients[i])
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
