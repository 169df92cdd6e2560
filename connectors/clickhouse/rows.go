package clickhouse

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// Row is one table row: one value per column of its Table, in column order.
//
// The native insert and the JSONEachRow encoder both read these Go types:
// string, int32, int64, uint16, uint32, uint64, float64, []string and
// time.Time (UTC). A Nullable(Decimal(38, 6)) column takes a *string with a
// canonical decimal, or nil for NULL, and a Decimal(38, 12) column takes a
// costDecimal.
type Row []any

// Rows maps a result to the rows of the filings, risks, metrics, guidance,
// removed_risks, llm_calls and extraction_runs tables. It is the only
// mapping from a result to rows: the server sink and the file sink both use
// it, so that both write identical rows.
func Rows(res *schemas.Result) (map[string][]Row, error) {
	if res == nil {
		return nil, errors.New("clickhouse: rows: nil result")
	}
	docID := res.Filing.DocID
	if docID == "" {
		return nil, fmt.Errorf("%w: result for %q", ErrMissingDocID, res.Filing.SourcePath)
	}
	extracted := toDateTime(res.ExtractedAt)
	version := versionOf(res.ExtractedAt)
	company := companyValues(&res.Filing)

	out := map[string][]Row{
		TableFilings:        {filingRow(res, extracted, version)},
		TableExtractionRuns: {extractionRunRow(res, company, extracted, version)},
		TableRisks:          make([]Row, 0, len(res.Risks)),
		TableMetrics:        make([]Row, 0, len(res.Metrics)),
		TableGuidance:       make([]Row, 0, len(res.Guidance)),
		TableRemovedRisks:   make([]Row, 0, len(res.RemovedRisks)),
		TableLLMCalls:       make([]Row, 0, len(res.LLMCalls)),
	}
	for i := range res.Risks {
		r := &res.Risks[i]
		row := append(Row{docID, r.ID}, company...)
		row = append(row, r.Heading, r.Category, r.Severity, r.SeverityReason, r.Section,
			r.Change, r.PreviousID, nonNegative(r.BodyStart), nonNegative(r.BodyEnd))
		row = append(row, citationValues(r.Citation)...)
		row = append(row, r.Status, r.ReviewReason, r.Confidence, r.Provider,
			r.Model, r.PromptVersion, r.Degraded, extracted, version)
		out[TableRisks] = append(out[TableRisks], row)
	}
	for i := range res.Metrics {
		m := &res.Metrics[i]
		row := append(Row{docID, m.ID}, company...)
		row = append(row, m.Metric, m.Label, m.Concept, decimalValue(m.Value), m.Value, m.Display,
			int32(m.Scale), m.Unit, m.Currency, m.PeriodType, m.PeriodStart, m.PeriodEnd,
			dimensionValues(m.Dimensions), m.Source, m.XBRLCheck)
		row = append(row, citationValues(m.Citation)...)
		row = append(row, m.Status, m.ReviewReason, m.Confidence, m.Provider,
			m.Model, m.PromptVersion, m.Degraded, extracted, version)
		out[TableMetrics] = append(out[TableMetrics], row)
	}
	for i := range res.Guidance {
		g := &res.Guidance[i]
		row := append(Row{docID, g.ID}, company...)
		row = append(row, g.Metric, g.Label, g.Period,
			decimalValue(g.Low), g.Low, decimalValue(g.High), g.High,
			int32(g.Scale), g.Unit, g.Currency, g.Basis, g.Direction,
			decimalValue(g.PriorLow), g.PriorLow, decimalValue(g.PriorHigh), g.PriorHigh)
		row = append(row, citationValues(g.Citation)...)
		row = append(row, g.Status, g.ReviewReason, g.Confidence, g.Provider,
			g.Model, g.PromptVersion, g.Degraded, extracted, version)
		out[TableGuidance] = append(out[TableGuidance], row)
	}
	for _, r := range res.RemovedRisks {
		previousDoc := r.PreviousDocID
		if previousDoc == "" {
			previousDoc = res.PreviousDocID
		}
		row := append(Row{docID}, company...)
		row = append(row, previousDoc, r.PreviousID, r.Heading, res.Provider, extracted, version)
		out[TableRemovedRisks] = append(out[TableRemovedRisks], row)
	}
	for i := range res.LLMCalls {
		out[TableLLMCalls] = append(out[TableLLMCalls], llmCallRow(&res.LLMCalls[i], docID, extracted, version))
	}
	return out, nil
}

// companyValues are the companyColumns of a filing.
func companyValues(f *schemas.Filing) []any {
	return []any{f.CIK, f.Company, f.Form, f.FilingDate}
}

func llmCallRow(c *schemas.LLMCall, docID string, extracted time.Time, version uint64) Row {
	if c.DocID != "" {
		docID = c.DocID
	}
	return Row{
		docID, c.CallID, c.Pass, c.Provider, c.Model, c.PromptVersion, c.Outcome,
		nonNegative32(c.Attempt), nonNegative(c.PromptCacheHitTokens), nonNegative(c.PromptCacheMissTokens),
		nonNegative(c.CompletionTokens), costValue(c.CostUSD), c.CostUSD, nonNegative64(c.LatencyMS),
		toDateTimeMilli(c.CalledAt), extracted, version,
	}
}

