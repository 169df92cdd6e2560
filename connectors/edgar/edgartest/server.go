package edgartest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is a scripted misbehaviour of one response.
type Fault int

const (
	// Throttle403 responds with 403 and the rate-threshold page.
	Throttle403 Fault = iota + 1
	// Throttle429 responds with 429 Too Many Requests.
	Throttle429
	// Notice200 responds with 200 and the rate-threshold page as the body,
	// as SEC sometimes does.
	Notice200
	// ServerError responds with 503.
	ServerError
	// Reset sends the start of a status line and closes the connection
	// with a TCP reset.
	Reset
	// ShortBody sends a Content-Length 100 bytes larger than the body it
	// sends, then closes the connection.
	ShortBody
)

func (f Fault) String() string {
	switch f {
	case Throttle403:
		return "throttle403"
	case Throttle429:
		return "throttle429"
	case Notice200:
		return "notice200"
	case ServerError:
		return "server_error"
	case Reset:
		return "reset"
	case ShortBody:
		return "short_body"
	}
	return "fault" + strconv.Itoa(int(f))
}

// Pages SEC serves when it blocks a requester; the crawler recognises
// them by these titles.
const (
	RateNotice      = "<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body><h1>Your Request Originates from an Undeclared Automated Tool</h1><p>Request Rate Threshold Exceeded. Please declare your traffic by updating your user agent.</p></body></html>\n"
	UndeclaredAgent = "<html><head><title>SEC.gov | Your Request Originates from an Undeclared Automated Tool</title></head><body><p>Please declare your traffic by updating your user agent to include company specific information.</p></body></html>\n"
)

// Request is one request the server received.
type Request struct {
	Time      time.Time
	Method    string
	Host      string
	Path      string
	RawQuery  string
	UserAgent string
	// Status is the response's status code, 0 when the connection was
	// closed without one.
	Status int
	// Fault is the scripted fault applied, 0 for none.
	Fault Fault
}

// Config sets up a Server.
type Config struct {
	// Rate is the maximum number of requests per sliding second; the ones
	// above it get
	// 403 with the rate-threshold page. Zero means no limit.
	Rate int
}

// Server is the fake. Register content with File, Bytes and Handle before
// the crawler runs; the methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port.
	URL string
	srv *httptest.Server
	cfg Config

	mu        sync.Mutex
	content   map[string]http.HandlerFunc
	faults    map[string][]Fault
	redirects map[string]string
	log       []Request
}

// New starts a server and stops it when the test ends.
func New(t testing.TB, cfg Config) *Server {
	s := &Server{
		cfg:       cfg,
		content:   make(map[string]http.HandlerFunc),
		faults:    make(map[string][]Fault),
		redirects: make(map[string]string),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Bytes serves body at urlPath with status 200.
func (s *Server) Bytes(urlPath string, body []byte) {
	s.Handle(urlPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
}

// File serves the file at name under urlPath, reading it on each request.
func (s *Server) File(urlPath, name string) {
	s.Handle(urlPath, func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
	})
}

// Handle serves urlPath with h; the query string does not take part in
// the match.
func (s *Server) Handle(urlPath string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.content[urlPath] = h
}

// Fail queues faults for urlPath, applied one per request in order before
// the content is served again.
func (s *Server) Fail(urlPath string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[urlPath] = append(s.faults[urlPath], faults...)
}

// Redirect responds to requests for urlPath with 302 to target.
func (s *Server) Redirect(urlPath, target string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redirects[urlPath] = target
}

// Requests returns every request received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Count returns how many requests for urlPath got a response with status.
func (s *Server) Count(urlPath string, status int) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == urlPath && r.Status == status {
			n++
		}
	}
	return n
}

// MaxPerSecond returns the maximum number of requests that arrived within any
// one-second window, and the time the busiest window started.
func (s *Server) MaxPerSecond() (int, time.Time) {
	reqs := s.Requests()
	best, start, j := 0, time.Time{}, 0
	for i := range reqs {
		for reqs[i].Time.Sub(reqs[j].Time) >= time.Second {
			j++
		}
		if n := i - j + 1; n > best {
			best, start = n, reqs[j].Time
		}
	}
	return best, start
}

// agentPattern is SEC's rule for a declared tool: a contact email and a
// name besides it.
var agentPattern = regexp.MustCompile(`[A-Za-z].*\s\S+@\S+\.\S+|\S+@\S+\.\S+\s.*[A-Za-z]`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	s.mu.Lock()
	req := Request{Time: now, Method: r.Method, Host: r.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery, UserAgent: r.UserAgent()}
	index := len(s.log)
	s.log = append(s.log, req)
	inWindow := 0
	for i := index; i >= 0 && now.Sub(s.log[i].Time) < time.Second; i-- {
		inWindow++
	}
	var fault Fault
	if q := s.faults[r.URL.Path]; len(q) > 0 {
		fault, s.faults[r.URL.Path] = q[0], q[1:]
	}
	handler := s.content[r.URL.Path]
	target, redirect := s.redirects[r.URL.Path]
	s.mu.Unlock()

	status := s.respond(w, r, inWindow, fault, handler, target, redirect)
	s.mu.Lock()
	s.log[index].Status = status
	s.log[index].Fault = fault
	s.mu.Unlock()
}

// respond writes the response and returns its status, 0 for a closed
// connection.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, inWindow int, fault Fault, handler http.HandlerFunc, target string, redirect bool) int {
	switch {
	case !agentPattern.MatchString(r.UserAgent()):
		return page(w, http.StatusForbidden, UndeclaredAgent)
	case s.cfg.Rate > 0 && inWindow > s.cfg.Rate:
		return page(w, http.StatusForbidden, RateNotice)
	}
	switch fault {
	case Throttle403:
		return page(w, http.StatusForbidden, RateNotice)
	case Throttle429:
		w.Header().Set("Retry-After", "0")
		return page(w, http.StatusTooManyRequests, "Too Many Requests\n")
	case Notice200:
		return page(w, http.StatusOK, RateNotice)
	case ServerError:
		return page(w, http.StatusServiceUnavailable, "Service Unavailable\n")
	case Reset:
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("edgartest: the response writer cannot be hijacked")
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			return 0
		}
		// Part of a status line first: net/http resends a GET by itself
		// when a reused connection closes before the first response byte,
		// and the crawler's own retries are what the tests check.
		conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-"))
		if tcp, ok := conn.(*net.TCPConn); ok {
			tcp.SetLinger(0) // close with RST, as a reset connection does
		}
		conn.Close()
		return 0
	case ShortBody:
		body := []byte(fmt.Sprintf("<html><body>cut off %s</body></html>", r.URL.Path))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+100))
		w.WriteHeader(http.StatusOK)
		w.Write(body)
		return http.StatusOK
	}
	if redirect {
		http.Redirect(w, r, target, http.StatusFound)
		return http.StatusFound
	}
	if handler == nil {
		return page(w, http.StatusNotFound, "Not Found\n")
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	handler(rec, r)
	return rec.status
}

func page(w http.ResponseWriter, status int, body string) int {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write([]byte(body))
	return status
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Archive returns the URL path of a file in a filing folder:
// /Archives/edgar/data/<cik>/<accession without dashes>/<name>.
func Archive(cik int64, accession, name string) string {
	return fmt.Sprintf("/Archives/edgar/data/%d/%s/%s", cik, strings.ReplaceAll(accession, "-", ""), name)
}
