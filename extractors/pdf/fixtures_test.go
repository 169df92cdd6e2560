package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestBadFixtures checks the reasons that fixtures/bad/README.md lists for
// the broken PDF files there.
func TestBadFixtures(t *testing.T) {
	tests := []struct {
		file   string
		reason string
	}{
		{"empty.pdf", ReasonEmptyFile},
		{"not-a-pdf.pdf", ReasonNotPDF},
		{"truncated.pdf", ReasonTruncatedPDF},
		{"header-only.pdf", ReasonTruncatedPDF},
		{"huge-xref.pdf", ReasonCorruptPDF},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "fixtures", "bad", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(context.Background(), tt.file, data, Config{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error with reason %s", err, tt.reason)
			}
			if e.Reason() != tt.reason {
				t.Errorf("got reason %s (%v), want %s", e.Reason(), err, tt.reason)
			}
		})
	}
}
