package edgar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
)

// transport is the http.RoundTripper under colly. Every request, redirects
// included, passes the host check and the shared limiter here.
//
// NOTE: net/http resends a GET by itself, without passing here again, when
// a reused keep-alive connection closes before the first response byte
// (shouldRetryRequest in net/http's transport.go, Go 1.26). The limiter
// does not count such resends.
type transport struct {
	base      http.RoundTripper
	limiter   *Limiter
	allowed   map[string]bool
	userAgent string
	metrics   *metrics
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.allowed[hostOf(req.URL)] {
		t.metrics.requestFailed("rejected")
		return nil, fmt.Errorf("%w: %s (add it to the allowed hosts to fetch from it)", ErrHostNotAllowed, req.URL.Host)
	}
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, err
	}

	// The spacing counts from when the request left, not from when it was
	// allowed to, so a slow dial or a busy scheduler cannot bunch requests
	// up at the server.
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { t.limiter.sent(time.Now()) }}
	req = req.Clone(httptrace.WithClientTrace(req.Context(), trace))
	req.Header.Set("User-Agent", t.userAgent)
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.metrics.requestFailed("error")
		return nil, err
	}
	t.metrics.request(resp.StatusCode)

	// colly re-encodes a body to UTF-8 when the Content-Type names another
	// charset. Documents must keep their bytes, because their DocID is the
	// SHA-256 of the content, so the charset parameter is dropped here.
	if ct := resp.Header.Get("Content-Type"); strings.Contains(strings.ToLower(ct), "charset") {
		if media, _, err := mime.ParseMediaType(ct); err == nil {
			resp.Header.Set("Content-Type", media)
		} else {
			resp.Header.Del("Content-Type")
		}
	}
	return resp, nil
}

// fetcher runs GET requests through colly with the crawler's retry and
// throttling rules.
type fetcher struct {
	collector *colly.Collector
	cfg       Config
	limiter   *Limiter
	logger    *slog.Logger
	metrics   *metrics
}

// response is a successful HTTP response.
type response struct {
	URL    string
	Status int
	Header http.Header
	Body   []byte
}

func newFetcher(cfg Config, limiter *Limiter, logger *slog.Logger, m *metrics) *fetcher {
	allowed := make(map[string]bool)
	for _, base := range []string{cfg.WWWBaseURL, cfg.DataBaseURL} {
		allowed[normalizeHost(base)] = true
	}
	for _, h := range cfg.AllowedHosts {
		allowed[normalizeHost(h)] = true
	}

	c := colly.NewCollector()
	// Fields are set after NewCollector, which reads COLLY_* environment
	// variables, so that the environment cannot raise these limits.
	c.UserAgent = cfg.UserAgent
	c.AllowURLRevisit = true
	c.ParseHTTPErrorResponse = true
	c.IgnoreRobotsTxt = true
	c.MaxDepth = 0
	c.MaxRequests = 0
	c.CacheDir = ""
	c.DetectCharset = false
	// One byte over the limit distinguishes a body at the limit from a
	// longer one, which colly would cut off without an error.
	c.MaxBodySize = int(min(cfg.MaxBodyBytes+1, int64(^uint(0)>>1)))
	base := http.DefaultTransport.(*http.Transport).Clone()
	c.WithTransport(&transport{base: base, limiter: limiter, allowed: allowed, userAgent: cfg.UserAgent, metrics: m})
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if !allowed[hostOf(req.URL)] {
			return fmt.Errorf("%w: redirect from %s to %s", ErrHostNotAllowed, via[len(via)-1].URL, req.URL)
		}
		if len(via) >= 10 {
			return fmt.Errorf("edgar: stopped after 10 redirects at %s", req.URL)
		}
		return nil
	})
	return &fetcher{collector: c, cfg: cfg, limiter: limiter, logger: logger, metrics: m}
}

