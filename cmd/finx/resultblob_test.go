package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/connectors/kafkatest"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

// loadedSink keeps the results that the load stage writes.
type loadedSink struct {
	mu      sync.Mutex
	results []*schemas.Result
}

func (s *loadedSink) Write(_ context.Context, results []*schemas.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = append(s.results, results...)
	return nil
}

func (s *loadedSink) WriteDeadLetters(context.Context, []schemas.DeadLetter) error { return nil }

func (s *loadedSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.results)
}

// TestResultBlobMissingReplay sends a result by blob reference through the
// stages that cmd/finx wires and removes the blob, so that the load stage
// dead-letters it as blob_missing. It then restores the blob, replays the
// letter and checks that the load stage writes the result.
func TestResultBlobMissingReplay(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	ctx := testContext(t, 60*time.Second)
	store, err := blob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "wide.htm", MediaType: schemas.MediaHTML}, []byte("<p>wide</p>"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeOne(t, cfg, kafka.TopicRaw, msg)

	const risks = 20
	extract := func(_ context.Context, f schemas.Filing, _ []byte) (*schemas.Result, error) {
		r := &schemas.Result{SchemaVersion: schemas.SchemaVersion, Filing: f, Provider: "test", ExtractedAt: time.Now().UTC()}
		for i := range risks {
			r.Risks = append(r.Risks, schemas.Risk{
				ID: fmt.Sprintf("%016x", i), Heading: "heading", Category: "liquidity", Severity: "low",
				Citation: schemas.Citation{Quote: "heading", End: 7, CharEnd: 7, SourceOffset: -1, Match: schemas.MatchExact},
				Status:   schemas.StatusAccepted, Confidence: 1, Provider: "test",
			})
		}
		r.FillEmpty()
		return r, nil
	}
	backoff := pipeline.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond, Attempts: 3}
	runStage := func(stage interface{ Run(context.Context) error }, until func() bool) {
		t.Helper()
		stageCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- stage.Run(stageCtx) }()
		for !until() {
			if ctx.Err() != nil {
				cancel()
				t.Fatal("stage did not produce the expected message in time")
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("stage Run: %v", err)
		}
	}

	st := stages{groupPrefix: "resultblob-test"}
	defer st.Close()
	extractStage := st.extract(cfg, store, extract, 1, nil, nil)
	extractStage.Backoff = backoff
	// A small limit sends this result by reference without building
	// 512 KiB of JSON.
	extractStage.ResultInlineLimit = 64
	runStage(extractStage, func() bool { return len(topicMessages(t, cfg, kafka.TopicExtracted)) == 1 })

	published := topicMessages(t, cfg, kafka.TopicExtracted)[0]
	ref := string(headerValue(published.Headers, pipeline.HeaderResultBlob))
	if ref == "" || len(published.Value) != 0 {
		t.Fatalf("got result with %s %q and a %d-byte value, want a reference and an empty value", pipeline.HeaderResultBlob, ref, len(published.Value))
	}
	path, err := store.Path(ref)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read blob %s: %v", ref, err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}

	sink := &loadedSink{}
	// Each run gets its own reader, closed afterwards, so that the group's
	// partitions pass to the next run's reader.
	runLoad := func(until func() bool) {
		t.Helper()
		loadStages := stages{groupPrefix: "resultblob-test"}
		defer loadStages.Close()
		load := loadStages.load(cfg, sink, nil, nil, nil)
		load.Blobs = store
		load.Backoff = backoff
		load.Batch = pipeline.BatchConfig{Rows: 1, Interval: 50 * time.Millisecond}
		runStage(load, until)
	}
	runLoad(func() bool { return len(topicMessages(t, cfg, kafka.TopicDLQ)) == 1 })
	var dl schemas.DeadLetter
	if err := json.Unmarshal(topicMessages(t, cfg, kafka.TopicDLQ)[0].Value, &dl); err != nil {
		t.Fatal(err)
	}
	if dl.Reason != "blob_missing" || dl.Stage != schemas.StageLoad {
		t.Fatalf("got %s dead letter with reason %q (%s), want load blob_missing", dl.Stage, dl.Reason, dl.Error)
	}
	if n := sink.count(); n != 0 {
		t.Fatalf("got %d results in the sink while the blob is missing, want 0", n)
	}

	if got, err := store.Put(ctx, stored); err != nil || got != ref {
		t.Fatalf("restore blob: got ref %s, err %v, want %s", got, err, ref)
	}
	out, err := runReplay(t, "--brokers", strings.Join(cfg.Brokers, ","), "--reason", "blob_missing")
	if err != nil || !strings.Contains(out, "1 replayed") {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	runLoad(func() bool { return sink.count() == 1 })
	if got := len(sink.results[0].Risks); got != risks {
		t.Errorf("got %d risks in the loaded result, want %d", got, risks)
	}
}
