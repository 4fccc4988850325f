package redisstate_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/redisstate"
	"github.com/mxkit/mxkit/shaping"
	"github.com/mxkit/mxkit/smtpclient"
)

// rate is the limit the three processes share, in messages a second.
const rate = 50

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(t *testing.T, port int) {
	for range 100 {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on port %d", port)
}

func startRedis(t *testing.T, bin string, port int) *exec.Cmd {
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitPort(t, port)
	return cmd
}

// child is a sending process: what it printed, line by line.
type child struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	mu     sync.Mutex
	lines  []string
	first  chan struct{}
	done   chan struct{}
	stderr bytes.Buffer
}

func (c *child) read(r io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	once := sync.Once{}
	for sc.Scan() {
		l := sc.Text()
		c.mu.Lock()
		c.lines = append(c.lines, l)
		c.mu.Unlock()
		if strings.HasPrefix(l, "D ") {
			once.Do(func() { close(c.first) })
		}
	}
}

func (c *child) report() (delivered, pending []string, deferred int, ended bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.lines {
		switch {
		case strings.HasPrefix(l, "D "):
			delivered = append(delivered, l[2:])
		case strings.HasPrefix(l, "P "):
			pending = append(pending, l[2:])
		case strings.HasPrefix(l, "F "):
			deferred++
		case l == "END":
			ended = true
		}
	}
	return
}

// TestThreeProcesses: three processes deliver to one smtp-sink under one
// limit of 50 messages a second kept in Redis. The aggregate rate the sink
// sees stays within 5% of it; one process is killed and the other two go
// on within the limit; Redis is stopped and restarted: while it is down
// nothing is sent (limits fail closed, messages are deferred), afterwards
// sending resumes at the limit, and every message the survivors took is
// delivered exactly once or still pending with them.
func TestThreeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three processes for about 20 seconds")
	}
	redisBin := testenv.Program(t, "/usr/bin/redis-server", "redis-server")
	sinkBin := testenv.Program(t, "/usr/sbin/smtp-sink", "postfix")
	redisPort, sinkPort := freePort(t), freePort(t)
	rd := startRedis(t, redisBin, redisPort)
	defer func() { rd.Process.Kill(); rd.Wait() }()

	// smtp-sink runs as nobody: its dump folder must be reachable by all
	// (t.TempDir's parent is not).
	dump, err := os.MkdirTemp("", "mxkit-sink")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dump)
	os.Chmod(dump, 0o777)
	args := []string{"-d", dump + "/m.", "127.0.0.1:" + strconv.Itoa(sinkPort), "256"}
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...)
	}
	sink := exec.Command(sinkBin, args...)
	if err := sink.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sink.Process.Kill(); sink.Wait() }()
	waitPort(t, sinkPort)

	var children []*child
	for _, name := range []string{"a", "b", "c"} {
		c := &child{name: name, first: make(chan struct{}), done: make(chan struct{})}
		c.cmd = exec.Command(os.Args[0], "-test.run=^TestSenderProcess$", "-test.v")
		c.cmd.Env = append(os.Environ(), "MXKIT_SENDER="+name, "MXKIT_SENDER_REDIS=127.0.0.1:"+strconv.Itoa(redisPort),
			"MXKIT_SENDER_SINK="+strconv.Itoa(sinkPort))
		out, err := c.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		c.cmd.Stderr = &c.stderr // go-redis logs every failed dial while Redis is down
		if c.stdin, err = c.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go c.read(out)
		children = append(children, c)
		defer c.cmd.Process.Kill()
	}
	for _, c := range children {
		select {
		case <-c.first:
		case <-time.After(30 * time.Second):
			c.mu.Lock()
			t.Fatalf("process %s delivered nothing in 30s: %q", c.name, c.lines[max(0, len(c.lines)-3):])
		}
	}

	t0 := time.Now()
	sleepUntil := func(at time.Time) { time.Sleep(time.Until(at)) }
	sleepUntil(t0.Add(4500 * time.Millisecond))
	children[2].cmd.Process.Signal(syscall.SIGKILL)
	killedAt := time.Now()
	sleepUntil(t0.Add(8500 * time.Millisecond))
	rd.Process.Signal(syscall.SIGKILL)
	rd.Wait()
	stoppedAt := time.Now()
	sleepUntil(t0.Add(10500 * time.Millisecond))
	restartedAt := time.Now() // Redis may answer as soon as it starts
	rd = startRedis(t, redisBin, redisPort)
	sleepUntil(restartedAt.Add(4500 * time.Millisecond))
	for _, c := range children[:2] {
		c.stdin.Close()
	}
	for _, c := range children {
		select {
		case <-c.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("process %s did not finish", c.name)
		}
		c.cmd.Wait()
	}

	// What the sink received: each message's Message-ID and when its
	// dump file was last written.
	type got struct {
		id string
		at time.Time
	}
	var recv []got
	files, _ := filepath.Glob(filepath.Join(dump, "m.*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		fi, err2 := os.Stat(f)
		if err != nil || err2 != nil {
			t.Fatal(err, err2)
		}
		i := strings.Index(string(b), "Message-ID: <")
		if i < 0 {
			t.Fatalf("dump %s has no Message-ID", f)
		}
		id := string(b[i+len("Message-ID: <"):])
		id = id[:strings.IndexByte(id, '@')]
		recv = append(recv, got{id, fi.ModTime()})
	}
	inWindow := func(from, to time.Time) int {
		n := 0
		for _, g := range recv {
			if !g.at.Before(from) && g.at.Before(to) {
				n++
			}
		}
		return n
	}
	check := func(what string, from, to time.Time) {
		n := inWindow(from, to)
		measured := float64(n) / to.Sub(from).Seconds()
		t.Logf("%s: %d messages in %.2fs: %.1f/s (limit %d/s, %+.1f%%)", what, n, to.Sub(from).Seconds(), measured, rate, 100*(measured-rate)/rate)
		if measured < rate*0.95 || measured > rate*1.05 {
			t.Errorf("%s: %.1f messages/s, not within 5%% of %d", what, measured, rate)
		}
	}
	check("three processes", t0.Add(500*time.Millisecond), killedAt)
	check("two processes after one was killed", killedAt.Add(500*time.Millisecond), stoppedAt)
	if n := inWindow(stoppedAt.Add(200*time.Millisecond), restartedAt); n != 0 {
		var late []string
		for _, g := range recv {
			if g.at.After(stoppedAt) && g.at.Before(restartedAt) {
				late = append(late, fmt.Sprintf("%s at +%v", g.id, g.at.Sub(stoppedAt).Round(time.Millisecond)))
			}
		}
		t.Errorf("%d messages reached the sink while Redis was down: limits did not fail closed (%s)", n, strings.Join(late, ", "))
	}
	t.Logf("Redis down for %.2fs: %d messages reached the sink", restartedAt.Sub(stoppedAt).Seconds(), inWindow(stoppedAt.Add(200*time.Millisecond), restartedAt))
	check("after Redis restarted", restartedAt.Add(500*time.Millisecond), restartedAt.Add(4500*time.Millisecond))

	seen := map[string]int{}
	for _, g := range recv {
		seen[g.id]++
	}
	for _, c := range children {
		delivered, pending, deferred, ended := c.report()
		t.Logf("process %s: %d delivered, %d pending at the end, %d deferrals while Redis was down", c.name, len(delivered), len(pending), deferred)
		for _, id := range delivered {
			if seen[id] != 1 {
				t.Errorf("process %s reported %s delivered; the sink has it %d times", c.name, id, seen[id])
			}
		}
		if c.name == "c" {
			continue // killed: what it had in hand is gone with it
		}
		if !ended {
			b := c.stderr.Bytes()
			t.Errorf("process %s did not end cleanly; its last words: %s", c.name, b[max(0, len(b)-2000):])
		}
		if deferred == 0 {
			t.Errorf("process %s deferred nothing while Redis was down", c.name)
		}
		// Every message it took is delivered or pending, none twice.
		all := append(slices.Clone(delivered), pending...)
		slices.Sort(all)
		if len(slices.Compact(slices.Clone(all))) != len(all) {
			t.Errorf("process %s: a message both delivered and pending, or delivered twice", c.name)
		}
		for i := range len(all) {
			if id := fmt.Sprintf("%s-%d", c.name, i); !slices.Contains(all, id) {
				t.Errorf("process %s lost %s", c.name, id)
				break
			}
		}
		for _, id := range pending {
			if seen[id] != 0 {
				t.Errorf("process %s: pending %s is at the sink", c.name, id)
			}
		}
	}
}

