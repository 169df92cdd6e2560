package deepseektest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted response.
type Reply struct {
	// Status is the HTTP status. Default: 200.
	Status int
	// Body, when set, is sent as is. Otherwise a 200 reply is a chat
	// completion built from the fields below, and an error status gets a
	// DeepSeek error object.
	Body string
	// Content is the message content of a 200 reply.
	Content string
	// FinishReason of a 200 reply. Default: "stop". Set NoFinishReason to
	// send null.
	FinishReason   string
	NoFinishReason bool
	// RetryAfter is the Retry-After header value, such as "1".
	RetryAfter string
	// KeepAlives is the number of blank lines sent after the 200 header and
	// before the body, as the API does while a request waits in its queue.
	KeepAlives int
	// KeepAliveEvery is the pause before each blank line. Default: 10ms.
	KeepAliveEvery time.Duration
	// Delay is the pause before the status line is sent.
	Delay time.Duration
	// Token counts reported in usage.
	PromptTokens, CompletionTokens, CacheHitTokens int
}

// JSON returns a 200 reply with content and finish_reason "stop".
func JSON(content string) Reply {
	return Reply{Content: content, PromptTokens: 100, CompletionTokens: 20}
}

// Fenced returns a 200 reply with content inside a ```json fence.
func Fenced(content string) Reply { return JSON("```json\n" + content + "\n```") }

// Empty returns a 200 reply whose content is only spaces, as the API sends
// when the model produced no valid JSON.
func Empty() Reply { return Reply{Content: "   ", PromptTokens: 100} }

// Truncated returns a 200 reply cut off at max_tokens.
func Truncated(content string) Reply {
	return Reply{Content: content, FinishReason: "length", PromptTokens: 100, CompletionTokens: 50}
}

// Status returns an error reply with the status and a Retry-After value
// (empty for none).
func Status(code int, retryAfter string) Reply { return Reply{Status: code, RetryAfter: retryAfter} }

// Request is a request the server received.
type Request struct {
	Header http.Header
	// Body is the raw JSON body.
	Body []byte
	// Fields decoded from Body.
	Model          string
	System         string
	User           string
	MaxTokens      int
	Temperature    *float64
	ResponseFormat string
	// Thinking is thinking.type, empty when the field was not sent.
	Thinking string
	// Stream and IncludeUsage are stream and stream_options.include_usage.
	Stream       bool
	IncludeUsage bool
	At           time.Time
}

// Server is the fake API. Its URL is the base URL for deepseek.Config.
type Server struct {
	*httptest.Server
	// APIKey is the only bearer token accepted.
	APIKey string
	// Models are the accepted model names.
	Models []string

	mu       sync.Mutex
	queue    []queued
	respond  func(Request) Reply
	requests []Request
}

// queued is a scripted reply for the first request that match accepts; a
// nil match accepts any request.
type queued struct {
	match func(Request) bool
	reply Reply
}

// DefaultModels are the names the server accepts unless Models is changed.
var DefaultModels = []string{"deepseek-flash", "deepseek-v4-flash", "deepseek-v4-pro"}

// New starts a server that accepts apiKey and closes it when the test ends.
func New(t testing.TB, apiKey string) *Server {
	t.Helper()
	s := &Server{APIKey: apiKey, Models: DefaultModels}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Enqueue appends replies; each request takes the first one left.
func (s *Server) Enqueue(r ...Reply) {
	s.EnqueueFor(nil, r...)
}

// EnqueueFor appends replies that only requests accepted by match take, in
// order. Tests whose client sends requests concurrently use it to script
// the replies of one kind of request.
func (s *Server) EnqueueFor(match func(Request) bool, r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, reply := range r {
		s.queue = append(s.queue, queued{match: match, reply: reply})
	}
}

// Respond sets the function that builds a reply when the queue is empty.
// Without it, a request that finds the queue empty gets a 500 with the
// message "no scripted reply left".
func (s *Server) Respond(f func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = f
}

// Requests returns a copy of the requests received so far, valid or not.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Pending returns the number of scripted replies not yet used.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || strings.TrimSuffix(r.URL.Path, "/") != "/chat/completions" {
		writeError(w, http.StatusNotFound, "not found: "+r.Method+" "+r.URL.Path, "invalid_request_error", "")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "unreadable body", "invalid_request_error", "")
		return
	}
	req := decode(body)
	req.Header = r.Header.Clone()
	req.At = time.Now()
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()

	if msg, code := s.check(r, req); code != 0 {
		writeError(w, code, msg, "invalid_request_error", "")
		return
	}
	reply, ok := s.next(req)
	if !ok {
		writeError(w, http.StatusInternalServerError, "deepseektest: no scripted reply left", "api_error", "")
		return
	}
	write(w, r, req, reply)
}

// check applies the API's own validation and returns a message and status,
// or 0 when the request is valid.
func (s *Server) check(r *http.Request, req Request) (string, int) {
	if r.Header.Get("Authorization") != "Bearer "+s.APIKey {
		return "Authentication Fails, Your api key is invalid", http.StatusUnauthorized
	}
	if !contains(s.Models, req.Model) {
		return "Model Not Exist", http.StatusBadRequest
	}
	switch req.ResponseFormat {
	case "", "text":
	case "json_object":
		if !strings.Contains(strings.ToLower(req.System+req.User), "json") {
			return "Prompt must contain the word 'json' in some form to use 'response_format' of type 'json_object'.", http.StatusBadRequest
		}
	default:
		return "This response_format type is unavailable now", http.StatusBadRequest
	}
	return "", 0
}

