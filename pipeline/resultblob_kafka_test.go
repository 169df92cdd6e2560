package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

// recordingProducer passes messages on to a writer and keeps a copy of each
// one the broker acknowledged.
type recordingProducer struct {
	w    *kafkago.Writer
	mu   sync.Mutex
	msgs []kafkago.Message
}

func (p *recordingProducer) WriteMessages(ctx context.Context, msgs ...kafkago.Message) error {
	if err := p.w.WriteMessages(ctx, msgs...); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, msgs...)
	return nil
}

func (p *recordingProducer) all() []kafkago.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]kafkago.Message(nil), p.msgs...)
}

// collectingSink keeps every result it is given.
type collectingSink struct {
	mu      sync.Mutex
	results map[string]*schemas.Result
}

func (s *collectingSink) Write(_ context.Context, results []*schemas.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range results {
		s.results[r.Filing.SourcePath] = r
	}
	return nil
}

func (s *collectingSink) WriteDeadLetters(context.Context, []schemas.DeadLetter) error { return nil }

func (s *collectingSink) get(source string) *schemas.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.results[source]
}

// resultWithRisks returns a valid result of f with n accepted risks.
func resultWithRisks(f schemas.Filing, n int) *schemas.Result {
	r := &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing:        f,
		Provider:      "test",
		ExtractedAt:   time.Unix(0, 0).UTC(),
	}
	for i := range n {
		r.Risks = append(r.Risks, schemas.Risk{
			ID: fmt.Sprintf("%016x", i), Heading: fmt.Sprintf("risk heading number %d", i), Category: "liquidity", Severity: "low",
			Citation: schemas.Citation{Quote: "heading", End: 7, CharEnd: 7, SourceOffset: -1, Match: schemas.MatchExact},
			Status:   schemas.StatusAccepted, Confidence: 1, Provider: "test",
		})
	}
	r.FillEmpty()
	return r
}

// bigRisks makes a result of about 1.6 MiB of JSON, above the 1 MiB message
// limit that the test brokers use (Apache Kafka's default message.max.bytes
// is about 1 MB).
const (
	bigRisks    = 5000
	smallRisks  = 2
	testMaxSize = 1 << 20
)

// pipelineBroker starts an embedded broker whose writers, readers and topics
// accept messages of at most testMaxSize bytes, and creates the topics.
func pipelineBroker(t *testing.T) kafka.Config {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := kafka.StartEmbedded(ctx, nil)
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	t.Cleanup(e.Close)
	cfg := kafka.Config{Brokers: e.Addrs(), MaxMessageBytes: testMaxSize, SessionTimeout: 2 * time.Second}.WithDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := kafka.EnsureTopics(ctx, cfg, kafka.Topics()...); err != nil {
		t.Fatalf("EnsureTopics: %v", err)
	}
	return cfg
}

// publishFilings puts one small filing per source path on filings.raw.
func publishFilings(t *testing.T, ctx context.Context, cfg kafka.Config, sources ...string) {
	t.Helper()
	w := kafka.NewWriter(cfg, kafka.TopicRaw)
	defer w.Close()
	for _, src := range sources {
		f := schemas.Filing{SourcePath: src, MediaType: schemas.MediaHTML, Form: "10-Q", Company: "Example Widgets Inc.", CIK: "0000123456"}
		msg, err := kafka.EncodeFiling(ctx, f, []byte("<html>"+src+"</html>"), 0, nil)
		if err != nil {
			t.Fatalf("EncodeFiling %s: %v", src, err)
		}
		if err := w.WriteMessages(ctx, msg); err != nil {
			t.Fatalf("publish %s: %v", src, err)
		}
	}
}

// extractByName returns bigRisks risks for big.htm and smallRisks for the
// other documents.
func extractByName(_ context.Context, f schemas.Filing, _ []byte) (*schemas.Result, error) {
	if f.SourcePath == "big.htm" {
		return resultWithRisks(f, bigRisks), nil
	}
	return resultWithRisks(f, smallRisks), nil
}

