package llm

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/finx-dev/finx/extractors/passes"
)

// replySchema returns the JSON Schema of a reply of kind. It keeps to the
// subset that DeepSeek's strict function calling accepts (every property
// required, additionalProperties false, no length or item-count keywords),
// so that the same schema can move to a strict tool without change. The
// prompt carries it next to an example reply.
func replySchema(kind passes.Kind) map[string]any {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	enum := func(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	confidence := map[string]any{"type": "number", "minimum": 0, "maximum": 1}
	units := enum("USD", "USD/shares", "shares", "percent", "pure")

	var key string
	var props map[string]any
	switch kind {
	case passes.KindRisk:
		key = "risks"
		props = map[string]any{
			"chunk": integer, "quote": str,
			"category":        enum(sortedKeys(categories)...),
			"severity":        enum("low", "medium", "high"),
			"severity_reason": str, "confidence": confidence,
		}
	case passes.KindMetric:
		key = "metrics"
		props = map[string]any{
			"chunk": integer, "quote": str, "number": str, "scale": integer,
			"metric": enum(sortedKeys(metricKeys)...), "label": str, "unit": units,
			"period_type":  enum("duration", "instant", "unknown"),
			"period_start": str, "period_end": str,
			"source":     enum("table", "text"),
			"confidence": confidence,
		}
	default:
		key = "guidance"
		props = map[string]any{
			"chunk": integer, "quote": str,
			"metric": map[string]any{"type": "string", "pattern": guidanceKey.String()},
			"label":  str, "period": str, "low": str, "high": str, "scale": integer, "unit": units,
			"basis":     enum(sortedKeys(bases)...),
			"direction": enum(sortedKeys(directions)...),
			"prior_low": str, "prior_high": str, "confidence": confidence,
		}
	}
	item := map[string]any{"type": "object", "properties": props, "required": sortedKeys(props), "additionalProperties": false}
	return map[string]any{
		"type":                 "object",
		"properties":           map[string]any{key: map[string]any{"type": "array", "items": item}},
		"required":             []string{key},
		"additionalProperties": false,
	}
}

// replySchemaJSON returns replySchema(kind) as compact JSON with sorted
// keys, so that the system prompt is the same on every run.
func replySchemaJSON(kind passes.Kind) string {
	b, err := json.Marshal(replySchema(kind))
	if err != nil {
		panic(fmt.Sprintf("llm: marshal reply schema: %v", err))
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
