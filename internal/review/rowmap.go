package review

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// row is one table row by column name. Values are what encoding/json
// returns with UseNumber (string, json.Number, []any) or what the ClickHouse
// driver scans (string, integers, float64, time.Time, []string, decimals).
type row map[string]any

// dateTimeLayout is the text form of a DateTime column in JSONEachRow.
const dateTimeLayout = "2006-01-02 15:04:05"

func (r row) str(col string) string {
	switch v := r[col].(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

func (r row) int(col string) int {
	n, _ := strconv.ParseInt(r.numberText(col), 10, 64)
	return int(n)
}

func (r row) uint64(col string) uint64 {
	n, _ := strconv.ParseUint(r.numberText(col), 10, 64)
	return n
}

func (r row) float(col string) float64 {
	f, err := strconv.ParseFloat(r.numberText(col), 64)
	if err != nil || math.IsNaN(f) {
		return 0
	}
	return f
}

// numberText returns the column as decimal text, whatever numeric Go type
// holds it.
func (r row) numberText(col string) string {
	switch v := r[col].(type) {
	case json.Number:
		return v.String()
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case nil:
		return ""
	}
	rv := reflect.ValueOf(r[col])
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10)
	}
	return fmt.Sprint(r[col])
}

func (r row) time(col string) time.Time {
	switch v := r[col].(type) {
	case time.Time:
		return v.UTC()
	case string:
		t, err := time.ParseInLocation(dateTimeLayout, v, time.UTC)
		if err == nil {
			return t
		}
		t, err = time.Parse(time.RFC3339Nano, v)
		if err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func (r row) strings(col string) []string {
	switch v := r[col].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

func (r row) citation() schemas.Citation {
	return schemas.Citation{
		Quote:        r.str("quote"),
		Start:        r.int("quote_start"),
		End:          r.int("quote_end"),
		CharStart:    r.int("quote_char_start"),
		CharEnd:      r.int("quote_char_end"),
		Page:         r.int("quote_page"),
		SourceOffset: int64(r.int("quote_source_offset")),
		Match:        r.str("quote_match"),
	}
}

// provenance reads the provenance columns. Tables created before they were
// added lack them, and the fields stay empty.
func (r row) provenance() schemas.Provenance {
	return schemas.Provenance{
		Model:         r.str("model"),
		PromptVersion: r.str("prompt_version"),
		Degraded:      r.str("degraded"),
	}
}

// decimalText returns the exact text of a decimal column: the *_text column
// when the table has it, else the decimal column itself.
func (r row) decimalText(col string) string {
	if _, ok := r[col+"_text"]; ok {
		return r.str(col + "_text")
	}
	return r.numberText(col)
}

func filingFromRow(r row) Filing {
	f := Filing{
		Filing: schemas.Filing{
			DocID:       r.str("doc_id"),
			SourcePath:  r.str("source_path"),
			MediaType:   r.str("media_type"),
			Form:        r.str("form"),
			Company:     r.str("company"),
			CIK:         r.str("cik"),
			Accession:   r.str("accession"),
			FilingDate:  r.str("filing_date"),
			Size:        int64(r.uint64("size")),
			BlobRef:     r.str("blob_ref"),
			PublishedAt: r.time("published_at"),
		},
		Pages:         r.int("pages"),
		PagesWithText: r.int("pages_with_text"),
		RiskCount:     r.int("risk_count"),
		MetricCount:   r.int("metric_count"),
		GuidanceCount: r.int("guidance_count"),
		Warnings:      r.strings("warnings"),
		Provider:      r.str("provider"),
		ExtractedAt:   r.time("extracted_at"),
		Version:       r.uint64("version"),
	}
	ids, titles := r.strings("sections"), r.strings("section_titles")
	for i, id := range ids {
		s := schemas.SectionSummary{ID: id}
		if i < len(titles) {
			s.Title = titles[i]
		}
		f.Sections = append(f.Sections, s)
	}
	return f
}

// itemFromRow maps a row of the risks, metrics or guidance table to an Item.
func itemFromRow(kind string, r row) (Item, error) {
	it := Item{
		Kind:        kind,
		DocID:       r.str("doc_id"),
		CIK:         r.str("cik"),
		Company:     r.str("company"),
		Form:        r.str("form"),
		FilingDate:  r.str("filing_date"),
		ExtractedAt: r.time("extracted_at"),
		Version:     r.uint64("version"),
	}
	switch kind {
	case schemas.KindRisk:
		it.Risk = &schemas.Risk{
			ID:             r.str("id"),
			Heading:        r.str("heading"),
			Category:       r.str("category"),
			Severity:       r.str("severity"),
			SeverityReason: r.str("severity_reason"),
			Section:        r.str("section"),
			Change:         r.str("change"),
			PreviousID:     r.str("previous_id"),
			BodyStart:      r.int("body_start"),
			BodyEnd:        r.int("body_end"),
			Citation:       r.citation(),
			Status:         r.str("status"),
			ReviewReason:   r.str("review_reason"),
			Confidence:     r.float("confidence"),
			Provider:       r.str("provider"),
			Provenance:     r.provenance(),
		}
	case schemas.KindMetric:
		it.Metric = &schemas.Metric{
			ID:           r.str("id"),
			Metric:       r.str("metric"),
			Label:        r.str("label"),
			Concept:      r.str("concept"),
			Value:        r.decimalText("value"),
			Display:      r.str("display"),
			Scale:        r.int("scale"),
			Unit:         r.str("unit"),
			Currency:     r.str("currency"),
			PeriodType:   r.str("period_type"),
			PeriodStart:  r.str("period_start"),
			PeriodEnd:    r.str("period_end"),
			Dimensions:   dimensionsFrom(r.strings("dimensions")),
			Source:       r.str("source"),
			XBRLCheck:    r.str("xbrl_check"),
			Citation:     r.citation(),
			Status:       r.str("status"),
			ReviewReason: r.str("review_reason"),
			Confidence:   r.float("confidence"),
			Provider:     r.str("provider"),
			Provenance:   r.provenance(),
		}
	case schemas.KindGuidance:
		it.Guidance = &schemas.Guidance{
			ID:           r.str("id"),
			Metric:       r.str("metric"),
			Label:        r.str("label"),
			Period:       r.str("period"),
			Low:          r.decimalText("low"),
			High:         r.decimalText("high"),
			Scale:        r.int("scale"),
			Unit:         r.str("unit"),
			Currency:     r.str("currency"),
			Basis:        r.str("basis"),
			Direction:    r.str("direction"),
			PriorLow:     r.decimalText("prior_low"),
			PriorHigh:    r.decimalText("prior_high"),
			Citation:     r.citation(),
			Status:       r.str("status"),
			ReviewReason: r.str("review_reason"),
			Confidence:   r.float("confidence"),
			Provider:     r.str("provider"),
			Provenance:   r.provenance(),
		}
	default:
		return Item{}, fmt.Errorf("%w: %q", ErrInvalidKind, kind)
	}
	if it.DocID == "" || it.ID() == "" {
		return Item{}, fmt.Errorf("review: %s row without doc_id or id", kind)
	}
	return it, nil
}

// dimensionsFrom parses the "axis=member" pairs of the dimensions column.
func dimensionsFrom(pairs []string) []schemas.Dimension {
	var out []schemas.Dimension
	for _, p := range pairs {
		axis, member, _ := strings.Cut(p, "=")
		out = append(out, schemas.Dimension{Axis: axis, Member: member})
	}
	return out
}

// tableOf returns the table that holds items of the kind.
func tableOf(kind string) (string, error) {
	switch kind {
	case schemas.KindRisk:
		return "risks", nil
	case schemas.KindMetric:
		return "metrics", nil
	case schemas.KindGuidance:
		return "guidance", nil
	}
	return "", fmt.Errorf("%w: %q", ErrInvalidKind, kind)
}

// latestItems keeps the row with the largest version of each (doc_id, id),
// as ReplacingMergeTree does after a merge.
func latestItems(items []Item) []Item {
	index := make(map[string]int, len(items))
	var out []Item
	for _, it := range items {
		key := it.DocID + "/" + it.ID()
		if i, ok := index[key]; ok {
			if it.Version > out[i].Version {
				out[i] = it
			}
			continue
		}
		index[key] = len(out)
		out = append(out, it)
	}
	return out
}
