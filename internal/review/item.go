package review

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// Filing is one document's row of the filings table: the envelope and what
// the extraction found in it.
type Filing struct {
	schemas.Filing
	Pages         int
	PagesWithText int
	Sections      []schemas.SectionSummary
	RiskCount     int
	MetricCount   int
	GuidanceCount int
	Warnings      []string
	Provider      string
	ExtractedAt   time.Time
	Version       uint64
}

// CompanyKey returns the key of the company page: the CIK when the filing
// states one, else the company name, else "" for an unnamed company.
func (f Filing) CompanyKey() string {
	if f.CIK != "" {
		return f.CIK
	}
	return f.Company
}

// Item is the latest version of one risk, metric or guidance row. Exactly one
// of Risk, Metric and Guidance is set, according to Kind.
type Item struct {
	Kind  string
	DocID string
	// CIK, Company, Form and FilingDate are the filing's, copied onto item
	// rows by the load stage; empty in tables written before they existed.
	CIK        string
	Company    string
	Form       string
	FilingDate string
	Risk       *schemas.Risk
	Metric     *schemas.Metric
	Guidance   *schemas.Guidance
	// ExtractedAt is the extraction time of the document; a reviewed version
	// keeps the extraction time of the version it replaces.
	ExtractedAt time.Time
	// Version is the ReplacingMergeTree version of the row: the extraction
	// time in Unix nanoseconds, or the decision time for a reviewed version.
	Version uint64
}

// ID returns the item's ID.
func (it Item) ID() string {
	switch {
	case it.Risk != nil:
		return it.Risk.ID
	case it.Metric != nil:
		return it.Metric.ID
	case it.Guidance != nil:
		return it.Guidance.ID
	}
	return ""
}

// Anchor returns the HTML id of the item's highlight: kind and ID, because
// IDs are unique only within a kind.
func (it Item) Anchor() string { return it.Kind + "-" + it.ID() }

// Citation returns the item's citation.
func (it Item) Citation() schemas.Citation {
	switch {
	case it.Risk != nil:
		return it.Risk.Citation
	case it.Metric != nil:
		return it.Metric.Citation
	case it.Guidance != nil:
		return it.Guidance.Citation
	}
	return schemas.Citation{}
}

// common returns pointers to the fields every kind has.
func (it Item) common() (status, reason *string, confidence *float64, provider *string, prov *schemas.Provenance) {
	switch {
	case it.Risk != nil:
		r := it.Risk
		return &r.Status, &r.ReviewReason, &r.Confidence, &r.Provider, &r.Provenance
	case it.Metric != nil:
		m := it.Metric
		return &m.Status, &m.ReviewReason, &m.Confidence, &m.Provider, &m.Provenance
	case it.Guidance != nil:
		g := it.Guidance
		return &g.Status, &g.ReviewReason, &g.Confidence, &g.Provider, &g.Provenance
	}
	var (
		s, r, p string
		c       float64
		pv      schemas.Provenance
	)
	return &s, &r, &c, &p, &pv
}

// Status returns accepted, needs_review or rejected.
func (it Item) Status() string { s, _, _, _, _ := it.common(); return *s }

// ReviewReason returns the cause of a needs_review status.
func (it Item) ReviewReason() string { _, r, _, _, _ := it.common(); return *r }

// Confidence returns the item's confidence in [0, 1].
func (it Item) Confidence() float64 { _, _, c, _, _ := it.common(); return *c }

// Provider returns the name of the provider that extracted the item.
func (it Item) Provider() string { _, _, _, p, _ := it.common(); return *p }

// Provenance returns the model, prompt version and degraded reason.
func (it Item) Provenance() schemas.Provenance { _, _, _, _, p := it.common(); return *p }

// Title returns the text that names the item in lists: the heading of a
// risk, the metric and label of a number or of guidance.
func (it Item) Title() string {
	switch {
	case it.Risk != nil:
		return it.Risk.Heading
	case it.Metric != nil:
		return it.Metric.Metric + ": " + it.Metric.Label
	case it.Guidance != nil:
		return it.Guidance.Metric + " " + it.Guidance.Period
	}
	return ""
}

// MarshalItem returns the JSON of the typed item, as stored in a review
// decision's Before and After.
func (it Item) MarshalItem() (string, error) {
	var v any
	switch {
	case it.Risk != nil:
		v = it.Risk
	case it.Metric != nil:
		v = it.Metric
	case it.Guidance != nil:
		v = it.Guidance
	default:
		return "", fmt.Errorf("review: marshal item %s/%s: no %s value", it.DocID, it.ID(), it.Kind)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("review: marshal %s %s: %w", it.Kind, it.ID(), err)
	}
	return string(b), nil
}

// clone returns a deep copy, so that a correction does not change the
// cached item.
func (it Item) clone() Item {
	out := it
	switch {
	case it.Risk != nil:
		r := *it.Risk
		out.Risk = &r
	case it.Metric != nil:
		m := *it.Metric
		m.Dimensions = append([]schemas.Dimension(nil), m.Dimensions...)
		out.Metric = &m
	case it.Guidance != nil:
		g := *it.Guidance
		out.Guidance = &g
	}
	return out
}

// setStatus sets the status and clears the review reason unless the status
// is needs_review.
func (it Item) setStatus(status string) {
	s, r, _, _, _ := it.common()
	*s = status
	if status != schemas.StatusNeedsReview {
		*r = ""
	}
}
