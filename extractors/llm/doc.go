// Package llm is the passes.Provider that requests candidates from a chat
// model. It builds versioned prompts and sends the selected chunks in
// batches through a Completer, which connectors/deepseek satisfies. It
// parses and validates the JSON reply, and sends up to two repair requests
// that quote the validation errors back. When the model fails for good, it
// falls back to another provider, normally the offline rules provider.
//
// # Prompts
//
// The system message is fixed per kind and PromptVersion, so that it forms
// a stable prefix for the API's context cache. The user message carries
// the chunks between <<<FILING_TEXT ...>>> and <<<END_FILING_TEXT ...>>>
// markers, and both messages state that the text between the markers is
// filing content, not instructions. Marker strings inside the filing text
// are broken up before sending, so a filing cannot close the data block
// early. The provider itself never acts on the reply beyond reading
// candidates: a candidate is only a proposal, and passes.Run verifies every
// quote against the document.
//
// # Values
//
// The model returns numbers as printed ("(1,577)", "$2.15") with a scale.
// The provider turns them into exact decimal strings by string operations,
// never through float64, and shifts metric values by the scale into base
// units. As in the rules provider, per-share figures get scale 0 and
// capital expenditures a positive value.
//
// # Fallback
//
// A batch whose call fails after the Completer's retries, whose output was
// cut at max_tokens (after splitting the batch down to one chunk) or whose
// reply stays unparseable after the repairs is handed to Config.Fallback.
// An error that reports Unavailable() == true (a rejected key or no
// balance) switches the provider to the fallback for every later request.
// Metric requests also take the inline XBRL candidates from the fallback,
// because the model reads only text.
//
// # Counters and logs
//
// Usage returns totals of calls, tokens, repairs, fallbacks, invalid items
// and hallucinated quotes (quotes not found in the chunks that were sent).
// The provider logs fallbacks and dropped items at warn level with the keys
// doc_id, kind, pass, chunks and err.
//
// llm imports schemas and extractors/passes, and no connector.
package llm
