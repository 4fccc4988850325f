package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/redis/go-redis/v9"
)

// request makes a request with the headers given ("Name: value") and
// returns the status and the body.
func request(t *testing.T, method, url, body string, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// scrape GETs /metrics with the headers given.
func scrape(t *testing.T, m *MTA, headers ...string) (int, string) {
	t.Helper()
	return request(t, "GET", "http://"+m.HTTPAddr()+"/metrics", "", headers...)
}

// TestMetricsAuth: GET /metrics names tenants and From domains (the
// threshold series), so it takes the operator's tokens or a metrics
// token, never nothing, a user's token or password; a metrics token
// opens nothing else. Without tokens it answers loopback clients only,
// and not through a proxy.
func TestMetricsAuth(t *testing.T) {
	_, cfg := tenants(t)
	cfg.HTTP.MetricsTokens = []string{"tok-prom"}
	m := startMTA(t, cfg)
	for _, c := range []struct {
		name   string
		header string
		want   int
	}{
		{"no credentials", "", http.StatusUnauthorized},
		{"a user's token", "Authorization: Bearer tok-alice", http.StatusUnauthorized},
		{"a user's password", "Authorization: Basic " + basicValue("alice", "pw-alice"), http.StatusUnauthorized},
		{"a wrong token", "Authorization: Bearer tok-prometheus", http.StatusUnauthorized},
		{"the metrics token", "Authorization: Bearer tok-prom", http.StatusOK},
		{"the operator's token", "Authorization: Bearer tok", http.StatusOK},
	} {
		var hs []string
		if c.header != "" {
			hs = append(hs, c.header)
		}
		code, body := scrape(t, m, hs...)
		if code != c.want {
			t.Errorf("%s: %d, want %d", c.name, code, c.want)
		}
		if code == http.StatusOK != strings.Contains(body, "mta_messages_received_total") {
			t.Errorf("%s: %d with a body of %d bytes", c.name, code, len(body))
		}
	}
	// The metrics token is for /metrics only.
	if code, _ := post(t, m, "/api/send", bearer("tok-prom"), sendJSON(map[string]any{"from": "a@alice.example", "to": []string{"x@customers.example"}, "text": "t"})); code != http.StatusUnauthorized {
		t.Errorf("/api/send with the metrics token: %d, want 401", code)
	}

	// No token configured at all: loopback clients only, not proxied.
	w := newWorld(t)
	open := w.config(t.TempDir())
	open.HTTP.APITokens = nil
	mo := startMTA(t, open)
	if code, _ := scrape(t, mo); code != http.StatusOK {
		t.Errorf("without tokens, from loopback: %d, want 200", code)
	}
	for _, h := range []string{"X-Forwarded-For: 192.0.2.7", "Forwarded: for=192.0.2.7"} {
		if code, _ := scrape(t, mo, h); code != http.StatusForbidden {
			t.Errorf("without tokens, through a proxy (%s): %d, want 403", h, code)
		}
	}
}

func basicValue(user, pass string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, pass)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// TestMetricsScrapeCost: with the shaping state in Redis, scrapes of
// /metrics, many at once and one after another, read the overrides from
// Redis once per sharedMetricsAge, not once each (Redis's own command
// statistics count the HGETALLs).
func TestMetricsScrapeCost(t *testing.T) {
	addr := testenv.RedisAddr(t)
	prefix := fmt.Sprintf("mxkit-mta-metrics-%d:", time.Now().UnixNano())
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	hgetall := func() int {
		info, err := rdb.Info(context.Background(), "commandstats").Result()
		if err != nil {
			t.Fatal(err)
		}
		sub := regexp.MustCompile(`cmdstat_hgetall:calls=(\d+)`).FindStringSubmatch(info)
		if sub == nil {
			return 0
		}
		n, _ := strconv.Atoi(sub[1])
		return n
	}
	p := startProvider(t, -1, 0)
	_, cfg, _ := reputationWorld(t, p)
	cfg.Reputation.Redis = RedisConfig{URL: "redis://" + addr, Prefix: prefix}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	m := startMTA(t, cfg)

	before := hgetall()
	start := time.Now()
	const scrapes = 30
	var wg sync.WaitGroup
	for range scrapes / 2 {
		wg.Go(func() {
			// Past maxScrapes at once, 503.
			if code, body := scrape(t, m, "Authorization: Bearer tok"); code != http.StatusServiceUnavailable && (code != http.StatusOK || !strings.Contains(body, "mta_queue_messages")) {
				t.Errorf("scrape: %d", code)
			}
		})
	}
	wg.Wait()
	for range scrapes / 2 {
		if code, _ := scrape(t, m, "Authorization: Bearer tok"); code != http.StatusOK {
			t.Errorf("scrape: %d", code)
		}
	}
	reads := hgetall() - before
	// One read, and one more for each sharedMetricsAge the scrapes took
	// (on a loaded machine).
	if most := 1 + int(time.Since(start)/sharedMetricsAge); reads > most || reads < 1 {
		t.Errorf("%d scrapes made %d HGETALLs in Redis, want 1 to %d", scrapes, reads, most)
	}
}
