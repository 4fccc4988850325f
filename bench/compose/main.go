// Command compose compares sending with mxkit (compose and mxkit.Sender)
// with github.com/wneessen/go-mail v0.8.1 (issue 14), in the same run:
//
//   - Lines of code for one job: an order confirmation with text and HTML
//     alternatives and a PDF attachment, signed with DKIM, delivered
//     straight to the recipient's MX, with the recipient's outcome printed
//     (mxkit.go against gomail.go: the lines of each job function that are
//     neither blank nor comments). Both jobs run first against a DNS
//     server and a mail server on loopback, which checks that the message
//     arrived, that go-msgauth verifies its signature and that the PDF is
//     intact, and that a refused recipient is reported failed.
//
//   - Building and writing a message with a 1 MB attachment (text, HTML,
//     PDF, no DKIM): compose.Message.WriteTo against go-mail's
//     Msg.WriteTo, time and allocations per message (testing.Benchmark,
//     the two sides alternating for -rounds rounds, medians).
//
//     cd bench && GOWORK=off go run ./compose [-rounds 5]
package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	msgauth "github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
	gomail "github.com/wneessen/go-mail"

	"github.com/mxkit/mxkit/compose"
	"github.com/mxkit/mxkit/dkim"
	"github.com/mxkit/mxkit/resolver/resolvertest"
)

// job is what both versions are given.
type job struct {
	From, To, Domain string // Domain: the From domain, DKIM d=
	Selector         string
	Key              crypto.Signer
	Hostname         string // EHLO
	PDF              []byte
	DNS              string // "127.0.0.1:port" of the DNS server (loopback here)
	Port             int    // the MX port (25 in real use)
	Out              io.Writer
}

func main() {
	rounds := flag.Int("rounds", 5, "rounds of the WriteTo benchmark")
	flag.Parse()
	lines()
	check()
	writeTo(*rounds)
}

// lines counts the lines of the two job functions.
func lines() {
	dir := "."
	if _, err := os.Stat("mxkit.go"); err != nil {
		dir = "compose" // run from bench/
	}
	count := func(file, fn string) int {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, filepath.Join(dir, file), nil, 0)
		if err != nil {
			log.Fatal(err)
		}
		src, _ := os.ReadFile(filepath.Join(dir, file))
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == fn {
				text := string(src[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset])
				n := 0
				for l := range strings.SplitSeq(text, "\n") {
					if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "//") {
						n++
					}
				}
				return n
			}
		}
		log.Fatalf("%s has no func %s", file, fn)
		return 0
	}
	m, g := count("mxkit.go", "sendWithMxkit"), count("gomail.go", "sendWithGoMail")
	fmt.Printf("Lines of code for the job (text + HTML + PDF + DKIM + direct to MX + outcome):\n")
	fmt.Printf("  mxkit (compose, mxkit.Sender)  %3d lines\n  go-mail v0.8.1 + net.Resolver  %3d lines\n\n", m, g)
}

// check runs both jobs against DNS and a mail server on loopback.
func check() {
	key, err := dkim.GenerateKey("ed25519")
	if err != nil {
		log.Fatal(err)
	}
	txt, err := dkim.TXTRecord(key.Public())
	if err != nil {
		log.Fatal(err)
	}
	dns, err := resolvertest.Start(`s1._domainkey.shop.example. TXT "` + strings.Join(txt, `" "`) + `"
example.net.    MX 10 mx.example.net.
mx.example.net. A  127.0.0.1
`)
	if err != nil {
		log.Fatal(err)
	}
	defer dns.Close()
	mx := &sink{}
	port := mx.start()
	defer mx.srv.Close()
	pdf := make([]byte, 200<<10)
	rand.Read(pdf)

	for _, impl := range []struct {
		name string
		send func(context.Context, *job) error
	}{{"mxkit", sendWithMxkit}, {"go-mail", sendWithGoMail}} {
		for _, to := range []string{"alice@example.net", "unknown@example.net"} {
			var out bytes.Buffer
			j := &job{From: "orders@shop.example", To: to, Domain: "shop.example", Selector: "s1", Key: key,
				Hostname: "mail.shop.example", PDF: pdf, DNS: dns.Addr(), Port: port, Out: &out}
			before := len(mx.messages())
			err := impl.send(context.Background(), j)
			printed := strings.TrimSpace(out.String())
			if strings.HasPrefix(to, "unknown") {
				if err == nil || !strings.HasPrefix(printed, to+" failed") {
					log.Fatalf("%s: refused recipient printed %q (error %v), want it reported failed", impl.name, printed, err)
				}
				continue
			}
			msgs := mx.messages()
			if err != nil || len(msgs) != before+1 || !strings.HasPrefix(printed, to+" delivered") {
				log.Fatalf("%s: %v, printed %q, %d messages received", impl.name, err, printed, len(msgs)-before)
			}
			verify(impl.name, msgs[len(msgs)-1], pdf, dns)
			fmt.Printf("  %-8s %s: delivered, go-msgauth verifies the signature, the PDF arrived intact\n", impl.name, to)
		}
		fmt.Printf("  %-8s unknown@example.net: reported failed (550 at RCPT)\n", impl.name)
	}
	fmt.Println()
}

