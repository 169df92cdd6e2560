package clickhouse

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// The analyst sample is a small history of two made-up companies, written
// to test the views and the queries of docs/queries.md:
//
//   - Alpha Corp files a 10-K in 2023 (alpha1), a 10-K in 2024 (alpha2) and
//     an 8-K in May 2024 (alpha3). alpha2 keeps one risk heading, rewords
//     one, adds one and drops one. It restates 2022 revenue, reports 2023
//     revenue and a 2023 EPS that needs review, and guides fiscal 2024
//     revenue, which alpha3 lowers. alpha2 is extracted twice; the second
//     extraction changes 2023 revenue.
//   - Beta Inc files one 10-K (beta1) whose one risk needs review.
//   - beta1 also prints 2023 revenue in tables without a period start:
//     the fourth quarter and the year, which end on the same date.
//   - gamma1 and delta1 are 10-Ks without a CIK or company name that
//     report revenue and guidance for the same periods.
//   - omega1 and omega2 are 10-Ks of Omega Ltd without a CIK, its name
//     printed in other case in each; omega2 restates 2022 revenue.
const (
	alphaCIK = "0000000001"
	betaCIK  = "0000000002"
)

func docID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

func itemID(doc, key string) string {
	sum := sha256.Sum256([]byte(doc + "\x00" + key))
	return hex.EncodeToString(sum[:])[:16]
}

// analystResult returns a result with the filing fields set and no items.
func analystResult(name, cik, company, form, filingDate string, extractedAt time.Time) *schemas.Result {
	id := docID(name)
	return &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing: schemas.Filing{
			DocID: id, SourcePath: "testdata/" + name + ".htm", MediaType: schemas.MediaHTML,
			Form: form, Company: company, CIK: cik, FilingDate: filingDate, Size: 1000,
			PublishedAt: extractedAt.Add(-time.Minute),
		},
		Provider:    "offline",
		Provenance:  schemas.Provenance{PromptVersion: "rules-v1"},
		ExtractedAt: extractedAt,
	}
}

func analystRisk(doc, heading, status string) schemas.Risk {
	return schemas.Risk{
		ID: itemID(doc, heading), Heading: heading, Category: "other", Severity: "medium",
		Section: "item_1a", Change: "unknown",
		Citation: schemas.Citation{Quote: heading, Match: schemas.MatchExact},
		Status:   status, Confidence: 0.8, Provider: "offline",
	}
}

func analystMetric(doc, metric, periodEnd, value, status string) schemas.Metric {
	return schemas.Metric{
		ID: itemID(doc, metric+periodEnd), Metric: metric, Label: metric, Value: value, Display: value,
		Unit: "USD", PeriodType: "duration", PeriodStart: periodEnd[:4] + "-01-01", PeriodEnd: periodEnd,
		Source: "ixbrl", XBRLCheck: "not_applicable",
		Citation: schemas.Citation{Quote: value, Match: schemas.MatchExact},
		Status:   status, Confidence: 1, Provider: "offline",
	}
}

func analystGuidance(doc, period, low, high, direction string) schemas.Guidance {
	return schemas.Guidance{
		ID: itemID(doc, "revenue"+period), Metric: "revenue", Label: "Revenue", Period: period,
		Low: low, High: high, Scale: 6, Unit: "USD", Currency: "USD", Basis: "gaap", Direction: direction,
		Citation: schemas.Citation{Quote: low + " to " + high, Match: schemas.MatchExact},
		Status:   schemas.StatusAccepted, Confidence: 0.9, Provider: "offline",
	}
}

