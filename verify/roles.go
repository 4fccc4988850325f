package verify

import (
	"strings"
)

// roles are local parts that name a role, a service or an unattended
// mailbox rather than a person, with where each comes from. Mail to them
// reaches a group, a ticket system or nobody; a sign-up or a mailing list
// with them collects complaints. Matched case-insensitively, after a
// "+tag" subaddress is removed and a quoted local part unquoted.
var roles = map[string]string{
	// RFC 2142 §3, business-related mailboxes.
	"info":      "RFC 2142 §3",
	"marketing": "RFC 2142 §3",
	"sales":     "RFC 2142 §3",
	"support":   "RFC 2142 §3",
	// RFC 2142 §4, network operations.
	"abuse":    "RFC 2142 §4",
	"noc":      "RFC 2142 §4",
	"security": "RFC 2142 §4",
	// RFC 2142 §5, support services; postmaster is also required of
	// every mail domain by RFC 5321 §4.5.1.
	"postmaster": "RFC 2142 §5, RFC 5321 §4.5.1",
	"hostmaster": "RFC 2142 §5",
	"usenet":     "RFC 2142 §5",
	"news":       "RFC 2142 §5",
	"webmaster":  "RFC 2142 §5",
	"www":        "RFC 2142 §5",
	"uucp":       "RFC 2142 §5",
	"ftp":        "RFC 2142 §5",
	// The addresses certificate authorities may mail to prove control
	// of a domain (CA/Browser Forum Baseline Requirements §3.2.2.4.4):
	// admin, administrator, webmaster, hostmaster, postmaster.
	"admin":         "CA/B Forum Baseline Requirements §3.2.2.4.4",
	"administrator": "CA/B Forum Baseline Requirements §3.2.2.4.4",
	// The sender of bounces (RFC 3834 §2 lists it among the addresses
	// not to answer automatically) and the Unix superuser, which every
	// MTA's aliases file points at someone (Postfix's and sendmail's
	// sample aliases files).
	"mailer-daemon": "RFC 3834 §2",
	"root":          "Postfix and sendmail aliases files",
	// Unattended senders: the names mail senders use for addresses that
	// nobody reads. Forward Email's published list of reserved
	// usernames (github.com/forwardemail/reserved-email-addresses-list,
	// "generic, admin, mailer-daemon, and no-reply usernames") holds the
	// no-reply family; the spellings with "_" are as senders use them
	// (Apple's no_reply@email.apple.com).
	"noreply":      "unattended sender",
	"no-reply":     "unattended sender",
	"no_reply":     "unattended sender",
	"donotreply":   "unattended sender",
	"do-not-reply": "unattended sender",
	"do_not_reply": "unattended sender",
}

// role returns the source of the role the local part names, or "".
// Mailing-list software addresses (RFC 2142 §6 "LIST-REQUEST"; RFC 3834
// §2 names "owner-" and "-request" addresses too) are roles as well.
func role(local string) string {
	l := normalLocal(local)
	if src, ok := roles[l]; ok {
		return src
	}
	switch {
	case len(l) > len("-request") && strings.HasSuffix(l, "-request"):
		return "RFC 2142 §6, RFC 3834 §2: mailing-list administration"
	case len(l) > len("owner-") && strings.HasPrefix(l, "owner-"):
		return "RFC 3834 §2: mailing-list owner"
	}
	return ""
}

// normalLocal returns the local part lower-cased, unquoted (a quoted
// local part and the same text unquoted name the same mailbox, RFC 5322
// §3.4.1), and without a "+tag" subaddress (the separator Sieve's
// subaddress extension and most MTAs use, RFC 5233 §1).
func normalLocal(local string) string {
	if len(local) >= 2 && local[0] == '"' {
		var b strings.Builder
		for i := 1; i < len(local)-1; i++ {
			if local[i] == '\\' && i+1 < len(local)-1 {
				i++
			}
			b.WriteByte(local[i])
		}
		local = b.String()
	}
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(local)
		}
	}
	return local
}
