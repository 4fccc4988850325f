package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The embedded store's record format: a version byte, then the fields in
// a fixed order, strings as uvarint length and bytes, integers as varints,
// times as Unix nanoseconds (0 for the zero time). JSON cost a quarter of
// the CPU of a queue cycle; this costs little.
const recordVersion = 1

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

func encodeRecord(r *record) ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, recordVersion)
	b = appendString(b, string(r.ID))
	b = appendString(b, r.From)
	b = binary.AppendUvarint(b, uint64(len(r.Recipients)))
	for _, rc := range r.Recipients {
		b = appendString(b, rc.Addr)
		b = appendString(b, rc.Notify)
		b = appendString(b, rc.ORcpt)
		b = append(b, byte(rc.State))
		b = binary.AppendVarint(b, int64(rc.Attempts))
		b = appendString(b, rc.LastError)
	}
	for _, s := range []string{r.Ret, r.EnvID, r.Tenant, r.Campaign, r.Class, r.IdempotencyKey, r.Domain} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, r.Size)
	b = appendTime(b, r.Created)
	b = appendTime(b, r.NextAttempt)
	b = binary.AppendVarint(b, int64(r.Attempts))
	if r.Dead {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = appendString(b, r.Lease)
	b = appendTime(b, r.LeaseExpires)
	b = appendString(b, r.File)
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

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) time() time.Time {
	v := d.varint()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// decodeRecord parses a stored record, refusing what the store could not
// have written.
func decodeRecord(b []byte) (*record, error) {
	if len(b) == 0 || b[0] != recordVersion {
		return nil, errors.New("unknown record version")
	}
	d := &decoder{b: b[1:]}
	var r record
	r.ID = ID(d.string())
	r.From = d.string()
	n := d.uvarint()
	if n == 0 || n > uint64(len(d.b)) {
		return nil, errors.New("bad recipient count")
	}
	r.Recipients = make([]Recipient, n)
	for i := range r.Recipients {
		rc := &r.Recipients[i]
		rc.Addr, rc.Notify, rc.ORcpt = d.string(), d.string(), d.string()
		rc.State = State(d.byte())
		rc.Attempts = int(d.varint())
		rc.LastError = d.string()
		if rc.State > Failed {
			return nil, fmt.Errorf("recipient state %d", rc.State)
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
		return nil, errors.New("bad dead flag")
	}
	r.Lease = d.string()
	r.LeaseExpires = d.time()
	r.File = d.string()
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
