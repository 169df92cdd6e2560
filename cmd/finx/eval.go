package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/finx-dev/finx/connectors/files"
	"github.com/finx-dev/finx/internal/eval"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

// evalFlags are the options of finx eval.
type evalFlags struct {
	gold, corpus string
	json         bool
	provider     *providerFlags
	// minRecall applies to the recall over accepted items of every kind;
	// minKind maps a gold kind to the minimum recall over all its items.
	minRecall float64
	minKind   map[string]*float64
}

// evalDocument is one row of the per-document table and of the JSON output.
type evalDocument struct {
	File     string `json:"file"`
	Form     string `json:"form"`
	Media    string `json:"media"`
	MS       int64  `json:"ms"`
	Risks    int    `json:"risks"`
	Numbers  int    `json:"numbers"`
	Guidance int    `json:"guidance"`
	Review   int    `json:"needs_review"`
	Checked  int    `json:"citations_checked"`
	Verified int    `json:"citations_verified"`
	Flags    int    `json:"plausibility_flags"`
	Error    string `json:"error,omitempty"`
}

// evalOutput is the JSON output of finx eval --json.
type evalOutput struct {
	Gold       string         `json:"gold"`
	Corpus     string         `json:"corpus"`
	Provider   string         `json:"provider"`
	Failed     int            `json:"failed"`
	DurationMS int64          `json:"duration_ms"`
	Files      []evalDocument `json:"files"`
	Usage      string         `json:"provider_usage,omitempty"`
	Below      []string       `json:"below_minimum"`
	Warnings   []string       `json:"warnings"`
}

// runEval extracts every document of a folder in process, without Kafka, and
// scores the results against a gold file: recall per kind and per document
// type, citation checks, XBRL agreement, items not in the gold rows, and
// latency per document.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf logFlags
	lf.register(fs)
	ef := evalFlags{minKind: map[string]*float64{}}
	fs.StringVar(&ef.gold, "gold", "", "gold file, JSON lines with file, kind, quote, page and value_base fields (default CORPUS/gold.jsonl)")
	fs.StringVar(&ef.corpus, "corpus", "", "folder of the documents that the gold rows' file fields are relative to; the positional DIR sets it too")
	fs.BoolVar(&ef.json, "json", false, "print one JSON object with the scores, per kind under \"kinds\", instead of tables")
	ef.provider = registerProviderFlags(fs)
	fs.Float64Var(&ef.minRecall, "min-recall", 0, "exit 1 when the recall of any kind over accepted items is below this fraction")
	for _, kind := range eval.GoldKinds {
		ef.minKind[kind] = fs.Float64("min-recall-"+kind, 0, "exit 1 when the recall of "+kind+" gold rows over all items (accepted and needs_review) is below this fraction")
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx eval [flags] [DIR]")
		fmt.Fprintln(stderr, "Extracts every document under DIR (or --corpus) and scores the results against the gold rows. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, -1); err != nil {
		return err
	}
	if err := ef.resolve(fs); err != nil {
		fmt.Fprintln(stderr, "finx eval:", err)
		fs.Usage()
		return exitError{2}
	}
	rows, err := loadEvalGold(ef.gold)
	if err != nil {
		return err
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	p, cfg, err := newProviderFlags(*ef.provider, logger)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}

	out := evalOutput{Gold: ef.gold, Corpus: ef.corpus, Provider: p.Name(), Below: []string{}, Warnings: []string{}}
	var scored []*eval.Doc
	began := time.Now()
	walked, err := files.Walk(ctx, []string{ef.corpus}, files.Config{}, func(fd files.Document) error {
		rel, _ := filepath.Rel(ef.corpus, fd.Filing.SourcePath)
		rel = filepath.ToSlash(rel)
		start := time.Now()
		doc, res, err := extractDocument(ctx, fd.Filing, fd.Content, p, cfg)
		row := evalDocument{File: rel, MS: time.Since(start).Milliseconds(), Form: eval.FormClass(fd.Filing.Form), Media: eval.MediaClass(fd.Filing.MediaType)}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			out.Failed++
			row.Error = pipeline.ReasonOf(err, "extract_failed") + ": " + clipLine(err.Error(), 200)
			out.Files = append(out.Files, row)
			return nil
		}
		row.Form, row.Media = eval.FormClass(res.Filing.Form), eval.MediaClass(res.Filing.MediaType)
		row.Risks, row.Numbers, row.Guidance = len(res.Risks), len(res.Metrics), len(res.Guidance)
		row.Review = row.Risks + row.Numbers + row.Guidance - countAccepted(res)
		row.Checked, row.Verified = res.Stats.CitationsChecked, res.Stats.CitationsVerified
		row.Flags = len(eval.Sanity(rel, res))
		out.Files = append(out.Files, row)
		scored = append(scored, eval.NewDoc(rel, doc, res))
		return nil
	})
	if err != nil {
		return err
	}
	out.DurationMS = time.Since(began).Milliseconds()
	for _, u := range walked.Unreadable {
		out.Failed++
		out.Files = append(out.Files, evalDocument{File: printable(u.Path), Error: "unreadable: " + u.Err.Error()})
	}
	extracted := map[string]bool{}
	for _, d := range scored {
		extracted[d.File] = true
	}
	warned := map[string]bool{}
	for _, g := range rows {
		if !extracted[g.File] && !warned[g.File] {
			warned[g.File] = true
			out.Warnings = append(out.Warnings, fmt.Sprintf("gold file %s was not extracted under %s; its rows count as missed", g.File, ef.corpus))
		}
	}
	out.Usage = usageLine(p)
	rep := eval.Evaluate(rows, scored)
	out.Below = ef.check(rep)

	if ef.json {
		if err := writeEvalJSON(stdout, out, rep); err != nil {
			return err
		}
	} else {
		writeEvalText(stdout, out, rep)
	}
	if len(out.Below) > 0 {
		for _, b := range out.Below {
			fmt.Fprintln(stderr, "finx eval:", b)
		}
		return exitError{1}
	}
	return nil
}

