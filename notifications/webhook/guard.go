package webhook

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"syscall"

	"github.com/wayfare-org/wayfare"
)

// maxURL is the longest endpoint URL accepted.
const maxURL = 2048

// Addresses no delivery may reach, whatever the configuration: cloud
// metadata services, then the ranges that are never a webhook's.
var (
	metadata = []netip.Addr{
		netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, OpenStack…
		netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
		netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	}
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	broadcast   = netip.MustParseAddr("255.255.255.255")
	cgnat       = netip.MustParsePrefix("100.64.0.0/10")
	nat64       = netip.MustParsePrefix("64:ff9b::/96")
)

// blockedError tells that an address is not one a delivery may reach.
type blockedError struct {
	addr netip.Addr
	kind string
}

// Error implements error, as "address 10.0.0.1 is private".
func (e *blockedError) Error() string {
	return fmt.Sprintf("address %s is %s", e.addr, e.kind)
}

// checkAddr returns a *blockedError when addr may not be reached: always
// for metadata, unspecified, link-local, multicast and broadcast
// addresses; for loopback, private and shared (CGNAT) addresses unless
// allowPrivate. IPv4-mapped and NAT64 addresses are judged by the IPv4
// address they carry.
func checkAddr(addr netip.Addr, allowPrivate bool) error {
	addr = unwrap(addr)
	if kind := alwaysBlocked(addr); kind != "" {
		return &blockedError{addr, kind}
	}
	if kind := privateKind(addr); kind != "" && !allowPrivate {
		return &blockedError{addr, kind}
	}
	return nil
}

// unwrap returns the IPv4 address an IPv6 address carries (::ffff:a.b.c.d
// or 64:ff9b::a.b.c.d), else addr without its zone.
func unwrap(addr netip.Addr) netip.Addr {
	addr = addr.WithZone("").Unmap()
	if addr.Is6() && nat64.Contains(addr) {
		b := addr.As16()
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return addr
}

func alwaysBlocked(addr netip.Addr) string {
	for _, m := range metadata {
		if addr == m {
			return "a cloud metadata service"
		}
	}
	switch {
	case !addr.IsValid():
		return "invalid"
	case addr.IsUnspecified(), thisNetwork.Contains(addr):
		return "unspecified"
	case addr.IsLinkLocalUnicast():
		return "link-local"
	case addr.IsMulticast():
		return "multicast"
	case addr == broadcast:
		return "broadcast"
	}
	return ""
}

func privateKind(addr netip.Addr) string {
	switch {
	case addr.IsLoopback():
		return "loopback"
	case addr.IsPrivate():
		return "private"
	case cgnat.Contains(addr):
		return "shared (CGNAT)"
	}
	return ""
}

// control is the net.Dialer's Control: it runs on every connection, after
// name resolution, with the address actually dialled, and refuses it
// before connecting.
func control(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if network != "tcp4" && network != "tcp6" && network != "tcp" {
			return fmt.Errorf("network %s is not allowed", network)
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("cannot check address %q: %w", address, err)
		}
		return checkAddr(ap.Addr(), allowPrivate)
	}
}

// CheckURL validates an endpoint's URL when an admin registers it: an
// absolute http or https URL with a host, no user name or password, and,
// when the host is a literal IP address, one a delivery may reach (see
// NewClient). Names are judged at delivery, on the addresses they
// resolve to. Errors name the field "url".
func CheckURL(raw string, allowPrivate bool) error {
	u, err := parseURL(raw)
	if err != nil {
		return err
	}
	if err := checkLiteral(u, allowPrivate); err != nil {
		return wayfare.FieldError("url", "%s", err)
	}
	return nil
}

// checkLiteral checks the host of u when it is a literal IP address.
func checkLiteral(u *url.URL, allowPrivate bool) error {
	ip, err := netip.ParseAddr(u.Hostname())
	if err != nil {
		return nil // a name, judged when dialled
	}
	return checkAddr(ip, allowPrivate)
}

// parseURL checks the shape of an endpoint's URL.
func parseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, wayfare.FieldError("url", "is required")
	}
	if len(raw) > maxURL {
		return nil, wayfare.FieldError("url", "is longer than %d characters", maxURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, wayfare.FieldError("url", "is not a valid URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, wayfare.FieldError("url", "must start with http:// or https://")
	case u.Hostname() == "":
		return nil, wayfare.FieldError("url", "has no host")
	case u.User != nil:
		return nil, wayfare.FieldError("url", "must not hold a user name or password")
	}
	return u, nil
}
