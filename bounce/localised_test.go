package bounce

import (
	"mime"
	"strings"
	"testing"
)

// yandexPre is the text of Yandex's notice above its per-recipient
// records (pastebin.com/NyrLuyVu, mdrmw62V): the Russian preamble, then
// Postfix's bounce(5) text in English.
const yandexPre = "**********\nЭто письмо отправлено почтовым сервером yandex.ru.\nК сожалению, мы вынуждены сообщить Вам о том, что Ваше письмо не может\nбыть отправлено одному или нескольким адресатам. Причины указаны ниже.\nПожалуйста, не отвечайте на это сообщение.\n**********\n\nThis is the mail system at host yandex.ru.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nPlease, do not reply to this message.\n\n"

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
		// emailhost.com.cn's service pages name each kind of returned
		// mail in Chinese beside the reply that shows it ("[退信]
		// 收件人不存在: user not exist", "[退信] 收件容量满: Quota exceeded",
		// "[退信] 域名不存在: DNS query error", "[退信] 邮件过大: exceeded
		// mailsize limit"): the Chinese words alone say the same.
		{"emailhost.com.cn", "<kijitora@example.cn>: 收件人不存在", UserUnknown},
		{"emailhost.com.cn", "收件容量满", MailboxFull},
		{"emailhost.com.cn", "域名不存在", HostUnknown},
		{"emailhost.com.cn", "邮件过大", MesgTooBig},
	} {
		if got := Classify(0, "", c.text).Reason; got != c.reason {
			t.Errorf("%s: %q: %s, want %s", c.source, c.text, got, c.reason)
		}
	}
}

