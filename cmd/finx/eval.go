package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/finx-dev/finx/connectors/files"
	"github.com/finx-dev/finx/internal/eval"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

// runEval extracts every document of a folder in process, without Kafka, and
// scores the results against a gold file: recall per kind, over all items
// and over accepted items only, with grounding, plausibility flags and
// latency per document.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf logFlags
	lf.register(fs)
	gold := fs.String("gold", "", "gold file, JSON lines with file, kind, quote and value fields (default DIR/gold.jsonl)")
	provider := fs.String("provider", envOr("FINX_PROVIDER", "offline"), "extraction provider: offline (rules), deepseek (LLM with the rules as fallback; needs DEEPSEEK_API_KEY) or auto (deepseek when the key is set) (env FINX_PROVIDER)")
	minRecall := fs.Float64("min-recall", 0, "exit 1 when the recall of any kind, over accepted items, is below this fraction")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx eval [flags] DIR")
		fmt.Fprintln(stderr, "Extracts every document under DIR and scores the results against DIR/gold.jsonl. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, 1); err != nil {
		return err
	}
	dir := fs.Arg(0)
	if *gold == "" {
		*gold = filepath.Join(dir, "gold.jsonl")
	}
	rows, err := eval.LoadGold(*gold)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("eval: %s has no gold rows", *gold)
	}
	for i, g := range rows {
		switch g.Kind {
		case "risk", "number", "guidance":
		default:
			return fmt.Errorf("eval: %s row %d: invalid kind %q: want risk, number or guidance", *gold, i+1, g.Kind)
		}
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	extract, prov, err := newExtractor(*provider, logger)
	if err != nil {
		return err
	}

	results := map[string]*schemas.Result{}
	accepted := map[string]*schemas.Result{}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DOCUMENT\tMS\tRISKS\tNUMBERS\tGUIDANCE\tREVIEW\tGROUNDED\tFLAGS\tERROR")
	var total time.Duration
	var checked, verified, flagged, failed int
	walked, err := files.Walk(ctx, []string{dir}, files.Config{}, func(doc files.Document) error {
		rel, _ := filepath.Rel(dir, doc.Filing.SourcePath)
		rel = filepath.ToSlash(rel)
		start := time.Now()
		res, err := extract(ctx, doc.Filing, doc.Content)
		took := time.Since(start)
		total += took
		if err != nil {
			failed++
			fmt.Fprintf(tw, "%s\t%d\t-\t-\t-\t-\t-\t-\t%s: %s\n", printable(rel), took.Milliseconds(), pipeline.ReasonOf(err, "extract_failed"), oneLine(err.Error(), 80))
			return nil
		}
		results[rel] = res
		accepted[rel] = onlyAccepted(res)
		flags := eval.Sanity(rel, res)
		flagged += len(flags)
		checked += res.Stats.CitationsChecked
		verified += res.Stats.CitationsVerified
		review := len(res.Risks) + len(res.Metrics) + len(res.Guidance)
		a := accepted[rel]
		review -= len(a.Risks) + len(a.Metrics) + len(a.Guidance)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d/%d\t%d\t-\n", printable(rel), took.Milliseconds(),
			len(res.Risks), len(res.Metrics), len(res.Guidance), review,
			res.Stats.CitationsVerified, res.Stats.CitationsChecked, len(flags))
		return nil
	})
	tw.Flush()
	if err != nil {
		return err
	}
	for _, u := range walked.Unreadable {
		fmt.Fprintf(stdout, "unreadable %s: %v\n", u.Path, u.Err)
		failed++
	}

	absent := map[string]bool{}
	for _, g := range rows {
		if results[g.File] == nil && !absent[g.File] {
			absent[g.File] = true
			fmt.Fprintf(stdout, "warning: gold file %s was not extracted under %s; its rows count as missed\n", g.File, dir)
		}
	}

	if line := usageLine(prov); line != "" {
		fmt.Fprintln(stdout, line)
	}
	all := eval.Score(rows, results)
	trusted := eval.Score(rows, accepted)
	fmt.Fprintf(stdout, "\n%d documents in %v (%d failed); citations verified %d of %d; %d plausibility flags\n",
		len(results)+failed, total.Round(time.Millisecond), failed, verified, checked, flagged)
	fmt.Fprintln(stdout, "\nrecall against", *gold)
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tALL ITEMS\tACCEPTED ITEMS")
	below := false
	for _, kind := range eval.Kinds(all) {
		a, t := all[kind], trusted[kind]
		fmt.Fprintf(tw, "%s\t%d/%d = %.2f\t%d/%d = %.2f\n", kind, a.Found, a.Total, a.Ratio(), t.Found, t.Total, t.Ratio())
		if t.Ratio() < *minRecall {
			below = true
		}
	}
	tw.Flush()
	var missing []string
	for _, kind := range eval.Kinds(all) {
		for _, g := range all[kind].Missing {
			missing = append(missing, fmt.Sprintf("  missed %s %s: %q", g.Kind, g.File, oneLine(g.Quote, 80)))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		fmt.Fprintln(stdout, m)
	}
	if below {
		fmt.Fprintf(stderr, "finx eval: recall over accepted items is below --min-recall %.2f\n", *minRecall)
		return exitError{1}
	}
	return nil
}

// onlyAccepted returns a copy of res without the items held for review.
func onlyAccepted(res *schemas.Result) *schemas.Result {
	out := *res
	out.Risks, out.Metrics, out.Guidance = nil, nil, nil
	for _, r := range res.Risks {
		if r.Status == schemas.StatusAccepted {
			out.Risks = append(out.Risks, r)
		}
	}
	for _, m := range res.Metrics {
		if m.Status == schemas.StatusAccepted {
			out.Metrics = append(out.Metrics, m)
		}
	}
	for _, g := range res.Guidance {
		if g.Status == schemas.StatusAccepted {
			out.Guidance = append(out.Guidance, g)
		}
	}
	return &out
}
