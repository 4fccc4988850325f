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
		// qqmailbox.com/transceivers/169 (QQ Mail's bounce notice).
		{"qqmailbox.com", "<kijitora@example.cn>: 该用户不存在", UserUnknown},
		{"qqmailbox.com", "<kijitora@example.cn>: 该用户未开通QQ邮箱", UserUnknown},
		{"qqmailbox.com", "收件人空间不足", MailboxFull},
		{"qqmailbox.com", "550 Error: content rejected;", SpamDetected},
		// wz.0733.com.cn news-56 and emailhost.com.cn's service pages.
		{"wz.0733.com.cn", "<kijitora@example.cn>: user is not found", UserUnknown},
		{"wz.0733.com.cn", "Sorry, <kijitora@example.cn>: doesn't have this account", UserUnknown},
		{"wz.0733.com.cn", "Quota exceed the hard limit for user kijitora", MailboxFull},
		{"wz.0733.com.cn", "mail box space not enough", MailboxFull},
		{"emailhost.com.cn", "DNS query error", HostUnknown},
		{"emailhost.com.cn", "rcpt handle timeout", NetworkError},
		{"emailhost.com.cn", "Content reject", SpamDetected},
		// Italiaonline's DSN messages (aiuto.libero.it, aiuto.virgilio.it,
		// "Messaggi di errore più frequenti dopo invio email") and
		// uniroma3.it's guide to error messages.
		{"aiuto.libero.it", "ROUTING SERVER FAILURE", HostUnknown},
		{"aiuto.libero.it", "RELAYING NOT ALLOWED (550 Relay Disabled)", NoRelaying},
		{"aiuto.libero.it", "MAILBOX FULL (User quota exceeded)", MailboxFull},
		{"uniroma3.it", "554 Disallowed Attach Type", PolicyViolation},
		// netbit.com.br's list of common sending errors (Portuguese).
		{"netbit.com.br", "<kijitora@example.com.br>: Malformed address", UserUnknown},
		// snmail.co.uk support/failure-timelimit (Exchange 2003).
		{"snmail.co.uk", "Could not deliver the message in the time limit specified. Please retry or contact your administrator.", Expired},
	} {
		if got := Classify(0, "", c.text).Reason; got != c.reason {
			t.Errorf("%s: %q: %s, want %s", c.source, c.text, got, c.reason)
		}
	}
}
