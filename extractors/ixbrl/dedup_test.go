package ixbrl

import (
	"fmt"
	"strings"
	"testing"
)

func TestBuilderDuplicateFacts(t *testing.T) {
	// Contexts d and d2 have the same period, so their facts share an
	// identity.
	const second = `<ix:header><ix:resources><xbrli:context id="d2"><xbrli:entity><xbrli:identifier scheme="x">42</xbrli:identifier></xbrli:entity>
<xbrli:period><xbrli:startDate>2026-01-01</xbrli:startDate><xbrli:endDate>2026-12-31</xbrli:endDate></xbrli:period></xbrli:context></ix:resources></ix:header>`
	tests := []struct {
		name     string
		body     string
		wantIDs  []string
		wantWarn string
		// wantMerged gives each kept fact as "id duplicates inconsistent".
		wantMerged []string
	}{
		{
			name: "equal duplicates kept once",
			body: `<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="-6" scale="6">391,035</ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d2" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="-6" scale="6">391,035</ix:nonFraction>`,
			wantIDs:    []string{"a"},
			wantMerged: []string{"a 1 false"},
		},
		{
			name: "more precise duplicate wins",
			body: `<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="-9" scale="9">391</ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="-6" scale="6">391,035</ix:nonFraction>`,
			wantIDs: []string{"b"},
		},
		{
			name: "INF beats a number",
			body: `<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="0">12</ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="INF">12</ix:nonFraction>`,
			wantIDs: []string{"b"},
		},
		{
			name: "value beats nil",
			body: `<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" id="a" xsi:nil="true"></ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="0">7</ix:nonFraction>`,
			wantIDs: []string{"b"},
		},
		{
			name: "inconsistent duplicates flagged",
			body: `<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="-6" scale="6">391,035</ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="-6" scale="6">391,036</ix:nonFraction>`,
			wantIDs:    []string{"a"},
			wantWarn:   "inconsistent duplicate facts: fact a",
			wantMerged: []string{"a 1 true"},
		},
		{
			name: "winner takes over count and flag",
			body: `<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="-6" scale="6">391,035</ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="-6" scale="6">391,036</ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d2" unitRef="usd" format="ixt:num-dot-decimal" id="c" decimals="-3" scale="3">391,035,000</ix:nonFraction>`,
			wantIDs:    []string{"c"},
			wantWarn:   "inconsistent duplicate facts: fact a",
			wantMerged: []string{"c 2 true"},
		},
		{
			name: "rounded duplicate agrees",
			body: `<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="-9" scale="9">391.0</ix:nonFraction>
<ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="-6" scale="6">391,035</ix:nonFraction>`,
			wantIDs:    []string{"b"},
			wantMerged: []string{"b 1 false"},
		},
		{
			name: "other unit is another fact",
			body: `<ix:nonFraction name="us-gaap:Eps" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="2">6.08</ix:nonFraction>
<ix:nonFraction name="us-gaap:Eps" contextRef="d" unitRef="eps" id="b" decimals="2">6.08</ix:nonFraction>`,
			wantIDs:    []string{"a", "b"},
			wantMerged: []string{"a 0 false", "b 0 false"},
		},
		{
			name: "other dimension is another fact",
			body: `<ix:nonFraction name="us-gaap:Assets" contextRef="i" unitRef="usd" format="ixt:num-dot-decimal" id="a" decimals="0">5</ix:nonFraction>
<ix:nonFraction name="us-gaap:Assets" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="b" decimals="0">5</ix:nonFraction>`,
			wantIDs: []string{"a", "b"},
		},
		{
			name: "text facts merge only when equal",
			body: `<ix:nonNumeric name="dei:EntityRegistrantName" contextRef="d" id="a">Acme Inc.</ix:nonNumeric>
<ix:nonNumeric name="dei:EntityRegistrantName" contextRef="d" id="b">Acme Inc.</ix:nonNumeric>
<ix:nonNumeric name="dei:EntityRegistrantName" contextRef="d" id="c">ACME</ix:nonNumeric>`,
			wantIDs:    []string{"a", "c"},
			wantMerged: []string{"a 1 false", "c 0 false"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts, warnings, _ := feed(t, testHeader+second+tt.body)
			var ids, merged []string
			for _, f := range facts {
				if f.ID != "cik" {
					ids = append(ids, f.ID)
					merged = append(merged, fmt.Sprintf("%s %d %v", f.ID, f.Duplicates, f.Inconsistent))
				}
			}
			if tt.wantMerged != nil && strings.Join(merged, ",") != strings.Join(tt.wantMerged, ",") {
				t.Errorf("duplicates and flags: got %q, want %q", merged, tt.wantMerged)
			}
			if strings.Join(ids, ",") != strings.Join(tt.wantIDs, ",") {
				t.Errorf("kept facts: got %v, want %v", ids, tt.wantIDs)
			}
			joined := strings.Join(warnings, "\n")
			if tt.wantWarn == "" && strings.Contains(joined, "inconsistent") {
				t.Errorf("unexpected warning: %s", joined)
			}
			if tt.wantWarn != "" && !strings.Contains(joined, tt.wantWarn) {
				t.Errorf("warnings %q do not contain %q", joined, tt.wantWarn)
			}
		})
	}
}
