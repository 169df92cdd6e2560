package clickhouse

import (
	"strings"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// sampleDocID and previousDocID are made-up document ids of the right shape.
var (
	sampleDocID   = strings.Repeat("ab", 32)
	previousDocID = strings.Repeat("cd", 32)
)

// sampleResult returns a small result with every kind of item and the values
// that are hard to store: large and negative decimals, a decimal beyond
// Decimal(38, 6), text that needs JSON escaping, and dimensions.
func sampleResult() *schemas.Result {
	at := time.Date(2025, 2, 3, 14, 5, 6, 789_000_000, time.UTC)
	cite := func(quote string, start int) schemas.Citation {
		return schemas.Citation{
			Quote: quote, Start: start, End: start + len(quote),
			CharStart: start, CharEnd: start + len([]rune(quote)),
			Page: 0, SourceOffset: int64(start + 1000), Match: schemas.MatchExact,
		}
	}
	r := &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing: schemas.Filing{
			DocID: sampleDocID, SourcePath: "testdata/example-10k.htm", MediaType: schemas.MediaIXBRL,
			Form: "10-K", Company: "Example Widgets, Inc.", CIK: "0000123456",
			Accession: "0000123456-25-000001", FilingDate: "2025-01-31", Size: 123456,
			PublishedAt: time.Date(2025, 2, 3, 14, 0, 0, 0, time.UTC),
		},
		Pages: 0, PagesWithText: 0,
		Sections: []schemas.SectionSummary{
			{ID: "item_1a", Title: "Item 1A. Risk Factors", Start: 100, End: 5000},
			{ID: "item_7", Title: "Item 7. Management’s Discussion", Start: 5000, End: 9000},
		},
		Risks: []schemas.Risk{{
			ID: "0123456789abcdef", Heading: `Supply of "key" parts <may> fail & cost us`,
			Category: "supply_chain", Severity: "high", SeverityReason: "could materially",
			Section: "item_1a", BodyStart: 200, BodyEnd: 900,
			Citation: cite("Supply of \"key\" parts\tmay fail\nor cost us \u2028 — ü 😀", 150),
			Status:   schemas.StatusAccepted, Confidence: 0.85, Provider: "offline",
			Change: "reworded", PreviousID: "fedcba9876543210",
			Provenance: schemas.Provenance{Model: "deepseek-chat", PromptVersion: "risk-v3"},
		}},
		RemovedRisks: []schemas.RemovedRisk{
			{Heading: "Our reliance on a single supplier", PreviousID: "0f0f0f0f0f0f0f0f", PreviousDocID: previousDocID},
		},
		PreviousDocID: previousDocID,
		LLMCalls: []schemas.LLMCall{
			{
				CallID: "call-risk-0-1", DocID: sampleDocID, Pass: "risk", Provider: "deepseek", Model: "deepseek-chat",
				PromptVersion: "risk-v3", Outcome: "ok", Attempt: 1, PromptCacheHitTokens: 1200,
				PromptCacheMissTokens: 3400, CompletionTokens: 560, CostUSD: "0.001234567891",
				LatencyMS: 2150, CalledAt: time.Date(2025, 2, 3, 14, 4, 59, 123_000_000, time.UTC),
			},
			{
				// 13 fraction digits: beyond Decimal(38, 12), so cost_usd is 0.
				CallID: "call-risk-0-2", DocID: sampleDocID, Pass: "risk", Provider: "deepseek", Model: "deepseek-chat",
				PromptVersion: "risk-v3", Outcome: "invalid_json", Attempt: 2, CostUSD: "0.0000000000001",
				LatencyMS: 900, CalledAt: time.Date(2025, 2, 3, 14, 5, 1, 0, time.UTC),
			},
		},
		Metrics: []schemas.Metric{
			{
				ID: "1111111111111111", Metric: "revenue", Label: "Revenues", Concept: "us-gaap:Revenues",
				Value: "391035000000", Display: "391,035", Scale: 6, Unit: "USD", Currency: "USD",
				PeriodType: "duration", PeriodStart: "2024-01-01", PeriodEnd: "2024-12-31",
				Dimensions: []schemas.Dimension{{Axis: "srt:ProductOrServiceAxis", Member: "ex:WidgetsMember"}},
				Source:     "ixbrl", XBRLCheck: "not_applicable", Citation: cite("391,035", 6000),
				Status: schemas.StatusAccepted, Confidence: 1, Provider: "offline",
			},
			{
				ID: "2222222222222222", Metric: "eps_diluted", Label: "Diluted EPS", Value: "-0.04",
				Display: "(0.04)", Scale: 0, Unit: "USD/shares", PeriodType: "duration",
				Source: "table", XBRLCheck: "agree", Citation: cite("(0.04)", 6100),
				Status: schemas.StatusAccepted, Confidence: 0.9, Provider: "offline",
			},
			{
				ID: "3333333333333333", Metric: "other", Label: "Ratio", Value: "0.33",
				Display: "0.33", Unit: "pure", PeriodType: "instant", PeriodEnd: "2024-12-31",
				Source: "text", XBRLCheck: "no_fact", Citation: cite("0.33", 6200),
				Status: schemas.StatusNeedsReview, Confidence: 0.5, Provider: "offline",
			},
			{
				ID: "4444444444444444", Metric: "total_assets", Label: "Total assets", Value: "39000966000",
				Display: "39,000,966", Scale: 3, Unit: "USD", PeriodType: "instant",
				Source: "ixbrl", XBRLCheck: "not_applicable", Citation: cite("39,000,966", 6300),
				Status: schemas.StatusAccepted, Confidence: 1, Provider: "offline",
			},
			{
				// 34 integer digits: beyond Decimal(38, 6), so value is NULL.
				ID: "5555555555555555", Metric: "other", Label: "Huge", Value: "1234567890123456789012345678901234",
				Display: "1234567890123456789012345678901234", Unit: "pure", PeriodType: "unknown",
				Source: "text", XBRLCheck: "no_fact", Citation: cite("1234567890123456789012345678901234", 6400),
				Status: schemas.StatusNeedsReview, Confidence: 0.2, Provider: "offline",
			},
		},
		Guidance: []schemas.Guidance{{
			ID: "6666666666666666", Metric: "revenue", Label: "Revenue", Period: "fiscal 2025",
			Low: "4.35", High: "4.5", Scale: 9, Unit: "USD", Currency: "USD", Basis: "gaap",
			Direction: "raised", PriorLow: "4.2", PriorHigh: "",
			Citation: cite("$4.35 billion to $4.50 billion", 7000),
			Status:   schemas.StatusAccepted, Confidence: 0.8, Provider: "offline",
		}},
		Stats:       schemas.Stats{CitationsChecked: 9, CitationsVerified: 7, Rejected: 2, TextBytes: 9100, DurationMS: 42},
		Warnings:    []string{"page 3 has no text layer"},
		Provider:    "offline",
		Provenance:  schemas.Provenance{Model: "deepseek-chat", PromptVersion: "risk-v3", Degraded: "llm_unavailable"},
		ExtractedAt: at,
	}
	return r
}

func sampleDeadLetter() schemas.DeadLetter {
	return schemas.DeadLetter{
		SchemaVersion: schemas.SchemaVersion, DocID: sampleDocID, SourcePath: "testdata/broken.pdf",
		Stage: schemas.StageExtract, Reason: "truncated_pdf", Error: "pdf: read testdata/broken.pdf: unexpected EOF at xref",
		Topic: "filings.raw", Partition: 2, Offset: 41, Attempts: 3,
		FailedAt: time.Date(2025, 2, 3, 15, 0, 0, 0, time.UTC),
	}
}

func sampleReviewDecision() schemas.ReviewDecision {
	return schemas.ReviewDecision{
		SchemaVersion: schemas.SchemaVersion, DecisionID: "decision-1", DocID: sampleDocID,
		Kind: schemas.KindMetric, ItemID: "3333333333333333", Action: schemas.ActionCorrect,
		Reviewer: "analyst@example.com", Before: `{"value":"0.33"}`, After: `{"value":"0.34"}`,
		Note: "typo in the \"ratio\" row", Provider: "offline",
		DecidedAt: time.Date(2025, 2, 4, 9, 30, 0, 250_000_000, time.UTC),
	}
}
