package webhook

import (
	"net/netip"
	"strings"
	"testing"
)

func TestCheckAddr(t *testing.T) {
	const ok = ""
	for _, tc := range []struct {
		addr            string
		strict, lenient string // the kind refused without and with allowPrivate
	}{
		{"8.8.8.8", ok, ok},
		{"93.184.216.34", ok, ok},
		{"2606:4700::1111", ok, ok},
		{"172.32.0.1", ok, ok},
		{"100.128.0.1", ok, ok},
		{"127.0.0.1", "loopback", ok},
		{"127.9.9.9", "loopback", ok},
		{"::1", "loopback", ok},
		{"10.1.2.3", "private", ok},
		{"172.16.0.1", "private", ok},
		{"172.31.255.255", "private", ok},
		{"192.168.1.1", "private", ok},
		{"fd12:3456::1", "private", ok},
		{"100.64.0.1", "shared (CGNAT)", ok},
		{"100.127.255.254", "shared (CGNAT)", ok},
		{"169.254.169.254", "a cloud metadata service", "a cloud metadata service"},
		{"fd00:ec2::254", "a cloud metadata service", "a cloud metadata service"},
		{"100.100.100.200", "a cloud metadata service", "a cloud metadata service"},
		{"169.254.1.1", "link-local", "link-local"},
		{"fe80::1", "link-local", "link-local"},
		{"fe80::1%eth0", "link-local", "link-local"},
		{"0.0.0.0", "unspecified", "unspecified"},
		{"0.1.2.3", "unspecified", "unspecified"},
		{"::", "unspecified", "unspecified"},
		{"224.0.0.1", "multicast", "multicast"},
		{"ff02::1", "multicast", "multicast"},
		{"255.255.255.255", "broadcast", "broadcast"},
		{"::ffff:127.0.0.1", "loopback", ok},
		{"::ffff:10.0.0.1", "private", ok},
		{"::ffff:169.254.169.254", "a cloud metadata service", "a cloud metadata service"},
		{"64:ff9b::a00:1", "private", ok}, // NAT64 of 10.0.0.1
		{"64:ff9b::a9fe:a9fe", "a cloud metadata service", "a cloud metadata service"},
		{"64:ff9b::808:808", ok, ok}, // NAT64 of 8.8.8.8
	} {
		addr := netip.MustParseAddr(tc.addr)
		for _, allow := range []bool{false, true} {
			want := map[bool]string{false: tc.strict, true: tc.lenient}[allow]
			err := checkAddr(addr, allow)
			switch {
			case want == ok && err != nil:
				t.Errorf("%s (allowPrivate %v): %v, want allowed", tc.addr, allow, err)
			case want != ok && (err == nil || !strings.HasSuffix(err.Error(), " is "+want)):
				t.Errorf("%s (allowPrivate %v): %v, want refused as %s", tc.addr, allow, err, want)
			}
		}
	}
}

func TestControl(t *testing.T) {
	for _, tc := range []struct {
		network, address string
		allow, ok        bool
	}{
		{"tcp4", "8.8.8.8:443", false, true},
		{"tcp6", "[2606:4700::1111]:443", false, true},
		{"tcp4", "127.0.0.1:8080", false, false},
		{"tcp4", "127.0.0.1:8080", true, true},
		{"tcp6", "[::1]:80", false, false},
		{"tcp6", "[::ffff:127.0.0.1]:80", false, false},
		{"tcp6", "[::ffff:127.0.0.1]:80", true, true},
		{"tcp4", "169.254.169.254:80", true, false},
		{"tcp6", "[fe80::1%eth0]:80", true, false},
		{"tcp6", "[fd00:ec2::254]:80", true, false},
		{"udp4", "8.8.8.8:53", false, false},
		{"tcp4", "example.com:80", false, false},
	} {
		err := control(tc.allow)(tc.network, tc.address, nil)
		if (err == nil) != tc.ok {
			t.Errorf("dial %s %s (allowPrivate %v): %v, want allowed %v", tc.network, tc.address, tc.allow, err, tc.ok)
		}
	}
}

func TestClientUsesNoProxy(t *testing.T) {
	// A proxy would dial the endpoint itself, out of the guard's sight.
	if c := NewClient(false); c.transport.Proxy != nil || c.transport.DialContext == nil {
		t.Error("the transport uses a proxy, or dials without the guard")
	}
}
