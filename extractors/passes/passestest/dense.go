// Package passestest builds synthetic parsed documents for tests and
// benchmarks of the passes and their providers.
//
// The documents are dense with figures so that the cost of reading a number
// and its context shows: every line holds amounts, table cells or ranges,
// and the values change from block to block so that deduplication does not
// shrink the work.
package passestest

import (
	"fmt"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// Layout selects the shape of a dense document.
type Layout int

const (
	// Release is an earnings release without items: reported figures in
	// sentences and tab-separated tables, and forward-looking ranges. Every
	// chunk is read for metrics and guidance.
	Release Layout = iota
	// Annual is a 10-K with Item 1A (risk headings and bodies), Item 7 (the
	// release's sentences) and Item 8 (tables under scale and period
	// headers).
	Annual
	// OneLine is the Release text with every line break replaced by a
	// space, as an HTML file without block elements parses.
	OneLine
)

// String returns the layout name used in test and benchmark names.
func (l Layout) String() string {
	switch l {
	case Release:
		return "release"
	case Annual:
		return "annual"
	case OneLine:
		return "oneline"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// DocID is the document ID of every generated document.
const DocID = "00000000000000000000000000000000000000000000000000000000000000d5"

// Dense returns a document of the layout whose text is at least size bytes
// and at most one block (about 1 KB) longer.
func Dense(size int, layout Layout) *schemas.Document {
	var b strings.Builder
	b.Grow(size + 2048)
	form := ""
	switch layout {
	case Annual:
		form = "10-K"
		b.WriteString("FORM 10-K\nANNUAL REPORT\n")
		b.WriteString("Item 1A. Risk Factors\n")
		for i := 0; b.Len() < size/4; i++ {
			riskBlock(&b, i)
		}
		b.WriteString("Item 7. Management's Discussion and Analysis of Financial Condition and Results of Operations\n")
		for i := 0; b.Len() < size/2; i++ {
			sentenceBlock(&b, i)
		}
		b.WriteString("Item 8. Financial Statements and Supplementary Data\n")
		b.WriteString("CONSOLIDATED STATEMENTS OF OPERATIONS\n")
		for i := 0; b.Len() < size; i++ {
			tableBlock(&b, i)
		}
	default:
		b.WriteString("Example Corp. Reports Third Quarter Results\n")
		for i := 0; b.Len() < size; i++ {
			tableBlock(&b, i)
			sentenceBlock(&b, i)
			outlookBlock(&b, i)
		}
	}
	text := b.String()
	if layout == OneLine {
		text = strings.NewReplacer("\n", " ", "\f", " ").Replace(text)
	}
	return &schemas.Document{
		Filing: schemas.Filing{DocID: DocID, SourcePath: "dense-" + layout.String() + ".txt", MediaType: schemas.MediaText, Form: form},
		Text:   text,
	}
}

// amount returns a printed amount that differs for each block i and salt.
func amount(i, salt int) string {
	n := 1000 + (i*7919+salt*104729)%98000
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}

func tableBlock(b *strings.Builder, i int) {
	year := 2000 + i%26
	fmt.Fprintf(b, "(in millions, except per share amounts)\n")
	fmt.Fprintf(b, "Three Months Ended September 30, %d\tThree Months Ended September 30, %d\n", year+1, year)
	fmt.Fprintf(b, "%d\t%d\n", year+1, year)
	fmt.Fprintf(b, "Net sales\t$ %s\t$ %s\n", amount(i, 1), amount(i, 2))
	fmt.Fprintf(b, "Cost of sales\t%s\t%s\n", amount(i, 3), amount(i, 4))
	fmt.Fprintf(b, "Gross profit\t%s\t%s\n", amount(i, 5), amount(i, 6))
	fmt.Fprintf(b, "Operating income\t%s\t%s\n", amount(i, 7), amount(i, 8))
	fmt.Fprintf(b, "Net income\t%s\t(%s)\n", amount(i, 9), amount(i, 10))
	fmt.Fprintf(b, "Diluted\t$ %d.%02d\t$ %d.%02d\n", i%9+1, i%97, i%7+1, i%89)
	fmt.Fprintf(b, "Total assets $ %s $ %s\n", amount(i, 11), amount(i, 12))
}

func sentenceBlock(b *strings.Builder, i int) {
	fmt.Fprintf(b, "Revenue was $%d.%d million for the quarter ended June 30, %d, up %d%% from the prior year. Net income was $%d.%d million.\n",
		10+i%90, i%10, 2000+i%26, i%20, 1+i%9, i%10)
	fmt.Fprintf(b, "Net sales of $%s million increased %d.%d%% compared with the prior year, and diluted EPS of $%d.%02d rose from $%d.%02d per diluted share.\n",
		amount(i, 13), i%30, i%10, i%5+1, i%100, i%4+1, (i+17)%100)
}

func outlookBlock(b *strings.Builder, i int) {
	low := 100 + i%800
	fmt.Fprintf(b, "For fiscal %d, the Company expects revenue of $%d million to $%d million, gross margin of %d%% to %d%% and diluted EPS of $%d.%02d to $%d.%02d (previously $%d.%02d to $%d.%02d).\n",
		2001+i%26, low, low+25, 30+i%20, 32+i%20, i%5+1, i%50, i%5+1, 50+i%50, i%5+1, i%40, i%5+1, 40+i%40)
}

func riskBlock(b *strings.Builder, i int) {
	topics := []string{"suppliers could disrupt production", "cyberattacks could harm our systems", "changes in credit ratings could raise our cost of borrowing", "competition could reduce our market share", "new regulations could increase our costs"}
	fmt.Fprintf(b, "Failures of our %s in region %d.\n", topics[i%len(topics)], i)
	fmt.Fprintf(b, "We depend on operations in region %d for about %d%% of net sales, which were $%s million last year, and a failure there could materially adversely affect our results, our financial condition and our ability to deliver products to customers on time.\n",
		i, i%40+1, amount(i, 14))
}
