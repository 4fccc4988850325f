package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

// queueUsage is the help of "mta queue".
const queueUsage = `usage: mta [-config FILE] queue [-url URL] [-token-file FILE] [-ca FILE] [-json] VERB [flags] [ID...]

Administers the queue of the running mta through its HTTP API, with a
token of admin.tokens (from $MTA_ADMIN_TOKEN, -token-file, or the
configuration file). The URL is the configuration's http.listen.

  list    [filters] [-limit N] [-after ID] [-all-pages]
          the queue as mailq shows it: * in delivery, ! on hold, # dead
  show    ID...       envelope, header, each recipient's attempts, next attempt
  flush   [ID... | filters]   retry now (with neither: every message)
  hold    ID... | filters | -all
  release ID... | filters | -all
  requeue ID... | -all        dead letters back into the queue
  delete  ID... | filters | -all

filters: -state active,deferred,queued,scheduled,hold | -state dead
         -domain D  -sender A  -recipient A  (A: address, @domain, or <> for the null sender)
         -tenant T  -min-age 1h  -max-age 1h
`

// queueClient talks to the admin API.
type queueClient struct {
	base  string
	token string
	http  *http.Client
}

// runQueue runs "mta queue ARGS" with the configuration at cfgPath (read
// for the URL and the token unless flags give them) and returns the exit
// status: 0, 1 for a failure, 2 for bad usage.
func runQueue(ctx context.Context, cfgPath string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("queue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, queueUsage) }
	rawURL := fs.String("url", "", "the mta's HTTP API, e.g. https://mta.example.com:8025 (default: from http.listen)")
	tokenFile := fs.String("token-file", "", "file holding an admin token (default: $MTA_ADMIN_TOKEN, else admin.tokens[0] of the configuration)")
	caFile := fs.String("ca", "", "PEM file of the certificates to trust for HTTPS (default: the system's and http.tls_cert)")
	asJSON := fs.Bool("json", false, "print the API's JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	c, err := newQueueClient(cfgPath, *rawURL, *tokenFile, *caFile)
	if err != nil {
		fmt.Fprintln(stderr, "mta queue:", err)
		return 1
	}
	verb, rest := fs.Arg(0), fs.Args()[1:]
	vfs := flag.NewFlagSet(verb, flag.ContinueOnError)
	vfs.SetOutput(stderr)
	vfs.Usage = func() { fmt.Fprint(stderr, queueUsage) }
	filter := map[string]*string{}
	for _, name := range []string{"state", "domain", "sender", "recipient", "tenant", "min-age", "max-age"} {
		filter[name] = vfs.String(name, "", "filter: "+name)
	}
	limit := vfs.Int("limit", 100, "messages per page")
	after := vfs.String("after", "", "list after this ID (the next page)")
	allPages := vfs.Bool("all-pages", false, "list every page")
	all := vfs.Bool("all", false, "every message (for hold, release, requeue, delete without a filter)")
	if err := vfs.Parse(rest); err != nil {
		return 2
	}
	q := url.Values{}
	for name, v := range filter {
		if *v != "" {
			q.Set(strings.ReplaceAll(name, "-", "_"), *v)
		}
	}
	ids := vfs.Args()
	for _, id := range ids {
		if strings.HasPrefix(id, "-") {
			fmt.Fprintf(stderr, "mta queue %s: %s after an ID: flags go before the IDs\n", verb, id)
			return 2
		}
	}
	switch verb {
	case "list":
		err = c.list(ctx, q, *limit, *after, *allPages, *asJSON, stdout)
	case "show":
		if len(ids) == 0 {
			fmt.Fprintln(stderr, "mta queue show: which message? (an ID)")
			return 2
		}
		err = c.show(ctx, ids, *asJSON, stdout)
	case "flush", "hold", "release", "requeue", "delete":
		if len(ids) > 0 && len(q) > 0 {
			fmt.Fprintf(stderr, "mta queue %s: IDs or filters, not both\n", verb)
			return 2
		}
		if *all {
			q.Set("all", "1")
		}
		err = c.verb(ctx, verb, ids, q, *asJSON, stdout)
	default:
		fmt.Fprintf(stderr, "mta queue: no verb %q\n", verb)
		fs.Usage()
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "mta queue:", err)
		return 1
	}
	return 0
}

// newQueueClient finds the API's URL and an admin token, from the flags
// or the configuration.
func newQueueClient(cfgPath, rawURL, tokenFile, caFile string) (*queueClient, error) {
	var cfg *Config
	needCfg := rawURL == "" || tokenFile == "" && os.Getenv("MTA_ADMIN_TOKEN") == ""
	if needCfg {
		var err error
		if cfg, err = LoadConfig(cfgPath); err != nil {
			return nil, err
		}
	}
	c := &queueClient{}
	switch {
	case os.Getenv("MTA_ADMIN_TOKEN") != "":
		c.token = os.Getenv("MTA_ADMIN_TOKEN")
	case tokenFile != "":
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return nil, err
		}
		c.token = strings.TrimSpace(string(b))
	case len(cfg.Admin.Tokens) > 0:
		c.token = cfg.Admin.Tokens[0]
	default:
		return nil, fmt.Errorf("%s has no admin.tokens: the queue commands need one", cfgPath)
	}
	tlsConfig := &tls.Config{}
	if rawURL == "" {
		if cfg.HTTP.Listen == "" {
			return nil, fmt.Errorf("%s has no http.listen: the queue commands talk to the running mta over its HTTP API", cfgPath)
		}
		host, port, err := net.SplitHostPort(cfg.HTTP.Listen)
		if err != nil {
			return nil, fmt.Errorf("http.listen: %w", err)
		}
		switch host {
		case "", "0.0.0.0":
			host = "127.0.0.1"
		case "::":
			host = "::1"
		}
		scheme := "http"
		if cfg.HTTP.TLSCert != "" {
			// The certificate is for the MTA's name, whatever address
			// reaches it.
			scheme, tlsConfig.ServerName = "https", cfg.Hostname
			if caFile == "" {
				caFile = cfg.HTTP.TLSCert
			}
		}
		rawURL = scheme + "://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("-url %q: want http(s)://host:port", rawURL)
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate", caFile)
		}
		tlsConfig.RootCAs = pool
	}
	c.base = strings.TrimSuffix(u.String(), "/")
	c.http = &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{TLSClientConfig: tlsConfig, ForceAttemptHTTP2: true}}
	return c, nil
}

