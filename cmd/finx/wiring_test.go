package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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

func TestRequireSubcommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantErr    error
		wantStderr bool
	}{
		{"subcommand", []string{"tail", "--max", "1"}, nil, false},
		{"no args", nil, exitError{2}, true},
		{"other subcommand", []string{"watch"}, exitError{2}, true},
		{"flag first", []string{"--max", "1"}, exitError{2}, true},
		{"short help", []string{"-h"}, exitError{0}, true},
		{"long help", []string{"--help"}, exitError{0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			err := requireSubcommand(tt.args, "tail", &stderr, "usage: finx alerts tail [flags]", "Prints the alerts.")
			if err != tt.wantErr {
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
			want := ""
			if tt.wantStderr {
				want = "usage: finx alerts tail [flags]\nPrints the alerts.\n"
			}
			if got := stderr.String(); got != want {
				t.Errorf("got stderr %q, want %q", got, want)
			}
		})
	}
}

func TestKafkaClientConfig(t *testing.T) {
	t.Run("no brokers", func(t *testing.T) {
		sf := serviceFlags{}
		if _, err := sf.kafkaClientConfig(slog.New(slog.NewTextHandler(io.Discard, nil))); !errors.Is(err, errNoBrokers) {
			t.Errorf("got %v, want errNoBrokers", err)
		}
	})
	t.Run("brokers and prefix", func(t *testing.T) {
		sf := serviceFlags{brokers: "127.0.0.1:1, 127.0.0.1:2", topicPrefix: "t1."}
		cfg, err := sf.kafkaClientConfig(slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatalf("got %v, want nil", err)
		}
		if got, want := strings.Join(cfg.Brokers, ","), "127.0.0.1:1,127.0.0.1:2"; got != want {
			t.Errorf("got brokers %q, want %q", got, want)
		}
		if got, want := cfg.Topic("filings.raw"), "t1.filings.raw"; got != want {
			t.Errorf("got topic %q, want %q", got, want)
		}
	})
	t.Run("invalid prefix", func(t *testing.T) {
		sf := serviceFlags{brokers: "127.0.0.1:1", topicPrefix: "bad prefix"}
		_, err := sf.kafkaClientConfig(slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil || !strings.Contains(err.Error(), "TopicPrefix") {
			t.Errorf("got %v, want an error naming TopicPrefix", err)
		}
	})
}
