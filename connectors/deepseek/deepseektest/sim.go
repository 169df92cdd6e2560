package deepseektest

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault names accepted by SimConfig.Faults. Transient faults hit the first
// attempt of each distinct request (same model and messages), so that a
// client which retries or repairs recovers; SimConfig.Always makes them hit
// every request. The other faults hit every request.
const (
	// FaultLatency adds SimConfig.Latency before the reply.
	FaultLatency = "latency"
	// FaultKeepAlive sends blank lines (JSON replies) or ": keep-alive"
	// comments (streams) while the reply waits, one per 100ms of delay.
	FaultKeepAlive = "keepalive"
	// Fault429 is transient: 429 with Retry-After: 1.
	Fault429 = "429"
	// Fault500 and Fault503 are transient server errors.
	Fault500 = "500"
	Fault503 = "503"
	// Fault401 and Fault402 reject every request: a bad key, no balance.
	Fault401 = "401"
	Fault402 = "402"
	// FaultEmpty is transient: content of spaces with finish_reason stop.
	FaultEmpty = "empty"
	// FaultInvalidJSON is transient: content that is not JSON.
	FaultInvalidJSON = "invalid_json"
	// FaultFenced wraps every reply in a markdown json fence.
	FaultFenced = "fenced"
	// FaultTruncated is transient: the first half of the content with
	// finish_reason length.
	FaultTruncated = "truncated"
	// FaultHallucinate replaces the quote of every other item with a
	// sentence that is in no document.
	FaultHallucinate = "hallucinate"
	// FaultWrongTypes is transient: chunk, scale and confidence as words.
	FaultWrongTypes = "wrong_types"
	// FaultObey makes the Answer function follow instructions planted in
	// the filing text.
	FaultObey = "obey"
)

// Faults lists every fault name.
var Faults = []string{FaultLatency, FaultKeepAlive, Fault429, Fault500, Fault503, Fault401, Fault402,
	FaultEmpty, FaultInvalidJSON, FaultFenced, FaultTruncated, FaultHallucinate, FaultWrongTypes, FaultObey}

var transient = map[string]bool{Fault429: true, Fault500: true, Fault503: true, FaultEmpty: true,
	FaultInvalidJSON: true, FaultTruncated: true, FaultWrongTypes: true}

// Question is the part of a chat request that the Answer function reads.
type Question struct {
	System, User string
	// Obey is set under FaultObey.
	Obey bool
}

// SimConfig sets up a Sim.
type SimConfig struct {
	// Answer returns the content for a question. Required.
	Answer func(ctx context.Context, q Question) (string, error)
	// Delay is the pause before every reply. Default: 0.
	Delay time.Duration
	// Latency is the extra pause of FaultLatency. Default: 2s.
	Latency time.Duration
	// Faults are fault names from Faults.
	Faults []string
	// Always makes transient faults hit every request.
	Always bool
	// APIKey, when set, is the only bearer token accepted; else any
	// non-empty token is.
	APIKey string
	// Models are the accepted model names. Default: DefaultModels.
	Models []string
	// Logger receives a line per request at debug level and Answer errors
	// at warn level. Default: nil, which logs nothing.
	Logger *slog.Logger
}

// Sim is a chat completions server that replies with SimConfig.Answer and
// injects the configured faults. It is an http.Handler.
type Sim struct {
	cfg    SimConfig
	faults map[string]bool

	mu sync.Mutex
	// seen counts the requests per digest of model and messages.
	seen map[[32]byte]int
	// systems holds the system messages seen, for the cache-hit tokens.
	systems  map[string]bool
	requests int
	injected map[string]int
	// inFlight counts the chat completion requests in progress, and
	// maxInFlight the highest count so far.
	inFlight    int
	maxInFlight int
}

