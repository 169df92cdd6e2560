package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

func TestFreshSinkKeepsReviewDecisions(t *testing.T) {
	out := t.TempDir()
	decisions := filepath.Join(out, "review_decisions.json")
	risks := filepath.Join(out, "risks.json")
	for _, path := range []string{decisions, risks} {
		if err := os.WriteFile(path, []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := serviceFlags{out: out}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	sink, _, err := s.openSink(context.Background(), logger, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	if _, err := os.Stat(decisions); err != nil {
		t.Errorf("review decisions after a fresh run: %v, want the file kept", err)
	}
	if data, err := os.ReadFile(risks); err == nil && len(data) > 0 {
		t.Errorf("risks.json after a fresh run: got %d bytes, want it removed or empty", len(data))
	}
}
