//go:build linux

package rawio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rawPair returns a Conn client connection and the server's end of it,
// over loopback.
func rawPair(t *testing.T) (*Conn, *net.TCPConn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := Wrap(nc).(*Conn); ok == raceEnabled {
		t.Fatalf("Wrap(%T) = %T with the race detector %v", nc, got, raceEnabled)
	}
	r, err := New(nc.(*net.TCPConn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); sc.Close() })
	return r, sc.(*net.TCPConn)
}

// TestWritev: two buffers far larger than the socket's send buffer
// arrive whole and in order: the writev waits for room (EAGAIN) and goes
// on where the last one stopped, across both buffers.
func TestWritev(t *testing.T) {
	r, sc := rawPair(t)
	a := bytes.Repeat([]byte("abcdefg\r\n"), 400_000) // 3.6 MB
	b := bytes.Repeat([]byte("0123\r\n"), 150_000)    // 0.9 MB
	got := make(chan []byte)
	go func() {
		time.Sleep(50 * time.Millisecond) // let the client fill the socket first
		all, _ := io.ReadAll(sc)
		got <- all
	}()
	n, err := r.Writev(a, b)
	if err != nil || n != len(a)+len(b) {
		t.Fatalf("writev: %d, %v; want %d, nil", n, err, len(a)+len(b))
	}
	if n, err := r.Write([]byte("end")); n != 3 || err != nil {
		t.Fatalf("Write: %d, %v", n, err)
	}
	r.CloseWrite()
	all := <-got
	if want := append(append(append([]byte{}, a...), b...), "end"...); !bytes.Equal(all, want) {
		t.Fatalf("server read %d octets, not the %d written in order", len(all), len(want))
	}
}

// TestConcurrentWrites: goroutines writing at once, each record larger
// than the socket takes in one writev, get their records through whole
// and unmixed, as on a *net.TCPConn.
func TestConcurrentWrites(t *testing.T) {
	r, sc := rawPair(t)
	const writers, records, size = 4, 20, 256 << 10
	got := make(chan []byte)
	go func() {
		all, _ := io.ReadAll(sc)
		got <- all
	}()
	var wg sync.WaitGroup
	for w := range writers {
		rec := bytes.Repeat([]byte{'a' + byte(w)}, size)
		wg.Go(func() {
			for range records {
				if n, err := r.Write(rec); n != size || err != nil {
					t.Errorf("Write: %d, %v", n, err)
				}
			}
		})
	}
	wg.Wait()
	r.CloseWrite()
	all := <-got
	if len(all) != writers*records*size {
		t.Fatalf("server read %d octets, want %d", len(all), writers*records*size)
	}
	for i := 0; i < len(all); i += size {
		if rec := all[i : i+size]; !bytes.Equal(rec, bytes.Repeat(rec[:1], size)) {
			t.Fatalf("record at %d mixes writers", i)
		}
	}
}

// TestRead: data, then end of file when the peer closes.
func TestRead(t *testing.T) {
	r, sc := rawPair(t)
	go func() {
		time.Sleep(20 * time.Millisecond) // the Read waits for it
		sc.Write([]byte("250 OK\r\n"))
		sc.Close()
	}()
	all, err := io.ReadAll(r)
	if err != nil || string(all) != "250 OK\r\n" {
		t.Fatalf("read %q, %v", all, err)
	}
	if n, err := r.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Fatalf("after the end: %d, %v; want 0, EOF", n, err)
	}
}

// TestErrors: deadlines, Close and a reset give the errors a
// *net.TCPConn gives, which callers rely on.
func TestErrors(t *testing.T) {
	t.Run("read deadline", func(t *testing.T) {
		r, _ := rawPair(t)
		r.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
		_, err := r.Read(make([]byte, 10))
		var ne net.Error
		var oe *net.OpError
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() || !errors.As(err, &oe) || oe.Op != "read" {
			t.Fatalf("got %v; want a read timeout (os.ErrDeadlineExceeded, net.Error)", err)
		}
	})
	t.Run("write deadline mid-write", func(t *testing.T) {
		r, sc := rawPair(t) // the server reads only after the deadline
		big := make([]byte, 64<<20)
		r.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := r.Writev(big, []byte("x"))
		if !errors.Is(err, os.ErrDeadlineExceeded) || n >= len(big) {
			t.Fatalf("got %d, %v; want part written and a deadline error", n, err)
		}
		// The count is what went out: the server gets exactly that.
		r.Close()
		got, _ := io.Copy(io.Discard, sc)
		if got != int64(n) {
			t.Fatalf("writev reported %d octets written, the server read %d", n, got)
		}
	})
	t.Run("poisoned deadline", func(t *testing.T) {
		r, sc := rawPair(t)
		sc.Write([]byte("250 OK\r\n"))
		r.SetDeadline(time.Unix(1, 0)) // what smtpclient does when a context ends
		if _, err := r.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("read: %v; want the deadline, although data is there", err)
		}
		if _, err := r.Write([]byte("QUIT\r\n")); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("write: %v", err)
		}
	})
	t.Run("closed while reading", func(t *testing.T) {
		r, _ := rawPair(t)
		go func() {
			time.Sleep(30 * time.Millisecond)
			r.Close()
		}()
		if _, err := r.Read(make([]byte, 10)); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("got %v; want net.ErrClosed", err)
		}
	})
	t.Run("reset by peer", func(t *testing.T) {
		r, sc := rawPair(t)
		sc.SetLinger(0)
		sc.Close() // RST
		time.Sleep(20 * time.Millisecond)
		_, err := r.Read(make([]byte, 10))
		var se *os.SyscallError
		if !errors.Is(err, syscall.ECONNRESET) || !errors.As(err, &se) {
			t.Fatalf("got %v; want ECONNRESET as an *os.SyscallError", err)
		}
	})
}

// TestWrapOnlyPlainTCP: connections that are not a plain *net.TCPConn
// (a dialer's own type, a pipe) are used as they are.
func TestWrapOnlyPlainTCP(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if got := Wrap(a); got != a {
		t.Fatalf("Wrap(net.Pipe) = %T, want it unchanged", got)
	}
}

// TestListener: an accepted connection is a Conn (not under the race
// detector) and serves its peer both ways.
func TestListener(t *testing.T) {
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Listener(tl)
	defer ln.Close()
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("EHLO x\r\n"))
		io.Copy(c, c) // echo what the server sends
	}()
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if _, ok := sc.(*Conn); ok == raceEnabled {
		t.Fatalf("accepted a %T with the race detector %v", sc, raceEnabled)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(sc, buf); err != nil || string(buf) != "EHLO x\r\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	if _, err := sc.Write([]byte("250 ok\r\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(sc, buf); err != nil || string(buf) != "250 ok\r\n" {
		t.Fatalf("echo %q, %v", buf, err)
	}
}
