package edgar

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinels wrapped by the crawler's errors; test with errors.Is.
var (
	// ErrNoUserAgent: Config.UserAgent lacks a name or a contact email,
	// which SEC requires of every automated requester.
	ErrNoUserAgent = errors.New("edgar: missing or incomplete User-Agent: set one with a name and a contact email, such as \"Example Corp admin@example.com\" (--user-agent or " + EnvUserAgent + ")")
	// ErrHostNotAllowed: a request or a redirect named a host outside the
	// allowed hosts.
	ErrHostNotAllowed = errors.New("edgar: host not allowed")
	// ErrThrottled: EDGAR responded with 403, 429 or its rate-limit
	// notice on every try.
	ErrThrottled = errors.New("edgar: throttled by EDGAR")
	// ErrShortBody: the body ended before its Content-Length.
	ErrShortBody = errors.New("edgar: body shorter than its Content-Length")
	// ErrTooLarge: the body is longer than Config.MaxBodyBytes.
	ErrTooLarge = errors.New("edgar: body larger than the size limit")
	// ErrNotFound: EDGAR responded with 404, as it does for daily indexes of
	// days without business and for unknown CIKs.
	ErrNotFound = errors.New("edgar: not found")
	// ErrUnknownTicker: a ticker is not in company_tickers.json.
	ErrUnknownTicker = errors.New("edgar: unknown ticker")
)

// FetchError is a request that failed after its retries.
type FetchError struct {
	URL string
	// Status is the last HTTP status, 0 when no response arrived.
	Status   int
	Attempts int
	Err      error
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("edgar: get %s: HTTP %d %s after %d attempts: %v", e.URL, e.Status, http.StatusText(e.Status), e.Attempts, e.Err)
	}
	return fmt.Sprintf("edgar: get %s after %d attempts: %v", e.URL, e.Attempts, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// Temporary reports whether a later try may succeed: throttling, a server
// error or a broken transfer. Rejected hosts, 404 and other 4xx are final.
func (e *FetchError) Temporary() bool {
	switch {
	case errors.Is(e.Err, ErrHostNotAllowed), errors.Is(e.Err, ErrNotFound), errors.Is(e.Err, ErrTooLarge):
		return false
	case errors.Is(e.Err, ErrThrottled):
		return true
	case e.Status >= 400 && e.Status < 500:
		return false
	}
	return true
}

// statusError is a non-2xx response that is neither throttling nor 404.
type statusError struct{ status int }

func (e statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.status, http.StatusText(e.status))
}
