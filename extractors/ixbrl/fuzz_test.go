package ixbrl

import (
	"math/big"
	"testing"
)

func FuzzBuilder(f *testing.F) {
	seeds := []string{
		testHeader + `<p><ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" scale="6" decimals="-6" id="a">1,284.6</ix:nonFraction></p>`,
		testHeader + `<ix:nonFraction name="a:B" contextRef="i" unitRef="eps" sign="-" decimals="2">0.57</ix:nonFraction><ix:nonFraction name="a:B" contextRef="i" unitRef="eps" decimals="INF">0.570</ix:nonFraction>`,
		testHeader + `<ix:nonNumeric name="a:T" contextRef="d" continuedAt="c">x<ix:exclude>y</ix:exclude></ix:nonNumeric><ix:continuation id="c" continuedAt="c">z</ix:continuation>`,
		testHeader + `<ix:nonFraction name="a:N" contextRef="d" unitRef="usd" xsi:nil="true"/><ix:nonFraction name="a:N" contextRef="nope" unitRef="gone" scale="999">—</ix:nonFraction>`,
		`<ix:nonFraction name="a:B" contextRef="x"><ix:nonFraction name="a:C" contextRef="x">1</ix:nonFraction></ix:nonFraction>`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		facts, _, text := feed(t, doc)
		seen := make(map[string]bool)
		for _, fact := range facts {
			if fact.Start < 0 || fact.End < fact.Start || fact.End > len(text) {
				t.Fatalf("fact %s span [%d,%d) outside %d bytes of text", fact.ID, fact.Start, fact.End, len(text))
			}
			if fact.Value != "" {
				if _, ok := new(big.Rat).SetString(fact.Value); !ok {
					t.Fatalf("fact %s value %q is not a decimal", fact.ID, fact.Value)
				}
			}
			if fact.Numeric {
				key := factKey(&fact)
				if seen[key] {
					t.Fatalf("two numeric facts with the identity %s", key)
				}
				seen[key] = true
			}
		}
	})
}