// NewSim checks cfg and returns a simulator.
func NewSim(cfg SimConfig) (*Sim, error) {
	if cfg.Answer == nil {
		return nil, errors.New("deepseektest: SimConfig.Answer is nil")
	}
	faults := map[string]bool{}
	for _, f := range cfg.Faults {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !contains(Faults, f) {
			return nil, fmt.Errorf("deepseektest: unknown fault %q: want one of %s", f, strings.Join(Faults, ", "))
		}
		faults[f] = true
	}
	if cfg.Latency == 0 {
		cfg.Latency = 2 * time.Second
	}
	if len(cfg.Models) == 0 {
		cfg.Models = DefaultModels
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Sim{cfg: cfg, faults: faults, seen: map[[32]byte]int{}, systems: map[string]bool{}, injected: map[string]int{}}, nil
}

// SimStats counts what a Sim did.
type SimStats struct {
	Requests int
	// MaxInFlight is the most chat completion requests the simulator was
	// answering at one time.
	MaxInFlight int
	// Injected counts the requests each fault changed.
	Injected map[string]int
}

// Stats returns the counts so far.
func (s *Sim) Stats() SimStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	inj := make(map[string]int, len(s.injected))
	for k, v := range s.injected {
		inj[k] = v
	}
	return SimStats{Requests: s.requests, MaxInFlight: s.maxInFlight, Injected: inj}
}

// ServeHTTP serves POST /chat/completions (also under /v1 and /beta) and
// GET /models.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	for _, prefix := range []string{"/v1", "/beta"} {
		path = strings.TrimPrefix(path, prefix)
	}
	if r.Method == http.MethodGet && path == "/models" {
		s.serveModels(w)
		return
	}
	if r.Method != http.MethodPost || path != "/chat/completions" {
		writeError(w, http.StatusNotFound, "not found: "+r.Method+" "+r.URL.Path, "invalid_request_error", "")
		return
	}
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "unreadable body", "invalid_request_error", "")
		return
	}
	req := decode(body)
	if req.Model == "" && req.System == "" && req.User == "" {
		writeError(w, http.StatusBadRequest, "invalid JSON body", "invalid_request_error", "")
		return
	}
	if msg, code := s.check(r, req); code != 0 {
		writeError(w, code, msg, "invalid_request_error", "")
		return
	}

	first, cacheHit := s.note(req)
	reply := Reply{Delay: s.cfg.Delay}
	hit := func(fault string) bool {
		if !s.faults[fault] || (transient[fault] && !first && !s.cfg.Always) {
			return false
		}
		s.mu.Lock()
		s.injected[fault]++
		s.mu.Unlock()
		return true
	}
	if hit(FaultLatency) {
		reply.Delay += s.cfg.Latency
	}
	switch {
	case hit(Fault401):
		writeError(w, http.StatusUnauthorized, "Authentication Fails, Your api key is invalid", "authentication_error", "invalid_request_error")
		return
	case hit(Fault402):
		writeError(w, http.StatusPaymentRequired, "Insufficient Balance", "unknown_error", "invalid_request_error")
		return
	case hit(Fault429):
		reply.Status, reply.RetryAfter = http.StatusTooManyRequests, "1"
		write(w, r, req, reply)
		return
	case hit(Fault500):
		reply.Status = http.StatusInternalServerError
		write(w, r, req, reply)
		return
	case hit(Fault503):
		reply.Status = http.StatusServiceUnavailable
		write(w, r, req, reply)
		return
	}

	content, err := s.cfg.Answer(r.Context(), Question{System: req.System, User: req.User, Obey: hit(FaultObey)})
	if err != nil {
		s.cfg.Logger.Warn("llm-sim reply failed", "err", err)
		writeError(w, http.StatusInternalServerError, "simulator: "+err.Error(), "api_error", "")
		return
	}
	switch {
	case hit(FaultEmpty):
		content = "   "
	case hit(FaultInvalidJSON):
		content = `{"risks": [{"chunk": 0, "quote": "unterminated` + "\n" + `Sure! Here is the data you asked for.`
	case hit(FaultTruncated):
		content = content[:len(content)/2]
		reply.FinishReason = "length"
	case hit(FaultWrongTypes):
		content = wrongTypes(content)
	}
	if hit(FaultHallucinate) {
		content = hallucinate(content)
	}
	if hit(FaultFenced) {
		content = "```json\n" + content + "\n```"
	}
	if hit(FaultKeepAlive) {
		reply.KeepAlives = int(reply.Delay / (100 * time.Millisecond))
		reply.KeepAliveEvery = 100 * time.Millisecond
		reply.Delay = 0
	}
	reply.Content = content
	reply.PromptTokens = tokens(req.System) + tokens(req.User)
	if cacheHit {
		// The API caches whole 64-token units of a repeated prefix.
		reply.CacheHitTokens = tokens(req.System) / 64 * 64
	}
	reply.CompletionTokens = tokens(content)
	s.cfg.Logger.Debug("llm-sim request", "model", req.Model, "prompt_tokens", reply.PromptTokens, "first", first, "stream", req.Stream)
	write(w, r, req, reply)
}

