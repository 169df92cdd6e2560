package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// testLogger returns a logger that writes to stderr with -v and
// FINX_TEST_LOG=debug, and discards otherwise.
func testLogger() *slog.Logger {
	if os.Getenv("FINX_TEST_LOG") == "debug" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

// startBroker starts an embedded broker for one test and returns a Config
// pointing at it.
func startBroker(t *testing.T) Config {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := StartEmbedded(ctx, testLogger())
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	t.Cleanup(e.Close)
	return Config{Brokers: e.Addrs(), Logger: testLogger()}.WithDefaults()
}

var topicSeq atomic.Int64

// uniqueTopic returns a topic name unused in this test binary.
func uniqueTopic(prefix string) string {
	return fmt.Sprintf("%s.%d", prefix, topicSeq.Add(1))
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	t.Helper()
	return context.WithTimeout(context.Background(), d)
}
