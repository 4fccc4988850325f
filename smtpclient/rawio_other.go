//go:build !linux

package smtpclient

import "net"

// rawIO returns nc unchanged: the raw system call path (rawio_linux.go)
// is Linux's only.
func rawIO(nc net.Conn) net.Conn { return nc }
