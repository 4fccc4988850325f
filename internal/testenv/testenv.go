// Package testenv finds what mxkit's tests need outside the module: the
// shared conformance suites and corpora, and system services.
package testenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Shared returns the directory $MXKIT_SHARED/sub (MXKIT_SHARED defaults to
// ../shared beside the module root), or skips the test with a clear message
// when it is missing.
func Shared(tb testing.TB, sub string) string {
	tb.Helper()
	root := os.Getenv("MXKIT_SHARED")
	if root == "" {
		if mod := moduleRoot(); mod != "" {
			root = filepath.Join(mod, "..", "shared")
		}
	}
	dir := filepath.Join(root, sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("shared data %q not found (set MXKIT_SHARED to the shared/ folder): %v", sub, err)
	}
	return dir
}

// moduleRoot walks up from the working directory to the folder with the
// library's go.mod.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// PostgresDSN returns $MXKIT_PG_DSN or skips the test: PostgreSQL tests need
// a server (`source .ci/services` starts one on loopback).
//
// The test holds the server shared until it ends: go test runs packages in
// parallel processes against the one server, and a test that stops it
// (PostgresExclusive) waits until no other test uses it, and they for it.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := postgresDSN(tb)
	lockServer(tb, dsn, false)
	return dsn
}

// PostgresExclusive is PostgresDSN for a test that stops or restarts the
// server: it waits until no test of any package holds the server, and
// keeps every other from starting on it until it ends. Call it before
// anything else in the test (PostgresDSN then holds nothing more in this
// process).
func PostgresExclusive(tb testing.TB) string {
	tb.Helper()
	dsn := postgresDSN(tb)
	lockServer(tb, dsn, true)
	return dsn
}

func postgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("MXKIT_PG_DSN")
	if dsn == "" {
		tb.Skip("PostgreSQL not configured: set MXKIT_PG_DSN (source .ci/services starts one on loopback)")
	}
	return dsn
}

// serverLockPath is the lock file the tests of every package share for
// the server at dsn.
func serverLockPath(dsn string) string {
	sum := sha256.Sum256([]byte(dsn))
	return filepath.Join(os.TempDir(), "mxkit-pg-"+hex.EncodeToString(sum[:6])+".lock")
}

// PostgresSchema returns $MXKIT_PG_DSN (or skips the test) and a new
// schema name, prefix and random hex, that is dropped with everything in
// it when the test ends. The schema itself is left for the caller's store
// to create.
func PostgresSchema(tb testing.TB, prefix string) (dsn, schema string) {
	tb.Helper()
	dsn = PostgresDSN(tb)
	var b [6]byte
	rand.Read(b[:])
	schema = prefix + hex.EncodeToString(b[:])
	tb.Cleanup(func() {
		if err := DropSchema(context.Background(), dsn, schema); err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return dsn, schema
}

// DropSchema drops schema and everything in it; a missing schema is an
// error.
func DropSchema(ctx context.Context, dsn, schema string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	return err
}

// Program returns the path of a system program (for example
// /usr/sbin/smtp-sink), or skips the test with a message saying which
// Debian package provides it.
func Program(tb testing.TB, path, pkg string) string {
	tb.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if p, err := exec.LookPath(filepath.Base(path)); err == nil {
		return p
	}
	tb.Skipf("%s not installed (Debian package %s): skipping", path, pkg)
	return ""
}

// RedisAddr returns $MXKIT_REDIS_ADDR ("127.0.0.1:port") or skips the
// test: Redis tests need a server (`source .ci/services` starts one on
// loopback).
func RedisAddr(tb testing.TB) string {
	tb.Helper()
	addr := os.Getenv("MXKIT_REDIS_ADDR")
	if addr == "" {
		tb.Skip("Redis not configured: set MXKIT_REDIS_ADDR (source .ci/services starts one on loopback; Debian package redis-server)")
	}
	return addr
}

// SharedPort returns a TCP port free on both 127.0.0.1 and 127.0.0.2, so
// that two mail hosts can listen on the one port a client connects to
// (smtpclient.Transport.Port is the same for every MX host).
func SharedPort(tb testing.TB) int {
	tb.Helper()
	for range 20 {
		l1, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		port := l1.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", "127.0.0.2:"+strconv.Itoa(port))
		l1.Close()
		if err == nil {
			l2.Close()
			return port
		}
	}
	tb.Fatal("no port free on both 127.0.0.1 and 127.0.0.2")
	return 0
}
