package llm

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/finx-dev/finx/extractors/passes"
)

// strictProblems lists where schema leaves the subset that DeepSeek's
// strict function calling accepts. In that subset every object lists all
// its properties as required and sets additionalProperties false. No
// keyword bounds a length or an item count, no type is an array, and every
// anyOf branch has a type.
func strictProblems(path string, schema map[string]any) []string {
	var out []string
	for _, banned := range []string{"minLength", "maxLength", "minItems", "maxItems", "$schema"} {
		if _, ok := schema[banned]; ok {
			out = append(out, fmt.Sprintf("%s: %s is not allowed", path, banned))
		}
	}
	switch typ := schema["type"].(type) {
	case string:
		if typ == "object" {
			props, _ := schema["properties"].(map[string]any)
			if len(props) == 0 {
				out = append(out, path+": object without properties")
			}
			if schema["additionalProperties"] != false {
				out = append(out, path+": additionalProperties is not false")
			}
			var required []string
			if list, ok := schema["required"].([]any); ok {
				for _, r := range list {
					required = append(required, fmt.Sprint(r))
				}
			}
			for name, sub := range props {
				if !slices.Contains(required, name) {
					out = append(out, fmt.Sprintf("%s: property %s is not required", path, name))
				}
				if m, ok := sub.(map[string]any); ok {
					out = append(out, strictProblems(path+"."+name, m)...)
				}
			}
		}
		if typ == "array" {
			if items, ok := schema["items"].(map[string]any); ok {
				out = append(out, strictProblems(path+"[]", items)...)
			}
		}
		if f, ok := schema["format"].(string); ok && !slices.Contains([]string{"email", "hostname", "ipv4", "ipv6", "uuid"}, f) {
			out = append(out, fmt.Sprintf("%s: format %s is not allowed", path, f))
		}
	case nil:
		branches, ok := schema["anyOf"].([]any)
		if !ok {
			out = append(out, path+": no type and no anyOf")
		}
		for i, b := range branches {
			m, _ := b.(map[string]any)
			if _, ok := m["type"].(string); !ok {
				out = append(out, fmt.Sprintf("%s.anyOf[%d]: branch without a type", path, i))
			}
			out = append(out, strictProblems(fmt.Sprintf("%s.anyOf[%d]", path, i), m)...)
		}
	default:
		out = append(out, fmt.Sprintf("%s: type %v is not a single type", path, typ))
	}
	return out
}

func TestPromptSchemaStrictSubset(t *testing.T) {
	for _, kind := range []passes.Kind{passes.KindRisk, passes.KindMetric, passes.KindGuidance} {
		t.Run(string(kind), func(t *testing.T) {
			system := systemPrompt(kind)
			if !strings.Contains(system, "json") {
				t.Error("system prompt lacks the word json, which JSON output mode requires")
			}

			// The prompt carries the schema as sent, on the line after its
			// introduction.
			_, after, ok := strings.Cut(system, "The reply must validate against this JSON Schema:\n")
			if !ok {
				t.Fatal("system prompt carries no JSON Schema")
			}
			schemaText, _, _ := strings.Cut(after, "\n")
			var schema map[string]any
			if err := json.Unmarshal([]byte(schemaText), &schema); err != nil {
				t.Fatalf("schema in the prompt is not JSON: %v", err)
			}
			for _, p := range strictProblems("$", schema) {
				t.Errorf("strict subset: %s", p)
			}

			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schemaText))
			if err != nil {
				t.Fatal(err)
			}
			c := jsonschema.NewCompiler()
			if err := c.AddResource("reply.json", doc); err != nil {
				t.Fatal(err)
			}
			compiled, err := c.Compile("reply.json")
			if err != nil {
				t.Fatalf("schema does not compile: %v", err)
			}

			_, afterShape, ok := strings.Cut(system, "Output json shape:\n")
			if !ok {
				t.Fatal("system prompt carries no example reply")
			}
			example, _, _ := strings.Cut(afterShape, "\n")
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(example))
			if err != nil {
				t.Fatalf("example is not JSON: %v", err)
			}
			if err := compiled.Validate(inst); err != nil {
				t.Errorf("example does not validate against the schema: %v", err)
			}
			if _, err := parseReply(example, passes.Request{Kind: kind, Chunks: make([]passes.Chunk, 1)}, 0, 1); err != nil {
				t.Errorf("example does not parse: %v", err)
			}
		})
	}
}

func TestStrictProblemsFindsViolations(t *testing.T) {
	bad := map[string]any{
		"type":       "object",
		"properties": map[string]any{"a": map[string]any{"type": "string", "maxLength": 3}, "b": map[string]any{"type": []any{"string", "null"}}},
		"required":   []any{"a"},
	}
	got := strictProblems("$", bad)
	for _, want := range []string{"additionalProperties is not false", "property b is not required", "maxLength is not allowed", "not a single type"} {
		if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("problems %q: want one containing %q", got, want)
		}
	}
}
