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
	At       time.Time
}

// Server is the fake API. Its URL is the base URL for deepseek.Config.
type Server struct {
	*httptest.Server
	// APIKey is the only bearer token accepted.
	APIKey string
	// Models are the accepted model names.
	Models []string

	mu       sync.Mutex
	queue    []Reply
	respond  func(Request) Reply
	requests []Request
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
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, r...)
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
	s.write(w, r, reply)
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
	if len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		return r, true
	}
	if s.respond != nil {
		return s.respond(req), true
	}
	return Reply{}, false
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, reply Reply) {
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
		"usage": map[string]any{
			"prompt_tokens":            r.PromptTokens,
			"completion_tokens":        r.CompletionTokens,
			"total_tokens":             r.PromptTokens + r.CompletionTokens,
			"prompt_cache_hit_tokens":  r.CacheHitTokens,
			"prompt_cache_miss_tokens": r.PromptTokens - r.CacheHitTokens,
		},
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