// TestLocalisedNotices reads returned-mail notices written in the
// sender's or the provider's language, each laid out as the cited source
// shows it (the addresses replaced by example ones), with no
// delivery-status part: the notice must be taken for a bounce from its
// localised subject, sender or wording, its failed recipient found, and
// its reason read from the remote reply it quotes or, where there is
// none, from its localised words. Each case names its source; where the
// source shows only part of the notice, the case holds only that part.
func TestLocalisedNotices(t *testing.T) {
	checkFormats(t, []formatCase{
		// German: Exchange Online's NDR for a refusal by a remote server,
		// as pastebin.com/7uyQfD4d shows it ("<host> hat Ihre Nachricht an
		// die folgenden E-Mail-Adressen zurückgewiesen.", the address as
		// "addr (addr)", "Ihre Nachricht konnte nicht zugestellt werden.
		// Als Office 365 versucht hat, die Nachricht zu senden, hat der
		// externe E-Mail-Server den unten gezeigten Fehler
		// zurückgegeben."). The part shown names no reason: none is read.
		{name: "German, Exchange Online refusal", from: exchangeFrom, subject: "hello", action: "failed",
			body: "mx.example.de hat Ihre Nachricht an die folgenden E-Mail-Adressen zurückgewiesen.\n\npaul@example.de (paul@example.de)\n\n" +
				"Ihre Nachricht konnte nicht zugestellt werden. Als Office 365 versucht hat, die Nachricht zu senden, hat der externe E-Mail-Server den unten gezeigten Fehler zurückgegeben. Die Ursache hierfür ist wahrscheinlich ein Problem oder eine Richtlinieneinstellung im E-Mail-System des Empfängers.\n\n" +
				"Für E-Mail-Administratoren\n",
			want: []formatWant{{"paul@example.de", OnHold, false, "5", ""}}},
		// Portuguese: Exchange's NDR as pastebin.com/BxEWDHGy shows it
		// ("Falha na entrega aos seguintes destinatários ou grupos:",
		// "Informações de diagnóstico para administradores:", "Gerando
		// servidor:", "Cabeçalhos de mensagem originais:"): the remote
		// server checked the sender's address by a callout and refused it
		// ("Verification failed for <sender> No Such User Here Sender
		// verify failed"), the sender's address rejected.
		{name: "Portuguese, Exchange sender verify", from: exchangeFrom, subject: "Re: Contratos", action: "failed",
			body: "Falha na entrega aos seguintes destinatários ou grupos:\n\ndiretoria@example.com.br\nOcorreu um problema ao se entregar essa mensagem para esse endereço de email. Tente enviar a mensagem novamente. Se o problema continuar, entre em contato com a assistência técnica.\n\n" +
				"A seguinte organização rejeitou sua mensagem: example.com.br (192.0.2.22).\n\n" +
				"Informações de diagnóstico para administradores:\n\nGerando servidor: smtp.example.org\n\ndiretoria@example.com.br\nexample.com.br (192.0.2.22)\n" +
				"Remote Server returned '<example.com.br (192.0.2.22) #5.0.0 smtp;550 Verification failed for <bruno@example.org> No Such User Here Sender verify failed>'\n\n" +
				"Cabeçalhos de mensagem originais:\n\n" + returned,
			want: []formatWant{{"diretoria@example.com.br", Rejected, false, "5", "Sender verify failed"}}},
		// Polish: Exchange's notice as pastebin.com/iFpgpLWp shows it, from
		// its heading on ("Informacje diagnostyczne dla administratorów:",
		// "Generowanie serwera:", "Total retry attempts: 17", "Remote
		// Server returned '400 4.4.7 Message delayed'", "Oryginalne
		// nagłówki wiadomości:"): the message outlived its retries.
		{name: "Polish, Exchange delayed", from: exchangeFrom, subject: "ddd",
			body: "Informacje diagnostyczne dla administratorów:\n\nGenerowanie serwera: ex1.example.pl\nTotal retry attempts: 17\n\nkamil@example.pl\nRemote Server returned '400 4.4.7 Message delayed'\n\n" +
				"Oryginalne nagłówki wiadomości:\n\n" + returned,
			want: []formatWant{{"kamil@example.pl", Expired, false, "4", "Message delayed"}}},
		// Spanish: Exchange 2003's NDR through Outlook, as
		// pastebin.com/9LAaRhhi shows it (from "Administrador del
		// sistema", the subject "Sin entregar: <subject>", "Algunos de los
		// destinatarios no recibieron su mensaje.", "No se puede localizar
		// a los destinatarios siguientes:", "'<addr>' en <date>", "Error
		// del servidor: '...'"), the address as written there with a stray
		// "<": the remote server refused the malformed command.
		{name: "Spanish, Exchange 2003 syntax", from: "Administrador del sistema <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.es>", subject: "Sin entregar: Pedido", action: "failed",
			body: "Algunos de los destinatarios no recibieron su mensaje.\n\n      Asunto:\tPedido\n      Enviado el:\t16/03/2020 16:48\n\nNo se puede localizar a los destinatarios siguientes:\n\n" +
				"      '<pedidos@example.es' en 16/03/2020 16:48\n            Error del servidor: '501 Syntax error in parameters or arguments'\n",
			want: []formatWant{{"pedidos@example.es", SyntaxError, false, "5", "Syntax error"}}},
		// The same notice as pastebin.com/rrDb8Y6g shows it, its subject
		// not shown (the original's here): a temporary local error of the
		// remote server (RFC 5321 §4.2.3 451) in a notice that the message
		// was not delivered, which the package reads as the sender giving
		// up before the trouble cleared (RFC 3464 §2.3.3; classify.go,
		// SystemError).
		{name: "Spanish, Exchange 2003 local error", from: exchangeFrom, subject: "RV: Prueba comunicación de correos", action: "failed",
			body: "Algunos de los destinatarios no recibieron su mensaje.\n\n      Asunto:\tRV: Prueba comunicación de correos\n      Enviado el:\t14/10/2019 8:15\n\nNo se puede localizar a los destinatarios siguientes:\n\n" +
				"      'ventas@example.cr' en 14/10/2019 8:15\n            Error del servidor: '451 Requested action aborted: local error in processing'\n",
			want: []formatWant{{"ventas@example.cr", Expired, false, "", "local error in processing"}}},
		// Spanish: Exchange Online's NDR for a recipient the remote domain
		// does not have, as pastebin.com/qSHqkmLq shows it ("<host>
		// rechazó tus mensajes a las siguientes direcciones de correo:",
		// "No se pudo entregar el mensaje. Parece que la dirección de
		// correo electrónico donde envió el mensaje no se encontraba en el
		// dominio de destino, o bien el buzón de correo del destinatario
		// no estaba disponible."); the address line as the German notice
		// above prints it. No reply is quoted: the words say the address
		// was not found.
		{name: "Spanish, Exchange Online not found", from: exchangeFrom, subject: "hola", action: "failed",
			body: "kundenserver.de rechazó tus mensajes a las siguientes direcciones de correo:\n\nnadie@example.es (nadie@example.es)\n\n" +
				"No se pudo entregar el mensaje. Parece que la dirección de correo electrónico donde envió el mensaje no se encontraba en el dominio de destino, o bien el buzón de correo del destinatario no estaba disponible. Es posible que se haya escrito de forma incorrecta la dirección de correo electrónico o que no exista.\n",
			want: []formatWant{{"nadie@example.es", UserUnknown, true, "5", ""}}},
		// French: Exchange Online's NDR from its diagnostic heading on, as
		// pastebin.com/HFigDHDT shows it ("Informations de diagnostic pour
		// les administrateurs :", "Serveur de génération :", "Serveur de
		// réception :", "Server at ... returned '550 5.4.317 Message
		// expired, cannot connect to remote server(421 4.2.1 Unable to
		// connect)'", "En-têtes de message d'origine :"): the message
		// expired without a connection.
		{name: "French, Exchange Online expired", from: exchangeFrom, subject: "Re: rendez-vous", action: "failed",
			body: "Informations de diagnostic pour les administrateurs :\n\nServeur de génération : AM5PR0201MB2468.eurprd02.prod.outlook.com\nServeur de réception : AM5PR0201MB2468.eurprd02.prod.outlook.com\n\nalexis@example.fr\n" +
				"4/4/2017 6:06:10 PM - Server at AM5PR0201MB2468.eurprd02.prod.outlook.com returned '550 5.4.317 Message expired, cannot connect to remote server(421 4.2.1 Unable to connect)'\n" +
				"4/4/2017 5:56:10 PM - Server at example.fr (192.0.2.5) returned '450 4.4.317 Cannot connect to remote server(421 4.2.1 Unable to connect)'\n\n" +
				"En-têtes de message d'origine :\n\n" + returned,
			want: []formatWant{{"alexis@example.fr", Expired, false, "", "Message expired"}}},
		// French: Exchange 2013's delay notice, from its diagnostic part on
		// as pastebin.com/rgjcnYmZ shows it ("Serveur de génération :",
		// "Serveur de réception :", "returned '400 4.4.7 Message
		// delayed'", then the last attempt: 1&1's server refused the
		// client for its reverse DNS, "554-Bad DNS PTR resource record"),
		// under the French delay subject "Remise retardée :" (the delay
		// notice quoted on pastebin.com/SYa736QZ): still retried, for want
		// of a PTR record.
		{name: "French, Exchange delay for a PTR", from: exchangeFrom, subject: "Remise retardée :TR: test", action: "delayed",
			body: "Serveur de génération : EXCH12.example.ma\nServeur de réception : mx00.1and1.es (192.0.2.41)\n\nk.bennani@example.com\nRemote Server at mx00.1and1.es (192.0.2.41) returned '400 4.4.7 Message delayed'\n" +
				"16/03/2018 21:10:34 - Remote Server at mx00.1and1.es (192.0.2.41) returned '451-4.4.0 Primary target IP address responded with: \"554-kundenserver.de (mxeue109) Nemesis ESMTP Service not available 451-4.4.0 554-No SMTP service 451-4.4.0 554-Bad DNS PTR resource record. 451 4.4.0 554 For explanation visit https://help.1and1.com/smtp-error-messages?ip=192.0.2.120&c=rdns.\" Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 192.0.2.41:25'\n\n" +
				"En-têtes de message d'origine :\n\n" + returned,
			want: []formatWant{{"k.bennani@example.com", RequirePTR, false, "4", "PTR"}}},
		// German provider: 1&1 IONOS's notice (pastebin.com/gwHtk6Ha:
		// from mailer-daemon@kundenserver.de, "The following address
		// failed:", the addresses in angle brackets, then "Reason:" and
		// "delivery retry timeout exceeded", "--- The header of the
		// original message is following. ---"), two recipients under one
		// reason; and its "multiple delivery attempts failed"
		// (pastebin.com/PXk0HAPS).
		{name: "German provider, IONOS retry timeout", from: "Mail Delivery System <mailer-daemon@kundenserver.de>", subject: "Mail delivery failed: returning message to sender", action: "failed",
			body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address\nfailed:\n\n<rosa@example.com>\n<fragata@example.com>\n\nReason:\ndelivery retry timeout exceeded\n\n" +
				"--- The header of the original message is following. ---\n\nFrom: sender@example.org\nTo: rosa@example.com, fragata@example.com\nSubject: hi\nMessage-ID: <x@example.org>\n",
			want: []formatWant{{"rosa@example.com", Expired, false, "", ""}, {"fragata@example.com", Expired, false, "", ""}}},
		{name: "German provider, IONOS attempts", from: "Mail Delivery System <mailer-daemon@kundenserver.de>", subject: "Mail delivery failed: returning message to sender", action: "failed",
			body: "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address(es)\nfailed:\n\n<jparada@example.com>\n\nReason:\nmultiple delivery attempts failed\n\n" +
				"--- The header of the original message is following. ---\n\nFrom: david <david@example.es>\nSubject: prueba1\nMessage-Id: <D2CF@example.es>\nTo: jparada@example.com\n",
			want: []formatWant{{"jparada@example.com", Expired, false, "", "multiple delivery attempts"}}},
		// Italian provider: Telecom Italia's (TIN, Virgilio) notice as an
		// Italian guide quotes it (xoomer.virgilio.it/cpoeri, PCTel
		// Suggerimento007: "These recipients of your message have been
		// processed by the mail server: tizio@virgilio.it; Failed; 5.2.2
		// (mailbox full) Remote MTA ims1c.cp.tin.it: SMTP diagnostic: 443
		// RCPT TO:<tizio@virgilio.it> Mailbox disk quota exceeded", read
		// there as the recipient's box full), laid out one record a line.
		{name: "Italian provider, TIN mailbox full", from: "Mail Delivery <postmaster@example.it>", subject: "Delivery Status Notification", action: "failed",
			body: "These recipients of your message have been processed by the mail server:\ntizio@example.it; Failed; 5.2.2 (mailbox full)\n\n    Remote MTA ims1c.cp.tin.it: SMTP diagnostic: 443 RCPT TO:<tizio@example.it> Mailbox disk quota exceeded\n",
			want: []formatWant{{"tizio@example.it", MailboxFull, false, "5.2.2", "quota exceeded"}}},
		// Czech: Seznam's notice, Czech and English, as its help page shows
		// it (napoveda.seznam.cz/uzivatel-neexistuje, "Uživatel neexistuje":
		// "Vaše zpráva pro <addr> ze dne ... nemohla být doručena. Zpráva je
		// přiložena.", the same in English, "Důvod / Reason:", "5.1.1 szn;
		// User hasn't got the service mapped", "Permanentní chyba na straně
		// uživatele. Permanent Failure - Bad destination mailbox address"):
		// the recipient does not exist.
		{name: "Czech, Seznam user unknown", from: "Seznam <robot@example.cz>", subject: "hello", action: "failed",
			body: "Vaše zpráva pro <vesely@example.cz> ze dne 19.11.2012 nemohla být doručena.\nZpráva je přiložena.\n\nYou message for <vesely@example.cz> from 2012/11/19 could not be delivered.\nIt's attached below.\n\n" +
				"Důvod / Reason:\n---------------\n\n5.1.1 szn; User hasn't got the service mapped\n\nPermanentní chyba na straně uživatele.\nPermanent Failure - Bad destination mailbox address\n",
			want: []formatWant{{"vesely@example.cz", UserUnknown, true, "5.1.1", "service mapped"}}},
		// Italian help: Yahoo's notice as its Italian help page shows it
		// (it.aiuto.yahoo.com, SLN3275, "Esempio di notifica di errore":
		// qmail-send's text with no "<addr>:" line, "failed after I sent
		// the message. Remote host said: 554 delivery error: dd This user
		// doesn't have a yahoo.com account (<addr>) [-5]", then the copy
		// of the message), which the page reads as the account not
		// existing; the recipient is only in the reply and the copy.
		{name: "Italian help, Yahoo notice", from: "MAILER-DAEMON@yahoo.com", subject: "Failed Delivery", action: "failed",
			body: "Hi. This is the qmail-send program at yahoo.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n" +
				"192.0.2.89 failed after I sent the message.\nRemote host said: 554 delivery error: dd This user doesn't have a yahoo.com account (testing123@example.com) [-5] - mta123.mail.mud.yahoo.com\n\n" +
				"--- Below this line is a copy of the message.\n\nReturn-Path: <care@example.org>\nDate: Thu, 11 Nov 2010 07:37:24 -0800 (PST)\nFrom: Yahoo Customer Care <care@example.org>\nSubject: Test Message\nTo: testing123@example.com\nMIME-Version: 1.0\n\n[Text of the original message here]\n",
			want: []formatWant{{"testing123@example.com", UserUnknown, true, "5", "doesn't have a yahoo.com account"}}},
		// Russian: Yandex's notice, its Russian preamble above Postfix's
		// English (pastebin.com/NyrLuyVu: from mailer-daemon@yandex.ru, the
		// subject "Недоставленное сообщение", "Это письмо отправлено
		// почтовым сервером yandex.ru. К сожалению, мы вынуждены сообщить
		// Вам о том, что Ваше письмо не может быть отправлено одному или
		// нескольким адресатам."), read from its text alone and sent from
		// a tenant-like address so that only the Russian subject and
		// words say it is a bounce. The refusals are those of
		// pastebin.com/mdrmw62V (a bulk spam filter after DATA) and
		// YmQx3D5N (Gmail: several addresses in From:).
		{name: "Russian, Yandex spam filter", from: "Yandex <robot@example.ru>", subject: mime.BEncoding.Encode("utf-8", "Недоставленное сообщение"), action: "failed",
			body: yandexPre + "<dganic@example.ru>: host mail.example.ru[192.0.2.3] said: 551 5.9.9 Message you\n    sent blocked by our bulk spam email filter. If you feel we mistreat you, do\n    contact us: abuse@example.ru (in reply to end of DATA command)\n",
			want: []formatWant{{"dganic@example.ru", SpamDetected, false, "5", "bulk spam"}}},
		{name: "Russian, Yandex to Gmail", from: "Yandex <robot@example.ru>", subject: mime.BEncoding.Encode("utf-8", "Недоставленное сообщение"), action: "failed",
			body: yandexPre + "<rysik@example.com>: host gmail-smtp-in.l.google.com[192.0.2.26]\n    said: 550-5.7.1 [192.0.2.181 13] Messages with multiple addresses\n    in From: 550 5.7.1 header are not accepted. 30si1434342lfw.217 - gsmtp (in\n    reply to end of DATA command)\n",
			want: []formatWant{{"rysik@example.com", NotCompliantRFC, false, "5.7.1", "multiple addresses"}}},
		// Chinese: imail's returned-mail notice (midoks/imail,
		// conf/tpl/return_to_sender_html.tpl and GetMailReturnToSender: from
		// postmaster@<domain>, the subject "系统退信", an HTML part "很抱歉您发送
		// 的邮件被退回，以下是该邮件的相关信息：", "无法发送到 <addr>", "退信原因"
		// and the remote server's error), sent here from the domain's own
		// address so that only the Chinese words say it is a bounce; the
		// error is one of those QQ Mail's notice lists, "550 Error: content
		// rejected;" (qqmailbox.com/transceivers/169: the content refused).
		{name: "Chinese, imail", from: "imail <imail@example.cn>", subject: mime.BEncoding.Encode("utf-8", "系统退信"), action: "failed",
			header: "Content-Type: text/html; charset=utf-8\n",
			body: "<html><body><p>很抱歉您发送的邮件被退回，以下是该邮件的相关信息：</p>\n<table><tr><td>被退回邮件</td><td>主 题：hello <br/>时 间：2026-12-06 10:00:00 </td></tr></table>\n" +
				"<table><tr><td colspan=\"2\">无法发送到 gone@example.cn</td></tr>\n<tr><td>退信原因</td><td> 未知原因 <br /> 550 Error: content rejected; </td></tr>\n" +
				"<tr><td>解决方案</td><td> 请联系您的收件人（gone@example.cn）或其所在服务商了解退信原因。</td></tr></table></body></html>\n",
			want: []formatWant{{"gone@example.cn", SpamDetected, false, "5", "content rejected"}}},
		// French: o2switch's notice (pastebin.com/ZyP9cxwq: from "Le
		// Serveur Mail", the subject "[Important] Impossible d'envoyer
		// l'email", "Ceci est un message d'echec automatiquement envoye par
		// nos systemes.", "Nous sommes desoles de vous informer que l'email
		// n'a pu etre envoye. En effet le serveur destinataire n'a pas ete
		// en mesure de traiter le message."), the returned message
		// attached: the recipient is the original's, and no reason is
		// given.
		{name: "French, o2switch", from: "Le Serveur Mail <serveur@example.fr>", subject: "[Important] Impossible d'envoyer l'email", action: "failed",
			header: "Content-Type: multipart/mixed; boundary=o2\n",
			body: "--o2\nContent-Type: text/plain; charset=utf-8\n\nBonjour,\n\nCeci est un message d'echec automatiquement envoye par nos systemes.\n\n" +
				"Nous sommes desoles de vous informer que l'email n'a pu etre envoye. En effet le serveur destinataire n'a pas ete en mesure de traiter le message. Pour toute assistance merci de prendre contact avec votre destinataire par un moyen different.\n\n" +
				"--o2\nContent-Type: message/rfc822\n\nFrom: Leila <sender@example.org>\nTo: contact@example.fr\nSubject: Demande de renseignements\nMessage-ID: <send-43@example.org>\n\nbody line\n--o2--\n",
			want: []formatWant{{"contact@example.fr", OnHold, false, "5", ""}}},
	})
}

// TestLocalisedNotBounces keeps the localised wordings from taking
// ordinary mail for a bounce: a customer's Spanish complaint about an
// order not delivered ("pedido sin entregar", not Outlook's "Sin
// entregar: " prefix) and a Chinese question about returned mail (退信,
// not imail's "系统退信" subject) stay unknown.
func TestLocalisedNotBounces(t *testing.T) {
	for name, msg := range map[string]string{
		"Spanish order":    "From: Cliente <cliente@example.es>\r\nTo: ventas@example.org\r\nSubject: Pedido sin entregar\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHola, mi pedido 4711 sigue sin entregar. Escribidme a cliente@example.es.\r\n",
		"Chinese question": "From: " + mime.BEncoding.Encode("utf-8", "王") + " <wang@example.cn>\r\nTo: it@example.org\r\nSubject: " + mime.BEncoding.Encode("utf-8", "关于退信的问题") + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n你好，我发给 li@example.cn 的邮件好像被退回了，请帮忙看看。\r\n",
	} {
		rep, err := Parse(strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Kind != KindUnknown {
			t.Errorf("%s: kind %v, recipients %+v", name, rep.Kind, rep.Recipients)
		}
	}
}
