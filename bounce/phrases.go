package bounce

// The phrase tables of the wording detectors. Every phrase stands beside
// the published text it comes from: an MTA's documentation or the source
// text of its messages, a provider's published list of its replies, or an
// RFC. Sources cited by short name:
//
//   - Postfix: postconf(5) (www.postfix.org/postconf.5.html), smtp(8),
//     local(8) and the bounce(5) templates;
//     LOCAL_RECIPIENT_README.
//   - Exim: the Exim specification (exim.org, "spec"), chapters on ACLs,
//     routers (dnslookup), the smtp transport and retry rules; and its
//     source (github.com/Exim/exim src/src: deliver.c, verify.c, acl.c,
//     smtp_in.c, the routers and transports), cited by file and function.
//   - Sendmail: sendmail/cf/README and the Sendmail operations guide
//     (op.me), and the texts of its DSNs.
//   - qmail: qmail-smtpd(8), qmail-remote(8), qmail-send's bounce text.
//   - Google: "Gmail SMTP errors and codes", support.google.com/a/answer/3726730.
//   - Microsoft: "Email non-delivery reports and SMTP errors in Exchange
//     Online", learn.microsoft.com (troubleshoot/exchange/email-delivery/ndr).
//   - Yahoo: smtp.codes/yahoo, help.yahoo.com/kb/SLN7253.
//   - Apple: smtp.codes/icloud.
//   - United Internet (GMX, web.de): postmaster.gmx.com/en/error-messages,
//     smtp.codes/unitedinternet.
//   - Yandex: yandex.com/support/mail/bounces/yandex.html and .../other.html.
//   - sitepackage: sitepackage.de "Typische Fehlermeldungen bei
//     Unzustellbarkeit" (T-Online, GMX, web.de, AOL, Freenet, Compuserve,
//     Lycos replies).
//   - Zoho: smtp.codes/zoho and zoho.com/zeptomail/help/api/smtp-error-codes.
//   - Comcast: postmaster.comcast.net/mail-error-codes.
//   - RFC 3463: the enhanced status codes' descriptions, which servers
//     often send as their text.

// notAcceptPhrases: the domain accepts no mail at all (RFC 7505 null MX,
// RFC 7504 521/556).
var notAcceptPhrases = []string{
	"does not accept mail", // RFC 7504 §3 ("Host does not accept mail"); Postfix smtp(8) "Domain x does not accept mail (nullMX)"; Sendmail 8.17 "556 Host does not accept mail: MX 0 ."
	"null mx", "nullmx",    // RFC 7505 §4.2 x.1.10 "Recipient address has null MX"; Postfix smtp(8)
	"indicated no smtp service",                    // Exim spec, dnslookup router: "an MX or SRV record indicated no SMTP service"
	"domain does not accept mail",                  // RFC 7504 §3
	"couldn't find a mail exchanger or ip address", // qmail-remote(8): "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)"
	"no mx record found",                           // Yahoo's bounce text: "No MX record found for domain=x"
	// mox (github.com/mjl-/mox smtpclient/gather.go, errNoMail): "domain
	// does not accept email as indicated with single dot for mx record",
	// its permanent failure for a null MX (RFC 7505), which its DSN gives
	// as the Status field's comment (queue/dsn.go, deliverDSN).
	"single dot for mx record",
}

// hasMovedPhrases: RFC 3463 x.1.6 "Mailbox has moved"; RFC 5321 §3.4 551
// "User not local; please try <forward-path>".
var hasMovedPhrases = []string{
	"mailbox has moved", "user not local; please try",
	// Exchange's French NDR text for an address that moved: "l'adresse
	// électronique du destinataire a changé. L'adresse à laquelle ce message
	// a été envoyé n'accepte plus de messages. Aucune adresse de transfert
	// n'a été configurée." (Microsoft's strings, uitranslation.com fr-fr,
	// term 04a5485eb88d): RFC 3463 x.1.6, moved with no forwarding address.
	"l'adresse électronique du destinataire a changé",
}

// listSenderPhrases: a mailing list manager refused a post for who sent
// it (the sender not a member, not allowed to post): the sender refused,
// read before rejectedPhrases' exceptions, since Mailman 3's refusal of a
// domain that publishes a DMARC policy names DMARC without any check
// having failed.
var listSenderPhrases = []string{
	"not allowed to post to this mailing list",  // Mailman 2.1 Handlers/Moderate.py do_reject(): "You are not allowed to post to this mailing list, and your message has been automatically rejected."; Mailman 3 (rules/docs/dmarc-moderation.rst): "You are not allowed to post to this mailing list From: a domain which publishes a DMARC policy of reject or quarantine"
	"not allowed to post messages to this list", // Mailman 2.1 Handlers/Hold.py NonMemberPost: "Non-members are not allowed to post messages to this list."; ezmlm-idx ERR_NO_POST: "I'm sorry, you are not allowed to post messages to this list (#5.7.2)"
	"not from a list member",                    // Mailman 3's nonmember rule, "The message is not from a list member" (its reject chain's reason, as the Linux-nfc list's notice quoted on netdev, 1 Jun 2021)
	"not a list subscriber",                     // mlmmj-listtexts en/deny-post, reason subonlypost: "because you are not a list subscriber."
	"was sent from an unknown email address",    // Discourse email_reject_user_not_found (config/locales/server.en.yml): "Your reply was sent from an unknown email address."
}

// rejectedPhrases: the sender's address or domain was refused. They come
// before the user and host detectors: "Sender address rejected: Domain not
// found" names whose domain.
var rejectedPhrases = []string{
	// smtpf (Barricade MX), an SMTP filtering proxy, names the sender
	// address it refuses in angle brackets: "550 5.7.1 sender <x> black
	// listed #127" (an access-map From: entry), "sender <x> from RFC2606
	// reserved domain #128", "sender <x> from unknown TLD #129", and
	// "450 4.7.1 sender <x> temporary failure #815" (smtpf 2.1.56's reply
	// list, milter.info/smtp/smtpf/reply.html; smtpf 2.3.12's, on
	// snertsoft.com, puts a variable text in place of "black listed" and
	// "temporary failure"): the envelope sender, not the sending host.
	// "#127" is kept with "black listed": the wildcard would otherwise
	// span a recipient named between, as in the gateway table's From:To:
	// pair refusal ("sender <x> recipient <y> black listed #137"), which
	// refuses the pair, not the sender.
	"sender < * > black listed #127", "sender < * > from rfc2606 reserved domain", "sender < * > from unknown tld", "sender < * > temporary failure",
	"sender address rejected",     // Postfix postconf(5): reject_unknown_sender_domain, reject_sender_login_mismatch, ...
	"domain in mail from",         // maddy internal/check/dns/dns.go: "501 5.7.27 Domain in MAIL FROM has null MX record", "... does not have any MX records" (the sender's domain)
	"sender address syntax error", // OpenSMTPD smtp_session.c: "553 5.1.0 Sender address syntax error", the MAIL FROM address refused
	// Sendmail's cf/m4/proto.m4, Basic_check_mail: "553 5.5.4 Real domain
	// name required for sender address" (user@localhost from a remote
	// client) and "553 5.5.4 Domain name required for sender address x"
	// (an unqualified sender): the sender's address refused.
	"required for sender address",
	// DirectAdmin's exim.conf refusing the envelope sender at RCPT by its
	// own lists: BLOCKED_DUE_TO_SPAM_SENDER "554 denied. 5.7.1 Email
	// Blocked due to SPAM" (the sender in /etc/virtual/blacklist_senders)
	// and BLOCKED_DUE_TO_SPAM_DOMAIN "... Domain Blocked due to SPAM" (its
	// domain in blacklist_domains), and MULTIPLE_BOUNCE_RECIPIENTS
	// "Legitimate bounces are never sent to more than one recipient." (a
	// null or postmaster@ sender with several recipients)
	// (exim.strings.conf and exim.conf, portsbuild/portsbuild
	// configure/exim): the sender refused, read before the spam word; the
	// "denied. 5.7.1" its messages start with keeps "Email Blocked due to
	// SPAM" from any other server's verdict on a message.
	// mailcow's global sender blacklists, the rspamd multimaps
	// GLOBAL_SMTP_FROM_BL (the envelope sender) and GLOBAL_MIME_FROM_BL
	// (the header From) with action reject, refused as "Matched map: x"
	// (mailcow/mailcow-dockerized data/conf/rspamd/local.d/multimap.conf).
	"matched map: global_smtp_from_bl", "matched map: global_mime_from_bl",
	"denied. 5.7.1 email blocked due to spam", "denied. 5.7.1 domain blocked due to spam", "bounces are never sent to more than one recipient",
	// Domino's inbound sender controls ("Deny messages from the following
	// Internet addresses/domains") refuse the MAIL FROM address with
	// "554 Mail from <x> rejected for policy reasons" (IBM Redbook "Lotus
	// Domino 6 spam Survival Guide for IBM eServer", Figure 4-7, page 44,
	// manualowl.com/m/IBM/AH0QXML/Manual/336022?page=56): the sender's
	// address denied, read before policyPhrases' "policy reasons".
	"mail from * rejected for policy reasons",
	"sender address must be specified",     // hMailServer SMTPConnection.cpp CheckIfValidSenderAddress(): "550 Sender address must be specified." (the null sender refused)
	"sender address must contain a domain", // Exim smtp_in.c, MAIL: "501 <x>: sender address must contain a domain" (an unqualified sender refused)
	"domain of sender address",             // Sendmail: "553 5.1.8 Domain of sender address x does not exist", "... does not resolve"
	"sender verify failed",                 // Exim spec, ACL verify = sender
	"sender verification failed",           // Baruwa's refusals (bastion.umanix.net/info): "Sender verification failed", the sender's address could not be verified
	// Exim's refusal after a failed sender verification (src/src/
	// smtp_in.c, smtp_handle_acl_fail(), sender_verified_failed): the
	// sender's domain refuses its postmaster ("Postmaster verification
	// failed while checking <x>", af_verify_pmfail) or refuses the
	// callout's connection, HELO or null sender ("Callback setup failed
	// while verifying <x>", af_verify_nsfail): the sender's address
	// refused, whatever "spam" and "bounce" the explanation after it says.
	"postmaster verification failed while checking", "callback setup failed while verifying",
	"unable to verify sender address", // Exim src/verify.c, sender callout deferred: "temporarily unable to verify sender address (try again later)"; the sender's address, not the recipient's, failed to verify
	"the domain * is banned",          // Baruwa's error codes (baruwa.anhonesthost.com/info, bastion.umanix.net/info): "The domain example.com is banned", the sender's domain name on the banned senders list (its IP's "The sender x is banned" is blockedPhrases')
	"requires valid sender domain",    // AT&T Worldnet's and BellSouth's error message summary (worldnet.att.net/general-info/bls_info/block_enduser.html): "550 [permfail] bellsouth.net requires valid sender domain", the sending system's identity could not be verified in the DNS
	// Coremail's bounce hints (icoremail.vip support, 退信 category):
	// "Requested mail action not taken: Fake sender", "Requested action
	// not taken: NULL sender is not allowed"; 智邦 (help.url.com.tw, common
	// bounce messages): "550 illegal sender", the sender refused.
	"fake sender", "null sender is not allowed", "illegal sender",
	// Postfix's DNSBL reply (smtpd_check.c, rbl_reject_reply(): the
	// default_rbl_reply template "$rbl_code Service unavailable; $rbl_class
	// [$rbl_what] blocked using $rbl_domain") names what the list holds by
	// its reply class: under reject_rhsbl_sender the class is the sender's,
	// "Service unavailable; Sender address [x] blocked using y", the
	// sender's domain listed, not the client's IP (read before
	// blockedPhrases' "blocked using").
	"sender address [ * blocked using",
	// iRedAPD's policy replies (iredmail/iRedAPD libs/__init__.py,
	// SMTP_ACTIONS), relayed by Postfix as "Recipient address rejected:":
	// reject_null_sender "Policy rejection due to null sender" (a null
	// sender from a client that authenticated) and
	// reject_sender_login_mismatch "Sender is not same as SMTP
	// authenticate username": the sender address refused.
	"due to null sender", "not same as smtp authenticate username",
	// maddy's check.authorize_sender (foxcpp/maddy internal/check/
	// authorize_sender/authorize_sender.go, authzSender()): "553 5.7.0
	// Unauthorized use of sender address", the authenticated user may not
	// send as that address.
	"unauthorized use of sender address",
	"badmailfrom", // qmail-smtpd(8): "sorry, your envelope sender is in my badmailfrom list"
	// Specialist (a Brazilian mail host) answers a sender on its own
	// blacklist, listed after abuse or phishing, with "553 sorry, your
	// envelope sender has been denied, maybe you are a SPAMMER"
	// (specialist.srv.br, "Ao enviar um email recebo um erro informando
	// sobre SPAM ou SPAMMER"): the envelope sender refused, not the content.
	"envelope sender has been denied",
	// IBM z/OS Communications Server SMTP as a secure gateway answers MAIL
	// FROM from a user missing from its SMTP.SECTABLE with "550 User 'x' is
	// not a registered gateway user." (IBM Knowledge Center, SMTP reply
	// smt550-14: "the indicated user ID is not a registered secure gateway
	// user ... The mail is rejected"; the reply to "mail from:" in IBM
	// developer answers 203622): the sender is refused.
	"not a registered gateway user", "not a registered secure gateway user",
	// Exchange's refusal of a From the client may not send as: its
	// transport's SmtpResponse.SendAsDenied, "550 5.7.1 Client does not
	// have permission to send as this sender" (learn.microsoft.com,
	// Exchange Server 2007 SDK, SmtpResponse.SendAsDenied Field), Exchange
	// Online's "550 5.7.60 SMTP; Client does not have permissions to send
	// as this sender", and its store's SendAsDeniedException for the same
	// (mailcow issue 3860, rails issue 42557: the account lacked Send As
	// on the From address).
	"to send as this sender", "sendasdenied",
	// Exchange's Japanese NDR for the same refusal when one sends on
	// another's behalf without the permission (office-qa.com Outlook
	// ol113): "代理送信のためのアクセス許可を持たずに、別の送信者の代わりにメッセージを送信
	// することはできません" (you cannot send on another sender's behalf
	// without the permission to send on behalf).
	"代理送信のためのアクセス許可を持たずに",
	// Twilio SendGrid's error 60222, "The from address does not match a
	// verified Sender Identity" (twilio.com/docs/api/errors/60222: the
	// account's from address has not been verified), given over SMTP as a
	// 550: the sender address refused.
	"verified sender identity",
	"sender denied",                                                        // Microsoft 5.1.0
	"bad outbound sender",                                                  // Microsoft 5.1.8
	"banned sender",                                                        // Microsoft 5.7.502, 5.7.503, 5.7.800
	"spam abuse detected",                                                  // Microsoft 5.7.501: the sending account is banned
	"sending from unregistered domain",                                     // Microsoft 5.7.750: "from unregistered domains" (the NDR table), "from unregistered domain" (fix-error-code-5-7-700-through-5-7-750)
	"mail sending denied",                                                  // Google 550 5.7.0
	"relaying disallowed as",                                               // Zoho ZeptoMail 553: the From domain is not the account's
	"sender rejected",                                                      // spambrella.com FAQ, 550 5.1.0
	"sender refused",                                                       // BlueTie "550 Sender Refused" (mxtoolbox.com/Bouncebacks)
	"host denies the sender", "mail from invalid", "sender is unvalidated", // Chinese providers' replies, blog.sina.com.cn list
	"black mail address",                      // Chinese providers' replies (the blog.sina.com.cn list above): the sender address is blacklisted
	"send mail as",                            // Gmail's bounce when a "Send mail as" address's settings fail (support.google.com/mail, "Send emails from a different address or alias")
	"permission to post", "groups.google.com", // Google Groups' refusal: "the group you tried to contact may not exist, or you may not have permission to post" (every language links groups.google.com)
	"not a member", "are not member", // mailing-list managers refusing a non-member's post: Mailman "Post by non-member", fml "You are not member"
	// ezmlm-idx's list made with ezmlm-make -u takes posts from its
	// subscribers only; ezmlm-issubn refuses the others' through qmail
	// with "Sorry, only subscribers may post. If you are a subscriber,
	// please forward this message to <list>-owner@<host> to get your new
	// address included (#5.7.2)" (bruceg/ezmlm-idx ezmlmrc.template; RFC
	// 3463 x.7.2, "Mailing list expansion prohibited": the sender may not
	// post to the list).
	"only subscribers may post",
	// Groups.io refusing a post from an address that is not a member:
	// "510 5.1.1 Your email address, x, is not subscribed to that group.
	// To subscribe, send an email to <group>+subscribe@groups.io" (its
	// reply as Gmail's notice quotes it, posted to xen-devel on 23 July
	// 2025 by a sender warning others off the group's address, kept in
	// the lfdr.de list archive): the group exists and the sender may not
	// post to it, whatever x.1.1 says.
	"is not subscribed to that group",
	"purported responsible address", // Courier: "can't determine Purported Responsible Address" (RFC 4407 PRA, the responsible sender)
	"provide a valid from",          // GoDaddy IB506: "From: Domain is invalid. Please provide a valid From:"
	"sender domain does not exist",  // iridis mailRelay's response codes (portal.iridis.uk kb 254): "SND-VFY Sender domain does not exist", the sender's domain does not resolve (before hostUnknownPhrases' "domain does not exist")
	"sender domain not found",       // Host Media (portal.hostmedia.uk, kb 201204295, "My emails are being rejected"): "550 5.1.2 Sender Domain Not Found", the From address's domain has no DNS records (the sender's, though x.1.2 names the destination; before hostUnknownPhrases' "domain not found")
	// Debian's exim4-config, acl_check_rcpt and acl_check_data: "sender
	// envelope address x is locally blacklisted here" (the sender on the
	// host's local_sender_blacklist; before blockedPhrases' "blacklist")
	// and "No verifiable sender address in message headers".
	"sender envelope address", "no verifiable sender address",
	"sender address has null mx", // RFC 7505 §4.3: x.7.27 "Sender address has null MX", the sender's domain takes no mail
	// The University of Maryland's help desk list of bounces and their
	// meanings (helpdesk.umd.edu, documents 3025): after "550 Access
	// denied" at MAIL FROM, "550 Sorry, no access for this domain" (the
	// sender's domain known for spam) and "... for this user" (a known
	// spammer); "451 From:domain must resolve" (the sender's domain).
	"no access for this domain", "no access for this user", "domain must resolve",
	"in envelope-from", // STRATO (the same FAQ): "550 Forbidden domain 'x' in Envelope-From (B-EFROM-STRATO)", a sender domain STRATO's own, forbidden to others
	// chkuser, the qmail-smtpd recipient and sender checker
	// (chkuser_settings.h): "571 sorry, sender address has invalid format
	// (#5.7.1 - chkuser)", "511 sorry, can't find a valid MX for sender
	// domain (#5.1.1 - chkuser)" (the sender's, though its code says x.1.1).
	"sender address has invalid format", "valid mx for sender domain",
	// hMailServer's distribution lists refuse a sender they do not admit
	// at RCPT (hmailserver/hmailserver RecipientParser.cpp,
	// UserCanSendToList_(), DP_PermissionDenied): "550 Not authorized
	// sender." (a members-only list, the sender not a member) and "550 Not
	// authorized owner." (an announcement list, the sender not its owner),
	// the sender's address refused as a list manager refuses a
	// non-member's post ("not a member" above).
	"not authorized sender", "not authorized owner",
	// NetEase's returned-mail codes ("退信代码说明", as copied at
	// biecuoliao.com/pa/MBRrwEM.html): "450 WM:BLU", the sending user is
	// not in NetEase's list of users allowed to send (its "WM:BLI" is the
	// IP's, blockedPhrases).
	"wm:blu",
	// Orange's "501 5.1.0 Emetteur invalide. Invalid Sender. OFR004_405
	// [405]" (a problem with the message's Return-Path: ActiveCampaign's
	// SMTP Field Manual, page-data/code/550/page-data.json, /code/501
	// Orange), as La Poste's "Emetteur invalide / Invalid Sender"; Web.de's
	// "550 <x>: Invalid DNS MX or A/AAAA resource record" (the sender's
	// domain has no MX or A record that can take replies or bounces: the
	// same, /code/550 Web.de 10, linking postmaster.web.de/en/error-messages);
	// Outlook.com's "550 5.7.1 Service unavailable, MailFrom domain is
	// listed in Spamhaus ... (S8002)" (the MailFrom, Return-Path, domain on
	// Spamhaus's list: the same, /code/550 Outlook 5.7.1), the envelope
	// sender's domain, not the sending host (before hostListedPhrases).
	"invalid sender", "invalid dns mx or a/aaaa resource record", "mailfrom domain is listed",
	// Yahoo's "451 Message temporarily deferred due to unresolvable
	// RFC.5321 from domain": the domain of the envelope sender (the
	// return path, RFC 5321's MAIL FROM) did not resolve, Yahoo looking
	// up its organizational domain's SOA record (Word to the Wise,
	// wordtothewise.com/2023/05/unresolvable-rfc-5321-domain-at-yahoo;
	// suped.com, "Why am I getting a Yahoo error 451 due to an
	// unresolvable RFC 5321 domain"): the sender's domain, not the
	// receiving system.
	"unresolvable rfc.5321 from domain",
	// Apple's private email relay (Sign in with Apple's Hide My Email,
	// privaterelay.appleid.com) refuses mail from a sender not registered
	// among the developer's email sources: "550 5.1.1 <envelope sender>:
	// unauthorized sender", the envelope sender quoted in the reply
	// (developer.apple.com/forums/thread/798226, "Private Relay emails
	// bounced as 'Unauthorized Sender'"; spamresource.com 2020/05, "Help!
	// All mail to privaterelay.appleid.com users is bouncing!": register
	// the sending domains with Apple). The sender is refused, whatever
	// its x.1.1 says of the relay address.
	"unauthorized sender",
	// ZMailer's smtpserver answers a MAIL FROM its policy database refuses
	// with "553 5.7.1 For MAIL FROM address <x> policy analysis reported:
	// <text>" (smtpserver/smtpcmds.c, smtp_mail(), after policytest() on
	// the MAIL FROM address; rzachariassen/zmailer); vger.kernel.org's
	// ZMailer words it "Hello [ip], for your MAIL FROM address <x> policy
	// analysis reported: Your address is not liked source for email"
	// (quoted in list posts of 2006-2023 kept in the lore and lfdr.de
	// archives). The address, not the connecting host, is refused,
	// whatever the x.7 status (doc.go step 6 reads a bare x.7 refusal of
	// MAIL FROM as the client's).
	"for mail from address", "for your mail from address",
	// "550 5.2.1 Mailbox unavailable. This server does not accept mails
	// from this sender address" (Postfix's record of it from Ukrainian
	// hosts in a bulk mailer's table of per-domain refusals on GitHub,
	// cummins-power.com.ua, dalgakiran.com.ua): the sender refused, the
	// mailbox there.
	"accept mails from this sender",
}

// hostUnknownPhrases: the recipient's domain does not exist or has no mail
// host.
var hostUnknownPhrases = []string{
	"host or domain name not found",                       // Postfix smtp(8); Yandex
	"domain not found",                                    // Postfix postconf(5) "Recipient address rejected: Domain not found"
	"host unknown",                                        // Sendmail: "Host unknown (Name server: x: host not found)"
	"couldn't find any host named",                        // qmail-remote(8)
	"couldn't find any host by that name",                 // qmail-remote(8): "Sorry, I couldn't find any host by that name. (#4.1.2)" (a DNS failure for now)
	"all relevant mx records point to non-existent hosts", // Exim spec, dnslookup router
	// Exim's dnslookup router (Exim/exim src/src/routers/dnslookup.c,
	// dnslookup_router_entry()) declines a domain whose name the DNS
	// lookup found malformed ("mail domain \"x\" is syntactically
	// invalid"), and for MX records naming IP addresses tells the sender
	// "It appears that the DNS operator for x has installed an invalid MX
	// record with an IP address instead of a domain name" (its
	// addr->user_message, the text deliver.c's print_address_error() puts
	// in the bounce): no mail host can be reached for the domain.
	"mail domain * is syntactically invalid", "installed an invalid mx record",
	"unrouteable mail domain",                   // Exim spec, ACL verify = recipient
	"weren't able to find the recipient domain", // Google 553 5.1.2
	"domain is not reachable",                   // Outlook.com: "The mail could not be delivered to the recipient because the domain is not reachable"
	"no such domain",                            // Yandex "DNS: no such domain"
	"bad destination system address",            // RFC 3463 x.1.2; Yandex
	"name service error",                        // Postfix smtp(8): "Name service error for name=x type=MX: Host not found"
	"domain does not exist",                     // OpenSMTPD: "Domain does not exist" (its DSN in testdata/mta/opensmtpd/nxdomain.eml)
	"domain name not found",                     // Gmail's "DNS Error: ... responded with code NXDOMAIN Domain name not found"
	"dns error:",                                // Gmail's "DNS Error: x DNS type 'mx' lookup of y ..."
	"no mx records were found",                  // SmarterMail's bounce (kb.indsoft.net a70): "No MX records were found for the 'example.com' domain"
	"routing server failure",                    // Italiaonline (Libero, Virgilio): "ROUTING SERVER FAILURE", the domain after the @ does not exist or is mistyped (aiuto.libero.it and aiuto.virgilio.it, "Messaggi di errore più frequenti dopo invio email")
	"dns query error",                           // emailhost.com.cn's service pages: "[退信] 域名不存在: DNS query error" (the domain does not exist)
	"域名不存在",                                     // the same pages' Chinese name for it, "[退信] 域名不存在" (the domain does not exist)
	"could not resolve domain",                  // alexborras.com's list of permanent errors: "Could not resolve domain"
	"name or service not known",                 // glibc gai_strerror(3) for EAI_NONAME, the name does not exist, as mailers that resolve the domain themselves report it (alexborras.com's list: "Name or service not known")
	"host sconosciuto",                          // Microsoft's Italian Outlook.com page (windows.microsoft.com/it-it/outlook/delivery-failed): "Host sconosciuto, Domain Lookup non riuscito", the recipient's domain does not exist
	"host not found",                            // "<Host Unknown/host not found>" (catv-yokohama.ne.jp FAQ 11387: the part right of the @ is wrong); Sendmail's "(Name server: x: host not found)" (read after "not found, try again", a DNS failure for now)
	"valid mx for rcpt domain",                  // chkuser (chkuser_settings.h): "511 sorry, can't find a valid MX for rcpt domain (#5.1.1 - chkuser)", the recipient's domain has no mail host
	// Email sending services' reports of a recipient domain that does
	// not exist: Zoho Campaigns' hard bounce reason "Domain name does not
	// exist" (help.zoho.com/portal/en/kb/campaigns, "Bounce reasons": the
	// contact's domain does not exist), and CleverReach's "host is
	// unknown" among the most common bounce messages it meets, filed
	// under an incorrect address (support.cleverreach.de, "Meaning of
	// Bounce Messages"); OpenSMTPD's "Domain does not exist" with the
	// domain's "name" between its words, Sendmail's "Host unknown" with
	// its verb.
	"domain name does not exist", "host is unknown",
	// Microsoft's Italian page on Outlook.com's delivery errors
	// (windows.microsoft.com/it-it/outlook/delivery-failed): "Host
	// sconosciuto, Domain Lookup non riuscito", the domain of the
	// recipient's address does not exist.
	"domain lookup non riuscito",
	// SARE's analysis of returned mail (sare.pl/baza-wiedzy/2017/03/21/
	// analiza-zwrotow): 512 "Nie ma takiej domeny", the domain is no mail
	// system's or has no mail server to be found.
	"nie ma takiej domeny",
	// A Japanese CRM's list of send errors (sfa.es-support.info, "メールエラー
	// を確認する"): "不明なメールサーバーです" (an unknown mail server) and
	// "DNSルックアップに失敗しました" (the DNS lookup failed), the address
	// after the @ probably wrong.
	"不明なメールサーバーです", "dnsルックアップに失敗しました",
	// ほころこ's guide to returned mail (hocoroco.net internet_lifeguide/
	// errormail.html): "host name is unknown", the part of the address
	// right of the @ does not exist (beside "user name is unknown" for the
	// part left of it).
	"host name is unknown",
	// OpenSMTPD mta.c: "No MX found for domain" (a domain with no mail
	// host, mta_on_mx() DNS_ENOTFOUND) and "No MX found for destination"
	// (mta_on_source(), a connector's CONNECTOR_ERROR_MX), both temporary
	// failures there, and "Invalid domain name" (a name the resolver
	// refused), beside "Domain does not exist".
	"no mx found for", "invalid domain name",
	// Oracle (Sun) Messaging Server's own texts for a domain it cannot
	// route: its MTA option error_text_unknown_host, "550 5.1.2 unknown
	// host or domain" by default (Messaging Server Technical Reference
	// Wiki, "Error text MTA options"), and "illegal host/domain specified",
	// the default error when rewriting finds no channel for the host (Sun
	// Java System Messaging Server 6.3 Administration Guide, 11.6.15).
	"unknown host or domain", "illegal host/domain",
	// DragonFly Mail Agent (github.com/corecode/dma net.c,
	// deliver_remote): "DNS lookup failure: host %s not found" when
	// dns_get_mx_list() fails; a bounce carries it only for a permanent
	// failure, NXDOMAIN or HOST_NOT_FOUND (dns.c), as a transient one is
	// retried until dma gives up with "Could not deliver for the last %d
	// seconds" instead (dma.c, deliver()).
	"dns lookup failure: host",
	// Haraka's outbound delivery (haraka/Haraka 3.3 outbound/hmail.js,
	// get_mx_respond): "Nowhere to deliver mail to for domain: x" when
	// the domain has neither MX nor address records (haraka-net-utils
	// get_mx falls back to A and AAAA on ENOTFOUND), a permanent failure
	// bounced at once.
	"nowhere to deliver mail to for domain",
	// Exchange Server's Receive connectors refuse recipients in domains
	// that cannot exist on the Internet: "Recipient address reserved by
	// RFC 2606" (5.1.4, the .test, .example, .invalid and .localhost
	// top-level domains; 5.1.5, example.com, .net, .org) and "Recipient
	// addresses in single label domains not accepted" (5.1.6, chris@contoso)
	// (DSNs and NDRs in Exchange Server, Common enhanced status codes;
	// RejectReservedTopLevelRecipientDomains and the like on
	// Set-ReceiveConnector). Exchange gives these its own meaning of
	// codes RFC 3463 registers otherwise (x.1.4 ambiguous, x.1.6 moved).
	"reserved by rfc 2606", "single label domains not accepted",
	// web.de's and 1&1's (kundenserver.de) notice "no valid MX hosts
	// found" for a domain whose MX host has no A or AAAA record (a CNAME,
	// which RFC 2181 §10.3 forbids as an MX target): no host can take the
	// domain's mail (git mailing list, 2015-08-23, "Re: Eric Sunshine mail
	// delivery failure", gmane.comp.version-control.git/276419; seen in
	// osandum/bounce-parser, kundenserver_de.eml).
	"no valid mx hosts found",
	// Go's resolver (net/net.go, errNoSuchHost: "no such host", the
	// DNSError of a name that does not exist, IsNotFound), which MTAs
	// written in Go quote in their errors: chasquid's "Could not dial:
	// dial tcp: lookup x on y: no such host" (internal/courier/smtp.go),
	// a failed dial it retries until its queue gives up.
	": no such host",
	// A mail server quoted in Exchange's NDR for a mistyped domain
	// (hotmail.co.ik): "550-The domain in the email address 'x' does not
	// 550 exist. Sorry." (markgossa.com/2015/09, "451 4.4.0 DNS query
	// failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent
	// domain"): the recipient's domain does not exist.
	"domain in the email address * does not exist",
	"no mx hosts found", // Citadel's SMTP client (citadel/modules/smtp/serv_smtp.c, smtp_try()): "No MX hosts found for <domain>", a permanent failure (status 5)
}