// resolve fills the corpus from the positional argument and the gold file
// from the corpus, and checks the minimums.
func (ef *evalFlags) resolve(fs *flag.FlagSet) error {
	switch {
	case fs.NArg() > 1:
		return fmt.Errorf("want at most one DIR, got %d: %q", fs.NArg(), fs.Args())
	case fs.NArg() == 1 && ef.corpus != "" && filepath.Clean(ef.corpus) != filepath.Clean(fs.Arg(0)):
		return fmt.Errorf("DIR %s and --corpus %s differ; give one of them", fs.Arg(0), ef.corpus)
	case fs.NArg() == 1:
		ef.corpus = fs.Arg(0)
	}
	if ef.corpus == "" {
		return fmt.Errorf("missing corpus: give DIR or --corpus")
	}
	if ef.gold == "" {
		ef.gold = filepath.Join(ef.corpus, "gold.jsonl")
	}
	mins := map[string]float64{"min-recall": ef.minRecall}
	for kind, v := range ef.minKind {
		mins["min-recall-"+kind] = *v
	}
	for name, v := range mins {
		if v < 0 || v > 1 {
			return fmt.Errorf("invalid --%s %g: want a fraction in [0, 1]", name, v)
		}
	}
	return nil
}

// loadEvalGold reads the gold file and checks each row's kind.
func loadEvalGold(path string) ([]eval.Gold, error) {
	rows, err := eval.LoadGold(path)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("eval: %s has no gold rows", path)
	}
	for i, g := range rows {
		switch g.Kind {
		case eval.GoldRisk, eval.GoldNumber, eval.GoldGuidance:
		default:
			return nil, fmt.Errorf("eval: %s row %d: invalid kind %q: want risk, number or guidance", path, i+1, g.Kind)
		}
	}
	return rows, nil
}

// check returns a message for every minimum that the report falls below.
func (ef *evalFlags) check(rep *eval.Report) []string {
	out := []string{}
	for _, kind := range eval.GoldKinds {
		s := rep.Kinds[kind]
		if min := *ef.minKind[kind]; s.Recall < min {
			out = append(out, fmt.Sprintf("recall of %s is %.3f (%d of %d gold rows), below --min-recall-%s %.2f", kind, s.Recall, s.Found, s.Gold, kind, min))
		}
		if s.Gold > 0 && s.AcceptedRecall < ef.minRecall {
			out = append(out, fmt.Sprintf("recall of %s over accepted items is %.3f, below --min-recall %.2f", kind, s.AcceptedRecall, ef.minRecall))
		}
	}
	return out
}

func countAccepted(res *schemas.Result) int {
	n := 0
	for _, r := range res.Risks {
		if r.Status == schemas.StatusAccepted {
			n++
		}
	}
	for _, m := range res.Metrics {
		if m.Status == schemas.StatusAccepted {
			n++
		}
	}
	for _, g := range res.Guidance {
		if g.Status == schemas.StatusAccepted {
			n++
		}
	}
	return n
}