// call makes a request and decodes the JSON answer into out (if not
// nil); an error status becomes an error with the server's message.
func (c *queueClient) call(ctx context.Context, method, path string, q url.Values, out any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s %s: %s (%s)", method, path, e.Error, resp.Status)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (c *queueClient) list(ctx context.Context, q url.Values, limit int, after string, allPages, asJSON bool, w io.Writer) error {
	q.Set("limit", fmt.Sprint(limit))
	var pages []QueueList
	for {
		if after != "" {
			q.Set("after", after)
		}
		var page QueueList
		if err := c.call(ctx, "GET", "/api/queue", q, &page); err != nil {
			return err
		}
		pages = append(pages, page)
		if !allPages || page.Next == "" {
			break
		}
		after = page.Next
	}
	if asJSON {
		if len(pages) == 1 {
			return printJSON(w, pages[0])
		}
		all := QueueList{Counts: pages[len(pages)-1].Counts}
		for _, p := range pages {
			all.Messages = append(all.Messages, p.Messages...)
		}
		return printJSON(w, all)
	}
	var msgs []QueueMessage
	for _, p := range pages {
		msgs = append(msgs, p.Messages...)
	}
	last := pages[len(pages)-1]
	return mailq(w, msgs, last.Next, last.Counts.Dead, q.Get("state") == "dead")
}

