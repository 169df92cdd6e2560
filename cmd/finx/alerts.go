package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

// alertKinds are the values --kind accepts.
var alertKinds = []string{
	schemas.AlertHighSeverityRisk,
	schemas.AlertNewRisk,
	schemas.AlertGuidanceLowered,
	schemas.AlertGuidanceWithdrawn,
	schemas.AlertXBRLDisagree,
}

// errAlertsDone ends a tail that has printed --max alerts.
var errAlertsDone = errors.New("printed the --max alerts")

// alertFilter selects the alerts that finx alerts tail prints.
type alertFilter struct {
	// company matches the CIK (leading zeros ignored) or, case-insensitively,
	// a part of the company name; empty matches every alert.
	company     string
	minSeverity string
	// kinds is the set of kinds to print; empty prints every kind.
	kinds map[string]bool
}

func (f alertFilter) match(a schemas.RiskFlag) bool {
	if !pipeline.SeverityAtLeast(a.Severity, f.minSeverity) {
		return false
	}
	if len(f.kinds) > 0 && !f.kinds[a.Kind] {
		return false
	}
	if f.company == "" {
		return true
	}
	if a.CIK != "" && strings.TrimLeft(a.CIK, "0") == strings.TrimLeft(f.company, "0") {
		return true
	}
	return a.Company != "" && strings.Contains(strings.ToLower(a.Company), strings.ToLower(f.company))
}