// userUnknownPhrases: the mailbox does not exist. Directory lookups of
// groupware servers (Exchange, Domino) say it in their own words.
var userUnknownPhrases = []string{
	"valid address is required", // hMailServer SMTPConnection.cpp _ProtocolRCPT(): "550 A valid address is required." (the RCPT address is not one, RFC 3463 x.1.3)
	"user unknown",              // Postfix LOCAL_RECIPIENT_README ("User unknown in local recipient table"); Sendmail; Yandex; Zoho; sitepackage (T-Online)
	"unknown user",              // Yandex; sitepackage
	"user is unknown",           // sitepackage (GMX "User is unknown")
	"no such user",              // Yandex "No such user", "No such user here"
	"user not found",            // Yandex
	"no such mailbox",           // sitepackage "550 5.2.0 No such mailbox"
	"no such person",            // InMotion Hosting's "Email error 550" (inmotionhosting.com/support/email/bounceback-errors/email-error-550): "550 No such person at this address", a recipient mailbox mistyped or not found
	"mailbox not found",         // sitepackage (AOL "MAILBOX NOT FOUND", Compuserve)
	// Alibaba Mail's returned-mail errors (sh-aliyun.com, "阿里云企业邮箱配置
	// SMTP/MTA退信错误"; bestwisewords.com/document_detail/36612, a copy of
	// its help): "554 RCPT (account) dosn't exist" (收件人不存在, the
	// recipient does not exist; its own spelling) and "503 Rcptto account
	// isn't a local account" (the address misspelled, or its owner left
	// Alibaba Mail). "(account)" in the published text stands for the
	// address refused, which the reply prints in its place ("554 RCPT
	// (someone@example.com) dosn't exist", as a Postfix bounce in
	// crisp-oss/email-bounce-parser, test/fixtures/554_does_not_exist.txt,
	// quotes Alibaba's MX), so the phrase is the words after it, in
	// Alibaba's spelling.
	"dosn't exist", "rcptto account isn't a local account",
	"mailbox unavailable",             // RFC 5321 §4.2.3 550 "Requested action not taken: mailbox unavailable" as Microsoft (5.5.0) and GMX publish it for a missing mailbox
	"no mailbox here by that name",    // qmail-local: "Sorry, no mailbox here by that name. (#5.1.1)"
	"no mailbox by that name",         // Carerix's help on bounces (nl.help.carerix.com, article 2245905, "Mailbox is niet beschikbaar"): "550 no mailbox by that name is currently available (in reply to RCPT TO command)", an address that does not exist
	"does not exist",                  // Google 550 5.1.1 "The email account that you tried to reach does not exist"; Apple "user does not exist"
	"doesn't exist",                   // Dovecot LDA/LMTP: "User doesn't exist: x"
	"bad destination mailbox address", // RFC 3463 x.1.1 (and x.1.3, "... address syntax"); Microsoft 5.1.1; Yandex
	// RFC 3463 x.1.3 "Bad destination mailbox address syntax": "The
	// destination address was syntactically invalid ... only useful for
	// permanent failures", the address as written can never be delivered
	// to, read as the registry's code is (byStatus). Postfix's smtpd and
	// postscreen give it in words, "501 5.1.3 Bad recipient address
	// syntax" (smtpd.c rcpt_cmd: the RCPT argument did not parse, also
	// with strict_rfc821_envelopes, postconf(5)), so the words without the
	// code read the same.
	"bad recipient address syntax",
	// Gmail's own refusal of an envelope recipient that breaks RFC 5321's
	// syntax ("Internal parse error: Illegal envelope To: address (not
	// valid RFC5321 syntax)", as DIY生活's page on carrier addresses with
	// a dot before the @ shows Gmail's notice, diy-seikatsu.com/
	// gmail-keitai-okurenai-todokanai/2/): RFC 3463 x.1.3, an address
	// that as written cannot be one.
	"illegal envelope to: address",
	"recipient address syntax error",     // OpenSMTPD smtp_session.c: "501 5.1.3 Recipient address syntax error" (RFC 3463 x.1.3, the RCPT address cannot be one)
	"recipnotfound", "recipientnotfound", // Microsoft 5.1.1 "RESOLVER.ADR.RecipNotFound", 5.1.10 "RESOLVER.ADR.RecipientNotFound"
	"recipient not found",                      // Microsoft 5.1.10
	"banned recipient",                         // Microsoft 5.7.505: the recipient is not valid
	"not listed in domino directory",           // Domino: "User x not listed in Domino Directory" (sitepackage)
	"not listed in public name & address book", // Domino: the same before Domino 6
	"unrouteable address",                      // Exim spec: no router accepted the address (a remote Exim's RCPT reply)
	// Exim's recipient callout (Exim/exim src/src/verify.c, do_callout()):
	// an address its callout cache holds as refused ("Previous (cached)
	// callout verification failure", recipient_verify_failure "recipient":
	// the RCPT of an earlier callout was refused), the user message of a
	// failed "verify = recipient/callout" (src/src/acl.c, acl_verify()).
	"cached) callout verification failure",
	"invalid mailbox", "invalid recipient", "bad address mailbox syntax", "no correct recipients", // Yandex
	"invalid address",                    // sitepackage "550 <x>: invalid address"
	"can't accept user",                  // InfoSphere (sphere.ne.jp support news 2006/07/000027): "550 can't accept user... (#5.7.1)", an InfoSphere address whose account name is wrong or already cancelled
	"mailbox name not allowed",           // RFC 5321 §4.2.3 553 "Requested action not taken: mailbox name not allowed (e.g., mailbox syntax incorrect)"
	"account closed",                     // sitepackage (Lycos "Recipient address rejected: Account Closed")
	"email address is marked as invalid", // spambrella.com FAQ
	"this user doesn't have a",           // Yahoo "This user doesn't have a yahoo.com account"
	"recipient name is not recognized",   // Exchange 2000/2003 NDR: "The recipient name is not recognized"
	"unknown recipient",                  // Exchange 2003 NDR: "Unknown Recipient" (MSEXCH:IMS diagnostic)
	// Chinese mail systems' replies for a recipient that does not exist,
	// as their vendors list them: "user not exist" (emailhost.com.cn's
	// service pages, "[退信] 收件人不存在: user not exist"; dbmailserver.com
	// "tui-xin-address-not-exist": "550 abcd:user not exist", "551 5.1.1
	// recipient is not exist"), Coremail's support pages (icoremail.vip,
	// "退信提示": "user not known", "not user of this server").
	"user not exist", "recipient is not exist", "user not known", "not user of this server",
	"unknown or illegal alias",      // Oracle (Sun) Messaging Server's directory lookup: "550 5.1.1 unknown or illegal alias: x" (kb.wisc.edu/microsoft365/3998; uit.tufts.edu, "the address does not exist")
	"unknown or illegal user",       // Oracle Messaging Server for a user its directory does not have: error_text_unknown_user, "550 5.1.1 unknown or illegal user" by default (msg.wikidoc.info, Messaging Server Technical Reference Wiki, "Error text MTA options")
	"recipient unknown",             // MDaemon at RCPT: "550 <x>, Recipient unknown" (a Postfix bounce quoting it on the mdaemon-l list, mail-archive.com msg40709)
	"address couldn't be found",     // Exchange Online NDR: "Your message wasn't delivered to x because the address couldn't be found"
	"recipient verification failed", // Baruwa's refusals (bastion.umanix.net/info): "Recipient verification failed", the recipient address could not be verified
	// Oxford's mail relay (oxmail) checks a recipient from outside with
	// the downstream MTA before it accepts the message (help.it.ox.ac.uk/
	// mail-relay); its refusal "#550-RPT-FAL: Recipient failed
	// verification" is, by its help page (help.it.ox.ac.uk/
	// fix-undeliverable-error-on-send), an invalid or unrecognised address.
	"recipient failed verification",
	// A gateway's "550 #5.1.0 Address rejected", its refusal of a
	// recipient its directory does not list: Black Pearl Mail's "Bounce
	// Messages" (support.blackpearlmail.com, knowledgebase article
	// 650530) lists "550 #5.1.0 Address rejected [email]" among the
	// replies for an address that does not exist.
	"#5.1.0 address rejected",
	// Coremail's bounce hints (icoremail.vip support, 退信 category) for a
	// recipient the server does not have: "unavailable mail user", "local
	// server don't exists that user", "recipient does not have an account".
	"unavailable mail user", "don't exists that user", "recipient does not have an account",
	"malformed address", // Netbit's list of common sending errors (netbit.com.br, "Problemas comuns no envio"): "Malformed address", the recipient's address is not well formed
	"addressee unknown", // Microsoft Mail Gateway to SMTP (Microsoft KB Q107089): "550 Addressee unknown" for a mailbox its directory does not have
	// In Spanish, as a Spanish sender listed the permanent errors it met
	// (alexborras.com, "Errores y Warnings habituales en retorno de
	// email": "Usuario inexistente", and Domino's directory lookup, "no
	// se encuentra en el Directorio de Domino", "no se encuentra en la
	// Libreta", beside the English "not listed in Domino Directory" and
	// "not listed in public Name & Address Book"). In Italian, as
	// Microsoft's Italian page on Outlook.com's delivery errors names the
	// address that does not exist (windows.microsoft.com/it-it/outlook/
	// delivery-failed: "Mailbox non trovata, Mailbox non valida o Utente
	// sconosciuto").
	"usuario inexistente", "no se encuentra en el directorio de domino", "no se encuentra en la libreta",
	"utente sconosciuto", "mailbox non trovata",
	// The same page names "Mailbox non valida" with them; Microsoft's
	// later Italian page on Outlook.com's non-delivery messages
	// (support.office.com it-it, article 45e048ac-f7b1-4c0f-b525-
	// 081cb34f1062) words them "Cassetta postale non trovata o non valida
	// oppure utente sconosciuto": the address used does not exist.
	"mailbox non valida", "cassetta postale non trovata", "cassetta postale non valida",
	// Gmail's help in German, Italian and Japanese names its "The email
	// account that you tried to reach does not exist" so (support.google.com
	// /mail answer 82454 hl=de and hl=it, answer 6596 hl=ja): the address
	// disabled, gone or mistyped; adslzone's guide to Gmail's returned mail
	// gives it in Spanish as "La cuenta de correo electrónico no existe".
	"das e-mail-konto, das sie kontaktieren möchten, ist nicht vorhanden",
	"l'account email che hai cercato di raggiungere non esiste",
	"送信先のメール アカウントは存在しません",
	"la cuenta de correo electrónico no existe",
	// Onet's help on returned mail (pomoc.poczta.onet.pl, "Co zrobić w
	// przypadku odesłanych lub odrzuconych e-maili"): "Docelowe konto nie
	// istnieje", the destination account does not exist; SARE (sare.pl
	// analiza-zwrotow): 511 "Nieprawidłowa nazwa użytkownika", no user at
	// that address; MyDreams' Czech list of returned-mail errors
	// (mydreams.cz/cz/wiki/9924): "550 5.1.1 User unknown (Uživatel
	// neznámý)".
	"docelowe konto nie istnieje", "nieprawidłowa nazwa użytkownika", "uživatel neznámý",
	// The Japanese CRM's send errors (sfa.es-support.info): "不明なユーザーで
	// す" (an unknown user), "ユーザーが存在しません" (the user does not
	// exist), "対象ドメインのアカウントを持っていません" (no account at that
	// domain), the address wrong or cancelled; DTI's Japanese notice gives
	// Sendmail's "<addr>... User unknown" as "<addr> のユーザーは登録されていま
	// せん" (dream.jp techinfo mail error05: the user is not registered).
	"不明なユーザーです", "ユーザーが存在しません", "対象ドメインのアカウントを持っていません", "のユーザーは登録されていません",
	// Microsoft's Japanese Outlook help on returned non-delivery mail
	// (support.microsoft.com/ja-jp/topic/f711b1bd-c517-9cc4-10fd-
	// 58acfac6ca59, 配信不能メールが戻ってくる): a reason "不明なアドレスです"
	// (an unknown address) or "ユーザーが見つかりません" (the user is not
	// found) means an address typed wrong or no longer used; "電子メール ア
	// ドレスの形式が正しくありません" (the e-mail address's form is not
	// right) or "無効な受信者です" (an invalid recipient) a recipient's
	// address malformed before the @ (RFC 3463 x.1.3). The last two name
	// the recipient's address, as "invalid recipient" and "bad recipient
	// address syntax" do, and place the RCPT stage too (classify.go,
	// rcptStageWords).
	"不明なアドレスです", "ユーザーが見つかりません", "電子メール アドレスの形式が正しくありません", "無効な受信者です",
	// Japanese ISPs' own notices as fml8's bounce parser shows them
	// (github.com/fmlorg/fml8, fml/lib/Mail/Bounce/Language/Japanese.pm,
	// ERROR EXAMPLE): pakeo.ne.jp's "あなたが送ろうとしたアドレス「x」は、登録
	// されていません。もう一度確認して、送信しなおして下さい。" (the address you
	// tried is not registered; check it and send again) and jp-r.ne.jp's
	// "送信先E-mailアドレスの不一致です" (the destination e-mail address
	// matches none). Both name the address the sender gave (classify.go,
	// rcptStageWords).
	"は、登録されていません。もう一度確認して", "送信先e-mailアドレスの不一致",
	// クラウドサイン's returned-mail notice (help.cloudsign.jp/ja/articles/
	// 1074121, the reasons it states plainly): "このメールアドレスは存在しない
	// ため、メールをお届けすることができません。" (the e-mail address does not
	// exist), which names the recipient's address as "email address does
	// not exist" does (classify.go, rcptStageWords).
	"メールアドレスは存在しない",
	// Refusals that name the recipient in other languages, which name the
	// RCPT stage too (classify.go, rcptStageWords): mail.fr's German help
	// on bounce mails gives "User unknown / No such mailbox / Unknown
	// recipient" as "Empfänger unbekannt"; the Japanese CRM's "宛先メールボ
	// ックスが存在しません" (the destination mailbox does not exist); Chinese
	// hosts' returned-mail causes "没有找到收件人的地址" (the recipient's address
	// not found, wz.0733.com.cn news-56) and "收件人地址不存在" (the recipient's
	// address does not exist, xiayuyun.com zonghe 74184).
	"empfänger unbekannt", "宛先メールボックスが存在しません", "没有找到收件人的地址", "收件人地址不存在",
	// English wordings on the same sender's list of permanent errors
	// (alexborras.com): "Mailbox unknown", "unknown mailbox", "The
	// following destination addresses were unknown".
	"mailbox unknown", "unknown mailbox", "destination addresses were unknown",
	// QQ Mail's bounce notices (qqmailbox.com/transceivers/169, the key
	// words of its returned-mail notice): "该用户不存在" (the user does not
	// exist), "该用户未开通QQ邮箱" (the user has no QQ mailbox). A Chinese
	// host's list of bounce texts (wz.0733.com.cn news-56, "没有找到收件人的
	// 地址", the recipient's address not found): "user is not found",
	// "doesn't have this account".
	"该用户不存在", "该用户未开通qq邮箱", "user is not found", "doesn't have this account",
	// emailhost.com.cn's service pages name the returned mail of a
	// missing recipient "[退信] 收件人不存在: user not exist" (the recipient
	// does not exist).
	"收件人不存在",
	// Exim's default configuration (configure.default, acl_check_rcpt;
	// the Exim spec, "The default configuration file") refuses a
	// recipient whose local part holds "@", "%", "!", "/", "|" or dots in
	// unusual places with "Restricted characters in address": the
	// address as written cannot be delivered to (RFC 3463 x.1.3 "Bad
	// destination mailbox address syntax"; Baruwa's list: "The email
	// address contains characters that should not be used").
	"restricted characters in address",
	// STRATO (the same FAQ): "550 recipient e-mail address unknown"; web.de
	// as sitepackage lists it: "550 Unknown local part x in <x@web.de>".
	"e-mail address unknown", "unknown local part",
	// Exim 3's own words when none of its directors (the routers of its
	// local domains) accepts a local address: 'unknown local-part "x" in
	// domain "y"' (Exim 3 src/direct.c, the default message when "No
	// directors accepted this address"), its lookup of the recipient.
	"unknown local-part",
	// Japanese ISPs' guides to returned mail: "User unknown", "User not
	// found", "Invalid User" (asahi-net.jp FAQ d01601: the recipient's
	// address was not found at the destination host).
	"invalid user",
	// GroupWise's Internet Agent refuses an address its directory does not
	// resolve with "550 No such recipient" or "553 Recipient unknown"
	// (Micro Focus KB 7002570, GWIA and distribution lists); MailDiode's
	// UNKNOWN_RECIPIENT is "550 Error: No such recipient here" (its
	// SMTPError constants, rubydoc.info/gems/maildiode).
	"no such recipient",
	// The University of Cambridge's mail switch refuses an address it has
	// no mailbox for with "550-<local@domain> is not a known user on this
	// system; 550 see .../cs/email/bounce.html", and the page it points to
	// explains the refusal as the mailbox the message is addressed to not
	// existing on the system (help.uis.cam.ac.uk/service/email/hermes/
	// hermes-faq/bounce, "Undeliverable (bounced) mail"). The reply was
	// seen in rjbs/Mail-DeliveryStatus-BounceParser's t/corpus/cam-unknown.msg.
	"is not a known user",
	// United Online's MXes at RCPT (Juno, NetZero: mx.vgs.untd.com):
	// "550 x@juno.com is not a valid user" in a sender's log of its
	// refusals beside Yahoo's, Zoho's and QQ's unknown users
	// (pastebin.com/pnX6jKVc), "550 x@netzero.net is not a valid user"
	// in an Exim bounce beside Cox's and others' unknown recipients
	// (pastebin.com/0zkJE29y).
	"is not a valid user",
	// hMailServer refuses an address in a domain it routes onward whose
	// route does not list it: "550 Recipient not in route list."
	// (hmailserver/hmailserver RecipientParser.cpp,
	// CheckDeliveryPossibility(): DP_RecipientUnknown, the recipient
	// unknown).
	"recipient not in route list",
	// Postfix local(8) (postfix/src/local/recipient.c, deliver_recipient()):
	// "null username in "x"", 5.1.3, a recipient address with an empty
	// local part: the address cannot be a mailbox.
	"null username in",
	// OpenSMTPD's local delivery when its user table has no such user
	// (usr.sbin/smtpd/lka.c lka_userinfo(): table_lookup() found nothing,
	// LKA_PERMFAIL; mda.c mda_imsg() IMSG_MDA_LOOKUP_USERINFO: "Permanent
	// failure in user lookup", a permanent failure it gives x.1.6).
	"permanent failure in user lookup",
	// Plesk's qmail: mail to an address that does not exist under a
	// domain is accepted, then returned "with the 'this address no longer
	// accepts mail' notice", its default for nonexistent users (Plesk's
	// administrator guide, "Setting Up Site-wide Preferences for Handling
	// Mail to Nonexistent Users (Mail Bounce)", as hosting.mixcat.com/
	// plesk/SettingSite-widePreferences.php carries it); JFUL's page on
	// "failure notice" mails (jful.jp/supast/supast1010.html) reads the
	// same notice as the part before the @ wrong or the account no longer
	// valid.
	"this address no longer accepts mail",
	// ALL-INKL's outgoing servers refuse mail to an address that bounced
	// as unknown before: "Message cannot be sent. One or more recipients
	// were previously reported as unknown." (all-inkl.com/en/mail-error:
	// the address no longer exists or its mailbox is permanently blocked).
	"recipients were previously reported as unknown",
	// MailEnable's refusal of an address in a domain it serves that no
	// mailbox's address map entry (and no catch-all) takes: "Domain for
	// ([SMTP:x]) is locally serviced, but recipient is not defined in
	// address map" (MailEnable KB ME020219, mailenable.com/kb/content/
	// article.asp?ID=ME020219): its directory of addresses has no such
	// recipient.
	"recipient is not defined in address map",
	// Exchange 2003's recipient filtering ("Filter recipients who are not
	// in the Directory") answers RCPT for an address with no Active
	// Directory object, or one on its filter list, with "550 5.7.1
	// Requested action not taken; mailbox not available" (O'Reilly's
	// Exchange Server Cookbook, 7.20 "Filtering Messages Based on
	// Recipient", oreilly.com/library/view/exchange-server-cookbook/
	// 0596007175/ch07s21.html): its directory lookup, chiefly for mail to
	// recipients that do not exist. The phrase keeps its semicolon, not
	// RFC 5321's "mailbox unavailable" (read above).
	"action not taken; mailbox not available",
	// Oracle (Sun) Messaging Server's errors for an SRS/MUL-encoded
	// envelope recipient it cannot decode: error_text_srs_timeout "SRS/MUL
	// address has timed out" (the address's timestamp expired) and
	// error_text_srs_badhash "SRS/MUL address has a bad hash value"
	// (msg.wikidoc.info, Messaging Server Technical Reference Wiki, "Error
	// text MTA options"): an address that can no longer be delivered to,
	// or never was one.
	"srs/mul address has timed out", "srs/mul address has a bad hash value",
	// Sending services' suppression of an address that hard-bounced
	// before: Mailgun's failed event "Not delivering to previously bounced
	// address" (severity permanent, reason suppress-bounce, as a Mailgun
	// event quoted at pastebin.com/PBCjgYGX shows it; help.loxo.co,
	// "Email failure reasons": Mailgun sent to this address before and it
	// bounced) and Amazon SES's "Amazon SES has suppressed sending to this
	// address because it has a recent history of bouncing as an invalid
	// address" (aws.amazon.com/premiumsupport/knowledge-center/ses-
	// suppression-list-sending-quota; its notification's bounceSubType
	// Suppressed, read as an unknown user: ses.go). The service gave up
	// on the recipient's address before any server answered: no stage of
	// a receiver's to place (rcptStageWords).
	"previously bounced address", "history of bouncing as an invalid address",
}

// suppressedPhrases: a sending service's notice that it did not send to an
// address on a suppression list that holds several kinds of entries, with
// nothing to say which put the address there: no reason (onhold), not
// the words of the causes the notice lists ("a spam complaint").
var suppressedPhrases = []string{
	// Postmark's InactiveRecipientError: "You tried to send to
	// recipient(s) that have been marked as inactive. Found inactive
	// addresses: x. Inactive recipients are ones that have generated a
	// hard bounce, a spam complaint, or a manual suppression."
	// (rubydoc.info/gems/effective_postmark, quoting it;
	// github.com/orgs/supabase/discussions/50709; its 2011 form, "a hard
	// bounce or a spam complaint", pastebin.com/04peBCvB).
	"found inactive addresses",
	// SparkPost's bounce for a suppressed recipient, bounce_class 25
	// (Admin Failure), error_code 554: "Recipient address was suppressed
	// due to customer policy" (the account's list: hard bounces,
	// List-Unsubscribe clicks and spam complaints, support.moonpoint.com
	// quoting SparkPost's page on it) or "... due to system policy"
	// (SparkPost's global list; support.sparkpost.com, "Preparing For
	// Asynchronous Suppressions", "Using Suppression Lists").
	"suppressed due to customer policy", "suppressed due to system policy",
}

// exchangeLookupPhrases are Exchange's directory lookups in its NDRs' own
// words (each beside "550 5.1.1 RESOLVER.ADR.RecipNotFound" in the NDR's
// diagnostic information): Exchange 2010-2016 "The email address you
// entered couldn't be found", Exchange 2007 "The recipient's e-mail address
// was not found in the recipient's e-mail system", Exchange 2003 "The
// e-mail account does not exist at the organization this message was sent
// to", Exchange Online "x wasn't found at example.com". They are unknown
// users, and name the RCPT stage (rcptStageWords).
var exchangeLookupPhrases = []string{
	"address you entered couldn't be found", "was not found in the recipient's e-mail system",
	"does not exist at the organization", "wasn't found at",
	// Exchange Online's NDR in Spanish for an address the remote domain
	// does not have: "Parece que la dirección de correo electrónico donde
	// envió el mensaje no se encontraba en el dominio de destino" (an NDR
	// quoted on pastebin.com/qSHqkmLq, under "<host> rechazó tus mensajes
	// a las siguientes direcciones de correo:").
	"no se encontraba en el dominio de destino",
	// Exchange's NDRs in German, Spanish and Turkish for the same lookup,
	// each above "550 5.1.1 RESOLVER.ADR.RecipNotFound" (ExRecipNotFound)
	// in its diagnostic information: "Die eingegebene E-Mail-Adresse
	// konnte nicht gefunden werden." (pastebin.com/BsjRCWQL), "No se pudo
	// encontrar la dirección de correo electrónico que escribiste."
	// (pastebin.com/JHaPQHk7), "Girdiğiniz e-posta adresi bulunamadı."
	// (pastebin.com/ANF5N2rS).
	"e-mail-adresse konnte nicht gefunden werden", "no se pudo encontrar la dirección de correo electrónico", "girdiğiniz e-posta adresi bulunamadı",
}

