package httpx

import (
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	tests := []struct {
		name       string
		remote     string
		xff        []string
		trustProxy bool
		want, key  string
	}{
		{"no proxy", "192.0.2.7:51000", nil, false, "192.0.2.7", "192.0.2.7"},
		{"untrusted header ignored", "192.0.2.7:51000", []string{"203.0.113.9"}, false, "192.0.2.7", "192.0.2.7"},
		{"trusted proxy, one hop", "10.0.0.2:443", []string{"203.0.113.9"}, true, "203.0.113.9", "203.0.113.9"},
		{"client-written entries on the left are not believed", "10.0.0.2:443", []string{"198.51.100.1, 203.0.113.9"}, true, "203.0.113.9", "203.0.113.9"},
		{"several header lines: the last one's last entry", "10.0.0.2:443", []string{"198.51.100.1", "203.0.113.9 , 203.0.113.10"}, true, "203.0.113.10", "203.0.113.10"},
		{"with a port", "10.0.0.2:443", []string{"203.0.113.9:4711"}, true, "203.0.113.9", "203.0.113.9"},
		{"IPv6 counts per /64", "10.0.0.2:443", []string{"2001:db8:1:2:3:4:5:6"}, true, "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"bracketed IPv6 with port", "10.0.0.2:443", []string{"[2001:db8::1]:4711"}, true, "2001:db8::1", "2001:db8::/64"},
		{"IPv4-mapped IPv6 peer", "[::ffff:192.0.2.7]:51000", nil, false, "192.0.2.7", "192.0.2.7"},
		{"malformed header: the peer", "10.0.0.2:443", []string{"not-an-address"}, true, "10.0.0.2", "10.0.0.2"},
		{"empty header: the peer", "10.0.0.2:443", []string{""}, true, "10.0.0.2", "10.0.0.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/inloggen", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			a := ClientAddr(r, tc.trustProxy)
			if a.String() != tc.want || ClientKey(a) != tc.key {
				t.Errorf("ClientAddr = %s (key %s), want %s (key %s)", a, ClientKey(a), tc.want, tc.key)
			}
		})
	}
}
