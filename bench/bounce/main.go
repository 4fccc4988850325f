// Command bounce compares mxkit's bounce parser with GNU Mailman's
// flufl.bounce (a Python library; Debian package python3-flufl.bounce) on
// the shared corpus: how many bounces each recognises, how often each finds
// exactly the labelled number of failed recipients, and messages per second.
// flufl.bounce only extracts addresses, so reasons are not compared (the
// bounce package's own corpus test measures those).
//
// Run: go run ./bounce [-corpus ../shared/corpus/bounce] [-rounds 20]
// It runs flufl_peer.py in the same run when /usr/bin/python3 has flufl.bounce.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxkit/mxkit/bounce"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus/bounce", "shared bounce corpus")
	rounds := flag.Int("rounds", 20, "timed passes over the corpus")
	python := flag.String("python", "/usr/bin/python3", "python with flufl.bounce")
	script := flag.String("script", "bounce/flufl_peer.py", "the flufl.bounce side")
	flag.Parse()

	want, files := labels(*corpus)
	msgs := make([][]byte, len(files))
	for i, f := range files {
		b, err := os.ReadFile(filepath.Join(*corpus, f))
		if err != nil {
			fail(err)
		}
		msgs[i] = b
	}

	found, exact := 0, 0
	for i, m := range msgs {
		rep, err := bounce.Parse(bytes.NewReader(m))
		if err != nil {
			continue
		}
		n := 0
		for _, r := range rep.Recipients {
			if r.FinalRecipient != "" {
				n++
			}
		}
		if n > 0 {
			found++
		}
		if n == want[files[i]] {
			exact++
		}
	}
	start := time.Now()
	for r := 0; r < *rounds; r++ {
		for _, m := range msgs {
			_, _ = bounce.Parse(bytes.NewReader(m))
		}
	}
	mxRate := float64(*rounds*len(msgs)) / time.Since(start).Seconds()
	fmt.Printf("%-14s %5s %9s %12s\n", "parser", "found", "exact", "msgs/s")
	fmt.Printf("%-14s %5d %9d %12.0f\n", "mxkit/bounce", found, exact, mxRate)

	cmd := exec.Command(*python, *script, *corpus, fmt.Sprint(*rounds))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Printf("flufl.bounce: not run (%v)\n", err)
		return
	}
	var py struct {
		Counts map[string]int `json:"counts"`
		Rate   float64        `json:"rate"`
	}
	if err := json.Unmarshal(out, &py); err != nil {
		fail(err)
	}
	pf, pe := 0, 0
	for _, f := range files {
		n := py.Counts[f]
		if n > 0 {
			pf++
		}
		if n == want[f] {
			pe++
		}
	}
	fmt.Printf("%-14s %5d %9d %12.0f\n", "flufl.bounce", pf, pe, py.Rate)
	fmt.Printf("of %d messages; speed ratio mxkit/flufl = %.1fx\n", len(files), mxRate/py.Rate)
}

// labels returns, per message, how many failed recipients labels.tsv lists
// (feedback reports and auto-replies count 0: they are not bounces).
func labels(dir string) (map[string]int, []string) {
	data, err := os.ReadFile(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		fail(err)
	}
	want := map[string]int{}
	var files []string
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		c := strings.Split(line, "\t")
		if i == 0 || len(c) < 5 {
			continue
		}
		if _, ok := want[c[0]]; !ok {
			files = append(files, c[0])
			want[c[0]] = 0
		}
		if c[4] != "feedback" && c[4] != "vacation" {
			want[c[0]]++
		}
	}
	return want, files
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