// suspendPhrases: RFC 3463 x.2.1 "Mailbox disabled, not accepting messages".
var suspendPhrases = []string{
	"mailbox disabled", // RFC 3463 x.2.1
	"account that you tried to reach is disabled",                               // Google 550 5.2.1
	"user is inactive",                                                          // sitepackage (GMX 550 5.2.1)
	"user suspended", "user disabled", "account has been temporarily suspended", // Coremail's support pages (icoremail.vip, "退信提示"): "User suspended", "user disabled", "This account has been temporarily suspended" (not Postfix qmgr's "delivery temporarily suspended", a destination it stopped trying)
	"mailbox currently suspended", // AT&T/BellSouth (rbl.att.net/block_enduser.html): "550 [suspend] Mailbox currently suspended - Please contact correspondent directly"
	// SARE (sare.pl analiza-zwrotow): 521 "Nieaktywna skrzynka pocztowa",
	// the mailbox exists but is switched off and takes no messages.
	"nieaktywna skrzynka pocztowa",
	// A mailbox frozen: Mail.ru's own answers site (otvet.mail.ru, question
	// 239834562) explains that unused or deleted mailboxes are emptied and
	// "frozen", a frozen mailbox refusing mail at reception until its owner
	// logs in again: RFC 3463 x.2.1, the mailbox disabled (not Exim's
	// "message is frozen", a message held in its queue).
	"mailbox is frozen", "account is frozen",
	// DirectAdmin's DOMAIN_SUSPENDED, "The domain x is currently
	// suspended. Try later." (exim.strings.conf; exim.conf drops RCPT for
	// a local domain the panel suspended, /etc/virtual/<domain>_off;
	// portsbuild/portsbuild configure/exim): every mailbox of the domain
	// switched off, not gone.
	"domain * is currently suspended",
	"inactive user",                          // Inbox.lv and Mail.ee help ("Inactive user"): "554 5.7.1 rejected: Inactive user" for a mailbox blocked after 9 months unused, back when its owner logs in
	"account administratively disabled",      // Infomaniak (infomaniak.com support FAQ 858, "Resolve an email issue following an error report"): "550 5.1.1 <x> recipient rejected, account administratively disabled", the recipient's address suspended by its provider (read before userUnknownPhrases, whatever x.1.1 says)
	"has been disabled or discontinued",      // Yahoo (sitepackage)
	"user is locked",                         // Chinese providers' replies (blog.sina.com.cn list)
	"policy rejection on the target address", // Yandex: the recipient's account is blocked
	"account is locked",                      // vpopmail vdelivermail: "account is locked email bounced"
	"account disabled",                       // IANA SMTP enhanced status codes, x.7.13 "User Account Disabled"
	// The same words around a verb: Google's 550 5.2.1 "The email account
	// that you tried to reach is disabled" generalised to "account ... is
	// disabled" (RFC 3463 x.2.1 "Mailbox disabled"), which also reads the
	// "Mail System Error - Returned Mail" template's "The user(s) account
	// is ..." (its "temporarily over quota" form on faq.busblog.jp, show/410).
	"account * is disabled",
	// RFC 3463 x.2.1 "Mailbox disabled" with its verb: Yahoo's "554 30
	// Sorry, your message to x cannot be delivered. This mailbox is
	// disabled (554.30)", an account deactivated (suped.com, "Why does
	// Yahoo report a closed account...", citing the SMTP Field Manual),
	// and a Chinese host's list of bounce keywords under "disabled"
	// (help.szhot.com text_show 170: "User x is disabled", "550 ... is
	// now disabled with SMTP service", the account frozen or removed).
	"mailbox is disabled", "user * is disabled", "is now disabled with smtp service",
	// A mailbox switched off, on a Spanish sender's list of the errors it
	// met (alexborras.com): "is a deactivated mailbox", "This account has
	// been disabled" (RFC 3463 x.2.1).
	"deactivated mailbox", "account has been disabled",
	// CleverReach lists "mailbox has been deactivated / disabled /
	// discontinued" among the most common bounce messages, as mailbox
	// issues, not an incorrect address (support.cleverreach.de, "Meaning
	// of Bounce Messages"): the mailbox switched off (RFC 3463 x.2.1).
	"mailbox has been discontinued",
	// Korean portals' refusals of a suspended recipient, as a Korean
	// list of returned-mail replies groups them (puffinknight.tistory.com
	// /102, "받는사람이 사용중지된 경우", the recipient's use suspended):
	// "550 5.1.1 Inactive mbox", "550 5.1.1 Suspended user".
	"inactive mbox", "suspended user",
	// hMailServer at RCPT for an account, alias or distribution list that
	// exists but is switched off (hmailserver/hmailserver RecipientParser.cpp,
	// CheckDeliveryPossibility(): "550 Account is not active.", "550 Alias
	// is not active.", "550 Distribution list is not active."): RFC 3463
	// x.2.1, the mailbox disabled, in its own words.
	"account is not active", "alias is not active", "list is not active",
	"domain has been disabled", // hMailServer RecipientParser.cpp CheckDeliveryPossibility() for an address in a local domain switched off: "550 Domain has been disabled."
	// Oracle (Sun) Messaging Server for a mail group whose status is
	// "disabled": a permanent failure with ERROR_TEXT_DISABLED_GROUP's
	// default text, "group disabled; cannot receive new mail" (Sun Java
	// Communications Suite 5 Schema Reference, inetMailGroupStatus).
	"group disabled",
	// CommuniGate Pro's LOCAL module for an account that takes no mail
	// ("Failed to deliver to '<addr>'", "LOCAL module(account x) reports:",
	// "mail receiving disabled", as the samples commented in PHPMailer-BMH's
	// bounce rules show it, phpmailer-bmh_rules.php rule 0194): the account
	// exists and its receiving is switched off (RFC 3463 x.2.1).
	"mail receiving disabled",
	// NetZero's (United Online's) list of errors in a delivery failure's
	// transcript: "Account Inactive", the recipient's account is
	// inactive until its member logs in again (help.netzero.com, "How can
	// I understand the mail delivery failure notice?").
	"account inactive",
}

// senderQuotaPhrases: a quota of the sender, not of the recipient's
// mailbox; they come before mailboxFullPhrases, which they would match.
var senderQuotaPhrases = []string{
	"submission quota", // Microsoft 5.2.2 "Submission quota exceeded" and "the sender's submission quota was exceeded"
	// Exchange Online's SMTP AUTH submission past the recipient rate limit
	// (10,000 recipients a day): "554 5.2.0 STOREDRV.Submission.Exception:
	// SubmissionQuotaExceededException" (learn.microsoft.com, "Message
	// storage and concurrent connection throttling for SMTP Authenticated
	// Submission").
	"submissionquotaexceeded",
	"sending quota", // Google 550 5.4.5 "Daily sending quota exceeded"
	// Amazon SES "454 Throttling failure: Daily message quota exceeded"
	// (docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html:
	// the messages of a 24-hour period past the account's quota).
	"daily message quota",
	// Google 550 5.4.5 "Daily user sending limit exceeded", 550 5.7.1
	// "Daily SMTP relay sending limit exceeded for this customer" (Gmail
	// SMTP errors and codes, support.google.com/a/answer/3726730,
	// 2026-02-12): the sender's own daily limit, whatever the status's
	// subject.
	"sending limit exceeded",
	// Not a mailbox's quota but the receiving organization's queue:
	// Outlook.com's "450 4.7.3 Organization queue quota exceeded." means
	// the domain is receiving mail at too high a rate to take more now
	// (ActiveCampaign's SMTP Field Manual, data/codes/450.json), read
	// before mailboxFullPhrases' "quota exceeded".
	"queue quota",
	// iRedAPD's throttle plugin (iredmail/iRedAPD plugins/throttle.py,
	// libs/__init__.py SMTP_ACTIONS) refuses a sender or recipient over
	// its limits within the throttle period as "Quota exceeded (number of
	// mails in total)" (max_msgs) and "Quota exceeded (accumulated message
	// size)" (max_quota): a rate, read before mailboxFullPhrases' "quota
	// exceeded".
	"number of mails in total", "accumulated message size",
	"throttling quota", // iRedAPD 5.9 (libs/__init__.py SMTP_ACTIONS reject_quota_exceeded): "Throttling quota exceeded", plugins/throttle.py's limits within its period
}

// mailboxFullPhrases: RFC 3463 x.2.2 "Mailbox full"; RFC 5321 §4.2.3 552
// "exceeded storage allocation".
var mailboxFullPhrases = []string{
	"mailbox full", "mailbox is full", // RFC 3463 x.2.2; Exim spec appendfile ("mailbox is full"); forpsi "final recipient mailbox is full"
	"full mailbox",            // RFC 3463 x.2.2 "Mailbox full" in the other word order: "has been postponed due to a full mailbox" (flufl.bounce's simple_35.txt)
	"over quota", "overquota", // Google 452/552 "is over quota"; sitepackage "552 5.2.2 Over quota"
	"quota exceeded",                                                          // Dovecot quota_exceeded_message "Quota exceeded (mailbox for user is full)"; Yandex "Disk quota exceeded"
	"quota limit exceeded",                                                    // bytecamp.net FAQ 422 4.2.2
	"over storage quota",                                                      // sitepackage (T-Online)
	"exceeded storage allocation",                                             // RFC 5321 §4.2.3 552
	"exhausted allowed storage space",                                         // sitepackage (web.de)
	"too many messages on the server",                                         // sitepackage (web.de)
	"zuviele mails auf dem server",                                            // the same reply's German half, "Benutzer hat zuviele Mails auf dem Server." (sitepackage: web.de, the recipient's mailbox full)
	"maildir over quota",                                                      // support.gmx.com "maildrop: maildir over quota"
	"mailbox size exceeded", "mailbox size limit exceeded", "account is full", // Yandex
	"mailfolder is full",               // vpopmail/qmail-ldap: "the user's mailfolder is full"
	"over the allowed quota",           // qmail-ldap: "The users mailfolder is over the allowed quota (size)." (智邦 help.url.com.tw, common bounce messages: the recipient's box is full)
	"mailbox storage exceeded",         // FTGate's service errors (docs.ftgate.com, "Service Error Messages"): "Allocated mailbox storage exceeded (#1.02)", ERR_MAILBOX_QUOTA
	"mailbox temporarily full",         // Cisco AsyncOS mail log example of a remote reply: "466 Mailbox temporarily full." (AsyncOS 9.1 User Guide, Logging)
	"mailbox exceeded the local limit", // Willcom (pdx.ne.jp) as a sender published its bounce (nobuneko.com/blog, 2012/03): "552 We failed to deliver mail because the volume of recipient's mailbox exceeded the local limit"
	"mailbox exceeds allowed size",     // Ipswitch IMail: "User mailbox exceeds allowed size" (www.sxu.edu/info_svcs/imail/fullmailbox.asp)
	"not enough disk quota",            // Dovecot lib-storage MAIL_ERRSTR_NO_QUOTA, as its LDA and LMTP report a delivery over quota (strings of Debian's dovecot-core 2.3.19)
	"exceeds remaining quota",          // BBIQ's FAQ (faq.bbiq.jp, id 7552): "Message size exceeds remaining quota" means the recipient's box has no room
	"exceed maximum mailbox size",      // GNU Mailutils maidag, a local delivery agent (mailutils.org manual, "Mailbox Quotas"): "user: message would exceed maximum mailbox size for this recipient"
	// Local delivery into a mailbox at its limit: Postfix local(8) with
	// mailbox_size_limit (postconf(5)) reports the write that failed,
	// "cannot update mailbox x for user y. error writing message: File too
	// large" (EFBIG); BSD mail.local reports EDQUOT as errno(2) words it,
	// "Disc quota exceeded".
	"error writing message: file too large", "disc quota exceeded",
	// In Spanish and Italian (the sources of userUnknownPhrases): "correo
	// lleno" (alexborras.com's temporary errors), "Casella di posta piena"
	// (Microsoft's Italian Outlook.com page: the inbox "contiene troppi
	// messaggi e non è in grado di accettarne altri").
	"correo lleno", "casella di posta piena",
	"too much mail data", // NTT docomo's "552 Too much mail data <addr>", the recipient's mailbox full (センドマジック's notes on the carriers' replies, note.com/sendmagic/n/neb6bbe7e51cf)
	"收件人空间不足",            // QQ Mail's bounce notice (qqmailbox.com/transceivers/169): the recipient's space is insufficient
	"收件容量满",              // emailhost.com.cn's service pages: "[退信] 收件容量满: Quota exceeded" (the receiving capacity is full)
	// Microsoft's Italian Outlook.com pages: "Cassetta postale piena o quota
	// superata" (support.office.com it-it, 45e048ac) and "Casella di posta
	// piena o Spazio disponibile superato" (windows.microsoft.com/it-it/
	// outlook/delivery-failed).
	"cassetta postale piena", "spazio disponibile superato",
	// Exchange's NDRs for a full mailbox in German, Spanish and Polish: "Das
	// Postfach des Empfängers ist voll und kann nachrichten jetzt nicht
	// annehmen." (learn.microsoft.com/de-de, cannot-send-mail-mepf, with
	// "554 5.2.2 mailbox full"), "El buzón del destinatario está lleno y no
	// puede aceptar mensajes." (Exchange 2007, pastebin.com/HGKcccQU),
	// "Skrzynka pocztowa adresata jest pełna" (pastebin.com/wj1vPjmb, with
	// "554 5.2.2 mailbox full"); mail.fr's German help gives "Mailbox full
	// / Over quota" as "Postfach voll".
	"postfach des empfängers ist voll", "postfach voll", "buzón del destinatario está lleno", "skrzynka pocztowa adresata jest pełna",
	// Chinese hosts' returned-mail causes: "接收方邮箱已经没有足够的空间来接收新邮件"
	// (wz.0733.com.cn news-56: the receiving mailbox has no room for new
	// mail) and "对方邮箱空间已满" (xiayuyun.com zonghe 74184: the other
	// side's mailbox space is full).
	"邮箱已经没有足够的空间", "邮箱空间已满",
	// wz.0733.com.cn news-56 (the recipient's mailbox has no room): "Quota
	// exceed the hard limit for user", "mail box space not enough".
	"quota exceed the hard limit", "mail box space not enough",
	"exceed the quota",                // alexborras.com's temporary errors, beside "quota exceeded" and "over quota" (after senderQuotaPhrases)
	"trouble in home directory",       // qmail's "451 qq trouble in home directory", which a Swiss host's list of common errors explains as the recipient mailbox's quota reached (support.onesystems.ch, "Übersicht häufig vorkommender Fehlermeldungen")
	"exceeded its storage limit",      // "422 The recipient's mailbox has exceeded its storage limit" (pga-it.de's list of SMTP error codes, p=211: the recipient's mailbox is full)
	"domain size limit",               // SmarterMail's bounce for a recipient whose domain has used its disk allocation (kb.indsoft.net a70, "Common email delivery errors"): "Reason: The domain size limit has been exceeded"
	"inbox is full",                   // hMailServer's bounce for a local account with no room (hmailserver/hmailserver LocalDelivery.cpp, CheckAccountQuotas_(): "Error Description: Inbox is full ... The recipients inbox is full.")
	"mailbox limit exceeded",          // "Mailbox limit exceeded while appending message" among the full-mailbox errors NewPages lists (edu.newpages.com.my, article 349: the mailbox's storage limit reached)
	"storage allocation exceeded",     // RFC 5321 §4.2.3's 552 "exceeded storage allocation" in the other word order: "552 Storage allocation exceeded", the recipient's mailbox full (mydreams.cz hosting wiki 9965, "List of bounced email error messages")
	"mailbox has reached its maximum", // agnx.com's helpdesk, SMTP error codes: "552 ... The recipient's mailbox has reached its maximum allowed size", the recipient's mailbox full
	"exceeded their mailbox limit",    // exedo.nl's "Foutmeldingen e-mail": "The recipient has exceeded their mailbox limit", the recipient's mailbox full
	"account storage limit",           // GoDaddy's bounce FAQ (ix-one.com domainhostingFAQ MS_27771, recipient account related bounces): "Account storage limit", the recipient's account has reached its storage limit
	// Gmail's notice in Japanese for a recipient's full inbox, as pages
	// quoting it show it (urashita.com/?p=36286 and tabi-g.blogspot.com/
	// 2020/06/gmail-full-case.html, after the English "452 4.2.2 ... over
	// quota" retried for up to 47 hours): the heading "宛先の受信トレイの空き
	// 容量不足" (not enough free space in the recipient's inbox) and "x にメー
	// ルを配信できませんでした。宛先の受信トレイがいっぱいか、..." (the
	// recipient's inbox is full), both pages' reading the recipient's
	// Gmail storage used up.
	"受信トレイの空き容量不足", "宛先の受信トレイがいっぱい",
	// freeserve's notice as fml8's bounce parser shows it (github.com/
	// fmlorg/fml8, fml/lib/Mail/Bounce/Language/Japanese.pm): "あなた様が
	// メールを送ったfreeserveユーザーのメールボックスが制限値に達しており、お送
	// りになったメールを受け取ることが出来ませんでした。" (the mailbox of the user
	// you wrote to has reached its limit), under "freeserveではメールボックス
	// に容量制限があります" (mailboxes have a capacity limit).
	"メールボックスが制限値に達して",
	// クラウドサイン's notice (help.cloudsign.jp/ja/articles/1074121): "x の
	// メールボックスの容量が逼迫しているため、..." (the recipient's mailbox is
	// short of space; resending later may succeed).
	"メールボックスの容量が逼迫",
}

// exceedLimitPhrases: RFC 3463 x.2.3 "Message length exceeds administrative
// limit" for a recipient.
var exceedLimitPhrases = []string{
	"message length exceeds administrative limit", // RFC 3463 x.2.3
	"recipsizelimit", "too large for this recipient", // Exchange: "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient"
	"recipient's size limit", // Google 554 5.7.1 "The message you're trying to send exceeds the recipient's size limits"
	// SARE (sare.pl analiza-zwrotow): 523 "Wiadomość zbyt długa", longer
	// than the limit the recipient's administrator set for one message to
	// that mailbox.
	"wiadomość zbyt długa",
	// iRedAPD's reject_message_size_exceeded, "Message size exceed (maybe
	// caused by big attachment file)", which its amavisd_message_size_limit
	// plugin answers when the message is over the per-recipient (or
	// per-domain) message_size_limit of the recipient's Amavisd policy
	// (iredmail/iRedAPD libs/__init__.py, plugins/
	// amavisd_message_size_limit.py): the recipient's limit.
	"message size exceed (maybe caused by big attachment file)",
}

// mesgTooBigPhrases: RFC 3463 x.3.4 "Message too big for system"; RFC 1870.
var mesgTooBigPhrases = []string{
	"maximum allowed message size", // mlmmj-listtexts en/deny-post, reason maxmailsize: "because it exceeded the maximum allowed message size of $maxmailsize$ bytes."
	"message size exceeds",         // Postfix "Message size exceeds fixed limit"; Sendmail "Message size exceeds maximum value", "... fixed maximum message size"
	"message too big",              // RFC 3463 x.3.4
	"message too large",            // sitepackage "552 Error: message too large"
	"message file too big",         // Postfix cleanup(8) "message file too big"
	"message too long",             // MailDiode's MESSAGE_TOO_LONG (its SMTPError constants, rubydoc.info/gems/maildiode): "552 Error: Message too long"
	// antispameurope's (Hornetsecurity's) size refusals by its content
	// filter: "552 5.5.2 Message size (content filter)", "554 5.5.3 e-mail
	// Rejected Content Filter Size" (support.everycloud.com, article
	// 4000007755) and "554 5.5.3 email rejected due to Content Filter Size
	// Limit" (article 4000039509): a message over the size limit, whatever
	// x.5 status it is given.
	"message size (content filter)", "content filter size",
	"exceeds my databytes limit",                    // qmail-smtpd(8)
	"message size limits",                           // Google 552 5.2.3 "Your message exceeded Google's message size limits"
	"message is too long", "attachment is too long", // Chinese providers' replies (blog.sina.com.cn list)
	// RFC 1870's refusal of a declared SIZE over the server's "fixed
	// maximum message size", its 552 "message exceeds fixed maximum
	// message size" (as the IMail forum quotes RFC 1870 §6,
	// mail-archive.com imail_forum msg108802); Nodemailer's smtp-server
	// answers MAIL FROM so (lib/smtp-connection.js handler_MAIL(): "552
	// Error: message exceeds fixed maximum message size n").
	"exceeds fixed maximum message size",
	// Alibaba Mail's returned-mail errors (sh-aliyun.com, as above): "510
	// The length of DATA content is achieved the maximum threshold" (the
	// body over its limit), "510 The length of Attach is achieved the
	// maximum threshold" (the attachments over theirs).
	"length of data content is achieved the maximum", "length of attach is achieved the maximum",
	"email size exceeded",        // Zoho ZeptoMail
	"exceeds size limit",         // Postfix smtp(8): "message size x exceeds size limit y of server"
	"mail size limit exceeded",   // United Internet (1&1): "Mail size limit exceeded. For explanation visit postmaster.1and1.com"
	"exceeded mailsize limit",    // emailhost.com.cn's service pages: "[退信] 邮件过大: exceeded mailsize limit"
	"邮件过大",                       // the same pages' Chinese name for it, "[退信] 邮件过大" (the mail is too big)
	"message size exceeded",      // BlueTie "552 Message Size Exceeded" (mxtoolbox.com/Bouncebacks)
	"message body is too big",    // "552 Message body is too big", an attachment over the recipient's limit for one message (riudoms.xarxa-omnia.org, "Correus electrònics amb missatges d'error")
	"message is too big",         // Exim's transports (transport.c, deliver.c): "message is too big (transport limit = n)", over a transport's message_size_limit
	"message is too large",       // "<Message is too large~/message size exceeds~>" (catv-yokohama.ne.jp FAQ 11387: more than the recipient can take in one message)
	"exceeds maximum fixed size", // BBIQ's FAQ (faq.bbiq.jp, id 7552): "Message exceeds maximum fixed size", the message sent is too big
	// Naver's and Daum's Korean notices for "552 5.3.4 Error: message file
	// too big" and "552 5.3.4 Message size exceeds fixed limit"
	// (foxydog.tistory.com/69): "보내신 메일의 크기가 커서, 받는 서버에서 수신을
	// 차단하였습니다" (the mail sent was too big; the receiving server
	// blocked it), "발송하신 편지의 크기가 너무커서 ... 수신을 거부하였습니다";
	// wz.0733.com.cn news-56: "超过了对方邮件服务商规定的一封邮件大小的限制" (over the
	// other provider's limit for one message), beside "552 Message size
	// exceeds fixed limit".
	"메일의 크기가 커서", "편지의 크기가 너무커서", "一封邮件大小的限制",
	// A server's limit on the size of a message it receives, which SLmail's
	// help calls its inbound size limit (seattlelab.com, slmail web_help 51
	// "SMTP size limits": larger messages are refused with a 500-level
	// error); RFC 3463 x.3.4 "Message too big for system". Seen as NTMail's
	// "553 Exceeded maximum inbound message size" (flufl.bounce's dsn_03.txt).
	"maximum inbound message size",
	// HENNGE One's Email DLP in its own non-delivery report ("配信不能
	// レポート(NDR)について", support.hdeone.com/hc/ja/articles/
	// 360000329202): "maximum uncompressed data size exceed", a compressed
	// attachment too big once expanded (展開後のサイズが大きすぎます), to be
	// sent by a file transfer service instead.
	"maximum uncompressed data size",
	"exceeds the size limit", // NetZero's list of errors in a delivery failure's transcript (help.netzero.com, u-understand-mdf): "Message exceeds the size limit", larger than the recipient's provider accepts
	// クラウドサイン's notice (help.cloudsign.jp/ja/articles/1074121): "メー
	// ルの容量が送信先の制限を超過していたため、..." (the message's size went
	// over the destination's limit).
	"メールの容量が送信先の制限を超過",
}

// virusPhrases come before the spam ones: a virus verdict is not a spam
// verdict.
var virusPhrases = []string{
	"virus",    // Exim spec, ACL malware condition ("This message contains a virus"); Zoho "virus x detected"; Yandex "Message infected by virus"
	"malware",  // Exim spec, ACL "malware" condition
	"infected", // Yandex
	// Rspamd's external scanners word a verdict by their category: the
	// ICAP antivirus client (lualib/lua_scanners/icap.lua, detection
	// category virus, tested with Symantec, Sophos SAVDI and c-icap) says
	// "icap: threat found with icap scanner: x", oletools (malicious
	// Office macros) "oletools: Oletools threat message found: x"; sent as
	// the reject message with action = "reject" (common.lua yield_result).
	"threat found", "threat message found",
	// ClamAV's phishing heuristics name their find "Heuristics.Phishing.*",
	// a verdict of the virus scanner: a mail rejected and bounced for
	// "Heuristics.Phishing.Email.SpoofedDomain" (simple-nixos-mailserver
	// merge request 130, which turns ClamAV's phishing scan off for its
	// false positives); Symantec Email Security.cloud lists recipients'
	// "550 Message contained unsafe content
	// (Heuristics.Phishing.Email.SpoofedDomain)"
	// (knowledge.broadcom.com/external/article/169925).
	"heuristics.phishing",
	// A detection named by its kind of malware: ClamAV's official
	// signature names are {platform}.{category}.{name} with the
	// categories Backdoor, Coinminer, Downloader, Dropper, Infostealer,
	// Keylogger, Ransomware, Rootkit, Spyware among others
	// (docs.clamav.net/manual/Signatures/SignatureNames.html), clamd's
	// finding "Win.Trojan.Agent-1 FOUND"; Microsoft's names follow the
	// CARO scheme, whose types include Backdoor, Ransom, Trojan,
	// TrojanDownloader, Worm (learn.microsoft.com defender-xdr,
	// "How Microsoft names malware"). A refusal naming one is the
	// scanner's verdict on the message. Worm only as a word of its own
	// or a signature's part (wormWord).
	"trojan", "ransomware", "backdoor", "rootkit", "keylogger", "spyware", "infostealer", "coinminer",
}

// spamOrVirusPhrases name spam and a virus as alternatives, which states
// no virus verdict: OpenSRS Hosted Email refuses with "550 5.7.1 Message
// contains spam or virus." (its mx.*.cust.b.hostedemail.com hosts), and
// its "Hosted Email Spam and Rejections Guide" (support.opensrs.com,
// article 201000063080) traces a refusal to the mailbox's spam handling
// mode, "Reject Spam", of its spam-scoring filter (as opposed to
// passthrough or quarantine to the spam folder): a spam verdict, read by
// the spam words after the virus detector passes it by.
var spamOrVirusPhrases = []string{"spam or virus"}

// htmlPolicyPhrases refuse a message for carrying HTML, a list host's
// rule on the content's type: vger.kernel.org's ZMailer answers the end
// of DATA "550 5.7.1 Content-Policy reject msg: The message contains HTML
// subpart, therefore we consider it SPAM or Outlook Virus.  TEXT/PLAIN is
// accepted.!" (quoted by Postfix, Exim, Gmail and IronPort notices in the
// kernel lists' archives), and Ted Ts'o on the git list
// (mail-archive.com/git@vger.kernel.org/msg05722.html) calls it a "hard
// requirement", one of "the current policies in force on vger". Its
// "Outlook Virus" names no virus found; read before virusPhrases.
var htmlPolicyPhrases = []string{"contains html subpart"}

// listPolicyPhrases: a mailing list's own rules on a post's addressing
// or on what its administrator listed, its local policy rather than a
// verdict on the sender or the content; read before the spam words a
// list's apology may hold (sourceware's "List address must be in To: or
// Cc: headers. If you are not a \"spammer\", we apologize").
var listPolicyPhrases = []string{
	"implicit destination",                                // Mailman 2.1 Handlers/Hold.py ImplicitDestination, "Message has implicit destination", its rejection notice "Blind carbon copies or other implicit destinations are not allowed"; Mailman 3's implicit-dest rule
	"list address must be in to: or cc:",                  // ezmlm-idx ERR_NO_ADDRESS, "List address must be in To: or Cc: (#5.7.0)" (lang/en_US/text/messages; ezmlm-reject)
	"list address was not found in either the to: or cc:", // mlmmj-listtexts en/deny-post, reason tocc: "because the list address was not found in either the To: or CC: header."
	"rule set up by the list administrator",               // mlmmj listtexts/en/access, "Your mail was rejected because it matched a rule set up by the list administrator"; deny-post, reason access: "because of an access rule set up by the list administrator."
}

