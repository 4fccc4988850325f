package shaping

import "strings"

// providers maps an MX host name, or a domain it ends in, to the mailbox
// provider or filtering service that runs it. The names are those the
// providers publish as their MX hosts, for their own domains (as in
// DNS) and in their setup pages for customer domains, cited beside each.
var providers = map[string]string{
	// Google: gmail.com's MX (gmail-smtp-in.l.google.com) and Google
	// Workspace's (aspmx.l.google.com, smtp.google.com; Google Workspace
	// Admin Help, "Set up MX records for Google Workspace email",
	// support.google.com/a/answer/174125).
	"google.com":     "google",
	"googlemail.com": "google",
	// Microsoft: outlook.com/hotmail.com (*.olc.protection.outlook.com)
	// and Microsoft 365 (<domain>.mail.protection.outlook.com; Microsoft
	// Learn, "Add DNS records to connect your domain").
	"protection.outlook.com":  "microsoft",
	"messaging.microsoft.com": "microsoft",
	"hotmail.com":             "microsoft",
	// Yahoo and AOL: mta*.am0.yahoodns.net, mx-aol.mail.gm0.yahoodns.net
	// (the MX records yahoo.com and aol.com publish in DNS; the hosts
	// named in Yahoo's bounces, help.yahoo.com/kb/SLN3444).
	"yahoodns.net": "yahoo",
	// Apple iCloud: mx01.mail.icloud.com, mx02.mail.icloud.com (Apple
	// Support, "Postmaster information for iCloud Mail",
	// support.apple.com/102322).
	"icloud.com": "apple",
	// Comcast (Xfinity): mx1a1.comcast.net and the like (comcast.net's
	// MX records in DNS; postmaster.comcast.net).
	"comcast.net": "comcast",
	// Orange: smtp-in.orange.fr (the MX records of orange.fr and
	// wanadoo.fr in DNS).
	"orange.fr": "orange",
	// United Internet: GMX (mx00.emig.gmx.net, mx00.gmx.com), WEB.DE
	// (mx-ha02.web.de), mail.com (mx00.mail.com): the MX records of
	// gmx.net, gmx.com, web.de and mail.com in DNS
	// (postmaster.gmx.com).
	"gmx.net":  "gmx",
	"gmx.com":  "gmx",
	"web.de":   "gmx",
	"mail.com": "gmx",
	// Mail.ru: mxs.mail.ru (mail.ru's MX record in DNS).
	"mail.ru": "mailru",
	// Yandex: mx.yandex.ru (yandex.ru's MX record in DNS), and
	// mx.yandex.net, the MX Yandex 360 domains publish (preference 10).
	"yandex.ru":  "yandex",
	"yandex.net": "yandex",
	// Zoho: mx.zoho.com, mx.zoho.eu, mx.zoho.in (Zoho Mail Help,
	// "Configure MX records").
	"zoho.com": "zoho",
	"zoho.eu":  "zoho",
	"zoho.in":  "zoho",
	// Fastmail: in1-smtp and in2-smtp.messagingengine.com (Fastmail
	// Help, "Set up your domain, MX only",
	// www.fastmail.com/help/receive/domains-setup-mxonly.html).
	"messagingengine.com": "fastmail",
	// Proton: mail.protonmail.ch, mailsec.protonmail.ch (the MX records
	// of proton.me and protonmail.com in DNS).
	"protonmail.ch": "proton",
	// Deutsche Telekom: mx00.t-online.de (t-online.de's MX records in
	// DNS).
	"t-online.de": "t-online",
	// Tencent QQ: mx1.qq.com; NetEase (163.com, 126.com):
	// *.mxmail.netease.com; Naver: mx1.naver.com (the MX records of
	// qq.com, 163.com, 126.com and naver.com in DNS).
	"qq.com":      "qq",
	"netease.com": "netease",
	"naver.com":   "naver",
	// Filtering services in front of many domains, whose throttling is
	// their own: Proofpoint (*.pphosted.com), Mimecast (*.mimecast.com),
	// Barracuda (*.barracudanetworks.com), Cisco Secure Email
	// (*.iphmx.com): their customers' domains publish MX records under
	// these domains. Independent MX-to-service tables map the same
	// suffixes (Posh365's Test-MXHandler, powershellgallery.com/packages/Posh365:
	// "*barracudanetworks.com" Barracuda ESS, "*iphmx*" Cisco Email
	// Security, "*mimecast*" Mimecast).
	"pphosted.com":          "proofpoint",
	"mimecast.com":          "mimecast",
	"barracudanetworks.com": "barracuda",
	"iphmx.com":             "cisco",
}

// ProviderOf returns the provider that runs the MX host host by the table
// shipped with this package ("google", "microsoft", "yahoo", "apple",
// "comcast", "orange", "gmx", "mailru", "yandex", "zoho", ...), or "" for
// a host it does not know. The host name or any domain it ends in
// matches.
func ProviderOf(host string) string { return lookup(nil, host) }

func lookup(extra map[string]string, host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for s := host; s != ""; {
		if p, ok := extra[s]; ok {
			return p
		}
		if p, ok := providers[s]; ok {
			return p
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	return ""
}
