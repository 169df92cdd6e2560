package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// alertResult returns a result with one item for each alert rule and one
// item of each kind that must not raise an alert.
func alertResult(company, cik string) *schemas.Result {
	r := testResult("alerts.htm")
	r.Filing.Company, r.Filing.CIK, r.Filing.Form = company, cik, "10-Q"
	cite := schemas.Citation{Quote: "q", End: 1, CharEnd: 1, SourceOffset: -1, Match: schemas.MatchExact}
	risk := func(id, sev, status, change string) schemas.Risk {
		return schemas.Risk{ID: id, Heading: "risk " + id, Category: "liquidity", Severity: sev, Change: change,
			Citation: cite, Status: status, Confidence: 1, Provider: "test"}
	}
	r.Risks = []schemas.Risk{
		risk("0000000000000001", "high", schemas.StatusAccepted, schemas.ChangeUnchanged),  // high
		risk("0000000000000002", "high", schemas.StatusNeedsReview, schemas.ChangeUnknown), // none: not accepted
		risk("0000000000000003", "low", schemas.StatusAccepted, schemas.ChangeNew),         // new
		risk("0000000000000004", "high", schemas.StatusAccepted, schemas.ChangeNew),        // high and new
		risk("0000000000000005", "medium", schemas.StatusAccepted, schemas.ChangeReworded), // none
	}
	guidance := func(id, direction string) schemas.Guidance {
		return schemas.Guidance{ID: id, Metric: "revenue", Label: "Revenue", Period: "fiscal 2025",
			Low: "10", High: "11", Scale: 9, Unit: "USD", Basis: "gaap", Direction: direction,
			PriorLow: "12", PriorHigh: "13", Citation: cite, Status: schemas.StatusAccepted, Confidence: 1, Provider: "test"}
	}
	r.Guidance = []schemas.Guidance{
		guidance("00000000000000a1", "lowered"),
		guidance("00000000000000a2", "withdrawn"),
		guidance("00000000000000a3", "raised"),
		guidance("00000000000000a4", "maintained"),
	}
	metric := func(id, check string) schemas.Metric {
		return schemas.Metric{ID: id, Metric: "revenue", Label: "Revenue", Value: "100", Display: "100", Unit: "USD",
			PeriodType: "duration", PeriodStart: "2025-01-01", PeriodEnd: "2025-03-31", Source: "text",
			XBRLCheck: check, Citation: cite, Status: schemas.StatusNeedsReview, Confidence: 0.5, Provider: "test"}
	}
	r.Metrics = []schemas.Metric{metric("00000000000000b1", "disagree"), metric("00000000000000b2", "agree")}
	return r
}

func TestAlertsKinds(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	got := Alerts(alertResult("Example Corp", "0000123456"), now)
	want := []struct{ kind, severity, item string }{
		{schemas.AlertHighSeverityRisk, "high", "0000000000000001"},
		{schemas.AlertHighSeverityRisk, "high", "0000000000000004"},
		{schemas.AlertNewRisk, "low", "0000000000000003"},
		{schemas.AlertNewRisk, "high", "0000000000000004"},
		{schemas.AlertGuidanceLowered, "medium", "00000000000000a1"},
		{schemas.AlertGuidanceWithdrawn, "high", "00000000000000a2"},
		{schemas.AlertXBRLDisagree, "medium", "00000000000000b1"},
	}
	if len(got) != len(want) {
		for _, f := range got {
			t.Logf("got %s %s %q", f.Kind, f.Severity, f.Summary)
		}
		t.Fatalf("got %d alerts, want %d", len(got), len(want))
	}
	for i, w := range want {
		f := got[i]
		t.Run(fmt.Sprintf("%d_%s", i, w.kind), func(t *testing.T) {
			if f.Kind != w.kind {
				t.Errorf("kind: got %s, want %s", f.Kind, w.kind)
			}
			if f.Severity != w.severity {
				t.Errorf("severity: got %s, want %s", f.Severity, w.severity)
			}
			item := ""
			set := 0
			if f.Risk != nil {
				item, set = f.Risk.ID, set+1
			}
			if f.Guidance != nil {
				item, set = f.Guidance.ID, set+1
			}
			if f.Metric != nil {
				item, set = f.Metric.ID, set+1
			}
			if set != 1 {
				t.Errorf("got %d of Risk, Guidance and Metric set, want exactly 1", set)
			}
			if item != w.item {
				t.Errorf("item: got %s, want %s", item, w.item)
			}
			if f.CIK != "0000123456" || f.Company != "Example Corp" || f.Form != "10-Q" {
				t.Errorf("company fields: got %q %q %q", f.CIK, f.Company, f.Form)
			}
			if !f.FlaggedAt.Equal(now) {
				t.Errorf("flagged_at: got %v, want %v", f.FlaggedAt, now)
			}
			if f.Summary == "" {
				t.Error("summary is empty")
			}
			if _, err := schemas.Marshal(schemas.SchemaRiskFlag, f); err != nil {
				t.Errorf("schema: %v", err)
			}
		})
	}
	if s := got[4].Summary; !strings.Contains(s, "10-11 billion USD") || !strings.Contains(s, "from 12-13") {
		t.Errorf("lowered summary %q, want the new and prior range", s)
	}
}

