package passes

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// ItemID returns the deterministic ID of an item: the first 16 hex digits of
// the sha256 of the document ID, the kind and the item key.
func ItemID(docID string, kind Kind, key string) string {
	h := sha256.New()
	h.Write([]byte(docID))
	h.Write([]byte{0})
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// keyText lowercases s, normalises quotes and dashes and collapses
// whitespace, so that the same heading printed twice gets one key.
func keyText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(normalize(s).text), " "))
}

func riskKey(heading string) string { return keyText(heading) }

func metricKey(m *schemas.Metric) string {
	var b strings.Builder
	b.WriteString(m.Metric)
	b.WriteByte('|')
	b.WriteString(m.PeriodType)
	b.WriteByte('|')
	b.WriteString(m.PeriodStart)
	b.WriteByte('|')
	b.WriteString(m.PeriodEnd)
	dims := make([]string, 0, len(m.Dimensions))
	for _, d := range m.Dimensions {
		dims = append(dims, d.Axis+"="+d.Member)
	}
	sort.Strings(dims)
	for _, d := range dims {
		b.WriteByte('|')
		b.WriteString(d)
	}
	if m.Source != "ixbrl" {
		// A table row and a sentence are separate evidence for a figure.
		b.WriteString("|" + m.Source)
	}
	if m.Metric == MetricOther || m.PeriodType == "unknown" {
		// Without a taxonomy key or a period, the label and value tell
		// figures apart.
		b.WriteString("|" + keyText(m.Label) + "|" + m.Value)
	}
	return b.String()
}

func guidanceKey(g *schemas.Guidance) string {
	return strings.Join([]string{g.Metric, keyText(g.Period), g.Basis, g.Low, g.High, g.Unit}, "|")
}
