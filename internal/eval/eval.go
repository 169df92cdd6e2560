package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/finx-dev/finx/extractors/html"
	"github.com/finx-dev/finx/extractors/pdf"
	"github.com/finx-dev/finx/extractors/text"
	"github.com/finx-dev/finx/schemas"
)

// Gold is one row of gold.jsonl. Numbers stay json.Number so that values
// compare as exact decimals.
type Gold struct {
	File      string       `json:"file"`
	Kind      string       `json:"kind"`
	Label     string       `json:"label"`
	Value     *json.Number `json:"value"`
	Low       *json.Number `json:"low"`
	High      *json.Number `json:"high"`
	Unit      *string      `json:"unit"`
	Period    *string      `json:"period"`
	Page      *int         `json:"page"`
	Quote     string       `json:"quote"`
	ValueBase string       `json:"value_base"`
	Scale     int          `json:"scale"`
	// Source is how the row was made: ixbrl-tag, financebench or
	// hand-labelled.
	Source string `json:"source"`
}

// LoadGold reads gold.jsonl.
func LoadGold(path string) ([]Gold, error) {
	return readJSONLines[Gold](path, func(Gold, int) error { return nil })
}

// readJSONLines decodes one T per non-blank line of a JSON Lines file, with
// numbers kept as json.Number so that values compare as exact decimals, and
// runs check on each row with its line number.
func readJSONLines[T any](path string, check func(row T, line int) error) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()

	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var row T
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("eval: decode %s line %d: %w", path, n, err)
		}
		if err := check(row, n); err != nil {
			return nil, fmt.Errorf("eval: %s line %d: %w", path, n, err)
		}
		out = append(out, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: read %s: %w", path, err)
	}
	return out, nil
}

// Parse reads a corpus file with the parser its extension selects: .pdf,
// .html or .htm, and .txt.
func Parse(ctx context.Context, corpus, file string) (*schemas.Document, error) {
	data, err := os.ReadFile(filepath.Join(corpus, file))
	if err != nil {
		return nil, fmt.Errorf("eval: read %s: %w", file, err)
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".pdf":
		return pdf.Parse(ctx, file, data, pdf.Config{})
	case ".html", ".htm":
		return html.Parse(ctx, file, data)
	case ".txt":
		return text.Parse(ctx, file, data)
	}
	return nil, fmt.Errorf("eval: no parser for %s", file)
}

// Recall is the score of one kind.
type Recall struct {
	Kind    string
	Found   int
	Total   int
	Missing []Gold
}

// Ratio returns Found/Total, or 0 without gold rows.
func (r Recall) Ratio() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Found) / float64(r.Total)
}

// Score matches every gold row against the result of its file; a file
// without a result counts as found nothing.
func Score(gold []Gold, results map[string]*schemas.Result) map[string]*Recall {
	out := map[string]*Recall{}
	for _, g := range gold {
		r := out[g.Kind]
		if r == nil {
			r = &Recall{Kind: g.Kind}
			out[g.Kind] = r
		}
		r.Total++
		if res := results[g.File]; res != nil && Matches(g, res) {
			r.Found++
		} else {
			r.Missing = append(r.Missing, g)
		}
	}
	return out
}

// Kinds returns the kinds of a score in name order.
func Kinds(s map[string]*Recall) []string {
	kinds := make([]string, 0, len(s))
	for k := range s {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// Matches reports whether some item of res matches the gold row.
func Matches(g Gold, res *schemas.Result) bool {
	switch g.Kind {
	case "risk":
		for _, r := range res.Risks {
			if Overlap(g.Quote, r.Citation.Quote) || Overlap(g.Quote, r.Heading) {
				return true
			}
		}
	case "number":
		for _, m := range res.Metrics {
			if Overlap(g.Quote, m.Citation.Quote) && numberAgrees(g, m) {
				return true
			}
		}
	case "guidance":
		for _, x := range res.Guidance {
			if Overlap(g.Quote, x.Citation.Quote) && guidanceAgrees(g, x) {
				return true
			}
		}
	}
	return false
}

// Overlap reports whether one quote contains the other after normalising.
func Overlap(a, b string) bool {
	na, nb := Normalize(a), Normalize(b)
	if na == "" || nb == "" {
		return false
	}
	return strings.Contains(na, nb) || strings.Contains(nb, na)
}

var normReplacer = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "–", "-", "—", "-", "‐", "-", "\u00a0", " ")

// Normalize collapses whitespace and maps curly quotes and dashes to ASCII.
func Normalize(s string) string {
	return strings.Join(strings.Fields(normReplacer.Replace(s)), " ")
}

func numberAgrees(g Gold, m schemas.Metric) bool {
	// Signs are compared as magnitudes because filings print outflows such
	// as capital expenditures in parentheses while gold rows may record
	// them as positive amounts.
	if g.ValueBase != "" && decimalEqual(abs(g.ValueBase), abs(m.Value)) {
		return true
	}
	if g.Value == nil {
		return false
	}
	// The printed value, compared with the displayed figure.
	disp := strings.NewReplacer("$", "", ",", "", "(", "", ")", "", " ", "", "-", "").Replace(m.Display)
	return decimalEqual(abs(g.Value.String()), disp)
}

func abs(s string) string { return strings.TrimPrefix(s, "-") }

func guidanceAgrees(g Gold, x schemas.Guidance) bool {
	low, high := g.Low, g.High
	if low == nil || high == nil {
		return false
	}
	return decimalEqual(low.String(), x.Low) && decimalEqual(high.String(), x.High)
}

func decimalEqual(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}
