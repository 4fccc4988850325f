package mxkit

import (
	"os"
	"strings"
	"testing"
)

// TestStartHere checks that the "start here" blocks of README.md and doc.go
// are the code the package Example compiles and runs: each line of a
// block is a line of the Example, in the same order (the Example has a
// few more, which point it at its loopback DNS and mail server).
func TestStartHere(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	start := strings.Index(body, "func Example() {")
	end := strings.Index(body[start:], "\n}\n")
	if start < 0 || end < 0 {
		t.Fatal("no func Example in example_test.go")
	}
	example := strings.Split(body[start:start+end], "\n")

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(readme), "## Start here")
	_, after, _ = strings.Cut(after, "```go\n")
	block, _, ok := strings.Cut(after, "```")
	if !ok {
		t.Fatal(`README.md has no go block under "## Start here"`)
	}
	checkSubsequence(t, "README.md", strings.Split(block, "\n"), example)

	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ = strings.Cut(string(doc), "// # Start here")
	var lines []string
	in := false
	for l := range strings.SplitSeq(after, "\n") {
		code, isCode := strings.CutPrefix(l, "//\t")
		switch {
		case isCode:
			lines, in = append(lines, code), true
		case in && l != "//":
			checkSubsequence(t, "doc.go", lines, example)
			return
		}
	}
	t.Fatal(`doc.go has no code block under "# Start here"`)
}

func checkSubsequence(t *testing.T, name string, block, example []string) {
	t.Helper()
	n := 0
	i := 0
	for _, l := range block {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		for i < len(example) && strings.TrimSpace(example[i]) != l {
			i++
		}
		if i == len(example) {
			t.Errorf("%s: start-here line %q is not in the Example (in this order)", name, l)
			return
		}
		n++
	}
	if n < 10 {
		t.Errorf("%s: the start-here block has %d lines of code", name, n)
	}
}