func (s *Server) next(req Request) (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.queue {
		if q.match == nil || q.match(req) {
			s.queue = append(s.queue[:i:i], s.queue[i+1:]...)
			return q.reply, true
		}
	}
	if s.respond != nil {
		return s.respond(req), true
	}
	return Reply{}, false
}

// write sends reply, as a server-sent event stream when the request asked
// for one.
func write(w http.ResponseWriter, r *http.Request, req Request, reply Reply) {
	if reply.Delay > 0 {
		select {
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status != http.StatusOK {
		if reply.Body != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, reply.Body)
			return
		}
		writeError(w, status, http.StatusText(status), "api_error", "")
		return
	}

	if req.Stream {
		writeStream(w, r, req, reply)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	every := reply.KeepAliveEvery
	if every <= 0 {
		every = 10 * time.Millisecond
	}
	for range reply.KeepAlives {
		select {
		case <-time.After(every):
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "\n")
		if flusher != nil {
			flusher.Flush()
		}
	}
	if reply.Body != "" {
		io.WriteString(w, reply.Body)
		return
	}
	io.WriteString(w, completionBody(reply))
}

// writeStream sends a 200 reply as chat.completion.chunk events: ": keep-alive"
// comments while the request waits in the queue, the content in pieces, the
// finish reason, the usage when requested, and [DONE].
func writeStream(w http.ResponseWriter, r *http.Request, req Request, reply Reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}

	every := reply.KeepAliveEvery
	if every <= 0 {
		every = 10 * time.Millisecond
	}
	for range reply.KeepAlives {
		select {
		case <-time.After(every):
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, ": keep-alive\n\n")
		flush()
	}

	event := func(choices []any, usage any) {
		body := map[string]any{"id": "fake-1", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": req.Model, "choices": choices}
		if usage != nil {
			body["usage"] = usage
		}
		b, _ := json.Marshal(body)
		fmt.Fprintf(w, "data: %s\n\n", b)
		flush()
	}

	event([]any{map[string]any{"index": 0, "delta": map[string]any{"role": "assistant", "content": ""}, "finish_reason": nil}}, nil)
	const piece = 64
	for content := reply.Content; content != ""; {
		n := min(piece, len(content))
		event([]any{map[string]any{"index": 0, "delta": map[string]any{"content": content[:n]}, "finish_reason": nil}}, nil)
		content = content[n:]
	}

	var finish any = "stop"
	if reply.FinishReason != "" {
		finish = reply.FinishReason
	}
	if reply.NoFinishReason {
		finish = nil
	}
	event([]any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": finish}}, nil)
	if req.IncludeUsage {
		event([]any{}, usage(reply))
	}
	io.WriteString(w, "data: [DONE]\n\n")
	flush()
}

func usage(r Reply) map[string]any {
	return map[string]any{
		"prompt_tokens":            r.PromptTokens,
		"completion_tokens":        r.CompletionTokens,
		"total_tokens":             r.PromptTokens + r.CompletionTokens,
		"prompt_cache_hit_tokens":  r.CacheHitTokens,
		"prompt_cache_miss_tokens": r.PromptTokens - r.CacheHitTokens,
	}
}

func completionBody(r Reply) string {
	var finish any = "stop"
	if r.FinishReason != "" {
		finish = r.FinishReason
	}
	if r.NoFinishReason {
		finish = nil
	}
	body := map[string]any{
		"id":                 "fake-1",
		"object":             "chat.completion",
		"created":            time.Now().Unix(),
		"model":              "deepseek-flash",
		"system_fingerprint": "fake",
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": r.Content},
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage": usage(r),
	}
	b, err := json.Marshal(body)
	if err != nil {
		panic(fmt.Sprintf("deepseektest: marshal completion: %v", err))
	}
	return string(b)
}

func writeError(w http.ResponseWriter, status int, msg, typ, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}})
	w.Write(b)
}

func decode(body []byte) Request {
	var raw struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		MaxTokens      int      `json:"max_tokens"`
		Temperature    *float64 `json:"temperature"`
		ResponseFormat struct {
			Type string `json:"type"`
		} `json:"response_format"`
		Thinking struct {
			Type string `json:"type"`
		} `json:"thinking"`
		Stream        bool `json:"stream"`
		StreamOptions struct {
			IncludeUsage bool `json:"include_usage"`
		} `json:"stream_options"`
	}
	req := Request{Body: body}
	if err := json.Unmarshal(body, &raw); err != nil {
		return req
	}
	req.Model = raw.Model
	req.MaxTokens = raw.MaxTokens
	req.Temperature = raw.Temperature
	req.ResponseFormat = raw.ResponseFormat.Type
	req.Thinking = raw.Thinking.Type
	req.Stream = raw.Stream
	req.IncludeUsage = raw.StreamOptions.IncludeUsage
	for _, m := range raw.Messages {
		switch m.Role {
		case "system":
			req.System += m.Content
		case "user":
			req.User += m.Content
		}
	}
	return req
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