// scannerFailurePhrases: the virus scanner itself failed, and the
// receiving system defers the message for it; no verdict on the message.
// Haraka's clamd plugin (plugins/clamd.js), with reject.error set: "Virus
// scanner error", "Virus scanner timed out", "Error connecting to virus
// scanner", "Error running virus scanner" (DENYSOFT: 452 after DATA).
var scannerFailurePhrases = []string{
	"virus scanner error", "virus scanner timed out", "error connecting to virus scanner", "error running virus scanner",
}

// authFailurePhrases: SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489).
var authFailurePhrases = []string{
	// Cisco Secure Email's (AsyncOS) default SMTP response for an SPF
	// TempError or PermError it defers, "451 #4.4.3 Temporary error
	// occurred during SPF verification." (AsyncOS 9.1 for Email CLI
	// Reference Guide, listenerconfig, SPF/SIDF settings: "Defer text"):
	// the sending domain's SPF could not be verified.
	"during spf verification",
	"dmarc",                                                                                                                           // Google 5.7.26 "domain's DMARC policy"; Microsoft 5.7.509; Apple; Zoho; forpsi
	"spf check", "spf validation", "spf policy", "spf did not pass", "sender policy framework", "blocked by spf", "fails to pass spf", // Yandex "SPF check failed"; GMX "Reject due to SPF policy"; Google 4.7.27, 5.7.26; Microsoft 5.7.23; forpsi
	"spf-check failed",                     // Hostpoint "550-SPF-check failed: 550 x doesn't allow sending mails from y" (the message failed the sending domain's SPF policy: ActiveCampaign's SMTP Field Manual, github.com/ActiveCampaign/smtp-field-manual page-data/code/550/page-data.json, /code/550 Hostpoint)
	"dkim did not pass", "dkim validation", // Google 4.7.30, 5.7.30; Microsoft 4.7.26
	// RFC 7372 §3.1's three DKIM codes end in the same words: x.7.20 "No
	// passing DKIM signature found", x.7.21 "No acceptable DKIM signature
	// found", x.7.22 "No valid author-matched DKIM signature found" (each
	// a message without a DKIM signature that will do, RFC 6376).
	"dkim signature found",
	"spf permanent error",                             // Exchange Online 5.1.0 "Recipient address rejected: SPF Permanent Error" (learn.microsoft.com, fix-error-code-550-5-1-0-in-exchange-online: the sender domain's SPF record)
	"must pass either spf or dkim",                    // Microsoft 4.7.26
	"authenticate with spf", "authenticate with dkim", // Google 5.7.27, 5.7.30
	"does not have authentication information", "fails to pass authentication checks", // Google 5.7.26
	"unauthenticated email",                                      // Google 5.7.1, 5.7.26
	"because it is unauthenticated", "sender is unauthenticated", // Google 4.7.26, 5.7.27
	"not aligned with either the authenticated spf or dkim",   // Google 4.7.32
	"isn't aligned with either the authenticated spf or dkim", // Google 421 4.7.32 and 5.7.32 as the page has them since (Gmail SMTP errors and codes, support.google.com/a/answer/3726730, 2026-02-12)
	// Google 421 4.7.27 "Your email has been rate limited because SPF
	// authentication didn't pass for this message", 421 4.7.30 the same
	// of DKIM, 550 5.7.27 "This message was blocked because it didn't
	// pass SPF authentication" (Gmail SMTP errors and codes, support.google.com/a/answer/3726730, 2026-02-12): the check named, then its failure.
	"spf authentication didn't pass", "dkim authentication didn't pass",
	"didn't pass spf authentication", "didn't pass dkim authentication",
	"spf record", // Google 5.7.26 "fails to pass SPF checks for an SPF record with a hard fail policy"
	"[spf] ",     // Interia and C4 (pomoc.poczta.interia.pl; faq.c4.cz, "Odeslaný e-mail se vrací zpět s chybou"): "550 5.7.0 [SPF] <ip> is not allowed to send mail from <domain>", the sending IP not in the domain's SPF record
	// Exim's "spf = fail" ACL condition with the message its users give
	// it, "deny message = SPF: $sender_host_address is not allowed to send
	// mail from $sender_address_domain" (an Exim configuration for
	// cPanel's custom_begin_mailauth, pastebin.com/kYjsmget), the words
	// Interia's and C4's "[SPF]" refusal share: the sending IP is not one
	// the sender's domain's SPF record permits (RFC 7208 "fail").
	"is not allowed to send mail from",
	"spf unauthorized", // Cisco AsyncOS SPF verification's default reject text: "550 #5.7.1 SPF unauthorized mail is prohibited." (AsyncOS CLI Reference, listenerconfig)
	// pypolicyd-spf, the SPF policy service beside Postfix: "550 5.7.23
	// <x>: Recipient address rejected: Message rejected due to: SPF fail -
	// not authorized. Please see http://www.openspf.net/Why?s=mfrom;..."
	// (its log lines and RCPT replies as admins quote them; 5.7.1 before
	// RFC 7372's 5.7.23).
	"spf fail", "openspf.net/why", "openspf.org/why", "open-spf.org/why",
	// The same page before the SPF project moved to openspf.org: Mail::SPF::
	// Query's default explanation, "Please see http://spf.pobox.com/
	// why.html?sender=%{S}&ip=%{I}&receiver=%{R}", as a Postfix SPF policy
	// daemon's refusal quotes it ("Sender address rejected: Please see
	// http://spf.pobox.com/why.html?sender=...", linuxrulz.net/spf.html).
	"spf.pobox.com/why",
	// Cleanmail (a Swiss filtering service) refuses mail with a sender of
	// bluewin.ch that did not come through the servers Bluewin's SPF
	// record names: "Forged sender domain from this server"
	// (cleanmail.ch, "Stricter rules for accepting mail with sender
	// bluewin.ch").
	"forged sender domain from this server",
	"domain owner policy restrictions", // Hotmail's DMARC refusal, "550 5.7.0 ... messages from (IP) on behalf of (yahoo.com) could not be delivered due to domain owner policy restrictions" (wordtothewise.com, 2014/04, bounces due to Yahoo's p=reject)
}

// requirePTRPhrases: the sending IP has no reverse DNS name, or one that
// does not lead back to it (RFC 8601 §3 "iprev").
var requirePTRPhrases = []string{
	"cannot find your hostname", "cannot find your reverse hostname", // Postfix postconf(5) reject_unknown_client_hostname, reject_unknown_reverse_client_hostname
	"ptr record",                        // Google 5.7.25 "does not have a PTR record setup"
	"reverse dns",                       // Microsoft 5.7.25 "must have a reverse DNS record"; Comcast "Reverse DNS failure"; Compuserve (sitepackage) "Your reverse DNS entry"
	"reverse hostname",                  // Postfix
	"ptr resource record",               // GMX: "554-Bad DNS PTR resource record" (postmaster.gmx.com)
	"mismatches client ip",              // Outlook.com: "domain [x] mismatches client ip y" (the iprev check of RFC 8601 §3)
	"sender ip must resolve",            // Gigaserver.cz (kb.gigaserver.cz, "Sender IP must resolve": the sending IP has no PTR record); Veraciti's reverse DNS page ("501 5.7.1 <x>... Sender IP must resolve")
	"failure in dns look-up",            // AT&T Worldnet (rbl.att.net/block_enduser.html): "421-failure in DNS look-up", the sending IP's reverse DNS lookup failed
	"no dns reverse for",                // Forpsi (support.forpsi.com kb a3068, support.arubacloud.pl kb a2837): "554 ... no DNS reverse for x.x.x.x"
	"no host name found for ip address", // Exim's reverse lookup failure (its log and Debian exim4-config's X-Broken-Reverse-DNS header: "no host name found for IP address x")
	// Haraka's refusals of a client by its reverse DNS: the fcrdns plugin
	// (github.com/haraka/haraka-plugin-fcrdns, index.js) answers "client
	// [x] rejected; no rDNS", "client [x] rDNS lookup error (...)", "...
	// rDNS lookup timeout", "... rejected; invalid TLD in rDNS (y)", "...
	// rejected; generic rDNS, please use your ISPs SMTP relay" and "Sorry,
	// no FCrDNS match found"; its connection.js refuses with "554 rDNS
	// Lookup Failed". Whole phrases, not the bare "rdns", which
	// SpamAssassin's rule names (RDNS_NONE, RDNS_DYNAMIC) put into
	// spam-score refusals.
	"no rdns", "rdns lookup", "tld in rdns", "generic rdns", "fcrdns",
	// "rDNS record", the PTR record by its other name: Neo's help on its
	// refusals of a misconfigured sender ("when the rDNS record of the IP
	// of your email server does not match the forward DNS or if there are
	// no rDNS record setup at all", support.neo.space article
	// 14305013049241); no spam rule is named so.
	"rdns record",
	"rdns temporary failure", // Haraka connection.js lookup_rdns_respond: "421 rDNS Temporary Failure" (its rDNS plugins' temporary refusal)
	// Sendmail cf/m4/proto.m4, FEATURE(require_rdns): "451 4.1.8 Client IP
	// address x does not resolve" (client_resolve TEMP) and "451 4.1.8
	// Possibly forged hostname for x" (FORGED), beside "550 5.7.1 Fix
	// reverse DNS for x" (FAIL): the client's reverse DNS, under the code
	// RFC 3463 gives a sender's system address (so x.1.8 does not decide).
	"client ip address * does not resolve", "possibly forged hostname",
	// ze-filter (j-chkmail) src/ze-reply.h, sent by check_dns_resolve()
	// in src/ze-check-connection.c under 451 4.1.8 as Sendmail does:
	// MSG_RESOLVE_FAIL "RESOLVE : SMTP client IP address doesn't
	// resolve" (RESOLVE_FAIL, no name for the address) and
	// MSG_RESOLVE_FORGED "... SMTP client hostname seems to be forged"
	// (RESOLVE_FORGED, the name does not resolve back to it).
	"client ip address doesn't resolve", "client hostname seems to be forged",
	// "Reverse mapping", the PTR record's other name (the in-addr.arpa
	// mapping of an address back to its name): Interoute Deutschland's
	// mail policy answers "451 4.7.1 Your IP address does not resolve to
	// an existing hostname - no proper reverse mapping exists" (a bounce
	// and its recipient's IT's note "No reverse mapping (PTR)",
	// studylib.net/doc/7864638).
	"reverse mapping",
	// AT&T Worldnet's page for individual users: "550 Error. Blocked for
	// status: <unknown sender>", no identifying information entered into
	// the DNS for the sending system (worldnet.att.net/general-info/
	// mail_info/block_enduser.html).
	"blocked for status",
}

// spamPhrases: the content was judged spam.
var spamPhrases = []string{
	"likely unsolicited mail",          // Google 550 5.7.1
	"rejected as spam",                 // Microsoft EOP "Message rejected as spam by Content Filtering"; Yandex
	"content filter agent quarantined", // Exchange Server 5.2.1 "Content Filter agent quarantined this message" (DSNs and NDRs in Exchange Server, Common enhanced status codes: quarantined by content filtering)
	"suspicion of spam",                // Yandex "Message rejected under suspicion of SPAM"
	"looks like spam",                  // Yandex "Sorry, message looks like SPAM to me"
	"spam points", "spam score",        // Exim spec, ACL spam condition ("This message scored x spam points"); SpamAssassin scores
	"classified as spam",                   // bytecamp.net FAQ 571 5.7.1
	"spam detected",                        // forpsi "552 5.2.0 x spam detected"
	"mail content denied",                  // QQ's "550 Mail content denied" (content sent in bulk and reported as spam by many users: ActiveCampaign's SMTP Field Manual, page-data/code/550/page-data.json, /code/550 QQ 4, linking service.exmail.qq.com help no=1000726)
	"anti-spam engine",                     // Chinese providers' replies (blog.sina.com.cn list)
	"present in the spamhaus dbl",          // Apple: a domain in the content is on the DBL
	"message content rejected",             // Barracuda: "550 5.7.1 Message content rejected, UBE, id=..."; Amazon SES receiving "Message content rejected"
	"rejected due to content restrictions", // Exchange Server Content Filter agent: "550 5.7.1 Message rejected due to content restrictions"
	"spam message rejected",                // Rspamd's default reject message "Spam message rejected"; Mail.ru "550 spam message rejected"
	"blocked by spamassassin",              // spamass-milter's default reject text, "5.7.1 Blocked by SpamAssassin" (spamass-milter.cpp, -r; rejecttext)
	"bulk message found",                   // Rspamd's bulk and spam scanners' reject messages (lualib/lua_scanners/dcc.lua "dcc: bulk message found: x", spamassassin.lua "spamassassin: Spamassassin bulk message found: x"; common.lua yield_result with action = "reject")
	// amavisd-new answers "554 5.7.0 Reject, id=<id> - <contents
	// category>" when a final destiny is D_REJECT (amavisd-new docs,
	// "acting on mail checks results"; its replies in Postfix logs: "554
	// 5.7.0 Reject, id=52765-01 - spam", "... - BANNED: <part>", "... -
	// INFECTED: <virus>"): SPAM is the content's verdict, BANNED a banned
	// file name or type (policyPhrases), BAD-HEADER a malformed header
	// (contentErrorPhrases), INFECTED a virus (virusPhrases).
	"reject, id= * - spam",
	"spam denied", "content reject", // emailhost.com.cn's service pages: "[退信] 垃圾邮件退信: Content reject/Spam denied" (a spam bounce); QQ Mail's "550 Error: content rejected" among its notice's key words (qqmailbox.com/transceivers/169)
	"as spam", // Symantec Email Security.cloud's list of recipients' refusals: "550 5.7.1 Message rejected as spam by Content Filtering" (knowledge.broadcom.com/external/article/169925)
	// antispameurope's classification codes (support.everycloud.com,
	// article 4000007755): "554 5.5.5 e-mail Rejected Spam", "554 5.6.1
	// Spam Header rejected", "554 5.6.2 Spam Link rejected", "554 5.6.3
	// Spam Body rejected".
	"rejected spam", "spam header rejected", "spam link rejected", "spam body rejected",
	"rejected: spam", // 智邦 (help.url.com.tw, common bounce messages): "550 Error: SB0102 - Rejected: SPAM", the message judged spam
	// ASSP (Anti-Spam SMTP Proxy) on cPanel hosting, its bounce list
	// (maxclicksonline.com knowledgebase 10095): "554 5.7.1 Mail (id)
	// appears to be unsolicited - resend with the code ...".
	"appears to be unsolicited",
	"no spam please", // STRATO (strato-hosting.co.uk FAQ, "Why are my emails not being delivered?"): "550 5.7.1 Refused by local policy. No SPAM please!", the message broke the recipient's spam rules (read before policyPhrases' "local policy")
	// antispameurope's reason codes (support.everycloud.com, articles
	// 4000039509 and 4000007755): "450 4.5.5 early spam detection", "554
	// 5.5.5 email rejection due to Spam", "554 5.6.1 signature of spam in
	// mail header resp. subject", "554 5.6.2 spam link signature
	// detected", "554 5.6.3 spam text signature detected".
	"early spam detection", "rejection due to spam", "signature of spam", "spam link signature", "spam text signature",
	// NetEase (163.com, 126.com) tags its refusals with codes its postmaster help
	// explains ("退信代码说明", its returned-mail codes, as copied at
	// biecuoliao.com/pa/MBRrwEM.html and 51yue.net): "451 DT:SPM" the body has
	// spam features or the sending environment lacks standards, refused
	// for now.
	"dt:spm",
	// STRATO's list of error messages (strato.de/faq/mail/fehlermeldungen-
	// bei-e-mails): "Suspected phishing attempt", the mail holds content
	// that points to phishing, a verdict on the content.
	"suspected phishing",
}

// attachmentPolicyPhrases refuse an attachment for its type, a policy on
// the content; they come before blockedPhrases, whose "blacklisted" they
// may hold: iridis mailRelay "MSG-EXT Blacklisted high risk file extension
// detected" (portal.iridis.uk kb 254).
var attachmentPolicyPhrases = []string{
	"file extension",
	"unacceptable attachment",     // Exchange's Attachment Filter agent, its default reject response "Message rejected due to unacceptable attachments" (Attachment filtering on Edge Transport servers, Exchange 2013 Help)
	"attachments are not allowed", // ASSP's bounce list (maxclicksonline.com knowledgebase 10095): "500 These attachments are not allowed -- Please compress (zip,tar..) them"
	"disallowed attach",           // "Disallowed Attach Type": an attachment type the system refuses (uniroma3.it, "Guida ai messaggi di errore": executables such as .exe, .com, .bat)
	"content of attachment",       // antispameurope's reason codes (support.everycloud.com, article 4000039509): "554 5.5.7 email rejected due to content of attachment"
	"rejected content attachment", // the same code's reply in antispameurope's other table (support.everycloud.com, article 4000007755): "554 5.5.7 e-mail Rejected Content Attachment"
	// A recipient server's refusal of an Office document carrying macros,
	// "552 MS-Office file containing VBA macros found inside of the email",
	// which Broadcom's article 162445 (knowledge.broadcom.com, "Outbound
	// Mail returned by MAILER-DAEMON@messagelabs.com") lists among
	// refusals for something in the message content: a rule on the
	// attachment's kind, not a verdict of spam or a virus.
	"containing vba macros",
	"banned name:", // amavisd-new's notice of its BANNED category, "BANNED CONTENTS ALERT ... Our content checker found banned name: <names>" (a notice sent to the linux-arch list, vger.kernel.org, 10 May 2022): a file name or type the site's access policy bans
	// DirectAdmin's Exim: CLAM_BAD_ATTACHMENT "This message contains an
	// attachment of a type which we do not accept (attachment_not_allow:
	// .x)" (exim.strings.conf) and Easy Spam Fighter's "zip file contains
	// an attachment with a dangerous payload (x)" for an executable inside
	// a zip (esf/check_mime.conf, exim_check_attachment.sh;
	// portsbuild/portsbuild configure/exim): rules on the attachment's
	// kind, not a scanner's verdict.
	"attachment of a type which we do not accept", "attachment with a dangerous payload",
	"a file type that", // Barracuda Spam Firewall's "BANNED FILENAME ALERT": "An attachment in that mail was of a file type that the Spam Firewall is set to block." (CPython's Lib/test/test_email/data/msg_43.txt)
}

// contentListPhrases name the lists of domains found in spam's bodies
// (surbl.org: "lists of web sites that have appeared in unsolicited
// messages"; uribl.com: domains "found in unsolicited email"): a refusal
// citing them judged the content, though it says "listed at". So does
// one naming a link of the body as listed, in SpamAssassin's words for
// its URIBL rules ("URIBL_DBL_SPAM Contains a spam URL listed in the
// Spamhaus DBL blocklist", "URIBL_ABUSE_SURBL Contains an URL listed in
// the ABUSE SURBL blocklist": X-Spam-Report as sourceforge.net's list
// servers add it, an osst-users list message of 2021), not the sending
// host's listing that blockedPhrases' "listed in" reads.
var contentListPhrases = []string{"surbl", "uribl", "url listed in"}

// heloListedPhrases: Postfix's DNSBL reply names what the list holds by its
// reply class (smtpd_check.c, rbl_reject_reply(): "$rbl_code Service
// unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain"), and the
// class of reject_rhsbl_helo is the HELO name's (smtpd_check_int.h's reject
// contexts: SMTPD_NAME_HELO "Helo command", beside "Client host" and
// "Sender address"): the client's own name listed, a refusal of the
// sending host even when the list is one of spam bodies' domains
// (contentListPhrases), as the sender's domain is the sender's
// ("sender address [ * blocked using", rejectedPhrases).
var heloListedPhrases = []string{"helo command [ * blocked using"}

// hostListedPhrases name a list of sending hosts: wording about spam
// beside them is about the host's listing, not the content. A "spam
// source" is such a host (Spamhaus: the SBL lists "verified spam
// sources", spamhaus.org/sbl). "Listed in" a list named by its DNS zone
// is a listing of the sending IP: Sophos Firewall's RBL filtering of the
// client's IP answers "550 5.7.1 Rejected - listed in bl.spamcop.net"
// (lab53.uk, "Resolving false positives in Sophos Firewall Email
// Protection", quoting the XGS log), as Sendmail's dnsbl says "listed at".
// Only a listing stated as one counts ("is listed in", "- listed in"),
// not any "listed in": a negation ("not listed in our directory") names
// no list of hosts, and SpamAssassin's report names lists of other
// things in the same words, its welcome lists ("RCVD_IN_DNSWL_NONE RBL:
// Sender listed at https://www.dnswl.org/, no trust [x listed in
// list.dnswl.org]", "RCVD_IN_MSPIKE_H2 RBL: Average reputation (+2) [x
// listed in wl.mailspike.net]") and the body's links
// (contentListPhrases), as sourceforge.net's list servers print it in
// X-Spam-Report (an osst-users list message of 2021, its headers). With a
// bare "listed in" here such words vetoed the spam and virus readings
// beside them ("rejected as spam; sender not listed in ..." read as
// blocked).
var hostListedPhrases = append([]string{"blocked using", "listed at", "is listed in", "- listed in", "in a black list", "client host", "spam source"}, hostListURLs...)

// hostListURLs are the lookup pages of lists of sending hosts, as refusals
// link them: the addresses Zeek watches for in SMTP error messages as
// "SPAM blocklist URLs" (zeek/zeek, scripts/policy/protocols/smtp/
// blocklists.zeek, blocklist_error_messages), Spamhaus's among them by
// its IP lists only (spamhaus.org: the SBL, XBL and PBL list IP
// addresses, their lookup at /query/ip/ and the older lookup.lasso; the
// DBL lists domains found in the message, a verdict on the content). Its
// older lookup of an address, /query/bl?ip=, takes the IP by name: ZEN,
// the IP lists together, is not for "anything other than checking IP
// addresses that hand off to your mailservers" (spamhaus.org/zen/). The
// CBL (cbl.abuseat.org, since folded into Spamhaus's XBL) lists only IP
// addresses, so its name counts without the path's slash: open-mail.org's
// 3strikes refusal "See http://cbl.abuseat.org" ends the reply with it
// (open-mail.org/3strikes/SMTPmessages.txt).
var hostListURLs = []string{
	"spamhaus.org/query/ip", "spamhaus.org/sbl", "spamhaus.org/xbl", "spamhaus.org/pbl", "spamhaus.org/lookup",
	"spamhaus.org/query/bl?ip=",
	"sophos.com/security/", "spamcop.net/bl", "cbl.abuseat.org", "sorbs.net/", "bsn.borderware.com/",
	"mail-abuse.com/", "barracudacentral.com/", "barracudacentral.org/", "psbl.surriel.com/", "antispam.imp.ch/",
	"rbl.knology.net/", "intercept.datapacket.net/", "uceprotect.net/", "hostkarma.junkemailfilter.com/",
	// Trend Micro's Email Reputation Services under MAPS's older name:
	// "550 Mail from <ip> refused by rbl-plus.mail-abuse.org. Please refer
	// to http://mail-abuse.org/rbl+ for an explanation" (success.trendmicro.com,
	// solution 1097055: the sending IP in the ERS database).
	"rbl-plus.mail-abuse.org", "mail-abuse.org/rbl",
}

// spamWordPhrases: a refusal that names spam as its cause in words no
// detector before it placed: the content judged spam ("spam", RFC 2505's
// word for unsolicited bulk mail, whose §2 has receivers refuse it). It is
// read after every detector of a host, a list, a sender, a rate or a
// policy, and never beside a list of sending hosts (hostListedPhrases):
// "Spam source blocked", "Client host ... blocked using zen.spamhaus.org"
// refuse the host, not the message.
var spamWordPhrases = []string{"spam"}

// quotaWordPhrases: a refusal that names a quota in words no detector
// before it read is the recipient's mailbox over quota, as a Japanese
// hosting FAQ reads returned mail ("「over quota」など「quota」という単語が
// 入っている": the word quota, as in "over quota", means the destination
// mailbox is over capacity; faq.busblog.jp/faq/show/410). It is read after
// the sender's quotas (senderQuotaPhrases) and the rate limits.
var quotaWordPhrases = []string{"quota"}

// notCompliantPhrases: the message breaks RFC 5322 or the SMTP line rules.
var notCompliantPhrases = []string{
	"rfc 5322", "rfc5322", // Microsoft 5.7.512 "message must be RFC 5322 section 3.6.2 compliant"; Google "not RFC 5322 compliant"
	"bare linefeed", "bare line feed", // Microsoft 5.6.11 "SMTPSEND.BareLinefeedsAreIllegal"
	"bare line-feed",                     // Haraka connection.js: "451 Bare line-feed; see http://haraka.github.com/barelf.html" (a line ended by LF alone, RFC 5321 §2.3.8)
	"bare newlines",                      // Cyrus lmtpengine.c, IMAP_MESSAGE_CONTAINSNL: "554 5.6.0 Message contains bare newlines"
	"multiple addresses in from: header", // Google 550 5.7.1 "Messages with multiple addresses in From: header are not accepted"
	"multiple addresses in from",         // Google 550 5.7.1's text (above) broken across reply lines
	// A CR or LF alone in the message, which RFC 5322 §2.3 forbids ("CR
	// and LF MUST only occur together as CRLF") and RFC 5321 §2.3.8 does
	// not take as a line end, named by its letters: hMailServer's "554
	// Rejected - Message containing bare LF's." (muquit/mailsend issue 52),
	// free.fr's "550 mail dropped, bare LF found" (Dolibarr issue 33871),
	// "552 5.2.0 Message contains bare CR and is violating 822.bis section
	// 2.3" (msmtp issue 145), each thread's cause a client writing LF or CR
	// alone. qmail-smtpd answers the same with a link only (qmail-smtpd.c,
	// straynewline(): "451 See http://pobox.com/~djb/docs/smtplf.html.",
	// the page "Bare LFs in SMTP").
	"bare lf", "bare cr", "docs/smtplf.html",
	// Google's header refusals under 550 5.7.1 (Gmail SMTP errors and codes, support.google.com/a/answer/3726730, 2026-02-12): "Messages with
	// multiple addresses in the From: header are not accepted", "Messages
	// missing a valid address in the From: header, or having no From:
	// header, are not accepted", "Messages missing a valid Message-ID:
	// header are not accepted", "The message contains a unicode character
	// in a disallowed header", "Encoded-word syntax is not permitted in
	// message header x" (RFC 5322 §3.6 and RFC 2047 §5 placement rules).
	"multiple addresses in the from", "valid address in the from: header", "no from: header",
	"valid message-id: header", "in a disallowed header", "encoded-word syntax is not permitted",
	// The same refusal as Gmail's MXes write it, the field's name run
	// together: "550-5.7.1 Messages missing a valid messageId header are
	// not accepted.", which Forpsi's knowledge base (podpora.forpsi.com,
	// kb a4311 "Gmail.com a Message-ID") explains as Google checking that
	// the header holds a Message-ID of RFC 5322 §3.6.4's syntax.
	"valid messageid header",
	// maddy's check.authorize_sender with check_header (foxcpp/maddy
	// internal/check/authorize_sender/authorize_sender.go, CheckBody()):
	// "550 5.7.0 Missing From header", "550 5.7.0 Malformed From header",
	// the From field RFC 5322 §3.6 requires absent or unparseable.
	"missing from header", "malformed from header",
	// ze-filter (j-chkmail) src/ze-reply.h MSG_NO_FROM_HEADER, "550 5.7.1
	// No From header field", its end-of-headers check for a message
	// without the From field.
	"no from header",
	// RFC 2822 §3.6.6 (mibsoftware.com/userkt/usefor/rfc2822/Resent_fields.htm,
	// carried into RFC 5322 §3.6.6): "When resent fields are used, the
	// Resent-From: and Resent-Date: fields MUST be sent"; a resent message
	// without one is refused, as "554 No Resent-From field given" (a reply
	// quoted by Postfix in flufl.bounce's postfix_05.txt).
	"no resent-from field", "no resent-date field",
	"rfc2822", "rfc 2822", // RFC 5322's predecessor named: iridis mailRelay "MSG-RFC Your message does not conform to RFC2822 standard"
	// Debian's exim4-config, acl_check_data (acl/40_exim4-config_check_data):
	// "maximum allowed line length is 998 octets, got n" (RFC 5322 §2.1.1)
	// and "header syntax" for headers with badly formed addresses.
	"maximum allowed line length is 998 octets", "header syntax",
	// The same Exim check, verify = header_syntax, under the message the
	// Exim configuration of Eugeny/ajenti-v gives it (vh-mail/templates.py,
	// acl_check_data: "deny message = Message headers fail syntax check
	// !verify = header_syntax"), the words GNU's list host answered a To:
	// header with a stray quote with (qemu-devel, 28 May 2025).
	"headers fail syntax check",
	// Web.de's "550 <x>: Reject due to policy restrictions (header based)":
	// header information that does not meet the standards, the Date, From,
	// Sender and To headers not syntactically correct or given more than
	// once (ActiveCampaign's SMTP Field Manual, page-data/code/550/
	// page-data.json, /code/550 Web.de 5, linking
	// postmaster.web.de/en/email-policy).
	"policy restrictions (header based)",
}

