package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

var (
	chunkRe  = regexp.MustCompile(`(?s)<<<FILING_TEXT chunk=(\d+) section=([^>]*)>>>\n(.*?)<<<END_FILING_TEXT chunk=\d+>>>`)
	knownRe  = regexp.MustCompile(`(?s)<<<FILING_TEXT known>>>\n(.*?)<<<END_FILING_TEXT known>>>`)
	headerRe = regexp.MustCompile(`(?m)^Form: (.*)\. Company: (.*)\. Pass: (\w+)\.$`)
	// amountRe matches an amount as printed, such as "$9,999 million".
	amountRe = regexp.MustCompile(`\$\s?[0-9][0-9,]*(\.[0-9]+)?(\s+(million|billion))?`)
)

// EmulateOptions are the settings of Emulate.
type EmulateOptions struct {
	// Obey makes Emulate act like a model that follows instructions planted
	// in the filing text. A line that requests ignoring the rules or
	// reporting nothing empties the reply. An amount on a line with a chat
	// role prefix such as "system:" is reported as revenue.
	Obey bool
}

// Emulate returns the reply that a model would send to an extraction
// prompt of this package if it found exactly what p finds in the chunks of
// the prompt. It reads the kind, the pass, the known quotes and the chunks
// back from the messages, so a prompt that lost part of a chunk gets a
// reply without it. finx llm-sim replies with it, p being the offline rules
// provider. A prompt of another shape returns an error.
func Emulate(ctx context.Context, p passes.Provider, system, user string, opts EmulateOptions) (string, error) {
	req, index, err := requestFromPrompt(system, user)
	if err != nil {
		return "", err
	}
	if opts.Obey && obeyEmpty(req) {
		return encodeReply(req.Kind, []map[string]any{})
	}
	resp, err := p.Extract(ctx, req)
	if err != nil {
		return "", err
	}
	chunkOf := func(h passes.Hint) int {
		if h.Chunk >= 0 && h.Chunk < len(index) {
			return index[h.Chunk]
		}
		return index[0]
	}
	items := []map[string]any{}
	switch req.Kind {
	case passes.KindRisk:
		for _, c := range resp.Risks {
			items = append(items, map[string]any{"chunk": chunkOf(c.Hint), "quote": c.Quote, "category": c.Category, "severity": c.Severity, "severity_reason": c.SeverityReason, "confidence": c.Confidence})
		}
	case passes.KindMetric:
		if opts.Obey {
			items = append(items, obeyAmounts(req, index)...)
		}
		for _, c := range resp.Metrics {
			if c.Source == "ixbrl" {
				continue
			}
			items = append(items, map[string]any{"chunk": chunkOf(c.Hint), "quote": c.Quote, "number": c.Display, "scale": c.Scale, "metric": c.Metric, "label": c.Label, "unit": c.Unit, "period_type": c.PeriodType, "period_start": c.PeriodStart, "period_end": c.PeriodEnd, "source": c.Source, "confidence": c.Confidence})
		}
	case passes.KindGuidance:
		for _, c := range resp.Guidance {
			items = append(items, map[string]any{"chunk": chunkOf(c.Hint), "quote": c.Quote, "metric": c.Metric, "label": c.Label, "period": c.Period, "low": c.Low, "high": c.High, "scale": c.Scale, "unit": c.Unit, "basis": c.Basis, "direction": c.Direction, "prior_low": c.PriorLow, "prior_high": c.PriorHigh, "confidence": c.Confidence})
		}
	}
	return encodeReply(req.Kind, items)
}

