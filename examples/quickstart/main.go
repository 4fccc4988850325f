// Command quickstart runs mxkit's whole outbound pipeline on loopback, with
// no internet and nothing installed: a DNS server (resolvertest) serves the
// zones, a local SMTP sink plays the recipients' mail servers, and the
// embedded queue, DKIM signer, MX router, pooled SMTP client and bounce
// classifier do what they do in production.
//
//	go run ./examples/quickstart            # the demo, on loopback
//	go run ./examples/quickstart -n 2000    # a bigger batch
//
// With -dns and -to it sends for real instead: -dns 9.9.9.9:53 -to
// you@example.com -from you@yourdomain -mx-port 25 (the DKIM key is then
// generated for the run; publish its record if you want it to verify).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mxkit/mxkit/bounce"
	"github.com/mxkit/mxkit/delivery"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/examples/internal/dnsflag"
	"github.com/mxkit/mxkit/examples/internal/sink"
	"github.com/mxkit/mxkit/mx"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/resolver"
	"github.com/mxkit/mxkit/resolver/resolvertest"
	"github.com/mxkit/mxkit/smtpclient"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.n, "n", 400, "messages in the demo batch")
	flag.IntVar(&cfg.workers, "workers", 16, "delivery workers")
	flag.StringVar(&cfg.dns, "dns", "", dnsflag.Usage+"; replaces the loopback zone")
	flag.StringVar(&cfg.to, "to", "", "comma-separated real recipients (needs -dns); replaces the demo batch")
	flag.StringVar(&cfg.from, "from", "news@shop.example", "sender address")
	flag.IntVar(&cfg.mxPort, "mx-port", 0, "SMTP port of the MX hosts (default: the sink's port on loopback, 25 with -dns)")
	flag.DurationVar(&cfg.maxAge, "max-age", 0, "give up on a message this long after it was queued (default: 2s plus 5ms a message; production: days)")
	flag.BoolVar(&cfg.verbose, "v", false, "log what the library does")
	flag.Parse()
	rep, err := run(context.Background(), cfg, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	if !rep.asDesigned {
		fmt.Fprintln(os.Stderr, "quickstart: the run did not go as designed")
		os.Exit(1)
	}
}

type config struct {
	n, workers, mxPort int
	dns, to, from      string
	maxAge             time.Duration
	verbose            bool
}

// The demo zone: the sender's domain with SPF, DKIM and DMARC, two
// recipient domains whose MX is the local sink, a domain with a null MX
// (RFC 7505) and one that does not exist.
const zone = `
shop.example.                IN TXT "v=spf1 ip4:127.0.0.0/8 -all"
_dmarc.shop.example.         IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@shop.example"
customers.example.           IN MX 10 mx1.customers.example.
customers.example.           IN MX 20 mx2.customers.example.
mx1.customers.example.       IN A 127.0.0.1
mx2.customers.example.       IN A 127.0.0.1
partners.example.            IN MX 10 mail.partners.example.
mail.partners.example.       IN A 127.0.0.1
nomail.example.              IN MX 0 .
`

// report is what the run found.
type report struct {
	sent, failed, retries int
	reasons               map[bounce.Reason]int
	suppress              []string
	elapsed               time.Duration
	asDesigned            bool
}

