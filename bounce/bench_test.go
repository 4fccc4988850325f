package bounce

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses and classifies every message of the shared corpus;
// it reports messages per second and allocations per message.
func BenchmarkParse(b *testing.B) {
	dir, rows := loadCorpus(b)
	seen := map[string]bool{}
	var msgs [][]byte
	for _, r := range rows {
		if seen[r.file] {
			continue
		}
		seen[r.file] = true
		data, err := os.ReadFile(filepath.Join(dir, r.file))
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, data)
	}
	var total int64
	for _, m := range msgs {
		total += int64(len(m))
	}
	b.SetBytes(total / int64(len(msgs)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		if _, err := Parse(bytes.NewReader(msgs[i%len(msgs)])); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