// contentErrorPhrases: RFC 3463 x.6.x content or media problems.
var contentErrorPhrases = []string{
	"message is malformed", "mail message is malformed", // Google 554 5.6.0
	"header is too long",                // Microsoft 5.0.350 "x-dg-ref header is too long"
	"too many related errors",           // Exchange Server 5.3.0 "Too many related errors": the message was malformed and moved to the poison message queue (DSNs and NDRs in Exchange Server, Common enhanced status codes)
	"improper use of 8-bit data",        // Postfix cleanup(8) "improper use of 8-bit data in message header"
	"message header size exceeds limit", // Postfix cleanup(8)
	"reject, id= * - bad-header",        // amavisd-new's BAD-HEADER contents category (see spamPhrases)
	// Postfix smtp(8) (postfix/src/smtp/smtp_proto.c, smtp_helo()): "message
	// requires SMTPUTF8, but no server was found that supports SMTPUTF8",
	// 5.6.7: the message's addresses or headers need SMTPUTF8 (a content
	// status, x.6) and no server takes it.
	"requires smtputf8",
	// vger.kernel.org's ZMailer content policy: "550 5.7.1 Content-Policy
	// reject msg: Wrong MIME labeling on 8-bit character texts." (quoted by
	// Postfix and Exchange notices on the git and linux-mm lists, 2010-2021,
	// lfdr.de archive), given to a message with 8-bit text and no
	// Content-Transfer-Encoding saying so (Jeff King's answer on the git
	// list, 3 Nov 2016; RFC 2045 §6, RFC 6152): the content's labeling.
	"wrong mime labeling",
	// "550-This message has 8-bit content, but does not have the required
	// MIME 550-headers." (a reply to the end of DATA in a ZMailer report
	// kept in the linux-kernel archive, ammarfaizi2/lore-inbox): 8-bit
	// content without the MIME headers RFC 2045 requires.
	"does not have the required mime",
	// Hitachi's Groupmax Mail - SMTP gateway (manual 3000-3-474, 6.3 エラー
	// メール, itpfdoc.hitachi.co.jp/manuals/3000/3000347460): "Conversion
	// failure : RFC822 MailBody Format Error." when the message's content
	// is not valid (メール内容が不正な場合).
	"rfc822 mailbody format error",
	// DirectAdmin's CLAM_MALFORMED_MIME, "This message contains malformed
	// MIME (malformed_MIME:x)" (exim.strings.conf, portsbuild/portsbuild
	// configure/exim): Exim's demime found the MIME structure broken.
	"contains malformed mime",
}

// noRelayingPhrases: the server is not a relay for the recipient's domain.
var noRelayingPhrases = []string{
	// Trend Micro InterScan Messaging Security's refusal of a recipient
	// whose domain is not in its Relay Domains list, "550 Domain of
	// forward path is not allowed" (success.trendmicro.com, solution
	// 1106332); VIPRE Email Security's "Your domain is not configured to
	// use this MX host." for mail to a domain not on its system (VIPRE's
	// "Email rejection reasons", vipre.freshdesk.com article
	// 1000290396); smtpf's (Barricade MX) "550 5.7.1 UUCP addressing
	// denied #132", its reject-uucp-route refusal of a bang-path route
	// (snertsoft.com/smtp/smtpf/reply.html), as its "routed address
	// relaying denied #131" refuses a %-route: a route through the server
	// to elsewhere, relaying.
	"domain of forward path is not allowed", "not configured to use this mx host", "uucp addressing denied",
	// myVesta's acl_check_rcpt refuses an unauthenticated client on port
	// 25 mail for a domain it does not host, "SMTP auth required for port
	// 25" (deny ... domains = !+local_domains, "Block unauthenticated
	// sends on port 25 for NON-local domains (prevent relay)": myvesta/vesta
	// install/debian/12/exim/exim4.conf.template): relaying refused, read
	// before securityErrorPhrases' "smtp auth required" (HestiaCP's and
	// myVesta's refusal of a hosted sender domain without SMTP AUTH).
	"smtp auth required for port 25",
	"relay access denied",                      // Postfix postconf(5) reject_unauth_destination; Microsoft 5.4.1, 5.7.64
	"relaying denied",                          // Sendmail cf/README
	"relaying temporarily denied",              // Sendmail cf/m4/proto.m4, Relay_ok: "450 4.4.0 Relaying temporarily denied. Cannot resolve PTR record for x"
	"relay not permitted",                      // Exim spec, default configuration's ACL
	"delivery is not allowed to this address",  // hMailServer SMTPConnection.cpp _ProtocolRCPT(): "550 Delivery is not allowed to this address." (the client's IP range may not relay from this sender to this recipient)
	"list of allowed rcpthosts",                // qmail-smtpd(8)
	"unable to relay",                          // Microsoft 5.7.1
	"mail relay denied",                        // Google 550 5.7.0
	"host denies relay",                        // Chinese providers' replies (blog.sina.com.cn list)
	"relay disabled",                           // Italiaonline (aiuto.libero.it, aiuto.virgilio.it): "RELAYING NOT ALLOWED (550 Relay Disabled)"
	"relay denied", "relay operation rejected", // the same Korean list (puffinknight.tistory.com/102, no right to send or a relay setting): "550 Relay denied", "554 Relay operation rejected"
	"email address is not verified", // Amazon SES: "Message rejected: Email address is not verified" (SES developer guide: unverified identities cannot send)
	"relaying not allowed",          // Italiaonline (aiuto.libero.it, aiuto.virgilio.it): its heading "RELAYING NOT ALLOWED" over "550 Relay Disabled"
	"relay traffic prohibited",      // the University of Maryland's help desk list (helpdesk.umd.edu, documents 3025): "553 <x>... unauthorized relay traffic prohibited", the sender relaying through the wrong server
	// MyDreams' Czech list (mydreams.cz/cz/wiki/9924): "550 5.7.1 Unable
	// to relay (Nelze přeposlat)", the sending server may not send
	// through the recipient's.
	"nelze přeposlat",
	// CiviCRM's bounce patterns (civicrm-core, bounce type "Relay", table
	// civicrm_mailing_bounce_pattern), beside "relay access denied" and
	// "unable to relay": "not configured to relay mail", a server that
	// will not pass the mail on for the sender.
	"not configured to relay mail",
	"relay not allowed",   // Stalwart smtp-server src/inbound/rcpt.rs: "550 5.1.2 Relay not allowed." (a recipient domain it does not serve, relaying off)
	"no relaying allowed", // weboke.nl's "Email foutmeldingen": "554 No relaying allowed - psmtp" (Postini) after RCPT TO, the MX does not take mail for the domain nor pass it on
	// Trend Micro Email Security's "554 5.7.1 <x>: Recipient address
	// rejected: NO-DOMAIN.": its relays are not open and take mail only from
	// registered senders, so a sender not registered is refused
	// (success.trendmicro.com/en-US/solution/KA-0013252; routing through
	// Trend Micro not yet allowed for the sender's domain or IP:
	// ActiveCampaign's SMTP Field Manual, page-data/code/550/page-data.json,
	// /code/554 Trend Micro 3).
	"rejected: no-domain",
	// Mercury/32's anti-relaying: neither address local and the client
	// not allowed by its connection control list, the mail "failed with a
	// diagnostic like "553 - We do not relay..."" (Mercury's help,
	// "Controlling relaying", quoted on community.pmail.com, topic 2910).
	"we do not relay",
	// SmarterMail's refusal of a client that sends through it without
	// logging in: "550 Authentication is Required for Relay"
	// (profusionsupport.com, "What Does 550 Authentication is Required for
	// Relay Mean in SmarterMail?"; aspnethosting.co.uk knowledgebase 185,
	// a SmarterMail host's SMTP rules): relaying refused.
	"authentication is required for relay",
}

// filteredPhrases: the recipient (or its organisation) accepts mail from
// certain senders only.
var filteredPhrases = []string{
	"delivery not authorized",             // RFC 3463 x.7.1; Microsoft 5.7.1 (a group that accepts its members only)
	"not in allowed-senders list",         // Microsoft 5.7.124
	"sender was not authenticated",        // Microsoft 5.7.12, 5.7.13, 5.7.134, 5.7.135, 5.7.136
	"sender not authenticated for group",  // Microsoft 5.7.133
	"mail rejected by destination domain", // Zoho 541 5.4.1
	"doesn't want your mail",              // Interia (pomoc.poczta.interia.pl, "Dlaczego wiadomość nie została dostarczona?"): "550 5.7.1 Recipient doesn't want your mail", the recipient put the sender on a block list
	"not accepting mail from this sender", // AOL's Mailer-Daemon help (help.aol.com, kc 73062): "Is Not Accepting Mail From This Sender", the recipient blocked mail from the sender's address
	// Trend Micro Email Security's "554 5.7.1 <x>: Recipient address
	// rejected: BLOCK-SEND-ER.": the recipient blocks something in the
	// message, which may be a block on the sender's domain or IP by the
	// recipient domain's administrator (ActiveCampaign's SMTP Field Manual,
	// page-data/code/550/page-data.json, /code/554 Trend Micro 1); its
	// Blocked Senders lists are the administrator's, for the organisation,
	// and each user's own (success.trendmicro.com/en-US/solution/KA-0012059,
	// "Sender blocked"), a recipient's refusal as Mimecast's below.
	"rejected: block-send-er",
	// Mimecast's Blocked Senders policies, an organisation's or a user's
	// list of refused sender addresses and domains (Mimecast's "Managing
	// Blocked Senders and Email Rejections" and SMTP error codes pages):
	// "550 Rejected by header based Blocked Senders: x", "... manually
	// Blocked Senders: x", "550 Envelope blocked - User Entry" and "-
	// User Domain Entry" (a user's own block list; the rejections Word to
	// the Wise lists, wordtothewise.com 2018/07 "Who are Mimecast").
	"blocked senders:", "envelope blocked - user",
	// Citadel's SMTP server when a message scanner (its EVT_SMTPSCAN
	// hooks: virus checkers, spam filters) refuses the message without
	// words of its own: "550 Message rejected by filter"
	// (citadel/modules/smtp/serv_smtp.c, smtp_data()).
	"rejected by filter",
	// mailcow's global recipient blacklist, the rspamd multimap
	// GLOBAL_RCPT_BL with action reject, refused in rspamd's words for a
	// matched map (mailcow/mailcow-dockerized data/conf/rspamd/local.d/
	// multimap.conf): a recipient the receiving administrator blocks.
	"matched map: global_rcpt_bl",
	// A recipient's own list of refused senders (Korean portals' returned
	// mail by cause, puffinknight.tistory.com/102: blocked by the
	// recipient's spam settings, 수신거부): "550 You are registered as
	// spammer (by user's reject list)", read before the spam its words
	// hold (spamWordPhrases).
	"user's reject list",
	// Exchange Online's NDR for 5.7.129, "RESOLVER.RST.
	// RestrictedToRecipientsPermission; not authorized to send to
	// recipient because the sender isn't on the recipient's list of
	// senders to accept mail from", whose text to the sender says "Ask the
	// recipient's email admin to add you to the accept list for the
	// recipient": the recipient takes mail from listed senders only, as a
	// group's allowed-senders list refuses others (Microsoft's NDR table,
	// 5.7.124 "Sender not in allowed-senders list", learn.microsoft.com
	// non-delivery-reports-in-exchange-online).
	"list of senders to accept mail from",
}

// failedSTARTTLSPhrases: TLS was required and could not be had.
var failedSTARTTLSPhrases = []string{
	"via an encrypted smtp session",       // VIPRE Email Security ("Email rejection reasons", vipre.freshdesk.com article 1000290396): "Your sender domain is required to send via an encrypted SMTP session", mail from a TLS-enforced domain not sent over TLS
	"must issue a starttls command first", // Postfix smtpd(8); Google 530 5.7.0; Zoho
	"session encryption is required",      // Postfix smtpd_check.c, reject_plaintext_session: "450 4.7.1 Session encryption is required"
	"tls negotiation failed",              // Momentum's own failure to deliver (its manual, Appendix F.2): "451 4.7.5 [internal] TLS negotiation failed"
	"accepts messages only on tls",        // Zimbra's LMTP server (zm-mailbox LmtpReply.java, TLS_REQUIRED): "451 4.2.2 Server accepts messages only on TLS connection", whatever its status says
	"tls required",                        // Google 421 4.7.0 "TLS required for RCPT domain"
	// Google 421 4.7.29 "Your email has been rate limited because you're
	// not using a TLS connection", 550 5.7.29 "This message was blocked
	// because it wasn't sent over a TLS connection" (Gmail SMTP errors and codes, support.google.com/a/answer/3726730, 2026-02-12;
	// Gmail's x.7.29 is not RFC 8617's ARC failure).
	"not using a tls connection", "sent over a tls connection",
	"tls is required", // Postfix smtp(8) "TLS is required, but was not offered by host x"
	// chasquid's SMTP courier (internal/courier/smtp.go, attempt.deliver)
	// refuses a connection below the TLS its domaininfo has seen for the
	// domain, "Security level check failed (level:%s)", or below what an
	// MTA-STS policy in enforce mode demands, "invalid security level (%v)
	// for STS policy" (RFC 8461 §4.2), both retried until its queue gives
	// up.
	"security level check failed", "for sts policy",
	// RFC 8689 §5: a message that requires TLS (REQUIRETLS) goes to no
	// server that does not support it; mox fails it with "destination
	// servers do not support requiretls" (queue/direct.go, deliverDirect,
	// 554 5.7.30).
	"do not support requiretls",
	"starttls-not-supported", // Microsoft 4.7.321, 5.7.321
	"encryption too weak",    // Sendmail cf/README, TLS_Srv/ENCR: "encryption too weak x less than y"
	// Sendmail's TLS_connection ruleset (cf/m4/proto.m4), which tls_client
	// runs from check_mail: "403 4.7.0 TLS handshake failed." (SOFTWARE),
	// "403 4.7.0 STARTTLS failed." (PROTOCOL) and, where the access map
	// requires a verified TLS client, "... other side does not support
	// STARTTLS" (${verify} NONE): the TLS the server requires was not had.
	"tls handshake failed", "starttls failed", "does not support starttls",
	"does not support tls",      // Gmail's bounce: "Remote server does not support TLS"
	"tls encryption required",   // antispameurope's reason codes (support.everycloud.com, article 4000039509): "554 5.6.5 TLS encryption required by customer rule"
	"cannot start tls",          // Postfix smtp(8): "Cannot start TLS: handshake failure" (the TLS session could not be had)
	"tls not supported here",    // Citadel's SMTP server (citadel/modules/smtp/serv_smtp.c, smtp_starttls()): "554 TLS not supported here"
	"tls currently unavailable", // Exim smtp_in.c, STARTTLS: "454 TLS currently unavailable" (tls_server_start() deferred on a local problem)
	// Courier's SMTP client, for a route marked /SECURITY=REQUIRED
	// (courier(8), esmtproutes) whose server offers no STARTTLS:
	// "/SECURITY=REQUIRED set, but TLS is not available", a permanent
	// error (svarshavchik/courier courier/courier/module.esmtp/libesmtp.c).
	"tls is not available",
	"tls not available", // Postfix smtpd(8) "454 4.7.0 TLS not available due to local problem" (the string in Debian's postfix 3.7.11 smtpd): STARTTLS offered but not had
	// Postfix smtp(8) under a TLS security level that authenticates the
	// server (smtp_tls_security_level verify, secure or dane, postconf(5);
	// TLS_README): "Server certificate not verified", and for DANE (RFC
	// 7672 §2.2) "TLSA records unusable", "no TLSA records found" (strings
	// in Debian's postfix 3.7.11 smtp). The TLS that policy requires could
	// not be had, as with no STARTTLS at all.
	"server certificate not verified", "tlsa records unusable", "no tlsa records found",
	// Haraka's outbound delivery to a host tls.ini [outbound] lists in
	// force_tls_hosts (haraka/Haraka 3.3 outbound/hmail.js,
	// try_deliver_host_on_socket): "No TLS available but required by
	// configuration." when the server offers no STARTTLS
	// (process_ehlo_data), "Host failed TLS verification required by
	// configuration." when its certificate does not verify.
	"no tls available but required", "failed tls verification required",
	// Postfix smtp(8)'s words for every REQUIRETLS failure
	// (postfix/src/smtp/smtp_proto.c, smtp_helo() and smtp_start_tls():
	// "REQUIRETLS Failure: sender requested REQUIRETLS, but ...", status
	// 5.7.30 or 5.7.10): TLS the sender required could not be had.
	"requiretls failure",
	// Exim's smtp transport for a host in hosts_require_tls (or a DANE
	// or SMTPS one) that gave no TLS session (Exim/exim src/src/transports/
	// smtp.c, smtp_setup_conn(): "a TLS session is required, but the
	// server did not offer TLS support" or "... but an attempt to start
	// TLS failed", a temporary error, TLS_FAILED).
	"a tls session is required",
	"tls conversation required", // maddy's require_tls check (foxcpp/maddy internal/check/requiretls/requiretls.go): "550 5.7.1 TLS conversation required", a session without a completed TLS handshake
	// Stalwart's outbound queue puts every failure of the TLS session in
	// its TlsError, reported as "TLS error from 'host': ...": "STARTTLS
	// not advertised by host." when it needs TLS and the server offers no
	// STARTTLS (a permanent failure), "Invalid hostname", "TLS handshake
	// timed out", "Handshake failed: x", "I/O error: x" during the
	// handshake (stalwartlabs/stalwart, Status::from_starttls_error() and
	// from_tls_error()).
	"starttls not advertised", "tls error from '",
}

// securityErrorPhrases: credentials and certificates.
var securityErrorPhrases = []string{
	// A hosting server's "550 not permitted to relay through this server":
	// it takes outgoing mail only from a client that authenticated, and
	// refuses one that did not (my.ultrawebhosting.com knowledgebase 164,
	// "550-not permitted to relay through this server": "This almost
	// always comes down to incorrect SMTP authentication settings"), the
	// credentials RFC 4954 asks for, not a destination it does not serve.
	"not permitted to relay",
	// Mail.ru's common sending errors (mailout.ru/2015/09): "550 message
	// sending for this account is disabled", the sender's own mailbox
	// stopped from sending on suspicion that it was broken into and sent
	// spam, lifted by changing or recovering its password (a credential
	// matter, not a disabled recipient: rules.go reads it before
	// suspendPhrases' "account is disabled").
	"sending for this account is disabled",
	// A Japanese rental server's list of sending errors (BohanIT,
	// shbhlxxjs.com onlineManualDetail161): "553 5.3.0 <x>... Please
	// receive your mail before sending", its POP before SMTP: the client
	// must first log in to receive, the credentials its relay asks for
	// (read before the status's x.3, the mail system).
	"receive your mail before sending",
	// Exchange's refused AUTH, "535 5.7.3 Authentication unsuccessful":
	// "the authentication has terminated unsuccessfully because the user
	// name or password is incorrect" ([MS-SMTPNTLM] 2.2.1.4,
	// SMTP_AUTH_Fail_Response, learn.microsoft.com), though x.7.3 is
	// RFC 3463's "Security conversion required but not possible".
	"authentication unsuccessful",
	"authentication required",                                                                             // Google 530 5.5.1, 555 5.7.1
	"auth command first",                                                                                  // OpenSMTPD smtp_session.c (F_AUTH_REQUIRE): "530 5.5.1 Invalid command: Must issue an AUTH command first"
	"authenticate first",                                                                                  // Stalwart smtp-server src/inbound/mail.rs (auth_require): "503 5.5.1 You must authenticate first."
	"authentication failed",                                                                               // Zoho ZeptoMail 535
	"too much fail authentication",                                                                        // NetEase's returned-mail codes (biecuoliao.com/pa/MBRrwEM.html, a copy of its help): "451 Requested mail action not taken: too much fail authentication", logins failed too often, login refused for now
	"not authenticated",                                                                                   // Microsoft 5.7.1 "Client was not authenticated", 5.7.57
	"not allowed to act as",                                                                               // Sendmail cf/m4/proto.m4, trust_auth: "550 5.7.1 x not allowed to act as y" (an authenticated client naming another identity in MAIL's AUTH= parameter, RFC 4954 §5)
	"smtp auth is required",                                                                               // iRedAPD (github.com/iredmail/iRedAPD) libs/__init__.py SMTP_ACTIONS reject_forged_sender: "SMTP AUTH is required for users under this sender domain" (a local sender domain from a client that did not authenticate)
	"username and password not accepted", "application-specific password", "log in with your web browser", // Google 535 5.7.1
	"invalid credentials",                                                                                  // Google 550 5.7.1
	"unrecognized authentication type", "cannot authenticate", "argument not permitted for that auth mode", // Google 504, 454, 535
	"identity changes",                         // Google 503 5.7.0 "No identity changes permitted"
	"unauthenticated commands",                 // Google 554 5.7.0
	"mta-sts validation",                       // Microsoft 4.4.8, 4.7.5, 5.4.8, 5.7.5
	"exchange server authentication",           // Exchange Server 5.7.3 "Cannot achieve Exchange Server authentication": the X-EXPS authentication between its servers blocked or not configured (DSNs and NDRs in Exchange Server)
	"dane validation", "dnssec", "certificate", // Microsoft 4.7.322-325, 5.7.322-325
	"auth error", "relay check local fail", // Chinese providers' replies (blog.sina.com.cn list)
	"turn on smtp authentication", // Symantec MessageLabs: "Please turn on SMTP Authentication in your mail client"
	// Twisted Mail's ESMTP server refuses MAIL FROM from a client whose
	// credentials it cannot check with "550 Unauthenticated senders not
	// allowed" (twisted/mail/smtp.py, ESMTP.validateFrom); SendGrid's SMTP
	// relay answers a client without a valid API key the same
	// (github.com/sendgrid/sendgrid-csharp issue 850).
	"unauthenticated senders",
	"could not retrieve credentials",         // OpenSMTPD mta.c: the relay's credentials could not be looked up
	"authentication mechanism not supported", // hMailServer SMTPConnection.cpp _ProtocolAUTH(): "504 Authentication mechanism not supported." (RFC 4954 §4's 504: an AUTH mechanism the server does not offer)
	"credentials no longer valid",            // hMailServer SMTPConnection.cpp ReAuthenticateUser(): "550 Login credentials no longer valid. Please re-authenticate." (at MAIL FROM, the AUTH account's password changed)
	"you must log in to send",                // Citadel's SMTP server (citadel/modules/smtp/serv_smtp.c, smtp_rcpt()): "550 You must log in to send mail on this port." (the submission port wants AUTH first)
	// OpenSMTPD's SMTP client with credentials to give a relay
	// (usr.sbin/smtpd/mta_session.c, mta_enter_state() MTA_AUTH): "no
	// supported AUTH method" (neither PLAIN nor LOGIN offered), "AUTH not
	// advertised", "Refuse to AUTH over unsecure channel" (no TLS yet):
	// the relay's authentication could not be done.
	"no supported auth method", "auth not advertised", "auth over unsecure channel",
	// Hosting panels and bundles asking their own users for SMTP AUTH:
	// HestiaCP's acl_check_rcpt "smtp auth required" (a sender domain
	// hosted here from a client that did not authenticate;
	// hestiacp/hestiacp install/deb/exim/exim4.conf.template); old
	// iRedAPD's "Recipient address rejected: Policy rejection not logged
	// in", a sender domain hosted there without SMTP AUTH (iredmail/docs
	// errors.md). Not "not logged in" alone, words no source gives as a
	// reply of their own: Postfix's "Sender address rejected: not logged
	// in" (reject_sender_login_mismatch; Aruba PEC gives it for a sender
	// not the account's, the provider table) is read by its sender prefix
	// first; DirectAdmin's USER_ON_BLACKLIST_SMTP "User account (x)
	// is not allowed to send emails. E-Mail delivery blocked." (an
	// authenticated user the admin barred from sending, BLACKLIST_USERNAMES)
	// and its Block Cracking's "Account x has been blocked for sending to
	// too many invalid recipients" (an authenticated account locked as
	// likely stolen: portsbuild/portsbuild configure/exim
	// exim.strings.conf and bc/auth.conf): the sending account's
	// credentials, not its address nor its host.
	"smtp auth required", "policy rejection not logged in", "user account * is not allowed to send", "for sending to too many invalid recipients",
}

// greylistPhrases: greylisting (RFC 6647), a temporary refusal of every
// new (client IP, sender, recipient) triplet until the client retries
// (RFC 6647 §2.1): a measure against the sending client that says nothing
// of the message or of the mailbox, whatever status the receiver gives it
// (postgrey answers "450 4.2.0 ... Recipient address rejected: Greylisted",
// others "451 4.7.1"). Blocked, the sending host refused, and always
// temporary: the status class decides Temporary. Sources: postgrey(8)
// --greylist-text, default "Greylisted, see
// http://postgrey.schweikert.ch/help/<domain>.html" (openSUSE's and
// ClearOS's package descriptions: the triplet "rejected with a temporary
// error"); RFC 6647's own name for the technique. hMailServer's greylisting
// reply, "451 Please try again later." (its SMTP error messages page),
// names no reason: it reads as its reply code says (RFC 5321 §4.2.3 451,
// systemerror).
var greylistPhrases = []string{
	"greylist",
	// The American spelling: "421 Your address has been graylisted. Try
	// again later." (eomatica.gal's help page on its mail server's
	// replies); SendPulse's glossary spells the measure both ways
	// ("Greylisting ... How can I avoid being graylisted?",
	// sendpulse.com/features/smtp/errors/greylisting), as RFC 6647
	// describes it: a temporary refusal of an unknown sender.
	"graylist",
	// Mimecast's greylisting reply, "451 Internal resource temporarily
	// unavailable": "The sending mail server is subjected to Greylisting
	// ... Alternatively the sender's IP address has a poor reputation"
	// (Mimecast SMTP Error Codes, community.mimecast.com article
	// 842605754, 4xx codes), a measure against the client either way.
	"internal resource temporarily unavailable",
	// docker-mailserver's postgrey reply text, POSTGREY_TEXT default
	// "Delayed by Postgrey" (postgrey's --greylist-text,
	// docker-mailserver/docker-mailserver target/scripts/helpers/
	// variables.sh): a greylisted triplet.
	"delayed by postgrey",
}

