package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed json/*.schema.json
var schemaFiles embed.FS

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

func compileAll() {
	compiled = make(map[string]*jsonschema.Schema)
	c := jsonschema.NewCompiler()
	names := []string{SchemaFiling, SchemaDocument, SchemaResult, SchemaRiskFlag, SchemaDeadLetter}
	for _, name := range names {
		data, err := schemaFiles.ReadFile("json/" + name + ".schema.json")
		if err != nil {
			compileErr = fmt.Errorf("schemas: read %s: %w", name, err)
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			compileErr = fmt.Errorf("schemas: decode %s: %w", name, err)
			return
		}
		if err := c.AddResource(schemaBase+name+".schema.json", doc); err != nil {
			compileErr = fmt.Errorf("schemas: add %s: %w", name, err)
			return
		}
	}
	for _, name := range names {
		s, err := c.Compile(schemaBase + name + ".schema.json")
		if err != nil {
			compileErr = fmt.Errorf("schemas: compile %s: %w", name, err)
			return
		}
		compiled[name] = s
	}
}

// ValidationError reports a value that does not match its schema.
type ValidationError struct {
	Schema string
	Err    error
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("schemas: invalid %s: %v", e.Schema, e.Err)
}

func (e *ValidationError) Unwrap() error { return e.Err }

// ValidateJSON checks encoded JSON against the named schema.
func ValidateJSON(schema string, data []byte) error {
	compileOnce.Do(compileAll)
	if compileErr != nil {
		return compileErr
	}
	s, ok := compiled[schema]
	if !ok {
		return fmt.Errorf("schemas: unknown schema %q", schema)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return &ValidationError{Schema: schema, Err: err}
	}
	if err := s.Validate(inst); err != nil {
		return &ValidationError{Schema: schema, Err: err}
	}
	return nil
}

// Marshal encodes v as JSON and validates it against the named schema, so
// that nothing invalid is published.
func Marshal(schema string, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("schemas: encode %s: %w", schema, err)
	}
	if err := ValidateJSON(schema, data); err != nil {
		return nil, err
	}
	return data, nil
}
