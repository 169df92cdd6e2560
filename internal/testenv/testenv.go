// Package testenv finds the real services and data that some tests need.
// Each lookup reads an environment variable; when it is unset the test is
// skipped, except under CI=true, where it fails, so that CI cannot pass by
// skipping what it was meant to run.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func lookup(t testing.TB, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI needs %s (.ci/run sets it)", name, what)
	}
	t.Skipf("%s is not set; skipping the test that needs %s", name, what)
	return ""
}

// Corpus returns the folder of real filings named by FINX_CORPUS, made
// absolute so that tests may change directory.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := lookup(t, "FINX_CORPUS", "the corpus of real filings")
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("FINX_CORPUS=%q: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(abs, "gold.jsonl")); err != nil {
		t.Fatalf("FINX_CORPUS=%q has no gold.jsonl: %v", dir, err)
	}
	return abs
}

// ClickHouseAddr returns the native-protocol address in FINX_CLICKHOUSE_ADDR.
func ClickHouseAddr(t testing.TB) string {
	t.Helper()
	return lookup(t, "FINX_CLICKHOUSE_ADDR", "a ClickHouse server")
}

// KafkaBrokers returns the broker list in FINX_KAFKA_BROKERS.
func KafkaBrokers(t testing.TB) string {
	t.Helper()
	return lookup(t, "FINX_KAFKA_BROKERS", "a Kafka cluster")
}
