package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mxkit/mxkit/queue"
	"github.com/mxkit/mxkit/suppression"
)

// SendReply is the answer to POST /api/send: the queue ID, and the
// recipients refused at intake (suppressed, or undeliverable) that the
// message was not queued for.
type SendReply struct {
	ID      string    `json:"id"`
	Refused []Refusal `json:"refused,omitempty"`
	// Unverified are recipients queued although their address check
	// (reputation.verify) did not finish in time: delivery will tell.
	Unverified []string `json:"unverified,omitempty"`
}

// UnsubscribeRequest asks POST /api/send to add RFC 8058 one-click
// unsubscribe fields (List-Unsubscribe with a signed link, and
// List-Unsubscribe-Post) for its one recipient, for List ("" for all of
// the tenant's mail).
type UnsubscribeRequest struct {
	List string `json:"list"`
}

// routes adds the reputation endpoints: the public one-click unsubscribe
// path, and the suppression, shaping and blocklist API.
func (r *reputation) routes(mux *http.ServeMux) {
	m := r.m
	if r.list != nil {
		if r.signer != nil {
			u, _ := url.Parse(r.unsubURL) // checked by LoadConfig
			// Public: the mailbox provider POSTs here (RFC 8058 §3.2);
			// the signed token is all there is to go on.
			mux.Handle(u.Path, r.unsubscribeHandler())
			mux.HandleFunc("GET /api/unsubscribe-url", m.authAPI(r.handleUnsubscribeURL))
		}
		mux.HandleFunc("GET /api/suppressions", m.authAPI(r.handleLookup))
		mux.HandleFunc("POST /api/suppressions", m.authAPI(r.handleAdd))
		mux.HandleFunc("DELETE /api/suppressions", m.authAPI(r.handleRemove))
		mux.HandleFunc("GET /api/suppressions/export", m.authAPI(operatorOnly(r.handleExport)))
		mux.HandleFunc("POST /api/suppressions/import", m.authAPI(operatorOnly(r.handleImport)))
	}
	if r.shaper != nil {
		mux.HandleFunc("GET /api/shaping", m.authAPI(operatorOnly(r.handleShaping)))
	}
	if r.monitor != nil {
		mux.HandleFunc("GET /api/blocklists", m.authAPI(operatorOnly(r.handleBlocklists)))
	}
}

// screenRequest takes out of env the recipients that may not be mailed
// (see screenAll) and returns them, and the recipients kept whose check
// did not finish. When none is left it answers, and returns false:
// nothing is queued. The answer is 422 with the reasons, or 503 when a
// refusal is temporary (a check that did not finish, with
// reputation.verify.unverified "defer"): the request may be repeated.
func (r *reputation) screenRequest(w http.ResponseWriter, req *http.Request, env *queue.Envelope) (refused []Refusal, unverified []string, ok bool) {
	rcpts := make([]string, len(env.Recipients))
	for i, rc := range env.Recipients {
		rcpts[i] = rc.Addr
	}
	refusals, unchecked := r.screenAll(req.Context(), env.Tenant, rcpts)
	keep := env.Recipients[:0:0]
	temporary := false
	for i, rc := range env.Recipients {
		switch {
		case refusals[i] != nil:
			refused = append(refused, *refusals[i])
			temporary = temporary || refusals[i].Code < 500
		case unchecked[i]:
			unverified = append(unverified, rc.Addr)
			fallthrough
		default:
			keep = append(keep, rc)
		}
	}
	if len(refused) == 0 {
		return nil, unverified, true
	}
	if len(keep) == 0 {
		code := http.StatusUnprocessableEntity
		if temporary {
			code = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", strconv.Itoa(int(time.Duration(r.m.cfg.Reputation.Verify.Timeout).Seconds())+1))
		}
		writeJSON(w, code, map[string]any{"error": refused[0].Message, "refused": refused})
		return refused, nil, false
	}
	env.Recipients = keep
	return refused, unverified, true
}

