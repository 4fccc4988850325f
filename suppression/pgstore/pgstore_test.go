package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mxkit/mxkit/internal/testenv"
	"github.com/mxkit/mxkit/suppression"
	"github.com/mxkit/mxkit/suppression/pgstore"
	"github.com/mxkit/mxkit/suppression/suppressiontest"
)

// openTemp opens a store in a new schema that is dropped after the test.
func openTemp(t testing.TB) (*pgstore.Store, string) {
	t.Helper()
	_, schema := testenv.PostgresSchema(t, "mxs_test_")
	return open(t, schema), schema
}

// open opens another handle on schema, closed after the test.
func open(t testing.TB, schema string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), testenv.PostgresDSN(t), &pgstore.Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	suppressiontest.Run(t, func(t *testing.T) suppression.Store {
		s, _ := openTemp(t)
		return s
	})
}

func TestWatch(t *testing.T) {
	suppressiontest.RunWatch(t, func(t *testing.T) (suppression.Store, suppression.Store) {
		a, schema := openTemp(t)
		return a, open(t, schema)
	})
}

// The List follows a change feed that breaks: the listening connection is
// killed, an entry is added meanwhile, and the List has it once it has
// listened again and reloaded.
func TestWatchReconnects(t *testing.T) {
	ctx := context.Background()
	a, schema := openTemp(t)
	b := open(t, schema)
	l, err := suppression.New(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	conn, err := pgx.Connect(ctx, testenv.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Kill the listener, then add while it is (probably) away.
	tag, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'mxkit-suppression-watch' AND query LIKE 'LISTEN %'||$1||'%'`, schema)
	if err != nil || tag.RowsAffected() == 0 {
		t.Fatalf("terminating the listener: %v (%d rows)", err, tag.RowsAffected())
	}
	if err := a.Put(ctx, suppression.Entry{Address: "late@example.com", Reason: suppression.Manual, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := l.Check("", "late@example.com"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the entry added while the feed was down never reached the List")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A bulk Put is announced as one reload.
func TestBulkPut(t *testing.T) {
	ctx := context.Background()
	a, schema := openTemp(t)
	la, err := suppression.New(ctx, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer la.Close()
	lb, err := suppression.New(ctx, open(t, schema), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	var csv strings.Builder
	csv.WriteString("address,reason\n")
	for i := range 1500 {
		fmt.Fprintf(&csv, "u%d@bulk.example,manual\n", i)
	}
	res, err := la.Import(ctx, strings.NewReader(csv.String()))
	if err != nil || res.Added != 1500 {
		t.Fatalf("Import: %+v, %v", res, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for lb.Len() != 1500 {
		if time.Now().After(deadline) {
			t.Fatalf("the other List has %d of 1500 imported entries", lb.Len())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
