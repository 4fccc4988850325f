// Command smtpclient compares mxkit's pooled, pipelining SMTP client with
// Postfix's own load generator (smtp-source) and with Go's net/smtp, all
// sending into one Postfix smtp-sink on loopback in the same run.
//
//	cd bench && GOWORK=off go run ./smtpclient -n 10000 -c 20 -rounds 3
//
// It reports messages per second, the ratio to smtp-source, the client's
// CPU time per message (user+system, from getrusage) and the sink's (from
// /proc, in clock ticks, so coarse on short runs).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"github.com/mxkit/mxkit/bench/internal/results"
	"io"
	"log"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mxkit/mxkit/smtpclient"
)

func main() {
	n := flag.Int("n", 20000, "messages per run")
	conc := flag.Int("c", 20, "connections (sessions in parallel)")
	senders := flag.Int("senders", 2, "mxkit: goroutines calling Send per connection (with more senders than sessions, each session carries the next message's commands with the end of the last)")
	sizes := flag.String("sizes", "1024,102400", "message sizes in octets")
	only := flag.String("only", "", "run only clients whose name contains this (and smtp-source)")
	rounds := flag.Int("rounds", 3, "interleaved runs per client; the median is reported")
	sweep := flag.String("sweep", "1,5,10,20", "connection counts for the throughput-by-concurrency sweep (1 KB messages) written for bench/plot; empty to skip")
	out := flag.String("out", "results", "folder for the results file (bench/plot)")
	flag.Parse()

	addr, sinkPid, stop := startSink(*conc)
	defer stop()
	for _, s := range strings.Split(*sizes, ",") {
		size, err := strconv.Atoi(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("\n== %d-octet messages, 1 recipient, %d connections, %d messages per run, median of %d interleaved runs, into smtp-sink\n",
			size, *conc, *n, *rounds)
		fmt.Printf("%-44s %10s %10s %14s %14s\n", "client", "msgs/s", "ratio", "CPU µs/msg", "sink µs/msg")
		cs := clients(*conc, *senders)
		rates := make([][]float64, len(cs))
		cpus := make([][]float64, len(cs))
		sinkCPUs := make([][]float64, len(cs))
		failed := make([]error, len(cs))
		// Interleave the clients round by round, so that load from other
		// processes on the machine hits all of them alike.
		for range *rounds {
			for i, c := range cs {
				if *only != "" && !strings.Contains(c.name, *only) && i != 0 {
					continue
				}
				msgs := *n
				if c.slow {
					msgs = max(*n/10, *conc)
				}
				sink0 := procCPU(sinkPid)
				rate, cpu, err := c.run(addr, msgs, size)
				if err != nil {
					failed[i] = err
					continue
				}
				rates[i] = append(rates[i], rate)
				cpus[i] = append(cpus[i], cpu)
				sinkCPUs[i] = append(sinkCPUs[i], float64((procCPU(sinkPid)-sink0).Microseconds())/float64(msgs))
			}
		}
		base := median(rates[0])
		for i, c := range cs {
			if failed[i] != nil {
				fmt.Printf("%-44s failed: %v\n", c.name, failed[i])
				continue
			}
			if len(rates[i]) == 0 {
				continue
			}
			r := median(rates[i])
			fmt.Printf("%-44s %10.0f %9.2fx %14.1f %14.1f\n", c.name, r, r/base, median(cpus[i]), median(sinkCPUs[i]))
		}
	}
	if *sweep != "" {
		runSweep(addr, *sweep, *n/4, *out)
	}
}

// runSweep measures 1 KB messages at several connection counts for
// smtp-source, mxkit's Transport and net/smtp with reused connections,
// and writes results/smtpclient.json.
func runSweep(addr, levels string, n int, out string) {
	// mxkit runs two senders per session, as in the main table.
	fmt.Printf("\n== sweep: 1024-octet messages, %d per run, by connection count\n", n)
	impls := []struct {
		name string
		run  func(addr string, n, size, conc int) (float64, float64, error)
	}{
		{"smtp-source (Postfix, C)", smtpSource},
		{"mxkit smtpclient.Transport", func(addr string, n, size, conc int) (float64, float64, error) {
			return mxkit(addr, n, size, conc, 2*conc)
		}},
		{"net/smtp, reused connections", func(addr string, n, size, conc int) (float64, float64, error) {
			return netSMTP(addr, n, size, conc, true)
		}},
	}
	file := results.File{Benchmark: "smtpclient", Notes: "1 KB messages, one recipient each, into smtp-sink on loopback"}
	for _, impl := range impls {
		series := results.Series{Name: impl.name, Unit: "messages/s (connections)"}
		for _, f := range strings.Split(levels, ",") {
			c, err := strconv.Atoi(f)
			if err != nil {
				log.Fatal(err)
			}
			rate, _, err := impl.run(addr, n, 1024, c)
			if err != nil {
				log.Fatalf("%s at %d: %v", impl.name, c, err)
			}
			fmt.Printf("%-32s %3d conns: %8.0f msgs/s\n", impl.name, c, rate)
			series.Points = append(series.Points, results.Point{Concurrency: c, PerSecond: rate})
		}
		file.Series = append(file.Series, series)
	}
	if err := results.Write(out, file); err != nil {
		log.Fatal(err)
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

type client struct {
	name string
	slow bool // fewer messages: a new connection each
	run  func(addr string, n, size int) (msgsPerSec, cpuMicrosPerMsg float64, err error)
}

func clients(conc, senders int) []client {
	return []client{
		{name: fmt.Sprintf("smtp-source -s %d -d (Postfix, C)", conc), run: func(addr string, n, size int) (float64, float64, error) {
			return smtpSource(addr, n, size, conc)
		}},
		{name: fmt.Sprintf("mxkit Transport, %d conns, %d senders", conc, conc*senders), run: func(addr string, n, size int) (float64, float64, error) {
			return mxkit(addr, n, size, conc, conc*senders)
		}},
		{name: fmt.Sprintf("mxkit Transport, %d conns, %d senders", conc, conc), run: func(addr string, n, size int) (float64, float64, error) {
			return mxkit(addr, n, size, conc, conc)
		}},
		{name: fmt.Sprintf("net/smtp, %d reused conns", conc), run: func(addr string, n, size int) (float64, float64, error) {
			return netSMTP(addr, n, size, conc, true)
		}},
		{name: fmt.Sprintf("net/smtp, new conn per msg, %d at once", conc), slow: true, run: func(addr string, n, size int) (float64, float64, error) {
			return netSMTP(addr, n, size, conc, false)
		}},
		{name: fmt.Sprintf("mxkit Transport, 1 conn, %d senders", senders), run: func(addr string, n, size int) (float64, float64, error) {
			return mxkit(addr, n/4, size, 1, senders)
		}},
		{name: "net/smtp, 1 reused conn", run: func(addr string, n, size int) (float64, float64, error) {
			return netSMTP(addr, n/4, size, 1, true)
		}},
	}
}

// startSink runs smtp-sink on a free loopback port with room for conc
// sessions, and returns its address and process id.
func startSink(conc int) (string, int, func()) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	args := []string{"-m", strconv.Itoa(conc * 4)}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	args = append(args, addr, strconv.Itoa(conc*4))
	cmd := exec.Command("/usr/sbin/smtp-sink", args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatalf("smtp-sink (Debian package postfix): %v", err)
	}
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i > 200 {
			log.Fatal("smtp-sink did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return addr, cmd.Process.Pid, func() { cmd.Process.Kill(); cmd.Wait() }
}

// procCPU is the user+system time a process has used, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func smtpSource(addr string, n, size, conc int) (float64, float64, error) {
	cmd := exec.Command("/usr/sbin/smtp-source", "-s", strconv.Itoa(conc), "-m", strconv.Itoa(n), "-d",
		"-l", strconv.Itoa(size), "-f", "from@example.org", "-t", "to@example.com", addr)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	el := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return float64(n) / el.Seconds(), float64(cpu.Microseconds()) / float64(n), nil
}

// message returns a message of about size octets: headers and CRLF lines.
func message(size int) []byte {
	var b strings.Builder
	b.WriteString("From: from@example.org\r\nTo: to@example.com\r\nSubject: benchmark\r\nMessage-ID: <x@example.org>\r\n\r\n")
	line := strings.Repeat("La de da de da 1. ", 4) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return []byte(b.String()[:size-2] + "\r\n")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// parallel runs n jobs on conc goroutines and measures rate and CPU.
func parallel(n, conc int, job func(worker int) error) (float64, float64, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	cpu0 := cpuTime()
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := job(w); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	cpu := cpuTime() - cpu0
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, 0, err
	}
	return float64(n) / el.Seconds(), float64(cpu.Microseconds()) / float64(n), nil
}

// mxkit sends with a Transport of conc sessions called by senders
// goroutines.
func mxkit(addr string, n, size, conc, senders int) (float64, float64, error) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	tr := &smtpclient.Transport{Host: host, Port: p, TLS: smtpclient.TLSNone, MaxConnsPerHost: conc,
		MaxMessagesPerConn: 1 << 30, LocalName: "bench.example.org"}
	defer tr.Close()
	msg := message(size)
	env := smtpclient.Envelope{From: "from@example.org", To: []string{"to@example.com"}}
	readers := make([]bytes.Reader, senders)
	return parallel(n, senders, func(w int) error {
		r := &readers[w]
		r.Reset(msg)
		_, err := tr.Send(context.Background(), env, r)
		return err
	})
}

func netSMTP(addr string, n, size, conc int, reuse bool) (float64, float64, error) {
	msg := message(size)
	conns := make([]*smtp.Client, conc)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Quit()
			}
		}
	}()
	return parallel(n, conc, func(w int) error {
		c := conns[w]
		if c == nil || !reuse {
			var err error
			if c, err = smtp.Dial(addr); err != nil {
				return err
			}
			if err := c.Hello("bench.example.org"); err != nil {
				return err
			}
		} else if err := c.Reset(); err != nil {
			return err
		}
		if err := c.Mail("from@example.org"); err != nil {
			return err
		}
		if err := c.Rcpt("to@example.com"); err != nil {
			return err
		}
		wc, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := wc.Write(msg); err != nil {
			return err
		}
		if err := wc.Close(); err != nil {
			return err
		}
		if reuse {
			conns[w] = c
			return nil
		}
		return c.Quit()
	})
}
