// Package dovecottest starts a private Dovecot instance for tests: the
// system's Dovecot (Debian's dovecot-core and the protocol packages the
// configuration names) with a configuration of the test's own.
package dovecottest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Bin is the Dovecot master's path on Debian.
const Bin = "/usr/sbin/dovecot"

// ErrNotStarted is the error Start wraps when the master does not start
// (a test skips then); a master that starts and does not listen is the
// test's failure.
var ErrNotStarted = errors.New("dovecot did not start")

// Start runs Dovecot with the configuration file conf, whose log_path is
// logFile, stops it when the test ends and waits until it listens on
// every port of ports (on 127.0.0.1). The master goes to the background:
// its output goes to a file in the configuration's folder, not to a
// pipe it would keep open. The error carries Dovecot's output and log.
func Start(t testing.TB, conf, logFile string, ports ...int) error {
	t.Helper()
	outName := filepath.Join(filepath.Dir(conf), "start.out")
	out, err := os.Create(outName)
	if err != nil {
		return err
	}
	cmd := exec.Command(Bin, "-c", conf)
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Run()
	out.Close()
	if err != nil {
		msg, _ := os.ReadFile(outName)
		log, _ := os.ReadFile(logFile)
		return fmt.Errorf("%w: %v %s\n%s", ErrNotStarted, err, msg, log)
	}
	t.Cleanup(func() { _ = exec.Command(Bin, "-c", conf, "stop").Run() })
	for _, port := range ports {
		for try := 0; ; try++ {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			if try == 100 {
				log, _ := os.ReadFile(logFile)
				return fmt.Errorf("dovecot is not listening on %d: %v\n%s", port, err, log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}
