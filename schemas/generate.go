package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/invopop/jsonschema"
)

//go:generate go run ./gen

// Schema names, one JSON Schema file json/<name>.schema.json each.
const (
	SchemaFiling     = "filing"
	SchemaDocument   = "document"
	SchemaResult     = "result"
	SchemaRiskFlag   = "risk_flag"
	SchemaDeadLetter = "dead_letter"
	SchemaLLMCall    = "llm_call"
	SchemaReview     = "review_decision"
)

// schemaBase is the $id prefix of every generated schema.
const schemaBase = "https://finx.dev/schemas/"

func types() map[string]any {
	return map[string]any{
		SchemaFiling:     &Filing{},
		SchemaDocument:   &Document{},
		SchemaResult:     &Result{},
		SchemaRiskFlag:   &RiskFlag{},
		SchemaDeadLetter: &DeadLetter{},
		SchemaLLMCall:    &LLMCall{},
		SchemaReview:     &ReviewDecision{},
	}
}

// Generate returns each schema's JSON Schema file, keyed by schema name.
func Generate() (map[string][]byte, error) {
	files := make(map[string][]byte)
	for name, v := range types() {
		r := &jsonschema.Reflector{}
		s := r.Reflect(v)
		s.ID = jsonschema.ID(schemaBase + name + ".schema.json")
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			return nil, fmt.Errorf("schemas: encode %s: %w", name, err)
		}
		files[name] = buf.Bytes()
	}
	return files, nil
}