// speedingPhrases: a rate limit, of the sender or of the recipient.
var speedingPhrases = []string{
	"rate limited", // Google 4.7.28 "has been temporarily rate limited"
	// Onet's help on returned mail (pomoc.poczta.onet.pl): "Przekroczono
	// limit wysyłania i odbierania poczty", retry after 1 to 24 hours or
	// ask for a higher limit; xiayuyun.com zonghe 74184: "邮件发送太过频繁,被
	// 系统临时禁止发信" (mail sent too often, sending barred for a while).
	"przekroczono limit wysyłania", "发送太过频繁",
	// A host's postfwd rate limits (git.oopen.de, install/mailsystem
	// DOC/postfwd/README.default-rate-limits): "only 5 recipients per 5
	// minutes allowed" from an unknown server, "Number messages per hour
	// exceeded" and "Number recipients per hour exceeded" for one user's
	// sending: counts over a period, rates.
	"recipients per * minutes allowed", "per hour exceeded",
	"receiving mail too quickly",      // Google 450 4.2.1; Yahoo 450
	"receiving mail at a rate",        // Google 450 4.2.1, 550 5.2.1
	"relay limit exceeded",            // Google 450 4.2.1, 550 5.4.5, 550 5.7.1
	"recipient thread limit exceeded", // Microsoft 432 4.3.2
	"message receive limit",           // Microsoft 5.2.121, 5.2.122
	// Outlook.com's own words for 5.2.122 (tux.re forum, "Rate limit error
	// (550 5.2.1 and 554 5.2.122)", quoting "554 5.2.122 The recipient has
	// exceeded their limit for the number of messages they can receive per
	// hour." and reading it as the recipient mailbox's per-hour receive
	// limit, Microsoft's throttling): a rate, not the mailbox's size.
	"messages they can receive per hour",
	"daily limit for message recipients", // Microsoft 5.1.90
	// A count over a day is a rate too: Microsoft 5.1.90 above;
	// Netfabric's help desk on its SMTP server's "MAX RCPT TO DAILY
	// LIMIT" (netfabric.freshdesk.com, solutions article 6000236440,
	// problems sending mail: the account's daily sending limit reached).
	"daily limit",
	"send too many messages",           // Korean portals (puffinknight.tistory.com/102, an IP blocked for bulk mail): "421 4.3.1 You send too many messages."
	"exceeded permitted limits",        // Microsoft 5.7.508
	"deferred due to excessive volume", // Apple 421 4.7.1
	"recipients this hour",             // GoDaddy IB607: "x has sent to too many recipients this hour"
	"rate limit reached",               // comservice-ffo.de (United Internet reseller) 421
	"too much mail from",               // Postfix smtpd(8), smtpd_client_message_rate_limit: "450 4.7.1 Error: too much mail from x"
	// Courier's ratefilter (svarshavchik/courier courier/courier/filters/
	// ratefilter.C): a sender's recipients within filters/ratefilter-
	// interval over filters/ratefilter-maxrcpts, "500 Number of messages
	// exceeded administrative limit.", a rate.
	"messages exceeded administrative limit",
	"send rate exceeded", // iridis mailRelay's response codes (portal.iridis.uk kb 254): "HST-RTE Hourly send rate exceeded, retry later", "Daily send rate exceeded"
	// Amazon SES over SMTP past the account's maximum send rate: "454
	// Throttling failure: Maximum sending rate exceeded" (docs.aws.amazon.
	// com/ses/latest/dg/manage-sending-quotas-errors.html, messages per
	// second), retried later.
	"sending rate exceeded",
	// Polaris Mail's "462 Daily send limit reached. Please try again
	// tomorrow" (wiki.polarismail.com, Support, Common Problems: the
	// account's messages per day past its limit).
	"daily send limit",
	// Mailu's sender rate limit (MESSAGE_RATELIMIT; Mailu/Mailu core/admin
	// mailu/internal/views/postfix.py, the sender_limiter check: "450
	// 4.2.1 You are sending too many emails too fast."), a rate however
	// Postfix prefixes it.
	"too many emails too fast",
	// Postfix smtpd(8)'s other anvil(8) rates, each "per time unit" in
	// postconf(5): smtpd_client_recipient_rate_limit "450 4.7.1 Error: too
	// many recipients from x" (before tooManyConnPhrases' "too many
	// recipients", a count per message), smtpd_client_auth_rate_limit
	// "450 4.7.1 Error: too many AUTH commands from x",
	// smtpd_client_new_tls_session_rate_limit "421 4.7.0 x Error: too many
	// new TLS sessions from y".
	"too many recipients from", "too many auth commands from", "too many new tls sessions from",
	// cPanel's per-domain hourly limits on its Exim (docs.cpanel.net, "The
	// build_maxemails_config Script": maxemailsperhour), as its bounces
	// word them: "Domain x has exceeded the max emails per hour (n/n (n%))
	// allowed. Message discarded." and "... the max defers and failures
	// per hour ...".
	"max emails per hour", "max defers and failures per hour",
	// Exchange receive connectors' MessageRateLimit (messages a client
	// may submit per minute, Set-ReceiveConnector), as Exchange and
	// Microsoft 365 answer it: "421 4.4.2 Message submission rate for this
	// client has exceeded the configured limit" (a rate, though x.4.2 is
	// "bad connection").
	"message submission rate",
	"received too many messages from a new or untrusted ip", // Rackspace Email: "451 4.7.1 Received too many messages from a new or untrusted IP (G28)" (smtp.codes/rackspace: warm the IP up, throttle)
	"too much email in a short period",                      // Rackspace Email: "450 4.2.1 <x>: Mailbox received too much email in a short period of time (G30)" (postmaster.emailsrvr.com/system-info/response-codes: "We rate limit inbound email to mailboxes")
	"too many messages from sender in last",                 // Policyd (cluebringer) quotas module: "Deferring: Too many messages from sender in last 60", a per-sender message count over a period (a Zimbra log quoting it, pastebin.com/V80548k6)
	"rate limit exceeded", "ratelimit exceeded",             // the measure named: Exim's ratelimit ACL condition (Exim spec, "Rate limiting incoming messages"); a connection rate is tooManyConnPhrases'
	// A rate limit in any word order: Yandex's "450 4.2.1 The recipient
	// has exceeded message rate limit. Try again later." (the address is
	// receiving mail at a high rate: ActiveCampaign's SMTP Field Manual,
	// data/codes/450.json); haraka-plugin-limit's rate_rcpt_null() "null
	// recip rate limit" (recipients of null-sender mail per period,
	// index.js). A limit on connections per period is tooManyConnPhrases'
	// (the Speeding detector's unless).
	"rate limit",
	// Oracle Cloud Email Delivery's "455 Maximum messages sent per minute
	// reached : limit is n" and "... per day reached ..." (docs.oracle.com/ja-jp,
	// Email Delivery, "Troubleshooting": the SMTP sending burst rate and
	// the daily sending rate exceeded).
	"messages sent per",
	// The Exim spec's own refusal for its ratelimit ACL condition (4.96,
	// §44.44 "Using rate limiting": a defer whose message is "Sender rate
	// exceeds $sender_rate_limit messages per $sender_rate_period"); the
	// same section's system-wide "Sorry, too busy" names no sender's rate
	// and is left to the receiving system's words.
	"sender rate exceeds",
	// The rate named by what it counts: ze-filter (j-chkmail)
	// src/ze-check-connection.c, check_msgrate() and check_rcptrate(),
	// "451 4.3.2 Message Rate" and "451 4.3.2 Recipient Rate" (MSG_MSG_RATE,
	// MSG_RCPT_RATE of src/ze-reply.h: messages or recipients from the
	// client or sender over MsgRate or RcptRate in its window); the words
	// also in Yandex's "exceeded message rate limit" (above) and
	// haraka-plugin-limit's "recipient rate limit exceeded".
	"message rate", "recipient rate",
	"you can only send * msgs per", // Baruwa's error codes (baruwa.anhonesthost.com/info): the 4XX "You can only send xx msgs per xx", the sender ratelimited
	// NetEase (163.com, 126.com) tags its refusals with codes its postmaster help
	// explains ("退信代码说明", its returned-mail codes, as copied at
	// biecuoliao.com/pa/MBRrwEM.html and 51yue.net): "421 HL:IFC" the IP sent
	// many messages in a short time, past its limit; "451 MI:SFQ" the
	// sender's messages in 15 minutes past its limit.
	"hl:ifc", "mi:sfq",
	// 万象互联's table of the same codes (163ns.com.cn/mail/MailFAQ.htm,
	// 退信代码): "554 HL:IFQ", the IP sent a great many messages in a short
	// time, past the limit.
	"hl:ifq",
	// A Korean list of returned-mail replies by cause (puffinknight.
	// tistory.com/102, "대량 메일 발송으로 인해 대형포털로부터 IP가 차단된
	// 경우", blocked by the big portals for bulk mail): "550 5.7.1 ...
	// Error.your access was denied. Since you sent too many e-mails,you are
	// not allowed to send more e-mails within 24 hours": a count over a
	// period, lifted after it (read before blockedPhrases' refusal words).
	"sent too many e-mails",
	// A count within a time window is a rate, though it says "too many
	// recipients" (tooManyConnPhrases' count per message or connection):
	// "452 Too many recipients received this hour", recipients per hour
	// over a receiver's limit, most often seen from Proofpoint-filtered
	// domains (suped.com, "What filtering provider uses the bounce message
	// '452 Too many recipients received this hour'").
	"received this hour",
	// Comcast's "452 4.1.1 <x> too many recent messages; Try again later"
	// (the address receiving mail at a high rate, later sending likely to
	// succeed: ActiveCampaign's SMTP Field Manual, page-data/code/550/
	// page-data.json, /code/452 Comcast 4.1.1), a rate though its status
	// says x.1.1; QQ's "550 Sender frequency limited" (the sender's sending
	// frequency past a limit: the same, /code/550 QQ 5, linking
	// service.exmail.qq.com help no=1000723), read before
	// tooManyConnPhrases' "frequency limited" (its IP's connections).
	"too many recent messages", "sender frequency limited",
	// Hosting panels' Exim ratelimit ACLs for their own users' sending:
	// HestiaCP's "Email account x is sending too many emails - rate
	// overlimit = n / 1h" (acl_check_rcpt, an authenticated account over
	// its hourly ratelimit) and "Website of user x is sending too many
	// emails" (acl_not_smtp, a hosting user's scripts), hestiacp/hestiacp
	// install/deb/exim/exim4.conf.template; myVesta's "Email account is
	// sending too much emails [limitlog]: deny / email / x / n / 1h"
	// (myvesta/vesta install/debian/12/exim/exim4.conf.template);
	// DirectAdmin's AUTH_TOO_MANY "User account x has sent too many
	// emails", an account past its exim.pl send limit (exim.strings.conf,
	// portsbuild/portsbuild configure/exim): counts over a period, rates.
	"sending too many emails", "sending too much emails", "has sent too many emails",
}

// tooManyConnPhrases: too many connections, sessions, messages per
// session or recipients per message.
var tooManyConnPhrases = []string{
	"too many connections",                 // Postfix smtpd(8) "Error: too many connections from x"; Orange OFR004_104
	"too many open connections",            // Sendmail op.me, MaxDaemonChildren / ConnectionRateThrottle
	"too many concurrent smtp connections", // Exim spec, smtp_accept_max_per_host: "Too many concurrent SMTP connections from this IP address"
	"too many sessions",                    // Comcast "421 Too many sessions opened"
	"max message per connection",           // Yahoo 421
	"too many messages in this connection", // Exim smtp_in.c, smtp_accept_max_per_connection: "421 too many messages in this connection" (Amazon SES answers the same)
	"too many messages for this session",   // J:COM (note.com/sendmagic/n/n59a9f610bc0e): "421 #4.x.2 Too many messages for this session", too many messages sent in one session
	"too many recipients",                  // Postfix smtpd(8) "Error: too many recipients"; Google, Microsoft 4.5.3
	"size per transaction exceeded",        // Google 452 4.5.3 "Domain policy size per transaction exceeded"
	"destination domains per transaction",  // Google 451 4.3.0 "Multiple destination domains per transaction is unsupported. Please try again." (Gmail SMTP errors and codes, support.google.com/a/answer/3726730, 2026-02-12): one transaction's recipients must share a domain
	"out of allow rcpt numbers",            // Chinese providers' replies (blog.sina.com.cn list)
	"frequency limited",                    // QQ Mail (Tencent): "Ip frequency limited", service.mail.qq.com help
	"connection rate",                      // a limit on new connections from one client: Sendmail cf/README, FEATURE(ratecontrol): "421 4.3.2 Connection rate limit exceeded."; haraka-plugin-limit "connection rate limit exceeded"; mox smtpserver/server.go serve(): "421 4.7.0 connection rate from your ip or network too high, slow down please"; ze-filter src/ze-check-connection.c check_connrate(): "421 4.5.1 Connection Rate" (MSG_CONN_RATE)
	"concurrent connections limit",         // Exchange Online SMTP AUTH submission: "432 4.3.2 Concurrent connections limit exceeded." over three connections at once (learn.microsoft.com, "Message storage and concurrent connection throttling for SMTP Authenticated Submission")
	"concurrent server connections",        // Exchange receive connectors (MaxInboundConnection): "421 4.3.2 The maximum number of concurrent server connections has exceeded a limit"
	// MyDreams' Czech list (mydreams.cz/cz/wiki/9924): "452 Too many
	// recipients (Příliš mnoho příjemců)".
	"příliš mnoho příjemců",
	// Exchange receive connectors' MaxInboundConnectionPerSource, the
	// connections one IP address may hold at once (Set-ReceiveConnector):
	// "421 4.3.2 The maximum number of concurrent connections has exceeded
	// a limit, closing transmission channel" (onprem.wtf, "Exchange 2010
	// and MaxInboundConnectionPerSource", with the transport's event 1021);
	// newer versions say "... concurrent server connections has exceeded a
	// per-source limit" (learn.microsoft.com/answers, question 407670).
	"maximum number of concurrent connections",
	// ze-filter (j-chkmail) src/ze-check-connection.c check_msgcount():
	// "451 4.3.2 Too many messages for this connection" (MSG_TOO_MUCH_MSGS,
	// messages in one connection over MaxMsgs), as Exim's above.
	"too many messages for this connection",
	"too many concurrent connections", // Rackspace Email: "421 Too many concurrent connections from this client (G2)" (postmaster.emailsrvr.com/system-info/response-codes)
	"max concurrent sessions",         // FTGate's service errors (docs.ftgate.com): "451 4.5.1 [x] Max concurrent sessions (#1.04)", ERR_SMTP_REJECT_CONCURRENT
	"maximum number of recipients",    // chkuser (chkuser_settings.h): "571 sorry, reached maximum number of recipients for one session (#5.7.1 - chkuser)"
	"too many recipient attempts",     // haraka-plugin-limit index.js max_recipients(): "450 Too many recipient attempts", more recipients in one connection than recipients.max
	// cPanel's generated exim.conf, connect ACL (acl_smtp_connect, a
	// ratelimit per_conn on the client's host; quoted at
	// pastebin.com/Jp8ai9Eu): "The server has reached its limit for
	// processing requests from your host. Please try again later."
	"reached its limit for processing requests from your host",
	// Stalwart's SMTP server past its messages per session (stalwartlabs/
	// stalwart, smtp inbound, can_send_data(): session.data.limits.messages,
	// "451 4.4.5 Maximum number of messages per session exceeded."): a
	// count within one session, though x.4.5 is "system congestion".
	"number of messages per session",
	// Momentum's own limits (its manual, Appendix F.2, "Responses sorted by
	// message", SparkPost/developers.sparkpost.com): "421 4.4.5 Service
	// unavailable, concurrency limit reached", "452 4.5.3 Service
	// unavailable, recipients per message limit reached", "... recipients
	// per connection limit reached".
	"concurrency limit reached", "recipients per message limit", "recipients per connection limit",
	"too many concurrent deliveries", // Dovecot src/lmtp/lmtp-local.c (lmtp_user_concurrency_limit): "451 4.3.0 <x> Too many concurrent deliveries for user"
	"maximum number of connections",  // Exchange Online: "451 4.7.652 The mail server [x] has exceeded the maximum number of connections" (postfix-users msg87906; statusRanges leaves it to the wording)
	// NetEase (163.com, 126.com) tags its refusals with codes its postmaster help
	// explains ("退信代码说明", its returned-mail codes, as copied at
	// biecuoliao.com/pa/MBRrwEM.html and 51yue.net): "421 HL:ICC" the IP's
	// concurrent connections past its limit; "450 MI:DMC" the messages and
	// "450 RP:DRC" the recipients sent in one connection past its limit.
	"hl:icc", "mi:dmc", "rp:drc",
	// Exim's smtp transport when serialize_hosts lets no more connections
	// to any of the domain's hosts for now (Exim/exim src/src/transports/
	// smtp.c, smtp_transport_entry(): "connection limit reached for all
	// hosts for 'x'", a deferral).
	"connection limit reached for all hosts",
	// HENNGE Email DLP's sending limits (support.hdeone.com/hc/en-us/
	// articles/360017461194, 1.3): "450 Peak concurrent SMTP relay limit
	// per sender exceeded.", a sender past the concurrent SMTP
	// connections it is allowed; resent once traffic is normal.
	"concurrent smtp relay limit",
}

// badReputationPhrases: the sending IP's or tenant's reputation.
var badReputationPhrases = []string{
	"unusual rate of unsolicited mail", // Google 421 4.7.0, 550 5.7.1
	"tenant has exceeded threshold",    // Microsoft 5.7.705
	"user complaints",                  // Yahoo [TSS04] "due to unexpected volume or user complaints"
	// Complaints about the sending IP's mail: Hotmail's SC-004, "A block
	// has been placed against your IP address because we have received
	// complaints concerning mail coming from that IP address" (quoted in
	// registrywinner.com's Windows Live Hotmail troubleshooting page), as
	// AOL's postmaster explained its RLY:B1 block: "placed on an IP
	// address when AOL member complaints go over our set threshold"
	// (postmaster.info.aol.com/errors/554rlyb1.html). Read before the
	// policy words SC-004 also bears.
	"received complaints",
	"temporarily deferred - 4.16.50", // Yahoo "421 Message from x temporarily deferred - 4.16.50": mail from the server generating substantial complaints from Yahoo Mail users (smtp-error-codes.info/bounce/yahoo/bounce_421_4.16.50.php, quoting Yahoo's help)
	"reputation",                     // Mimecast 451 (a sender's "poor reputation"); "550 Message rejected due to sender IP reputation" (knowledge.broadcom.com/external/article/161393)
	// Web.de's "550 <x>: Reject due to policy restrictions (IP based)"
	// (a high share of the IP's mail classified as spam, its mail refused
	// for a time) and "... (domain based)" (the sender's domain known as a
	// spam domain): ActiveCampaign's SMTP Field Manual, page-data/code/550/
	// page-data.json, /code/550 Web.de 6 and 7, linking
	// postmaster.web.de/en/email-policy.
	"policy restrictions (ip based)", "policy restrictions (domain based)",
	// HENNGE Email DLP's blacklist (support.hdeone.com/hc/en-us/articles/
	// 360017461194, 2.1): "550 We detected a high volume of bounced emails
	// coming from [you/your organization] over a short period of time. To
	// protect our users from spam, emails from [you/your organization]
	// have been blocked.", a sender blocked for its bounces until a set
	// time, which HENNGE explains as the bounces giving its sending IPs a
	// low reputation (articles/4403653402649); "spam" there names no
	// verdict on the message.
	"high volume of bounced emails",
}

// blockedPhrases: the sending host was refused (blocklists, host rules).
var blockedPhrases = []string{
	// Sending services' words for a receiving server that refuses the
	// sender's mail outright: Zoho Campaigns' hard bounce reason
	// "Recipient email server has permanently blocked delivery" (the
	// recipient's server has blocked mail from the sending domain;
	// help.zoho.com/portal/en/kb/campaigns, "Bounce reasons"), and Resend's
	// suppression-list page among the reasons an address is suppressed,
	// "The recipient's email server has permanently blocked delivery"
	// (resend.com/docs/knowledge-base/why-are-my-emails-landing-on-the-
	// suppression-list).
	"has permanently blocked delivery",
	"rbl reject",                                    // VIPRE Email Security's rejection reason "RBL Reject" (vipre.freshdesk.com article 1000290396): the sending IP on a real-time block list
	"blocked using",                                 // Postfix postconf(5) reject_rbl_client "Client host [x] blocked using zen.spamhaus.org"; Yandex
	"in a black list",                               // Exim spec, ACL dnslists ("x is in a black list at y"); Baruwa "The sender is in a black list rbl.baruwa.net"
	"listed at",                                     // Sendmail cf/README dnsbl ("Rejected: x listed at y")
	"listed in",                                     // Sophos Firewall's RBL filtering: "550 5.7.1 Rejected - listed in bl.spamcop.net" (see hostListedPhrases); 智邦 "your mailserver's ip is listed in blacklist"
	"client host rejected", "helo command rejected", // Postfix postconf(5) client and HELO restrictions
	"you maybe infected", // GandiMail's troubleshooting page (postmaster.gandi.net): "blocked you maybe infected", the sender's computer may be infected by a trojan or virus: the client refused, no verdict on the message (rules.go reads it before virusPhrases' "infected")
	// web.de's refusal of a sending host on NiX Spam, the DNSBL of sending
	// hosts at ix.dnsbl.manitu.net (Tutanota's "Client host [x] blocked
	// using ix.dnsbl.manitu.net", pastebin.com/fUqMSKHk): "550-<ip> , Your
	// e-mail service was detected by mx-ha.web.de (NiX Spam)", quoted in
	// an Exchange NDR pasted at pastebin.com/MrYKXZfw.
	"(nix spam)",
	// Orange's "550 mwinfXXXX ME Adresse IP source bloquee pour incident
	// de spam. Client host blocked for spamming issues. OFR006_102 Ref
	// http://csi.cloudmark.com/reset-request/?ip=x [102]": the sending IP
	// blocked by Cloudmark Sender Intelligence, to be delisted
	// (ActiveCampaign's SMTP Field Manual, page-data/code/550/
	// page-data.json, /code/550 Orange). Its "client host" vetoes the spam
	// word as a host's listing (hostListedPhrases), so the block is read here.
	"client host blocked",
	// Postfix's RBL reply with the list's name left out: its default
	// (postconf(5) default_rbl_reply) is "$rbl_code Service unavailable;
	// $rbl_class [$rbl_what] blocked using $rbl_domain${rbl_reason?;
	// $rbl_reason}", and "554 5.7.1 Service unavailable; Client host []
	// blocked" is what an NHS mail incident page quoted
	// (microsoftwiki.com), "Service unavailable; Client host [x]
	// blocked." WWB's mail error page (wwbcity): the client's address
	// refused, not the service down.
	"client host [ * ] blocked",
	"error: access denied for",                             // Postfix smtpd.c: "503 5.7.0 Error: access denied for host[addr]", the answer to every command once the client was refused at connect (smtpd_delay_reject=no; RFC 5321 §3.1), the client's refusal at whatever command
	"esmtp not accepting connections",                      // Postfix smtpd.c: "554 host ESMTP not accepting connections", its greeting when a milter rejects the client at connect
	"your mail is not welcome here",                        // Haraka connection.js connect_respond: "554 Your mail is not welcome here", a connect plugin's refusal of the client
	"you talk too soon",                                    // Haraka plugins/early_talker.js: "You talk too soon" (DENYDISCONNECT), a client that spoke before the server's greeting or reply (RFC 5321 §4.3.1, §4.5.3.2), refused as a client
	"not in whitelist",                                     // Google 421 4.7.0 "IP not in whitelist for RCPT domain"
	"not authorized to send email directly to our servers", // Google 550 5.7.1
	// Comcast's BL000000, "Email from your mail server has been sent in
	// patterns that are characteristic of spam" (the reply as quoted at
	// docs.hetrixtools.com, how-to-remove-your-ip-from-the-comcast-
	// blacklist): the block of addresses "that sent mail in patterns
	// characteristic of spam" (postmaster.comcast.net/mail-error-codes),
	// a verdict on the sending server, not on this message.
	"sent in patterns",
	"blacklist", "block listed", "blocklisted", "block list", "blocklist", // Google 554 5.7.0 ("blacklisted"); 智邦 (help.url.com.tw) "553 your mailserver's ip is listed in blacklist"; GMX "IP address is block listed"; Microsoft 5.7.513 "Customer Block list"; Outlook.com S3150 "on our block list"
	"banned sending ip", "bad helo", "traffic not accepted from this ip", "rejected by recipient", // Microsoft 5.7.606-649, 5.7.506, 5.7.708, 5.7.507
	// Exchange Online refuses a connection over IPv6 to a domain not
	// opted in to it: "550 5.2.1 Service unavailable, [contoso.com] does
	// not accept email over IPv6." (learn.microsoft.com, "Support for
	// anonymous inbound email messages over IPv6"), 5.7.510 "Access
	// denied, [contoso.com] does not accept email over IPv6" (the NDR
	// table): the sending host's address, not the domain's mail, is
	// refused (the same mail goes over IPv4).
	"does not accept email over ipv6",
	// "550 zen.spamhaus.org Listed by CSS": the sending IP on the Spamhaus
	// CSS, "a dataset of IP addresses that are involved in sending
	// low-reputation email", part of the SBL and of ZEN, return code
	// 127.0.0.3 (spamhaus.org/css; seen in zoonru/PHP-Bounce-Handler,
	// eml/fixture_bounce_009.eml).
	"listed by css",
	"black ip", "rbl deny", "openrelay check", "helohost error", // Chinese providers' replies (blog.sina.com.cn list)
	"no smtp service here",   // RFC 5321 §3.1: a server that refuses the client may greet with "554 No SMTP service here"
	"dnsbl",                  // DNS blocklist refusals (Proofpoint "554 Blocked - see .../dnsbl-lookup.cgi")
	"sender address blocked", // Mimecast 421: the sending IP is on a Blocked Senders policy (with x.1.8, Zoho's refused sender, the status decides)
	"open relay",             // Yahoo's refusal of a sending IP, "451 VS1-IP Excessive unknown recipients - possible Open Relay" (help.yahoo.com/kb/SLN3444)
	"service refuse",         // Orange, La Poste: "Service refuse. Veuillez essayer plus tard" (OFR004_105, bentonow.com/smtp-errors/orange)
	"provided ehlo/helo",     // Apache James ResolvableEhloHeloHandler.java: "501 5.5.4 Provided EHLO/HELO x can not resolved." (the client's HELO name does not resolve, refused at RCPT)
	"helo should be a fqdn",  // "550 R1: HELO should be a FQDN or address literal (See RFC 2821 4.1.1.1)", the client's HELO name refused (netbit.com.br, "Problemas comuns no envio"): "Connected to x but my name was rejected."
	// HestiaCP's and myVesta's acl_check_mail, which refuse the client's
	// HELO at MAIL FROM: "Access denied - Invalid HELO name (See RFC2821
	// 4.1.3)" for a bare IP address, "Helo name contains an IP address
	// (HELO was x) and not is valid" for a name holding an IP that the
	// client's PTR does not give, "x is _my_ address" for the server's own
	// address literal (hestiacp/hestiacp install/deb/exim/
	// exim4.conf.template; myVesta writes "contains a ip address",
	// myvesta/vesta install/debian/12/exim/exim4.conf.template): the
	// client's greeting, not the sender's address.
	"invalid helo name", "helo name contains an ip address", "helo name contains a ip address", "is _my_ address",
	// DirectAdmin's exim.conf refusing the client at RCPT by its own
	// lists: BLOCKED_DUE_TO_SPAM_HOST "554 denied. 5.7.1 Host Blocked due
	// to SPAM" (the client's host name in /etc/virtual/bad_sender_hosts)
	// and BLOCKED_DUE_TO_SPAM_IP "... IP Blocked due to SPAM" (its IP in
	// bad_sender_hosts_ip) (exim.strings.conf, portsbuild/portsbuild
	// configure/exim): the sending host blocked, read before the spam
	// word names the content. TOO_MANY_FAILED_RECIPIENTS, "REJECTED - Too
	// many failed recipients - count = n", drops a client after more than
	// three recipients failed verification in the session, a harvesting
	// client (as Exim's "Rejected for too many bad recipients").
	"host blocked due to spam", "ip blocked due to spam", "too many failed recipients",
	// Coremail's bounce hints (icoremail.vip support, 退信 category): "IP
	// is rejected", "IP is Hangup" (the sending IP held back), "Requested
	// mail action not taken: Invalid IP".
	"ip is rejected", "ip is hangup", "action not taken: invalid ip",
	"is banned",                                    // Baruwa's refusals (bastion.umanix.net/info): "The sender x.x.x.x is banned", the IP on its banned senders list
	"not allowed to connect to this server",        // cPanel's generated exim.conf, connect ACL: "Your host is not allowed to connect to this server." (its spammeripblocks list; pastebin.com/Jp8ai9Eu)
	"service denied, closing transmission channel", // ASSP's bounce list (maxclicksonline.com knowledgebase 10095): "554 5.7.2 Service denied, closing transmission channel", the sending IP blocked
	"dictionary attack",                            // Baruwa's refusals (bastion.umanix.net/info): "Dictionary attack detected", the sending host harvests addresses
	"too many bad recipients",                      // Debian's exim4-config, acl_check_rcpt: "Rejected for too many bad recipients", a client whose RCPTs are mostly unknown refused as an abuser
	"too many illegal recipients",                  // MailDiode's TOO_MANY_REJECTS (its SMTPError constants, rubydoc.info/gems/maildiode): "552 Error: Too many illegal recipients", the client refused for its count of refused RCPTs
	"too many invalid recipients",                  // Libero (Italiaonline) refusing a client at connection: "550 Too many invalid recipients" (a Postfix log quoting it, "host liberomx2.libero.it refused to talk to me", pastebin.com/d5zFErcd)
	"error: too many errors",                       // Postfix smtpd(8) past smtpd_hard_error_limit, the errors a client may make without delivering mail (postconf(5)): "421 4.7.0 host Error: too many errors" (the string in Debian's postfix 3.7.11 smtpd; iCloud's mx quoted on smtp.codes/icloud), the client refused for its conduct
	// NetEase (163.com, 126.com) tags its refusals with codes its postmaster help
	// explains ("退信代码说明", its returned-mail codes, as copied at
	// biecuoliao.com/pa/MBRrwEM.html and 51yue.net): "421 HL:REP" the IP's
	// sending abnormal, many recipients that do not exist, "421 HL:MEP" many
	// forged sender domains (connections refused for now), "450 DT:RBL" the
	// IP in one or more RBLs, "450 WM:BLI" the IP not among the addresses
	// NetEase lets send: the sending host refused.
	"hl:rep", "hl:mep", "dt:rbl", "wm:bli",
	// 万象互联's table of the same codes (163ns.com.cn/mail/MailFAQ.htm,
	// 退信代码): "554 HL:IHU" the IP's sending broke the service's terms,
	// suspended for now; "554 HL:IPB" the IP not in the list of addresses
	// allowed to send.
	"hl:ihu", "hl:ipb",
	// AT&T Worldnet's and BellSouth's error message summary
	// (worldnet.att.net/general-info/bls_info/block_enduser.html and
	// .../mail_info/block_enduser.html): "550 Error. Blocked for abuse" (a
	// system thought to have sent much spam), "550 <ip> blocked by
	// ldap:ou=rblmx, dc=bellsouth, dc=net" (the sending system behaved as
	// spammers do), "550 unauthorized interface for <ip>" (not a valid
	// source of e-mail): the sending host refused.
	"blocked for abuse", "ou=rblmx", "unauthorized interface for",
	// Cloudflare Email Routing checks the sending IP against realtime
	// block lists and answers a listed one with "554 <ip> found on one or
	// more RBLs (abusixip)" (developers.cloudflare.com/email-routing/
	// postmaster, Realtime Block Lists; its anchor names spam, the list
	// names the host).
	"on one or more rbls",
	// Proximus blocks a sending IP that sent spam and answers "554 Access
	// denied - Under investigation for spam abuse" (proximus.be support,
	// "Your IP address is in our blacklist").
	"under investigation for spam abuse",
	// Aruba PEC's list of common errors (guide.pec.it, "Risoluzione agli
	// errori comuni nell'invio e nella ricezione della PEC"): "Indirizzo IP
	// bloccato temporaneamente per sospetto abuso", the sending IP blocked
	// for now on suspected abuse.
	"indirizzo ip bloccato",
	"no access for this ip",           // the University of Maryland's help desk list (helpdesk.umd.edu, documents 3025): "550 Sorry, no access for this ip", the sender is from a known spam IP address
	"transient ip not allowed",        // T-Online: "554: Dialup/transient IP not allowed. Use a mailgateway or contact toda@rx.t-online.de if obsolete. (DIAL)", a sending host T-Online's rules (postmaster.t-online.de, 4.1) do not admit (help.creoline.com, "T-Online: 554 - Dialup/transient IP not allowed")
	"violating our security policies", // chkuser (chkuser_settings.h): "571 sorry, you are violating our security policies (#5.1.1 - chkuser)", a client past its allowance of wrong recipients or its intrusion threshold
	"denial of connection",            // Trend Micro Deep Discovery Email Inspector, Email Reputation Service: "Permanent denial of connection (550) for RBL+ matches", "Temporary denial of connection (450) for Zombie matches"
	"spam ip rejected",                // antispameurope's classification codes (support.everycloud.com, article 4000007755): "554 5.5.4 Spam IP rejected"
	"spam source",                     // Spamhaus's SBL lists "verified spam sources" (spamhaus.org/sbl); a refusal of a "spam source" refuses the sending host
	"is blocked",                      // AT&T/BellSouth (rbl.att.net/block_enduser.html): "521 <x> is blocked", the sending system identified as a source of spam (late in the order: a cause named elsewhere wins)
	// Postfix postscreen(8) answers a client on its access list
	// (postscreen_access_list, postscreen_blacklist_action) with "521 5.3.2
	// Service currently unavailable" or, to enforce, "550 5.3.2 Service
	// currently unavailable" (postscreen_early.c), and holds a new client
	// back with "450 4.3.2 Service currently unavailable" until it
	// reconnects after the deep protocol tests (postscreen_smtpd.c).
	"service currently unavailable",
	// Korean portals' refusals of a sending IP (puffinknight.tistory.com
	// /102, "대형포털로부터 IP가 차단된 경우", an IP blocked by the big
	// portals for bulk mail; blog.jinbo.net/007/archive/20051107, a sender
	// filtered as a spammer): Naver's and Hanafos's "421 4.3.2 Your IP(x)
	// is filtered and this connection will be closed. You must register
	// your IP to ...", Paran's "550 Transaction failed.
	// (SPAM_SUSPECT:IP_CONTROL)".
	"is filtered and this connection will be closed", "spam_suspect:ip_control",
}

