package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/finx-dev/finx/extractors/html"
	"github.com/finx-dev/finx/extractors/pdf"
	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/extractors/text"
	"github.com/finx-dev/finx/schemas"
)

// Gold is one row of gold.jsonl. Numbers stay json.Number so that values
// compare as exact decimals.
type Gold struct {
	File   string       `json:"file"`
	Kind   string       `json:"kind"`
	Label  string       `json:"label"`
	Value  *json.Number `json:"value"`
	Low    *json.Number `json:"low"`
	High   *json.Number `json:"high"`
	Unit   *string      `json:"unit"`
	Period *string      `json:"period"`
	Page   *int         `json:"page"`
	// AlsoOnPages lists the other PDF pages where the quote occurs.
	AlsoOnPages []int  `json:"quote_also_on_pages"`
	Quote       string `json:"quote"`
	// ValueBase, LowBase and HighBase are the figures in base units as
	// exact decimals (value × 10^scale).
	ValueBase string `json:"value_base"`
	LowBase   string `json:"low_base"`
	HighBase  string `json:"high_base"`
	Scale     int    `json:"scale"`
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

// Parse reads a corpus file with the parser its extension selects (.pdf,
// .html or .htm, and .txt) and finds its sections, as the extract stage
// does.
func Parse(ctx context.Context, corpus, file string) (*schemas.Document, error) {
	data, err := os.ReadFile(filepath.Join(corpus, file))
	if err != nil {
		return nil, fmt.Errorf("eval: read %s: %w", file, err)
	}
	var doc *schemas.Document
	switch strings.ToLower(filepath.Ext(file)) {
	case ".pdf":
		doc, err = pdf.Parse(ctx, file, data, pdf.Config{})
	case ".html", ".htm":
		doc, err = html.Parse(ctx, file, data)
	case ".txt":
		doc, err = text.Parse(ctx, file, data)
	default:
		return nil, fmt.Errorf("eval: no parser for %s", file)
	}
	if err != nil {
		return nil, err
	}
	if doc.Sections, err = sections.FindContext(ctx, doc); err != nil {
		return nil, fmt.Errorf("eval: find sections of %s: %w", file, err)
	}
	return doc, nil
}
