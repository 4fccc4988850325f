//go:build !linux

package rawio

import "net"

// Wrap returns nc unchanged: the raw system call path (rawio_linux.go)
// is Linux's only.
func Wrap(nc net.Conn) net.Conn { return nc }
