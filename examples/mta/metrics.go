package main

import (
	"crypto/sha256"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series of GET /metrics, in a registry of the
// MTA's own (no global state). It also implements smtpclient.Metrics.
type metrics struct {
	reg *prometheus.Registry
	// tokens are those GET /metrics takes, by their SHA-256:
	// http.metrics_tokens and the operator's http.api_tokens.
	tokens       map[[sha256.Size]byte]bool
	received     prometheus.Counter
	outcomes     *prometheus.CounterVec // by result: delivered, deferred, failed
	delivered    prometheus.Counter     // outcomes' series, looked up once
	deferred     prometheus.Counter
	failed       prometheus.Counter
	attempt      prometheus.Histogram
	enqueue      prometheus.Histogram
	conns        *prometheus.CounterVec // by tls
	reused       prometheus.Counter
	replies      *prometheus.CounterVec // by command and code class
	authFailures prometheus.Counter
	limited      *prometheus.CounterVec // by limit: smtp_sessions, http_conns, login_blocked, login_hangup, api_send_bytes, unsubscribe_entries
	feedback     prometheus.Counter
	hookSent     prometheus.Counter
	hookDropped  *prometheus.CounterVec // by why: buffer_full, failed
}

func newMetrics(m *MTA) *metrics {
	x := &metrics{
		reg:    prometheus.NewRegistry(),
		tokens: map[[sha256.Size]byte]bool{},
		received: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mta_messages_received_total", Help: "Messages accepted and queued (SMTP, HTTP, DSNs).",
		}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_recipients_total", Help: "Recipient delivery outcomes: delivered, deferred (each retry), failed.",
		}, []string{"result"}),
		attempt: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "mta_delivery_attempt_seconds", Help: "Time of one SMTP transaction to a destination.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
		}),
		enqueue: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "mta_enqueue_seconds", Help: "Time to sign and durably queue a message (what a submitting client waits for).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		conns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_smtp_connections_total", Help: "Outbound SMTP sessions opened.",
		}, []string{"tls"}),
		reused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mta_smtp_connections_reused_total", Help: "Messages sent on an idle pooled session.",
		}),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_smtp_replies_total", Help: "Outbound SMTP replies by command and reply code.",
		}, []string{"command", "code"}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mta_smtp_auth_failures_total", Help: "Failed SMTP AUTH attempts.",
		}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_limited_total", Help: "Refusals by a limit: SMTP sessions and HTTP connections over their caps, logins blocked after failures, SMTP sessions closed after failed logins, /api/send requests over http.max_send_bytes, one-click unsubscribes over reputation.suppression.max_unsubscribe_entries.",
		}, []string{"limit"}),
		feedback: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mta_feedback_events_total", Help: "Events from returned mail posted to /api/feedback.",
		}),
		hookSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mta_webhook_events_sent_total", Help: "Events the webhook accepted.",
		}),
		hookDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mta_webhook_events_dropped_total", Help: "Events dropped: buffer full or retries exhausted.",
		}, []string{"why"}),
	}
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mta_queue_messages", Help: "Messages in the queue.",
	}, func() float64 { return float64(m.queued.Load()) })
	x.reg.MustRegister(x.received, x.outcomes, x.attempt, x.enqueue, x.conns, x.reused, x.replies,
		x.authFailures, x.limited, x.feedback, x.hookSent, x.hookDropped, queued,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, t := range append(m.cfg.HTTP.MetricsTokens, m.cfg.HTTP.APITokens...) {
		x.tokens[sha256.Sum256([]byte(t))] = true
	}
	x.delivered = x.outcomes.WithLabelValues("delivered")
	x.deferred = x.outcomes.WithLabelValues("deferred")
	x.failed = x.outcomes.WithLabelValues("failed")
	return x
}

// ConnOpened implements smtpclient.Metrics.
func (x *metrics) ConnOpened(_ string, tls bool) {
	x.conns.WithLabelValues(strconv.FormatBool(tls)).Inc()
}

// ConnReused implements smtpclient.Metrics.
func (x *metrics) ConnReused(string) { x.reused.Inc() }

// Reply implements smtpclient.Metrics.
func (x *metrics) Reply(_ string, command string, code int) {
	x.replies.WithLabelValues(command, strconv.Itoa(code)).Inc()
}

// Message implements smtpclient.Metrics.
func (x *metrics) Message(string, time.Duration, error) {}

// maxScrapes bounds the scrapes of GET /metrics served at once; more get
// 503. A Prometheus pair scrapes twice an interval.
const maxScrapes = 4

// handleMetrics serves GET /metrics to the operator's monitoring only:
// the series name tenants, From domains over a threshold, providers and
// blocklistings, none of a user's business. It takes a bearer token of
// http.metrics_tokens or http.api_tokens (Prometheus's scrape config
// "authorization"), under the rules of authAPI (no credentials over
// plain HTTP from another host, failures counted, blocked clients
// refused); users' tokens and passwords are refused. With neither kind
// of token configured it answers loopback clients only, and not through
// a proxy (a request with Forwarded or X-Forwarded-For): a proxy on the
// same host would otherwise publish it.
func (m *MTA) handleMetrics() http.HandlerFunc {
	h := promhttp.HandlerFor(m.metrics.reg, promhttp.HandlerOpts{MaxRequestsInFlight: maxScrapes})
	return func(w http.ResponseWriter, r *http.Request) {
		if len(m.metrics.tokens) == 0 {
			if !remoteIP(r).IsLoopback() || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Forwarded-For") != "" {
				jsonError(w, http.StatusForbidden, "/metrics is for loopback clients only: set http.metrics_tokens to scrape it from elsewhere")
				return
			}
			h.ServeHTTP(w, r)
			return
		}
		m.bearer(w, r, m.metrics.tokens, "mta-metrics", "a token of http.metrics_tokens or http.api_tokens is required", h.ServeHTTP)
	}
}