// runStages runs the stages until done reports true or 30s pass, then stops
// them and returns their errors.
func runStages(t *testing.T, done func() bool, stages ...interface{ Run(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, len(stages))
	for _, s := range stages {
		go func() { errs <- s.Run(ctx) }()
	}
	deadline := time.After(30 * time.Second)
	for !done() {
		select {
		case err := <-errs:
			cancel()
			t.Fatalf("stage stopped early: %v", err)
		case <-deadline:
			cancel()
			t.Fatal("stages did not finish within 30s")
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	for range stages {
		if err := <-errs; err != nil {
			t.Errorf("stage Run: %v", err)
		}
	}
}

func TestLargeResultByReferenceThroughKafka(t *testing.T) {
	cfg := pipelineBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	store, err := blob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	publishFilings(t, ctx, cfg, "big.htm", "small.htm")

	results := &recordingProducer{w: kafka.NewWriter(cfg, kafka.TopicExtracted)}
	flags, dlq := kafka.NewWriter(cfg, kafka.TopicRiskFlags), &recordingProducer{w: kafka.NewWriter(cfg, kafka.TopicDLQ)}
	extractIn := kafka.NewReader(cfg, "s3g-extract", kafka.TopicRaw)
	loadIn := kafka.NewReader(cfg, "s3g-load", kafka.TopicExtracted)
	for _, c := range []interface{ Close() error }{results.w, flags, dlq.w, extractIn, loadIn} {
		defer c.Close()
	}

	extract := &pipeline.ExtractStage{
		Consumer: extractIn, Results: results, Flags: flags, DeadLetters: dlq,
		Decode: func(ctx context.Context, msg kafkago.Message) (schemas.Filing, []byte, error) {
			return kafka.DecodeFiling(ctx, msg, store)
		},
		Extract:           extractByName,
		Workers:           1,
		Blobs:             store,
		ResultInlineLimit: cfg.InlineLimit,
	}
	sink := &collectingSink{results: map[string]*schemas.Result{}}
	load := &pipeline.LoadStage{
		Consumer: loadIn, Sink: sink, DeadLetters: dlq, Blobs: store,
		Batch: pipeline.BatchConfig{Rows: 1, Interval: 50 * time.Millisecond},
	}
	// A dead letter ends the wait too, so that the check below reports it.
	runStages(t, func() bool {
		return len(dlq.all()) > 0 || sink.get("big.htm") != nil && sink.get("small.htm") != nil
	}, extract, load)

	if letters := dlq.all(); len(letters) != 0 {
		t.Fatalf("got %d dead letters, want 0; first: %s", len(letters), letters[0].Value)
	}
	if got := len(sink.get("big.htm").Risks); got != bigRisks {
		t.Errorf("big.htm: got %d risks in the sink, want %d", got, bigRisks)
	}
	if got := len(sink.get("small.htm").Risks); got != smallRisks {
		t.Errorf("small.htm: got %d risks in the sink, want %d", got, smallRisks)
	}

	published := map[string]kafkago.Message{}
	for _, m := range results.all() {
		published[headerValue(m, pipeline.HeaderResultBlob)] = m
	}
	var byRef, inline int
	for ref, m := range published {
		if ref == "" {
			inline++
			if len(m.Value) == 0 {
				t.Errorf("got an inline result with an empty value, want its JSON")
			}
			continue
		}
		byRef++
		if len(m.Value) != 0 {
			t.Errorf("got result by reference %s with a %d-byte value, want empty", ref, len(m.Value))
		}
		if got := headerValue(m, pipeline.HeaderSchema); got != schemas.SchemaResult {
			t.Errorf("result by reference: got %s %q, want %q", pipeline.HeaderSchema, got, schemas.SchemaResult)
		}
		data, err := store.Get(ctx, ref)
		if err != nil {
			t.Fatalf("blob %s: %v", ref, err)
		}
		t.Logf("result by reference: %d bytes of JSON in blob %s", len(data), ref)
		if len(data) <= testMaxSize {
			t.Errorf("got blob of %d bytes, want a result above the %d-byte message limit", len(data), testMaxSize)
		}
		var res schemas.Result
		if err := json.Unmarshal(data, &res); err != nil || res.Filing.SourcePath != "big.htm" {
			t.Errorf("blob %s: got result of %q (err %v), want big.htm", ref, res.Filing.SourcePath, err)
		}
	}
	if byRef != 1 || inline != 1 {
		t.Errorf("got %d results by reference and %d inline, want 1 and 1", byRef, inline)
	}
}

func TestLargeResultWithoutBlobStoreDeadLettered(t *testing.T) {
	cfg := pipelineBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	publishFilings(t, ctx, cfg, "big.htm")

	results, flags := kafka.NewWriter(cfg, kafka.TopicExtracted), kafka.NewWriter(cfg, kafka.TopicRiskFlags)
	dlq := &recordingProducer{w: kafka.NewWriter(cfg, kafka.TopicDLQ)}
	in := kafka.NewReader(cfg, "s3g-extract-noblobs", kafka.TopicRaw)
	for _, c := range []interface{ Close() error }{results, flags, dlq.w, in} {
		defer c.Close()
	}
	extract := &pipeline.ExtractStage{
		Consumer: in, Results: results, Flags: flags, DeadLetters: dlq,
		Decode: func(ctx context.Context, msg kafkago.Message) (schemas.Filing, []byte, error) {
			return kafka.DecodeFiling(ctx, msg, nil)
		},
		Extract: extractByName,
		Workers: 1,
	}
	runStages(t, func() bool { return len(dlq.all()) > 0 }, extract)

	var dl schemas.DeadLetter
	if err := json.Unmarshal(dlq.all()[0].Value, &dl); err != nil {
		t.Fatal(err)
	}
	if dl.Reason != "produce_failed" {
		t.Errorf("got reason %q, want produce_failed (error %s)", dl.Reason, dl.Error)
	}
}

func headerValue(msg kafkago.Message, key string) string {
	for _, h := range msg.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