// withUnsubscribe puts RFC 8058 one-click unsubscribe fields for env's
// one recipient before the header of raw, for tenant's mail; they are
// then signed with the rest (DKIM signs both fields).
func (r *reputation) withUnsubscribe(tenant string, u *UnsubscribeRequest, env *queue.Envelope, raw []byte) ([]byte, error) {
	if u == nil {
		return raw, nil
	}
	switch {
	case r.signer == nil:
		return nil, errors.New("unsubscribe: reputation.suppression.unsubscribe_url is not configured")
	case len(env.Recipients) != 1:
		return nil, errors.New("unsubscribe: the link names one recipient: send one message per recipient")
	case hasField(raw, "List-Unsubscribe") || hasField(raw, "List-Unsubscribe-Post"):
		return nil, errors.New("unsubscribe: the message has List-Unsubscribe fields of its own")
	case !validList(u.List):
		return nil, errListName
	}
	link, err := r.signer.URL(r.unsubURL, suppression.Subscription{Tenant: tenant, Address: env.Recipients[0].Addr, List: u.List})
	if err != nil {
		return nil, fmt.Errorf("unsubscribe: %w", err)
	}
	// RFC 2369 §3.2 and RFC 8058 §3.1.
	fields := "List-Unsubscribe: <" + link + ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
	return append([]byte(fields), raw...), nil
}

// errListName refuses a list name that would make links too long.
var errListName = fmt.Errorf("unsubscribe: a list name is at most %d printable characters", maxListName)

// maxListName bounds list names: they travel in every link.
const maxListName = 100

func validList(l string) bool {
	return len(l) <= maxListName && !strings.ContainsFunc(l, func(r rune) bool { return r < ' ' || r == 0x7f })
}

// hasField reports whether the header of msg has a field named name.
func hasField(msg []byte, name string) bool {
	for len(msg) > 0 {
		line, rest, _ := bytes.Cut(msg, []byte("\n"))
		if len(bytes.TrimRight(line, "\r")) == 0 {
			return false // the end of the header
		}
		if n, _, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(bytes.TrimRight(n, " \t"), []byte(name)) {
			return true
		}
		msg = rest
	}
	return false
}

// tenantFor returns the tenant an API request acts for: the login's; the
// operator names one with given ("" for all tenants), which must be a
// user's name. A user naming another tenant is refused.
func (r *reputation) tenantFor(req *http.Request, given string) (string, int, error) {
	login := loginOf(req)
	switch {
	case login != nil && given != "" && given != login.tenant():
		return "", http.StatusForbidden, errors.New("tenant: not this login's")
	case login != nil:
		return login.tenant(), 0, nil
	case given != "" && r.m.users[given] == nil:
		return "", http.StatusBadRequest, fmt.Errorf("tenant %q: no such user", given)
	}
	return given, 0, nil
}

// entryJSON is a suppression entry as the API shows it.
type entryJSON struct {
	Address  string                `json:"address"`
	Scope    string                `json:"scope"` // the tenant, or "all"
	Reason   string                `json:"reason"`
	Created  time.Time             `json:"created,omitzero"`
	Expires  time.Time             `json:"expires,omitzero"`
	Evidence *suppression.Evidence `json:"evidence,omitempty"`
}

func entryOf(e suppression.Entry) entryJSON {
	j := entryJSON{Address: e.Address, Scope: scopeOf(e.Tenant), Reason: string(e.Reason), Created: e.Created, Expires: e.Expires}
	if e.Evidence != (suppression.Evidence{}) {
		j.Evidence = &e.Evidence
	}
	return j
}

// handleLookup answers GET /api/suppressions?address=a: whether mail to
// a is suppressed for the tenant, and by which entry (404 if not). A user
// sees the evidence of its own entries only: an entry for all tenants may
// come from another's mail.
func (r *reputation) handleLookup(w http.ResponseWriter, req *http.Request) {
	tenant, code, err := r.tenantFor(req, req.URL.Query().Get("tenant"))
	if err != nil {
		jsonError(w, code, err.Error())
		return
	}
	addr := req.URL.Query().Get("address")
	mt, ok := r.list.Check(tenant, addr)
	if !ok {
		jsonError(w, http.StatusNotFound, "not suppressed")
		return
	}
	e, err := r.list.Get(req.Context(), mt.Tenant, mt.Address)
	if err != nil {
		e = suppression.Entry{Address: mt.Address, Tenant: mt.Tenant, Reason: mt.Reason, Expires: mt.Expires}
	}
	j := entryOf(e)
	if loginOf(req) != nil && mt.Tenant == "" {
		j.Evidence = nil
	}
	writeJSON(w, http.StatusOK, j)
}

