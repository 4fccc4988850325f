package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/queue"
)

// Event is what the webhook receives, in JSON arrays of up to
// webhook.batch_size events per POST.
type Event struct {
	Type      string    `json:"type"` // delivered, deferred, bounced, complaint
	Time      time.Time `json:"time"`
	ID        string    `json:"id,omitempty"` // queue ID
	Recipient string    `json:"recipient,omitempty"`
	MessageID string    `json:"message_id,omitempty"` // for feedback events
	Error     string    `json:"error,omitempty"`      // the reply ("550 5.1.1 text") or what went wrong
	// Stage, Code, Enhanced and RemoteHost are the attempt's outcome as
	// data (delivery.Outcome): where it was decided, the SMTP reply code,
	// the RFC 3463 code, the host that answered.
	Stage      string    `json:"stage,omitempty"`
	Code       int       `json:"code,omitempty"`
	Enhanced   string    `json:"enhanced,omitempty"`
	RemoteHost string    `json:"remote_host,omitempty"`
	RetryAt    time.Time `json:"retry_at,omitzero"` // deferred
	// Reason, Status and Hard classify bounces (bounce.ClassifyOutcome).
	Reason       string `json:"reason,omitempty"`
	Status       string `json:"status,omitempty"`
	Hard         bool   `json:"hard,omitempty"`
	FeedbackType string `json:"feedback_type,omitempty"` // complaint: abuse, fraud, ...
	Tenant       string `json:"tenant,omitempty"`
	Campaign     string `json:"campaign,omitempty"`

	// The reputation events' details (reputation_metrics.go).
	*EventDetail
}

func eventFromQueue(e queue.Event) Event {
	ev := Event{Time: e.Time.UTC(), ID: string(e.ID), Recipient: e.Recipient, Tenant: e.Tenant, Campaign: e.Campaign}
	if o := e.Outcome; o != nil {
		ev.Stage, ev.Code, ev.Enhanced, ev.RemoteHost = o.Stage.String(), o.Code, o.Enhanced.String(), o.Host
		if ev.Error = o.Reply(); ev.Error == "" && o.Status != delivery.Delivered {
			ev.Error = o.Text
		}
	}
	switch e.Kind {
	case queue.EventDelivered:
		ev.Type = "delivered"
	case queue.EventDeferred:
		ev.Type, ev.RetryAt = "deferred", e.RetryAt.UTC()
	case queue.EventFailed:
		ev.Type = "bounced"
		if e.Outcome != nil {
			c := bounce.ClassifyOutcome(e.Outcome)
			ev.Reason, ev.Status, ev.Hard = string(c.Reason), c.Status, c.Hard
		}
		if e.Expired {
			// The queue gave up retrying: the reason is the expiry, the
			// status the deferral it ended on (RFC 3463 X.4.7 if none).
			ev.Reason, ev.Hard = string(bounce.Expired), false
			if ev.Status == "" {
				ev.Status = "4.4.7"
			}
		}
	}
	return ev
}

// webhook posts events asynchronously: a bounded buffer (events beyond it
// are dropped and counted, so a slow receiver never slows delivery), one
// sender posting batches, retrying failed posts with backoff.
type webhook struct {
	cfg    WebhookConfig
	log    *slog.Logger
	m      *metrics
	client *http.Client
	ch     chan Event
	done   chan struct{}
	once   sync.Once
	stopCh chan struct{}
}

func newWebhook(cfg WebhookConfig, log *slog.Logger, m *metrics) *webhook {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 10000
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = Duration(10 * time.Second)
	}
	return &webhook{
		cfg: cfg, log: log, m: m,
		client: &http.Client{Timeout: time.Duration(cfg.Timeout), CheckRedirect: noRedirects},
		ch:     make(chan Event, cfg.Buffer),
		done:   make(chan struct{}),
		stopCh: make(chan struct{}),
	}
}

// noRedirects makes a redirect a failed post: followed, a 307 or 308
// would post the events (recipients' addresses) and their signature to
// wherever the receiver, or whoever controls its answers, points,
// internal addresses included (SSRF); a 301 to 303 would turn the post
// into a GET that can answer 200, and lose the events.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (w *webhook) start() { go w.run() }

// add queues an event without blocking.
func (w *webhook) add(ev Event) {
	select {
	case w.ch <- ev:
	default:
		w.m.hookDropped.WithLabelValues("buffer_full").Inc()
	}
}

// stop posts what is buffered, until ctx is done.
func (w *webhook) stop(ctx context.Context) {
	w.once.Do(func() { close(w.stopCh) })
	select {
	case <-w.done:
	case <-ctx.Done():
	}
}

func (w *webhook) run() {
	defer close(w.done)
	batch := make([]Event, 0, w.cfg.BatchSize)
	for {
		batch = batch[:0]
		select {
		case ev := <-w.ch:
			batch = append(batch, ev)
		case <-w.stopCh:
			// Flush the rest, one try each batch.
			for {
				batch = batch[:0]
			fill:
				for len(batch) < w.cfg.BatchSize {
					select {
					case ev := <-w.ch:
						batch = append(batch, ev)
					default:
						break fill
					}
				}
				if len(batch) == 0 {
					return
				}
				w.post(batch, 1)
			}
		}
	more:
		for len(batch) < w.cfg.BatchSize {
			select {
			case ev := <-w.ch:
				batch = append(batch, ev)
			default:
				break more
			}
		}
		w.post(batch, w.cfg.MaxAttempts)
	}
}

// post sends one batch, retrying with exponential backoff (0.5s, 1s, 2s,
// ... capped at 30s) while the receiver fails, at most attempts times.
func (w *webhook) post(batch []Event, attempts int) {
	body, err := json.Marshal(batch)
	if err != nil {
		w.log.Error("webhook: encoding events", "err", err)
		return
	}
	delay := 500 * time.Millisecond
	for a := 1; ; a++ {
		err := w.postOnce(body)
		if err == nil {
			w.m.hookSent.Add(float64(len(batch)))
			return
		}
		if a >= attempts {
			w.log.Warn("webhook: giving up on events", "events", len(batch), "err", err)
			w.m.hookDropped.WithLabelValues("failed").Add(float64(len(batch)))
			return
		}
		w.log.Debug("webhook: retrying", "attempt", a, "err", err)
		select {
		case <-time.After(delay):
		case <-w.stopCh:
			attempts = min(attempts, a+1) // shutting down: one last try
		}
		delay = min(2*delay, 30*time.Second)
	}
}

func (w *webhook) postOnce(body []byte) error {
	req, err := http.NewRequest(http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if w.cfg.Secret != "" {
		// The receiver checks hex(HMAC-SHA256(secret, body)).
		mac := hmac.New(sha256.New, []byte(w.cfg.Secret))
		mac.Write(body)
		req.Header.Set("X-MTA-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
