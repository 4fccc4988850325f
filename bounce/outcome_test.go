package bounce

import (
	"net/netip"
	"testing"
	"time"

	"github.com/mxkit/mxkit/delivery"
)

// TestClassifyOutcome: outcomes as smtpclient makes them, with and without
// a server reply, get a reason, a status and a verdict that agrees with the
// outcome's own.
func TestClassifyOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    delivery.Outcome
		want Classification
	}{
		{"delivered", delivery.Outcome{Status: delivery.Delivered, Stage: delivery.StageFinal, Code: 250, Enhanced: delivery.EnhancedCode{2, 0, 0}, Text: "queued as 1"},
			Classification{Reason: Delivered, Status: "2.0.0"}},
		{"unknown user at RCPT", delivery.Outcome{Status: delivery.Failed, Stage: delivery.StageRcpt, Code: 550, Enhanced: delivery.EnhancedCode{5, 1, 1}, Text: "no such user"},
			Classification{Reason: UserUnknown, Status: "5.1.1", Hard: true}},
		{"mailbox full, temporary", delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageRcpt, Code: 452, Enhanced: delivery.EnhancedCode{4, 2, 2}, Text: "mailbox full"},
			Classification{Reason: MailboxFull, Status: "4.2.2", Temporary: true}},
		{"no such domain", delivery.Outcome{Status: delivery.Failed, Stage: delivery.StageRoute, Enhanced: delivery.EnhancedCode{5, 1, 2}, Text: "route for nx.test: no such domain"},
			Classification{Reason: HostUnknown, Status: "5.1.2", Hard: true}},
		{"null MX", delivery.Outcome{Status: delivery.Failed, Stage: delivery.StageRoute, Enhanced: delivery.EnhancedCode{5, 1, 10}},
			Classification{Reason: NotAccept, Status: "5.1.10", Hard: true}},
		{"no answer", delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageConnect, Enhanced: delivery.EnhancedCode{4, 4, 1}, Text: "connection refused"},
			Classification{Reason: NetworkError, Status: "4.4.1", Temporary: true}},
		{"STARTTLS not offered", delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageTLS, Enhanced: delivery.EnhancedCode{4, 7, 4}},
			Classification{Reason: FailedSTARTTLS, Status: "4.7.4", Temporary: true}},
		// A STARTTLS refused with 5xx under a required policy waits: the
		// outcome's verdict wins over the reply class. "TLS not available"
		// (Postfix smtpd's 454 for a TLS it cannot start) is TLS that could
		// not be had.
		{"STARTTLS refused", delivery.Outcome{Status: delivery.Deferred, Stage: delivery.StageTLS, Code: 554, Enhanced: delivery.EnhancedCode{5, 7, 0}, Text: "TLS not available"},
			Classification{Reason: FailedSTARTTLS, Status: "5.7.0", Temporary: true}},
		{"too big", delivery.Outcome{Status: delivery.Failed, Stage: delivery.StageLocal, Enhanced: delivery.EnhancedCode{5, 3, 4}},
			Classification{Reason: MesgTooBig, Status: "5.3.4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ClassifyOutcome(&tc.o)
			if got.Reason != tc.want.Reason || got.Status != tc.want.Status || got.Hard != tc.want.Hard || got.Temporary != tc.want.Temporary {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got.Temporary != tc.o.Temporary() {
				t.Errorf("Temporary %v disagrees with the outcome's %v", got.Temporary, tc.o.Temporary())
			}
		})
	}
}

func TestNewDSNRecipient(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	o := delivery.Outcome{Recipient: "bob@example.com", Status: delivery.Failed, Stage: delivery.StageRcpt, Code: 550,
		Enhanced: delivery.EnhancedCode{5, 1, 1}, Text: "no such\nuser", Host: "mx.example.com", IP: netip.MustParseAddr("192.0.2.1"), Time: at}
	r := NewDSNRecipient(&o)
	want := DSNRecipient{FinalRecipient: "bob@example.com", Action: "failed", Status: "5.1.1", RemoteMTA: "mx.example.com",
		DiagnosticCode: "550 5.1.1 no such user", LastAttemptDate: at}
	if r != want {
		t.Errorf("got %+v, want %+v", r, want)
	}
	nx := delivery.Outcome{Recipient: "a@nx.test", Status: delivery.Failed, Stage: delivery.StageRoute, Enhanced: delivery.EnhancedCode{5, 1, 2}}
	if r := NewDSNRecipient(&nx); r.Status != "5.1.2" || r.RemoteMTA != "" || r.DiagnosticCode != "" || r.Action != "failed" {
		t.Errorf("no-reply outcome: %+v, want status 5.1.2 with no remote MTA or diagnostic", r)
	}
	wait := delivery.Outcome{Recipient: "a@b.test", Status: delivery.Deferred, Code: 451, Text: "later"}
	if r := NewDSNRecipient(&wait); r.Action != "delayed" || r.Status[0] != '4' {
		t.Errorf("deferred outcome: %+v, want a delayed action with a 4.x.x status", r)
	}
}
