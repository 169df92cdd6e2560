package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/connectors/kafkatest"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

// testAlert returns an alert of one kind for a company.
func testAlert(kind, severity, company, cik string, n int) schemas.RiskFlag {
	f := schemas.RiskFlag{
		SchemaVersion: schemas.SchemaVersion,
		Kind:          kind,
		Severity:      severity,
		Summary:       fmt.Sprintf("%s number %d", kind, n),
		DocID:         strings.Repeat(fmt.Sprintf("%x", n%16), 64),
		SourcePath:    "filing.htm",
		Company:       company,
		CIK:           cik,
		Form:          "10-K",
		FlaggedAt:     time.Date(2026, 3, 1, 12, 0, n, 0, time.UTC),
	}
	cite := schemas.Citation{Quote: "q", End: 1, CharEnd: 1, SourceOffset: -1, Match: schemas.MatchExact}
	switch kind {
	case schemas.AlertHighSeverityRisk, schemas.AlertNewRisk:
		f.Risk = &schemas.Risk{ID: fmt.Sprintf("%016x", n), Heading: "h", Category: "other", Severity: severity,
			Citation: cite, Status: schemas.StatusAccepted, Confidence: 1, Provider: "test"}
	case schemas.AlertGuidanceLowered, schemas.AlertGuidanceWithdrawn:
		f.Guidance = &schemas.Guidance{ID: fmt.Sprintf("%016x", n), Metric: "revenue", Low: "1", High: "2", Basis: "gaap",
			Direction: "lowered", Citation: cite, Status: schemas.StatusAccepted, Confidence: 1, Provider: "test"}
	default:
		f.Metric = &schemas.Metric{ID: fmt.Sprintf("%016x", n), Metric: "revenue", Value: "1", PeriodType: "instant",
			Source: "text", XBRLCheck: "disagree", Citation: cite, Status: schemas.StatusNeedsReview, Confidence: 1, Provider: "test"}
	}
	return f
}

// publishAlerts writes the alerts to risk.flags as the extract stage does.
// Before them it writes a message that is not a risk flag, with the key of
// the first alert, so that it comes first on that alert's partition.
func publishAlerts(t *testing.T, cfg kafka.Config, alerts ...schemas.RiskFlag) {
	t.Helper()
	w := kafka.NewWriter(cfg, kafka.TopicRiskFlags)
	defer w.Close()
	msgs := []kafkago.Message{{Key: []byte(pipeline.AlertKey(alerts[0])), Value: []byte(`{"kind":"nonsense"}`)}}
	for _, a := range alerts {
		value, err := schemas.Marshal(schemas.SchemaRiskFlag, a)
		if err != nil {
			t.Fatalf("alert %s: %v", a.Kind, err)
		}
		msgs = append(msgs, kafkago.Message{Key: []byte(pipeline.AlertKey(a)), Value: value})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("publish alerts: %v", err)
	}
}

// runTail runs finx alerts tail with args until it exits or wait passes,
// and returns its output lines.
func runTail(t *testing.T, wait time.Duration, args ...string) ([]string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, append([]string{"alerts", "tail"}, args...), &stdout, &stderr)
	out := strings.TrimSpace(stdout.String())
	if out == "" {
		return nil, stderr.String(), err
	}
	return strings.Split(out, "\n"), stderr.String(), err
}

func sampleAlerts() []schemas.RiskFlag {
	return []schemas.RiskFlag{
		testAlert(schemas.AlertHighSeverityRisk, "high", "Acme Widgets Inc", "0000111111", 1),
		testAlert(schemas.AlertNewRisk, "low", "Acme Widgets Inc", "0000111111", 2),
		testAlert(schemas.AlertGuidanceLowered, "medium", "Acme Widgets Inc", "0000111111", 3),
		testAlert(schemas.AlertGuidanceWithdrawn, "high", "Globex Corp", "0000222222", 4),
		testAlert(schemas.AlertXBRLDisagree, "medium", "Globex Corp", "", 5),
	}
}