// greetingRefusedPhrases: Postfix smtp(8) writes "host %s refused to talk
// to me: %s" for any greeting whose reply is not 2xx (src/smtp/
// smtp_proto.c, smtp_helo(); findCommand reads the stage from it): the
// client refused at connection, read after the words of the reply, which
// name the reason when they name one.
var greetingRefusedPhrases = []string{"refused to talk to me"}

// accessDeniedPhrases: a refusal that says only "access denied", after
// every detector that names more (Microsoft's "Access denied, banned
// sending IP" and the like): Sendmail cf/README, an access map REJECT
// ("550 5.7.1 Access denied").
var accessDeniedPhrases = []string{"access denied"}

// policyPhrases: the receiver's local policy refused the message.
var policyPhrases = []string{
	// antispameurope's (Hornetsecurity's) "552 5.2.2 Sender/Recipient
	// rejected" (support.everycloud.com, article 4000007755), which its
	// other table gives as "explicit blocking of sender or recipient
	// address" (article 4000039509): a block the customer set, not a
	// full mailbox, whatever x.2.2 says.
	"sender/recipient rejected", "explicit blocking of sender or recipient",
	// RFC 5321 §4.2.3's 550 "command rejected for policy reasons", in
	// GMX's words: "Requested action not taken: mailbox unavailable Reject
	// due to policy restrictions." (ActiveCampaign's SMTP Field Manual,
	// /code/550, gmx: a policy refusal, per GMX's sender guidelines).
	"reject due to policy restrictions",
	// VPOP3's "550 5.7.1 Recipient Prohibited (x)": "you have an SMTP
	// rule which is rejecting this recipient", x the rule's number
	// (wiki.pscs.co.uk, how_to:550_5.7.1_recipient_prohibited_x): the
	// receiver's own rule.
	"recipient prohibited (",
	// A Domino server mail rule whose action is "Don't accept message"
	// refuses the mail with "The mail is rejected by rule" (IBM support,
	// "Domino server mail rule restricting attachment size does not work
	// using local replica", ibm.com/support/pages): the receiving
	// organization's rule.
	"mail is rejected by rule",
	"has a policy that prohibits",                       // Google 550 5.7.1
	"policy violation",                                  // Microsoft 5.0.350 "policy violation detected (AS345)"
	"tenant allow block list",                           // Microsoft 5.7.703
	"does not allow external forwarding",                // Microsoft 365 5.7.520 "Access denied, Your organization does not allow external forwarding" (Control automatic external email forwarding in Microsoft 365: the outbound spam policy forbids it)
	"not supported when journaling archive is disabled", // Exchange Online 5.3.190: the organization journals to the service with Journaling Archive turned off (the NDR table)
	"restricted by policy",                              // Zoho 452
	"local policy",                                      // Apple [CS01], [CS02] "Message rejected due to local policy"
	"administrative prohibition",                        // Exim spec, ACL deny without a message
	"policy reasons",                                    // RFC 5321 §4.2.2, 550 "... command rejected for policy reasons"; Microsoft 5.7.1 transport rules
	"host network not allowed",                          // Mimecast 554 "Host network not allowed"
	// Exchange Online's NDR for a message a mail flow (transport) rule
	// of the receiving organization rejected: "A custom mail flow rule
	// created by an admin at x has blocked your message.", its fix-it
	// block "Blocked by mail flow rule" and "Status code: 550 5.7.1_ETR",
	// "an email admin at x has created a custom mail flow rule that has
	// blocked the sender's message" (the NDR as published copies show it,
	// pastebin.com/y9wg44vD and pastebin.com/N04AUjqj): the organization's
	// own policy, as Exchange Server's 5.7.900-999 (rules.go statusRanges).
	"custom mail flow rule", "blocked by mail flow rule",
	// Postfix local(8) (postfix/src/local/file.c, deliver_file()): an
	// alias, :include: or .forward that names a file when
	// allow_mail_to_files does not permit files from that expansion,
	// bounced with 5.7.1: the site's delivery policy.
	"mail to file is restricted",
	// Mimecast's anti-spoofing policy refuses mail from outside that
	// claims one of the recipient organisation's own domains: "550
	// Rejected by header based Anti-Spoofing policy: x" (its SMTP error
	// codes, community.mimecast.com DOC-1369; the rejections Word to the
	// Wise lists, wordtothewise.com 2018/07 "Who are Mimecast"): the
	// organisation's policy, not a failed SPF, DKIM or DMARC check.
	"anti-spoofing policy",
	// Google 552 5.7.0 "This message was blocked because its content
	// presents a potential security issue" and "Our system detected an
	// illegal attachment on this message" (support.google.com/a/answer/3726730):
	// Gmail's rules on attachment types and links
	// (support.google.com/mail/answer/6590), a policy rather than a virus
	// found.
	"content presents a potential", "illegal attachment",
	"denied by policy",         // "550 Denied by policy" in Symantec Email Security.cloud's list of recipients' refusals (knowledge.broadcom.com/external/article/161393)
	"due to security policies", // Mimecast 554 "Email rejected due to security policies" (its published SMTP error codes: a policy the recipient's organisation set)
	"header error",             // Sendmail cf/README header checks: "$#error $: 553 Header error"
	"compliance filter",        // antispameurope's reason codes (support.everycloud.com, article 4000039509): "554 5.6.9 Rejected by custom Compliance Filter Rule"
	"reject, id= * - banned",   // amavisd-new's BANNED contents category (see spamPhrases)
	// Cisco IronPort (AsyncOS) bouncing a message its administrator's
	// rules bounce: "The reason for the problem: 5.x.0 - Message bounced
	// by administrator" (a notice quoted on pastebin.com/qq0DkJ3y): the
	// receiving site's own rule, its local policy.
	"bounced by administrator",
	// クラウドサイン's notice (help.cloudsign.jp/ja/articles/1074121): "x に
	// よりメールの内容が拒否されたため" (the recipient refused the message's
	// content) and "x により添付ファイルが拒否されたため" (refused its
	// attachment), Amazon SES's ContentRejected and AttachmentRejected in
	// Japanese (ses.go: a policy on content).
	"によりメールの内容が拒否された", "により添付ファイルが拒否された",
}

// gaveUpPhrases: the sending MTA stopped retrying. They come after the
// causes: "452 4.2.2 mailbox full ... retry timeout exceeded" is a full
// mailbox.
var gaveUpPhrases = []string{
	// Postini's Outbound Services (support.google.com/postini/answer/
	// 140349): a domain it cannot reach is retried for six hours, then
	// the message is removed from the queue with "550 MX records
	// inaccessible for too long for domain:x - psmtp" or "550 MTA
	// inaccessible for too long for domain:x - psmtp".
	"inaccessible for too long",
	// SmarterMail's notice when its connection attempts ran out: "Failed
	// four Attempts to connect to recipients mail server" (SmarterMail
	// made four attempts and no connection could be established,
	// kb.indsoft.net/kb/a70, "Common Email Delivery Errors";
	// support.rackteam.com/kb/a136 the same); its no-MX notice's "Failed
	// all attempts to connect to the recipients mail server" follows a
	// missing domain's words (hostUnknownPhrases), read first.
	"attempts to connect to recipients mail server",
	"retry timeout exceeded", "all hosts have been failing", // Exim spec, retry rules
	"retry time not reached for any host after a long failure period", // Exim spec, retry rules
	// Exim deliver.c, a domain whose hosts all passed their retry cutoff:
	// "all hosts for 'example.net' have been failing for a long time (and
	// retry time not reached)" (the domain between "hosts" and "have").
	"have been failing for a long time",
	// Exim deliver.c, deliver_message(): a frozen message older than
	// timeout_frozen_after is failed as "delivery cancelled; message timed
	// out" (RECIP_FAIL_TIMEOUT): the MTA gave up on it.
	"message timed out",
	"in the queue too long", "has been in the queue too long", // qmail-send bounce text
	"could not be delivered for", "cannot send message for", // Sendmail DSN texts ("Message could not be delivered for 5 days")
	// Sendmail's delay notice once a message passed its queue warning
	// timeout (envelope.c dropenvelope(): "Warning: could not send message
	// for past %s"), a delay warning (Expired, doc.go).
	"could not send message for past",
	"message expired", "envelope expired", // Microsoft 4.4.7, 5.4.300; OpenSMTPD "Envelope expired"
	"did not accept our requests to connect", // Gmail's bounce text for an unreachable server
	"delivery time expired",                  // RFC 3463 x.4.7
	// Gmail's help gives the same text in Italian (support.google.com/mail
	// answer 82454 hl=it: "Il server del destinatario non ha accettato le
	// nostre richieste") and Slovak (answer 6596 hl=sk: "Server príjemcu
	// neprijal naše požiadavky").
	"non ha accettato le nostre richieste", "neprijal naše požiadavky",
	// Exchange's Finnish NDR above "550 4.4.7 QUEUE.Expired; message
	// expired" (pastebin.com/7ZMwtfqv): "Palvelin on yrittänyt toimittaa
	// tätä viestiä siinä onnistumatta ja on lopettanut yrittämisen" (the
	// server tried to deliver this message without success and has
	// stopped trying).
	"on lopettanut yrittämisen",
	// DragonFly Mail Agent: "Could not deliver for the last x seconds.
	// Giving up." (qmail-remote's "Giving up on <host>." after a refused
	// recipient stops trying that host, not the message).
	"seconds. giving up",
	// Exchange 2003's expiry NDR: "Could not deliver the message in the
	// time limit specified. Please retry or contact your administrator.
	// <host #4.4.7>" (snmail.co.uk support/failure-timelimit;
	// madvigsolutions.com helpdesk, "Non-Delivery").
	"in the time limit specified",
	"delivery expired", // alexborras.com's list: "Delivery expired" (RFC 3463 x.4.7 "Delivery time expired")
	// 1&1 IONOS's notice (mailer-daemon@kundenserver.de) gives, under
	// "This is a permanent error. The following address(es) failed:",
	// "Reason: multiple delivery attempts failed" beside its "Reason:
	// delivery retry timeout exceeded" (the notices quoted on
	// pastebin.com/PXk0HAPS, ksdX2Qmi, vwWmqmaT and gwHtk6Ha): it tried
	// more than once and gave up.
	"multiple delivery attempts failed",
	// Haraka's outbound delivery bounces a temporary failure it has
	// retried as often as temp_fail_intervals allows as "Too many
	// failures (<the last error>)" (haraka/Haraka 3.3 outbound/hmail.js,
	// temp_fail, convert_temp_failed_to_bounce); the error in the
	// parentheses is read first, as a cause. "Tried all MXs <domain>"
	// (try_deliver: no MX took the message, each refused the connection,
	// timed out or closed it) is only ever a temporary failure there,
	// under a status of 4.1.2 that the bounce turns into 5.1.2: in a
	// bounce it says, as Exim's "all hosts have been failing" does, that
	// the retries ran out.
	"too many failures (", "tried all mxs",
	// XMail bounces a message whose retries ran out with "The maximum
	// number of delivery attempts has been reached" as its reason
	// (QueueUtils.cpp, QueUtResendMessage(), on ERR_SPOOL_FILE_EXPIRED).
	"maximum number of delivery attempts",
	// The "This Message was undeliverable due to the following reason"
	// notice (the "Mail System Error - Returned Mail" family) returning a
	// message its queue could not deliver: "Your message was not delivered
	// because the destination computer was not reachable [unreachable]
	// within the allowed queue period. The amount of time a message is
	// queued before it is returned depends on local configuration
	// parameters." (the notices quoted on pastebin.com/q2eGjPK8 and in the
	// ROS list archive, lists.ros.org lurker attach 2@20100906.002830): the
	// queue's time ran out, RFC 3463 x.4.7. The same notices then say how
	// long it was queued: "Your message was not delivered within 4 days
	// and 0 hours." (pastebin.com/q2eGjPK8), "... within 1 days:" (the
	// ROS archive); a shorter notice of the family keeps that line alone
	// (with "Remote host is not responding.").
	"within the allowed queue period", "your message was not delivered within",
	"tiempo de entrega vencido", // "delivery time expired" in Spanish, among the wordings a Spanish sender collected (alexborras.com, "Errores y Warnings habituales en retorno de email")
}

// systemFullPhrases: RFC 3463 x.3.1 "Mail system full"; RFC 5321 §4.2.3 452
// "insufficient system storage".
var systemFullPhrases = []string{
	"insufficient system storage",   // RFC 5321 §4.2.3; Postfix smtpd(8)
	"insufficient disk space",       // Sendmail op.me: "452 4.4.5 Insufficient disk space; try again later"
	"insufficient system resources", // spambrella.com FAQ 452 4.3.1
	"mail system full",              // RFC 3463 x.3.1
	"out of disk space",             // FTGate's service errors (docs.ftgate.com): "Out of disk space (#1.03)", the server's free space exhausted
	"no space left on device",       // ENOSPC in errno(3)'s words, as local delivery reports a write into a full file system (Postfix local(8) "cannot update mailbox x ... No space left on device")
	"space shortage",                // Exim smtp_in.c, smtp_setup_msg() MAIL: "452 Space shortage, please try later" (receive_check_fs(): the spool's free space is short)
	"not enough disk space",         // Dovecot lib-storage MAIL_ERRSTR_NO_SPACE, its LDA's and LMTP's word for a full file system (beside MAIL_ERRSTR_NO_QUOTA "Not enough disk quota")
}

// networkErrorPhrases: the sending MTA could not reach or keep talking
// to the receiver, or the message looped.
var networkErrorPhrases = []string{
	"cannot connect to domain",                   // Postini's Outbound Services (support.google.com/postini/answer/140349): "451 Cannot connect to domain:x - psmtp", the domain's MX lookup failed or none of its servers was reachable
	"could not complete recipient callout",       // VIPRE Email Security's rejection reason (vipre.freshdesk.com article 1000290396): the downstream server timed out on the recipient check
	"connection refused",                         // Postfix smtp(8) "connect to x: Connection refused"; Sendmail "Connection refused by x"; Microsoft 4.4.316
	"connection timed out",                       // Postfix smtp(8); Sendmail
	"timed out",                                  // Postfix smtp(8) "conversation with x timed out while ..."; Google 451 4.4.2 "Timeout"
	"no route to host", "network is unreachable", // Postfix smtp(8), system error texts
	"lost connection",                                   // Postfix smtp(8) "lost connection with x while ..."
	"connection expired",                                // Google 421 4.7.0 "Connection expired, try reconnecting." (Gmail SMTP errors and codes, support.google.com/a/answer/3726730, 2026-02-12): the session timed out
	"connection timeout",                                // hMailServer SMTPConnection.cpp OnConnectionTimeout(): "421 Connection timeout." (the session idle past the server's timeout)
	"connection with * is broken",                       // CommuniGate Pro's SMTP module: "SMTP module(domain x) reports: connection with mx1.x is broken" (a sample commented in PHPMailer-BMH's bounce rules, phpmailer-bmh_rules.php rule 0231, read there as soft)
	"connection broken",                                 // Citadel's SMTP client (citadel/modules/smtp/serv_smtp.c, smtp_try()): "Connection broken during SMTP RCPT" (and HELO, MAIL, DATA), a temporary failure
	"establish an smtp connection",                      // qmail-remote(8) "I wasn't able to establish an SMTP connection"
	"routing loop", "mail loop", "loops back to myself", // Microsoft 5.4.6/5.4.14; Google 554 5.6.0; Postfix "mail for x loops back to myself"
	"exceeded 50 hops", "too many hops", "hop count", // Google 554 5.6.0 "Message exceeded 50 hops"; RFC 5321 §6.3
	"looping message", // Chinese providers' replies (blog.sina.com.cn list)
	// Microsoft's Italian Outlook.com pages name "Connection timed out"
	// among the temporary errors: "Time out della connessione"
	// (windows.microsoft.com/it-it/outlook/delivery-failed), "Timeout della
	// connessione" (support.office.com it-it, 45e048ac).
	"time out della connessione", "timeout della connessione",
	// Axway Email Firewall's (EMF's) delay notice: "Apparent cause of
	// delivery failure: Attempts to connect to the remote server have
	// failed." (Axway's knowledge base, support.axway.com/kb/101124, "EMF
	// delivery status notifications (DSN)": sent when a connection to the
	// destination server cannot be established and the message waits in
	// the retry queue).
	"attempts to connect to the remote server have failed",
	// "554 Message looping (received 6 times)" (a reply quoted by LSMTP in
	// flufl.bounce's simple_18.txt): a loop found by counting the message's
	// Received: lines, the hop count of sendmail's MaxHopCount (Costales,
	// sendmail 3rd ed., oreilly.com re761: "Detecting too many hops is
	// useful in stopping mail loops"); RFC 3463 x.4.6 "Routing loop detected".
	"message looping",
	// The same count named: "Too many Received: headers" (Symantec Email
	// Security.cloud's knowledge base, knowledge.broadcom.com article
	// 161393, "554 Too many Received: headers"; Haraka's connection.js
	// data_done(): "Too many received headers - possible mail loop"), the
	// loop detection RFC 5321 §6.3 describes by counting Received: lines.
	"too many received",
	"rcpt handle timeout",       // emailhost.com.cn's service pages: "[退信] 网络异常: rcpt handle timeout" (a network anomaly)
	"loop detection",            // antispameurope's reason codes (support.everycloud.com, article 4000039509): "554 5.5.6 loop detection"
	"host not found, try again", // Postfix smtp(8): a DNS lookup that failed for now (TRY_AGAIN)
	// ECONNRESET: errno(3)'s words, "Connection reset by peer" (Sendmail
	// "Deferred: Connection reset by peer during result wait with x"), and
	// Sendmail's own form naming the peer (err.c sm_errstring(): "Connection
	// reset by %s", the host in place of "peer").
	"connection reset by",
	// EHOSTDOWN: Sendmail err.c sm_errstring() "Host %s is down" (the
	// deferral "Deferred: Host mx.example.org. is down"), errno(3) "Host is
	// down".
	"host * is down", "host is down",
	"forwarding loop",              // Postfix local(8): "mail forwarding loop for x" (a Delivered-To: loop, status 5.4.6, RFC 3463 x.4.6 "Routing loop detected")
	"alias database loop",          // Postfix local(8): "alias database loop for x" (an alias expanding into itself; the string in Debian's postfix 3.7.11 local; RFC 3463 x.4.6)
	"host lookup did not complete", // Exim's dnslookup router (routers/dnslookup.c): a DNS lookup that failed for now (HOST_FIND_AGAIN), deferred
	// Exim's routers' host lookups (Exim/exim src/src/routers/
	// rf_lookup_hostlist.c, rf_lookup_hostlist()): "host lookup for x did
	// not complete (DNS timeout?)" (HOST_FIND_AGAIN, deferred) and "lookup
	// of host \"x\" failed in y router" (HOST_FIND_FAILED, deferred, frozen
	// or failed as host_find_failed says): the DNS gave no address for a
	// host the route names.
	"host lookup * did not complete", "lookup of host * failed in",
	// Exim's "self" handling (Exim/exim src/src/routers/rf_self_action.c,
	// rf_self_action()): the domain's lowest MX, or its address, is the
	// sending host itself ("lowest numbered MX record points to local
	// host", "remote host address is the local host"), a routing loop that
	// the self option freezes, defers or fails.
	"points to local host", "remote host address is the local host",
	"temporary dns error",   // Debian's exim4-config, acl_check_rcpt: "Temporary DNS error while checking SPF record. Try again later." (RFC 7208 §2.6.6 temperror, a DNS failure)
	"dns temporary failure", // chkuser (chkuser_settings.h): "451 DNS temporary failure (#4.5.1 - chkuser)", an MX lookup that failed for now
	// OpenSMTPD's own reasons for a relay it could not reach (usr.sbin/
	// smtpd/mta.c, its failstr): "Temporary failure in MX lookup",
	// "Network error on destination MXs", "No valid route to remote MX",
	// "No valid route to destination", "Address family mismatch on
	// destination MXs", "Could not retrieve source address", and a
	// delivery that looped, "Loop detected" (RFC 3463 x.4.6).
	"temporary failure in mx lookup", "network error on destination mx", "no valid route to",
	"address family mismatch on destination", "could not retrieve source address", "loop detected",
	// Sendmail's own accounts of a session or lookup that failed for now
	// (EX_TEMPFAIL): usersmtp.c "reply: read error from x", collect.c and
	// usersmtp.c "timeout waiting for input from x during y" ("451 timeout
	// waiting for input during y"), and err.c's words for the resolver's
	// TRY_AGAIN, "Name server timeout".
	"reply: read error from", "timeout waiting for input", "name server timeout",
	// Sendmail err.c sm_errstring(): the resolver's TRY_AGAIN is "Name
	// server: x: host name lookup failure", which deliver.c giveresponse()
	// reports under EX_TEMPFAIL as "Deferred: Name server: x: host name
	// lookup failure": a lookup that failed for now, not a domain that does
	// not exist (HOST_NOT_FOUND, "host not found", under "Host unknown").
	"host name lookup failure",
	// Postfix smtp(8) (postfix/src/smtp/smtp_addr.c): "unable to find
	// primary relay for x" (4.4.4: only less preferred MX hosts than
	// itself), and a native lookup's EAI_AGAIN in gai_strerror(3)'s words,
	// "unable to look up host x: Temporary failure in name resolution"
	// (4.4.4).
	"unable to find primary relay", "temporary failure in name resolution",
	// Postfix local(8) (postfix/src/local/recipient.c, deliver_recipient()):
	// "recipient nesting limit exceeded", 5.4.6, an alias or :include:
	// expansion past 100 levels, a loop.
	"nesting limit exceeded",
	// Exim's smtp transport on its own (Exim/exim src/src/transports/
	// smtp.c): check_response()'s "SMTP timeout after RCPT TO:<x>" (no
	// reply within command_timeout) and smtp_transport_entry()'s
	// deferrals for a domain none of whose hosts it could try: "retry
	// time not reached for any host for 'x'" (each host waits out its
	// retry time after failures) and "all host address lookups for 'x'
	// failed permanently" (or "temporarily": the MX hosts' addresses).
	// Past its retry rules it gives up ("retry timeout exceeded",
	// gaveUpPhrases, read first).
	"smtp timeout after", "retry time not reached for any host", "host address lookups",
	// OpenSMTPD's SMTP client (usr.sbin/smtpd/mta_session.c, mta_io()):
	// IO_DISCONNECTED "Connection closed unexpectedly", a temporary
	// failure.
	"connection closed unexpectedly",
	// qmail-remote.c temp_dnscanon(): "CNAME lookup failed temporarily.
	// (#4.4.3)", the recipient domain's DNS lookup failed for now (RFC
	// 3463's x.4.3 calls a directory server's failure a system's).
	"cname lookup failed",
	// Postfix smtpd_check.c, permit_mx_backup() and its helpers: "450
	// <x>: Recipient address rejected: Unable to look up mail exchanger
	// information", "Unable to look up mail exchanger host y", "Unable to
	// look up host y as mail exchanger" (DEFER_IF_REJECT: the recipient
	// domain's MX lookup failed for now), a DNS failure, as its "450 4.1.2
	// Recipient address rejected: Domain not found" is.
	"unable to look up * mail exchanger",
	// vpopmail's vdelivermail.c (is_looping(): its own Delivered-To line
	// already in the message, a bounce): "mail is looping".
	"mail is looping",
	"closed connection in response to", // Exim's smtp transport: "Remote host x [y] closed connection in response to end of data" (the connection dropped mid-dialogue)
	// A name server that failed to answer, not a name that does not
	// exist: the SERVFAIL reply code as Gmail quotes it ("DNS Error: DNS
	// type 'mx' lookup of x responded with code SERVFAIL"; Postfix's
	// dns_neg_query() takes SERVFAIL for TRY_AGAIN, src/dns/dns_lookup.c),
	// and Go's resolver's words for SERVFAIL and other failed replies,
	// which MTAs written in Go quote ("lookup x on y: server misbehaving",
	// net/dnsclient_unix.go errServerMisbehaving and
	// errServerTemporarilyMisbehaving, the latter for SERVFAIL, temporary).
	"servfail", "server misbehaving",
}