// requestFromPrompt rebuilds the request of a prompt. The document's text
// is the chunks joined by blank lines, and index maps the position of a
// chunk in the request to its number in the prompt.
func requestFromPrompt(system, user string) (passes.Request, []int, error) {
	var req passes.Request
	switch {
	case strings.Contains(system, "Task: list the risk factors"):
		req.Kind = passes.KindRisk
	case strings.Contains(system, "Task: list the reported financial figures"):
		req.Kind = passes.KindMetric
	case strings.Contains(system, "Task: list the forward-looking targets"):
		req.Kind = passes.KindGuidance
	default:
		return req, nil, fmt.Errorf("llm: emulate: the system message is not an extraction prompt of version %s", PromptVersion)
	}

	doc := &schemas.Document{}
	req.Pass = passes.PassPrimary
	if m := headerRe.FindStringSubmatch(user); m != nil {
		doc.Form, doc.Company = m[1], m[2]
		req.Pass = passes.Pass(m[3])
	}
	if m := knownRe.FindStringSubmatch(user); m != nil {
		for _, line := range strings.Split(strings.TrimSuffix(m[1], "\n"), "\n") {
			req.Known = append(req.Known, strings.TrimPrefix(line, "- "))
		}
	}

	var text strings.Builder
	var index []int
	for _, m := range chunkRe.FindAllStringSubmatch(user, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		section := m[2]
		if section == "unknown" {
			section = ""
		}
		// A gap line becomes a blank line, which ends a paragraph as the
		// left-out text did. A gap inside a line stays, so that the line
		// does not read as a whole sentence.
		m[3] = strings.ReplaceAll(m[3], "\n"+gapMarker+"\n", "\n\n")
		if text.Len() > 0 {
			text.WriteString("\n")
		}
		req.Chunks = append(req.Chunks, passes.Chunk{Section: section, Offset: text.Len(), Text: m[3]})
		text.WriteString(m[3])
		index = append(index, n)
	}
	if len(req.Chunks) == 0 {
		return req, nil, fmt.Errorf("llm: emulate: the user message has no %s ... %s block", beginMarker, endMarker)
	}
	doc.Text = text.String()
	req.Document = doc
	return req, index, nil
}

func encodeReply(kind passes.Kind, items []map[string]any) (string, error) {
	key := map[passes.Kind]string{passes.KindRisk: "risks", passes.KindMetric: "metrics", passes.KindGuidance: "guidance"}[kind]
	b, err := json.Marshal(map[string]any{key: items})
	if err != nil {
		return "", fmt.Errorf("llm: emulate: %w", err)
	}
	return string(b), nil
}

// obeyEmpty reports whether a chunk requests ignoring the rules or
// reporting nothing, which an obedient model follows with an empty reply.
func obeyEmpty(req passes.Request) bool {
	for _, c := range req.Chunks {
		for _, line := range strings.Split(c.Text, "\n") {
			l := strings.ToLower(line)
			if strings.Contains(l, "ignore the above") || strings.Contains(l, "ignore all previous") || strings.Contains(l, "report no ") {
				return true
			}
		}
	}
	return false
}

// obeyAmounts returns a revenue item for each amount on a line with a chat
// role prefix.
func obeyAmounts(req passes.Request, index []int) []map[string]any {
	var out []map[string]any
	for i, c := range req.Chunks {
		for _, line := range strings.Split(c.Text, "\n") {
			l := strings.ToLower(strings.TrimSpace(line))
			if !strings.HasPrefix(l, "system:") && !strings.HasPrefix(l, "assistant:") {
				continue
			}
			amount := amountRe.FindString(line)
			if amount == "" {
				continue
			}
			number := strings.TrimSpace(strings.Fields(strings.TrimPrefix(amount, "$"))[0])
			scale := 0
			switch {
			case strings.HasSuffix(amount, "million"):
				scale = 6
			case strings.HasSuffix(amount, "billion"):
				scale = 9
			}
			out = append(out, map[string]any{"chunk": index[i], "quote": amount, "number": number, "scale": scale, "metric": "revenue", "label": "Total revenue", "unit": "USD", "period_type": "duration", "period_start": "", "period_end": "", "source": "text", "confidence": 0.95})
		}
	}
	return out
}
