package suppression

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The CSV columns, in the order Export writes them. Import takes them by
// name from the header row, in any order; only address is required
// ("email" is taken for it too, as other services export).
var csvColumns = []string{"address", "tenant", "reason", "created", "expires", "evidence"}

// Export writes every entry as CSV (RFC 4180): a header row, then one row
// per entry with the columns address, tenant, reason, created and expires
// (RFC 3339, UTC, milliseconds; expires empty when never) and evidence
// (a JSON object, empty when there is none).
func (l *List) Export(ctx context.Context, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	row := make([]string, len(csvColumns))
	err := l.store.Scan(ctx, func(e Entry) error {
		row[0], row[1], row[2] = e.Address, e.Tenant, string(e.Reason)
		row[3], row[4], row[5] = formatTime(e.Created), formatTime(e.Expires), ""
		if e.Evidence != (Evidence{}) {
			b, err := json.Marshal(&e.Evidence)
			if err != nil {
				return err
			}
			row[5] = string(b)
		}
		return cw.Write(row)
	})
	if err != nil {
		return fmt.Errorf("suppression: export: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// RowError is an Import row that was not taken.
type RowError struct {
	Line int // line in the input where the row starts (1 is the header)
	Err  error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("suppression: import line %d: %v", e.Line, e.Err)
}

// Unwrap returns Err.
func (e *RowError) Unwrap() error { return e.Err }

// ImportResult says what Import did.
type ImportResult struct {
	Added    int         // entries stored
	Rejected int         // rows not taken
	Errors   []*RowError // why, for the first 100 rejected rows
}

// importBatch is how many entries share one Store.Put.
const importBatch = 1000

// maxLine bounds one line of CSV input.
const maxLine = 64 << 10

// Import reads entries as CSV with a header row (see Export; only the
// address column is required) and stores them, each replacing an entry
// with the same tenant and address. Rows with a malformed address,
// tenant, reason, time or evidence are not taken and are reported in the
// result; the other rows are. Reason defaults to manual and created to
// now. Entries are stored in batches of 1000: an error from the Store or
// the reader stops the import, and the entries of the batches before it
// stay stored (Added says how many).
func (l *List) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	lr := &lineLimit{r: bufio.NewReader(r)}
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return res, fmt.Errorf("suppression: import: reading the header: %w", err)
	}
	cols := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "email" {
			h = "address"
		}
		known := false
		for _, c := range csvColumns {
			known = known || c == h
		}
		if !known {
			return res, fmt.Errorf("%w: import: unknown column %q in the header (columns: %s)", ErrInvalid, h, strings.Join(csvColumns, ", "))
		}
		if _, dup := cols[h]; dup {
			return res, fmt.Errorf("%w: import: column %q twice", ErrInvalid, h)
		}
		cols[h] = i
	}
	if _, ok := cols["address"]; !ok {
		return res, fmt.Errorf("%w: import: no address column in the header", ErrInvalid)
	}
	field := func(rec []string, name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	now := time.Now().Truncate(time.Millisecond)
	batch := make([]Entry, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := l.store.Put(ctx, batch...); err != nil {
			return fmt.Errorf("suppression: import: %w", err)
		}
		for _, e := range batch {
			l.remember(e.Tenant, e.Address, e.Reason, e.Expires)
		}
		res.Added += len(batch)
		batch = batch[:0]
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) || lr.err != nil {
				if ferr := flush(); ferr != nil {
					return res, ferr
				}
				return res, fmt.Errorf("suppression: import: %w", err)
			}
			res.reject(pe.StartLine, err)
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		line, _ := cr.FieldPos(0)
		e, err := rowEntry(field, rec, now)
		if err != nil {
			res.reject(line, err)
			continue
		}
		batch = append(batch, e)
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	return res, flush()
}

func (r *ImportResult) reject(line int, err error) {
	r.Rejected++
	if len(r.Errors) < 100 {
		r.Errors = append(r.Errors, &RowError{Line: line, Err: err})
	}
}

func rowEntry(field func([]string, string) string, rec []string, now time.Time) (Entry, error) {
	addr, err := Normalize(field(rec, "address"))
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Address: addr, Tenant: field(rec, "tenant"), Reason: Reason(field(rec, "reason")), Created: now}
	if e.Reason == "" {
		e.Reason = Manual
	}
	if s := field(rec, "created"); s != "" {
		if e.Created, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return Entry{}, invalid("created: %v", err)
		}
	}
	if s := field(rec, "expires"); s != "" {
		if e.Expires, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return Entry{}, invalid("expires: %v", err)
		}
	}
	if s := field(rec, "evidence"); s != "" {
		if err := json.Unmarshal([]byte(s), &e.Evidence); err != nil {
			return Entry{}, invalid("evidence is not a JSON object: %v", err)
		}
	}
	e.Created = e.Created.Truncate(time.Millisecond)
	e.Expires = e.Expires.Truncate(time.Millisecond)
	return e, e.Check()
}

// lineLimit fails a read once maxLine bytes pass without a line end, so
// that a hostile file cannot make the CSV reader hold a giant record.
type lineLimit struct {
	r   *bufio.Reader
	run int
	err error
}

var errLongLine = fmt.Errorf("%w: a line longer than %d bytes", ErrInvalid, maxLine)

func (l *lineLimit) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.run = 0
		} else if l.run++; l.run > maxLine {
			l.err = errLongLine
			return i, l.err
		}
	}
	return n, err
}
