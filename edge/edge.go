// Package edge holds what every answer passes through at the server's
// edge, pages and API alike: who the client is when reverse proxies stand
// in front, and the security headers every answer carries.
package edge

import (
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose X-Forwarded-For is believed.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of CIDR prefixes or single
// addresses ("10.0.0.0/8, 192.0.2.7"); an empty list trusts no proxy.
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, err
			}
			ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

// Contains reports whether a is one of the proxies.
func (ps Proxies) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the address of the client that sent r. The direct
// peer is the client unless it is a trusted proxy; then X-Forwarded-For
// is read from the right, past the trusted proxies, and the first address
// not among them is the client (the ones to its left could be made up by
// anyone). What cannot be read stops the walk at the last proxy.
func (ps Proxies) ClientAddr(r *http.Request) string {
	peer, ok := remoteAddr(r)
	if !ok {
		return r.RemoteAddr
	}
	if !ps.Contains(peer) {
		return peer.String()
	}
	hops := forwarded(r)
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			break
		}
		peer = a.Unmap()
		if !ps.Contains(peer) {
			break
		}
	}
	return peer.String()
}

// remoteAddr is the address of the direct peer.
func remoteAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(r.RemoteAddr)
	return a.Unmap(), err == nil
}

// forwarded lists the addresses of every X-Forwarded-For header, in order.
func forwarded(r *http.Request) []string {
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for f := range strings.SplitSeq(h, ",") {
			hops = append(hops, strings.TrimSpace(f))
		}
	}
	return hops
}

// Origin returns the scheme and host a client reached the server at, as
// in "https://wayfare.example.org": https when the connection is TLS or
// tls says the server is reached over TLS (behind a proxy that ends it).
func Origin(r *http.Request, tls bool) string {
	scheme := "http"
	if tls || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
