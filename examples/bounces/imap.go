package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// imapBox is a selected IMAP mailbox.
type imapBox struct {
	c     *client.Client
	after string // "delete" or "move:FOLDER"
}

// dialIMAP connects (implicit TLS, or STARTTLS that must succeed), logs
// in and selects box.
func dialIMAP(ctx context.Context, addr string, implicit bool, tlsConf *tls.Config, timeout time.Duration,
	user, password, box, after string) (*imapBox, error) {
	d := &net.Dialer{Timeout: timeout}
	var c *client.Client
	var err error
	if implicit {
		c, err = client.DialWithDialerTLS(d, addr, tlsConf)
	} else {
		c, err = client.DialWithDialer(d, addr)
	}
	if err != nil {
		return nil, fmt.Errorf("imap: %s: %w", addr, err)
	}
	c.Timeout = timeout
	c.ErrorLog = log.New(io.Discard, "", 0) // errors come back from the calls
	stop := context.AfterFunc(ctx, func() { c.Terminate() })
	defer stop()
	fail := func(err error) (*imapBox, error) {
		c.Terminate()
		return nil, fmt.Errorf("imap: %s: %w", addr, err)
	}
	if !implicit {
		// RFC 3501 §6.2.1: no password over a connection that STARTTLS
		// did not protect.
		ok, err := c.SupportStartTLS()
		if err != nil {
			return fail(err)
		}
		if !ok {
			return fail(errors.New("the server does not offer STARTTLS"))
		}
		if err := c.StartTLS(tlsConf); err != nil {
			return fail(err)
		}
	}
	if err := c.Login(user, password); err != nil {
		return fail(fmt.Errorf("login as %s: %w", user, err))
	}
	if folder, ok := strings.CutPrefix(after, "move:"); ok {
		// Make the folder if it is not there; an error here (it exists)
		// is left for the MOVE to report if it matters.
		_ = c.Create(folder)
	}
	if _, err := c.Select(box, false); err != nil {
		return fail(fmt.Errorf("select %s: %w", box, err))
	}
	return &imapBox{c: c, after: after}, nil
}

// fetchBatch is how many messages one UID FETCH asks for.
const fetchBatch = 50

func (b *imapBox) each(ctx context.Context, fn func(id string, msg []byte) error) error {
	stop := context.AfterFunc(ctx, func() { b.c.Terminate() })
	defer stop()
	uids, err := b.c.UidSearch(imap.NewSearchCriteria())
	if err != nil {
		return fmt.Errorf("imap: search: %w", err)
	}
	// The message, or its first maxMessage octets: what the parser reads.
	section := &imap.BodySectionName{Peek: true, Partial: []int{0, maxMessage}}
	items := []imap.FetchItem{imap.FetchUid, section.FetchItem()}
	for start := 0; start < len(uids); start += fetchBatch {
		set := new(imap.SeqSet)
		set.AddNum(uids[start:min(start+fetchBatch, len(uids))]...)
		ch := make(chan *imap.Message, fetchBatch)
		done := make(chan error, 1)
		go func() { done <- b.c.UidFetch(set, items, ch) }()
		var ferr error
		for m := range ch {
			if ferr != nil {
				continue // drain
			}
			body := m.GetBody(section)
			if body == nil {
				ferr = fmt.Errorf("imap: UID %d: no body in the answer", m.Uid)
				continue
			}
			raw, err := io.ReadAll(body)
			if err != nil {
				ferr = err
				continue
			}
			ferr = fn(strconv.FormatUint(uint64(m.Uid), 10), raw)
		}
		if err := <-done; err != nil {
			return fmt.Errorf("imap: fetch: %w", err)
		}
		if ferr != nil {
			return ferr
		}
	}
	return ctx.Err()
}

func (b *imapBox) done(ctx context.Context, ids []string) error {
	stop := context.AfterFunc(ctx, func() { b.c.Terminate() })
	defer stop()
	set := new(imap.SeqSet)
	for _, id := range ids {
		uid, err := strconv.ParseUint(id, 10, 32)
		if err != nil {
			return err
		}
		set.AddNum(uint32(uid))
	}
	if folder, ok := strings.CutPrefix(b.after, "move:"); ok {
		// RFC 6851 MOVE, or COPY, STORE \Deleted and EXPUNGE where the
		// server lacks it.
		if err := b.c.UidMove(set, folder); err != nil {
			return fmt.Errorf("imap: move to %s: %w", folder, err)
		}
		return nil
	}
	flags := []any{imap.DeletedFlag}
	if err := b.c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), flags, nil); err != nil {
		return fmt.Errorf("imap: store \\Deleted: %w", err)
	}
	if err := b.c.Expunge(nil); err != nil {
		return fmt.Errorf("imap: expunge: %w", err)
	}
	return nil
}

func (b *imapBox) close() error {
	err := b.c.Logout()
	if errors.Is(err, client.ErrAlreadyLoggedOut) {
		return nil
	}
	return err
}