func writeEvalJSON(w io.Writer, out evalOutput, rep *eval.Report) error {
	// The report's fields sit at the top level next to the run's.
	type combined struct {
		evalOutput
		*eval.Report
	}
	if rep.Missed == nil {
		rep.Missed = []eval.Gold{}
	}
	if rep.NotInGold == nil {
		rep.NotInGold = []eval.Item{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(combined{out, rep}); err != nil {
		return fmt.Errorf("eval: encode JSON output: %w", err)
	}
	return nil
}

func writeEvalText(w io.Writer, out evalOutput, rep *eval.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DOCUMENT\tFORM\tMS\tRISKS\tNUMBERS\tGUIDANCE\tREVIEW\tGROUNDED\tFLAGS\tERROR")
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].File < out.Files[j].File })
	checked, verified, flags := 0, 0, 0
	for _, d := range out.Files {
		if d.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\t%d\t-\t-\t-\t-\t-\t-\t%s\n", printable(d.File), d.Form, d.MS, clipLine(d.Error, 80))
			continue
		}
		checked += d.Checked
		verified += d.Verified
		flags += d.Flags
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d/%d\t%d\t-\n", printable(d.File), d.Form, d.MS, d.Risks, d.Numbers, d.Guidance, d.Review, d.Verified, d.Checked, d.Flags)
	}
	tw.Flush()
	for _, warn := range out.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	if out.Usage != "" {
		fmt.Fprintln(w, out.Usage)
	}
	fmt.Fprintf(w, "\n%d documents in %v (%d failed); citations verified %d of %d; %d plausibility flags\n",
		len(out.Files), (time.Duration(out.DurationMS) * time.Millisecond).Round(time.Millisecond), out.Failed, verified, checked, flags)

	fmt.Fprintln(w, "\nscores against", out.Gold)
	writeScores(w, "KIND", map[string]map[string]*eval.Score{"all": rep.Kinds}, true)
	fmt.Fprintln(w, "\nby form")
	writeScores(w, "FORM", rep.ByForm, false)
	fmt.Fprintln(w, "\nby media")
	writeScores(w, "MEDIA", rep.ByMedia, false)

	if len(rep.Missed) > 0 {
		fmt.Fprintln(w, "\nmissed gold rows:")
		for _, g := range rep.Missed {
			fmt.Fprintf(w, "  %s %s: %q\n", g.Kind, g.File, clipLine(g.Quote, 80))
		}
	}
	if len(rep.NotInGold) > 0 {
		// Figures read from inline XBRL facts are the filer's own tags; the
		// JSON output lists them, the text output only counts them.
		fromXBRL := 0
		for _, it := range rep.NotInGold {
			if it.Source == "ixbrl" {
				fromXBRL++
			}
		}
		fmt.Fprintf(w, "\n%d items match no gold row (listed for review, not counted as errors; %d figures read from XBRL facts not shown):\n", len(rep.NotInGold), fromXBRL)
		for _, it := range rep.NotInGold {
			if it.Source != "ixbrl" {
				fmt.Fprintf(w, "  %s %s %s %s: %q\n", it.File, it.Kind, it.Status, it.Summary, clipLine(it.Quote, 80))
			}
		}
	}
}

// writeScores prints one line per group and kind. With byKindOnly the group
// name is left out, for the overall table.
func writeScores(w io.Writer, head string, groups map[string]map[string]*eval.Score, byKindOnly bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if byKindOnly {
		fmt.Fprintln(tw, "KIND\tRECALL\tON GOLD PAGE\tACCEPTED RECALL\tITEMS\tACCEPTED\tVERIFIED CITATIONS\tXBRL AGREE\tXBRL DISAGREE\tNOT IN GOLD")
	} else {
		fmt.Fprintln(tw, head+"\tKIND\tRECALL\tON GOLD PAGE\tACCEPTED RECALL\tITEMS\tACCEPTED\tVERIFIED CITATIONS\tXBRL AGREE\tXBRL DISAGREE\tNOT IN GOLD")
	}
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, kind := range eval.GoldKinds {
			s := groups[name][kind]
			if s == nil {
				continue
			}
			xbrl := "-"
			if s.XBRLAccepted > 0 {
				xbrl = fmt.Sprintf("%d/%d = %.2f", s.XBRLAgree, s.XBRLAccepted, s.XBRLAgreeShare)
			}
			cols := []string{
				kind,
				fmt.Sprintf("%d/%d = %.2f", s.Found, s.Gold, s.Recall),
				fmt.Sprintf("%d", s.OnGoldPage),
				fmt.Sprintf("%d/%d = %.2f", s.AcceptedFound, s.Gold, s.AcceptedRecall),
				fmt.Sprintf("%d", s.Items),
				fmt.Sprintf("%d", s.Accepted),
				fmt.Sprintf("%d/%d = %.2f", s.Verified, s.Accepted, s.VerifiedCitationShare),
				xbrl,
				fmt.Sprintf("%d", s.XBRLDisagree),
				fmt.Sprintf("%d", s.NotInGold),
			}
			if !byKindOnly {
				cols = append([]string{name}, cols...)
			}
			fmt.Fprintln(tw, strings.Join(cols, "\t"))
		}
	}
	tw.Flush()
}
