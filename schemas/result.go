package schemas

import "time"

// SchemaVersion is the version of Result, RiskFlag, DeadLetter, LLMCall and
// ReviewDecision. It changes when a field changes meaning or is removed.
const SchemaVersion = 2

// Item status values. Only accepted items are trusted; needs_review items are
// kept for a reviewer. The extract stage never emits rejected items: the status
// exists for a reviewer's decision, stored as a new version of the item.
const (
	StatusAccepted    = "accepted"
	StatusNeedsReview = "needs_review"
	StatusRejected    = "rejected"
)

// Risk change values, relative to the same company's previous filing of the
// same form that finx has seen.
const (
	ChangeNew       = "new"
	ChangeReworded  = "reworded"
	ChangeUnchanged = "unchanged"
	// ChangeUnknown: finx has seen no earlier filing to compare with.
	ChangeUnknown = "unknown"
)

// Citation match values.
const (
	// MatchExact: the quote occurs in the parsed text byte for byte.
	MatchExact = "exact"
	// MatchNormalized: the quote occurs after normalising whitespace, quote
	// marks, dashes and ligatures.
	MatchNormalized = "normalized"
)

// Citation grounds an item in the parsed text of its document.
type Citation struct {
	// Quote is the exact text of Document.Text[Start:End].
	Quote string `json:"quote" jsonschema:"minLength=1"`
	// Start and End are byte offsets into Document.Text.
	Start int `json:"start" jsonschema:"minimum=0"`
	End   int `json:"end" jsonschema:"minimum=0"`
	// CharStart and CharEnd are the same span in Unicode code points.
	CharStart int `json:"char_start" jsonschema:"minimum=0"`
	CharEnd   int `json:"char_end" jsonschema:"minimum=0"`
	// Page is the 1-based PDF page of Start; 0 for HTML and text.
	Page int `json:"page" jsonschema:"minimum=0"`
	// SourceOffset is the byte offset of Start in the source file; -1 for PDFs
	// and for text that has no source position.
	SourceOffset int64  `json:"source_offset" jsonschema:"minimum=-1"`
	Match        string `json:"match" jsonschema:"enum=exact,enum=normalized"`
}

// Risk is one risk factor from Item 1A (10-K) or Part II Item 1A (10-Q).
type Risk struct {
	// ID is deterministic: the same document and heading give the same ID.
	ID      string `json:"id" jsonschema:"pattern=^[0-9a-f]{16}$"`
	Heading string `json:"heading" jsonschema:"minLength=1"`
	// Category is one of a fixed taxonomy.
	Category string `json:"category" jsonschema:"enum=market,enum=credit,enum=liquidity,enum=operational,enum=supply_chain,enum=regulatory_legal,enum=cybersecurity,enum=competition,enum=macroeconomic,enum=geopolitical,enum=technology,enum=climate_esg,enum=other"`
	Severity string `json:"severity" jsonschema:"enum=low,enum=medium,enum=high"`
	// SeverityReason names the words that set the severity.
	SeverityReason string `json:"severity_reason"`
	Section        string `json:"section"`
	// Change compares the factor with the previous filing: new, reworded,
	// unchanged, or unknown when finx has seen no previous filing.
	Change string `json:"change,omitempty" jsonschema:"enum=new,enum=reworded,enum=unchanged,enum=unknown"`
	// PreviousID is the ID of the matching factor in the previous filing, for
	// reworded and unchanged factors.
	PreviousID string `json:"previous_id,omitempty"`
	// BodyStart and BodyEnd are the byte span of the factor's body text.
	BodyStart int      `json:"body_start" jsonschema:"minimum=0"`
	BodyEnd   int      `json:"body_end" jsonschema:"minimum=0"`
	Citation  Citation `json:"citation"`
	Status    string   `json:"status" jsonschema:"enum=accepted,enum=needs_review,enum=rejected"`
	// ReviewReason is the cause of a needs_review status, such as
	// xbrl_disagree or unknown_period; empty for accepted items.
	ReviewReason string  `json:"review_reason,omitempty"`
	Confidence   float64 `json:"confidence" jsonschema:"minimum=0,maximum=1"`
	Provider     string  `json:"provider" jsonschema:"minLength=1"`
	Provenance
}

