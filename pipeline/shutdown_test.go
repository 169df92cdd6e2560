package pipeline

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// TestExtractStageShutdownDrainsInFlight stops the stage, as SIGTERM does,
// while three documents are being extracted: they finish, their results are
// published and their offsets committed before Run returns nil.
func TestExtractStageShutdownDrainsInFlight(t *testing.T) {
	in := newFakeConsumer("filings.raw", []byte("a"), []byte("b"), []byte("c"))
	results := &fakeProducer{}
	var started atomic.Int32
	release := make(chan struct{})
	stage := &ExtractStage{
		Consumer: in, Results: results, Flags: &fakeProducer{}, DeadLetters: &fakeProducer{},
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "doc-" + string(msg.Value)}, msg.Value, nil
		},
		Extract: func(ctx context.Context, f schemas.Filing, _ []byte) (*schemas.Result, error) {
			started.Add(1)
			<-release
			// The document's context outlives the stage's: shutdown must not
			// cancel work in flight.
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return testResult(f.SourcePath), nil
		},
		Workers: 3,
		Backoff: fastBackoff,
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- stage.Run(ctx) }()
	for started.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	time.Sleep(20 * time.Millisecond)
	close(release)

	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run: got %v, want nil after a drain", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of the shutdown")
	}
	if got := fmt.Sprint(in.commits()); got != "[0 1 2]" {
		t.Errorf("commits: got %s, want [0 1 2]", got)
	}
	if got := len(results.all()); got != 3 {
		t.Errorf("results: got %d, want 3", got)
	}
}

// TestLoadStageShutdownFlushesBatch stops the load stage with a partial
// batch waiting for its interval: the batch is written and committed first.
func TestLoadStageShutdownFlushesBatch(t *testing.T) {
	in := newFakeConsumer("filings.extracted", encode(t, testResult("a")), encode(t, testResult("b")))
	sink := &fakeSink{}
	stage := &LoadStage{
		Consumer: in, Sink: sink, DeadLetters: &fakeProducer{},
		Batch:   BatchConfig{Rows: 100, Interval: time.Hour},
		Backoff: fastBackoff,
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- stage.Run(ctx) }()
	for {
		in.mu.Lock()
		fetched := in.next
		in.mu.Unlock()
		if fetched == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// Both messages are fetched; give the batcher a moment to take them.
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run: got %v, want nil after a drain", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of the shutdown")
	}
	sink.mu.Lock()
	loaded := strings.Join(sink.loaded, ",")
	sink.mu.Unlock()
	if loaded != "a,b" {
		t.Errorf("loaded: got %s, want a,b", loaded)
	}
	if got := fmt.Sprint(in.commits()); got != "[0 1]" {
		t.Errorf("commits: got %s, want [0 1]", got)
	}
}
