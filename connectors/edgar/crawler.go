package edgar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// Crawler fetches filings from EDGAR under SEC's fair-access rules and
// hands each document to a Sink. It fetches one request at a time; the
// limiter, not concurrency, sets the pace.
type Crawler struct {
	cfg     Config
	fetch   *fetcher
	sink    Sink
	state   State
	logger  *slog.Logger
	metrics *metrics

	filingsFound, filingsSkipped                     atomic.Int64
	documentsFetched, documentsSkipped, documentsBad atomic.Int64

	mu       sync.Mutex
	failures []Failure
	tickers  map[string]Company
	// feedErr is the error of the latest feed poll, nil after a good one.
	feedErr error
}

// Stats counts a crawl's progress.
type Stats struct {
	// FilingsFound are the filings that matched the query.
	FilingsFound int64
	// FilingsSkipped are found filings the state marks as done.
	FilingsSkipped int64
	// DocumentsFetched were fetched and accepted by the sink.
	DocumentsFetched int64
	// DocumentsSkipped are documents the state marks as done, in filings
	// that an interrupted crawl left unfinished.
	DocumentsSkipped int64
	// Failed counts documents, filing indexes and submissions files that
	// failed after their retries; Failures lists them.
	Failed int64
}

// Failure is a document, filing index or submissions file that could not
// be fetched.
type Failure struct {
	URL       string
	Accession string
	Err       error
}

// Query selects filings.
type Query struct {
	// Forms are the form types to fetch, such as 10-K, 10-Q and 8-K,
	// matched exactly. An 8-K or 8-K/A is taken only when it reports
	// Item 2.02, results of operations.
	Forms []string
	// Since and Until bound the filing date, both days included. A zero
	// Since reads every older submissions file; a zero Until has no bound.
	Since, Until time.Time
	// CIKs limits a daily index or the latest-filings feed to these
	// companies; empty takes every company.
	CIKs []int64
}

// New returns a Crawler. It returns ErrNoUserAgent when cfg.UserAgent
// lacks a name or an email. state may be nil, which remembers nothing
// across runs.
func New(cfg Config, sink Sink, state State) (*Crawler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if sink == nil {
		return nil, errors.New("edgar: nil sink")
	}
	cfg = cfg.withDefaults()

	if state == nil {
		state = &MemoryState{}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "edgar")

	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	limiter := cfg.Limiter
	if limiter == nil {
		limiter = SharedLimiter()
		limiter.lower(cfg.Rate)
	}
	return &Crawler{
		cfg:     cfg,
		fetch:   newFetcher(cfg, limiter, logger, m),
		sink:    sink,
		state:   state,
		logger:  logger,
		metrics: m,
	}, nil
}

// Stats returns the counts so far; it is safe to call during a crawl.
func (c *Crawler) Stats() Stats {
	return Stats{
		FilingsFound:     c.filingsFound.Load(),
		FilingsSkipped:   c.filingsSkipped.Load(),
		DocumentsFetched: c.documentsFetched.Load(),
		DocumentsSkipped: c.documentsSkipped.Load(),
		Failed:           c.documentsBad.Load(),
	}
}

// Failures returns what failed so far.
func (c *Crawler) Failures() []Failure {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.failures)
}

func (c *Crawler) fail(rawURL, accession string, err error) {
	c.documentsBad.Add(1)
	c.logger.Error("fetch failed", "url", rawURL, "accession", accession, "err", err)
	c.mu.Lock()
	c.failures = append(c.failures, Failure{URL: rawURL, Accession: accession, Err: err})
	c.mu.Unlock()
}

// ResolveTickers maps tickers to companies through company_tickers.json,
// fetched once per Crawler. An unknown ticker returns ErrUnknownTicker.
func (c *Crawler) ResolveTickers(ctx context.Context, tickers []string) ([]Company, error) {
	c.mu.Lock()
	known := c.tickers
	c.mu.Unlock()
	if known == nil {
		resp, err := c.fetch.get(ctx, c.cfg.WWWBaseURL+"/files/company_tickers.json")
		if err != nil {
			return nil, err
		}
		if known, err = ParseTickers(resp.Body); err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.tickers = known
		c.mu.Unlock()
	}
	out := make([]Company, 0, len(tickers))
	for _, t := range tickers {
		co, ok := known[strings.ToUpper(strings.TrimSpace(t))]
		if !ok {
			return nil, fmt.Errorf("%w %q: not in company_tickers.json", ErrUnknownTicker, t)
		}
		out = append(out, co)
	}
	return out, nil
}

