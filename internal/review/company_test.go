package review

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// regexpTags matches markup tags, to compare rendered text.
var regexpTags = regexp.MustCompile(`<[^>]*>`)

func riskNamed(id, heading string) Item {
	return Item{Kind: schemas.KindRisk, Risk: &schemas.Risk{ID: id, Heading: heading}}
}

func TestCompareRisksByHeading(t *testing.T) {
	prev := []Item{
		riskNamed("p1", "We depend on a few large customers."),
		riskNamed("p2", "Our supply chain relies on a single supplier in one country."),
		riskNamed("p3", "Changes in tax law may raise our costs."),
	}
	cur := []Item{
		riskNamed("c1", "We depend on a few large customers"),
		riskNamed("c2", "Our supply chain relies on a single supplier in two countries."),
		riskNamed("c3", "A cyber attack could disrupt our operations."),
	}
	got := compareRisks(Filing{}, Filing{}, cur, prev)
	if got.Unchanged != 1 {
		t.Errorf("got %d unchanged, want 1", got.Unchanged)
	}
	if len(got.Reworded) != 1 || got.Reworded[0].Item.ID() != "c2" || !strings.Contains(got.Reworded[0].Previous, "one country") {
		t.Errorf("got reworded %+v, want c2 rewording p2", got.Reworded)
	}
	if len(got.Added) != 1 || got.Added[0].ID() != "c3" {
		t.Errorf("got added %+v, want c3", got.Added)
	}
	if len(got.Removed) != 1 || !strings.Contains(got.Removed[0], "tax law") {
		t.Errorf("got removed %q, want the tax law risk", got.Removed)
	}
}

func TestCompareRisksByChangeMarks(t *testing.T) {
	prev := []Item{riskNamed("p1", "Old heading"), riskNamed("p2", "Dropped heading")}
	reworded := riskNamed("c1", "Completely different words")
	reworded.Risk.Change, reworded.Risk.PreviousID = schemas.ChangeReworded, "p1"
	added := riskNamed("c2", "Old heading")
	added.Risk.Change = schemas.ChangeNew
	got := compareRisks(Filing{}, Filing{}, []Item{reworded, added}, prev)
	if got.Source != "extraction change marks" {
		t.Errorf("got source %q, want the extraction's change marks", got.Source)
	}
	if len(got.Reworded) != 1 || got.Reworded[0].Previous != "Old heading" {
		t.Errorf("got reworded %+v, want c1 rewording p1", got.Reworded)
	}
	if len(got.Added) != 1 || got.Added[0].ID() != "c2" {
		t.Errorf("got added %+v, want c2 (marked new despite an equal heading)", got.Added)
	}
	if len(got.Removed) != 1 || got.Removed[0] != "Dropped heading" {
		t.Errorf("got removed %q, want [Dropped heading]", got.Removed)
	}
}

// secondQuarter returns a later 10-Q of the test company: one risk
// reworded, one added, revenue for a new quarter and lowered guidance.
func secondQuarter(t *testing.T) *schemas.Result {
	res := testResult(t)
	res.Filing.DocID = strings.Repeat("b", 64)
	res.Filing.FilingDate = "2027-02-01"
	res.Filing.SourcePath = "/filings/acme-10q-2.htm"
	res.ExtractedAt = res.ExtractedAt.Add(24 * time.Hour)
	res.Risks[0].ID = "1000000000000011"
	res.Risks[0].Heading = hostileHeading + " and partners"
	res.Risks = append(res.Risks, schemas.Risk{ID: "1000000000000012", Heading: "Tariffs may raise our costs", Category: "geopolitical",
		Severity: "high", Citation: span(t, "Revenue was"), Status: schemas.StatusAccepted, Confidence: 0.7, Provider: "rules"})
	res.Metrics[0].ID = "2000000000000012"
	res.Metrics[0].Value = "13100000"
	res.Metrics[0].PeriodStart, res.Metrics[0].PeriodEnd = "2026-10-01", "2026-12-31"
	res.Metrics[0].Status = schemas.StatusAccepted
	res.Guidance[0].ID = "3000000000000013"
	res.Guidance[0].Low, res.Guidance[0].High = "45", "48"
	res.Guidance[0].Direction = "lowered"
	res.Guidance[0].PriorLow, res.Guidance[0].PriorHigh = "50", "55"
	return res
}

func TestCompanyPage(t *testing.T) {
	ts := newTestServer(t, "")
	store := newTestStore(t, testResult(t), secondQuarter(t))
	srv, err := New(Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	status, body, _ := get(t, ts.Client(), ts.URL+"/company/0000000001")
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200:\n%s", status, body)
	}
	for _, want := range []string{
		`class="reworded"`, "Tariffs may raise our costs", "By heading comparison; 0 unchanged",
		"45 to 48 million USD", `class="dir dir-lowered"`, "<td>50 to 55 million USD</td>",
		"<svg", `<polyline points="`, "2026-09-30: 12.5M", "2026-12-31: 13.1M", "revenue (quarter)",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("company page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Errorf("company page renders the heading's markup unescaped")
	}
	if got := strings.Count(body, "<circle "); got != 2 {
		t.Errorf("got %d chart points, want 2", got)
	}
}
