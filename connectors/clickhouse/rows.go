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
// time.Time (UTC, whole seconds). A Nullable(Decimal(38, 6)) column takes a
// *string with a canonical decimal, or nil for NULL.
type Row []any

// Rows maps a result to the rows of the filings, risks, metrics and guidance
// tables. It is the only mapping from a result to rows: the server sink and
// the file sink both use it, so that both write identical rows.
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

	out := map[string][]Row{
		TableFilings:  {filingRow(res, extracted, version)},
		TableRisks:    make([]Row, 0, len(res.Risks)),
		TableMetrics:  make([]Row, 0, len(res.Metrics)),
		TableGuidance: make([]Row, 0, len(res.Guidance)),
	}
	for i := range res.Risks {
		r := &res.Risks[i]
		row := Row{docID, r.ID, r.Heading, r.Category, r.Severity, r.SeverityReason, r.Section,
			nonNegative(r.BodyStart), nonNegative(r.BodyEnd)}
		row = append(row, citationValues(r.Citation)...)
		row = append(row, r.Status, r.ReviewReason, r.Confidence, r.Provider, extracted, version)
		out[TableRisks] = append(out[TableRisks], row)
	}
	for i := range res.Metrics {
		m := &res.Metrics[i]
		row := Row{docID, m.ID, m.Metric, m.Label, m.Concept, decimalValue(m.Value), m.Value, m.Display,
			int32(m.Scale), m.Unit, m.Currency, m.PeriodType, m.PeriodStart, m.PeriodEnd,
			dimensionValues(m.Dimensions), m.Source, m.XBRLCheck}
		row = append(row, citationValues(m.Citation)...)
		row = append(row, m.Status, m.ReviewReason, m.Confidence, m.Provider, extracted, version)
		out[TableMetrics] = append(out[TableMetrics], row)
	}
	for i := range res.Guidance {
		g := &res.Guidance[i]
		row := Row{docID, g.ID, g.Metric, g.Label, g.Period,
			decimalValue(g.Low), g.Low, decimalValue(g.High), g.High,
			int32(g.Scale), g.Unit, g.Currency, g.Basis, g.Direction,
			decimalValue(g.PriorLow), g.PriorLow, decimalValue(g.PriorHigh), g.PriorHigh}
		row = append(row, citationValues(g.Citation)...)
		row = append(row, g.Status, g.ReviewReason, g.Confidence, g.Provider, extracted, version)
		out[TableGuidance] = append(out[TableGuidance], row)
	}
	return out, nil
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
	size := uint64(0)
	if f.Size > 0 {
		size = uint64(f.Size)
	}
	duration := uint64(0)
	if res.Stats.DurationMS > 0 {
		duration = uint64(res.Stats.DurationMS)
	}
	return Row{
		f.DocID, f.SourcePath, f.MediaType, f.Form, f.Company, f.CIK, f.Accession, f.FilingDate,
		size, f.BlobRef, toDateTime(f.PublishedAt),
		nonNegative32(res.Pages), nonNegative32(res.PagesWithText),
		ids, titles,
		uint32(len(res.Risks)), uint32(len(res.Metrics)), uint32(len(res.Guidance)),
		nonNegative32(res.Stats.CitationsChecked), nonNegative32(res.Stats.CitationsVerified),
		nonNegative32(res.Stats.Rejected), nonNegative(res.Stats.TextBytes), duration,
		warnings, res.Provider, uint16(res.SchemaVersion), extracted, version,
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

func nonNegative32(n int) uint32 {
	if n < 0 {
		return 0
	}
	if n > 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(n)
}
