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
// are merged by item ID, so an item found twice is kept once.
//
// # Citations
//
// A candidate survives only when its quote occurs in Document.Text, byte for
// byte or after normalising whitespace, quote marks, dashes and ligatures.
// The occurrence inside the candidate's chunk and nearest to the provider's
// offset hint wins. Candidates whose quote is not found are counted in
// Stats.Rejected and never emitted.
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
// Run logs one debug line per pass with the keys doc_id, kind, pass, chunks
// and candidates. Candidates dropped as malformed are counted in
// Result.Warnings instead of the log.
package passes
