package verify

import (
	"context"
	"errors"
	"strings"

	"github.com/mxkit/mxkit/resolver"
)

// providers are the domains of the largest mailbox providers, most used
// first: the targets of typo suggestions. Each is the provider's own
// consumer mail domain (Google Gmail; Microsoft Outlook.com, which also
// serves hotmail, live and msn; Yahoo and its ymail; AOL; Apple iCloud,
// also me.com and mac.com; Proton; GMX and WEB.DE of United Internet;
// T-Online; Orange; Free; La Poste; Libero; Mail.ru; Yandex; Tencent QQ;
// NetEase 163 and 126; Naver; and the US access providers Comcast,
// AT&T's sbcglobal and att.net, Verizon; BT).
var providers = []string{
	"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com",
	"aol.com", "live.com", "msn.com", "googlemail.com", "me.com", "mac.com",
	"ymail.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
	"gmx.net", "web.de", "t-online.de", "orange.fr", "free.fr",
	"wanadoo.fr", "laposte.net", "libero.it", "mail.ru", "yandex.ru",
	"yandex.com", "qq.com", "163.com", "126.com", "naver.com",
	"comcast.net", "sbcglobal.net", "att.net", "verizon.net",
	"btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "hotmail.fr",
	"yahoo.fr", "yahoo.co.jp", "outlook.de",
}

// commonTLDs are the top-level domains a mistyped one is most likely meant
// to be, most used first (generic ones, then the largest country codes).
var commonTLDs = []string{
	"com", "net", "org", "edu", "gov", "info", "biz", "io", "co", "me",
	"us", "uk", "de", "fr", "it", "es", "nl", "ru", "br", "jp", "in",
	"ca", "au", "ch", "pl", "be", "se", "at", "dk", "no", "cn",
}

// suggest returns a domain that name (lower-case A-labels, a domain that
// receives no mail) was probably meant to be and that receives mail, or
// "". In order:
//
//  1. the provider domain nearest to name by edit distance (optimal
//     string alignment: insertions, deletions, substitutions and
//     transpositions of neighbours, so "gmial" is one edit from
//     "gmail"), within 1 edit, or 2 for names of 8 octets or more;
//  2. when name's top-level domain does not exist (NXDOMAIN), name with
//     the nearest common TLD one edit away (".con" → ".com", ".nte" →
//     ".net");
//  3. for a single label ending in a common TLD, the label with the dot
//     put back ("acmecom" → "acme.com").
//
// A candidate is suggested only when it receives mail itself.
func (c *Checker) suggest(ctx context.Context, name string) string {
	limit := 1
	if len(name) >= 8 {
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, p := range providers {
		if d := editDistance(name, p, bestDist); d < bestDist && d > 0 {
			best, bestDist = p, d
		}
	}
	if best != "" && c.receives(ctx, best) {
		return best
	}

	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		for _, t := range commonTLDs {
			if len(name) > len(t)+1 && strings.HasSuffix(name, t) {
				if cand := name[:len(name)-len(t)] + "." + t; c.receives(ctx, cand) {
					return cand
				}
			}
		}
		return ""
	}
	tld := name[dot+1:]
	if !c.noSuchTLD(ctx, tld) {
		return ""
	}
	for _, t := range commonTLDs {
		if editDistance(tld, t, 2) == 1 {
			if cand := name[:dot+1] + t; c.receives(ctx, cand) {
				return cand
			}
		}
	}
	return ""
}

// noSuchTLD reports whether DNS says the top-level domain does not exist.
func (c *Checker) noSuchTLD(ctx context.Context, tld string) bool {
	_, _, err := c.Resolver.LookupMX(ctx, tld)
	return errors.Is(err, resolver.ErrNXDomain)
}

// editDistance returns the optimal string alignment distance between a
// and b (Damerau-Levenshtein without edits of a substring twice), or
// limit when it is limit or more.
func editDistance(a, b string, limit int) int {
	if abs(len(a)-len(b)) >= limit {
		return limit
	}
	// Three rows: the one before the previous, the previous, the current.
	var buf [3][64]int
	if len(b)+1 > len(buf[0]) {
		return limit
	}
	pp, prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, pp[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin >= limit {
			return limit
		}
		pp, prev, cur = prev, cur, pp
	}
	return min(prev[len(b)], limit)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
