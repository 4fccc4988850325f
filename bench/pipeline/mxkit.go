package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
// durable embedded queue, DKIM (Ed25519) signing of every message from the
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
	key, err := dkim.GenerateKey("ed25519")
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
	cmd := exec.Command(bin, "-config", cfgFile)
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
		if err := inject(smtpAddr, opts.warmup, size, 20); err != nil {
			return measurement{}, err
		}
		if err := waitDelivered(ctx, statsURL, opts.warmup); err != nil {
			return measurement{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	peak := samplePeak(func() int64 { return treeRSS(cmd.Process.Pid) })
	cpu0 := cpuTime(cmd.Process.Pid)
	start := time.Now()
	if err := inject(smtpAddr, n, size, 20); err != nil {
		return measurement{}, err
	}
	n += opts.warmup // the counters include the warm-up's
	if err := waitDelivered(ctx, statsURL, n); err != nil {
		return measurement{}, err
	}
	elapsed := time.Since(start)
	cpu := cpuTime(cmd.Process.Pid) - cpu0
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
	return measurement{name: name, canon: canon, concurrency: conc, elapsed: elapsed, n: n - opts.warmup, peakRSS: peak.Stop(), cpu: cpu}, nil
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

// runOpts are the reputation comparison's additions to a run.
type runOpts struct {
	warmup int // messages delivered before the clock starts
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