// mailq writes msgs as Postfix's mailq does: the ID (marked * in
// delivery, ! on hold, # dead), the size, the arrival time and the
// sender, then each recipient still to go (or failed, for dead letters)
// under the reason of its last attempt.
func mailq(w io.Writer, msgs []QueueMessage, next string, dead int, listingDead bool) error {
	if len(msgs) == 0 && next == "" {
		fmt.Fprintln(w, "Mail queue is empty")
	} else {
		idw := 10
		for _, m := range msgs {
			idw = max(idw, len(m.ID)+1)
		}
		fmt.Fprintf(w, "%-*s %8s %-20s %s\n", idw, "-Queue ID-", "--Size--", "----Arrival Time----", "-Sender/Recipient-------")
		var total int64
		for _, m := range msgs {
			total += m.Size
			mark := map[string]string{"active": "*", "hold": "!", "dead": "#"}[m.State]
			from := m.From
			if from == "" {
				from = "MAILER-DAEMON"
			}
			fmt.Fprintf(w, "%-*s %8d %-20.20s %s\n", idw, m.ID+mark, m.Size, m.Arrival.Local().Format("Mon Jan _2 15:04:05"), from)
			if m.State == "scheduled" {
				fmt.Fprintf(w, "(scheduled for %s)\n", m.NextAttempt.Local().Format(time.RFC1123))
			}
			lastReason := ""
			for _, r := range m.Recipients {
				if r.State != "pending" && !(m.State == "dead" && r.State == "failed") {
					continue
				}
				if reason := outcomeReason(r.Last, r.Expired); reason != "" && reason != lastReason {
					fmt.Fprintf(w, "(%s)\n", reason)
					lastReason = reason
				}
				fmt.Fprintf(w, "%*s%s\n", idw+31, "", r.Addr)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "-- %d Kbytes in %s.\n", (total+1023)/1024, plural(len(msgs), "Request"))
	}
	if next != "" {
		fmt.Fprintf(w, "-- more: mta queue list -after %s (with the same filters)\n", next)
	}
	if dead > 0 && !listingDead {
		fmt.Fprintf(w, "-- %s: mta queue list -state dead\n", plural(dead, "dead letter"))
	}
	return nil
}

// plural writes n things.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// outcomeReason says what an attempt came to, as mailq does: "host
// mx.example.com[192.0.2.1] said: 450 4.2.1 ... (in reply to RCPT TO
// command)", or what went wrong where no server answered.
func outcomeReason(o *delivery.Outcome, expired bool) string {
	if o == nil {
		return ""
	}
	var s string
	if o.Code != 0 {
		host := o.Host
		if o.IP.IsValid() {
			host += "[" + o.IP.String() + "]"
		}
		s = fmt.Sprintf("host %s said: %s", host, strings.ReplaceAll(o.Reply(), "\n", " "))
		if cmd := o.Stage.Command(); cmd != "" && cmd != "CONNECT" {
			s += " (in reply to " + cmd + " command)"
		}
	} else {
		s = strings.ReplaceAll(o.Text, "\n", " ")
	}
	if expired {
		s = "expired, last attempt: " + s
	}
	return s
}

func (c *queueClient) show(ctx context.Context, ids []string, asJSON bool, w io.Writer) error {
	var errs []error
	for _, id := range ids {
		var m QueueMessage
		if err := c.call(ctx, "GET", "/api/queue/"+url.PathEscape(id), nil, &m); err != nil {
			errs = append(errs, err)
			continue
		}
		if asJSON {
			printJSON(w, m)
			continue
		}
		showMessage(w, &m)
	}
	return errors.Join(errs...)
}

// showMessage writes one message's details for a person.
func showMessage(w io.Writer, m *QueueMessage) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format(time.RFC1123Z)
	}
	line("Queue ID:", m.ID)
	line("State:", fmt.Sprintf("%s, %d attempts", m.State, m.Attempts))
	line("Next attempt:", ts(m.NextAttempt))
	line("In delivery until:", ts(m.LeaseExpires))
	line("Arrival:", ts(m.Arrival))
	line("Send at:", ts(m.SendAt))
	line("Size:", fmt.Sprint(m.Size))
	line("Sender:", addr(m.From))
	line("Tenant:", m.Tenant)
	line("Campaign:", m.Campaign)
	line("Priority:", m.Priority)
	line("Class:", m.Class)
	line("RET / ENVID:", strings.Trim(m.Ret+" / "+m.EnvID, " /"))
	tw.Flush()
	fmt.Fprintln(w, "Recipients:")
	for _, r := range m.Recipients {
		extra := ""
		if r.Notify != "" {
			extra += " NOTIFY=" + r.Notify
		}
		if r.ORcpt != "" {
			extra += " ORCPT=" + r.ORcpt
		}
		if r.Expired {
			extra += " (expired)"
		}
		fmt.Fprintf(w, "  %s  %s, %d attempts%s\n", addr(r.Addr), r.State, r.Attempts, extra)
		for _, o := range r.History {
			stage := ""
			if o.Stage != delivery.StageNone {
				stage = " at " + o.Stage.String()
			}
			fmt.Fprintf(w, "    %s  %s%s: %s\n", ts(o.Time), o.Status, stage, outcomeReason(&o, false))
		}
	}
	fmt.Fprintln(w, "Header:")
	for _, f := range m.Header {
		fmt.Fprintf(w, "  %s: %s\n", f.Name, strings.ReplaceAll(f.Value, "\t", " "))
	}
	fmt.Fprintln(w)
}

func (c *queueClient) verb(ctx context.Context, verb string, ids []string, q url.Values, asJSON bool, w io.Writer) error {
	var results []QueueResult
	var errs []error
	if len(ids) > 0 {
		for _, id := range ids {
			var r QueueResult
			if err := c.call(ctx, "POST", "/api/queue/"+url.PathEscape(id)+"/"+verb, nil, &r); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", id, err))
				continue
			}
			results = append(results, r)
		}
	} else {
		var r QueueResult
		if err := c.call(ctx, "POST", "/api/queue/"+verb, q, &r); err != nil {
			return err
		}
		results = append(results, r)
	}
	if asJSON {
		for _, r := range results {
			printJSON(w, r)
		}
		return errors.Join(errs...)
	}
	done, skipped := 0, 0
	var b bytes.Buffer
	for _, r := range results {
		done += len(r.Done)
		skipped += len(r.Skipped) + r.More
		if r.Note != "" {
			fmt.Fprintf(&b, "%s: %s\n", strings.Join(r.Done, " "), r.Note)
		}
		for _, id := range slices.Sorted(maps.Keys(r.Skipped)) {
			fmt.Fprintf(&b, "%s: not %s: %s\n", id, pastTense(verb), r.Skipped[id])
		}
	}
	fmt.Fprintf(w, "%s: %s", pastTense(verb), plural(done, "message"))
	if skipped > 0 {
		fmt.Fprintf(w, ", %d skipped", skipped)
	}
	fmt.Fprintln(w)
	w.Write(b.Bytes())
	return errors.Join(errs...)
}