// Metric is one reported financial figure.
type Metric struct {
	ID string `json:"id" jsonschema:"pattern=^[0-9a-f]{16}$"`
	// Metric is a key of the metric taxonomy: revenue, net_income, eps_diluted,
	// eps_basic, operating_income, gross_profit, operating_cash_flow, capex,
	// free_cash_flow, cash, total_assets, total_liabilities, total_debt,
	// shares_outstanding, dividends_per_share, adjusted_ebitda, other.
	Metric string `json:"metric" jsonschema:"minLength=1"`
	// Label is the XBRL concept or the row label as printed.
	Label   string `json:"label"`
	Concept string `json:"concept,omitempty"`
	// Value is the figure in base units as an exact decimal string.
	Value string `json:"value" jsonschema:"pattern=^-?[0-9]+(\\.[0-9]+)?$"`
	// Display is the number as printed, such as "(1,577)".
	Display string `json:"display"`
	// Scale is the power of ten the printed figure carries (6 for millions).
	Scale int `json:"scale"`
	// Unit is "USD", "USD/shares", "shares", "percent" or "pure".
	Unit     string `json:"unit"`
	Currency string `json:"currency,omitempty"`
	// PeriodType is "duration" or "instant"; dates are ISO 8601.
	PeriodType  string      `json:"period_type" jsonschema:"enum=duration,enum=instant,enum=unknown"`
	PeriodStart string      `json:"period_start,omitempty"`
	PeriodEnd   string      `json:"period_end,omitempty"`
	Dimensions  []Dimension `json:"dimensions,omitempty"`
	// Source is the part of the filing the figure was read from: an inline
	// XBRL fact, a statement table or running text.
	Source string `json:"source" jsonschema:"enum=ixbrl,enum=table,enum=text"`
	// XBRLCheck compares a figure found in text with the filing's XBRL fact
	// for the same metric and period.
	XBRLCheck string   `json:"xbrl_check" jsonschema:"enum=agree,enum=disagree,enum=no_fact,enum=not_applicable"`
	Citation  Citation `json:"citation"`
	Status    string   `json:"status" jsonschema:"enum=accepted,enum=needs_review,enum=rejected"`
	// ReviewReason is the cause of a needs_review status, such as
	// xbrl_disagree or unknown_period; empty for accepted items.
	ReviewReason string  `json:"review_reason,omitempty"`
	Confidence   float64 `json:"confidence" jsonschema:"minimum=0,maximum=1"`
	Provider     string  `json:"provider" jsonschema:"minLength=1"`
	Provenance
}

