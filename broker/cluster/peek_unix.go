//go:build unix

package cluster

import (
	"errors"
	"net"
	"syscall"
)

// peerOpen reports whether an idle connection is still open at the other
// end: a non-blocking peek sees the peer's FIN (0 bytes) at once, with no
// goroutine parked on the connection. Unsolicited bytes also count as
// closed: the protocol has the peer speak only when asked.
func peerOpen(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	open := false
	err = raw.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = n < 0 && errors.Is(rerr, syscall.EAGAIN)
		return true // never wait
	})
	return err == nil && open
}
