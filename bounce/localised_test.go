package bounce

import "testing"

// TestLocalisedWordings classifies the non-English wordings of the phrase
// tables (and the English ones of the same lists) as their sources publish
// them, with no reply code beside them
// (the bounce texts that carry them often have none): each row names the
// page it was read from, and the reason that page gives it. A user-unknown
// wording is given as a refusal naming its address ("<addr>: ..."), the
// shape that places it at RCPT when no stage is named (namesRecipient).
func TestLocalisedWordings(t *testing.T) {
	for _, c := range []struct {
		source, text string
		reason       Reason
	}{
		// alexborras.com, "Errores y Warnings habituales en retorno de email".
		{"alexborras.com", "<kijitora@example.es>: Usuario inexistente", UserUnknown},
		{"alexborras.com", "kijitora no se encuentra en el Directorio de Domino", UserUnknown},
		{"alexborras.com", "El usuario no se encuentra en la Libreta de direcciones", UserUnknown},
		{"alexborras.com", "correo lleno", MailboxFull},
		{"alexborras.com", "tiempo de entrega vencido", Expired},
		{"alexborras.com", "<kijitora@example.es>: Mailbox unknown", UserUnknown},
		{"alexborras.com", "550 unknown mailbox: kijitora@example.es", UserUnknown},
		{"alexborras.com", "The following destination addresses were unknown: kijitora@example.es", UserUnknown},
		{"alexborras.com", "kijitora@example.es is a deactivated mailbox", Suspend},
		{"alexborras.com", "This account has been disabled", Suspend},
		{"alexborras.com", "Could not resolve domain example.es", HostUnknown},
		{"alexborras.com", "example.es: Name or service not known", HostUnknown},
		{"alexborras.com", "Delivery expired (message too old)", Expired},
		{"alexborras.com", "Message would exceed the quota", MailboxFull},
		// windows.microsoft.com/it-it/outlook/delivery-failed.
		{"microsoft.com it-it", "<kijitora@example.it>: Utente sconosciuto", UserUnknown},
		{"microsoft.com it-it", "<kijitora@example.it>: Mailbox non trovata", UserUnknown},
		{"microsoft.com it-it", "Casella di posta piena", MailboxFull},
		{"microsoft.com it-it", "Host sconosciuto", HostUnknown},
		// snmail.co.uk support/failure-timelimit (Exchange 2003).
		{"snmail.co.uk", "Could not deliver the message in the time limit specified. Please retry or contact your administrator.", Expired},
	} {
		if got := Classify(0, "", c.text).Reason; got != c.reason {
			t.Errorf("%s: %q: %s, want %s", c.source, c.text, got, c.reason)
		}
	}
}
