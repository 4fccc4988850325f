package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigErrors checks that every configuration error names the field
// and, where the field is in the file, its line and column; that syntax
// errors have their place; and that unknown fields name their section.
func TestConfigErrors(t *testing.T) {
	const head = "{\n  \"hostname\": \"h\",\n  \"smtp\": {\"listen\": \":25\"},\n"
	for _, tc := range []struct {
		name, json string
		want       string // the whole message after "config: "
	}{
		{"syntax", "{\n  \"hostname\": \"h\",\n  \"smtp\": {\"listen\": \":25\",}\n}",
			`line 3, column 28: smtp: JSON syntax: invalid character '}' looking for beginning of object key string`},
		{"unclosed", "{\n  \"hostname\": \"h\"", `line 2, column 18: the configuration ends early: a { or [ is not closed`},
		{"trailing", `{"hostname": "h"} {}`, `line 1, column 19: more after the configuration object`},
		{"not an object", `[1]`, `line 1, column 1: want an object, got a list`},
		{"unknown field", head + "  \"queue\": {\"dir\": \"q\", \"retry_intial\": \"5m\"}\n}",
			`line 4, column 25: queue.retry_intial: unknown field "retry_intial" in section queue; did you mean "retry_initial"?`},
		{"unknown section", head + "  \"queues\": {}\n}",
			`line 4, column 3: queues: unknown field "queues" at the top level; did you mean "queue"?`},
		{"unknown far off", head + "  \"spelling\": 1\n}",
			`line 4, column 3: spelling: unknown field "spelling" at the top level, which has admin, delay_notices, delivery, dkim, dsn, hostname, http, log, maillog, queue, reputation, return_path, smtp, tlsrpt, webhook`},
		{"unknown in a list", head + "  \"dkim\": {\"keys\": [{\"domain\": \"d\", \"selecter\": \"s\"}]}\n}",
			`line 4, column 37: dkim.keys[0].selecter: unknown field "selecter" in section dkim.keys[0]; did you mean "selector"?`},
		{"case", head + "  \"Queue\": {}\n}", `line 4, column 3: Queue: unknown field "Queue" at the top level; did you mean "queue"?`},
		{"twice", head + "  \"hostname\": \"i\"\n}", `line 4, column 3: hostname: given twice in the same object (JSON keeps only the last)`},
		{"duration", head + "  \"queue\": {\"dir\": \"q\",\n    \"max_age\": \"5 minutes\"}\n}",
			`line 5, column 16: queue.max_age: "5 minutes" is not a duration: want a number and a unit, like "90s", "5m" or "120h" (units ns, us, ms, s, m, h), or a number of seconds`},
		{"duration type", head + "  \"queue\": {\"dir\": \"q\", \"max_age\": true}\n}",
			`line 4, column 36: queue.max_age: want a duration like "5m" or a number of seconds, got true or false`},
		{"negative duration", head + "  \"queue\": {\"dir\": \"q\", \"retry_max\": -5}\n}", `line 4, column 25: queue.retry_max: -5s: negative`},
		{"number as string", head + "  \"queue\": {\"dir\": \"q\"},\n  \"http\": {\"max_conns\": \"10\"}\n}",
			`line 5, column 25: http.max_conns: want a whole number, got the string "10"`},
		{"fraction", head + "  \"queue\": {\"dir\": \"q\"},\n  \"delivery\": {\"workers\": 2.5}\n}", `line 5, column 27: delivery.workers: 2.5 is not a whole number`},
		{"out of range", head + "  \"queue\": {\"dir\": \"q\"},\n  \"delivery\": {\"mx_port\": 99999999999999999999}\n}",
			`line 5, column 27: delivery.mx_port: 99999999999999999999 is out of range`},
		{"list expected", head + "  \"queue\": {\"dir\": \"q\"},\n  \"http\": {\"api_tokens\": \"t\"}\n}", `line 5, column 26: http.api_tokens: want a list, got the string "t"`},
		{"check: relay_tls", head + "  \"queue\": {\"dir\": \"q\"},\n  \"delivery\": {\"relay\": \"r:25\", \"relay_tls\": \"maybe\"}\n}",
			`line 5, column 33: delivery.relay_tls: "maybe": want verified, required, opportunistic or none`},
		{"check: dns server", head + "  \"queue\": {\"dir\": \"q\"},\n  \"delivery\": {\"dns_servers\": [\"192.0.2.53\",\n    \"192.0.2.54:x\"]}\n}",
			`line 6, column 5: delivery.dns_servers[1]: "192.0.2.54:x": want host[:port] (port 53 by default): port "x" is not a number from 1 to 65535`},
		{"twice, a section", head + "  \"queue\": {\"dir\": \"q\"},\n  \"http\": {\"listen\": \":80\"},\n  \"smtp\": {}\n}",
			`line 6, column 3: smtp: given twice in the same object (JSON keeps only the last)`},
		{"check: dkim.require", head + "  \"queue\": {\"dir\": \"q\"},\n  \"dkim\": {\"require\": true}\n}",
			`line 5, column 12: dkim.require: no dkim.keys and no dkim.dir: every message would be refused`},
		{"check: no queue", head + "  \"log\": {}\n}", `queue: set exactly one of dir and postgres_dsn`},
		{"check: maillog", head + "  \"queue\": {\"dir\": \"q\"},\n  \"maillog\": {\"format\": \"json\"}\n}",
			`line 5, column 15: maillog.format: needs maillog.file (without one, mail log lines go to the main log, in log.format)`},
		{"check: admin token reused", head + "  \"queue\": {\"dir\": \"q\"},\n  \"http\": {\"api_tokens\": [\"t\"]},\n  \"admin\": {\"tokens\": [\"t\"]}\n}",
			`line 6, column 24: admin.tokens[0]: a token is given twice (every token is for one login)`},
		{"check: section of its own", head + "  \"queue\": {\"dir\": \"q\"},\n  \"tlsrpt\": {\"dir\": \"r\"}\n}",
			`line 5, column 3: tlsrpt.organization_name: required`},
		{"check: reputation list element", head + "  \"queue\": {\"dir\": \"q\"},\n  \"reputation\": {\"rates\": {\"thresholds\": [\n    {\"name\": \"c\", \"metric\": \"complaints\", \"limit\": 0.003}]}}\n}",
			`line 6, column 5: reputation.rates.thresholds[0]: metric "complaints": want complaint_rate, hard_bounce_rate, bounce_rate or deferral_rate`},
		{"check: reputation field", head + "  \"queue\": {\"dir\": \"q\"},\n  \"reputation\": {\"redis\": {\"url\": \"http://r\"}}\n}",
			`line 5, column 28: reputation.redis.url: "http://r": want redis://, rediss:// or unix://`},
		{"check: in a list of its own", head + "  \"queue\": {\"dir\": \"q\"},\n  \"return_path\": {\"domain\": \"rp.example\",\n    \"keys\": [{\"id\": 1, \"secret_file\": \"s\"}, {\"id\": 1, \"secret_file\": \"t\"}]}\n}",
			`line 6, column 45: return_path.keys[1]: each key needs a secret_file and an id of its own from 0 to 31 (id 1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.json))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v (%T), want a *ConfigError", err, err)
			}
			if got := strings.TrimPrefix(err.Error(), "config: "); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}

	// From a file: file:line:column, as compilers write it.
	file := filepath.Join(t.TempDir(), "mta.json")
	os.WriteFile(file, []byte(head+"  \"queue\": {\"dir\": \"q\", \"max_age\": \"soon\"}\n}"), 0o600)
	_, err := LoadConfig(file)
	if want := file + `:4:36: queue.max_age: "soon" is not a duration`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("LoadConfig: %v, want it to begin %q", err, want)
	}
	if _, err := LoadConfig(file + ".missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadConfig of a missing file: %v", err)
	}
}

// TestConfigDefaults: DNS servers get port 53, and the durations given as
// seconds or strings are read.
func TestConfigDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(`{"hostname":"h","smtp":{"listen":":25"},"queue":{"dir":"q","max_age":3600,"retry_max":"1h30m"},
		"delivery":{"dns_servers":["192.0.2.53","[2001:db8::53]","127.0.0.1:5353","ns.example"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"192.0.2.53:53", "[2001:db8::53]:53", "127.0.0.1:5353", "ns.example:53"}; strings.Join(c.Delivery.DNSServers, " ") != strings.Join(want, " ") {
		t.Errorf("dns_servers %q, want %q", c.Delivery.DNSServers, want)
	}
	if c.Queue.MaxAge != Duration(3600e9) || c.Queue.RetryMax != Duration(5400e9) {
		t.Errorf("durations %v %v", c.Queue.MaxAge, c.Queue.RetryMax)
	}
}

// TestExampleConfigStarts: mta.example.json, as shipped, starts (with the
// test's own queue directory and ports).
func TestExampleConfigStarts(t *testing.T) {
	cfg, err := LoadConfig("mta.example.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Queue.Dir = filepath.Join(t.TempDir(), "queue")
	cfg.SMTP.Listen, cfg.HTTP.Listen = "127.0.0.1:0", "127.0.0.1:0"
	m, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer m.Shutdown(context.Background())
	if err := m.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if !strings.HasPrefix(cfg.Queue.Dir, t.TempDir()[:len(os.TempDir())]) || cfg.DKIM.Dir == "" || len(cfg.Admin.Tokens) == 0 {
		t.Errorf("example configuration: %+v", cfg)
	}
}
