//go:build linux

package rawio

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// Conn is a plain TCP connection whose reads and writes are made with
// raw system calls on its non-blocking socket, through its RawConn: the
// netpoller still waits for readiness, deadlines and Close work as on
// the *net.TCPConn.
//
// Why: Go's ordinary system call path (entersyscall) wakes the runtime's
// monitor thread (sysmon) whenever it sleeps because every P was idle,
// which is the case each time a client waits on the network; awake, it
// polls every 20 µs while any goroutine runs. With one wake-up per
// message that cost 20-30 µs of CPU per 100 KB message on a 2-core VM,
// a quarter of smtpclient's CPU. A read or writev on a non-blocking
// socket never blocks, which is what a raw system call requires; it does
// not hand its P to another thread meanwhile, which such short calls do
// not need.
type Conn struct {
	*net.TCPConn
	rc syscall.RawConn

	// State of the Read in progress, one at a time under rmu, as the
	// Write's is under wmu: like a *net.TCPConn, a Conn may be used by
	// several goroutines at once, each Write whole.
	rmu    sync.Mutex
	rbuf   []byte
	rn     int
	rerr   syscall.Errno
	readFn func(fd uintptr) bool

	// State of the Write in progress: what is left of a, then of b.
	wmu     sync.Mutex
	wa, wb  []byte
	wn      int
	werr    syscall.Errno
	iov     [2]syscall.Iovec
	writeFn func(fd uintptr) bool
}

// Wrap returns nc as a *Conn when it is a plain *net.TCPConn (what a
// dialer or a TCP listener returns unwrapped); any other connection is
// returned as it is.
//
// Not under the race detector: it learns that a socket write happens
// before the peer's read from the annotations in package syscall's Read
// and Write, which raw system calls do not make, so an in-process peer
// (tests) would look racy.
func Wrap(nc net.Conn) net.Conn {
	tc, ok := nc.(*net.TCPConn)
	if !ok || raceEnabled {
		return nc
	}
	if r, err := New(tc); err == nil {
		return r
	}
	return nc
}

// New returns tc with raw reads and writes, whether or not the race
// detector is on.
func New(tc *net.TCPConn) (*Conn, error) {
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil, err
	}
	r := &Conn{TCPConn: tc, rc: rc}
	r.readFn, r.writeFn = r.read1, r.write1
	return r, nil
}

func (r *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.rmu.Lock()
	defer r.rmu.Unlock()
	r.rbuf, r.rn, r.rerr = p, 0, 0
	err := r.rc.Read(r.readFn)
	r.rbuf = nil
	switch {
	case err != nil: // a deadline, or the connection closed
		return 0, r.opErr("read", err)
	case r.rerr != 0:
		return 0, r.opErr("read", os.NewSyscallError("read", r.rerr))
	case r.rn == 0:
		return 0, io.EOF
	}
	return r.rn, nil
}

// read1 is one non-blocking read(2); false means "wait for data".
func (r *Conn) read1(fd uintptr) bool {
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&r.rbuf[0])), uintptr(len(r.rbuf)))
		switch e {
		case 0:
			r.rn = int(n)
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		default:
			r.rerr = e
		}
		return true
	}
}

func (r *Conn) Write(p []byte) (int, error) { return r.Writev(p, nil) }

// Writev writes a and then b, in one writev(2) when the socket takes it.
// Like Write, it returns an error if it wrote less than both.
func (r *Conn) Writev(a, b []byte) (int, error) {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	r.wa, r.wb, r.wn, r.werr = a, b, 0, 0
	err := r.rc.Write(r.writeFn)
	r.wa, r.wb, r.iov = nil, nil, [2]syscall.Iovec{} // keep no reference to the caller's data
	if err == nil && r.werr != 0 {
		err = os.NewSyscallError("writev", r.werr)
	}
	if err != nil {
		return r.wn, r.opErr("write", err)
	}
	return r.wn, nil
}

// write1 writes what is left until it is all written, the socket is full
// (false: wait until it is writable) or an error.
func (r *Conn) write1(fd uintptr) bool {
	for len(r.wa)+len(r.wb) > 0 {
		k := 0
		for _, b := range [2][]byte{r.wa, r.wb} {
			if len(b) > 0 {
				r.iov[k] = syscall.Iovec{Base: &b[0]}
				r.iov[k].SetLen(len(b))
				k++
			}
		}
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&r.iov[0])), uintptr(k))
		switch e {
		case 0:
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		default:
			r.werr = e
			return true
		}
		r.wn += int(n)
		m := min(int(n), len(r.wa))
		r.wa = r.wa[m:]
		r.wb = r.wb[int(n)-m:]
	}
	return true
}

// opErr wraps err as the net package does for a *net.TCPConn, so that
// callers see the same errors (net.Error, os.ErrDeadlineExceeded,
// net.ErrClosed, syscall errnos).
func (r *Conn) opErr(op string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) { // RawConn's own "raw-read"/"raw-write"
		err = oe.Err
	}
	return &net.OpError{Op: op, Net: "tcp", Source: r.LocalAddr(), Addr: r.RemoteAddr(), Err: err}
}