func run(ctx context.Context, cfg config, stdout, stderr io.Writer) (*report, error) {
	log := slog.New(slog.DiscardHandler)
	if cfg.verbose {
		log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	_, senderDomain, _ := strings.Cut(cfg.from, "@")

	// 1. DKIM keys: Ed25519 and RSA, both signing every message (RFC 8463
	// recommends the pair while verifiers catch up with Ed25519).
	edKey, err := dkim.GenerateKey("ed25519")
	if err != nil {
		return nil, err
	}
	rsaKey, err := dkim.GenerateKey("rsa")
	if err != nil {
		return nil, err
	}
	signer, err := dkim.NewSigner(dkim.SignOptions{Keys: []dkim.Key{
		{Domain: senderDomain, Selector: "ed1", Signer: edKey},
		{Domain: senderDomain, Selector: "rsa1", Signer: rsaKey},
	}})
	if err != nil {
		return nil, err
	}

	// 2. DNS: the loopback zone with the DKIM records, or a real server.
	var r resolver.Resolver
	var recipients []string
	var snk *sink.Server
	port := cfg.mxPort
	if cfg.dns == "" {
		dnsSrv, err := resolvertest.Start(zone)
		if err != nil {
			return nil, err
		}
		defer dnsSrv.Close()
		for sel, key := range map[string]any{"ed1": edKey.Public(), "rsa1": rsaKey.Public()} {
			txt, err := dkim.TXTRecord(key)
			if err != nil {
				return nil, err
			}
			if err := dnsSrv.Add(fmt.Sprintf("%s._domainkey.%s. IN TXT %s\n", sel, senderDomain, quote(txt))); err != nil {
				return nil, err
			}
		}
		r = &resolver.Client{Servers: []string{dnsSrv.Addr()}}
		// 3. The recipients' mail servers: one sink that checks SPF, DKIM
		// and DMARC like a receiver and refuses some recipients by rule.
		snk, err = sink.Start(r, true)
		if err != nil {
			return nil, err
		}
		defer snk.Close()
		if port == 0 {
			_, p, _ := strings.Cut(snk.Addr, ":")
			fmt.Sscan(p, &port)
		}
		recipients = demoRecipients(cfg.n)
	} else {
		if cfg.to == "" {
			return nil, errors.New("-dns needs -to")
		}
		servers, err := dnsflag.Parse(cfg.dns)
		if err != nil {
			return nil, err
		}
		r = &resolver.Client{Servers: servers, Logger: log}
		recipients = strings.Split(cfg.to, ",")
		if port == 0 {
			port = 25
		}
	}

	// 4. The embedded queue, with a fast retry schedule for the demo: retry
	// after 100ms, give up after -max-age (production: minutes and days).
	if cfg.maxAge == 0 {
		cfg.maxAge = 2*time.Second + time.Duration(len(recipients))*5*time.Millisecond
	}
	dir, err := os.MkdirTemp("", "mxkit-quickstart-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	store, err := queue.Open(dir, &queue.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	// The queue's change hook sees every final outcome: it feeds the
	// report, the bounce classification and the suppression list (in
	// production, a webhook).
	rep := &report{reasons: map[bounce.Reason]int{}}
	var mu sync.Mutex
	var retries, done atomic.Int64
	total := int64(len(recipients))
	progress := newProgress(stderr, total)
	q := &queue.Queue{
		Store:     store,
		Default:   queue.Schedule{Initial: 100 * time.Millisecond, Max: 200 * time.Millisecond, MaxAge: cfg.maxAge},
		LeaseTime: time.Minute,
		Logger:    log,
	}
	// record counts what Complete decided for each recipient: final
	// outcomes, classified (the same reasons as DSNs received later), and
	// deferrals.
	record := func(decided []queue.Decision) {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range decided {
			switch d.State {
			case queue.Pending:
				retries.Add(1)
				continue
			case queue.Delivered:
				rep.sent++
			case queue.Failed:
				rep.failed++
				c := bounce.ClassifyOutcome(&d.Outcome)
				if d.Expired {
					c.Reason, c.Hard = bounce.Expired, false
				}
				rep.reasons[c.Reason]++
				if c.Hard {
					rep.suppress = append(rep.suppress, d.Recipient)
				}
			}
			progress.set(done.Add(1))
		}
	}

	// 5. Delivery: MX routes with their TLS policy, a pooled client.
	tr := &smtpclient.Transport{
		Router:          &mx.Router{Resolver: r, Logger: log},
		Port:            port,
		LocalName:       "quickstart." + senderDomain,
		MaxConnsPerHost: 8,
		Logger:          log,
	}
	defer tr.Close()

	start := time.Now()
	for i, rcpt := range recipients {
		body := message(cfg.from, rcpt, i)
		env := &queue.Envelope{From: cfg.from, Recipients: []queue.Recipient{{Addr: rcpt}}, Campaign: "quickstart"}
		if _, err := q.Enqueue(ctx, env, strings.NewReader(body)); err != nil {
			return nil, fmt.Errorf("enqueue %s: %w", rcpt, err)
		}
	}

	var wg sync.WaitGroup
	for w := 0; w < cfg.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done.Load() < total {
				msgs, err := q.Lease(ctx, 4, "")
				if err != nil {
					fmt.Fprintln(stderr, "lease:", err)
					return
				}
				if len(msgs) == 0 {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				for _, m := range msgs {
					decided, err := q.Complete(ctx, m, deliver(ctx, store, signer, tr, m))
					if err != nil {
						fmt.Fprintln(stderr, "complete:", err)
						continue
					}
					record(decided)
				}
			}
		}()
	}
	wg.Wait()
	progress.finish()
	rep.elapsed = time.Since(start)
	rep.retries = int(retries.Load())

	printReport(stdout, rep, len(recipients), snk)
	rep.asDesigned = true
	if cfg.dns == "" {
		rep.asDesigned = checkDesign(stdout, rep, recipients, snk.Stats())
	}
	return rep, nil
}

// deliver signs one leased message and sends it to each recipient domain,
// returning each pending recipient's outcome for the queue.
func deliver(ctx context.Context, store queue.Store, signer *dkim.Signer, tr *smtpclient.Transport, m *queue.Message) []delivery.Outcome {
	fail := func(st delivery.Status, code delivery.EnhancedCode, err error) []delivery.Outcome {
		var out []delivery.Outcome
		for _, rc := range m.Recipients {
			if rc.State == queue.Pending {
				out = append(out, delivery.Outcome{Recipient: rc.Addr, Status: st, Stage: delivery.StageLocal,
					Enhanced: code, Text: err.Error(), Err: err})
			}
		}
		return out
	}
	body, err := readBody(ctx, store, m.ID)
	if err != nil {
		return fail(delivery.Deferred, delivery.EnhancedCode{4, 3, 0}, err) // the queue may give it back later
	}
	sig, err := signer.Sign(ctx, bytes.NewReader(body))
	if err != nil {
		// A message that cannot be signed never will be (RFC 3463
		// X.6.0: a problem with the message's content).
		return fail(delivery.Failed, delivery.EnhancedCode{5, 6, 0}, err)
	}
	// Group the pending recipients by domain: one SMTP transaction each.
	byDomain := map[string][]string{}
	for _, rc := range m.Recipients {
		if rc.State == queue.Pending {
			_, d, _ := strings.Cut(rc.Addr, "@")
			byDomain[strings.ToLower(d)] = append(byDomain[strings.ToLower(d)], rc.Addr)
		}
	}
	var out []delivery.Outcome
	for domain, rcpts := range byDomain {
		msg := io.MultiReader(strings.NewReader(sig), bytes.NewReader(body))
		res, _ := tr.Deliver(ctx, domain, smtpclient.Envelope{From: m.From, To: rcpts, Size: int64(len(sig) + len(body))}, msg)
		out = append(out, res.Recipients...) // one outcome per recipient, never nil
	}
	return out
}

func readBody(ctx context.Context, store queue.Store, id queue.ID) ([]byte, error) {
	rc, err := store.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// demoRecipients spreads n recipients over the demo's cases.
func demoRecipients(n int) []string {
	cases := []string{
		"alice%d@customers.example", "bob%d@partners.example", "carol%d@customers.example",
		"dave%d@partners.example", "erin%d@customers.example", "frank%d@customers.example",
		"grey%d@customers.example",                                                         // greylisted once, then delivered
		"unknown%d@customers.example",                                                      // 550 5.1.1: hard bounce
		"full%d@partners.example",                                                          // 452 4.2.2: retried, then expires
		"blocked%d@partners.example",                                                       // 554 5.7.1 blocklist
		"someone%d@nomail.example",                                                         // null MX: accepts no mail
		"alice%d@customers.example", "bob%d@partners.example", "moved%d@customers.example", // 551 5.1.6
		"alice%d@customers.example", "bob%d@partners.example", "carol%d@customers.example",
		"dave%d@partners.example", "erin%d@customers.example", "frank%d@customers.example",
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(cases[i%len(cases)], i)
	}
	return out
}

func message(from, to string, i int) string {
	return fmt.Sprintf("From: Shop <%s>\r\nTo: <%s>\r\nSubject: Your order #%d has shipped\r\n"+
		"Date: %s\r\nMessage-ID: <qs-%d@%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Hello,\r\n\r\nyour order #%d is on its way.\r\n\r\n-- \r\nThe shop\r\n",
		from, to, i, time.Now().Format(time.RFC1123Z), i, "shop.example", i)
}

func quote(strs []string) string {
	q := make([]string, len(strs))
	for i, s := range strs {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, " ")
}

// checkDesign compares the run with what the demo's recipients must give.
func checkDesign(w io.Writer, rep *report, recipients []string, st sink.Stats) bool {
	wantSent, wantFail := 0, map[bounce.Reason]int{}
	for _, r := range recipients {
		switch {
		case strings.HasPrefix(r, "unknown"):
			wantFail[bounce.UserUnknown]++
		case strings.HasPrefix(r, "full"):
			wantFail[bounce.Expired]++
		case strings.HasPrefix(r, "blocked"):
			wantFail[bounce.Blocked]++
		case strings.HasPrefix(r, "moved"):
			wantFail[bounce.HasMoved]++
		case strings.HasSuffix(r, "@nomail.example"):
			wantFail[bounce.NotAccept]++
		default:
			wantSent++
		}
	}
	ok := rep.sent == wantSent && st.Recipients == wantSent && st.DMARC["pass"] == st.Messages
	for reason, n := range wantFail {
		if rep.reasons[reason] != n {
			fmt.Fprintf(w, "expected %d %s, got %d\n", n, reason, rep.reasons[reason])
			ok = false
		}
	}
	if rep.sent != wantSent {
		fmt.Fprintf(w, "expected %d delivered, got %d\n", wantSent, rep.sent)
	}
	return ok
}

func printReport(w io.Writer, rep *report, total int, snk *sink.Server) {
	rate := float64(total) / rep.elapsed.Seconds()
	fmt.Fprintf(w, "\n%d messages in %s (%.0f messages/s)\n", total, rep.elapsed.Round(time.Millisecond), rate)
	fmt.Fprintf(w, "  delivered  %d\n  deferred   %d times (retried)\n  bounced    %d\n", rep.sent, rep.retries, rep.failed)
	reasons := make([]string, 0, len(rep.reasons))
	for r := range rep.reasons {
		reasons = append(reasons, string(r))
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, "    %-14s %d\n", r, rep.reasons[bounce.Reason(r)])
	}
	fmt.Fprintf(w, "  suppression list: %d hard-bounced addresses\n", len(rep.suppress))
	if snk != nil {
		st := snk.Stats()
		fmt.Fprintf(w, "receiving side: %d messages; SPF %v; DKIM %v; DMARC %v\n", st.Messages, st.SPF, st.DKIM, st.DMARC)
	}
}

// progress draws a bar on a terminal line; elsewhere (a log, a pipe) it
// writes a plain line at each quarter, with no carriage returns.
type progress struct {
	w     io.Writer
	tty   bool
	total int64
	mu    sync.Mutex
	last  int
}

func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total, last: -1}
	if f, ok := w.(*os.File); ok {
		st, err := f.Stat()
		p.tty = err == nil && st.Mode()&os.ModeCharDevice != 0
	}
	p.set(0)
	return p
}

func (p *progress) set(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	width := 40
	if !p.tty {
		width = 4
	}
	filled := int(int64(width) * n / max(p.total, 1))
	if filled == p.last && n != p.total || filled == p.last && !p.tty {
		return
	}
	p.last = filled
	if !p.tty {
		fmt.Fprintf(p.w, "progress: %d/%d messages\n", n, p.total)
		return
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), n, p.total)
}

func (p *progress) finish() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