// Filings reads a company's submissions, and the older submissions files
// that reach back to q.Since, and returns the filings q selects, newest
// first.
func (c *Crawler) Filings(ctx context.Context, cik int64, q Query) ([]FilingRef, error) {
	resp, err := c.fetch.get(ctx, fmt.Sprintf("%s/submissions/CIK%010d.json", c.cfg.DataBaseURL, cik))
	if err != nil {
		return nil, err
	}
	subs, err := ParseSubmissions(resp.Body)
	if err != nil {
		return nil, err
	}
	all := subs.Filings
	for _, page := range subs.Pages {
		if !q.Since.IsZero() && page.FilingTo != "" && page.FilingTo < q.Since.Format(time.DateOnly) {
			continue
		}
		if !q.Until.IsZero() && page.FilingFrom != "" && page.FilingFrom > q.Until.Format(time.DateOnly) {
			continue
		}
		resp, err := c.fetch.get(ctx, c.cfg.DataBaseURL+"/submissions/"+url.PathEscape(page.Name))
		if err != nil {
			return nil, err
		}
		older, err := ParseSubmissionPage(resp.Body, subs.CIK, subs.Name)
		if err != nil {
			return nil, err
		}
		all = append(all, older...)
	}
	return Select(all, q), nil
}

// Select returns the filings of refs that match q's forms and dates. An
// 8-K whose items are known must list Item 2.02; one whose items are
// unknown is kept, and FetchFiling checks its index.
func Select(refs []FilingRef, q Query) []FilingRef {
	var out []FilingRef
	for _, r := range refs {
		if !q.matches(r) {
			continue
		}
		if isEightK(r.Form) && r.Items != nil && !slices.Contains(r.Items, ItemResults) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// ItemResults is the 8-K item of an earnings release: results of
// operations and financial condition.
const ItemResults = "2.02"

func isEightK(form string) bool { return form == "8-K" || form == "8-K/A" }

func (q Query) matches(r FilingRef) bool {
	if len(q.Forms) > 0 && !slices.Contains(q.Forms, r.Form) {
		return false
	}
	if len(q.CIKs) > 0 && !slices.Contains(q.CIKs, r.CIK) {
		return false
	}
	if !q.Since.IsZero() && r.FilingDate < q.Since.Format(time.DateOnly) {
		return false
	}
	if !q.Until.IsZero() && r.FilingDate > q.Until.Format(time.DateOnly) {
		return false
	}
	return true
}

// CrawlCompanies fetches the filings q selects for each CIK. A company
// whose submissions cannot be read is reported as a failure and the crawl
// goes on. It returns an error only when ctx ends or the sink or the state
// fails.
func (c *Crawler) CrawlCompanies(ctx context.Context, ciks []int64, q Query) error {
	for _, cik := range ciks {
		refs, err := c.Filings(ctx, cik, q)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.fail(submissionsURL(c.cfg, cik), "", err)
			continue
		}
		for _, ref := range refs {
			if err := c.FetchFiling(ctx, ref); err != nil {
				return err
			}
		}
	}
	return nil
}

func submissionsURL(cfg Config, cik int64) string {
	return fmt.Sprintf("%s/submissions/CIK%010d.json", cfg.DataBaseURL, cik)
}

// filingFolder returns the Archives folder of a filing.
func (c *Crawler) filingFolder(cik int64, accession string) string {
	return fmt.Sprintf("%s/Archives/edgar/data/%d/%s/", c.cfg.WWWBaseURL, cik, strings.ReplaceAll(accession, "-", ""))
}

// FetchFiling fetches the primary document and the EX-99 exhibits of one
// filing, skipping those the state marks as done, and marks the filing
// done when all of them are in the sink. An 8-K without Item 2.02 in its
// index is dropped. Fetch failures are recorded (see Failures); the
// returned error is ctx's, the sink's or the state's.
func (c *Crawler) FetchFiling(ctx context.Context, ref FilingRef) error {
	if done, err := c.state.Done(ctx, ref.Accession); err != nil {
		return fmt.Errorf("edgar: read state of %s: %w", ref.Accession, err)
	} else if done {
		c.filingsFound.Add(1)
		c.filingsSkipped.Add(1)
		c.logger.Debug("filing already fetched", "accession", ref.Accession)
		return nil
	}

	folder := c.filingFolder(ref.CIK, ref.Accession)
	docs, idx, err := c.filingDocuments(ctx, ref, folder)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.filingsFound.Add(1)
		c.fail(folder+ref.Accession+"-index-headers.html", ref.Accession, err)
		return nil
	}
	items := ref.Items
	if items == nil {
		items = idx.Items
	}
	if isEightK(ref.Form) && !slices.Contains(items, ItemResults) {
		c.logger.Debug("8-K without Item 2.02 dropped", "accession", ref.Accession, "items", strings.Join(items, ","))
		return nil
	}
	c.filingsFound.Add(1)
	fillFromIndex(&ref, idx)
	if len(docs) == 0 {
		c.logger.Warn("filing index lists no primary document or EX-99 exhibit of a type the pipeline reads", "accession", ref.Accession, "form", ref.Form)
	}

	failed := false
	for _, d := range docs {
		ok, err := c.fetchDocument(ctx, ref, folder+d.Filename, d.Filename, formOf(ref, d))
		if err != nil {
			return err
		}
		failed = failed || !ok
	}
	if failed {
		return nil
	}
	err = c.state.Mark(ctx, ref.Accession, KindFiling, schemas.Filing{
		SourcePath: folder,
		Form:       ref.Form,
		Company:    ref.Company,
		CIK:        cikText(ref.CIK),
		Accession:  ref.Accession,
		FilingDate: ref.FilingDate,
	})
	if err != nil {
		return fmt.Errorf("edgar: record filing %s: %w", ref.Accession, err)
	}
	return nil
}

