package review

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// pageNames are the templates of whole pages; each is parsed with
// layout.html and partials.html.
var pageNames = []string{"index.html", "filing.html", "queue.html", "company.html", "login.html", "error.html"}

var templateFuncs = template.FuncMap{
	"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"shortID": func(id string) string {
		if len(id) > 12 {
			return id[:12]
		}
		return id
	},
	"base": path.Base,
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"scaled":     scaledText,
	"categories": func() []string { return riskCategories },
	"pathEscape": func(s string) string { return strings.ReplaceAll(template.URLQueryEscaper(s), "+", "%20") },
	"kinds":      func() []string { return []string{schemas.KindRisk, schemas.KindMetric, schemas.KindGuidance} },
	"decideForm": func(it Item, p page) decideForm { return decideForm{Item: it, CSRF: p.CSRF, Return: p.Return} },
}

// decideForm is the data of the decision forms of one item.
type decideForm struct {
	Item   Item
	CSRF   string
	Return string
}

func parseTemplates() (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("review: parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// page is the data that every page template receives.
type page struct {
	Title    string
	ReadOnly bool
	Reviewer string
	CSRF     string
	// Return is the path of this page, sent back by decision forms.
	Return string
	// Skipped lists rows of the store that could not be read, at most
	// maxNoticeRows of SkippedCount.
	Skipped      []SkippedRow
	SkippedCount int
	Data         any
}

// maxNoticeRows is the count of skipped rows listed on each page.
const maxNoticeRows = 5

// skippedRowser is a Store that skips unreadable rows, as FileStore does.
type skippedRowser interface {
	SkippedRows() []SkippedRow
}

func (s *Server) newPage(r *http.Request, title string, data any) page {
	p := page{Title: title, ReadOnly: s.auth.readOnly(), Return: r.URL.RequestURI(), Data: data}
	if sess := s.auth.session(r); sess != nil {
		p.Reviewer = sess.reviewer
		p.CSRF = sess.csrf
	}
	if sr, ok := s.cfg.Store.(skippedRowser); ok {
		skipped := sr.SkippedRows()
		p.SkippedCount = len(skipped)
		p.Skipped = skipped[:min(len(skipped), maxNoticeRows)]
	}
	return p
}

// render executes the page into a buffer first, so that a template error
// yields a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error while rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(escapeBidi(buf.Bytes()))
}

// bidiControls are the Unicode bidirectional formatting characters
// (Unicode Standard Annex #9, section 2): embeddings, overrides, isolates
// and marks. Filing text or a note that carries them could reorder the text
// after them, so that a page shows something other than what is stored.
var bidiControls = []rune{
	'\u061c', '\u200e', '\u200f',
	'\u202a', '\u202b', '\u202c', '\u202d', '\u202e',
	'\u2066', '\u2067', '\u2068', '\u2069',
}

// bidiReplacer replaces each bidi control with a visible marker such as
// [U+202E]. The marker has no character that HTML escapes, so it is safe
// in text and in attribute values.
var bidiReplacer = func() *strings.Replacer {
	var pairs []string
	for _, r := range bidiControls {
		pairs = append(pairs, string(r), fmt.Sprintf("[U+%04X]", r))
	}
	return strings.NewReplacer(pairs...)
}()

// escapeBidi makes the bidi controls of a rendered page visible.
func escapeBidi(page []byte) []byte {
	if !bytes.ContainsFunc(page, func(r rune) bool { return slices.Contains(bidiControls, r) }) {
		return page
	}
	return []byte(bidiReplacer.Replace(string(page)))
}

// fail renders an error page and logs the failure: 5xx at error level,
// other statuses at info level.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "message", msg, "err", err)
	s.render(w, r, status, "error.html", s.newPage(r, http.StatusText(status), msg))
}

// filingView is one document in lists.
type filingView struct {
	Filing
	Backlog int
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	filings, err := s.cfg.Store.Filings(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the filings could not be read", err)
		return
	}
	backlog, err := s.cfg.Store.NeedsReview(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the review queue could not be read", err)
		return
	}
	perDoc := make(map[string]int)
	for i := range backlog {
		perDoc[backlog[i].DocID]++
	}
	views := make([]filingView, 0, len(filings))
	for _, f := range filings {
		views = append(views, filingView{Filing: f, Backlog: perDoc[f.DocID]})
	}
	sort.SliceStable(views, func(i, j int) bool {
		a, b := views[i], views[j]
		if a.Company != b.Company {
			return a.Company < b.Company
		}
		if a.FilingDate != b.FilingDate {
			return a.FilingDate > b.FilingDate
		}
		return a.SourcePath < b.SourcePath
	})
	s.render(w, r, http.StatusOK, "index.html", s.newPage(r, "Filings", struct {
		Filings []filingView
		Backlog int
	}{views, len(backlog)}))
}