// AddRequest is the body of POST /api/suppressions.
type AddRequest struct {
	Address string    `json:"address"` // a mailbox, or a domain
	Tenant  string    `json:"tenant,omitempty"`
	Reason  string    `json:"reason,omitempty"` // default manual
	Note    string    `json:"note,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
}

// handleAdd suppresses an address or domain for the login's tenant (the
// operator's: the tenant named, or all). A user's request leaves an entry
// in force that the recipient asked for as it is.
func (r *reputation) handleAdd(w http.ResponseWriter, req *http.Request) {
	var a AddRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		jsonError(w, http.StatusBadRequest, "request: "+err.Error())
		return
	}
	tenant, code, err := r.tenantFor(req, a.Tenant)
	if err != nil {
		jsonError(w, code, err.Error())
		return
	}
	reason := suppression.Reason(a.Reason)
	if a.Reason == "" {
		reason = suppression.Manual
	}
	if !reason.Valid() {
		jsonError(w, http.StatusBadRequest, "reason: want hard-bounce, soft-bounce, complaint, unsubscribe, invalid-address or manual")
		return
	}
	if loginOf(req) != nil {
		r.userAdds.Lock()
		defer r.userAdds.Unlock()
		// One tenant's additions must not fill the memory every tenant
		// shares.
		if max := r.m.cfg.Reputation.Suppression.MaxUserEntries; max > 0 && r.list.Count(tenant) >= max {
			jsonError(w, http.StatusForbidden, fmt.Sprintf("the tenant has %d suppression entries, the most reputation.suppression.max_user_entries lets users add to", max))
			return
		}
		// An entry the recipient asked for stays as it is: replaced by a
		// manual one, it could then be removed as the user's own.
		if old, err := r.list.Get(req.Context(), tenant, a.Address); err == nil && recipientAsked(old.Reason) &&
			(old.Expires.IsZero() || old.Expires.After(time.Now())) {
			writeJSON(w, http.StatusOK, map[string]any{"entry": entryOf(old), "added": false})
			return
		}
	}
	e, added, err := r.list.Add(req.Context(), suppression.Entry{Address: a.Address, Tenant: tenant, Reason: reason,
		Evidence: suppression.Evidence{Note: a.Note}, Expires: a.Expires})
	switch {
	case errors.Is(err, suppression.ErrInvalid):
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		r.log.Error("suppression: adding", "err", err)
		jsonError(w, http.StatusServiceUnavailable, "suppression store unavailable")
		return
	}
	if added {
		r.added("api", e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entry": entryOf(e), "added": added})
}

// recipientAsked reports whether entries of reason are the recipient's
// wish (a complaint, an unsubscribe): only the operator removes or
// replaces them.
func recipientAsked(reason suppression.Reason) bool {
	return reason == suppression.Complaint || reason == suppression.Unsubscribe
}

// handleRemove deletes the tenant's entry for an address or domain. Only
// the operator removes complaints and unsubscribes: the recipient asked
// for them.
func (r *reputation) handleRemove(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	tenant, code, err := r.tenantFor(req, q.Get("tenant"))
	if err != nil {
		jsonError(w, code, err.Error())
		return
	}
	addr, err := suppression.Normalize(q.Get("address"))
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	if loginOf(req) != nil {
		// The entry checked is the entry removed: a recipient's wish
		// replacing it meanwhile (prevail) waits.
		r.userAdds.Lock()
		defer r.userAdds.Unlock()
	}
	e, err := r.list.Get(req.Context(), tenant, addr)
	switch {
	case errors.Is(err, suppression.ErrNotFound):
		jsonError(w, http.StatusNotFound, "no such entry for this tenant")
		return
	case err != nil:
		jsonError(w, http.StatusServiceUnavailable, "suppression store unavailable")
		return
	case loginOf(req) != nil && recipientAsked(e.Reason):
		jsonError(w, http.StatusForbidden, "the recipient complained or unsubscribed: only the operator can remove this entry")
		return
	}
	if err := r.list.Remove(req.Context(), tenant, addr); err != nil && !errors.Is(err, suppression.ErrNotFound) {
		jsonError(w, http.StatusServiceUnavailable, "suppression store unavailable")
		return
	}
	r.log.Info("suppression: removed", "address", addr, "tenant", tenant, "reason", e.Reason)
	writeJSON(w, http.StatusOK, map[string]any{"removed": entryOf(e)})
}

// handleExport writes every entry as CSV (suppression.List.Export).
func (r *reputation) handleExport(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	if err := r.list.Export(req.Context(), w); err != nil {
		r.log.Error("suppression: export", "err", err)
	}
}

// maxImport bounds an import's body: about two million rows.
const maxImport = 256 << 20

// handleImport reads entries as CSV (suppression.List.Import).
func (r *reputation) handleImport(w http.ResponseWriter, req *http.Request) {
	res, err := r.list.Import(req.Context(), http.MaxBytesReader(w, req.Body, maxImport))
	out := map[string]any{"added": res.Added, "rejected": res.Rejected}
	var rows []map[string]any
	for _, e := range res.Errors {
		rows = append(rows, map[string]any{"line": e.Line, "error": e.Err.Error()})
	}
	if rows != nil {
		out["errors"] = rows
	}
	if err != nil {
		out["error"] = err.Error()
		var tooLarge *http.MaxBytesError
		var syntax *csv.ParseError
		code := http.StatusServiceUnavailable // the store failed
		switch {
		case errors.As(err, &tooLarge):
			code = http.StatusRequestEntityTooLarge
		case errors.Is(err, suppression.ErrInvalid), errors.As(err, &syntax), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			code = http.StatusBadRequest
		}
		writeJSON(w, code, out)
		return
	}
	r.log.Info("suppression: imported", "added", res.Added, "rejected", res.Rejected)
	writeJSON(w, http.StatusOK, out)
}

// handleUnsubscribeURL answers GET /api/unsubscribe-url?address=a&list=l
// with the one-click unsubscribe link for a, for the login's tenant, and
// the two fields to put in a message built elsewhere (SMTP submissions).
func (r *reputation) handleUnsubscribeURL(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	if _, err := suppression.Normalize(q.Get("address")); err != nil || queue.CheckAddress(q.Get("address")) != nil {
		jsonError(w, http.StatusBadRequest, "address: not a mailbox")
		return
	}
	if !validList(q.Get("list")) {
		jsonError(w, http.StatusBadRequest, errListName.Error())
		return
	}
	link, err := r.signer.URL(r.unsubURL, suppression.Subscription{Tenant: loginOf(req).tenant(), Address: q.Get("address"), List: q.Get("list")})
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"url":                   link,
		"list_unsubscribe":      "<" + link + ">",
		"list_unsubscribe_post": "List-Unsubscribe=One-Click",
	})
}

// handleShaping lists the shaping overrides in force: rates, session
// caps, suspensions and bounces, with the reply that caused each.
func (r *reputation) handleShaping(w http.ResponseWriter, req *http.Request) {
	ovs, err := r.shaper.Overrides(req.Context())
	if err != nil {
		jsonError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	out := []ShapingDetail{}
	for _, ov := range ovs {
		out = append(out, *shapingDetail(ov))
	}
	writeJSON(w, http.StatusOK, map[string]any{"overrides": out})
}

// handleBlocklists shows the blocklist monitor's last check.
func (r *reputation) handleBlocklists(w http.ResponseWriter, _ *http.Request) {
	results, at := r.monitor.results()
	out := []BlocklistDetail{}
	for _, res := range results {
		out = append(out, *blocklistDetail(res))
	}
	writeJSON(w, http.StatusOK, map[string]any{"checked": at, "results": out})
}

func entriesOf(es []suppression.Entry) []entryJSON {
	out := []entryJSON{}
	for _, e := range es {
		out = append(out, entryOf(e))
	}
	return out
}

// smtpError is the RCPT reply of a refusal.
func (rf *Refusal) smtpError() *smtp.SMTPError {
	var e smtp.EnhancedCode
	fmt.Sscanf(rf.Enhanced, "%d.%d.%d", &e[0], &e[1], &e[2])
	return &smtp.SMTPError{Code: rf.Code, EnhancedCode: e, Message: sanitize(rf.Message)}
}
