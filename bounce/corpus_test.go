package bounce

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/internal/testenv"
)

// corpusRow is one line of the shared corpus's labels.tsv.
type corpusRow struct {
	file   string
	index  int
	status string
	reason Reason
	hard   bool
	family string // source_format: for reporting only, never shown to Parse
}

func loadCorpus(tb testing.TB) (dir string, rows []corpusRow) {
	tb.Helper()
	dir = testenv.Shared(tb, "corpus/bounce")
	data, err := os.ReadFile(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) < 6 {
			tb.Fatalf("labels.tsv line %d: %d columns", i+1, len(c))
		}
		idx, err := strconv.Atoi(c[1])
		if err != nil {
			tb.Fatalf("labels.tsv line %d: index %q", i+1, c[1])
		}
		row := corpusRow{file: c[0], index: idx, status: c[2], reason: Reason(c[4]), hard: c[5] == "true"}
		if len(c) > 6 {
			row.family = c[6]
		}
		rows = append(rows, row)
	}
	return dir, rows
}

// statusMatches compares a status with the corpus label. Labels x.0.9xx mean
// "no status in the message, class inferred": only the class digit counts.
func statusMatches(got, want string) bool {
	if want == "" {
		return got == ""
	}
	if strings.HasPrefix(want[1:], ".0.9") {
		return got != "" && got[0] == want[0]
	}
	return got == want
}

// parseCorpusFile parses one corpus file. A file that starts with a "From "
// line is an mbox: every message is parsed, and their recipients are
// reported in order, as one report.
func parseCorpusFile(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte("From ")) {
		return Parse(bytes.NewReader(data))
	}
	var all *Report
	mb := NewMbox(bytes.NewReader(data))
	for {
		msg, err := mb.Next()
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, err
		}
		rep, err := Parse(msg)
		if err != nil {
			return all, err
		}
		if all == nil {
			all = rep
		} else {
			all.Recipients = append(all.Recipients, rep.Recipients...)
		}
	}
}

// TestCorpus parses every labelled message of the shared bounce corpus and
// checks reason, status and hard/soft against the labels. With -v it logs
// every miss and the accuracy per source_format family (the corpus's own
// column, used for this report only: Parse never sees it). With
// MXKIT_CORPUS_DUMP=file it writes each row's verdict there as TSV, to
// compare two versions of the rules row by row.
func TestCorpus(t *testing.T) {
	dir, rows := loadCorpus(t)
	reports := map[string]*Report{}
	var okReason, okStatus, okHard, total int
	var misses []string
	type tally struct{ rows, reason, status, hard int }
	families := map[string]*tally{}
	var dump strings.Builder
	for _, row := range rows {
		total++
		rep, ok := reports[row.file]
		if !ok {
			var err error
			rep, err = parseCorpusFile(filepath.Join(dir, row.file))
			if err != nil {
				t.Errorf("%s: %v", row.file, err)
			}
			reports[row.file] = rep
		}
		var got Recipient
		if rep != nil && row.index <= len(rep.Recipients) {
			got = rep.Recipients[row.index-1]
		}
		r, s, h := got.Reason == row.reason, statusMatches(got.Status, row.status), got.Hard == row.hard
		if r {
			okReason++
		}
		if s {
			okStatus++
		}
		if h {
			okHard++
		}
		fam := families[row.family]
		if fam == nil {
			fam = &tally{}
			families[row.family] = fam
		}
		fam.rows++
		fam.reason += b2i(r)
		fam.status += b2i(s)
		fam.hard += b2i(h)
		fmt.Fprintf(&dump, "%s\t%d\t%s\t%s\t%s\t%v\t%v\t%v\t%v\n", row.file, row.index, row.family, got.Reason, got.Status, got.Hard, r, s, h)
		if !r || !s || !h {
			kind := "nil"
			n := 0
			if rep != nil {
				kind, n = rep.Kind.String(), len(rep.Recipients)
			}
			misses = append(misses, fmt.Sprintf("%s#%d [%s, %d rcpts] reason %s want %s | status %q want %q | hard %v want %v | rcpt %s | diag %.160q",
				row.file, row.index, kind, n, got.Reason, row.reason, got.Status, row.status, got.Hard, row.hard, got.FinalRecipient, got.DiagnosticCode))
		}
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Log("miss:", m)
	}
	names := make([]string, 0, len(families))
	for n := range families {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := families[n]
		t.Logf("family %-16s %3d rows: reason %3d, status %3d, hard/soft %3d", n, f.rows, f.reason, f.status, f.hard)
	}
	if path := os.Getenv("MXKIT_CORPUS_DUMP"); path != "" {
		if err := os.WriteFile(path, []byte(dump.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	pct := func(n int) float64 { return 100 * float64(n) / float64(total) }
	t.Logf("corpus: %d rows; reason %.1f%% (%d), status %.1f%% (%d), hard/soft %.1f%% (%d)",
		total, pct(okReason), okReason, pct(okStatus), okStatus, pct(okHard), okHard)
	// Issue 17's targets are reason 95% and hard/soft 98%, status 95%.
	// The floors are what the rules reach, counted in rows (374, 393
	// and 391 of 400), so that one row lost fails the test. The rules are
	// written from published sources, not from these rows: phrases no
	// outside source was found for stay out even where a row here needed
	// them (doc.go, Accuracy), which leaves reason 6 rows and hard/soft 1
	// row under the targets.
	for _, f := range []struct {
		name      string
		ok, floor int
		target    float64
		enforce   bool
	}{
		{"reason", okReason, 374, 95, false},
		{"status", okStatus, 393, 95, true},
		{"hard/soft", okHard, 391, 98, false},
	} {
		if f.ok < f.floor {
			t.Errorf("%s: %d rows right (%.1f%%), fewer than the %d reached before", f.name, f.ok, pct(f.ok), f.floor)
		}
		switch {
		case pct(f.ok) >= f.target:
			t.Logf("%s accuracy %.1f%% (%d rows; target %.0f%%, floor %d rows)", f.name, pct(f.ok), f.ok, f.target, f.floor)
		case f.enforce:
			t.Errorf("%s accuracy %.1f%% is short of the issue's target of %.0f%%", f.name, pct(f.ok), f.target)
		default:
			t.Logf("%s accuracy %.1f%% (%d rows) is short of the issue's target of %.0f%%: see doc.go, Accuracy", f.name, pct(f.ok), f.ok, f.target)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
