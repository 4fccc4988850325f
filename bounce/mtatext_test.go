package bounce

import (
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withoutDeliveryStatus returns a multipart/report with its
// message/delivery-status part taken out: the MTA's own text and the
// returned message are left, as forwarding, a mailing list or a
// converting gateway leaves them.
func withoutDeliveryStatus(t *testing.T, data []byte) string {
	t.Helper()
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	m, err := mail.ReadMessage(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		t.Fatalf("not a multipart: %v", err)
	}
	delim := "\n--" + params["boundary"]
	parts := strings.Split(s, delim)
	kept := parts[:1]
	dropped := 0
	for _, p := range parts[1:] {
		head, _, _ := strings.Cut(p, "\n\n")
		// RFC 6533 §6.2: message/global-delivery-status, the
		// internationalised form (chasquid writes it).
		if h := strings.ToLower(head); strings.Contains(h, "message/delivery-status") || strings.Contains(h, "message/global-delivery-status") {
			dropped++
			continue
		}
		kept = append(kept, p)
	}
	if dropped != 1 {
		t.Fatalf("%d delivery-status parts", dropped)
	}
	return strings.Join(kept, delim)
}

// mtaTextReported are the verdicts the text alone gives where it says
// less than the delivery-status part.
var mtaTextReported = map[string]map[string]Reason{
	// Postfix's notice gives a delivery program's EX_TEMPFAIL as the
	// sysexits words alone, "<x>: temporary failure" (postfix/src/global/
	// sys_exits.c); only the DSN's "x-unix" diagnostic type says a
	// program gave them. Words that name no reason are onhold (issue 17).
	"postfix": {"pipe-tempfail": OnHold},
	// nullmailer-dsn's text names the recipients and no reply: "The
	// message attached below could not be delivered to one or more of
	// the intended recipients:" and the addresses (bruceg/nullmailer
	// src/dsn.cc); the reply is in the Diagnostic-Code alone.
	"nullmailer": nullmailerTextOnHold(),
}

// nullmailerTextOnHold gives every cause of the matrix the verdict of
// words that name no reason (onhold), for nullmailer's text.
func nullmailerTextOnHold() map[string]Reason {
	m := map[string]Reason{}
	for _, c := range mtaCauses {
		m[c.name] = OnHold
	}
	return m
}

// TestMTATextOnly reads the real-MTA matrix's DSNs (testdata/mta, written
// by Postfix, Exim, OpenSMTPD, Sendmail, Courier, nullmailer and Haraka, and dma's plain-text
// bounces, read whole) with their delivery-status
// part taken out: the text each MTA writes for people must give the same
// recipient, reason and hard/soft as the DSN, and the status the
// receiver gave. The verdicts are the matrix's, known by construction.
func TestMTATextOnly(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "mta", "*"))
	if err != nil {
		t.Fatal(err)
	}
	total, right := 0, 0
	for _, dir := range dirs {
		mta := filepath.Base(dir)
		for _, c := range mtaCauses {
			data, err := os.ReadFile(filepath.Join(dir, c.name+".eml"))
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			total++
			if r, ok := mtaReported[mta][c.name]; ok {
				c.reason, c.hard, c.status = r, hardReason(r), ""
			}
			if r, ok := mtaTextReported[mta][c.name]; ok {
				c.reason, c.hard, c.status = r, false, ""
			}
			in := string(data)
			if mtaNoDSN[mta] == "" {
				in = withoutDeliveryStatus(t, data)
			}
			rep, err := Parse(strings.NewReader(in))
			if err != nil {
				t.Errorf("%s/%s: %v", mta, c.name, err)
				continue
			}
			if rep.Kind != KindNonStandard || len(rep.Recipients) != 1 {
				t.Errorf("%s/%s: kind %v, recipients %+v", mta, c.name, rep.Kind, rep.Recipients)
				continue
			}
			got := rep.Recipients[0]
			// The status the receiver gave must come through; a
			// failure the MTA met itself carries no code in its text.
			want := c.status
			rcptOK := strings.EqualFold(got.FinalRecipient, c.rcpt) || strings.EqualFold(got.OriginalRecipient, c.rcpt)
			if !rcptOK || got.Reason != c.reason || got.Hard != c.hard ||
				got.Status == "" || want != "" && got.Status != want {
				t.Errorf("%s/%s: %s reason %s status %s hard %v; want %s, %s, status %q, hard %v\n  diagnostic: %q",
					mta, c.name, got.FinalRecipient, got.Reason, got.Status, got.Hard, c.rcpt, c.reason, want, c.hard, got.DiagnosticCode)
				continue
			}
			right++
		}
	}
	t.Logf("MTA matrix, text parts only: %d of %d right (recipient, reason, hard/soft, the receiver's status)", right, total)
}

// TestExpandedFrom reads the original recipient Postfix's notice names
// beside an expanded alias, and nothing from text that only resembles
// it.
func TestExpandedFrom(t *testing.T) {
	for _, c := range []struct{ blk, addr, want string }{
		{"<loopb@local.test> (expanded from <loopa@local.test>): alias database loop for\n    loopb", "loopb@local.test", "loopa@local.test"},
		{"<LoopB@Local.test> (expanded from <loopa@local.test>): x", "loopb@local.test", "loopa@local.test"},
		{"<loopb@local.test>: user unknown", "loopb@local.test", ""},
		{"<loopb@local.test> (expanded from <loopa@local.test", "loopb@local.test", ""},
		{"<loopb@local.test> (expanded from <>): x", "loopb@local.test", ""},
		{"<loopb@local.test> (expanded from <a b>): x", "loopb@local.test", ""},
		{"<other@local.test> (expanded from <loopa@local.test>): x", "loopb@local.test", ""},
	} {
		if got := expandedFrom(c.blk, c.addr); got != c.want {
			t.Errorf("expandedFrom(%q, %q) = %q, want %q", c.blk, c.addr, got, c.want)
		}
	}
}
