package review

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/finx-dev/finx/schemas"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// DocumentFunc returns the parsed document of a filing, whose Text the
// citations point into, or an error when the source cannot be found.
type DocumentFunc func(ctx context.Context, f schemas.Filing) (*schemas.Document, error)

// Config configures a Server.
type Config struct {
	// Store holds the extraction tables and the decisions. Required.
	Store Store
	// Document returns a filing's parsed text for highlighting; nil shows
	// filing pages without the text.
	Document DocumentFunc
	// Token is the secret that a reviewer enters to log in. Empty makes the
	// server read-only.
	Token string
	// Logger receives request errors and decisions; nil discards them.
	Logger *slog.Logger
	// Registerer receives the review metrics; nil registers none.
	Registerer prometheus.Registerer
	// Gatherer serves /metrics; nil serves no /metrics.
	Gatherer prometheus.Gatherer
	// SessionTTL is how long a login lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// DocumentCache is the count of parsed documents kept in memory; 0 means 8.
	DocumentCache int
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Server is the review web application.
type Server struct {
	cfg     Config
	log     *slog.Logger
	pages   map[string]*template.Template
	metrics *metrics
	auth    *auth
	docs    *docCache
	// decideMu serialises decisions, so that two decisions on one item in
	// this process cannot both pass the version check.
	//
	// NOTE: the lock is per process. Two servers on one store can both
	// store a decision on the same item version, so only one server per
	// store may take decisions.
	decideMu sync.Mutex
}

// New returns a server. It fails when the templates do not parse or the
// metrics cannot be registered.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("review: Config.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.DocumentCache <= 0 {
		cfg.DocumentCache = 8
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("review: register metrics: %w", err)
	}
	return &Server{
		cfg:     cfg,
		log:     cfg.Logger.With("component", "review"),
		pages:   pages,
		metrics: m,
		auth:    newAuth(cfg.Token, cfg.SessionTTL, cfg.Now),
		docs:    newDocCache(cfg.DocumentCache),
	}, nil
}

// ReadOnly reports whether the server rejects decisions.
func (s *Server) ReadOnly() bool { return s.auth.readOnly() }

// Handler returns the routes with the security headers applied. POST routes
// also pass the standard library's cross-origin protection, which rejects
// requests whose Sec-Fetch-Site or Origin names another site.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", noDirectoryListing(http.FileServerFS(static))))
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /filing/{docid}", s.handleFiling)
	mux.HandleFunc("GET /review", s.handleQueue)
	mux.HandleFunc("GET /company/{key}", s.handleCompany)
	mux.HandleFunc("GET /login", s.handleLoginForm)
	mux.HandleFunc("POST /login", s.handleLogin)
	mux.HandleFunc("POST /logout", s.handleLogout)
	mux.HandleFunc("POST /review/decide", s.handleDecide)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	if s.cfg.Gatherer != nil {
		metricsHandler := promhttp.HandlerFor(s.cfg.Gatherer, promhttp.HandlerOpts{})
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
			s.refreshMetrics(r.Context())
			metricsHandler.ServeHTTP(w, r)
		})
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.WarnContext(r.Context(), "cross-origin request rejected", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		http.Error(w, "cross-origin request rejected", http.StatusForbidden)
	}))
	return securityHeaders(cop.Handler(mux))
}

// noDirectoryListing returns 404 for folder paths, for which http.FileServer
// would send a listing of the folder.
func noDirectoryListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows scripts, styles and images from this server
// only, no inline script or style, no plugins, and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		// Pages carry CSRF tokens and review data; no shared cache may keep them.
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// refreshMetrics updates the backlog and correction gauges before a scrape,
// waiting at most 5 seconds for the store.
func (s *Server) refreshMetrics(ctx context.Context) {
	if s.metrics == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	backlog, err := s.cfg.Store.NeedsReview(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "review metrics not refreshed", "err", err)
		return
	}
	decisions, err := s.cfg.Store.Decisions(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "review metrics not refreshed", "err", err)
		return
	}
	s.metrics.refresh(backlog, decisions)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Store.Ping(r.Context()); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// document returns the filing's parsed document from the cache or from
// Config.Document.
func (s *Server) document(ctx context.Context, f schemas.Filing) (*schemas.Document, error) {
	if s.cfg.Document == nil {
		return nil, errors.New("no document source configured (start finx serve with --docs or --blob-dir)")
	}
	if doc := s.docs.get(f.DocID); doc != nil {
		return doc, nil
	}
	doc, err := s.cfg.Document(ctx, f)
	if err != nil {
		return nil, err
	}
	s.docs.put(f.DocID, doc)
	return doc, nil
}

// docCache keeps the most recently used parsed documents.
type docCache struct {
	mu    sync.Mutex
	max   int
	order []string
	docs  map[string]*schemas.Document
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, docs: make(map[string]*schemas.Document)}
}

func (c *docCache) get(id string) *schemas.Document {
	c.mu.Lock()
	defer c.mu.Unlock()
	doc := c.docs[id]
	if doc != nil {
		c.touch(id)
	}
	return doc
}

func (c *docCache) put(id string, doc *schemas.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.docs[id]; !ok && len(c.order) >= c.max {
		delete(c.docs, c.order[0])
		c.order = c.order[1:]
	}
	c.docs[id] = doc
	c.touch(id)
}

// touch moves id to the end of the use order; c.mu must be held.
func (c *docCache) touch(id string) {
	for i, v := range c.order {
		if v == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	c.order = append(c.order, id)
}
