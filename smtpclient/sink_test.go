package smtpclient

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

// Tests against Postfix's smtp-sink, a real SMTP server with fault options.

func TestSinkConcurrentDelivery(t *testing.T) {
	host, port := startSink(t, "-c")
	m := &countingMetrics{}
	tr := &Transport{Host: host, Port: port, TLS: TLSOpportunistic, MaxConnsPerHost: 4, Metrics: m}
	defer tr.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []error
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := testMsg
			if i%10 == 0 {
				body = strings.Repeat(".dots\nand bare LFs\r", 5000)
			}
			res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com", "c@x.com"}}, strings.NewReader(body))
			if err == nil && (res.Recipients[0].Status != delivery.Delivered || res.Recipients[1].Status != delivery.Delivered) {
				err = errors.New("not all recipients delivered")
			}
			if err != nil {
				mu.Lock()
				failed = append(failed, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range failed {
		t.Error(err)
	}
	if m.opened > 4 || m.opened+m.reused != 100 {
		t.Errorf("opened %d sessions, reused %d times; want at most 4 and 100 in all", m.opened, m.reused)
	}
}

func TestSinkFaults(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		to     Timeouts
		status []delivery.Status // per recipient b@, c@
		check  func(error) bool
	}{
		{"4xx to RCPT", []string{"-r", "RCPT"}, Timeouts{}, []delivery.Status{delivery.Deferred, delivery.Deferred},
			func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 450 && e.Enhanced == (delivery.EnhancedCode{4, 3, 0})
			}},
		{"5xx to RCPT", []string{"-f", "RCPT"}, Timeouts{}, []delivery.Status{delivery.Failed, delivery.Failed},
			func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 500 && e.Stage == delivery.StageRcpt
			}},
		{"5xx to MAIL", []string{"-f", "MAIL"}, Timeouts{}, []delivery.Status{delivery.Failed, delivery.Failed},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Stage == delivery.StageMail }},
		{"4xx to DATA", []string{"-r", "DATA"}, Timeouts{}, []delivery.Status{delivery.Deferred, delivery.Deferred},
			func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 450 && e.Stage == delivery.StageData
			}},
		{"5xx after the data", []string{"-f", "."}, Timeouts{}, []delivery.Status{delivery.Failed, delivery.Failed},
			func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 500 && e.Stage == delivery.StageFinal
			}},
		{"421 and disconnect on MAIL", []string{"-Q", "MAIL"}, Timeouts{}, []delivery.Status{delivery.Deferred, delivery.Deferred},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 421 }},
		{"421 and disconnect on greeting", []string{"-Q", "CONNECT"}, Timeouts{}, []delivery.Status{delivery.Deferred, delivery.Deferred},
			func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 421 && e.Stage == delivery.StageGreeting
			}},
		{"silent disconnect on RCPT", []string{"-q", "RCPT"}, Timeouts{}, []delivery.Status{delivery.Deferred, delivery.Deferred}, isTemporary},
		{"silent disconnect after the data", []string{"-q", "."}, Timeouts{}, []delivery.Status{delivery.Deferred, delivery.Deferred}, isTemporary},
		{"abort during DATA", []string{"-A", "0"}, Timeouts{}, []delivery.Status{delivery.Failed, delivery.Failed},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 550 }},
		{"slow reply to the pipelined DATA group", []string{"-w", "3"}, Timeouts{Command: 300 * time.Millisecond, DataInit: 300 * time.Millisecond}, []delivery.Status{delivery.Deferred, delivery.Deferred},
			func(err error) bool { var ne interface{ Timeout() bool }; return errors.As(err, &ne) && ne.Timeout() }},
		{"slow RCPT reply", []string{"-p", "-W", "RCPT:3"}, Timeouts{Command: 300 * time.Millisecond}, []delivery.Status{delivery.Deferred, delivery.Deferred},
			func(err error) bool { var ne interface{ Timeout() bool }; return errors.As(err, &ne) && ne.Timeout() }},
		{"no ESMTP: HELO", []string{"-e"}, Timeouts{}, []delivery.Status{delivery.Delivered, delivery.Delivered}, func(err error) bool { return err == nil }},
		{"no PIPELINING", []string{"-p"}, Timeouts{}, []delivery.Status{delivery.Delivered, delivery.Delivered}, func(err error) bool { return err == nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			host, port := startSink(t, tc.args...)
			tr := &Transport{Host: host, Port: port, TLS: TLSOpportunistic, Timeouts: tc.to}
			defer tr.Close()
			res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com", "c@x.com"}}, strings.NewReader(testMsg))
			if !tc.check(err) {
				t.Fatalf("unexpected error %v", err)
			}
			for i, r := range res.Recipients {
				if r.Status != tc.status[i] {
					t.Errorf("%s: %v (%v), want %v", r.Recipient, r.Status, r.Err, tc.status[i])
				}
			}
		})
	}
}

// The server stops reading in the middle of a large message and says why:
// the refusal is reported, not the broken pipe.
func TestSinkAbortDuringLargeData(t *testing.T) {
	host, port := startSink(t, "-A", "0")
	tr := &Transport{Host: host, Port: port, TLS: TLSNone}
	defer tr.Close()
	res, err := tr.Send(context.Background(), Envelope{From: "a@x.org", To: []string{"b@x.com"}},
		strings.NewReader(strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n", 200000)))
	if e := smtpErr(err); e == nil || e.Code != 550 || res.Recipients[0].Status != delivery.Failed {
		t.Fatalf("got %v, %v; want the server's 550", err, res.Recipients[0].Status)
	}
}