// get fetches rawURL. Throttling pauses every request sharing the limiter
// for ThrottleBackoff and is retried ThrottleRetries times. Transient
// errors are retried Retries times with a doubling Backoff. Other failures
// return at once. Every error but ctx's is a *FetchError.
func (f *fetcher) get(ctx context.Context, rawURL string) (*response, error) {
	throttles, retries := 0, 0
	for attempt := 1; ; attempt++ {
		resp, status, err := f.once(ctx, rawURL)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil {
			return resp, nil
		}
		fail := &FetchError{URL: rawURL, Status: status, Attempts: attempt, Err: err}

		switch {
		case errors.Is(err, ErrThrottled):
			f.metrics.throttle()
			if throttles >= f.cfg.ThrottleRetries {
				f.logger.Error("throttled, giving up", "url", rawURL, "status", status, "attempt", attempt)
				return nil, fail
			}
			throttles++
			pause := f.cfg.ThrottleBackoff
			if resp != nil {
				pause = max(pause, retryAfter(resp.Header))
			}
			f.logger.Warn("throttled by EDGAR, pausing every request", "url", rawURL, "status", status, "pause", pause, "attempt", attempt)
			// The limiter holds back this retry and every other request.
			f.limiter.PauseUntil(time.Now().Add(pause))
		case fail.Temporary():
			if retries >= f.cfg.Retries {
				return nil, fail
			}
			wait := f.cfg.Backoff << retries
			retries++
			f.logger.Warn("request failed, retrying", "url", rawURL, "status", status, "attempt", attempt, "wait", wait, "err", err)
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil, ctx.Err()
			case <-timer.C:
			}
		default:
			return nil, fail
		}
	}
}

// once sends one GET and classifies the response. A throttling response is
// returned with the error, for its Retry-After header.
func (f *fetcher) once(ctx context.Context, rawURL string) (*response, int, error) {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	c := f.collector.Clone()
	c.Context = ctx
	var got *colly.Response
	c.OnResponse(func(r *colly.Response) { got = r })
	if err := c.Visit(rawURL); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w: %w", ErrShortBody, err)
		}
		return nil, 0, err
	}
	if got == nil {
		return nil, 0, errors.New("edgar: no response")
	}
	resp := &response{URL: got.Request.URL.String(), Status: got.StatusCode, Header: http.Header{}, Body: got.Body}
	if got.Headers != nil {
		resp.Header = *got.Headers
	}
	f.metrics.received(len(got.Body))

	switch status := got.StatusCode; {
	case status == http.StatusForbidden || status == http.StatusTooManyRequests:
		return resp, status, fmt.Errorf("%w: HTTP %d", ErrThrottled, status)
	case status == http.StatusNotFound:
		return nil, status, ErrNotFound
	case status < 200 || status > 299:
		return nil, status, statusError{status}
	case isThrottleNotice(got.Body):
		return resp, status, fmt.Errorf("%w: rate-limit notice with HTTP %d", ErrThrottled, status)
	case int64(len(got.Body)) > f.cfg.MaxBodyBytes:
		return nil, status, fmt.Errorf("%w of %d bytes", ErrTooLarge, f.cfg.MaxBodyBytes)
	}
	if cl := resp.Header.Get("Content-Length"); cl != "" && resp.Header.Get("Content-Encoding") == "" {
		// net/http reports most short bodies as io.ErrUnexpectedEOF; this
		// catches the rest.
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n != int64(len(got.Body)) {
			return nil, got.StatusCode, fmt.Errorf("%w: %d bytes, Content-Length %d", ErrShortBody, len(got.Body), n)
		}
	}
	return resp, got.StatusCode, nil
}

// throttleNoticeMarks are phrases of the page SEC serves when it blocks a
// requester, sometimes with status 200: "Request Rate Threshold Exceeded"
// for too many requests and "Undeclared Automated Tool" for a missing
// User-Agent.
var throttleNoticeMarks = [][]byte{
	[]byte("request rate threshold exceeded"),
	[]byte("undeclared automated tool"),
}

// throttleNoticeHeadBytes is how much of a body is searched for the
// notice's phrases. The notice, as edgartest.RateNotice models it, names
// them in its title and first heading, so a padded notice of any length is
// still recognised, while a filing that quotes a phrase further down is
// stored.
// NOTE: a filing that quotes a phrase within its first 16 KiB is taken for
// the notice and fails as throttled after the retries.
const throttleNoticeHeadBytes = 16 << 10

func isThrottleNotice(body []byte) bool {
	lower := bytes.ToLower(body[:min(len(body), throttleNoticeHeadBytes)])
	for _, mark := range throttleNoticeMarks {
		if bytes.Contains(lower, mark) {
			return true
		}
	}
	return false
}

// retryAfter returns the Retry-After header in seconds as a duration, 0
// when absent or in the HTTP-date form.
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}
