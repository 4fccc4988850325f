package suppression_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mxkit/mxkit/suppression"
)

func TestCSVRoundTrip(t *testing.T) {
	l := newList(t, nil)
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 6e6, time.UTC)
	want := []suppression.Entry{
		{Address: "a@example.com", Reason: suppression.HardBounce, Created: t0,
			Evidence: suppression.Evidence{Status: "5.1.1", Diagnostic: "550 5.1.1 \"no\", such user\nsecond line"}},
		{Address: "jörg@xn--bcher-kva.example", Tenant: "acme, inc", Reason: suppression.Unsubscribe, Created: t0,
			Expires: t0.Add(time.Hour), Evidence: suppression.Evidence{List: "news"}},
		{Address: "example.net", Reason: suppression.Manual, Created: t0},
	}
	for _, e := range want {
		add(t, l, e)
	}
	var buf bytes.Buffer
	if err := l.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	// The export is RFC 4180 CSV that encoding/csv reads back, with the
	// documented header.
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil || len(rows) != 4 || strings.Join(rows[0], ",") != "address,tenant,reason,created,expires,evidence" {
		t.Fatalf("export: %v, %q", err, rows)
	}
	l2 := newList(t, nil)
	res, err := l2.Import(ctx, &buf)
	if err != nil || res.Added != 3 || res.Rejected != 0 {
		t.Fatalf("Import: %+v, %v", res, err)
	}
	for _, w := range want {
		got, err := l2.Get(ctx, w.Tenant, w.Address)
		if err != nil {
			t.Fatalf("Get %s: %v", w.Address, err)
		}
		if !got.Created.Equal(w.Created) || !got.Expires.Equal(w.Expires) {
			t.Errorf("%s: times %v %v, want %v %v", w.Address, got.Created, got.Expires, w.Created, w.Expires)
		}
		got.Created, got.Expires = w.Created, w.Expires
		if !reflect.DeepEqual(got, w) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, w)
		}
		if _, ok := l2.Check(w.Tenant, "x@example.net"); !ok {
			t.Error("imported domain entry does not suppress")
		}
	}
}

func TestImportBadRows(t *testing.T) {
	in := "Email,Reason\r\n" +
		"ok1@example.com,complaint\r\n" +
		"not an address,manual\r\n" +
		"OK2@Example.com,\r\n" +
		"bad@example.com,nope\r\n" +
		"\r\n" +
		"\"unterminated@example.com,manual\r\n"
	l := newList(t, nil)
	res, err := l.Import(ctx, strings.NewReader(in))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if res.Added != 2 || res.Rejected != 3 || len(res.Errors) != 3 {
		t.Fatalf("result %+v, want 2 added and 3 rejected", res)
	}
	for i, line := range []int{3, 5, 7} {
		if res.Errors[i].Line != line || !errors.Is(res.Errors[i], suppression.ErrInvalid) && i < 2 {
			t.Errorf("error %d: %v, want line %d", i, res.Errors[i], line)
		}
	}
	if m, ok := l.Check("", "ok2@example.com"); !ok || m.Reason != suppression.Manual {
		t.Errorf("row without a reason: %+v %v, want manual", m, ok)
	}
	for _, bad := range []string{"", "reason,tenant\nmanual,\n", "address,colour\na@example.com,red\n", "address,address\n"} {
		if _, err := l.Import(ctx, strings.NewReader(bad)); err == nil {
			t.Errorf("Import(%q) took a bad header", bad)
		}
	}
	long := "address\n" + strings.Repeat("a", 100<<10) + "@example.com\n"
	if _, err := l.Import(ctx, strings.NewReader(long)); !errors.Is(err, suppression.ErrInvalid) {
		t.Errorf("a 100 KB line: %v", err)
	}
}
