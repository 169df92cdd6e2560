// Package deepseektest is a local fake of the DeepSeek chat completions
// endpoint for tests. It serves the subset finx uses: POST
// /chat/completions without streaming. Like the real API, it checks the
// bearer key, the model name and the word "json" in JSON mode. It replays
// a queue of scripted replies with faults (error statuses, Retry-After,
// blank keep-alive lines, empty content, finish_reason length, fenced
// JSON, slow replies) and records every request it receives.
//
// It listens on 127.0.0.1 only, through net/http/httptest.
package deepseektest
