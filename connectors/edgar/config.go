package edgar

import (
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvUserAgent  = "FINX_EDGAR_USER_AGENT"
	EnvWWWBaseURL = "FINX_EDGAR_WWW_URL"
	EnvDataURL    = "FINX_EDGAR_DATA_URL"
)

// Defaults applied to zero Config fields.
const (
	DefaultWWWBaseURL  = "https://www.sec.gov"
	DefaultDataBaseURL = "https://data.sec.gov"
	// DefaultRate stays below SEC's fair-access limit of 10 requests per
	// second, so that a little clock skew cannot push a crawl over it.
	DefaultRate = 8
	// MaxRate is SEC's fair-access limit in requests per second, counted
	// over all the requester's machines.
	MaxRate = 10
	// DefaultMaxBodyBytes is far above the largest 10-K primary documents
	// (tens of MB of inline XBRL) and colly's own 10 MB default, which would
	// cut them off.
	DefaultMaxBodyBytes = 200 << 20
	DefaultRetries      = 3
	DefaultBackoff      = time.Second
	// DefaultThrottleBackoff follows SEC's statement that a blocked
	// requester is let through again after about 10 minutes below the limit.
	DefaultThrottleBackoff = 10 * time.Minute
	DefaultThrottleRetries = 2
	DefaultTimeout         = 5 * time.Minute
)

// Config sets up a Crawler. Zero fields take the documented defaults.
type Config struct {
	// UserAgent is sent with every request. SEC requires a name and a
	// contact email ("Example Corp admin@example.com") and rejects requests
	// without them. Required.
	UserAgent string
	// WWWBaseURL is the root of the Archives, the ticker map, the daily
	// indexes and the latest-filings feed. Default: https://www.sec.gov.
	WWWBaseURL string
	// DataBaseURL is the root of the submissions JSON API. Default:
	// https://data.sec.gov.
	DataBaseURL string
	// Rate is the maximum number of requests per second, shared by every request of
	// the process (see Limiter). Default: 8; at most 10.
	Rate float64
	// MaxBodyBytes is the largest response body accepted, in bytes; a
	// larger one fails the document instead of being cut off. Default:
	// 200 MiB.
	MaxBodyBytes int64
	// AllowedHosts are hosts (host or host:port) requests may go to, added
	// to the hosts of WWWBaseURL and DataBaseURL. Requests and redirects to
	// any other host are rejected.
	AllowedHosts []string
	// Retries is how often a request is repeated after a transient error
	// (HTTP 5xx, connection reset, a body shorter than its Content-Length).
	// Default: 3. Negative means none.
	Retries int
	// Backoff is the wait before the first retry of a transient error; it
	// doubles on each further retry. Default: 1s.
	Backoff time.Duration
	// ThrottleBackoff is the pause of every request of the crawler after
	// EDGAR signals throttling (HTTP 403 or 429, or its rate-limit notice
	// with status 200). Default: 10 minutes.
	ThrottleBackoff time.Duration
	// ThrottleRetries is how often a throttled request is repeated after
	// the pause before its document fails. Default: 2. Negative means none.
	ThrottleRetries int
	// Timeout bounds one request, body included. Default: 5 minutes.
	Timeout time.Duration
	// Limiter spaces the requests. Default: nil, which uses the
	// process-wide limiter shared by every Crawler (see SharedLimiter).
	Limiter *Limiter
	// Logger receives throttling, retry and failure records. Default: nil,
	// which is silent.
	Logger *slog.Logger
	// Registerer receives the crawler's metrics. Default: nil, which
	// records none.
	Registerer prometheus.Registerer
}

// ConfigFromEnv returns a Config with UserAgent, WWWBaseURL and DataBaseURL
// read from FINX_EDGAR_USER_AGENT, FINX_EDGAR_WWW_URL and
// FINX_EDGAR_DATA_URL; other fields are zero.
func ConfigFromEnv() Config {
	return Config{
		UserAgent:   os.Getenv(EnvUserAgent),
		WWWBaseURL:  os.Getenv(EnvWWWBaseURL),
		DataBaseURL: os.Getenv(EnvDataURL),
	}
}