// formOf returns the Form of a document: the filing's form for the
// primary document, the exhibit type for exhibits.
func formOf(ref FilingRef, d IndexDocument) string {
	if d.Type == "" || d.Filename == ref.PrimaryDocument {
		return ref.Form
	}
	return d.Type
}

func fillFromIndex(ref *FilingRef, idx FilingIndex) {
	if ref.Company == "" {
		ref.Company = idx.Company
	}
	if ref.FilingDate == "" {
		ref.FilingDate = idx.FilingDate
	}
	if ref.Form == "" {
		ref.Form = idx.Form
	}
}

// documentExt are the file types the pipeline reads; other files of a
// filing (images, XBRL schemas, spreadsheets) are not fetched.
var documentExt = map[string]bool{".htm": true, ".html": true, ".xhtml": true, ".txt": true, ".pdf": true}

// exhibit99 matches the exhibit types of press releases and other
// additional material: EX-99, EX-99.1, EX-99.2 and so on.
var exhibit99 = regexp.MustCompile(`^EX-99(\.\d+)?$`)

// exhibit99Name matches exhibit 99 file names, for filings whose index
// gives no document types.
var exhibit99Name = regexp.MustCompile(`(?i)ex-?99`)

// filingDocuments reads the filing's -index-headers.html page, or its
// index.json when that page is missing, and returns the primary document
// and the EX-99 exhibits.
func (c *Crawler) filingDocuments(ctx context.Context, ref FilingRef, folder string) ([]IndexDocument, FilingIndex, error) {
	resp, err := c.fetch.get(ctx, folder+ref.Accession+"-index-headers.html")
	if err == nil {
		idx, err := ParseIndexHeaders(resp.Body)
		if err != nil {
			return nil, idx, fmt.Errorf("%s: %w", ref.Accession, err)
		}
		form := ref.Form
		if form == "" {
			form = idx.Form
		}
		var docs []IndexDocument
		primaryFound := false
		for _, d := range idx.Documents {
			if !documentExt[strings.ToLower(path.Ext(d.Filename))] {
				continue
			}
			isPrimary := d.Filename == ref.PrimaryDocument || (ref.PrimaryDocument == "" && !primaryFound && d.Type == form)
			if isPrimary {
				primaryFound = true
				docs = append(docs, d)
			} else if exhibit99.MatchString(d.Type) {
				docs = append(docs, d)
			}
		}
		if !primaryFound && ref.PrimaryDocument != "" && documentExt[strings.ToLower(path.Ext(ref.PrimaryDocument))] {
			docs = append([]IndexDocument{{Type: form, Filename: ref.PrimaryDocument}}, docs...)
		}
		return docs, idx, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, FilingIndex{}, err
	}

	resp, err = c.fetch.get(ctx, folder+"index.json")
	if err != nil {
		return nil, FilingIndex{}, err
	}
	names, err := ParseIndexJSON(resp.Body)
	if err != nil {
		return nil, FilingIndex{}, err
	}
	var docs []IndexDocument
	if ref.PrimaryDocument != "" {
		docs = append(docs, IndexDocument{Type: ref.Form, Filename: ref.PrimaryDocument})
	}
	for _, n := range names {
		if n != ref.PrimaryDocument && exhibit99Name.MatchString(n) && documentExt[strings.ToLower(path.Ext(n))] {
			docs = append(docs, IndexDocument{Type: "EX-99", Filename: n})
		}
	}
	if len(docs) == 0 {
		return nil, FilingIndex{}, fmt.Errorf("edgar: %s: index.json names no primary document or exhibit 99", ref.Accession)
	}
	return docs, FilingIndex{}, nil
}