// analystSample returns the results in the order they are written.
func analystSample() []*schemas.Result {
	day := func(month time.Month, d int) time.Time { return time.Date(2025, month, d, 10, 0, 0, 0, time.UTC) }

	alpha1 := analystResult("alpha1", alphaCIK, "Alpha Corp", "10-K", "2023-02-01", day(1, 10))
	a1 := alpha1.Filing.DocID
	keyPersonnel := analystRisk(a1, "Key personnel", schemas.StatusAccepted)
	cyber := analystRisk(a1, "Cyber attacks", schemas.StatusAccepted)
	alpha1.Risks = []schemas.Risk{analystRisk(a1, "Supply chain disruption", schemas.StatusAccepted), cyber, keyPersonnel}
	alpha1.Metrics = []schemas.Metric{
		analystMetric(a1, "revenue", "2022-12-31", "100000000", schemas.StatusAccepted),
		analystMetric(a1, "eps_diluted", "2022-12-31", "1.00", schemas.StatusAccepted),
	}

	alpha2 := analystResult("alpha2", alphaCIK, "Alpha Corp", "10-K", "2024-02-01", day(1, 11))
	a2 := alpha2.Filing.DocID
	alpha2.PreviousDocID = a1
	reworded := analystRisk(a2, "Cyber  attacks and data breaches", schemas.StatusAccepted)
	reworded.Change, reworded.PreviousID = "reworded", cyber.ID
	unchanged := analystRisk(a2, "supply chain   disruption", schemas.StatusAccepted)
	unchanged.Change = "unchanged"
	climate := analystRisk(a2, "Climate regulation", schemas.StatusNeedsReview)
	climate.Change, climate.ReviewReason = "new", "low_confidence"
	alpha2.Risks = []schemas.Risk{unchanged, reworded, climate}
	alpha2.RemovedRisks = []schemas.RemovedRisk{{Heading: keyPersonnel.Heading, PreviousID: keyPersonnel.ID, PreviousDocID: a1}}
	eps := analystMetric(a2, "eps_diluted", "2023-12-31", "1.10", schemas.StatusNeedsReview)
	eps.ReviewReason = "xbrl_disagree"
	alpha2.Metrics = []schemas.Metric{
		analystMetric(a2, "revenue", "2022-12-31", "101000000", schemas.StatusAccepted),
		analystMetric(a2, "revenue", "2023-12-31", "115000000", schemas.StatusAccepted),
		eps,
	}
	alpha2.Guidance = []schemas.Guidance{analystGuidance(a2, "Fiscal 2024", "105", "110", "initiated")}
	alpha2.Provider = "deepseek"
	alpha2.Model = "deepseek-chat"
	alpha2.LLMCalls = []schemas.LLMCall{
		{CallID: "alpha2-risk-0-1", DocID: a2, Pass: "risk", Provider: "deepseek", Model: "deepseek-chat",
			PromptVersion: "risk-v3", Outcome: "ok", Attempt: 1, PromptCacheMissTokens: 4000, CompletionTokens: 500,
			CostUSD: "0.00164", LatencyMS: 1800, CalledAt: day(1, 11).Add(-time.Minute)},
		{CallID: "alpha2-metric-0-1", DocID: a2, Pass: "metric", Provider: "deepseek", Model: "deepseek-chat",
			PromptVersion: "metric-v2", Outcome: "timeout", Attempt: 1, CostUSD: "0", LatencyMS: 30000,
			CalledAt: day(1, 11).Add(-30 * time.Second)},
	}

	// The replay of alpha2 an hour later changes 2023 revenue.
	alpha2again := *alpha2
	alpha2again.ExtractedAt = alpha2.ExtractedAt.Add(time.Hour)
	alpha2again.Metrics = append([]schemas.Metric(nil), alpha2.Metrics...)
	alpha2again.Metrics[1].Value = "116000000"
	alpha2again.LLMCalls = nil

	alpha3 := analystResult("alpha3", alphaCIK, "Alpha Corp", "8-K", "2024-05-01", day(1, 12))
	a3 := alpha3.Filing.DocID
	lowered := analystGuidance(a3, "fiscal 2024", "100", "105", "lowered")
	lowered.PriorLow, lowered.PriorHigh = "105", "110"
	alpha3.Guidance = []schemas.Guidance{lowered}

	beta1 := analystResult("beta1", betaCIK, "Beta Inc", "10-K", "2024-03-01", day(1, 12))
	b1 := beta1.Filing.DocID
	betaRisk := analystRisk(b1, "Customer concentration", schemas.StatusNeedsReview)
	betaRisk.ReviewReason = "low_confidence"
	beta1.Risks = []schemas.Risk{betaRisk}
	beta1.Metrics = []schemas.Metric{analystMetric(b1, "revenue", "2023-12-31", "5000000", schemas.StatusAccepted)}
	for _, value := range []string{"1200000", "5000000"} {
		m := analystMetric(b1, "revenue", "2023-12-31", value, schemas.StatusAccepted)
		m.ID = itemID(b1, "revenue table "+value)
		m.PeriodStart, m.Source, m.Confidence = "", "table", 0.7
		beta1.Metrics = append(beta1.Metrics, m)
	}

	// Two filings without a CIK report revenue for the same period; the
	// views must keep them apart.
	var unknown []*schemas.Result
	for i, name := range []string{"gamma1", "delta1"} {
		res := analystResult(name, "", "", "10-K", "2024-03-15", day(1, 13))
		value := []string{"7000000", "8000000"}[i]
		res.Metrics = []schemas.Metric{analystMetric(res.Filing.DocID, "revenue", "2023-12-31", value, schemas.StatusAccepted)}
		res.Guidance = []schemas.Guidance{analystGuidance(res.Filing.DocID, "fiscal 2024", value[:1], value[:1], "unspecified")}
		unknown = append(unknown, res)
	}

	for i, name := range []string{"omega1", "omega2"} {
		res := analystResult(name, "", []string{"Omega Ltd", "OMEGA LTD"}[i], "10-K", []string{"2023-03-01", "2024-03-01"}[i], day(1, 14))
		value := []string{"30000000", "31000000"}[i]
		res.Metrics = []schemas.Metric{analystMetric(res.Filing.DocID, "revenue", "2022-12-31", value, schemas.StatusAccepted)}
		unknown = append(unknown, res)
	}

	return append([]*schemas.Result{alpha1, alpha2, &alpha2again, alpha3, beta1}, unknown...)
}

