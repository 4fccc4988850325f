package dmarc

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoRouting keeps the evaluator free of the mx package: a build that
// evaluates DMARC must not carry MTA-STS policy fetching and DANE (the
// domain audit, which needs them, lives in package audit).
func TestNoRouting(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/mxkit/mxkit/mx" || dep == "github.com/mxkit/mxkit/audit" {
			t.Errorf("dmarc depends on %s", dep)
		}
	}
}
