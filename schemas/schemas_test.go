package schemas

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSchemasUpToDate(t *testing.T) {
	files, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("json", name+".schema.json"))
		if err != nil {
			t.Fatalf("read %s: %v (run go generate ./schemas)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("json/%s.schema.json is stale: run go generate ./schemas", name)
		}
	}
}

func validResult() *Result {
	r := &Result{
		SchemaVersion: SchemaVersion,
		Filing: Filing{
			DocID:      strings.Repeat("a", 64),
			SourcePath: "fixtures/x.html",
			MediaType:  MediaHTML,
			Size:       10,
		},
		Provider:    "offline",
		ExtractedAt: time.Unix(0, 0).UTC(),
	}
	r.Metrics = []Metric{{
		ID: "0123456789abcdef", Metric: "revenue", Value: "391035000000", Display: "391,035",
		Scale: 6, Unit: "USD", PeriodType: "duration", Source: "ixbrl", XBRLCheck: "not_applicable",
		Citation: Citation{Quote: "391,035", Start: 1, End: 8, CharStart: 1, CharEnd: 8, SourceOffset: -1, Match: MatchExact},
		Status:   StatusAccepted, Confidence: 1, Provider: "offline",
	}}
	r.FillEmpty()
	return r
}

func TestMarshalValidates(t *testing.T) {
	t.Run("valid result", func(t *testing.T) {
		if _, err := Marshal(SchemaResult, validResult()); err != nil {
			t.Fatalf("got %v, want nil", err)
		}
	})
	t.Run("nil slices rejected", func(t *testing.T) {
		r := validResult()
		r.Risks = nil
		if _, err := Marshal(SchemaResult, r); err == nil {
			t.Fatal("got nil error for null risks, want a validation error")
		}
	})
	t.Run("bad decimal rejected", func(t *testing.T) {
		r := validResult()
		r.Metrics[0].Value = "1,577"
		if _, err := Marshal(SchemaResult, r); err == nil {
			t.Fatal("got nil error for value 1,577, want a validation error")
		}
	})
	t.Run("empty quote rejected", func(t *testing.T) {
		r := validResult()
		r.Metrics[0].Citation.Quote = ""
		if _, err := Marshal(SchemaResult, r); err == nil {
			t.Fatal("got nil error for an empty quote, want a validation error")
		}
	})
	t.Run("unknown status rejected", func(t *testing.T) {
		r := validResult()
		r.Metrics[0].Status = "approved"
		if _, err := Marshal(SchemaResult, r); err == nil {
			t.Fatal("got nil error for status approved, want a validation error")
		}
	})
}

func TestDocumentSourceOffset(t *testing.T) {
	d := &Document{Segments: []Segment{{TextStart: 0, SourceStart: 10, Len: 5}, {TextStart: 6, SourceStart: 30, Len: 4}}}
	cases := []struct {
		off  int
		want int64
	}{{0, 10}, {4, 14}, {5, -1}, {6, 30}, {9, 33}, {10, -1}}
	for _, c := range cases {
		if got := d.SourceOffset(c.off); got != c.want {
			t.Errorf("SourceOffset(%d) = %d, want %d", c.off, got, c.want)
		}
	}
}