// Guidance is one forward-looking target: a range or a point.
type Guidance struct {
	ID     string `json:"id" jsonschema:"pattern=^[0-9a-f]{16}$"`
	Metric string `json:"metric" jsonschema:"minLength=1"`
	Label  string `json:"label"`
	// Period is the period the target is for, as printed ("fiscal 2024").
	Period string `json:"period"`
	// Low and High are exact decimals as printed (unscaled); equal for a point.
	Low  string `json:"low" jsonschema:"pattern=^-?[0-9]+(\\.[0-9]+)?$"`
	High string `json:"high" jsonschema:"pattern=^-?[0-9]+(\\.[0-9]+)?$"`
	// Scale is the power of ten Low and High carry: 6 for millions, -2 for cents.
	Scale    int    `json:"scale"`
	Unit     string `json:"unit"`
	Currency string `json:"currency,omitempty"`
	Basis    string `json:"basis" jsonschema:"enum=gaap,enum=non_gaap,enum=constant_currency,enum=organic,enum=unspecified"`
	// Direction is relative to the prior guidance when the document states it.
	Direction string `json:"direction" jsonschema:"enum=initiated,enum=raised,enum=lowered,enum=maintained,enum=withdrawn,enum=unspecified"`
	PriorLow  string `json:"prior_low,omitempty"`
	PriorHigh string `json:"prior_high,omitempty"`
	// PriorSource says where the prior range came from: the document's own
	// words ("previously $4.20") or the company's earlier guidance that finx
	// stored.
	PriorSource string   `json:"prior_source,omitempty" jsonschema:"enum=text,enum=history"`
	Citation    Citation `json:"citation"`
	Status      string   `json:"status" jsonschema:"enum=accepted,enum=needs_review,enum=rejected"`
	// ReviewReason is the cause of a needs_review status, such as
	// xbrl_disagree or unknown_period; empty for accepted items.
	ReviewReason string  `json:"review_reason,omitempty"`
	Confidence   float64 `json:"confidence" jsonschema:"minimum=0,maximum=1"`
	Provider     string  `json:"provider" jsonschema:"minLength=1"`
	Provenance
}

// Provenance names what produced an item, so that any row can be reproduced.
// Its fields are inlined in the item's JSON.
type Provenance struct {
	// Model is the LLM model name; empty for the offline provider.
	Model string `json:"model,omitempty"`
	// PromptVersion is the prompt template or rule set version.
	PromptVersion string `json:"prompt_version,omitempty"`
	// Degraded is the reason the item came from the fallback provider instead
	// of the configured one, such as llm_unavailable; empty otherwise.
	Degraded string `json:"degraded,omitempty"`
}

// RemovedRisk is a risk factor of the previous filing that the current one no
// longer contains.
type RemovedRisk struct {
	Heading       string `json:"heading" jsonschema:"minLength=1"`
	PreviousID    string `json:"previous_id"`
	PreviousDocID string `json:"previous_doc_id"`
}

// SectionSummary is a section of the result without its text.
type SectionSummary struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Page  int    `json:"page,omitempty"`
}

// Stats counts what the passes did with one document.
type Stats struct {
	// CitationsChecked counts candidate items whose quote was looked up.
	CitationsChecked int `json:"citations_checked" jsonschema:"minimum=0"`
	// CitationsVerified counts those whose quote was found.
	CitationsVerified int `json:"citations_verified" jsonschema:"minimum=0"`
	// Rejected counts candidates dropped because the quote was not found.
	Rejected int `json:"rejected" jsonschema:"minimum=0"`
	// Dropped counts candidates whose quote was found but whose confidence
	// was below the review threshold.
	Dropped    int   `json:"dropped,omitempty" jsonschema:"minimum=0"`
	TextBytes  int   `json:"text_bytes" jsonschema:"minimum=0"`
	DurationMS int64 `json:"duration_ms" jsonschema:"minimum=0"`
}

// Result is the extraction of one document, published to filings.extracted.
type Result struct {
	SchemaVersion int              `json:"schema_version" jsonschema:"minimum=1"`
	Filing        Filing           `json:"filing"`
	Pages         int              `json:"pages" jsonschema:"minimum=0"`
	PagesWithText int              `json:"pages_with_text" jsonschema:"minimum=0"`
	Sections      []SectionSummary `json:"sections"`
	Risks         []Risk           `json:"risks"`
	// RemovedRisks lists factors of the previous filing of the same company
	// and form that this document no longer has; empty without one.
	RemovedRisks []RemovedRisk `json:"removed_risks,omitempty"`
	// PreviousDocID is the filing the risk changes were computed against.
	PreviousDocID string     `json:"previous_doc_id,omitempty"`
	Metrics       []Metric   `json:"metrics"`
	Guidance      []Guidance `json:"guidance"`
	Stats         Stats      `json:"stats"`
	Warnings      []string   `json:"warnings"`
	Provider      string     `json:"provider" jsonschema:"minLength=1"`
	Provenance
	// Selections records what each pass read: sections, spans and bytes.
	Selections []Selection `json:"selections,omitempty"`
	// LLMCalls records every model call made for this document, for cost and
	// latency accounting; empty for the offline provider.
	LLMCalls    []LLMCall `json:"llm_calls,omitempty"`
	ExtractedAt time.Time `json:"extracted_at"`
}