// docIDPattern matches a document id: the hex SHA-256 of the content.
var docIDPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// itemIDPattern matches an item id.
var itemIDPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// findFiling returns the latest row of the document.
func (s *Server) findFiling(r *http.Request, docID string) (Filing, error) {
	if !docIDPattern.MatchString(docID) {
		return Filing{}, fmt.Errorf("%w: invalid document id %q", ErrNotFound, docID)
	}
	filings, err := s.cfg.Store.Filings(r.Context())
	if err != nil {
		return Filing{}, err
	}
	for _, f := range filings {
		if f.DocID == docID {
			return f, nil
		}
	}
	return Filing{}, fmt.Errorf("%w: document %s", ErrNotFound, docID)
}

// filingPage is the data of the filing page.
type filingPage struct {
	Filing   Filing
	Text     template.HTML
	HasText  bool
	TextErr  string
	Risks    []Item
	Metrics  []Item
	Guidance []Item
	Unplaced []unplaced
	Marked   int
}

func (s *Server) handleFiling(w http.ResponseWriter, r *http.Request) {
	f, err := s.findFiling(r, r.PathValue("docid"))
	if errors.Is(err, ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "no such document", err)
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the filings could not be read", err)
		return
	}
	items, err := s.cfg.Store.Items(r.Context(), f.DocID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the document's items could not be read", err)
		return
	}
	sortByPosition(items)

	data := filingPage{Filing: f}
	for _, it := range items {
		switch it.Kind {
		case schemas.KindRisk:
			data.Risks = append(data.Risks, it)
		case schemas.KindMetric:
			data.Metrics = append(data.Metrics, it)
		case schemas.KindGuidance:
			data.Guidance = append(data.Guidance, it)
		}
	}

	doc, err := s.document(r.Context(), f.Filing)
	if err != nil {
		s.log.WarnContext(r.Context(), "document text unavailable", "doc_id", f.DocID, "source", f.SourcePath, "err", err)
		data.TextErr = err.Error()
	} else {
		placed, missing := placeCitations(doc.Text, items)
		data.Text = highlight(doc.Text, doc.Pages, placed)
		data.HasText = true
		data.Unplaced = missing
		data.Marked = len(placed)
	}
	title := f.Company
	if title == "" {
		title = path.Base(f.SourcePath)
	}
	s.render(w, r, http.StatusOK, "filing.html", s.newPage(r, title+" "+f.Form, data))
}

// sortByPosition orders items by where their quote starts.
func sortByPosition(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].Citation(), items[j].Citation()
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return items[i].Anchor() < items[j].Anchor()
	})
}

// queueEntry is one item of the review queue with its filing.
type queueEntry struct {
	Item   Item
	Filing Filing
}

// queuePage is the data of the review queue.
type queuePage struct {
	Entries   []queueEntry
	Companies []string
	Forms     []string
	Company   string
	Form      string
	Kind      string
	Total     int
	// Matched counts the entries that pass the filters, on all pages.
	Matched int
	// Page is the 1-based page of entries shown. Prev and Next link to the
	// neighbouring pages and are empty at either end. They are
	// template.URL because url.Values.Encode already escaped them, and
	// html/template would escape the query's & and = again.
	Page       int
	Prev, Next template.URL
	Decisions  []schemas.ReviewDecision
}

// queuePageSize is the count of queue entries on one page.
const queuePageSize = 100

// maxRecentDecisions is the count of decisions listed under the queue.
const maxRecentDecisions = 20

func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	data := queuePage{Company: q.Get("company"), Form: q.Get("form"), Kind: q.Get("kind")}
	if data.Kind != "" {
		if _, err := tableOf(data.Kind); err != nil {
			s.fail(w, r, http.StatusBadRequest, "invalid kind: want risk, metric or guidance", err)
			return
		}
	}

	filings, err := s.cfg.Store.Filings(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the filings could not be read", err)
		return
	}
	items, err := s.cfg.Store.NeedsReview(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the review queue could not be read", err)
		return
	}

	byDoc := make(map[string]Filing, len(filings))
	companies := make(map[string]bool)
	forms := make(map[string]bool)
	for _, f := range filings {
		byDoc[f.DocID] = f
	}
	data.Total = len(items)
	for _, it := range items {
		f := byDoc[it.DocID]
		companies[f.Company] = true
		forms[f.Form] = true
		if data.Company != "" && f.Company != data.Company ||
			data.Form != "" && f.Form != data.Form ||
			data.Kind != "" && it.Kind != data.Kind {
			continue
		}
		data.Entries = append(data.Entries, queueEntry{Item: it, Filing: f})
	}

	// Oldest first: the extraction time, then the position in the document.
	sort.SliceStable(data.Entries, func(i, j int) bool {
		a, b := data.Entries[i].Item, data.Entries[j].Item
		if !a.ExtractedAt.Equal(b.ExtractedAt) {
			return a.ExtractedAt.Before(b.ExtractedAt)
		}
		if a.DocID != b.DocID {
			return a.DocID < b.DocID
		}
		return a.Citation().Start < b.Citation().Start
	})
	data.Companies = sortedKeys(companies)
	data.Forms = sortedKeys(forms)
	data.paginate(q)

	decisions, err := s.cfg.Store.Decisions(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the review decisions could not be read", err)
		return
	}
	for i := len(decisions) - 1; i >= 0 && len(data.Decisions) < maxRecentDecisions; i-- {
		data.Decisions = append(data.Decisions, decisions[i])
	}
	s.render(w, r, http.StatusOK, "queue.html", s.newPage(r, "Review queue", data))
}

