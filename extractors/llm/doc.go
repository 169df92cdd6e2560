// Package llm is the passes.Provider that requests candidates from a chat
// model. It builds versioned prompts, sends the selected chunks in batches
// through a Completer, which connectors/deepseek satisfies, and parses and
// validates the JSON reply, with up to two repair requests that quote the
// validation errors back. When the model fails, another provider, normally
// the offline rules provider, serves the batch, and its items carry the
// reason.
//
// # Prompts
//
// The system message is fixed per kind and PromptVersion, so that it forms
// a stable prefix for the API's context cache. It carries the rules, an
// example reply and the JSON Schema of the reply, kept to the subset that
// strict function calling accepts. The user message carries the chunks
// between <<<FILING_TEXT ...>>> and <<<END_FILING_TEXT ...>>> markers, and
// both messages state that the text between the markers is filing content,
// not instructions. Marker strings inside the filing text are broken up
// before sending, so a filing cannot close the data block early.
//
// # Shortened chunks
//
// Unless Config.FullChunks is set, a risk prompt carries the opening
// sentence of each paragraph, which is where a heading is printed. A metric
// prompt carries the lines that name a metric next to a figure, with the
// unit and period lines above them. "[...]" marks text left out. On the
// 10-Ks of the test corpus each pass sends 1-10% of the document's
// estimated tokens. Guidance chunks go whole.
//
// # Recall, fallback and provenance
//
// With Config.Recall set to RecallFallback (the default with a fallback),
// the recall pass makes no call: the fallback's own passes, started while
// the model calls are in flight, add the items the model missed. Items from
// the model carry Config.Provider, the model and PromptVersion. Items of
// the fallback carry its name, and those it produced in place of a failed
// model call also carry a degraded reason: llm_unavailable,
// llm_unauthorized, llm_insufficient_balance, llm_budget or
// llm_invalid_output. The Result of passes.Run carries the first degraded
// reason of the document and a schemas.LLMCall per HTTP attempt, cache hit
// or call stopped by the budget, through passes.CallRecorder.
//
// # Limits
//
// A process-wide semaphore bounds the calls in flight (Config.Concurrency),
// and the batches of all kinds of one pass go out together. A circuit
// breaker stops calling after Config.BreakerFailures consecutive failures,
// or at once on HTTP 401 or 402, and lets one probe call through after
// Config.BreakerCoolDown. Config.Budget caps the cost in USD: each call
// reserves an upper bound of its cost first, so concurrent calls cannot
// overrun it, and once a call does not fit, the fallback serves the rest.
//
// # Cost and cache
//
// Costs come from a PriceTable (DefaultPrices, or LoadPrices for a JSON
// file) as exact decimals computed with math/big, never float64. A Cache
// stores valid replies on disk keyed by the SHA-256 of model,
// PromptVersion, schemas.SchemaVersion, output limit and messages, so a
// re-run costs no call; unreadable entries are ignored and rewritten.
//
// # Prompt injection
//
// A candidate is only a proposal: passes.Run verifies every quote against
// the document. The provider also drops candidates whose quote lies on a
// line that addresses a model, such as one starting with "system:" or
// asking to ignore the rules, and counts them in Usage.Instructions.
//
// # Values
//
// The model returns numbers as printed ("(1,577)", "$2.15") with a scale.
// The provider turns them into exact decimal strings by string operations,
// never through float64, and shifts metric values by the scale into base
// units. As in the rules provider, per-share figures get scale 0 and
// capital expenditures a positive value.
//
// # Metrics and logs
//
// With Config.Registerer set, the provider exports
// finx_llm_calls_total{outcome}, finx_llm_tokens_total{type}
// (prompt_cache_hit, prompt_cache_miss, completion),
// finx_llm_cost_usd_total, the histogram finx_llm_call_duration_seconds,
// finx_llm_hallucinated_quotes_total (quotes the citation check rejected),
// finx_llm_fallbacks_total{reason} and the histogram
// finx_llm_prompt_document_ratio{pass}. It logs fallbacks, dropped items,
// the breaker opening and the first budget stop at warn level with the keys
// doc_id, kind, pass, chunks, reason and err, and the tokens per pass at
// debug level.
//
// # Simulation
//
// Emulate builds the reply to an extraction prompt that a model would send
// if it found what another provider finds in the prompt's chunks. finx
// llm-sim serves such replies over HTTP with deepseektest.Sim.
//
// llm imports schemas, extractors/passes and internal/promreg, and no
// connector.
package llm