func TestAlertKeyFallbacks(t *testing.T) {
	tests := []struct {
		name, company, cik, want string
	}{
		{"cik", "Example Corp", "0000123456", "0000123456"},
		{"company", "Example Corp", "", "Example Corp"},
		{"doc id", "", "", testDocID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Alerts(alertResult(tt.company, tt.cik), time.Now())[0]
			if got := AlertKey(f); got != tt.want {
				t.Errorf("got key %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAlertIDDeterministic(t *testing.T) {
	a := Alerts(alertResult("Example Corp", "1"), time.Unix(1, 0))
	b := Alerts(alertResult("Example Corp", "1"), time.Unix(2, 0))
	ids := map[string]bool{}
	for i := range a {
		if AlertID(a[i]) != AlertID(b[i]) {
			t.Errorf("alert %d: ids %s and %s differ between two extractions", i, AlertID(a[i]), AlertID(b[i]))
		}
		ids[AlertID(a[i])] = true
	}
	// The same risk raises high_severity_risk and new_risk; the kind keeps
	// their ids apart.
	if len(ids) != len(a) {
		t.Errorf("got %d distinct ids for %d alerts, want one each", len(ids), len(a))
	}
}

func TestSeverityAtLeast(t *testing.T) {
	tests := []struct {
		severity, min string
		want          bool
	}{
		{"low", "", true},
		{"low", "low", true},
		{"low", "medium", false},
		{"medium", "medium", true},
		{"high", "medium", true},
		{"medium", "high", false},
		{"", "low", false},
	}
	for _, tt := range tests {
		t.Run(tt.severity+">="+tt.min, func(t *testing.T) {
			if got := SeverityAtLeast(tt.severity, tt.min); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestExtractStagePublishesAlerts checks the risk.flags messages of one
// document: one per alert, keyed by CIK, schema-valid, with an id header.
func TestExtractStagePublishesAlerts(t *testing.T) {
	in := newFakeConsumer("filings.raw", []byte("doc"))
	results, flags := &fakeProducer{}, &fakeProducer{}
	stage := &ExtractStage{
		Consumer: in, Results: results, Flags: flags, DeadLetters: &fakeProducer{},
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "alerts.htm"}, msg.Value, nil
		},
		Extract: func(context.Context, schemas.Filing, []byte) (*schemas.Result, error) {
			return alertResult("Example Corp", "0000123456"), nil
		},
		Workers: 1,
		Backoff: fastBackoff,
	}
	if err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 1 }); err != nil {
		t.Fatalf("Run: %v", err)
	}
	msgs := flags.all()
	if len(msgs) != 7 {
		t.Fatalf("got %d risk.flags messages, want 7", len(msgs))
	}
	var kinds []string
	for _, m := range msgs {
		if string(m.Key) != "0000123456" {
			t.Errorf("key: got %q, want the CIK", m.Key)
		}
		if err := schemas.ValidateJSON(schemas.SchemaRiskFlag, m.Value); err != nil {
			t.Errorf("value fails the risk flag schema: %v", err)
		}
		if id := header(m, HeaderAlertID); len(id) != 16 {
			t.Errorf("%s header: got %q, want 16 hex digits", HeaderAlertID, id)
		}
		var f schemas.RiskFlag
		if err := json.Unmarshal(m.Value, &f); err != nil {
			t.Fatal(err)
		}
		if f.ID != header(m, HeaderAlertID) {
			t.Errorf("id: got %q in the value, want the header's %q", f.ID, header(m, HeaderAlertID))
		}
		kinds = append(kinds, f.Kind)
	}
	slices.Sort(kinds)
	kinds = slices.Compact(kinds)
	if len(kinds) != 5 {
		t.Errorf("got kinds %v, want all 5", kinds)
	}
	if got := stage.Alerted(); got != 7 {
		t.Errorf("Alerted: got %d, want 7", got)
	}
	if got := stage.Flagged(); got != 2 {
		t.Errorf("Flagged: got %d, want the 2 high_severity_risk alerts", got)
	}
}

// failingProducer fails every write with err and counts the attempts.
type failingProducer struct {
	err      error
	attempts atomic.Int32
}

func (p *failingProducer) WriteMessages(context.Context, ...kafka.Message) error {
	p.attempts.Add(1)
	return p.err
}

type permanentErr struct{}

func (permanentErr) Error() string   { return "message too large" }
func (permanentErr) Temporary() bool { return false }

// TestExtractStageProduceErrorsSurface checks that no produce error is
// dropped. A temporary one is retried until the stage stops, and the input
// stays uncommitted. A permanent one sends the document to the dead-letter
// topic, or stops the stage when that is impossible.
func TestExtractStageProduceErrorsSurface(t *testing.T) {
	tests := []struct {
		name        string
		results     error
		flags       error
		deadLetters error
		// wantRetries: the failing write is retried until shutdown, more
		// often than the backoff's 3 attempts.
		wantRetries bool
		wantStop    bool
		wantDLQ     int
		wantCommits int
	}{
		{name: "flags temporary", flags: tempErr{}, wantRetries: true, wantStop: true},
		{name: "flags permanent", flags: permanentErr{}, wantStop: true},
		{name: "result permanent", results: permanentErr{}, wantDLQ: 1, wantCommits: 1},
		{name: "result permanent and dead letter temporary", results: permanentErr{}, deadLetters: tempErr{}, wantRetries: true, wantStop: true},
		{name: "result temporary", results: tempErr{}, wantRetries: true, wantStop: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newFakeConsumer("filings.raw", []byte("doc"))
			var results, flags, dlq Producer = &fakeProducer{}, &fakeProducer{}, &fakeProducer{}
			var failing, retried *failingProducer
			switch {
			case tt.flags != nil:
				failing = &failingProducer{err: tt.flags}
				flags = failing
			case tt.results != nil:
				failing = &failingProducer{err: tt.results}
				results = failing
			}
			retried = failing
			if tt.deadLetters != nil {
				retried = &failingProducer{err: tt.deadLetters}
				dlq = retried
			}
			stage := &ExtractStage{
				Consumer: in, Results: results, Flags: flags, DeadLetters: dlq,
				Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
					return schemas.Filing{DocID: testDocID, SourcePath: "x"}, msg.Value, nil
				},
				Extract: func(context.Context, schemas.Filing, []byte) (*schemas.Result, error) {
					return testResult("x", "high"), nil
				},
				Workers:      1,
				DrainTimeout: 20 * time.Millisecond,
				Backoff:      fastBackoff,
			}
			var err error
			if tt.wantStop {
				// Stop the stage once the write was retried 10 times, or at
				// once when it is not retried.
				err = runUntil(t, stage.Run, func() bool { return retried.attempts.Load() >= 10 || !tt.wantRetries && retried.attempts.Load() > 0 })
				var se *StageError
				if !errors.As(err, &se) {
					t.Fatalf("Run: got %v, want a *StageError", err)
				}
			} else if err = runUntil(t, stage.Run, func() bool { return len(in.commits()) == tt.wantCommits }); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := retried.attempts.Load(); tt.wantRetries && got < 10 {
				t.Errorf("attempts: got %d, want retries until shutdown", got)
			}
			if got := failing.attempts.Load(); !tt.wantRetries && got != 1 {
				t.Errorf("attempts: got %d, want 1 for a permanent error", got)
			}
			if got := len(in.commits()); got != tt.wantCommits {
				t.Errorf("commits: got %d, want %d", got, tt.wantCommits)
			}
			if fp, ok := dlq.(*fakeProducer); ok && len(fp.all()) != tt.wantDLQ {
				t.Errorf("dead letters: got %d, want %d", len(fp.all()), tt.wantDLQ)
			}
		})
	}
}