func TestAlertsTailFilters(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	brokers := strings.Join(cfg.Brokers, ",")
	publishAlerts(t, cfg, sampleAlerts()...)

	tests := []struct {
		name string
		args []string
		want []string // summaries, in any order
	}{
		{"all", nil, []string{"high_severity_risk number 1", "new_risk number 2", "guidance_lowered number 3", "guidance_withdrawn number 4", "xbrl_disagree number 5"}},
		{"company by cik", []string{"--company", "111111"}, []string{"high_severity_risk number 1", "new_risk number 2", "guidance_lowered number 3"}},
		{"company by name", []string{"--company", "globex"}, []string{"guidance_withdrawn number 4", "xbrl_disagree number 5"}},
		{"min severity", []string{"--min-severity", "high"}, []string{"high_severity_risk number 1", "guidance_withdrawn number 4"}},
		{"kinds", []string{"--kind", "new_risk,xbrl_disagree"}, []string{"new_risk number 2", "xbrl_disagree number 5"}},
		{"combined", []string{"--company", "Acme", "--min-severity", "medium", "--kind", "guidance_lowered"}, []string{"guidance_lowered number 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--brokers", brokers, "--from-beginning", "--max", fmt.Sprint(len(tt.want))}, tt.args...)
			lines, stderr, err := runTail(t, 15*time.Second, args...)
			if err != nil {
				t.Fatalf("tail: %v\n%s", err, stderr)
			}
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tt.want), strings.Join(lines, "\n"))
			}
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					found = found || strings.Contains(l, w)
				}
				if !found {
					t.Errorf("no line contains %q:\n%s", w, strings.Join(lines, "\n"))
				}
			}
		})
	}

	// With a filter that matches nothing more, the tail waits until it is
	// stopped and then exits cleanly.
	lines, stderr, err := runTail(t, 2*time.Second, "--brokers", brokers, "--from-beginning", "--company", "nobody")
	if err != nil || len(lines) != 0 {
		t.Errorf("tail for an unknown company: got %d lines and %v, want none and nil\n%s", len(lines), err, stderr)
	}
}

func TestAlertsTailSkipsInvalid(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	publishAlerts(t, cfg, sampleAlerts()[0])
	lines, stderr, err := runTail(t, 15*time.Second, "--brokers", strings.Join(cfg.Brokers, ","), "--from-beginning", "--max", "1")
	if err != nil {
		t.Fatalf("tail: %v\n%s", err, stderr)
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "high_severity_risk number 1") {
		t.Errorf("got lines %q, want the one alert", lines)
	}
	if !strings.Contains(stderr, "skipping a message that is not a risk flag") {
		t.Errorf("stderr %q, want a warning about the message that is not a risk flag", stderr)
	}
}

func TestAlertsTailJSON(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	publishAlerts(t, cfg, sampleAlerts()[:2]...)
	lines, stderr, err := runTail(t, 15*time.Second, "--brokers", strings.Join(cfg.Brokers, ","), "--from-beginning", "--max", "2", "--json")
	if err != nil {
		t.Fatalf("tail: %v\n%s", err, stderr)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	for _, l := range lines {
		if err := schemas.ValidateJSON(schemas.SchemaRiskFlag, []byte(l)); err != nil {
			t.Errorf("line %q fails the risk flag schema: %v", l, err)
		}
		var f schemas.RiskFlag
		if err := json.Unmarshal([]byte(l), &f); err != nil || f.CIK != "0000111111" {
			t.Errorf("line %q: got CIK %q and %v, want 0000111111", l, f.CIK, err)
		}
	}
}

// TestAlertsTailGroupResumes checks that a tail with --group commits what
// it printed, so that the next tail of the group prints the rest.
func TestAlertsTailGroupResumes(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	brokers := strings.Join(cfg.Brokers, ",")
	// One company, so that every alert is on one partition in order.
	var alerts []schemas.RiskFlag
	for i := range 5 {
		alerts = append(alerts, testAlert(schemas.AlertNewRisk, "medium", "Acme Widgets Inc", "0000111111", i))
	}
	publishAlerts(t, cfg, alerts...)

	first, stderr, err := runTail(t, 20*time.Second, "--brokers", brokers, "--group", "ops", "--max", "2")
	if err != nil {
		t.Fatalf("first tail: %v\n%s", err, stderr)
	}
	second, stderr, err := runTail(t, 20*time.Second, "--brokers", brokers, "--group", "ops", "--max", "3")
	if err != nil {
		t.Fatalf("second tail: %v\n%s", err, stderr)
	}
	if len(first) != 2 || len(second) != 3 {
		t.Fatalf("got %d then %d lines, want 2 then 3:\n%s\n--\n%s", len(first), len(second), strings.Join(first, "\n"), strings.Join(second, "\n"))
	}
	// Alerts of one partition arrive in offset order, so the first tail
	// printed numbers 0 and 1 and the second 2, 3 and 4.
	for i, line := range append(first, second...) {
		if want := fmt.Sprintf("new_risk number %d ", i); !strings.Contains(line, want) {
			t.Errorf("line %d: got %q, want it to contain %q", i, line, want)
		}
	}
}

func TestAlertsTailFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"severity", []string{"--min-severity", "urgent"}, "invalid --min-severity"},
		{"kind", []string{"--kind", "new_risk,bogus"}, "invalid --kind \"bogus\""},
		{"max", []string{"--max", "-1"}, "invalid --max"},
		{"brokers", []string{"--brokers", ""}, "no Kafka brokers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runTail(t, 5*time.Second, append([]string{"--brokers", "127.0.0.1:1"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"alerts", "watch"}, &bytes.Buffer{}, &stderr); err == nil {
		t.Error("alerts watch: got nil, want a usage error")
	}
}