func verify(name string, msg []byte, pdf []byte, dns *resolvertest.Server) {
	vs, err := msgauth.VerifyWithOptions(bytes.NewReader(msg), &msgauth.VerifyOptions{
		LookupTXT: func(n string) ([]string, error) {
			txt, _, err := dns.Client().LookupTXT(context.Background(), n)
			return txt, err
		},
	})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		log.Fatalf("%s: DKIM: %v %+v", name, err, vs)
	}
	mr, err := mail.CreateReader(bytes.NewReader(msg))
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			log.Fatalf("%s: no PDF attachment: %v", name, err)
		}
		if h, ok := p.Header.(*mail.AttachmentHeader); ok {
			fn, _ := h.Filename()
			got, _ := io.ReadAll(p.Body)
			if fn != "invoice.pdf" || !bytes.Equal(got, pdf) {
				log.Fatalf("%s: attachment %q of %d octets, want invoice.pdf of %d", name, fn, len(got), len(pdf))
			}
			return
		}
	}
}

// sink is the recipient's MX: a go-smtp server on loopback that refuses
// local parts starting with "unknown".
type sink struct {
	srv  *smtp.Server
	mu   sync.Mutex
	msgs [][]byte
}

func (s *sink) start() int {
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s}, nil }))
	s.srv.Domain = "mx.example.net"
	s.srv.MaxMessageBytes = 64 << 20
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go s.srv.Serve(l)
	return l.Addr().(*net.TCPAddr).Port
}

func (s *sink) messages() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

type session struct{ s *sink }

func (session) Reset()                               {}
func (session) Logout() error                        { return nil }
func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "unknown") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	return nil
}
func (ss session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, b)
	ss.s.mu.Unlock()
	return err
}

// writeTo times building and writing the same message with a 1 MB
// attachment with each library.
func writeTo(rounds int) {
	pdf := make([]byte, 1<<20)
	rand.Read(pdf)
	benches := []struct {
		name string
		fn   func(b *testing.B)
	}{
		{"mxkit compose", func(b *testing.B) {
			for b.Loop() {
				m := &compose.Message{
					From:        compose.Mailbox{Name: "Shop", Address: "orders@shop.example"},
					To:          []compose.Mailbox{{Address: "alice@example.net"}},
					Subject:     "Your order has shipped",
					Text:        "It is on its way.",
					HTML:        "<p>It is on its way.</p>",
					Attachments: []compose.Attachment{{Filename: "invoice.pdf", Content: bytes.NewReader(pdf)}},
				}
				if _, err := m.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"go-mail v0.8.1", func(b *testing.B) {
			for b.Loop() {
				m := gomail.NewMsg()
				if err := m.FromFormat("Shop", "orders@shop.example"); err != nil {
					b.Fatal(err)
				}
				if err := m.To("alice@example.net"); err != nil {
					b.Fatal(err)
				}
				m.Subject("Your order has shipped")
				m.SetBodyString(gomail.TypeTextPlain, "It is on its way.")
				m.AddAlternativeString(gomail.TypeTextHTML, "<p>It is on its way.</p>")
				if err := m.AttachReader("invoice.pdf", bytes.NewReader(pdf)); err != nil {
					b.Fatal(err)
				}
				if _, err := m.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
	type figures struct{ ns, allocs, bytes []float64 }
	res := make([]figures, len(benches))
	for range rounds {
		for i, bm := range benches {
			runtime.GC()
			r := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); bm.fn(b) })
			res[i].ns = append(res[i].ns, float64(r.NsPerOp()))
			res[i].allocs = append(res[i].allocs, float64(r.AllocsPerOp()))
			res[i].bytes = append(res[i].bytes, float64(r.AllocedBytesPerOp()))
		}
	}
	median := func(v []float64) float64 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[len(s)/2]
	}
	fmt.Printf("Build and write a message with a 1 MB attachment (median of %d rounds, %s):\n", rounds, time.Now().Format("2006-01-02"))
	fmt.Printf("  %-16s %12s %10s %12s %12s\n", "", "time/msg", "MB/s", "allocs/msg", "bytes/msg")
	for i, bm := range benches {
		ns := median(res[i].ns)
		fmt.Printf("  %-16s %10.2f ms %10.0f %12.0f %12.0f\n", bm.name, ns/1e6, float64(len(pdf))/ns*1e3, median(res[i].allocs), median(res[i].bytes))
	}
	fmt.Printf("  go-mail ÷ mxkit: %.2f× the time, %.1f× the allocations, %.1f× the bytes allocated\n",
		median(res[1].ns)/median(res[0].ns), median(res[1].allocs)/median(res[0].allocs), median(res[1].bytes)/median(res[0].bytes))
}