// TestSenderProcess is one of TestThreeProcesses's sending processes. It
// sends numbered messages through smtpclient with a Shaper whose State is
// in Redis, prints "D id" for each delivered and "F id" for each deferred
// because the limiter could not be asked (those are sent again), and when
// its standard input closes, "P id" for what it still holds and "END".
func TestSenderProcess(t *testing.T) {
	name := os.Getenv("MXKIT_SENDER")
	if name == "" {
		t.Skip("run by TestThreeProcesses")
	}
	port, _ := strconv.Atoi(os.Getenv("MXKIT_SENDER_SINK"))
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("MXKIT_SENDER_REDIS"), DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 500 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	r := rate
	if s := os.Getenv("MXKIT_SENDER_RATE"); s != "" {
		r, _ = strconv.Atoi(s)
	}
	shaper := &shaping.Shaper{State: redisstate.New(rdb, "three:"), Rules: []shaping.Rule{},
		Limits: map[string]shaping.Limit{"*": {Rate: shaping.Rate{Messages: r, Per: time.Second}}}}
	tr := &smtpclient.Transport{Host: "127.0.0.1", Port: port, TLS: smtpclient.TLSNone, MaxConnsPerHost: 4, Shaper: shaper,
		LocalName: "sender-" + name + ".test"}
	defer tr.Close()

	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		mu.Lock()
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
		mu.Unlock()
	}
	next, retry := 0, []string(nil)
	stopping := false
	take := func() (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		if stopping {
			return "", false
		}
		if len(retry) > 0 {
			id := retry[0]
			retry = retry[1:]
			return id, true
		}
		id := fmt.Sprintf("%s-%d", name, next)
		next++
		return id, true
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		mu.Lock()
		stopping = true
		mu.Unlock()
	}()
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id, ok := take()
				if !ok {
					return
				}
				msg := "From: <s@sender.test>\r\nTo: <r@sink.test>\r\nMessage-ID: <" + id + "@sender.test>\r\nSubject: " + id + "\r\n\r\nhello\r\n"
				_, err := tr.Send(context.Background(), smtpclient.Envelope{From: "s@sender.test", To: []string{"r@sink.test"}}, strings.NewReader(msg))
				if err == nil {
					say("D %s", id)
					continue
				}
				if errors.Is(err, shaping.ErrLimiterDown) {
					say("F %s", id)
				} else {
					say("X %s %v", id, err)
				}
				mu.Lock()
				retry = append(retry, id)
				mu.Unlock()
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	for _, id := range retry {
		say("P %s", id)
	}
	say("END")
}