// TestServiceAlertsTail publishes alerts to the real broker under a topic
// prefix of its own and tails them back.
func TestServiceAlertsTail(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	prefix := fmt.Sprintf("delivery-alerts-%d.", time.Now().UnixNano())
	cfg := kafka.Config{Brokers: strings.Split(brokers, ","), TopicPrefix: prefix}.WithDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafka.EnsureTopics(ctx, cfg, kafka.TopicRiskFlags); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteServiceTopics(t, cfg, kafka.TopicRiskFlags) })
	publishAlerts(t, cfg, sampleAlerts()...)
	lines, stderr, err := runTail(t, 30*time.Second, "--brokers", brokers, "--topic-prefix", prefix,
		"--from-beginning", "--min-severity", "high", "--max", "2")
	if err != nil {
		t.Fatalf("tail: %v\n%s", err, stderr)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want the 2 high-severity alerts:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if !strings.Contains(l, " high ") {
			t.Errorf("line %q, want severity high", l)
		}
	}
}

// deleteServiceTopics deletes the prefixed topics from the real broker.
func deleteServiceTopics(t *testing.T, cfg kafka.Config, topics ...string) {
	full := make([]string, len(topics))
	for i, name := range topics {
		full[i] = cfg.Topic(name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Timeout: 10 * time.Second}
	if _, err := client.DeleteTopics(ctx, &kafkago.DeleteTopicsRequest{Topics: full}); err != nil {
		t.Logf("delete topics %v: %v", full, err)
	}
}

// TestAlertsTailEscapesFilingText checks that control characters in the
// filing-derived fields are escaped and that a long summary is cut between
// two characters, so the printed line is valid UTF-8.
func TestAlertsTailEscapesFilingText(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	hostile := testAlert(schemas.AlertHighSeverityRisk, "high", "Esc\x1b]0;TITLE\x07\x1b[2J\x1b[31mRED Corp", "0009999901", 1)
	hostile.Form = "10-K\x1b[0m"
	hostile.Summary = "We have \x1b[1;41mincurred losses"
	hostile.SourcePath = "dir/\x1b[31m.htm"
	long := testAlert(schemas.AlertNewRisk, "low", "Accents SA", "0009999902", 2)
	long.Summary = "xxxxx" + strings.Repeat("é", 200)
	publishAlerts(t, cfg, hostile, long)

	lines, stderr, err := runTail(t, 20*time.Second, "--brokers", strings.Join(cfg.Brokers, ","), "--from-beginning", "--max", "2")
	if err != nil {
		t.Fatalf("tail: %v\n%s", err, stderr)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for i, line := range lines {
		if !utf8.ValidString(line) {
			t.Errorf("line %d is not valid UTF-8: %q", i, line)
		}
		if j := strings.IndexFunc(line, unicode.IsControl); j >= 0 {
			t.Errorf("line %d has a control character at byte %d: %q", i, j, line)
		}
	}
	// The two companies' alerts have different keys, so they may sit on
	// different partitions and print in either order.
	hostileLine, longLine := lines[0], lines[1]
	if strings.Contains(hostileLine, "Accents SA") {
		hostileLine, longLine = longLine, hostileLine
	}
	for _, want := range []string{`\x1b]0;TITLE\a\x1b[2J\x1b[31mRED Corp 10-K\x1b[0m`, `\x1b[1;41mincurred`, `dir/\x1b[31m.htm`} {
		if !strings.Contains(hostileLine, want) {
			t.Errorf("the hostile alert's line lacks the escaped text %s:\n%s", want, hostileLine)
		}
	}
	if want := "xxxxx" + strings.Repeat("é", 155) + "..."; !strings.Contains(longLine, want) {
		t.Errorf("long summary line: got %s\nwant the summary cut after 160 characters", longLine)
	}
}

func TestClipLine(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"short", "a  b\nc", 10, "a b c"},
		{"exact", "abcde", 5, "abcde"},
		{"ascii cut", "abcdef", 5, "abcde..."},
		{"multibyte cut", "ééééé", 3, "ééé..."},
		{"invalid byte kept", "a\xffbc", 2, "a\xff..."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := clipLine(c.in, c.limit); got != c.want {
				t.Errorf("clipLine(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
			}
		})
	}
}
