package rates_test

import (
	"context"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/rates"
)

var ctx = context.Background()

// A tenant at Gmail's and Yahoo's line: 0.3% complaints is fine, the next
// complaint crosses it, and the crossing is reported once, with its
// figures; it is reported back below once the rate falls under 90% of the
// limit.
func TestComplaintThreshold(t *testing.T) {
	c := &rates.Counter{Window: time.Hour, CheckEvery: time.Nanosecond}
	t0 := time.Date(2030, 1, 2, 3, 0, 0, 0, time.UTC)
	add := func(k rates.Kind, n int64, at time.Time) []rates.Crossing {
		t.Helper()
		cr, err := c.Add(ctx, rates.Event{Kind: k, N: n, Time: at, Tenant: "acme", Provider: "google", Source: "192.0.2.1", FromDomain: "acme.example"})
		if err != nil {
			t.Fatal(err)
		}
		return cr
	}
	if cr := add(rates.Delivered, 1000, t0); len(cr) != 0 {
		t.Fatalf("deliveries crossed: %+v", cr)
	}
	if cr := add(rates.Complained, 3, t0.Add(time.Minute)); len(cr) != 0 {
		t.Errorf("0.3%% exactly crossed: %+v", cr)
	}
	cr := add(rates.Complained, 1, t0.Add(2*time.Minute))
	if len(cr) != 4 { // tenant, from domain, source and provider
		t.Fatalf("crossings %+v, want one per series", cr)
	}
	for _, x := range cr {
		if !x.Above || x.Threshold != "complaint-rate" || x.Numerator != 4 || x.Denominator != 1000 || x.Rate != 0.004 || x.Limit != 0.003 {
			t.Errorf("crossing %+v", x)
		}
	}
	if cr := add(rates.Complained, 1, t0.Add(3*time.Minute)); len(cr) != 0 {
		t.Errorf("reported again: %+v", cr)
	}
	// Back to under 90% of the limit: 5 in 2000 is 0.25%.
	cr = add(rates.Delivered, 1000, t0.Add(4*time.Minute))
	if len(cr) != 4 || cr[0].Above {
		t.Errorf("recovery: %+v", cr)
	}
	// The window slides: an hour later the old counts are gone.
	n, _ := c.Counts(ctx, rates.Tenant, "acme", t0.Add(90*time.Minute))
	if n[rates.Delivered] != 0 {
		t.Errorf("counts after the window: %v", n)
	}
	n, _ = c.Counts(ctx, rates.Provider, "google", t0.Add(5*time.Minute))
	if n[rates.Delivered] != 2000 || n[rates.Complained] != 5 {
		t.Errorf("provider counts %v", n)
	}
}

// Too few messages to judge: no crossing however bad the rate.
func TestMinVolume(t *testing.T) {
	c := &rates.Counter{CheckEvery: time.Nanosecond}
	c.Add(ctx, rates.Event{Kind: rates.Delivered, N: 10, Tenant: "small"})
	if cr, _ := c.Add(ctx, rates.Event{Kind: rates.HardBounce, N: 5, Tenant: "small"}); len(cr) != 0 {
		t.Errorf("15 messages judged: %+v", cr)
	}
	c.Add(ctx, rates.Event{Kind: rates.Delivered, N: 2000, Tenant: "big"})
	cr, _ := c.Add(ctx, rates.Event{Kind: rates.HardBounce, N: 100, Tenant: "big"})
	if len(cr) != 1 || cr[0].Threshold != "hard-bounce-rate" || cr[0].Denominator != 2100 {
		t.Errorf("hard bounces: %+v", cr)
	}
}

func TestMetrics(t *testing.T) {
	var c rates.Counts
	c[rates.Delivered], c[rates.HardBounce], c[rates.SoftBounce], c[rates.Deferred], c[rates.Complained] = 90, 6, 4, 10, 1
	for _, m := range []struct {
		m        rates.Metric
		num, den int64
	}{
		{rates.ComplaintRate, 1, 90},
		{rates.HardBounceRate, 6, 100},
		{rates.BounceRate, 10, 100},
		{rates.DeferralRate, 10, 100},
	} {
		if _, num, den := m.m.Rate(c); num != m.num || den != m.den {
			t.Errorf("metric %d: %d/%d, want %d/%d", m.m, num, den, m.num, m.den)
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		o    delivery.Outcome
		want rates.Kind
	}{
		{delivery.Outcome{Status: delivery.Delivered, Code: 250}, rates.Delivered},
		{delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageMail, Code: 421, Enhanced: delivery.EnhancedCode{4, 7, 28}}, rates.Deferred},
		{delivery.Outcome{Status: delivery.Failed, Stage: delivery.StageRcpt, Code: 550, Enhanced: delivery.EnhancedCode{5, 1, 1}, Text: "no such user"}, rates.HardBounce},
		{delivery.Outcome{Status: delivery.Failed, Stage: delivery.StageFinal, Code: 552, Enhanced: delivery.EnhancedCode{5, 2, 2}, Text: "mailbox full"}, rates.SoftBounce},
	} {
		if got := rates.KindOf(&c.o); got != c.want {
			t.Errorf("KindOf(%v) = %v, want %v", &c.o, got, c.want)
		}
	}
}
