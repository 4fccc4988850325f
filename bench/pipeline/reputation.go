package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mxkit/mxkit/suppression"
)

// The reputation comparison (issue 15 section 5: with suppression and
// shaping on, the pipeline loses at most 5%): examples/mta with and
// without its reputation section, in alternating runs of the same program.
// "On" is what a sender would run:
//
//   - a suppression list of -suppressed entries in the embedded store,
//     asked at every RCPT and again before every delivery, and given every
//     outcome;
//   - shaping with its default rules and a standing limit on every
//     destination high enough never to hold a message back (so each
//     message takes a token from a limiter), seeing every outcome;
//   - rate counters of every outcome with the default thresholds.
//
// None of the injected recipients is suppressed: every message is
// delivered in both runs, and the difference is the cost of asking.

// suppressionStore creates the embedded suppression store of the run in
// dir with n entries (a mix of addresses and domains, for several
// tenants) beside dir (runMxkit empties dir), and returns its path.
func suppressionStore(dir string, n int) (string, error) {
	path := dir + "-suppression.db"
	os.Remove(path)
	st, err := suppression.Open(path)
	if err != nil {
		return "", err
	}
	defer st.Close()
	ctx := context.Background()
	now := time.Now()
	batch := make([]suppression.Entry, 0, 1000)
	for i := range n {
		e := suppression.Entry{Address: fmt.Sprintf("user%d@suppressed%d.example", i, i%97), Reason: suppression.HardBounce, Created: now}
		switch i % 10 {
		case 0:
			e.Address, e.Reason = fmt.Sprintf("bounced%d.example", i), suppression.HardBounce
		case 1, 2:
			e.Tenant, e.Reason = fmt.Sprintf("tenant%d", i%7), suppression.Unsubscribe
		}
		batch = append(batch, e)
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.Put(ctx, batch...); err != nil {
				return "", err
			}
			batch = batch[:0]
		}
	}
	return path, nil
}

// reputationSection is the examples/mta configuration of "on", with the
// parts named in parts (all when empty).
func reputationSection(suppressionPath, parts string) map[string]any {
	m := map[string]any{
		"suppression": map[string]any{"path": suppressionPath},
		"shaping": map[string]any{"enabled": true,
			"limits": []map[string]any{{"destination": "*", "rate": 1_000_000}}},
		"rates": map[string]any{"enabled": true},
	}
	if parts != "" {
		for k := range m {
			if !slices.Contains(strings.Split(parts, ","), k) {
				delete(m, k)
			}
		}
	}
	return m
}

// compareReputation runs examples/mta rounds times at each concurrency,
// off and on in alternating order, and prints each pair and the median
// ratio.
func compareReputation(mta, dir string, n, size int, conc []int, rounds, entries int, canon, parts string, opts runOpts) error {
	fmt.Printf("\nreputation on (%s) vs off: %d messages of %d bytes after %d to warm up, smtp-source -s 20, relay into smtp-sink, %d suppression entries, %d rounds\n",
		cmp.Or(parts, "suppression,shaping,rates"), n, size, opts.warmup, entries, rounds)
	type row struct {
		conc          int
		off, on       []float64
		ratios        []float64
		offCPU, onCPU []float64 // µs a message
		offMiB, onMiB int64
	}
	var rows []row
	for _, c := range conc {
		r := row{conc: c}
		for i := range rounds {
			var off, on measurement
			runOff := func() error {
				var err error
				off, err = runMxkit(mta, filepath.Join(dir, fmt.Sprintf("off-%d-%d", c, i)), n, size, c, canon, false, nil, opts)
				return err
			}
			runOn := func() error {
				d := filepath.Join(dir, fmt.Sprintf("on-%d-%d", c, i))
				path, err := suppressionStore(d, entries)
				if err != nil {
					return err
				}
				on, err = runMxkit(mta, d, n, size, c, canon, false, reputationSection(path, parts), opts)
				return err
			}
			first, second := runOff, runOn
			if i%2 == 1 {
				first, second = runOn, runOff
			}
			if err := first(); err != nil {
				return err
			}
			if err := second(); err != nil {
				return err
			}
			report(off)
			report(on)
			r.off, r.on = append(r.off, off.rate()), append(r.on, on.rate())
			r.ratios = append(r.ratios, on.rate()/off.rate())
			r.offCPU = append(r.offCPU, float64(off.cpu.Microseconds())/float64(n))
			r.onCPU = append(r.onCPU, float64(on.cpu.Microseconds())/float64(n))
			r.offMiB, r.onMiB = max(r.offMiB, off.peak.pss>>20), max(r.onMiB, on.peak.pss>>20)
		}
		rows = append(rows, r)
	}
	fmt.Printf("\n| concurrency | off msg/s (median) | on msg/s (median) | on/off per round | median on/off | CPU µs/msg off / on | peak PSS off / on |\n|---:|---:|---:|---|---:|---:|---:|\n")
	for _, r := range rows {
		var per string
		for i, x := range r.ratios {
			if i > 0 {
				per += ", "
			}
			per += fmt.Sprintf("%.3f", x)
		}
		fmt.Printf("| %d | %.0f | %.0f | %s | %.3f | %.0f / %.0f | %d / %d MiB |\n", r.conc, median(r.off), median(r.on), per, median(r.ratios),
			median(r.offCPU), median(r.onCPU), r.offMiB, r.onMiB)
	}
	return nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// checkReputation reads the metrics of a run with reputation on: the
// suppression list must hold its entries and every delivery must have
// been seen by the reputation loop.
func checkReputation(ctx context.Context, metricsURL string, n int, rep map[string]any) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", metricsURL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	text := string(b)
	seen := fmt.Sprintf("mta_provider_outcomes_total{outcome=\"delivered\",provider=\"other\"} %d\n", n)
	_, list := rep["suppression"]
	if list && (!strings.Contains(text, "\nmta_suppression_entries ") || strings.Contains(text, "\nmta_suppression_entries 0\n")) || !strings.Contains(text, seen) {
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "mta_suppression_entries") || strings.HasPrefix(l, "mta_provider_outcomes_total") {
				lines = append(lines, l)
			}
		}
		return fmt.Errorf("reputation was not on: want a loaded suppression list and %q, have %q", strings.TrimSpace(seen), lines)
	}
	return nil
}
