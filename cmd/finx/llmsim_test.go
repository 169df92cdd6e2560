package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/deepseek"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/schemas"
)

func TestLLMSimCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"llm-sim", "--addr", "127.0.0.1:0", "--delay", "20ms", "--fault", "503,fenced"}, &stdout, &stderr)
	}()

	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, after, ok := strings.Cut(stdout.String(), "serving on "); ok {
			url, _, _ = strings.Cut(after, "\n")
		}
	}
	if url == "" {
		t.Fatalf("no address printed; stdout %q, stderr %q", stdout.String(), stderr.String())
	}

	client, err := deepseek.New(deepseek.Config{APIKey: "sim", BaseURL: url, Backoff: deepseek.Backoff{Min: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := llm.New(deepseekCompleter(client), llm.Config{Model: client.Model(), Provider: "deepseek", Fallback: rules.New()})
	if err != nil {
		t.Fatal(err)
	}
	doc := &schemas.Document{
		Filing: schemas.Filing{DocID: strings.Repeat("b", 64), Form: "10-K"},
		Text: "Item 1. Business\nWe make pumps.\nItem 1A. Risk Factors\n" +
			"We depend on a few suppliers for key components.\n" +
			"A failure of any supplier could materially and adversely affect our results.\n" +
			"Item 7. Management's Discussion and Analysis\nNet sales were $1,234 million.\n",
	}
	res, err := passes.Run(ctx, doc, p, passes.Config{})
	if err != nil {
		t.Fatalf("passes.Run: %v", err)
	}
	found := false
	for _, r := range res.Risks {
		if r.Provider == "deepseek" && r.Heading == "We depend on a few suppliers for key components." {
			found = true
		}
	}
	if !found {
		t.Errorf("risks: got %+v, want the heading from the simulated model", res.Risks)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("llm-sim: got %v, want a clean stop", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("llm-sim did not stop after cancel")
	}
	if !strings.Contains(stdout.String(), "faults injected map[503:") {
		t.Errorf("summary: got %q, want the 503 count", stdout.String())
	}
}

func TestLLMSimInvalidFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"remote address", []string{"--addr", "0.0.0.0:0"}, "want a loopback host"},
		{"unknown fault", []string{"--addr", "127.0.0.1:0", "--fault", "slow"}, "unknown fault"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"llm-sim"}, tt.args...), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