// Selection is what one pass of one kind read of the document and what
// became of its candidates.
type Selection struct {
	Kind     string   `json:"kind" jsonschema:"enum=risk,enum=metric,enum=guidance"`
	Pass     string   `json:"pass" jsonschema:"minLength=1"`
	Sections []string `json:"sections"`
	// Spans are [start, end) byte spans of Document.Text sent to the provider.
	Spans      [][2]int `json:"spans"`
	Bytes      int      `json:"bytes" jsonschema:"minimum=0"`
	Candidates int      `json:"candidates" jsonschema:"minimum=0"`
	Added      int      `json:"added" jsonschema:"minimum=0"`
	Duplicates int      `json:"duplicates" jsonschema:"minimum=0"`
	Rejected   int      `json:"rejected" jsonschema:"minimum=0"`
	Dropped    int      `json:"dropped" jsonschema:"minimum=0"`
}

// LLMCall is the record of one chat completion request, kept per call.
type LLMCall struct {
	// CallID is deterministic: document, pass, chunk and attempt.
	CallID        string `json:"call_id" jsonschema:"minLength=1"`
	DocID         string `json:"doc_id"`
	Pass          string `json:"pass" jsonschema:"minLength=1"`
	Provider      string `json:"provider" jsonschema:"minLength=1"`
	Model         string `json:"model"`
	PromptVersion string `json:"prompt_version"`
	// Outcome is ok, cached, retried, invalid_json, truncated, http_4xx,
	// http_5xx, timeout, transport, canceled or budget.
	Outcome string `json:"outcome" jsonschema:"minLength=1"`
	Attempt int    `json:"attempt" jsonschema:"minimum=1"`
	// Token counts as the API reported them; cache hit and miss split the
	// prompt tokens.
	PromptCacheHitTokens  int `json:"prompt_cache_hit_tokens" jsonschema:"minimum=0"`
	PromptCacheMissTokens int `json:"prompt_cache_miss_tokens" jsonschema:"minimum=0"`
	CompletionTokens      int `json:"completion_tokens" jsonschema:"minimum=0"`
	// CostUSD is an exact decimal string from the configured price table.
	CostUSD   string    `json:"cost_usd" jsonschema:"pattern=^[0-9]+(\\.[0-9]+)?$"`
	LatencyMS int64     `json:"latency_ms" jsonschema:"minimum=0"`
	CalledAt  time.Time `json:"called_at"`
}

// Item kinds, used in alerts, review decisions and evaluation.
const (
	KindRisk     = "risk"
	KindMetric   = "metric"
	KindGuidance = "guidance"
)

// Review actions.
const (
	ActionAccept  = "accept"
	ActionReject  = "reject"
	ActionCorrect = "correct"
)

// ReviewDecision is one reviewer's decision on one item. Decisions are never
// updated; a later decision on the same item is a new row.
type ReviewDecision struct {
	SchemaVersion int    `json:"schema_version" jsonschema:"minimum=1"`
	DecisionID    string `json:"decision_id" jsonschema:"minLength=1"`
	DocID         string `json:"doc_id" jsonschema:"pattern=^[0-9a-f]{64}$"`
	Kind          string `json:"kind" jsonschema:"enum=risk,enum=metric,enum=guidance"`
	ItemID        string `json:"item_id" jsonschema:"pattern=^[0-9a-f]{16}$"`
	Action        string `json:"action" jsonschema:"enum=accept,enum=reject,enum=correct"`
	Reviewer      string `json:"reviewer" jsonschema:"minLength=1"`
	// Before and After are the item's JSON before and after the decision.
	Before    string    `json:"before"`
	After     string    `json:"after"`
	Note      string    `json:"note,omitempty"`
	Provider  string    `json:"provider"`
	DecidedAt time.Time `json:"decided_at"`
}