// fetchDocument fetches one document unless the state marks it done, puts
// it in the sink and marks it. ok is false when the fetch failed; err is
// ctx's, the sink's or the state's.
func (c *Crawler) fetchDocument(ctx context.Context, ref FilingRef, rawURL, fileName, form string) (ok bool, err error) {
	done, err := c.state.Done(ctx, rawURL)
	if err != nil {
		return false, fmt.Errorf("edgar: read state of %s: %w", rawURL, err)
	}
	if done {
		c.documentsSkipped.Add(1)
		c.metrics.document("skipped")
		return true, nil
	}
	resp, err := c.fetch.get(ctx, rawURL)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		c.metrics.document("failed")
		c.fail(rawURL, ref.Accession, err)
		return false, nil
	}

	sum := sha256.Sum256(resp.Body)
	doc := Document{
		Filing: schemas.Filing{
			DocID:       hex.EncodeToString(sum[:]),
			SourcePath:  rawURL,
			MediaType:   mediaType(fileName, resp.Body),
			Form:        form,
			Company:     ref.Company,
			Accession:   ref.Accession,
			FilingDate:  ref.FilingDate,
			PeriodEnd:   ref.ReportDate,
			Size:        int64(len(resp.Body)),
			PublishedAt: time.Now().UTC(),
			CIK:         cikText(ref.CIK),
		},
		FileName: fileName,
		Content:  resp.Body,
	}

	if err := c.sink.Put(ctx, doc); err != nil {
		return false, fmt.Errorf("edgar: store %s: %w", rawURL, err)
	}
	err = c.state.Mark(ctx, rawURL, KindDocument, doc.Filing)
	if err != nil {
		return false, fmt.Errorf("edgar: record %s: %w", rawURL, err)
	}
	c.documentsFetched.Add(1)
	c.metrics.document("fetched")
	c.logger.Info("document fetched", "url", rawURL, "accession", ref.Accession, "form", form, "bytes", len(resp.Body))
	return true, nil
}

// cikText formats a CIK with the ten digits EDGAR pads it to, or returns
// "" for 0, an unknown CIK.
func cikText(cik int64) string {
	if cik == 0 {
		return ""
	}
	return fmt.Sprintf("%010d", cik)
}

// DailyIndexURL returns the URL of the daily form index of day, under
// base, the www root.
func DailyIndexURL(base string, day time.Time) string {
	q := (int(day.Month())-1)/3 + 1
	return fmt.Sprintf("%s/Archives/edgar/daily-index/%d/QTR%d/form.%s.idx", strings.TrimRight(base, "/"), day.Year(), q, day.Format("20060102"))
}

// CrawlDaily reads the daily form index of day and fetches the filings q
// selects. EDGAR has no index for days without business; that returns an
// error wrapping ErrNotFound.
func (c *Crawler) CrawlDaily(ctx context.Context, day time.Time, q Query) error {
	resp, err := c.fetch.get(ctx, DailyIndexURL(c.cfg.WWWBaseURL, day))
	if err != nil {
		return err
	}
	refs, err := ParseFormIndex(resp.Body)
	if err != nil {
		return err
	}
	for _, ref := range Select(refs, q) {
		if err := c.FetchFiling(ctx, ref); err != nil {
			return err
		}
	}
	return nil
}

