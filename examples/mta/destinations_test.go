package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/mx"
)

// TestPrivateDestinations: a recipient domain whose MX hosts are at
// 127.0.0.x does not get this MTA to connect there (an internal mail
// server may trust it as a relay), and since no retry could change that,
// the recipient fails at once: a bounced event with RFC 3463 5.4.4, no
// deferral, and a DSN to the sender. Port 25: nothing needs to listen
// (without the guard the attempt is a refused connection, a deferral).
// The sender's domain has its MX at 127.0.0.1 as well, so the DSN is
// refused in turn, which shows it was made: a bounced event for it.
func TestPrivateDestinations(t *testing.T) {
	w := newWorld(t)
	w.addMX(t, "internal.example", "127.0.0.1", "127.0.0.2")
	hr := &hookReceiver{}
	cfg := w.config(t.TempDir())
	cfg.Delivery.MXPort = 0 // 25: not a test's MX port
	withWebhook(t, cfg, hr)
	logFile := filepath.Join(t.TempDir(), "mail.log")
	cfg.MailLog.File = logFile
	m, logs := startLogged(t, cfg)
	body := sendJSON(map[string]any{"from": "news@shop.example", "to": []string{"x@internal.example"}, "subject": "s", "text": "x"})
	if code := api(t, m, "POST", "/api/send", "tok", body, nil); code != http.StatusAccepted {
		t.Fatalf("send: %d", code)
	}
	waitFor(t, "the failure and the DSN's", func() bool {
		return hr.find("bounced", "x@internal.example") != nil && hr.find("bounced", "news@shop.example") != nil
	})
	ev := hr.find("bounced", "x@internal.example")
	if !strings.Contains(ev.Error, "is not a globally reachable address") || ev.Enhanced != "5.4.4" || ev.Stage != "connect" || !ev.Hard {
		t.Errorf("bounced event %+v, want 5.4.4 at connect, hard, saying the destination was refused", ev)
	}
	if ev := hr.find("deferred", "x@internal.example"); ev != nil {
		t.Errorf("deferred first: %+v", ev)
	}
	if n := m.queued.Load(); n != 0 {
		t.Errorf("%d messages still queued, want none (no retry)", n)
	}
	if !strings.Contains(logs.String(), "no MX address is globally reachable") {
		t.Errorf("the log does not say why the recipient failed:\n%s", logs.String())
	}
	line := findLine(mailLogLines(t, logFile, false), "bounced", map[string]string{"to": "<x@internal.example>"})
	if line == nil || line["dsn"] != "5.4.4" || line["stage"] != "connect" {
		t.Errorf("mail log line %v, want bounced with dsn=5.4.4 at connect", line)
	}
	if s := m.Stats(); s.Failed < 1 || s.Deferred != 0 {
		t.Errorf("stats %+v: want the failure counted, no deferral", s)
	}
}

// TestUnroutable: the decision to fail at once needs the guard's
// refusal and a route all of whose addresses the guard refuses; one
// public address, or a host whose lookup failed, leaves a deferral.
func TestUnroutable(t *testing.T) {
	refused := &delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageConnect,
		Err: fmt.Errorf("smtp 127.0.0.1:25: connect: %w", &net.OpError{Op: "dial", Net: "tcp", Err: &destinationError{netip.MustParseAddr("127.0.0.1")}})}
	host := func(addrs ...string) mx.Host {
		h := mx.Host{Name: "mx.example"}
		for _, a := range addrs {
			h.Addrs = append(h.Addrs, netip.MustParseAddr(a))
		}
		return h
	}
	route := func(hosts ...mx.Host) *mx.Route { return &mx.Route{Domain: "example", Hosts: hosts} }
	dnsFailed := host()
	dnsFailed.Err = errors.New("SERVFAIL")
	closed := &delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageConnect, Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		name  string
		o     *delivery.Outcome
		route *mx.Route
		want  bool
	}{
		{"all private", refused, route(host("127.0.0.1", "::1"), host("10.0.0.1", "169.254.169.254")), true},
		{"one public address", refused, route(host("127.0.0.1"), host("192.0.2.1", "8.8.8.8")), false},
		{"a host's lookup failed", refused, route(host("127.0.0.1"), dnsFailed), false},
		{"no route recorded", refused, nil, false},
		{"no hosts", refused, route(), false},
		{"refused connection", closed, route(host("127.0.0.1")), false},
		{"already failed", &delivery.Outcome{Status: delivery.Failed, Err: refused.Err}, route(host("127.0.0.1")), false},
	} {
		if got := unroutable(c.o, c.route); got != c.want {
			t.Errorf("%s: unroutable = %v, want %v", c.name, got, c.want)
		}
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
