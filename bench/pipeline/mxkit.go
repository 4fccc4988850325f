package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxkit/mxkit/dkim"
)

// buildMTA compiles examples/mta from the repository at root.
func buildMTA(root, dir string) (string, error) {
	bin := filepath.Join(dir, "mta")
	cmd := exec.Command("go", "build", "-o", bin, "./examples/mta")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=") // the repository's go.work
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building examples/mta: %v: %s", err, b)
	}
	return bin, nil
}

type mtaStats struct {
	Queued    int64 `json:"queued"`
	Received  int64 `json:"received"`
	Delivered int64 `json:"delivered"`
	Deferred  int64 `json:"deferred"`
	Failed    int64 `json:"failed"`
	Signed    int64 `json:"signed"`
}

// runMxkit runs examples/mta as Postfix runs: trusted loopback submission,
// durable embedded queue, DKIM signing (opts.key) of every message from the
// injector's domain, relay into an smtp-sink with conc connections.
// With dump false the sink keeps nothing (timed runs); with dump true it
// keeps every message and the run checks that each arrived signed.
//
// opts.warmup messages are delivered before the clock starts. rep, when
// not nil, adds the reputation section (suppression, shaping,
// rates: see reputation.go) and names the measurement "mxkit+reputation".
func runMxkit(bin, dir string, n, size, conc int, canon string, dump bool, rep map[string]any, opts runOpts) (measurement, error) {
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return measurement{}, err
	}
	kt := opts.key
	if kt == "rsa2048" {
		kt = "rsa" // dkim's name for RSA-2048
	}
	key, err := dkim.GenerateKey(cmp.Or(kt, "ed25519"))
	if err != nil {
		return measurement{}, err
	}
	pem, err := dkim.MarshalPrivateKey(key)
	if err != nil {
		return measurement{}, err
	}
	keyFile := filepath.Join(dir, "dkim.pem")
	if err := os.WriteFile(keyFile, pem, 0o600); err != nil {
		return measurement{}, err
	}
	sinkPort, smtpPort, httpPort := freePort(), freePort(), freePort()
	dumpPath := ""
	if dump {
		dumpPath = dumpFile("mxkit")
		defer os.Remove(dumpPath)
	}
	sink, err := startSink(sinkPort, dumpPath)
	if err != nil {
		return measurement{}, err
	}
	defer func() { sink.Process.Kill(); sink.Wait() }()
	cfg := map[string]any{
		"hostname": "mxkit-bench.localhost",
		"smtp":     map[string]any{"listen": fmt.Sprintf("127.0.0.1:%d", smtpPort), "trusted_networks": []string{"127.0.0.0/8"}},
		"http":     map[string]any{"listen": fmt.Sprintf("127.0.0.1:%d", httpPort)},
		"queue":    map[string]any{"dir": filepath.Join(dir, "queue")},
		"dkim":     map[string]any{"keys": []map[string]string{{"domain": "bench.example", "selector": "b1", "key_file": keyFile}}, "canonicalization": canon},
		"delivery": map[string]any{"relay": fmt.Sprintf("127.0.0.1:%d", sinkPort), "relay_tls": "none", "max_conns_per_host": conc, "workers": max(64, conc*4)},
		"log":      map[string]any{"level": "warn"},
		// Postfix logs every message; so does the mta.
		"maillog": map[string]any{"file": filepath.Join(dir, "mail.log")},
	}
	name := "mxkit"
	if rep != nil {
		cfg["reputation"] = rep
		name = "mxkit+reputation"
	}
	b, _ := json.MarshalIndent(cfg, "", "  ")
	cfgFile := filepath.Join(dir, "mta.json")
	if err := os.WriteFile(cfgFile, b, 0o644); err != nil {
		return measurement{}, err
	}
	args := []string{"-config", cfgFile}
	prof := os.Getenv("MXKIT_BENCH_PROFILE")
	if prof != "" && !dump {
		base := filepath.Join(prof, fmt.Sprintf("%s-%s-%d-%d", name, cmp.Or(opts.key, "ed25519"), size, conc))
		args = append(args, "-cpuprofile", base+".cpu.pprof", "-memprofile", base+".mem.pprof")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	if err := waitListening(fmt.Sprintf("127.0.0.1:%d", smtpPort), 10*time.Second); err != nil {
		return measurement{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	statsURL := fmt.Sprintf("http://127.0.0.1:%d/api/stats", httpPort)
	smtpAddr := fmt.Sprintf("127.0.0.1:%d", smtpPort)
	if opts.warmup > 0 {
		// The heap grows to its working size (page faults of first
		// touch, more of them the more the process holds) before the
		// clock starts, as in a server that has been running.
		if _, err := inject(smtpAddr, opts.warmup, size, 20); err != nil {
			return measurement{}, err
		}
		if err := waitDelivered(ctx, statsURL, opts.warmup); err != nil {
			return measurement{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	if dir := os.Getenv("MXKIT_BENCH_STRACE"); dir != "" && !dump {
		out := filepath.Join(dir, fmt.Sprintf("%s-%s-%d-%d.strace", name, cmp.Or(opts.key, "ed25519"), size, conc))
		st := exec.Command("strace", "-c", "-f", "-o", out, "-p", fmt.Sprint(cmd.Process.Pid))
		if err := st.Start(); err != nil {
			return measurement{}, fmt.Errorf("strace: %w", err)
		}
		time.Sleep(300 * time.Millisecond) // attached to every thread
		defer func() { st.Process.Signal(os.Interrupt); st.Wait() }()
	}
	peak := samplePeak(func() memUse { return treeRSS(cmd.Process.Pid) })
	cpu0, disk0, sink0 := cpuTime(cmd.Process.Pid), writtenBytes(cmd.Process.Pid), cpuTime(sink.Process.Pid)
	load := loadAverage()
	start := time.Now()
	src, err := inject(smtpAddr, n, size, 20)
	if err != nil {
		return measurement{}, err
	}
	n += opts.warmup // the counters include the warm-up's
	if err := waitDelivered(ctx, statsURL, n); err != nil {
		return measurement{}, err
	}
	elapsed := time.Since(start)
	cpu, disk := cpuTime(cmd.Process.Pid)-cpu0, writtenBytes(cmd.Process.Pid)-disk0
	peers := src + cpuTime(sink.Process.Pid) - sink0
	st, err := getStats(ctx, statsURL)
	if err != nil {
		return measurement{}, err
	}
	if st.Signed != int64(n) {
		return measurement{}, fmt.Errorf("mxkit signed %d of %d messages", st.Signed, n)
	}
	if rep != nil {
		// "On" was on: the list loaded, every outcome seen.
		if err := checkReputation(ctx, fmt.Sprintf("http://127.0.0.1:%d/metrics", httpPort), n, rep); err != nil {
			return measurement{}, err
		}
	}
	if dump {
		// Every message must have reached the sink signed.
		for i := 0; countSigned(dumpPath) < n && i < 50; i++ {
			time.Sleep(100 * time.Millisecond)
		}
		if signed := countSigned(dumpPath); signed != n {
			return measurement{}, fmt.Errorf("mxkit: %d of %d messages arrived at the sink with a DKIM signature", signed, n)
		}
	}
	if got := countLines(filepath.Join(dir, "mail.log"), "msg=delivered "); got != n {
		return measurement{}, fmt.Errorf("mxkit's mail log has %d delivered lines, want %d", got, n)
	}
	return measurement{name: name, canon: canon, key: cmp.Or(opts.key, "ed25519"), size: size, concurrency: conc, elapsed: elapsed,
		n: n - opts.warmup, peak: peak.Stop(), cpu: cpu, disk: disk, peers: peers, load: load}, nil
}

// waitDelivered waits until the mta's queue is empty and it has delivered
// n messages, none failed.
func waitDelivered(ctx context.Context, statsURL string, n int) error {
	for {
		st, err := getStats(ctx, statsURL)
		if err != nil {
			return err
		}
		if st.Queued == 0 && st.Delivered+st.Failed >= int64(n) {
			if st.Delivered != int64(n) {
				return fmt.Errorf("mta delivered %d of %d (failed %d)", st.Delivered, n, st.Failed)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("mta queue not empty: %+v", st)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// runOpts are the additions to a run: the reputation comparison's
// warm-up, the key type.
type runOpts struct {
	warmup int    // messages delivered before the clock starts
	key    string // DKIM key type: ed25519 (default) or rsa2048
}

// countLines counts the lines of a file that contain s.
func countLines(path, s string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), s)
}

func getStats(ctx context.Context, url string) (mtaStats, error) {
	var st mtaStats
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}
