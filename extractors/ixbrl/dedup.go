package ixbrl

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// factKey is the identity of a fact: concept, period, dimensions and unit.
// Two contexts with different ids but the same period and dimensions give
// the same key, as XBRL context equality requires. A fact whose context
// was not found keys on its context id.
func factKey(f *schemas.Fact) string {
	var b strings.Builder
	b.WriteString(f.Concept)
	b.WriteByte('|')
	switch {
	case f.Instant != "":
		b.WriteString(f.Instant)
	case f.PeriodStart != "" || f.PeriodEnd != "":
		b.WriteString(f.PeriodStart + "/" + f.PeriodEnd)
	default:
		b.WriteString("ref:" + f.ContextRef)
	}
	dims := make([]string, len(f.Dimensions))
	for i, d := range f.Dimensions {
		dims[i] = d.Axis + "=" + d.Member
	}
	sort.Strings(dims)
	b.WriteByte('|')
	b.WriteString(strings.Join(dims, ","))
	b.WriteByte('|')
	if f.Unit != "" {
		b.WriteString(f.Unit)
	} else {
		b.WriteString("ref:" + f.UnitRef)
	}
	return b.String()
}

// dedupe keeps one fact per identity (see factKey), in document order. Of
// numeric duplicates, a fact with a value wins over a nil one, then the
// highest decimals wins ("INF" above any number), then the first one. A
// duplicate whose value falls outside the rounding interval of the kept
// one is inconsistent, which adds a warning naming both facts and sets
// Inconsistent on the kept fact. The kept fact's Duplicates counts the facts
// merged into it. Text facts are merged only when their printed text is the
// same.
func dedupe(facts []schemas.Fact, warn func(string)) []schemas.Fact {
	winner := make(map[string]int, len(facts))
	drop := make([]bool, len(facts))
	for i := range facts {
		f := &facts[i]
		key := factKey(f)
		if !f.Numeric {
			key += "|text|" + f.Display
		}
		j, seen := winner[key]
		if !seen {
			winner[key] = i
			continue
		}
		k := &facts[j]
		inconsistent := f.Numeric && !f.Nil && !k.Nil && !consistent(k, f)
		if inconsistent {
			warn(fmt.Sprintf("ixbrl: inconsistent duplicate facts: %s has value %s (decimals %q) and %s has value %s (decimals %q)",
				factName(k), k.Value, k.Decimals, factName(f), f.Value, f.Decimals))
		}
		kept, merged := k, f
		if morePrecise(f, k) {
			winner[key] = i
			drop[j] = true
			kept, merged = f, k
		} else {
			drop[i] = true
		}
		// The kept fact takes over the count and flag of the merged one,
		// which may already stand for earlier duplicates.
		kept.Duplicates += 1 + merged.Duplicates
		kept.Inconsistent = kept.Inconsistent || merged.Inconsistent || inconsistent
	}
	out := facts[:0]
	for i := range facts {
		if !drop[i] {
			out = append(out, facts[i])
		}
	}
	return out
}

// morePrecise reports whether a should replace b as the kept duplicate.
func morePrecise(a, b *schemas.Fact) bool {
	if a.Nil != b.Nil {
		return !a.Nil
	}
	if (a.Value == "") != (b.Value == "") {
		return a.Value != ""
	}
	da, oka := decimalsOf(a.Decimals)
	db, okb := decimalsOf(b.Decimals)
	if oka != okb {
		return oka
	}
	return da > db
}

// infDecimals stands for decimals="INF" (exact) in comparisons.
const infDecimals = 1 << 20

// decimalsOf reads the decimals attribute; false when it is missing or
// invalid.
func decimalsOf(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "INF" {
		return infDecimals, true
	}
	d, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return d, true
}

// consistent reports whether two duplicate values agree within their
// precision: each value v with decimals d stands for the open interval
// v ± ½·10^-d, and the values are consistent when the intervals overlap, so
// two values printed to the same decimals agree only when they are equal.
// Values that cannot be read are not compared.
func consistent(a, b *schemas.Fact) bool {
	va, oka := new(big.Rat).SetString(a.Value)
	vb, okb := new(big.Rat).SetString(b.Value)
	if !oka || !okb {
		return true
	}
	diff := new(big.Rat).Sub(va, vb)
	diff.Abs(diff)
	tolerance := new(big.Rat).Add(halfUnit(a.Decimals), halfUnit(b.Decimals))
	return diff.Sign() == 0 || diff.Cmp(tolerance) < 0
}

// halfUnit returns ½·10^-decimals, zero for INF and for a missing or
// invalid attribute, which then must match exactly.
func halfUnit(decimals string) *big.Rat {
	d, ok := decimalsOf(decimals)
	if !ok || d == infDecimals {
		return new(big.Rat)
	}
	d = max(min(d, maxScale), -maxScale)
	ten := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(d))), nil)
	if d >= 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Mul(ten, big.NewInt(2)))
	}
	return new(big.Rat).SetFrac(ten, big.NewInt(2))
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