// analystDeadLetters are two failures of other documents.
func analystDeadLetters() []schemas.DeadLetter {
	at := time.Date(2025, 1, 12, 11, 0, 0, 0, time.UTC)
	return []schemas.DeadLetter{
		{SchemaVersion: schemas.SchemaVersion, DocID: docID("broken"), SourcePath: "testdata/broken.pdf", Stage: schemas.StageExtract,
			Reason: "truncated_pdf", Error: "pdf: read testdata/broken.pdf: unexpected EOF", Topic: "filings.raw", Offset: 7, Attempts: 1, FailedAt: at},
		{SchemaVersion: schemas.SchemaVersion, DocID: docID("empty"), SourcePath: "testdata/empty.htm", Stage: schemas.StageExtract,
			Reason: "no_body", Error: "html: testdata/empty.htm has no body", Topic: "filings.raw", Offset: 8, Attempts: 1, FailedAt: at},
	}
}

// analystDecision accepts Beta's risk, which takes it off the review queue.
func analystDecision() schemas.ReviewDecision {
	b1 := docID("beta1")
	return schemas.ReviewDecision{
		SchemaVersion: schemas.SchemaVersion, DecisionID: "beta1-risk-accept", DocID: b1, Kind: schemas.KindRisk,
		ItemID: itemID(b1, "Customer concentration"), Action: schemas.ActionAccept, Reviewer: "analyst@example.com",
		Before: "{}", After: "{}", Provider: "offline", DecidedAt: time.Date(2025, 1, 13, 9, 0, 0, 0, time.UTC),
	}
}
