package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mxkit/mxkit/verify"
)

// writer writes results as CSV (the input row and four columns) or as
// JSON lines.
type writer struct {
	csv  *csv.Writer
	json *json.Encoder
}

func newWriter(w *bufio.Writer, asJSON bool) *writer {
	if asJSON {
		return &writer{json: json.NewEncoder(w)}
	}
	return &writer{csv: csv.NewWriter(w)}
}

// The columns added to each CSV row.
var addedColumns = []string{"verdict", "reasons", "details", "suggestion"}

func (w *writer) header(h []string) error {
	if w.csv == nil {
		return nil
	}
	return w.csv.Write(append(append([]string{}, h...), addedColumns...))
}

// jsonRow is one JSON line: the row's line number in the input, the
// result, and the error behind an unknown verdict.
type jsonRow struct {
	Line int `json:"line"`
	verify.Result
	Error string `json:"error,omitzero"`
}

func (w *writer) row(line int, row []string, r verify.Result) error {
	if w.json != nil {
		jr := jsonRow{Line: line, Result: r}
		if r.Err != nil {
			jr.Error = r.Err.Error()
		}
		return w.json.Encode(jr)
	}
	kinds := make([]string, len(r.Reasons))
	details := make([]string, len(r.Reasons))
	for i, x := range r.Reasons {
		kinds[i] = x.Kind.String()
		details[i] = x.String()
	}
	if err := w.csv.Write(append(append([]string{}, row...), r.Verdict.String(), strings.Join(kinds, ";"), strings.Join(details, "; "), r.Suggestion)); err != nil {
		return err
	}
	w.csv.Flush()
	return w.csv.Error()
}

// progress reports how far the check is: a bar redrawn in place on a
// terminal, plain lines at most once a second elsewhere, and a summary.
type progress struct {
	w     io.Writer
	tty   bool
	size  int64  // input size in bytes; -1 when unknown (a pipe)
	read  *int64 // bytes of input read so far
	start time.Time
	last  time.Time
	count [4]int // by verdict
	total int
}

func (p *progress) add(v verify.Verdict) {
	if int(v) < len(p.count) {
		p.count[v]++
	}
	p.total++
}

func (p *progress) rate() float64 {
	if s := time.Since(p.start).Seconds(); s > 0 {
		return float64(p.total) / s
	}
	return 0
}

// show writes the progress now on a terminal, or at most once a second
// elsewhere.
func (p *progress) show() {
	now := time.Now()
	if !p.tty && now.Sub(p.last) < time.Second {
		return
	}
	p.last = now
	if !p.tty {
		fmt.Fprintf(p.w, "verify: %d addresses checked (%.0f/s)\n", p.total, p.rate())
		return
	}
	const width = 30
	if p.size > 0 {
		frac := min(float64(*p.read)/float64(p.size), 1)
		fill := int(frac * width)
		fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d addresses, %.0f/s ", strings.Repeat("#", fill), strings.Repeat("-", width-fill), frac*100, p.total, p.rate())
		return
	}
	fmt.Fprintf(p.w, "\r%d addresses, %.0f/s ", p.total, p.rate())
}

// done ends the bar and writes the summary line.
func (p *progress) done() {
	if p.tty {
		p.last = time.Time{}
		p.show()
		fmt.Fprintln(p.w)
	}
	fmt.Fprintf(p.w, "verify: %d addresses: %d deliverable, %d risky, %d undeliverable, %d unknown (%.1fs)\n",
		p.total, p.count[verify.Deliverable], p.count[verify.Risky], p.count[verify.Undeliverable], p.count[verify.Unknown],
		time.Since(p.start).Seconds())
}