// Alert kinds on risk.flags.
const (
	AlertHighSeverityRisk  = "high_severity_risk"
	AlertNewRisk           = "new_risk"
	AlertGuidanceLowered   = "guidance_lowered"
	AlertGuidanceWithdrawn = "guidance_withdrawn"
	AlertXBRLDisagree      = "xbrl_disagree"
)

// RiskFlag is one alert event, published to risk.flags keyed by company so
// that a subscriber sees each company's events in order. Exactly one of Risk,
// Guidance and Metric is set, according to Kind.
type RiskFlag struct {
	SchemaVersion int `json:"schema_version" jsonschema:"minimum=1"`
	// ID is deterministic: document, kind and item, so that a subscriber
	// can drop the repeats that a replay or a crash produces.
	ID   string `json:"id,omitempty" jsonschema:"pattern=^[0-9a-f]{16}$"`
	Kind string `json:"kind" jsonschema:"enum=high_severity_risk,enum=new_risk,enum=guidance_lowered,enum=guidance_withdrawn,enum=xbrl_disagree"`
	// Severity orders alerts for subscribers that filter: low, medium, high.
	Severity   string    `json:"severity" jsonschema:"enum=low,enum=medium,enum=high"`
	Summary    string    `json:"summary"`
	DocID      string    `json:"doc_id" jsonschema:"pattern=^[0-9a-f]{64}$"`
	SourcePath string    `json:"source_path"`
	Company    string    `json:"company,omitempty"`
	CIK        string    `json:"cik,omitempty"`
	Form       string    `json:"form,omitempty"`
	Risk       *Risk     `json:"risk,omitempty"`
	Guidance   *Guidance `json:"guidance,omitempty"`
	Metric     *Metric   `json:"metric,omitempty"`
	FlaggedAt  time.Time `json:"flagged_at"`
}

// Stage names used in dead letters, logs and metrics.
const (
	StagePublish = "publish"
	StageExtract = "extract"
	StageLoad    = "load"
)

// DeadLetter records a message that failed for good, published to filings.dlq.
type DeadLetter struct {
	SchemaVersion int    `json:"schema_version" jsonschema:"minimum=1"`
	DocID         string `json:"doc_id"`
	SourcePath    string `json:"source_path"`
	Stage         string `json:"stage" jsonschema:"enum=publish,enum=extract,enum=load"`
	// Reason is a short machine-readable cause: empty_file, not_pdf,
	// truncated_pdf, no_body, parse_panic, parse_timeout, invalid_result, ...
	Reason string `json:"reason" jsonschema:"minLength=1"`
	// Error is the full error text, naming the file and the place.
	Error     string    `json:"error" jsonschema:"minLength=1"`
	Topic     string    `json:"topic"`
	Partition int       `json:"partition"`
	Offset    int64     `json:"offset"`
	Attempts  int       `json:"attempts" jsonschema:"minimum=0"`
	FailedAt  time.Time `json:"failed_at"`
}

// FillEmpty replaces nil slices with empty ones, because the schema requires
// arrays and encoding/json writes a nil slice as null.
func (r *Result) FillEmpty() {
	if r.Sections == nil {
		r.Sections = []SectionSummary{}
	}
	if r.Risks == nil {
		r.Risks = []Risk{}
	}
	if r.Metrics == nil {
		r.Metrics = []Metric{}
	}
	if r.Guidance == nil {
		r.Guidance = []Guidance{}
	}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
}
