package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"regexp"
	"strings"
	"time"
)

// Price is the list price of one model in USD per million tokens, as exact
// decimal strings such as "0.15".
type Price struct {
	// CacheHit is the price of prompt tokens served from the context cache.
	CacheHit string `json:"cache_hit"`
	// CacheMiss is the price of the other prompt tokens.
	CacheMiss string `json:"cache_miss"`
	// Output is the price of completion tokens.
	Output string `json:"output"`
}

// PeakWindow is a span of hours, Monday to Friday UTC, in which prices are
// multiplied by PriceTable.PeakFactor. Start is inclusive and End exclusive,
// in hours from 0 to 24.
type PeakWindow struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// PriceTable maps model names to prices. The JSON form is the one
// LoadPrices reads.
type PriceTable struct {
	Models map[string]Price `json:"models"`
	// PeakFactor multiplies every price inside PeakHours, such as "2";
	// empty or "1" means no peak pricing.
	PeakFactor string `json:"peak_factor,omitempty"`
	// PeakHours are the weekday windows of peak pricing.
	PeakHours []PeakWindow `json:"peak_hours,omitempty"`
}

// DefaultPrices returns the DeepSeek list prices published on
// api-docs.deepseek.com as of November 2026: off-peak prices, doubled
// Monday to Friday 01:00-04:00 and 06:00-10:00 UTC.
// NOTE: deepseek-v4-flash is priced like deepseek-flash, which replaced it
// under the new name; the price page lists only the new name.
func DefaultPrices() PriceTable {
	flash := Price{CacheHit: "0.003", CacheMiss: "0.15", Output: "0.60"}
	v32 := Price{CacheHit: "0.028", CacheMiss: "0.28", Output: "0.42"}
	return PriceTable{
		Models: map[string]Price{
			"deepseek-flash":    flash,
			"deepseek-v4-flash": flash,
			"deepseek-v4-pro":   {CacheHit: "0.022", CacheMiss: "0.66", Output: "1.98"},
			"deepseek-chat":     v32,
			"deepseek-reasoner": v32,
		},
		PeakFactor: "2",
		PeakHours:  []PeakWindow{{Start: 1, End: 4}, {Start: 6, End: 10}},
	}
}

// LoadPrices reads a JSON price table from path, such as
//
//	{"models": {"deepseek-flash": {"cache_hit": "0.003", "cache_miss": "0.15", "output": "0.60"}},
//	 "peak_factor": "2", "peak_hours": [{"start": 1, "end": 4}]}
//
// Unknown keys and invalid decimals are errors.
func LoadPrices(path string) (PriceTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return PriceTable{}, fmt.Errorf("llm: price table: %w", err)
	}
	defer f.Close()
	return decodePrices(f, path)
}

func decodePrices(r io.Reader, name string) (PriceTable, error) {
	var t PriceTable
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return PriceTable{}, fmt.Errorf("llm: price table %s: %w", name, err)
	}
	if err := t.Validate(); err != nil {
		return PriceTable{}, fmt.Errorf("llm: price table %s: %w", name, err)
	}
	return t, nil
}

var priceRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// Validate reports the first invalid price or peak window.
func (t PriceTable) Validate() error {
	if len(t.Models) == 0 {
		return errors.New("no models")
	}
	for model, p := range t.Models {
		for field, v := range map[string]string{"cache_hit": p.CacheHit, "cache_miss": p.CacheMiss, "output": p.Output} {
			if !priceRe.MatchString(v) {
				return fmt.Errorf("model %s: invalid %s %q: want a decimal such as 0.15", model, field, v)
			}
		}
	}
	if t.PeakFactor != "" && !priceRe.MatchString(t.PeakFactor) {
		return fmt.Errorf("invalid peak_factor %q: want a decimal such as 2", t.PeakFactor)
	}
	for _, w := range t.PeakHours {
		if w.Start < 0 || w.End > 24 || w.Start >= w.End {
			return fmt.Errorf("invalid peak window %d-%d: want 0 <= start < end <= 24", w.Start, w.End)
		}
	}
	return nil
}

// Has reports whether the table prices model.
func (t PriceTable) Has(model string) bool {
	_, ok := t.Models[model]
	return ok
}

// rat parses a decimal validated by priceRe.
func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return new(big.Rat)
	}
	return r
}

var perMillion = big.NewRat(1, 1_000_000)

// cost returns the exact cost in USD of one call of model at time at. It
// returns zero and false for a model the table does not price.
func (t PriceTable) cost(model string, hit, miss, output int, at time.Time) (*big.Rat, bool) {
	p, ok := t.Models[model]
	if !ok {
		return new(big.Rat), false
	}
	sum := new(big.Rat)
	for _, part := range []struct {
		tokens int
		price  string
	}{{hit, p.CacheHit}, {miss, p.CacheMiss}, {output, p.Output}} {
		x := new(big.Rat).Mul(big.NewRat(int64(part.tokens), 1), rat(part.price))
		sum.Add(sum, x)
	}
	sum.Mul(sum, perMillion)
	if t.peak(at) {
		sum.Mul(sum, rat(t.PeakFactor))
	}
	return sum, true
}

// peak reports whether at falls in a peak window.
func (t PriceTable) peak(at time.Time) bool {
	if t.PeakFactor == "" || at.IsZero() {
		return false
	}
	at = at.UTC()
	if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	h := at.Hour()
	for _, w := range t.PeakHours {
		if h >= w.Start && h < w.End {
			return true
		}
	}
	return false
}

// formatUSD returns r as an exact decimal string without trailing zeros,
// such as "0.0000123". r must have a finite decimal expansion, which holds
// for sums and products of decimals divided by powers of ten.
func formatUSD(r *big.Rat) string {
	if r.Sign() == 0 {
		return "0"
	}
	// A denominator 2^a * 5^b needs max(a, b) fraction digits.
	digits := 0
	den := new(big.Int).Set(r.Denom())
	ten := big.NewInt(10)
	for den.Cmp(big.NewInt(1)) != 0 && digits < 60 {
		g := new(big.Int).GCD(nil, nil, den, ten)
		if g.Cmp(big.NewInt(1)) == 0 {
			break
		}
		den.Mul(den, new(big.Int).Quo(ten, g))
		den.Quo(den, ten)
		digits++
	}
	s := r.FloatString(digits)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