// systemErrorPhrases: the receiving system failed.
var systemErrorPhrases = []string{
	"unrecognized error while processing your email",                          // Discourse email_reject_unrecognized_error (config/locales/server.en.yml): "There was an unrecognized error while processing your email and it wasn't posted."
	"temporary failure in mta",                                                // antispameurope's reason codes (support.everycloud.com, article 4000039509): "450 4.5.6 temporary failure in MTA - please retry"
	"server temporarily unavailable",                                          // an IB-coded MX's "421 Server temporarily unavailable. Try again later. IB101" (topwebhostingoffers.com, "various email bounce backs on a cPanel server": the server's queue, try later)
	"temporary system problem", "server busy", "temporarily rejected message", // Google 421 4.3.0, 421 4.4.5, 451 4.3.0
	"system is busy",                                      // a Chinese host's returned-mail causes (chouwenlao.cn FAQhtml/faq14/faq1311.htm, 退信原因): "550 System is busy.", the other server busy
	"server too busy",                                     // Korean hosts' "421 Server too busy." (blog.jinbo.net/007/archive/20051107: the receiving server slow under its traffic)
	"internal server error",                               // Yahoo 451 4.3.2
	"resources temporarily unavailable",                   // Yahoo 451
	"temporary system error",                              // Zoho 452 4.3.1
	"temporary lookup failure",                            // Postfix smtpd(8)
	"error in processing",                                 // RFC 5321 §4.2.2 451 "Requested action aborted: error in processing" (§4.2.3: "local error in processing"); amavisd-new answers its own failures so, "451 4.5.0 Error in processing, id=x, virus_scan FAILED: ..." (as its users' Postfix logs quote it; its "id=" form is read first, rules.go): the receiving system's, retried
	"qq temporary problem",                                // qmail-smtpd(8)
	"unable to process connection",                        // Mimecast 421
	"try another server",                                  // RU-CENTER 451
	"service not available, closing transmission channel", // RFC 5321 §4.2.3 421
	"service unavailable - try again later",               // Apple 451 4.7.1
	"duplicated message-id",                               // fml: "Loop Alert: Duplicated Message-ID"
	"mail system error",                                   // Postfix smtpd(8): "421 4.3.0 Mail system error" (its queue or cleanup service failed)
	// The same temporary errors on Microsoft's Italian Outlook.com page
	// (windows.microsoft.com/it-it/outlook/delivery-failed): "Risorse
	// temporaneamente non disponibili" (resources temporarily unavailable)
	// and "Memoria esaurita" (out of memory).
	"risorse temporaneamente non disponibili", "memoria esaurita",
	// gromox's local delivery (mda/exmdb_local/exmdb_local.cpp, DELIVERY_OPERATION_ERROR:
	// the message could not be converted or stored) bounces with its
	// BOUNCE_OPERATION_ERROR template: "some error occurs in our mail
	// system, your message to "%(rcpt)" cannot be delivered"
	// (grommunio/gromox data/local_bounce/ascii/BOUNCE_OPERATION_ERROR).
	"error occurs in our mail system",
	"internal error occurred. refer to server log",  // Dovecot's LDA and LMTP for a storage failure they log: "Internal error occurred. Refer to server log for more information." (the string in Debian's dovecot-core 2.3.19 libdovecot-storage)
	"server local error", "server local data error", // Postfix smtpd(8): "421 4.3.0 x Server local error", "421 4.3.0 x Server local data error" (strings in Debian's postfix 3.7.11 smtpd: its own failure, not a connection limit, whatever stage it answers)
	"could not be saved",             // hMailServer SMTPConnection.cpp: "554 Your message was received but it could not be saved. Please retry later." (its database refused the message)
	"unexpected error for",           // Apache James AbstractValidRcptHandler.java: "451 4.0.0 Unexpected error for <rcpt>" (its recipient check threw; denySoft), the receiving system's own failure
	"internal delivery error",        // Citadel's SMTP server (citadel/modules/smtp/serv_smtp.c, smtp_data()): "550 Internal delivery error", its message store refused the accepted message
	"timeout while waiting for lock", // Dovecot lib-storage mail-error.h MAIL_ERRSTR_LOCK_TIMEOUT (MAIL_ERROR_INUSE, another session holds the mailbox's lock), LMTP's "451 4.2.0 <x> Timeout while waiting for lock" (lmtp-local.c): the receiving store busy for now, not a filter
	// Email sending services' own pages: Maropost's SMTP API answers "554
	// Transaction failed[Service Temporarily Unavailable. Please try after
	// a few minutes.]" when its service is down for now, and cloudmails.eu
	// gives "421 4.7.0 Service temporarily unavailable" for a server too
	// busy or unavailable for now (galaxy.maropost.com/kb/articles/821-
	// smtp-error-codes; cloudmails.eu/docs/error-codes.php): the receiving
	// system's, as Google's "Temporary System Problem" is.
	"service temporarily unavailable",
	// CleverReach files "error writing message" and "message could not be
	// stored" under hardware issues on the receiving server
	// (support.cleverreach.de, "Meaning of Bounce Messages"), the store
	// failing as hMailServer's "could not be saved" above (a full mailbox
	// named beside them reads first: mailboxFullPhrases).
	"error writing message", "message could not be stored",
	"too much load", // Exim smtp_in.c (smtp_load_reserve): "421 x: Too much load; please try again later", the load average above the limit, whatever stage it answers
	// Outlook.com's "451 4.4.0 Message failed to be replicated: No healthy
	// secondary server available to accept replica at this time" (the
	// receiving domain cannot take the message for now, /code/451 Outlook
	// 4.4.0) and a Barracuda filter's "422 License Expired" (the recipient
	// domain's Barracuda licence expired, to be resolved on their side,
	// /code/421 Barracuda): ActiveCampaign's SMTP Field Manual,
	// github.com/ActiveCampaign/smtp-field-manual page-data/code/550/
	// page-data.json. The receiving system's own state, whatever subject
	// the status names.
	"failed to be replicated", "license expired",
	// A program's own failure in its words (RFC 3463 x.3.0): maddy's
	// "451 4.7.0 Internal error during policy check" (internal/check/rspamd,
	// the check's service unreachable), Cyrus lmtpd's "451 4.3.0
	// Unexpected internal error" (imap/lmtpengine.c), Postfix smtpd's
	// "451 4.3.0 Error: internal error %d" (smtpd.c, data_cmd): the
	// receiving system failed, whatever subject its status names.
	"internal error",
	// The receiving program's own I/O and queue failures, in its words:
	// Cyrus lmtpd's "451 4.3.0 System I/O error" (IMAP_IOERROR) and "451
	// 4.3.0 transient system error" (IMAP_AGAIN, imap/lmtpengine.c),
	// Postfix's "451 4.3.0 Error: queue file write error"
	// (global/cleanup_strerror.c, CLEANUP_STAT_WRITE), qmail-smtpd's "451
	// qqt failure (#4.3.0)" (its queue program failed) and "421 unable to
	// read controls (#4.3.0)" (its configuration unreadable).
	"i/o error", "transient system error", "queue file write error", "qqt failure", "unable to read controls",
	// vpopmail's local delivery that cannot create the message's file in
	// the Maildir's tmp directory: "can not open new email file errno=%d
	// file=%s", a return its deliver_mail() counts among "system failures"
	// (vpopmail's vqmaillocal.c, deliver_mail()).
	"can not open new email file",
	"temporary local problem",         // Exim smtp_in.c: "451 Temporary local problem - please try later", its answer when an ACL defers or fails with no message of its own (RFC 5321 §4.2.3 451 "local error in processing")
	"service unavailable",             // sysexits.h EX_UNAVAILABLE ("Service unavailable") as Sendmail reports a failed mailer program
	"service not available",           // RFC 5321 §4.2.3 421 "<domain> Service not available, closing transmission channel", however the rest is worded
	"mail transport unavailable",      // Postfix qmgr(8): a delivery agent that could not be run ("mail transport unavailable")
	"mail system configuration error", // Postfix: a delivery refused for the sending system's own configuration (RFC 3463 x.3.5 "System incorrectly configured")
	"local configuration error",       // Sendmail: "554 5.3.5 x... Local configuration error" after "553 MX list for x points back to y" (the Sendmail FAQ, quoted in the FreeBSD Handbook's mail chapter; RFC 3463 x.3.5 "System incorrectly configured")
	// MyDreams' Czech list of returned-mail errors (mydreams.cz/cz/wiki/
	// 9924) gives Exim's "451 Temporary local problem – please try later"
	// as "Dočasný lokální problém – zkuste to prosím později", the
	// recipient server's temporary trouble.
	"dočasný lokální problém",
	// Postfix's own words for a lookup table or database that failed on
	// the system delivering the mail (the strings in Debian's postfix
	// 3.7.11: smtpd's and smtp's "451 4.3.0 Temporary lookup error",
	// local(8)'s "alias database unavailable", "user lookup error", "error
	// looking up passwd info for x", qmgr's "unknown mail transport
	// error"): RFC 3463 x.3.0, the mail system's trouble, not the
	// recipient's.
	"temporary lookup error", "alias database unavailable", "user lookup error", "error looking up passwd info",
	"unknown mail transport error",
	// Postfix local(8)'s own words when the recipient's home directory,
	// where it looks for .forward and the mailbox, cannot be used (the
	// strings in Debian's postfix 3.7.11 local: "cannot access home
	// directory %s: %m", "unknown home directory for: %s", "bad home
	// directory syntax for: %s"; local.c defers the first, "back off when
	// the user's home directory does not exist"): the receiving system's
	// configuration or file system failed (RFC 3463 x.3.0), not the
	// mailbox's owner, and a recipient that finally failed on it expired
	// (adjust).
	"cannot access home directory", "unknown home directory for", "bad home directory syntax for",
	// The same local(8)'s refusals to write a mailbox it finds set up
	// wrongly (strings in Debian's postfix 3.7.11 local, after "cannot
	// update mailbox %s for user %s."): "destination %s is not a regular
	// file", "destination %s is not owned by recipient" (postconf(5)
	// strict_mailbox_ownership), "maildir access problem for UID/GID=...":
	// RFC 3463 x.3.5 "System incorrectly configured". A quota or full
	// disk named after the same prefix reads first (mailboxFullPhrases,
	// systemFullPhrases).
	"is not a regular file", "is not owned by recipient", "maildir access problem",
	// The same local(8) when it cannot write the file an alias names
	// ("cannot append message to file %s: " and "cannot open file %s:
	// %m", strings in Debian's postfix 3.7.11 local; postfix/src/local/
	// file.c, deliver_file(), after mbox_open() or mail_copy() fails):
	// the file's permissions or the system's set-up, x.3.5 as above. A
	// file past its limit ("error writing message: File too large") or a
	// full disk read first (mailboxFullPhrases, systemFullPhrases).
	"cannot append message to file",
	// Cyrus lmtpd when the recipient's mailbox files cannot be read as a
	// mailbox (cyrusimap/cyrus-imapd imap/lmtpengine.c, send_lmtp_error():
	// IMAP_MAILBOX_BADFORMAT, imap/imap_err.et "Mailbox has an invalid
	// format", sent as "451 4.2.0"): the store's own damage, the receiving
	// system's failure, not a refusal by the mailbox its x.2.0 names.
	"mailbox has an invalid format",
	// A mailbox that lives on another back-end server of the receiving
	// system, for now: Zimbra's LMTP server answers "450 4.2.0 Mailbox is
	// not on this server" (Zimbra/zm-mailbox ZimbraLmtpBackend.java,
	// getAddressStatus(): "try again for address ...") and Cyrus lmtpd
	// "451 4.2.1 Mailbox has been moved to another server" (cyrus-imapd
	// imap/lmtpengine.c send_lmtp_error(), IMAP_MAILBOX_MOVED): the
	// system's own routing between its servers, not a disabled mailbox
	// (x.2.1) or one that refused the message (x.2.0).
	"mailbox is not on this server", "moved to another server",
	// Kopano's dagent when it could not store the message for a reason
	// other than quota ("Most errors are tempfails"; Kopano-dev/kopano-core
	// spooler/DAgent.cpp, ProcessDeliveryToServer(): "450 4.2.0 <x>
	// Mailbox temporarily unavailable"): RFC 5321 §4.2.3's 450 "mailbox
	// unavailable (e.g., mailbox busy)", the receiving store's condition for
	// now.
	"mailbox temporarily unavailable",
	// Postfix's own failures for now: local(8) "table lookup failure"
	// (mailbox.c, deliver_mailbox(): a mailbox_transport_maps lookup error,
	// 4.3.0) and "cannot find alias database owner" (alias.c, 4.3.0), and
	// smtp(8) "local data error while talking to x" (smtp_trouble.c,
	// SMTP_ERR_DATA, 4.3.0): the sending system's trouble.
	"table lookup failure", "alias database owner", "local data error",
	// qmail's spawners on their own failures (notqmail/notqmail
	// qmail-lspawn.c report(): "Temporary failure in qmail-lspawn.",
	// "Trouble reading users/cdb in qmail-lspawn.", "NFS failure in
	// qmail-local."; qmail-rspawn.c report(): "qmail-remote crashed.",
	// "qmail-remote produced no output."): the sending system's own
	// trouble, retried.
	"in qmail-lspawn", "nfs failure in", "qmail-remote crashed", "qmail-remote produced no output",
	// OpenSMTPD's own failures around a delivery (usr.sbin/smtpd/mta.c
	// mta_on_smarthost(): "Cannot retrieve smarthost"; mta_session.c
	// mta_queue_data(): "Error reading content file"; mda.c: "Temporary
	// failure in user lookup", its user table unreachable).
	"cannot retrieve smarthost", "error reading content file", "temporary failure in user lookup",
	// Its queued message or delivery program could not be opened for a
	// delivery (mda.c IMSG_MDA_OPEN_MESSAGE "Cannot get message fd",
	// IMSG_MDA_FORK "Cannot get mda fd"; mta_session.c "Could not get
	// message fd", "Could not stat message fd"), temporary failures.
	"get message fd", "get mda fd", "stat message fd",
	// vpopmail's vdelivermail.c with its valias database unreachable
	// (VA_NO_AUTH_CONNECTION, EXIT_DEFER): "vdelivermail: deferred,
	// database down".
	"database down",
	// Exim's delivery process failing on its own (Exim/exim src/src/
	// deliver.c): a remote delivery subprocess that died ("smtp transport
	// process returned non-zero status 0x000b: terminated by signal 11",
	// par_wait()) or sent back too little ("... read from pipe for
	// transport process n", par_read_pipe()), fork() failing ("fork failed
	// for remote delivery to x", do_remote_deliveries()), a transport's
	// uid without a gid or on never_users (findugid(): "User set without
	// group for x transport", "User n set for x transport is on the
	// never_users list"), a router that set no transport ("No transport
	// set by x router", do_local_deliveries()), a domain list lookup that
	// deferred ("cannot check percent_hack_domains", "hold_domains lookup
	// deferred", deliver_message()) and a system filter delivery with no
	// transport ("system_filter_pipe_transport is unset", "failed to find
	// \"x\" transport for system filter delivery"): each is deferred.
	"transport process returned non-zero status", "read from pipe for transport process", "fork failed",
	"set without group for", "on the never_users list", "no transport set by",
	"percent_hack_domains", "domains lookup deferred", "system_filter_", "for system filter delivery",
}

// mailerErrorPhrases: a local delivery program failed.
var mailerErrorPhrases = []string{
	// Postfix's delivery to a command (postfix/src/global/pipe_command.c,
	// pipe_command(), for pipe(8) and local(8)): "Command died with status
	// n: ...", "Command died with signal n: ...", "Command time limit
	// exceeded: ...", and the command's own words after "Command output:".
	"command died with", "command time limit exceeded", "command output",
	"unknown mailer error",                         // Sendmail DSN text for a prog mailer's exit status
	"returned non-zero status", "child process of", // Exim spec, pipe transport
	"pipe to |",    // Exim spec, pipe transport bounce: "pipe to |command ... generated by x"
	"mailer error", // Postfix/DragonFly "Recipient address rejected: Mailer error"
	// Exim's pipe transport hides why a command failed from the sender
	// ("We don't want to expose these to the world, so we set up
	// something bland": addr->user_message = "local delivery failed",
	// src/src/transports/pipe.c); the exit code is in its log only.
	"local delivery failed",
	// Postfix's words for a delivery program's exit with EX_CANTCREAT
	// when it printed nothing (postfix/src/global/sys_exits.c,
	// sys_exits_table: "can't create user output file").
	"can't create user output file",
	// Sendmail's words for the same exit, EX_CANTCREAT (sendmail
	// src/sysexits.c, SysExMsg: ":550 5.0.0 Can't create output"), as its
	// notice gives a program's failure: `"|/usr/local/bin/mailfilt -u
	// #dkms" (reason: Can't create output)` (a sample PHPMailer-BMH's rules
	// quote, phpmailer-bmh_rules.php rule 0169).
	"can't create output",
	// OpenSMTPD reports a delivery command ("mda") that failed with the
	// last line of its output, or else its parent's account of the
	// child (usr.sbin/smtpd/mda.c, IMSG_MDA_DONE: "error = out[0] ? out
	// : parent_error"), which for a non-zero exit is "exited abnormally"
	// (the string in Debian's opensmtpd 6.8 smtpd), the exit code left
	// out.
	"exited abnormally",
	// chasquid's local delivery through its MDA command
	// (internal/courier/mda.go, MDA.Deliver): "MDA delivery failed: %v -
	// %q", the exit status and the command's output, permanent unless the
	// command exited 75 (EX_TEMPFAIL).
	"mda delivery failed",
	// OpenSMTPD mda.c (IMSG_MDA_DONE): "mda exited prematurely", the
	// delivery command ended before it took the whole message.
	"mda exited",
	// Exim's pipe transport past its timeout (src/src/transports/pipe.c:
	// "pipe delivery process timed out", FAIL unless timeout_defer).
	"pipe delivery process",
	// Exim deliver.c, deliver_message(): a delivery a user's filter or
	// .forward generated that its router does not allow ("delivery to
	// file forbidden", "delivery to pipe forbidden", "autoreply
	// forbidden"), failed; post_process_one(): a transport with
	// return_output that wrote output fails the address as "return message
	// generated", the output returned; deliver_local(): the local
	// delivery process could not enter its directory ("failed to chdir to
	// x", deferred).
	"to file forbidden", "to pipe forbidden", "autoreply forbidden", "return message generated", "failed to chdir to",
	// qmail's local delivery (notqmail/notqmail qmail-local.c:
	// temp_childcrashed() "Aack, child crashed.", the maildir writer or
	// the .qmail program killed; mailprogram() "Unable to run /bin/sh:
	// %s."; qmail-lspawn.c report(): "qmail-local crashed.", "Unable to
	// run qmail-local.").
	"child crashed", "qmail-local crashed", "unable to run",
}

// syntaxErrorPhrases: RFC 5321 §4.2.2 replies 500-504.
var syntaxErrorPhrases = []string{
	"syntax error",                                                                                     // RFC 5321 §4.2.2 500/501; Google 555 5.5.2
	"command not implemented", "unimplemented command", "command unrecognized", "unrecognized command", // RFC 5321 500/502; Google 502 5.5.1
	"bad sequence of commands", // RFC 5321 503
	"protocol violation",       // Google 451 4.5.0, 454 4.5.0; sitepackage "550 Protocol violation"
	"synchronization error",    // Exim spec: "SMTP synchronization error"
	// A command out of order (RFC 5321 §4.2.2 503 "Bad sequence of
	// commands"): Sendmail srvrsmtp.c (PRIV_NEEDMAILHELO) "503 5.0.0
	// Polite people say HELO first", Stalwart src/inbound/mail.rs "503
	// 5.5.1 Polite people say EHLO first.", refusing MAIL FROM before the
	// greeting, not the sender.
	"say helo first", "say ehlo first",
	// Exim smtp_in.c, smtp_setup_msg(): "503 HELO or EHLO required" (MAIL
	// FROM before the greeting under helo_required) and "501 NUL
	// characters are not allowed in SMTP commands", both the client's
	// protocol error, not a refused sender.
	"helo or ehlo required", "not allowed in smtp commands",
	// HestiaCP's and myVesta's acl_check_mail: "HELO required before MAIL"
	// for MAIL FROM with no HELO/EHLO given (hestiacp/hestiacp
	// install/deb/exim/exim4.conf.template, myvesta/vesta
	// install/debian/12/exim/exim4.conf.template), the command out of
	// sequence (RFC 5321 §4.2.2 503), not a refused sender.
	"helo required before mail",
	// hMailServer SMTPConnection.cpp: "550 Invalid syntax. Syntax should be
	// MAIL FROM:<userdomain>[crlf]" (and RCPT TO), the command malformed.
	"syntax should be",
	// Lotus Notes' delivery report (送信エラーレポート in its Japanese one, as
	// fml8's bounce parser shows it: github.com/fmlorg/fml8, fml/lib/Mail/
	// Bounce/Language/Japanese.pm) gives as 原因 "The peer SMTP host reports
	// that it received bad SMTP command syntax.": the receiving server
	// refused a command as malformed (RFC 5321 §4.2.2 500/501).
	"bad smtp command syntax",
}

// vacationPhrases recognise auto-reply wording in a subject (RFC 3834
// replies carry Auto-Submitted; these catch those without it). Sources:
// vacation(1) ("vacation", "on vacation": BSD's "return `I am on
// vacation' indication" and its sample "Subject: I am on vacation";
// "absent": Tru64's "recipient is absent"; "absence": OpenBSD's "provide
// absence notification") and Exchange's Automatic Replies ("automatic
// reply", "out of office": the feature's two names,
// Set-MailboxAutoReplyConfiguration); "abwesend", German for away, as the
// subject of auto-replies a sender of bulk mail filters
// (gist.github.com/wesbos/d7877929def4368cdb8abc12c5d3e38b); "不在通知",
// the Japanese name of Gmail's vacation responder (Gmail API
// VacationSettings, developers.google.cn/gmail/api/reference/rest/v1/
// VacationSettings?hl=ja: ウェブ インターフェースの「不在通知」機能).
var vacationPhrases = []string{
	"out of office", "on vacation", "automatic reply", "vacation", "absent", "absence", "abwesend", "不在通知",
}

// delayPhrases say a message is still being retried: a status inferred
// for it is temporary (4.0.0). They are retryPhrases and these.
var delayPhrases = append([]string{
	"delayed mail (still being retried)",            // Postfix bounce(5) delay template subject
	"has not yet been delivered",                    // Exim spec, delay warning text
	"just a warning, you do not need to take",       // MessageSwitch's delay warning, "This is just a warning, you do not need to take any action" (Mailman 2.1 Bouncers/SimpleWarning.py)
	"has been delayed", "delivery has been delayed", // Gmail delay notice
	"delivery status notification (delay)", // Gmail's delay DSN subject (support.google.com/mail/answer/6596; TestGmailFormats): it says the delay whatever the body says
	// Exchange 2010 and later delay DSN, "Delivery is delayed to these
	// recipients or groups: ... This message hasn't been delivered yet.
	// Delivery will continue to be attempted." (cryer.co.uk, Exchange 2010
	// troubleshooting; gateway.ctsltd.net), and Exchange's German delay
	// DSN, "Die Zustellung an folgende Empfänger oder Verteilerlisten
	// wurde verzögert" (adino.at FAQ).
	"delivery is delayed to these recipients", "wurde verzögert",
	// Exchange's French delay DSN (pastebin.com/SYa736QZ): subject "Remise
	// retardée : <subject>", "La remise est retardée pour ces destinataires
	// ou groupes : ... Ce message n'a pas encore été remis. De nouvelles
	// tentatives de remise seront effectuées."
	"remise retardée", "la remise est retardée", "nouvelles tentatives de remise seront effectuées",
	"temporary failure report", // OpenSMTPD delay notice
	// Gmail's "** Delivery incomplete **" notice: "There was a temporary
	// problem delivering your message to ... Gmail will retry for 46
	// more hours."
	"temporary problem delivering",
	// Sendmail's warning, "Warning: message still undelivered after 4
	// hours" (as helpdesk.umd.edu quotes it), and an Exim relay's delay
	// warning (support.protectedservice.net: "This warning will be
	// repeated at regular intervals if the message remains undelivered").
	"message still undelivered after", "remains undelivered",
}, retryPhrases...)

// finalPhrases say a notice reports a message that finally failed, beside
// which wording about retries concerns other recipients or the past.
var finalPhrases = []string{
	"permanent error", "permanent failure", "failed permanently", // Exim "This is a permanent error"; Gmail "failed permanently"
	"giving up", "will not try again", "not going to try again", // qmail-send "I'm not going to try again"; DMA "Giving up"
}

// weakFinalPhrases say a message was not delivered, which a notice of a
// delay says too ("could not be delivered to the following recipients:
// ... Delivery attempts will continue to be made"): they mark a final
// failure only when no words say that delivery is still being attempted
// (retryPhrases).
var weakFinalPhrases = []string{
	"could not be delivered", "has been returned", // Sendmail "Message could not be delivered for x days"; Postfix bounce(5) "... could not be delivered"
}

// retryPhrases say that delivery goes on: they mark a delay notice
// (delayPhrases), and they outweigh weakFinalPhrases.
var retryPhrases = []string{
	"will be retried", "still being retried", "this is a warning only", // Postfix bounce(5) delay template: "THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE."
	"will keep trying", "warning message only", // Sendmail DSN warning text
	"delivery attempts will continue",        // Exchange delay DSN
	"delivery will continue to be attempted", // Exchange 2010 and later delay DSN (cryer.co.uk; gateway.ctsltd.net)
	"will retry for",                         // Gmail's "** Delivery incomplete **" notice: "Gmail will retry for 46 more hours"
	"continue to attempt to deliver",         // webinstinct.com, "Notifications for delayed outgoing messages": "The mail system will continue to attempt to deliver your message"
	"continue to attempt delivery",           // support.protectedservice.net, an Exim relay's delay warning: "we will continue to attempt delivery for some days"
	"do not need to resend your message",     // Sendmail's warning ("** YOU DO NOT NEED TO RESEND YOUR MESSAGE **", helpdesk.umd.edu); webinstinct.com's notice
	// cPanel's Exim, when a sending domain passes its hourly limit and the
	// message is kept for later: "This is a temporary error. The following
	// address(es) deferred: ... Domain x has exceeded the max emails per
	// hour (n/n (n%)) allowed.  Message will be reattempted later"
	// (pastebin.com/nrZu9UpS, an A2 Hosting server's Exim 4.89; cPanel's
	// "The build_maxemails_config Script" for the limit), where a message
	// it gives up on says "Message discarded." under "This is a permanent
	// error".
	"will be reattempted later",
}
