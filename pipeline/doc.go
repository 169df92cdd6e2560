// Package pipeline runs finx's stages between Kafka topics: the extract stage
// (filings.raw to filings.extracted, risk.flags and filings.dlq), the load
// stage (filings.extracted to a Sink) and the dead-letter recorder
// (filings.dlq to a Sink).
//
// # Delivery
//
// A stage commits a message's offset only after everything it produced for
// that message was acknowledged: the result and its risk flags, or the dead
// letter, or the sink's write. Offsets are committed in fetch order even when
// messages are processed in parallel, so a crash re-delivers every message
// whose outcome was not yet stored and loses none. A message that fails for
// good goes to the dead-letter topic with its error before it is committed.
//
// A temporary failure of Kafka or of the sink is retried without limit, with
// the capped Backoff waits and a warning per retry. IsTemporary counts
// refused or reset connections, retriable Kafka error codes and timeouts. So
// a stage rides out a broker or ClickHouse restart without exiting, and only
// a permanent error stops it, with the message uncommitted.
//
// # Large results
//
// A result whose JSON is larger than ExtractStage.ResultInlineLimit (512 KiB
// by default) is stored in ExtractStage.Blobs before it is published. Its
// message then has an empty value and HeaderResultBlob names the blob. The
// load stage fetches the blob from LoadStage.Blobs, checks its SHA-256 and
// validates it like an inline result. A blob that cannot be read is
// dead-lettered with reason blob_missing, blob_corrupt, blob_unavailable or
// no_blob_store, never skipped.
//
// # Alerts
//
// The extract stage publishes the alerts of each result to risk.flags, keyed
// by company (see Alerts and AlertKey), before it commits the input. A crash
// between the two publishes them again, with the same HeaderAlertID.
//
// # Imports
//
// pipeline imports schemas and segmentio/kafka-go's message type only. The
// parsers, the passes and the connectors are injected by cmd/finx through the
// small interfaces declared here.
//
// # Metrics
//
//	finx_pipeline_messages_received_total{stage}   messages a stage began to handle
//	finx_pipeline_messages_total{stage,outcome}    messages by outcome (ok, dead_letter, skipped)
//	finx_pipeline_stage_seconds{stage}             time spent per message or batch
//	finx_pipeline_dead_letters_total{stage,reason}
//	finx_pipeline_parse_failures_total{reason}     extract failures with a parser's reason code
//	finx_pipeline_citations_checked_total          quotes looked up (grounding denominator)
//	finx_pipeline_citations_verified_total         quotes found (grounding numerator)
//	finx_pipeline_quotes_rejected_total            candidates dropped as not in the source
//	finx_pipeline_xbrl_checks_total{result}        metrics by XBRL comparison (agree, disagree, no_fact, not_applicable)
//	finx_pipeline_items_total{kind,status}         items in published results
//
// # Log keys
//
// stage, doc_id, source, topic, partition, offset, op, attempt, wait,
// reason, ref, bytes, err.
package pipeline
