package bounce

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// fluflDir is where Debian's python3-flufl.bounce package installs
// flufl.bounce, GNU Mailman's bounce detector: its tests/data holds real
// bounces that Mailman lists received (2000 to 2020, from Postfix, Exim,
// qmail, Sendmail, Exchange 5.5, GroupWise, Netscape, Yahoo, AOL, IMail,
// Sina, Symantec's gateway and more), and testing/helpers.py lists, for
// each, the addresses its detectors must find and whether they failed for
// good or are still retried. MXKIT_FLUFL overrides it.
const fluflDir = "/usr/lib/python3/dist-packages/flufl/bounce"

// fluflQuirks are expectations of the flufl table that do not describe
// the bounce, left out of the score.
var fluflQuirks = map[string]string{
	"simple_14.txt": "one recipient named twice in the anonymised sample (the notice's usery@, its reply's userx@); flufl takes both",
	"simple_42.txt": "the address is obfuscated as Mailman's archive prints it (david...@gmail.com), which flufl's DSN detector drops; Parse reports it as written",
}

// TestFluflBounces is a fourth independent test set: flufl.bounce's real
// bounces, with flufl's expected addresses as the oracle. Parse must name
// each failed recipient (as FinalRecipient or OriginalRecipient) and no
// other, and report the ones flufl lists as temporary as delayed and the
// others as failed. The data are read where the package installs them;
// nothing is copied into this project. The misses are listed in doc.go
// (Accuracy).
func TestFluflBounces(t *testing.T) {
	dir := os.Getenv("MXKIT_FLUFL")
	if dir == "" {
		dir = fluflDir
	}
	table, err := os.ReadFile(filepath.Join(dir, "testing", "helpers.py"))
	if err != nil {
		t.Skipf("flufl.bounce's test data not found (%v): apt-get install python3-flufl.bounce, or set MXKIT_FLUFL", err)
	}
	type expect struct {
		addrs map[string]bool
		temp  bool
	}
	want := map[string]*expect{}
	var files []string
	s := string(table)
	i := strings.Index(s, "\nDATA = (")
	if i < 0 {
		t.Fatal("helpers.py: no DATA table")
	}
	// ('detector', 'file.txt', [b'addr', ...]) or (..., True) for a
	// temporary failure; a file listed twice (two detectors) expects the
	// union.
	entry := regexp.MustCompile(`\('(\w+)',\s*'([\w.]+)',\s*\[([^\]]*)\](,\s*True)?\)`)
	quoted := regexp.MustCompile(`b'([^']*)'`)
	for _, m := range entry.FindAllStringSubmatch(s[i:], -1) {
		e := want[m[2]]
		if e == nil {
			e = &expect{addrs: map[string]bool{}}
			want[m[2]] = e
			files = append(files, m[2])
		}
		for _, a := range quoted.FindAllStringSubmatch(m[3], -1) {
			e.addrs[strings.ToLower(a[1])] = true
		}
		e.temp = e.temp || m[4] != ""
	}
	if len(files) < 100 {
		t.Fatalf("helpers.py: %d entries, want the whole table", len(files))
	}
	scored, right := 0, 0
	var misses []string
	for _, f := range files {
		e := want[f]
		data, err := os.ReadFile(filepath.Join(dir, "tests", "data", f))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		ok := true
		covered := map[string]bool{}
		var got []string
		for _, r := range rep.Recipients {
			if r.Action != "failed" && r.Action != "delayed" {
				continue // an auto-reply's or a delivered recipient: not a failure
			}
			fr, or := strings.ToLower(r.FinalRecipient), strings.ToLower(r.OriginalRecipient)
			got = append(got, fr+" "+r.Action)
			covered[fr], covered[or] = true, true
			if !e.addrs[fr] && !e.addrs[or] || (r.Action == "delayed") != e.temp {
				ok = false
			}
		}
		for a := range e.addrs {
			ok = ok && covered[a]
		}
		if why, quirk := fluflQuirks[f]; quirk {
			t.Logf("not scored: %s (%s): got %v", f, why, got)
			continue
		}
		scored++
		if ok {
			right++
			continue
		}
		exp := make([]string, 0, len(e.addrs))
		for a := range e.addrs {
			exp = append(exp, a)
		}
		sort.Strings(exp)
		misses = append(misses, f)
		t.Logf("miss: %s: want %v (temporary %v), got %v", f, exp, e.temp, got)
	}
	t.Logf("flufl.bounce: %d of %d right (%d not scored)", right, scored, len(fluflQuirks))
	// The floor is what Parse reads today; the four misses are in doc.go.
	if right < 107 {
		t.Errorf("flufl.bounce: %d of %d right, floor 107; misses %v", right, scored, misses)
	}
}