// paginate keeps the entries of the requested page and sets the links to
// the neighbouring pages. An invalid page number shows the first page, and
// one past the end the last page.
func (data *queuePage) paginate(q url.Values) {
	data.Matched = len(data.Entries)
	pages := max(1, (data.Matched+queuePageSize-1)/queuePageSize)
	data.Page = 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 {
		data.Page = min(n, pages)
	}
	start := (data.Page - 1) * queuePageSize
	data.Entries = data.Entries[start:min(start+queuePageSize, data.Matched)]

	link := func(page int) template.URL {
		v := url.Values{}
		for _, k := range []string{"company", "form", "kind"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("page", strconv.Itoa(page))
		return template.URL("/review?" + v.Encode())
	}
	if data.Page > 1 {
		data.Prev = link(data.Page - 1)
	}
	if data.Page < pages {
		data.Next = link(data.Page + 1)
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// loginPage is the data of the login form.
type loginPage struct {
	Error    string
	Reviewer string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login.html", s.newPage(r, "Log in", loginPage{}))
}

// maxLoginForm is the largest login form accepted, in bytes.
const maxLoginForm = 1 << 16

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if s.auth.readOnly() {
		s.fail(w, r, http.StatusForbidden, ErrReadOnly.Error(), ErrReadOnly)
		return
	}
	if !s.parseForm(w, r, maxLoginForm) {
		return
	}
	reviewer := strings.TrimSpace(r.PostFormValue("reviewer"))
	if !validReviewer(reviewer) {
		s.render(w, r, http.StatusBadRequest, "login.html", s.newPage(r, "Log in",
			loginPage{Error: fmt.Sprintf("Enter your name as the reviewer: 1 to %d printable characters.", maxReviewerLen)}))
		return
	}

	client := clientKey(r)
	if wait := s.auth.limit.reserve(client); wait > 0 {
		s.logLoginFailures(r)
		seconds := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
		s.render(w, r, http.StatusTooManyRequests, "login.html", s.newPage(r, "Log in",
			loginPage{Error: fmt.Sprintf("Too many login attempts. Try again in %d seconds.", seconds), Reviewer: reviewer}))
		return
	}
	if !s.auth.checkToken(r.PostFormValue("token")) {
		s.auth.limit.failed(client)
		s.logLoginFailures(r)
		// The delay runs to its end even when the client closes the
		// connection, so that dropping requests does not speed up guessing.
		time.Sleep(failDelay)
		s.render(w, r, http.StatusUnauthorized, "login.html", s.newPage(r, "Log in",
			loginPage{Error: "Invalid token.", Reviewer: reviewer}))
		return
	}
	s.auth.limit.succeeded(client)
	id, _ := s.auth.login(reviewer)
	http.SetCookie(w, sessionCookieFor(r, id, s.cfg.SessionTTL))
	s.log.InfoContext(r.Context(), "reviewer logged in", "reviewer", reviewer, "remote", r.RemoteAddr)
	http.Redirect(w, r, "/review", http.StatusSeeOther)
}

// logLoginFailures logs the failed and rate-limited logins, at most one line
// per logInterval, so that guessing cannot flood the log.
func (s *Server) logLoginFailures(r *http.Request) {
	failed, rejected, ok := s.auth.limit.takeLogCounts()
	if !ok || failed+rejected == 0 {
		return
	}
	s.log.WarnContext(r.Context(), "login failed: invalid token or too many attempts",
		"failed", failed, "rate_limited", rejected, "interval", logInterval.String(), "remote", r.RemoteAddr)
}

// parseForm reads the form of a POST with a size limit of maxBytes. It
// writes a 413 error page when the body is larger, and 400 when it does not
// parse, and then returns false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request, maxBytes int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	err := r.ParseForm()
	if err == nil {
		return true
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the form is larger than %d bytes", maxBytes), err)
		return false
	}
	s.fail(w, r, http.StatusBadRequest, "the form could not be read", err)
	return false
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	sess := s.auth.session(r)
	if sess == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !s.parseForm(w, r, maxLoginForm) {
		return
	}
	if !sess.checkCSRF(r) {
		s.fail(w, r, http.StatusForbidden, "missing or invalid CSRF token; reload the page and try again", nil)
		return
	}
	s.auth.logout(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