// tokens estimates tokens as one per four bytes.
func tokens(s string) int { return (len(s) + 3) / 4 }

func (s *Sim) check(r *http.Request, req Request) (string, int) {
	auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if auth == "" || (s.cfg.APIKey != "" && auth != s.cfg.APIKey) {
		return "Authentication Fails, Your api key is invalid", http.StatusUnauthorized
	}
	if !contains(s.cfg.Models, req.Model) {
		return "Model Not Exist", http.StatusBadRequest
	}
	if req.ResponseFormat == "json_object" && !strings.Contains(strings.ToLower(req.System+req.User), "json") {
		return "Prompt must contain the word 'json' in some form to use 'response_format' of type 'json_object'.", http.StatusBadRequest
	}
	if req.ResponseFormat != "" && req.ResponseFormat != "text" && req.ResponseFormat != "json_object" {
		return "This response_format type is unavailable now", http.StatusBadRequest
	}
	return "", 0
}

// note counts the request and reports whether it is the first with its
// model and messages, and whether its system message was seen before.
func (s *Sim) note(req Request) (first, cacheHit bool) {
	sum := sha256.Sum256([]byte(req.Model + "\x00" + req.System + "\x00" + req.User))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.seen[sum]++
	cacheHit = s.systems[req.System]
	s.systems[req.System] = true
	return s.seen[sum] == 1, cacheHit
}

func (s *Sim) serveModels(w http.ResponseWriter) {
	var data []any
	for _, m := range s.cfg.Models {
		data = append(data, map[string]any{"id": m, "object": "model", "owned_by": "deepseek"})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
}

// items decodes a reply of the form {"<key>": [{...}, ...]}.
func items(content string) (string, []map[string]any, bool) {
	var obj map[string][]map[string]any
	if err := json.Unmarshal([]byte(content), &obj); err != nil || len(obj) != 1 {
		return "", nil, false
	}
	for k, v := range obj {
		return k, v, true
	}
	return "", nil, false
}

func encode(key string, list []map[string]any) string {
	b, err := json.Marshal(map[string]any{key: list})
	if err != nil {
		panic(fmt.Sprintf("deepseektest: marshal reply: %v", err))
	}
	return string(b)
}

// hallucinate replaces the quote of items 0, 2, 4, ... with invented text.
func hallucinate(content string) string {
	key, list, ok := items(content)
	if !ok {
		return content
	}
	for i := 0; i < len(list); i += 2 {
		list[i]["quote"] = fmt.Sprintf("The company expects record results in every quarter of the coming decade (item %d).", i)
	}
	return encode(key, list)
}

// wrongTypes turns the numbers of every item into words, and a reply with
// no item into a list of one such item.
func wrongTypes(content string) string {
	key, list, ok := items(content)
	if !ok {
		return content
	}
	if len(list) == 0 {
		list = []map[string]any{{"quote": "n/a"}}
	}
	for _, it := range list {
		it["chunk"] = "first"
		it["confidence"] = "very high"
		if _, ok := it["scale"]; ok {
			it["scale"] = "millions"
		}
	}
	return encode(key, list)
}
