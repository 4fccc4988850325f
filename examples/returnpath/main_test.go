package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxkit/mxkit/internal/testenv"
)

func TestServe(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "verp.keys")
	os.WriteFile(keys, []byte("# new key first\n7 00112233445566778899aabbccddeeff\n6 ffeeddccbbaa99887766554433221100\n"), 0o600)
	base := []string{"-domain", "bounces.test.example", "-keys", keys}

	var addr bytes.Buffer
	if err := run(context.Background(), append(base, "-encode", "q-17", "Alice@Rcpt.Example"), &addr, os.Stderr, nil); err != nil {
		t.Fatal(err)
	}
	rp := strings.TrimSpace(addr.String())
	if !strings.HasPrefix(rp, "b+") || !strings.HasSuffix(rp, "@bounces.test.example") {
		t.Fatalf("-encode printed %q", rp)
	}

	suppress := filepath.Join(dir, "suppress.txt")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var events, logs testenv.Buffer
	go func() {
		done <- run(ctx, append(base, "-listen", "127.0.0.1:0", "-fbl", "fbl@bounces.test.example", "-suppress", suppress), &events, &logs, ready)
	}()
	var srv string
	select {
	case srv = <-ready:
	case err := <-done:
		t.Fatal(err)
	}

	dsn := "From: MAILER-DAEMON@mx.rcpt.example\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.rcpt.example\r\n\r\n" +
		"Final-Recipient: rfc822; alice@rcpt.example\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n--B--\r\n"
	if err := smtp.SendMail(srv, nil, "", []string{rp}, []byte(dsn)); err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(srv, nil, "", []string{"postmaster@bounces.test.example"}, []byte(dsn)); err == nil {
		t.Error("postmaster@ accepted")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(events.String()), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got = append(got, e)
	}
	if len(got) != 2 {
		t.Fatalf("events:\n%s", events.String())
	}
	if e := got[0]; e["event"] != "bounce" || e["message_id"] != "q-17" || e["recipient"] != "alice@rcpt.example" ||
		e["reason"] != "userunknown" || e["suppress"] != true || e["match"] != "report" {
		t.Errorf("bounce event %v", e)
	}
	if e := got[1]; e["event"] != "refused" || e["rcpt"] != "postmaster@bounces.test.example" || e["code"] != 550.0 {
		t.Errorf("refusal event %v", e)
	}
	if b, _ := os.ReadFile(suppress); string(b) != "alice@rcpt.example\n" {
		t.Errorf("suppress file %q", b)
	}
	if !strings.Contains(logs.String(), "msg=received") || !strings.Contains(logs.String(), "msg=refused") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestBadKeys(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty": "# nothing\n", "short": "1 00112233\n", "badid": "32 00112233445566778899aabbccddeeff\n", "noid": "00112233445566778899aabbccddeeff\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		var out bytes.Buffer
		if err := run(context.Background(), []string{"-domain", "b.example", "-keys", p, "-encode", "q", "a@b.example"}, &out, &out, nil); err == nil {
			t.Errorf("%s: keys accepted", name)
		}
	}
}
