package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// HeaderAlertID carries an alert's id on risk.flags: 16 hex digits derived
// from the document, the alert kind and the item id. A document extracted
// twice, after a crash or a replay, gives the same ids, so a subscriber can
// drop the repeats.
const HeaderAlertID = "finx-alert-id"

// Severity ranks, for filtering alerts by a minimum severity.
var severityRank = map[string]int{"low": 1, "medium": 2, "high": 3}

// SeverityAtLeast reports whether severity is at least minimum, both one of
// low, medium and high. An unknown severity is below every known one, and an
// empty minimum accepts everything.
func SeverityAtLeast(severity, minimum string) bool {
	if minimum == "" {
		return true
	}
	return severityRank[severity] > 0 && severityRank[severity] >= severityRank[minimum]
}

// Alerts returns the risk.flags events of one result, in this order:
//
//   - high_severity_risk for each accepted risk of high severity;
//   - new_risk for each risk whose Change is new, with the risk's severity;
//   - guidance_lowered (medium) and guidance_withdrawn (high) for each
//     guidance item with that Direction;
//   - xbrl_disagree (medium) for each metric whose figure differs from the
//     filing's XBRL fact.
//
// A risk that is both high and new gives two events. Items in needs_review
// status raise every kind but high_severity_risk, because a disagreement
// with XBRL is itself a reason for review.
func Alerts(res *schemas.Result, now time.Time) []schemas.RiskFlag {
	base := schemas.RiskFlag{
		SchemaVersion: schemas.SchemaVersion,
		DocID:         res.Filing.DocID,
		SourcePath:    res.Filing.SourcePath,
		Company:       res.Filing.Company,
		CIK:           res.Filing.CIK,
		Form:          res.Filing.Form,
		FlaggedAt:     now,
	}
	var out []schemas.RiskFlag
	for i := range res.Risks {
		r := &res.Risks[i]
		if r.Severity == "high" && r.Status == schemas.StatusAccepted {
			f := base
			f.Kind, f.Severity, f.Risk = schemas.AlertHighSeverityRisk, r.Severity, r
			f.Summary = "high-severity risk factor: " + r.Heading
			out = append(out, f)
		}
	}
	for i := range res.Risks {
		r := &res.Risks[i]
		if r.Change == schemas.ChangeNew {
			f := base
			f.Kind, f.Severity, f.Risk = schemas.AlertNewRisk, r.Severity, r
			f.Summary = "new risk factor: " + r.Heading
			out = append(out, f)
		}
	}
	for i := range res.Guidance {
		g := &res.Guidance[i]
		f := base
		f.Guidance = g
		switch g.Direction {
		case "lowered":
			f.Kind, f.Severity = schemas.AlertGuidanceLowered, "medium"
			f.Summary = fmt.Sprintf("guidance lowered: %s %s to %s", guidanceName(g), g.Period, guidanceRange(g.Low, g.High, g.Scale, g.Unit))
			if g.PriorLow != "" || g.PriorHigh != "" {
				f.Summary += " from " + guidanceRange(g.PriorLow, g.PriorHigh, g.Scale, g.Unit)
			}
		case "withdrawn":
			f.Kind, f.Severity = schemas.AlertGuidanceWithdrawn, "high"
			f.Summary = fmt.Sprintf("guidance withdrawn: %s %s", guidanceName(g), g.Period)
		default:
			continue
		}
		f.Summary = strings.TrimSpace(f.Summary)
		out = append(out, f)
	}
	for i := range res.Metrics {
		m := &res.Metrics[i]
		if m.XBRLCheck != "disagree" {
			continue
		}
		f := base
		f.Kind, f.Severity, f.Metric = schemas.AlertXBRLDisagree, "medium", m
		f.Summary = fmt.Sprintf("%s %s for %s disagrees with the XBRL fact", m.Metric, m.Display, metricPeriod(m))
		out = append(out, f)
	}
	return out
}

func guidanceName(g *schemas.Guidance) string {
	if g.Label != "" {
		return g.Label
	}
	return g.Metric
}

// guidanceRange prints low-high (or one figure for a point) with the scale
// as a word where it has one.
func guidanceRange(low, high string, scale int, unit string) string {
	s := low
	if high != "" && high != low {
		s = low + "-" + high
	}
	switch scale {
	case 3:
		s += " thousand"
	case 6:
		s += " million"
	case 9:
		s += " billion"
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}

func metricPeriod(m *schemas.Metric) string {
	switch {
	case m.PeriodStart != "" && m.PeriodEnd != "":
		return m.PeriodStart + " to " + m.PeriodEnd
	case m.PeriodEnd != "":
		return m.PeriodEnd
	}
	return "an unknown period"
}

// AlertKey returns the Kafka key of an alert: the company's CIK, else its
// name, else the document id. Alerts of one company so land on one partition
// in the order they were published.
func AlertKey(f schemas.RiskFlag) string {
	switch {
	case f.CIK != "":
		return f.CIK
	case f.Company != "":
		return f.Company
	}
	return f.DocID
}

// AlertID returns the deterministic id of an alert, for HeaderAlertID.
func AlertID(f schemas.RiskFlag) string {
	item := ""
	switch {
	case f.Risk != nil:
		item = f.Risk.ID
	case f.Guidance != nil:
		item = f.Guidance.ID
	case f.Metric != nil:
		item = f.Metric.ID
	}
	sum := sha256.Sum256([]byte(f.DocID + "\x00" + f.Kind + "\x00" + item))
	return hex.EncodeToString(sum[:8])
}

// alertMessages encodes the alerts of one result as risk.flags messages,
// each validated against the risk flag schema. It also returns the number
// of high_severity_risk alerts among them.
func alertMessages(res *schemas.Result, now time.Time) ([]kafka.Message, int, error) {
	flags := Alerts(res, now)
	msgs := make([]kafka.Message, 0, len(flags))
	high := 0
	for _, f := range flags {
		f.ID = AlertID(f)
		value, err := schemas.Marshal(schemas.SchemaRiskFlag, f)
		if err != nil {
			return nil, 0, fmt.Errorf("%s alert %s of %s: %w", f.Kind, f.ID, res.Filing.SourcePath, err)
		}
		if f.Kind == schemas.AlertHighSeverityRisk {
			high++
		}
		msgs = append(msgs, kafka.Message{
			Key:   []byte(AlertKey(f)),
			Value: value,
			Headers: []kafka.Header{
				{Key: HeaderSchema, Value: []byte(schemas.SchemaRiskFlag)},
				{Key: HeaderAlertID, Value: []byte(f.ID)},
			},
		})
	}
	return msgs, high, nil
}