func extractionRunRow(res *schemas.Result, company []any, extracted time.Time, version uint64) Row {
	var needsReview int
	for i := range res.Risks {
		if res.Risks[i].Status == schemas.StatusNeedsReview {
			needsReview++
		}
	}
	for i := range res.Metrics {
		if res.Metrics[i].Status == schemas.StatusNeedsReview {
			needsReview++
		}
	}
	for i := range res.Guidance {
		if res.Guidance[i].Status == schemas.StatusNeedsReview {
			needsReview++
		}
	}
	var hit, miss, completion uint64
	for i := range res.LLMCalls {
		c := &res.LLMCalls[i]
		hit += nonNegative(c.PromptCacheHitTokens)
		miss += nonNegative(c.PromptCacheMissTokens)
		completion += nonNegative(c.CompletionTokens)
	}
	warnings := res.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	row := append(Row{res.Filing.DocID}, company...)
	return append(row, res.Filing.SourcePath, res.Provider, res.Model, res.PromptVersion, res.Degraded,
		nonNegative64(res.Stats.DurationMS), nonNegative(res.Stats.TextBytes), nonNegative32(res.Pages),
		nonNegative32(len(res.Risks)), nonNegative32(len(res.Metrics)), nonNegative32(len(res.Guidance)),
		nonNegative32(len(res.RemovedRisks)), nonNegative32(needsReview),
		nonNegative32(res.Stats.CitationsChecked), nonNegative32(res.Stats.CitationsVerified),
		nonNegative32(res.Stats.Rejected), nonNegative32(len(res.LLMCalls)), hit, miss, completion,
		warnings, extracted, version)
}

func filingRow(res *schemas.Result, extracted time.Time, version uint64) Row {
	f := &res.Filing
	ids := make([]string, len(res.Sections))
	titles := make([]string, len(res.Sections))
	for i, s := range res.Sections {
		ids[i] = s.ID
		titles[i] = s.Title
	}
	warnings := res.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	return Row{
		f.DocID, f.SourcePath, f.MediaType, f.Form, f.Company, f.CIK, f.Accession, f.FilingDate, f.PeriodEnd,
		nonNegative64(f.Size), f.BlobRef, toDateTime(f.PublishedAt),
		nonNegative32(res.Pages), nonNegative32(res.PagesWithText),
		ids, titles,
		uint32(len(res.Risks)), uint32(len(res.Metrics)), uint32(len(res.Guidance)),
		nonNegative32(res.Stats.CitationsChecked), nonNegative32(res.Stats.CitationsVerified),
		nonNegative32(res.Stats.Rejected), nonNegative(res.Stats.TextBytes), nonNegative64(res.Stats.DurationMS),
		warnings, res.Provider, res.Model, res.PromptVersion, res.Degraded, res.PreviousDocID,
		nonNegative32(len(res.RemovedRisks)), uint16(res.SchemaVersion), extracted, version,
	}
}

// ReviewDecisionRow maps a review decision to a row of review_decisions.
func ReviewDecisionRow(d *schemas.ReviewDecision) Row {
	return Row{
		d.DocID, d.ItemID, d.DecisionID, d.Kind, d.Action, d.Reviewer, d.Before, d.After, d.Note,
		d.Provider, uint16(d.SchemaVersion), toDateTimeMilli(d.DecidedAt), versionOf(d.DecidedAt),
	}
}

// DeadLetterRow maps a dead letter to a row of the dead_letters table.
func DeadLetterRow(d *schemas.DeadLetter) Row {
	return Row{
		d.DocID, deadLetterID(d), d.SourcePath, d.Stage, d.Reason, d.Error,
		d.Topic, int32(d.Partition), d.Offset, nonNegative32(d.Attempts),
		uint16(d.SchemaVersion), toDateTime(d.FailedAt), versionOf(d.FailedAt),
	}
}

// deadLetterID is the first 16 hex digits of the SHA-256 of the fields that
// name the failed message. Reason and error are left out, so that a replay
// that fails differently replaces the earlier row.
func deadLetterID(d *schemas.DeadLetter) string {
	h := sha256.New()
	for _, s := range []string{d.DocID, d.SourcePath, d.Stage, d.Topic,
		strconv.Itoa(d.Partition), strconv.FormatInt(d.Offset, 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func citationValues(c schemas.Citation) []any {
	return []any{c.Quote, nonNegative(c.Start), nonNegative(c.End), nonNegative(c.CharStart),
		nonNegative(c.CharEnd), nonNegative32(c.Page), c.SourceOffset, c.Match}
}

func dimensionValues(dims []schemas.Dimension) []string {
	out := make([]string, len(dims))
	for i, d := range dims {
		out[i] = d.Axis + "=" + d.Member
	}
	return out
}

// minDateTime and maxDateTime bound DateTime: Unix seconds as a UInt32.
var (
	minDateTime = time.Unix(0, 0).UTC()
	maxDateTime = time.Unix(1<<32-1, 0).UTC()
)

// toDateTime truncates t to whole seconds in UTC and clamps it to the range
// of DateTime, so that a zero time.Time becomes 1970-01-01 00:00:00.
func toDateTime(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second)
	if t.Before(minDateTime) {
		return minDateTime
	}
	if t.After(maxDateTime) {
		return maxDateTime
	}
	return t
}

// toDateTimeMilli is toDateTime with milliseconds kept, for the columns
// that are DateTime64(3) on PathCurrent. DateTime columns drop them.
func toDateTimeMilli(t time.Time) time.Time {
	if t.UTC().Before(minDateTime) {
		return minDateTime
	}
	if t.After(maxDateTime) {
		return maxDateTime
	}
	return t.UTC().Truncate(time.Millisecond)
}

// versionOf returns t in Unix nanoseconds, or 0 for times before 1970 and
// for the zero time.Time. UnixNano is defined up to the year 2262.
func versionOf(t time.Time) uint64 {
	if t.Before(minDateTime) {
		return 0
	}
	return uint64(t.UnixNano())
}

func nonNegative(n int) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

func nonNegative64(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

func nonNegative32(n int) uint32 {
	if n < 0 {
		return 0
	}
	if n > 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(n)
}
