// Package passes turns a parsed document into a schemas.Result. For each
// kind of item (risk factors, reported figures, guidance) it selects the
// sections and chunks of text that matter and requests candidates in those
// chunks from a Provider. It then verifies every candidate's quote against
// Document.Text, and scores, deduplicates and cross-checks what survives.
//
// # Passes
//
// Each kind runs two passes over the same chunks. The primary pass requests
// candidates from the provider. The recall pass sends the quotes already
// found and requests the items that the primary pass missed. The two lists
// are merged by item ID, so an item found twice is kept once. The requests of
// the three kinds for one pass go to the provider concurrently, so a provider
// must be safe for concurrent use. Their candidates are verified in the fixed
// order risk, metric, guidance. RunReport returns, per pass, the sections and
// chunk spans read, their bytes, and what became of the candidates.
//
// # Provenance and call records
//
// An item's Provider and Provenance come from the candidate's Origin, so an
// LLM provider can mark the candidates its fallback produced. A candidate
// without Origin provenance takes the provider's Provenancer value, such as
// the rule set version of the offline provider. A provider that implements
// CallRecorder supplies Result.Provenance and Result.LLMCalls; otherwise the
// result takes the Provenancer value and the first degraded reason of its
// items.
//
// # Citations
//
// A candidate survives only when its quote occurs in Document.Text, byte for
// byte or after normalising whitespace, quote marks, dashes and ligatures.
// The occurrence inside the candidate's chunk and nearest to the provider's
// offset hint wins. Candidates whose quote is not found are counted in
// Stats.Rejected and never emitted.
//
// # Confidence and status
//
// An item's confidence starts from the provider's, which stands for the
// strength of the pattern or the model's certainty. Agreement with an XBRL
// fact closes half of the gap to 1, disagreement halves it, and a quote found
// only after normalisation loses a tenth. An item is accepted at
// Config.AcceptMin (default 0.5) or more, with an exact quote and no review
// reason; a normalised quote is never accepted. Below Config.ReviewMin
// (default 0.2) a candidate is dropped and counted in Report.Dropped and a
// result warning, except a figure that disagrees with XBRL, which is kept for
// review.
//
// After all passes, accepted table and text figures without dimensions that
// give one metric and end date different values go to review with reason
// conflicting_values. Only those from the financial statements section stay
// accepted, and only when they agree among themselves. A figure without a
// period start conflicts with every other value of its end date. A guidance
// target printed again elsewhere with another quote is kept for review with
// reason repeated_target, and lends its direction to the first item when
// that item's direction is unspecified.
//
// # Changes between filings
//
// With Config.History, Run compares the result with the same company's
// previous filing of the same form family (10-K, 10-Q, or 8-K with its EX-99
// exhibits): the latest recorded one whose period end, else filing date, is
// earlier. Companies are keyed by CIK, else by name. Each risk factor is
// unchanged (same heading and body), reworded or new. A reworded factor has
// the same heading with another body, a heading whose content words mostly
// match, or the same body under a new heading. Result.RemovedRisks lists the
// previous factors left over. Without a previous filing every risk is
// unknown.
//
// Guidance whose direction the document does not state is compared with the
// latest earlier guidance of the company for the same metric, period, basis
// and unit: raised, lowered or maintained by midpoint. It is initiated when
// an earlier filing has guidance but none for it. A statement that guidance
// is withdrawn becomes one withdrawn item per withdrawn target, with the
// values of the latest earlier guidance. Run then records the document,
// replacing an earlier record of the same document, so a filing extracted
// again compares the same way.
//
// # Cross-checks
//
// A figure found in text or a table is compared with the document's inline
// XBRL facts for the same metric and period: agree, disagree (needs_review)
// or no_fact. Figures taken from XBRL facts are not_applicable.
//
// # Cancellation
//
// Run checks ctx while it finds sections, between passes and every 256
// candidates it verifies, and returns ctx.Err() once ctx has ended, also
// when the provider returned an error after the end of ctx.
//
// # Imports
//
// passes imports schemas and extractors/sections. Providers import passes
// for the request and candidate types; passes imports no provider.
//
// # Logs
//
// Run logs one debug line per pass with the keys doc_id, kind, pass, chunks,
// bytes, candidates, added, duplicates and dropped, and an error line with
// doc_id and err when the history fails. Candidates dropped as malformed or
// below the review threshold are counted in Result.Warnings instead of the
// log.
package passes
