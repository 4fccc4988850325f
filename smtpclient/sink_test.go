package smtpclient

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
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
			if err == nil && (res.Recipients[0].Status != Delivered || res.Recipients[1].Status != Delivered) {
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
		status []Status // per recipient b@, c@
		check  func(error) bool
	}{
		{"4xx to RCPT", []string{"-r", "RCPT"}, Timeouts{}, []Status{Deferred, Deferred},
			func(err error) bool {
				e := smtpErr(err)
				return e != nil && e.Code == 450 && e.EnhancedCode == [3]int{4, 3, 0}
			}},
		{"5xx to RCPT", []string{"-f", "RCPT"}, Timeouts{}, []Status{Failed, Failed},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 500 && e.Command == "RCPT" }},
		{"5xx to MAIL", []string{"-f", "MAIL"}, Timeouts{}, []Status{Failed, Failed},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Command == "MAIL" }},
		{"4xx to DATA", []string{"-r", "DATA"}, Timeouts{}, []Status{Deferred, Deferred},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 450 && e.Command == "DATA" }},
		{"5xx after the data", []string{"-f", "."}, Timeouts{}, []Status{Failed, Failed},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 500 }},
		{"421 and disconnect on MAIL", []string{"-Q", "MAIL"}, Timeouts{}, []Status{Deferred, Deferred},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 421 }},
		{"421 and disconnect on greeting", []string{"-Q", "CONNECT"}, Timeouts{}, []Status{Deferred, Deferred},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 421 && e.Command == "CONNECT" }},
		{"silent disconnect on RCPT", []string{"-q", "RCPT"}, Timeouts{}, []Status{Deferred, Deferred}, IsTemporary},
		{"silent disconnect after the data", []string{"-q", "."}, Timeouts{}, []Status{Deferred, Deferred}, IsTemporary},
		{"abort during DATA", []string{"-A", "0"}, Timeouts{}, []Status{Failed, Failed},
			func(err error) bool { e := smtpErr(err); return e != nil && e.Code == 550 }},
		{"slow reply to the pipelined DATA group", []string{"-w", "3"}, Timeouts{Command: 300 * time.Millisecond, DataInit: 300 * time.Millisecond}, []Status{Deferred, Deferred},
			func(err error) bool { var ne interface{ Timeout() bool }; return errors.As(err, &ne) && ne.Timeout() }},
		{"slow RCPT reply", []string{"-p", "-W", "RCPT:3"}, Timeouts{Command: 300 * time.Millisecond}, []Status{Deferred, Deferred},
			func(err error) bool { var ne interface{ Timeout() bool }; return errors.As(err, &ne) && ne.Timeout() }},
		{"no ESMTP: HELO", []string{"-e"}, Timeouts{}, []Status{Delivered, Delivered}, func(err error) bool { return err == nil }},
		{"no PIPELINING", []string{"-p"}, Timeouts{}, []Status{Delivered, Delivered}, func(err error) bool { return err == nil }},
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
					t.Errorf("%s: %v (%v), want %v", r.Addr, r.Status, r.Err, tc.status[i])
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
	if e := smtpErr(err); e == nil || e.Code != 550 || res.Recipients[0].Status != Failed {
		t.Fatalf("got %v, %v; want the server's 550", err, res.Recipients[0].Status)
	}
}
