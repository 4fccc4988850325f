package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

func waitListening(addr string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// treeRSS sums the proportional set size (Pss, bytes) of pid and all its
// descendants: shared pages (libraries, the binary) are divided among the
// processes that map them, so a many-process server like Postfix is not
// charged for its shared libraries once per process.
//
// It walks the tree through /proc/PID/task/TID/children and reads each
// process's smaps_rollup once, rather than reading the stat file of every
// process on the machine every 20 ms: that scan cost the harness about a
// fifth of a core during a run, taken from the relays it measures.
func treeRSS(pid int) memUse {
	var total memUse
	var walk func(int, int)
	walk = func(p, depth int) {
		m := smapsRollup(p)
		total.pss += m.pss
		total.anon += m.anon
		if depth > 32 {
			return
		}
		for _, c := range children(p) {
			walk(c, depth+1)
		}
	}
	walk(pid, 0)
	return total
}

// children lists the child processes of pid, from the children files of
// its threads (Linux 3.5 and later).
func children(pid int) []int {
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// smapsRollup reads the Pss and Pss_Anon lines (kB) of pid's
// smaps_rollup, in bytes.
func smapsRollup(pid int) memUse {
	var m memUse
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "Pss:":
			m.pss = kb * 1024
		case "Pss_Anon:":
			m.anon = kb * 1024
		}
	}
	return m
}

// cpuTime is the user and system CPU time pid has used (not its
// children's), from /proc/pid/stat in clock ticks of 10 ms (USER_HZ 100
// on Linux).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// writtenBytes is what pid has caused to be written to storage so far
// (write_bytes of /proc/pid/io: the data its writes sent to the disk,
// counted when they are dirtied, not the bytes handed to write calls).
func writtenBytes(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// memUse is a process tree's memory: its proportional set size, and the
// part of it that is anonymous memory (heaps, stacks). The rest is files
// mapped into the processes: their code, and for mxkit the queue's
// database (bbolt maps it and reads through the mapping), pages the kernel
// can drop as it does the page cache that holds Postfix's queue files,
// which no process maps.
type memUse struct{ pss, anon int64 }

// peakSampler samples a memory figure every 20ms and keeps the maximum of
// each part.
type peakSampler struct {
	stop chan struct{}
	done chan memUse
}

func samplePeak(f func() memUse) *peakSampler {
	s := &peakSampler{stop: make(chan struct{}), done: make(chan memUse, 1)}
	go func() {
		var peak memUse
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			m := f()
			peak.pss, peak.anon = max(peak.pss, m.pss), max(peak.anon, m.anon)
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *peakSampler) Stop() memUse { close(s.stop); return <-s.done }

// startSink runs Postfix's smtp-sink on 127.0.0.1:port with room for many
// connections, appending every message it receives to dump if it is not
// empty.
func startSink(port int, dump string) (*exec.Cmd, error) {
	args := []string{"-c", fmt.Sprintf("127.0.0.1:%d", port), "1024"}
	if dump != "" {
		args = append([]string{"-D", dump}, args...)
	}
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...)
	}
	cmd := exec.Command("/usr/sbin/smtp-sink", args...)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("smtp-sink (apt-get install postfix): %w", err)
	}
	if err := waitListening(fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second); err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	return cmd, nil
}

// inject sends n messages of size bytes to addr with smtp-source over
// sessions parallel connections, and returns the CPU time smtp-source
// used.
func inject(addr string, n, size, sessions int) (time.Duration, error) {
	cmd := exec.Command("/usr/sbin/smtp-source", "-s", strconv.Itoa(sessions), "-m", strconv.Itoa(n),
		"-l", strconv.Itoa(size), "-f", "sender@bench.example", "-t", "rcpt@dest.example", addr)
	if b, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("smtp-source: %v: %s", err, b)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// countSigned counts the DKIM-Signature fields in a sink's dump file.
func countSigned(dump string) int {
	b, _ := os.ReadFile(dump)
	return strings.Count(string(b), "\nDKIM-Signature:")
}

// dumpFile is where a run's sink writes: memory-backed when possible, so
// the dump costs both contenders the same little.
func dumpFile(name string) string {
	dir := "/dev/shm"
	if _, err := os.Stat(dir); err != nil {
		dir = os.TempDir()
	}
	f := fmt.Sprintf("%s/mxkit-bench-%s-%d.dump", dir, name, os.Getpid())
	os.Remove(f)
	f2, err := os.OpenFile(f, os.O_CREATE|os.O_WRONLY, 0o666)
	if err == nil {
		f2.Close()
		os.Chmod(f, 0o666) // smtp-sink writes as nobody
	}
	return f
}