func runAlerts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := requireSubcommand(args, "tail", stderr, "usage: finx alerts tail [flags]",
		"Prints the alerts on risk.flags. Run finx alerts tail -h for the flags."); err != nil {
		return err
	}
	fs := flag.NewFlagSet("alerts tail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	sf.registerKafkaClient(fs)
	lf.register(fs)
	group := fs.String("group", "", "consumer group id: print each alert once per group and resume where the group left off; a new group starts at the earliest alert. Empty reads without a group")
	company := fs.String("company", "", "print only alerts of this company: a CIK (leading zeros optional) or a part of the name, any case")
	minSeverity := fs.String("min-severity", "", "print only alerts of at least this severity: low, medium or high")
	kinds := fs.String("kind", "", "print only these alert kinds, comma-separated: "+strings.Join(alertKinds, ", "))
	fromBeginning := fs.Bool("from-beginning", false, "without --group, print the alerts already on the topic first; otherwise only new ones are printed")
	asJSON := fs.Bool("json", false, "print each alert as one line of JSON (the risk flag as published)")
	maxAlerts := fs.Int("max", 0, "exit after printing this many alerts; 0 means run until interrupted")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx alerts tail [flags]")
		fmt.Fprintln(stderr, "Prints the alerts on risk.flags as they arrive. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args[1:], 0); err != nil {
		return err
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	filter, err := newAlertFilter(*company, *minSeverity, *kinds)
	if err != nil {
		return err
	}
	if *maxAlerts < 0 {
		return fmt.Errorf("invalid --max %d: want 0 or more", *maxAlerts)
	}
	cfg, err := sf.kafkaClientConfig(logger)
	if err != nil {
		return err
	}

	printed := 0
	handle := func(msg kafkago.Message) error {
		a, ok := decodeAlert(logger, msg)
		if !ok || !filter.match(a) {
			return nil
		}
		if err := printAlert(stdout, msg, a, *asJSON); err != nil {
			return err
		}
		printed++
		if *maxAlerts > 0 && printed >= *maxAlerts {
			return errAlertsDone
		}
		return nil
	}

	if *group == "" {
		err = kafka.Follow(ctx, cfg, kafka.TopicRiskFlags, *fromBeginning, handle)
	} else {
		err = tailGroup(ctx, cfg, *group, handle)
	}
	if errors.Is(err, errAlertsDone) || (err != nil && ctx.Err() != nil) {
		return nil
	}
	return err
}

func newAlertFilter(company, minSeverity, kinds string) (alertFilter, error) {
	f := alertFilter{company: strings.TrimSpace(company), minSeverity: minSeverity}
	switch minSeverity {
	case "", "low", "medium", "high":
	default:
		return f, fmt.Errorf("invalid --min-severity %q: want low, medium or high", minSeverity)
	}
	for _, k := range splitList(kinds) {
		known := false
		for _, want := range alertKinds {
			known = known || k == want
		}
		if !known {
			return f, fmt.Errorf("invalid --kind %q: want one or more of %s", k, strings.Join(alertKinds, ", "))
		}
		if f.kinds == nil {
			f.kinds = map[string]bool{}
		}
		f.kinds[k] = true
	}
	return f, nil
}

// tailGroup reads risk.flags as a member of group and commits each alert
// after handle returns, so that a restarted tail resumes after the last
// printed alert.
func tailGroup(ctx context.Context, cfg kafka.Config, group string, handle func(kafkago.Message) error) error {
	r := kafka.NewReader(cfg, group, kafka.TopicRiskFlags)
	defer r.Close()
	for {
		msg, err := r.FetchMessage(ctx)
		if err != nil {
			return fmt.Errorf("read %s as group %s: %w", cfg.Topic(kafka.TopicRiskFlags), group, err)
		}
		herr := handle(msg)
		if herr != nil && !errors.Is(herr, errAlertsDone) {
			return herr
		}
		if err := r.CommitMessages(ctx, msg); err != nil {
			return fmt.Errorf("commit %s/%d@%d for group %s: %w", msg.Topic, msg.Partition, msg.Offset, group, err)
		}
		if herr != nil {
			return herr
		}
	}
}

// decodeAlert validates and decodes one risk.flags message. A message that
// is not a risk flag is logged and skipped, so that one bad producer does
// not stop the tail.
func decodeAlert(logger *slog.Logger, msg kafkago.Message) (schemas.RiskFlag, bool) {
	var a schemas.RiskFlag
	err := schemas.ValidateJSON(schemas.SchemaRiskFlag, msg.Value)
	if err == nil {
		err = json.Unmarshal(msg.Value, &a)
	}
	if err != nil {
		logger.Warn("skipping a message that is not a risk flag", "topic", msg.Topic,
			"partition", msg.Partition, "offset", msg.Offset, "err", err)
		return a, false
	}
	return a, true
}

// printAlert writes one alert: the published JSON on one line, or a line of
// text with the time, severity, kind, company, summary and document.
func printAlert(w io.Writer, msg kafkago.Message, a schemas.RiskFlag, asJSON bool) error {
	if asJSON {
		var b bytes.Buffer
		if err := json.Compact(&b, msg.Value); err != nil {
			return fmt.Errorf("print alert at %s/%d@%d: %w", msg.Topic, msg.Partition, msg.Offset, err)
		}
		b.WriteByte('\n')
		_, err := w.Write(b.Bytes())
		return err
	}
	// Company, form, summary and path come from the filing, so each is
	// escaped: a control character such as ESC would reach the terminal.
	issuer := a.Company
	if a.CIK != "" {
		issuer = strings.TrimSpace("CIK " + a.CIK + " " + a.Company)
	}
	if issuer == "" {
		issuer = "unknown company"
	}
	if a.Form != "" {
		issuer += " " + a.Form
	}
	_, err := fmt.Fprintf(w, "%s  %-6s  %-18s  %s  %s  doc %s %s\n",
		a.FlaggedAt.UTC().Format("2006-01-02T15:04:05Z"), a.Severity, a.Kind, printable(issuer),
		printable(clipLine(a.Summary, 160)), printable(shortID(a.DocID)), printable(a.SourcePath))
	return err
}

// clipLine joins the lines of s with single spaces and cuts the result
// after limit runes, so that a cut never splits a UTF-8 sequence. Invalid
// UTF-8 bytes count as one rune each and are kept for printable to quote.
func clipLine(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	runes := 0
	for i := range s {
		if runes == limit {
			return s[:i] + "..."
		}
		runes++
	}
	return s
}