func (c Config) withDefaults() Config {
	if c.WWWBaseURL == "" {
		c.WWWBaseURL = DefaultWWWBaseURL
	}
	if c.DataBaseURL == "" {
		c.DataBaseURL = DefaultDataBaseURL
	}
	c.WWWBaseURL = strings.TrimRight(c.WWWBaseURL, "/")
	c.DataBaseURL = strings.TrimRight(c.DataBaseURL, "/")

	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}

	if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.Backoff == 0 {
		c.Backoff = DefaultBackoff
	}

	if c.ThrottleBackoff == 0 {
		c.ThrottleBackoff = DefaultThrottleBackoff
	}
	if c.ThrottleRetries == 0 {
		c.ThrottleRetries = DefaultThrottleRetries
	}
	if c.ThrottleRetries < 0 {
		c.ThrottleRetries = 0
	}

	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Validate reports the first invalid field after defaults are applied.
func (c Config) Validate() error {
	c = c.withDefaults()
	if err := CheckUserAgent(c.UserAgent); err != nil {
		return err
	}
	for name, base := range map[string]string{"WWWBaseURL": c.WWWBaseURL, "DataBaseURL": c.DataBaseURL} {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("edgar: invalid %s %q: want an http or https URL such as https://www.sec.gov", name, base)
		}
	}
	if err := validateRate(c.Rate); err != nil {
		return err
	}
	switch {
	case c.MaxBodyBytes < 0:
		return fmt.Errorf("edgar: invalid MaxBodyBytes %d: want a positive byte count", c.MaxBodyBytes)
	case c.Backoff < 0 || c.ThrottleBackoff < 0 || c.Timeout < 0:
		return fmt.Errorf("edgar: invalid negative duration: Backoff %v, ThrottleBackoff %v, Timeout %v", c.Backoff, c.ThrottleBackoff, c.Timeout)
	}
	for _, h := range c.AllowedHosts {
		if normalizeHost(h) == "" {
			return fmt.Errorf("edgar: invalid allowed host %q: want a host name or host:port", h)
		}
	}
	return nil
}

// minRate is the lowest rate whose interval, 1s/rate plus the limiter's
// margin, fits in a time.Duration (about 292 years): about 1.1e-10.
const minRate = float64(time.Second) / maxIntervalNanos

// validateRate rejects a rate that is NaN, infinite, below minRate or above
// MaxRate.
func validateRate(rate float64) error {
	if math.IsNaN(rate) || rate < minRate || rate > MaxRate {
		return fmt.Errorf("edgar: invalid Rate %v: want a number of requests per second of at least %.2g and at most %d, SEC's fair-access limit", rate, minRate, MaxRate)
	}
	return nil
}

var emailPattern = regexp.MustCompile(`[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}`)

// CheckUserAgent returns ErrNoUserAgent unless ua contains a contact email
// and at least one word of a name besides it, the form SEC's fair-access
// rules ask for ("Example Corp admin@example.com").
//
// A value with a control character (CR, LF, NUL, tab or any other C0 or C1
// code, or DEL) is rejected too, because net/http refuses it as a header
// value and every request would fail.
func CheckUserAgent(ua string) error {
	if i := strings.IndexFunc(ua, unicode.IsControl); i >= 0 {
		return fmt.Errorf("%w: %q contains the control character %U at byte %d", ErrNoUserAgent, ua, []rune(ua[i:])[0], i)
	}
	ua = strings.TrimSpace(ua)
	email := emailPattern.FindString(ua)
	if email == "" {
		return fmt.Errorf("%w: %q has no email address", ErrNoUserAgent, ua)
	}
	name := strings.TrimSpace(strings.Replace(ua, email, "", 1))
	if strings.IndexFunc(name, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) < 0 {
		return fmt.Errorf("%w: %q has no name besides the email address", ErrNoUserAgent, ua)
	}
	return nil
}

// normalizeHost returns h (a host, host:port or URL) in lower case with
// the port dropped when it is the default port of its scheme, or "" when
// h is not a host.
func normalizeHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if strings.Contains(h, "://") {
		u, err := url.Parse(h)
		if err != nil {
			return ""
		}
		return hostOf(u)
	}
	if h == "" || strings.ContainsAny(h, "/?#@ ") {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(h, ":443"), ":80")
}

// hostOf returns the host of u as the allow list stores it.
func hostOf(u *url.URL) string {
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case u.Scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return host
}
