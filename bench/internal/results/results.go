// Package results is the file format the comparison programs under bench/
// write, so that bench/plot can draw them together: one JSON file per
// program in bench/results/, each holding series of (concurrency,
// throughput) points.
package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Point is one measurement.
type Point struct {
	Concurrency int     `json:"concurrency"`
	PerSecond   float64 `json:"per_second"`
}

// Series is one implementation measured at several concurrencies.
type Series struct {
	Name string `json:"name"` // "mxkit smtpclient", "smtp-source", …
	// Group puts the series in a panel of its own with the others of
	// the same group ("10 KB", "100 KB"); "" is the file's main panel.
	Group  string  `json:"group,omitempty"`
	Unit   string  `json:"unit"`   // "messages/s", "evaluations/s", …
	Points []Point `json:"points"` // in order of concurrency
}

// File is what one program writes.
type File struct {
	Benchmark string    `json:"benchmark"` // "smtpclient", "dkim", "spf", "queue", "pipeline"
	When      time.Time `json:"when"`
	Notes     string    `json:"notes,omitempty"`
	Series    []Series  `json:"series"`
}

// Write stores f as dir/<benchmark>.json.
func Write(dir string, f File) error {
	if f.When.IsZero() {
		f.When = time.Now().UTC()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, f.Benchmark+".json"), append(b, '\n'), 0o644)
}

// ReadAll reads every results file in dir.
func ReadAll(dir string) ([]File, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var f File
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Sweep calls f from c goroutines for about d and returns calls per
// second. It stops at the first error and returns it.
func Sweep(c int, d time.Duration, f func() error) (float64, error) {
	var wg sync.WaitGroup
	var total atomic.Int64
	var mu sync.Mutex
	var first error
	stop := time.Now().Add(d)
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if err := f(); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds(), first
}
