package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr returns the address of the client that sent r, for limits per
// client (never for logs: an address is personal data).
//
// Without a trusted proxy it is the connection's peer (RemoteAddr). With
// trustProxy (--trust-proxy: Baken runs behind exactly one reverse proxy
// that appends the address it saw to X-Forwarded-For, as nginx's
// $proxy_add_x_forwarded_for, HAProxy's "option forwardfor" and Caddy do)
// it is the rightmost address of X-Forwarded-For: the one the proxy itself
// added. Addresses further left were written by the client and are not
// believed. A missing or malformed header falls back to RemoteAddr.
func ClientAddr(r *http.Request, trustProxy bool) netip.Addr {
	if trustProxy {
		if a, ok := lastForwarded(r.Header.Values("X-Forwarded-For")); ok {
			return a
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// lastForwarded returns the rightmost entry of the X-Forwarded-For lines
// (a header may come as several lines: the last line's last entry counts).
func lastForwarded(lines []string) (netip.Addr, bool) {
	if len(lines) == 0 {
		return netip.Addr{}, false
	}
	last := lines[len(lines)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	last = strings.TrimSpace(last)
	if ap, err := netip.ParseAddrPort(last); err == nil { // "192.0.2.1:4711", "[2001:db8::1]:4711"
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.Trim(last, "[]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// ClientKey is the key a per-client limit counts under: the address, and
// for IPv6 its /64 network (one subscriber usually holds a whole /64, so
// single IPv6 addresses would be free to vary).
func ClientKey(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
