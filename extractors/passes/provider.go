package passes

import (
	"context"

	"github.com/finx-dev/finx/schemas"
)

// Kind is the kind of item a pass extracts.
type Kind string

// Item kinds, one pass pair each.
const (
	KindRisk     Kind = "risk"
	KindMetric   Kind = "metric"
	KindGuidance Kind = "guidance"
)

// Pass names a pass of one kind.
type Pass string

// Passes run in this order for each kind.
const (
	// PassPrimary requests every item in the chunks.
	PassPrimary Pass = "primary"
	// PassRecall requests the items that the primary pass missed.
	// Request.Known carries the quotes already found.
	PassRecall Pass = "recall"
)

// Provider proposes candidate items for selected chunks of a document. The
// offline rules provider and an LLM provider implement it. A provider must
// quote the document: every candidate carries a quote that Run looks up in
// Document.Text, and candidates whose quote is not found are rejected.
type Provider interface {
	// Name identifies the provider in results, such as "rules" or
	// "deepseek".
	Name() string
	// Extract returns candidates of req.Kind found in req.Chunks.
	Extract(ctx context.Context, req Request) (Response, error)
}

// Chunk is a span of Document.Text selected for a pass.
type Chunk struct {
	// Section is the ID of the section the chunk lies in, such as "item_1a";
	// empty when the chunk is not inside a known section.
	Section string
	// Offset is the byte offset of Text in Document.Text.
	Offset int
	// Text is Document.Text[Offset:Offset+len(Text)].
	Text string
}

// End returns the byte offset in Document.Text just past the chunk.
func (c Chunk) End() int { return c.Offset + len(c.Text) }

// Request is a call to a provider for candidates of one kind.
type Request struct {
	Kind Kind
	Pass Pass
	// Chunks are the only parts of the text the provider should read. An
	// LLM provider sends these and nothing else.
	Chunks []Chunk
	// Known holds the quotes found by the primary pass; empty on the primary
	// pass.
	Known []string
	// Document is the whole parsed document, read only. Providers use its
	// Facts and Filing fields; its Text is for locating chunk context, not
	// for sending.
	Document *schemas.Document
}

// Response holds the candidates of one pass. Only the slice for the request's
// Kind is read.
type Response struct {
	Risks    []RiskCandidate
	Metrics  []MetricCandidate
	Guidance []GuidanceCandidate
}

// Provenancer is implemented by a provider that names its model and prompt
// or rule set version. Run stores the value on every item whose candidate's
// Origin carries no provenance, and on the result when the provider is not a
// CallRecorder.
type Provenancer interface {
	Provenance() schemas.Provenance
}

// Hint locates a candidate's quote for the citation check.
type Hint struct {
	// Chunk is the index in Request.Chunks the quote came from, or -1 when
	// it came from elsewhere (an XBRL fact outside the chunks).
	Chunk int
	// Offset is the byte offset in Document.Text where the provider saw the
	// quote, or -1 when unknown. The occurrence nearest to it wins.
	Offset int
}

// Origin names what produced a candidate. An LLM provider sets it on every
// candidate, including those its fallback produced. The zero value means the
// Provider that Run was given, with no model.
type Origin struct {
	// Provider replaces Provider.Name() in the item's Provider field; empty
	// keeps Provider.Name().
	Provider string
	// Provenance is copied to the item.
	schemas.Provenance
}

// RiskCandidate is a proposed risk factor. Quote is the heading as printed.
type RiskCandidate struct {
	Hint
	Origin
	Quote    string
	Category string
	// Severity is low, medium or high; SeverityReason names the words that
	// set it.
	Severity       string
	SeverityReason string
	// Confidence is in [0, 1].
	Confidence float64
}

// MetricCandidate is a proposed reported figure. Quote is the printed number
// or the phrase holding it.
type MetricCandidate struct {
	Hint
	Origin
	Quote string
	// Metric is a key of the metric taxonomy (see MetricForConcept).
	Metric  string
	Label   string
	Concept string
	// Value is the figure in base units as an exact decimal string.
	Value   string
	Display string
	Scale   int
	Unit    string
	// Currency is "USD" for monetary figures, empty otherwise.
	Currency    string
	PeriodType  string
	PeriodStart string
	PeriodEnd   string
	Dimensions  []schemas.Dimension
	// Source is "ixbrl", "table" or "text".
	Source     string
	Confidence float64
	// ReviewReason is the cause for which the provider holds the figure
	// for review, such as "qualified_metric"; empty when it has none. The
	// item is needs_review with this reason unless the figure disagrees
	// with its XBRL fact.
	ReviewReason string
}

// GuidanceCandidate is a proposed forward-looking target.
type GuidanceCandidate struct {
	Hint
	Origin
	Quote  string
	Metric string
	Label  string
	Period string
	// Low and High are unscaled decimals as printed; equal for a point.
	// Both are empty for a withdrawal ("we are withdrawing our fiscal 2025
	// guidance"), whose Direction is withdrawn: Run turns it into one item
	// per guidance of the company's previous filing for Period (and Metric
	// when set), and drops it without a history.
	Low, High  string
	Scale      int
	Unit       string
	Currency   string
	Basis      string
	Direction  string
	PriorLow   string
	PriorHigh  string
	Confidence float64
}

// CallRecorder is implemented by providers that keep a record per document,
// such as the LLM calls they made for it. Run calls EndDocument once per Run,
// after the last pass, also when the Run fails.
type CallRecorder interface {
	// EndDocument returns and deletes the record of docID: the provenance of
	// the result and the calls made. rejected counts the candidates of this
	// provider, not of its fallback, whose quote the citation check did not
	// find.
	EndDocument(docID string, rejected int) (schemas.Provenance, []schemas.LLMCall)
}
