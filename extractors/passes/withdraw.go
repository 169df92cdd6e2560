package passes

import (
	"fmt"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// withdrawal is a verified statement that guidance is withdrawn, such as
// "the Company is withdrawing its fiscal 2025 guidance". It names no values,
// so it becomes items only against the guidance that the history contains.
type withdrawal struct {
	cand       GuidanceCandidate
	cit        schemas.Citation
	conf       float64
	status     string
	reason     string
	provider   string
	provenance schemas.Provenance
}

// isWithdrawal reports whether a guidance candidate states a withdrawal
// without values, which GuidanceCandidate documents as the way to report
// one.
func isWithdrawal(c *GuidanceCandidate) bool {
	return c.Direction == DirectionWithdrawn && c.Low == "" && c.High == ""
}

// addWithdrawal verifies the quote of a withdrawal and keeps it until the
// history is read.
func (r *runner) addWithdrawal(c *GuidanceCandidate, chunks []Chunk) outcome {
	if strings.TrimSpace(c.Quote) == "" {
		r.drop(KindGuidance)
		return outMalformed
	}
	cit, _, ok := r.cite(c.Quote, c.Hint, chunks)
	if !ok {
		r.rejected(c.Origin)
		return outRejected
	}
	for _, w := range r.withdrawals {
		if w.cit.Start == cit.Start && w.cand.Metric == c.Metric && w.cand.Period == c.Period {
			return outDuplicate
		}
	}
	conf, status, reason, keep := r.grade(c.Confidence, evidence{match: cit.Match})
	if !keep {
		return outDropped
	}
	r.withdrawals = append(r.withdrawals, withdrawal{
		cand: *c, cit: cit, conf: conf, status: status, reason: reason,
		provider: r.providerOf(c.Origin), provenance: r.provenanceOf(c.Origin),
	})
	return outWithdrawal
}

// expandWithdrawals turns each withdrawal into one withdrawn item per
// guidance of the latest earlier filing that has guidance for the period
// (and metric, when the withdrawal names one). The item carries the
// withdrawn range as Low and High and again as PriorLow and PriorHigh. It
// returns a warning per withdrawal that matched no earlier guidance.
func expandWithdrawals(doc *schemas.Document, res *schemas.Result, ws []withdrawal, earlier []Snapshot) []string {
	var warnings []string
	seen := map[string]bool{}
	for _, g := range res.Guidance {
		seen[g.ID] = true
	}
	for _, w := range ws {
		priors := withdrawnGuidance(w.cand, earlier)
		if len(priors) == 0 {
			warnings = append(warnings, fmt.Sprintf("passes: guidance withdrawal at byte %d has no earlier guidance of the company to withdraw", w.cit.Start))
			continue
		}
		for _, p := range priors {
			g := schemas.Guidance{
				Metric:       p.Metric,
				Label:        strings.TrimSpace(w.cand.Label),
				Period:       p.Period,
				Low:          p.Low,
				High:         p.High,
				Scale:        p.Scale,
				Unit:         p.Unit,
				Currency:     w.cand.Currency,
				Basis:        p.Basis,
				Direction:    DirectionWithdrawn,
				PriorLow:     p.Low,
				PriorHigh:    p.High,
				Citation:     w.cit,
				Status:       w.status,
				ReviewReason: w.reason,
				Confidence:   w.conf,
				Provider:     w.provider,
				Provenance:   w.provenance,
			}
			if g.Label == "" {
				g.Label = w.cit.Quote
			}
			if g.Currency == "" && strings.HasPrefix(p.Unit, "USD") {
				g.Currency = "USD"
			}
			g.ID = ItemID(doc.DocID, KindGuidance, guidanceKey(&g)+"|"+DirectionWithdrawn)
			if seen[g.ID] {
				continue
			}
			seen[g.ID] = true
			res.Guidance = append(res.Guidance, g)
		}
	}
	return warnings
}

// withdrawnGuidance returns the guidance of the latest earlier snapshot that
// has guidance matching the withdrawal's period (any period when it names
// none) and metric (any metric when it names none).
func withdrawnGuidance(c GuidanceCandidate, earlier []Snapshot) []GuidanceRecord {
	period := ""
	if strings.TrimSpace(c.Period) != "" {
		period = periodKey(c.Period)
	}
	for _, s := range earlier {
		var out []GuidanceRecord
		for _, p := range s.Guidance {
			if (period == "" || periodKey(p.Period) == period) && (c.Metric == "" || c.Metric == p.Metric) {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
