package bounce

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
)

// sourceRef recognises a comment that names where a wording is published:
// an RFC, a manual page ("smtpd(8)"), a web address or file path, a
// string's origin in a binary or source file, or one of the MTAs,
// providers and products whose published texts the tables quote (a Rust
// source file, ".rs", among the file paths: Stalwart's; a Python one, ".py":
// iRedAPD's).
var sourceRef = regexp.MustCompile(`(?i)\bRFC ?\d{3,4}|\b[a-z0-9_-]+\([1-8]\)|[a-z0-9-]+\.(com|org|net|de|jp|uk|cn|ru|fr|lv|ee|edu|it|io|pl|kr|tw|vip|info|html?|php|c|cpp|h|go|rs|py|eml|be|cz|br|ch|nl)\b|` +
	`\b(Postfix|Exim|Sendmail|qmail|OpenSMTPD|Courier|Exchange|Microsoft|Outlook|Google|Gmail|Yahoo|AOL|Apple|iCloud|Comcast|Cox|Orange|GMX|IONOS|T-Online|STRATO|Yandex|Mail\.ru|Zoho|Domino|GroupWise|MDaemon|SmarterMail|IceWarp|Dovecot|Mimecast|Barracuda|Baruwa|Coremail|Rackspace|Amazon SES|SendGrid|Mailman|fml|vacation|sysexits|glibc|IANA|sitepackage|chkuser|amavisd|SpamAssassin|Spamhaus|Proofpoint|Trend Micro|Cisco|Oracle|IBM|QQ Mail|Naver|Libero|Italiaonline|Tencent|GoDaddy|Mailgun|Haraka|postscreen|postgrey|Debian|Twisted|CiviCRM|Willcom|SoftBank|docomo|KDDI|antispameurope|iridis|FTGate|MailDiode|ASSP|Forpsi|Interia|J:COM|Daum|Paran|Hanafos|BellSouth|AT&T|La Poste|BlueTie|Neo|Korean|Chinese|Japanese|University|vpopmail|IMail|MessageLabs|DragonFly|RU-CENTER|Stalwart|maddy|Cyrus|Zimbra|Momentum|SparkPost|Citadel|Apache James|rspamd|rmilter|hMailServer|XMail|CommuniGate|MailEnable|Sympa|mlmmj|ezmlm|Discourse|LISTSERV|DoList)\b`)

// TestPhrasesCiteSources holds the tables of wordings to the rule that
// every phrase stands beside the published text it comes from (issue 17,
// requirement 1): each string of a wording table sits on a line with a
// comment, or under a comment (possibly with other strings between, no
// blank line), or in a one-line table with a doc comment, and that comment
// names a source.
func TestPhrasesCiteSources(t *testing.T) {
	for _, file := range []string{"phrases.go", "text.go", "classify.go"} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		// Comment text by the line it ends on, and whether the line holds
		// only a comment.
		endsOn := map[int]string{}
		for _, cg := range f.Comments {
			endsOn[fset.Position(cg.End()).Line] = cg.Text()
		}
		lines := map[int]bool{} // lines holding a string of a table
		n := 0
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				doc := ""
				if vs.Doc != nil {
					doc = vs.Doc.Text()
				} else if gd.Doc != nil && len(gd.Specs) == 1 {
					doc = gd.Doc.Text()
				}
				for i, v := range vs.Values {
					ast.Inspect(v, func(nd ast.Node) bool {
						cl, ok := nd.(*ast.CompositeLit)
						if !ok {
							return true
						}
						at, ok := cl.Type.(*ast.ArrayType)
						if !ok || !isStringIdent(at.Elt) {
							return true
						}
						open := fset.Position(cl.Lbrace).Line
						for _, e := range cl.Elts {
							lit, ok := e.(*ast.BasicLit)
							if !ok || lit.Kind != token.STRING {
								continue
							}
							n++
							checkCited(t, fset, file, vs.Names[i].Name, doc, open, lit, endsOn, lines)
						}
						return false
					})
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no table of wordings found", file)
		}
	}
}

// checkCited reports a table's string lit whose covering comment
// (citation) is missing or names no source; it records lit's line in lines.
func checkCited(t *testing.T, fset *token.FileSet, file, table, doc string, open int, lit *ast.BasicLit, endsOn map[int]string, lines map[int]bool) {
	t.Helper()
	line := fset.Position(lit.Pos()).Line
	lines[line] = true
	why := citation(line, open, doc, endsOn, lines)
	switch {
	case why == "":
		t.Errorf("%s:%d: %s %s has no comment citing its source", file, line, table, lit.Value)
	case !sourceRef.MatchString(why):
		t.Errorf("%s:%d: %s %s: its comment names no source: %q", file, line, table, lit.Value, why)
	}
}

// citation returns the comment that covers a table's string on line: one
// ending on that line (beside it), or one ending on the line above it or
// above a run of lines of the same table's strings (a comment heading a
// group, not one beside another string), or the table's doc comment for the strings that open it (on
// the line of its brace or below it, with no comment between).
func citation(line, open int, doc string, endsOn map[int]string, lines map[int]bool) string {
	for l := line; l > 0; l-- {
		if c, ok := endsOn[l]; ok {
			if l < line && lines[l] {
				return "" // the comment beside another string covers that one only
			}
			return c
		}
		if l == open {
			return doc
		}
		if l < line && !lines[l] {
			return ""
		}
	}
	return ""
}

func isStringIdent(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "string" && !strings.Contains(id.Name, ".")
}

// TestRulesCiteSources holds rules.go's own tables to the same rule: the
// provider codes and status ranges, the registry's descriptions, the
// decisive codes, and the words given inline to the wording detectors
// (their phrases, unless and status lists), each string cited beside it or
// by the comment heading its group.
func TestRulesCiteSources(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "rules.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	endsOn := map[int]string{}
	for _, cg := range f.Comments {
		endsOn[fset.Position(cg.End()).Line] = cg.Text()
	}
	lines := map[int]bool{}
	n := 0
	check := func(name, doc string, table *ast.CompositeLit) {
		open := fset.Position(table.Lbrace).Line
		ast.Inspect(table, func(nd ast.Node) bool {
			lit, ok := nd.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			n++
			checkCited(t, fset, "rules.go", name, doc, open, lit, endsOn, lines)
			return false
		})
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok || d.Tok != token.VAR {
					continue
				}
				doc := ""
				if d.Doc != nil {
					doc = d.Doc.Text()
				}
				for i, v := range vs.Values {
					if cl, ok := v.(*ast.CompositeLit); ok {
						check(vs.Names[i].Name, doc, cl)
					}
				}
			}
		case *ast.FuncDecl:
			if d.Name.Name != "buildRules" {
				continue
			}
			ast.Inspect(d.Body, func(nd ast.Node) bool {
				cl, ok := nd.(*ast.CompositeLit)
				if !ok {
					return true
				}
				check("buildRules", "", cl)
				return false
			})
		}
	}
	if n < 100 {
		t.Fatalf("rules.go: %d strings found; the tables moved?", n)
	}
}