// LatestFeedURL returns the latest-filings Atom feed of one form type,
// the newest 100 entries, under base, the www root.
func LatestFeedURL(base, form string) string {
	v := url.Values{}
	v.Set("action", "getcurrent")
	v.Set("type", form)
	v.Set("company", "")
	v.Set("dateb", "")
	v.Set("owner", "include")
	v.Set("start", "0")
	v.Set("count", "100")
	v.Set("output", "atom")
	return strings.TrimRight(base, "/") + "/cgi-bin/browse-edgar?" + v.Encode()
}

// Follow polls the latest-filings feed of each form in q every interval
// and fetches new filings, until ctx ends. Accession numbers seen in this
// run or marked in the state are not fetched again. A feed that cannot be
// read is logged, reported by Healthy until a later round of polls
// succeeds, and polled again at the next interval. Follow returns ctx's
// error, or the sink's or the state's.
func (c *Crawler) Follow(ctx context.Context, q Query, interval time.Duration) error {
	if len(q.Forms) == 0 {
		return errors.New("edgar: follow needs at least one form type")
	}
	seen := make(map[string]bool)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		var roundErr error
		for _, form := range q.Forms {
			pollErr, err := c.pollFeed(ctx, form, q, seen)
			if err != nil {
				return err
			}
			if roundErr == nil {
				roundErr = pollErr
			}
		}
		c.setFeedErr(roundErr)

		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}

// pollFeed reads one form's feed and fetches the new filings in it.
// pollErr is the feed's read or parse error, which Follow survives; err is
// ctx's, the sink's or the state's.
func (c *Crawler) pollFeed(ctx context.Context, form string, q Query, seen map[string]bool) (pollErr, err error) {
	feedURL := LatestFeedURL(c.cfg.WWWBaseURL, form)
	resp, err := c.fetch.get(ctx, feedURL)
	var refs []FilingRef
	if err == nil {
		refs, err = ParseLatestFeed(resp.Body)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c.logger.Warn("latest-filings feed unreadable, polling again later", "url", feedURL, "err", err)
		return fmt.Errorf("edgar: poll %s: %w", feedURL, err), nil
	}

	for _, ref := range Select(refs, q) {
		if seen[ref.Accession] {
			continue
		}
		seen[ref.Accession] = true
		if err := c.FetchFiling(ctx, ref); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (c *Crawler) setFeedErr(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.feedErr = err
}

// Healthy returns the error of the latest poll of the latest-filings feed
// when that poll failed, and nil otherwise, for a health endpoint of Follow.
func (c *Crawler) Healthy() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.feedErr
}

// archivePath matches a document in a filing folder:
// /Archives/edgar/data/320193/000032019324000123/aapl-20240928.htm.
var archivePath = regexp.MustCompile(`/Archives/edgar/data/(\d+)/(\d{10})(\d{2})(\d{6})/([^/]+)$`)

// FetchURLs fetches each document URL, skipping those the state marks as
// done, under the same limits as a crawl. A URL in a filing folder gets
// its CIK and accession number from the path. Fetch failures are
// recorded (see Failures); the returned error is ctx's, the sink's, the
// state's, or an invalid URL's.
func (c *Crawler) FetchURLs(ctx context.Context, urls []string) error {
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("edgar: invalid document URL %q: want an absolute http or https URL", raw)
		}
		var ref FilingRef
		if m := archivePath.FindStringSubmatch(u.Path); m != nil {
			ref.CIK, _ = strconv.ParseInt(m[1], 10, 64)
			ref.Accession = m[2] + "-" + m[3] + "-" + m[4]
		}
		name := path.Base(u.Path)
		if name == "/" || name == "." {
			name = "index.html"
		}
		if _, err := c.fetchDocument(ctx, ref, raw, name, ""); err != nil {
			return err
		}
	}
	return nil
}

// ReadURLList reads a --urls file: one URL per line; blank lines and lines
// starting with # are ignored.
func ReadURLList(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("edgar: read URL list: %w", err)
	}
	var urls []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		urls = append(urls, line)
	}
	return urls, nil
}
