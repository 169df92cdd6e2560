package main

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

func TestUsageErrorsExitTwo(t *testing.T) {
	t.Setenv("FINX_KAFKA_BROKERS", "")
	t.Setenv("FINX_CLICKHOUSE_ADDR", "")
	cases := []struct {
		name string
		args []string
	}{
		{"unknown provider", []string{"demo", "--provider", "bogus", "../../fixtures"}},
		{"unknown log level", []string{"demo", "--log-level", "bogus", "../../fixtures"}},
		{"threshold out of range", []string{"demo", "--accept-min", "2", "../../fixtures"}},
		{"migrate without an address", []string{"migrate"}},
		{"publish without brokers", []string{"publish", "--brokers", "", "fixtures"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), c.args, &stdout, &stderr)
			if err == nil {
				t.Fatal("got nil error, want a usage error")
			}
			var exit exitError
			if !errors.As(err, &exit) && !isUsageError(err) {
				t.Errorf("error %q: exits 1, want 2 for a command-line mistake", err)
			}
		})
	}
	if isUsageError(errors.New("pdf: filing.pdf: truncated_pdf: no %%EOF marker")) {
		t.Error("a document error counts as a usage error")
	}
}
