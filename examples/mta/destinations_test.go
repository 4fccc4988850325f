package main

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// TestPrivateDestinations: a recipient domain whose MX host is at
// 127.0.0.1 does not get this MTA to connect there (an internal mail
// server may trust it as a relay): the attempt fails before connecting,
// saying why. The first domain's MX is loopback, port 25 (nothing needs
// to listen: without the guard the attempt is a refused connection).
func TestPrivateDestinations(t *testing.T) {
	w := newWorld(t)
	if err := w.dns.Add("internal.example. IN MX 10 mx.internal.example.\nmx.internal.example. IN A 127.0.0.1\n"); err != nil {
		t.Fatal(err)
	}
	hr := &hookReceiver{}
	cfg := w.config(t.TempDir())
	cfg.Delivery.MXPort = 0 // 25: not a test's MX port
	withWebhook(t, cfg, hr)
	m := startMTA(t, cfg)
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"x@internal.example"}, "subject": "s", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
		t.Fatalf("send: %d", code)
	}
	waitFor(t, "the attempt", func() bool { return hr.find("deferred", "x@internal.example") != nil })
	if ev := hr.find("deferred", "x@internal.example"); !strings.Contains(ev.Error, "127.0.0.1 is not a globally reachable address") {
		t.Errorf("deferred with %q, want the destination refused", ev.Error)
	}
}

func TestGloballyReachable(t *testing.T) {
	for _, c := range []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true},
		{"2a00:1450:4001:80b::201a", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"192.0.2.1", false},
		{"255.255.255.255", false},
		{"::1", false},
		{"::", false},
		{"fd00::1", false},
		{"fe80::1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:8.8.8.8", true},
		{"2001:db8::1", false},
		{"ff02::1", false},
	} {
		if got := globallyReachable(netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("globallyReachable(%s) = %v, want %v", c.addr, got, c.want)
		}
	}
}
