// Package deepseektest is a local fake of the DeepSeek chat completions
// endpoint. Like the real API, it checks the bearer key, the model name and
// the word "json" in JSON mode, and it streams server-sent events when a
// request sets "stream".
//
// Server is for tests: it replays a queue of scripted replies with faults
// (error statuses, Retry-After, blank keep-alive lines, empty content,
// finish_reason length, fenced JSON, slow replies) and records every
// request it receives. It listens on 127.0.0.1 only, through
// net/http/httptest.
//
// Sim is the serving core of finx llm-sim: an http.Handler that answers
// every request with a function, normally one that reads the prompt back
// and answers as the offline provider would, and injects the faults named
// in its config (see Faults). The caller picks the listening address.
package deepseektest
