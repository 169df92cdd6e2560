package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// fakeConsumer serves a fixed list of messages, then blocks until ctx ends.
type fakeConsumer struct {
	mu        sync.Mutex
	msgs      []kafka.Message
	next      int
	committed []int64
}

func newFakeConsumer(topic string, values ...[]byte) *fakeConsumer {
	c := &fakeConsumer{}
	for i, v := range values {
		c.msgs = append(c.msgs, kafka.Message{Topic: topic, Offset: int64(i), Key: []byte(fmt.Sprintf("key-%d", i)), Value: v})
	}
	return c
}

func (c *fakeConsumer) FetchMessage(ctx context.Context) (kafka.Message, error) {
	c.mu.Lock()
	if c.next < len(c.msgs) {
		m := c.msgs[c.next]
		c.next++
		c.mu.Unlock()
		return m, nil
	}
	c.mu.Unlock()
	<-ctx.Done()
	return kafka.Message{}, ctx.Err()
}

func (c *fakeConsumer) CommitMessages(_ context.Context, msgs ...kafka.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		c.committed = append(c.committed, m.Offset)
	}
	return nil
}

func (c *fakeConsumer) commits() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int64(nil), c.committed...)
}

// fakeProducer records messages; fail, when set, decides per call.
type fakeProducer struct {
	mu   sync.Mutex
	msgs []kafka.Message
	fail func(kafka.Message) error
}

func (p *fakeProducer) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range msgs {
		if p.fail != nil {
			if err := p.fail(m); err != nil {
				return err
			}
		}
	}
	p.msgs = append(p.msgs, msgs...)
	return nil
}

func (p *fakeProducer) all() []kafka.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]kafka.Message(nil), p.msgs...)
}

type reasonError struct{ reason string }

func (e reasonError) Error() string  { return "parse failed: " + e.reason }
func (e reasonError) Reason() string { return e.reason }

const testDocID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func testResult(source string, severities ...string) *schemas.Result {
	r := &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing:        schemas.Filing{DocID: testDocID, SourcePath: source, MediaType: schemas.MediaHTML},
		Provider:      "test",
		ExtractedAt:   time.Unix(0, 0).UTC(),
	}
	for i, sev := range severities {
		r.Risks = append(r.Risks, schemas.Risk{
			ID: fmt.Sprintf("%016x", i), Heading: "heading", Category: "liquidity", Severity: sev,
			Citation: schemas.Citation{Quote: "heading", End: 7, CharEnd: 7, SourceOffset: -1, Match: schemas.MatchExact},
			Status:   schemas.StatusAccepted, Confidence: 1, Provider: "test",
		})
	}
	r.FillEmpty()
	return r
}

// runUntil runs fn in the background and cancels it once done reports true.
func runUntil(t *testing.T, run func(ctx context.Context) error, done func() bool) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- run(ctx) }()
	deadline := time.After(10 * time.Second)
	for !done() {
		select {
		case err := <-errc:
			cancel()
			return err
		case <-deadline:
			cancel()
			t.Fatal("stage did not finish within 10s")
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	return <-errc
}

var fastBackoff = Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond, Attempts: 3}

func TestExtractStageOutcomes(t *testing.T) {
	in := newFakeConsumer("filings.raw", []byte("ok"), []byte("bad"), []byte("panic"), []byte("flag"))
	results, flags, dlq := &fakeProducer{}, &fakeProducer{}, &fakeProducer{}
	stage := &ExtractStage{
		Consumer: in, Results: results, Flags: flags, DeadLetters: dlq,
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "doc-" + string(msg.Value)}, msg.Value, nil
		},
		Extract: func(_ context.Context, f schemas.Filing, content []byte) (*schemas.Result, error) {
			switch string(content) {
			case "bad":
				return nil, reasonError{"not_pdf"}
			case "panic":
				panic("boom")
			case "flag":
				return testResult(f.SourcePath, "high", "low", "high"), nil
			}
			return testResult(f.SourcePath), nil
		},
		Workers: 3,
		Backoff: fastBackoff,
	}
	err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 4 })
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := in.commits(); fmt.Sprint(got) != "[0 1 2 3]" {
		t.Errorf("commits = %v, want [0 1 2 3] in fetch order", got)
	}
	if got := len(results.all()); got != 2 {
		t.Errorf("results = %d, want 2", got)
	}
	if got := len(flags.all()); got != 2 {
		t.Errorf("risk flags = %d, want 2 (the high-severity risks)", got)
	}
	if got := stage.Flagged(); got != 2 {
		t.Errorf("Flagged() = %d, want 2", got)
	}
	letters := dlq.all()
	if len(letters) != 2 {
		t.Fatalf("dead letters = %d, want 2", len(letters))
	}
	reasons := map[string]string{}
	for _, m := range letters {
		var dl schemas.DeadLetter
		if err := json.Unmarshal(m.Value, &dl); err != nil {
			t.Fatal(err)
		}
		reasons[dl.SourcePath] = dl.Reason
		if dl.Stage != schemas.StageExtract {
			t.Errorf("dead letter stage = %q, want extract", dl.Stage)
		}
	}
	if reasons["doc-bad"] != "not_pdf" {
		t.Errorf("reason for doc-bad = %q, want not_pdf", reasons["doc-bad"])
	}
	if reasons["doc-panic"] != "panic" {
		t.Errorf("reason for doc-panic = %q, want panic", reasons["doc-panic"])
	}
}

type tempErr struct{}

func (tempErr) Error() string   { return "broker unavailable" }
func (tempErr) Temporary() bool { return true }

func TestExtractStageProduceFailureNotCommitted(t *testing.T) {
	start := time.Now()
	in := newFakeConsumer("filings.raw", []byte("a"), []byte("b"))
	results := &fakeProducer{fail: func(m kafka.Message) error { return tempErr{} }}
	stage := &ExtractStage{
		Consumer: in, Results: results, Flags: &fakeProducer{}, DeadLetters: &fakeProducer{},
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "x"}, msg.Value, nil
		},
		Extract: func(context.Context, schemas.Filing, []byte) (*schemas.Result, error) {
			return testResult("x"), nil
		},
		Workers:      1,
		DrainTimeout: 20 * time.Millisecond,
		Backoff:      fastBackoff,
	}
	// A temporary error is retried until the stage stops.
	err := runUntil(t, stage.Run, func() bool { return len(results.all()) == 0 && time.Since(start) > 50*time.Millisecond })
	var se *StageError
	if !errors.As(err, &se) {
		t.Fatalf("Run = %v, want a *StageError", err)
	}
	if got := in.commits(); len(got) != 0 {
		t.Errorf("commits = %v, want none after a failed produce", got)
	}
}

type fakeSink struct {
	mu      sync.Mutex
	loaded  []string
	letters []schemas.DeadLetter
	reject  string
}

func (s *fakeSink) Write(_ context.Context, results []*schemas.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range results {
		if r.Filing.SourcePath == s.reject {
			return errors.New("clickhouse: bad row for " + r.Filing.SourcePath)
		}
	}
	for _, r := range results {
		s.loaded = append(s.loaded, r.Filing.SourcePath)
	}
	return nil
}

func (s *fakeSink) WriteDeadLetters(_ context.Context, letters []schemas.DeadLetter) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.letters = append(s.letters, letters...)
	return nil
}

func encode(t *testing.T, r *schemas.Result) []byte {
	t.Helper()
	b, err := schemas.Marshal(schemas.SchemaResult, r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadStageFallsBackPerResult(t *testing.T) {
	in := newFakeConsumer("filings.extracted",
		encode(t, testResult("a")), encode(t, testResult("b")), []byte(`{"not":"a result"}`), encode(t, testResult("c")))
	sink := &fakeSink{reject: "b"}
	dlq := &fakeProducer{}
	var loaded int
	var mu sync.Mutex
	stage := &LoadStage{
		Consumer: in, Sink: sink, DeadLetters: dlq,
		Batch:   BatchConfig{Rows: 10, Interval: 20 * time.Millisecond},
		Backoff: fastBackoff,
		OnLoaded: func(rs []*schemas.Result) {
			mu.Lock()
			loaded += len(rs)
			mu.Unlock()
		},
	}
	err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 4 })
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if strings.Join(sink.loaded, ",") != "a,c" {
		t.Errorf("loaded %v, want [a c]", sink.loaded)
	}
	if loaded != 2 {
		t.Errorf("OnLoaded saw %d results, want 2", loaded)
	}
	var reasons []string
	for _, m := range dlq.all() {
		var dl schemas.DeadLetter
		if err := json.Unmarshal(m.Value, &dl); err != nil {
			t.Fatal(err)
		}
		reasons = append(reasons, dl.Reason)
	}
	if strings.Join(reasons, ",") != "invalid_result,sink_write_failed" {
		t.Errorf("dead-letter reasons %v, want [invalid_result sink_write_failed]", reasons)
	}
}

func TestDeadLetterRecorder(t *testing.T) {
	dl := schemas.DeadLetter{SchemaVersion: 1, DocID: testDocID, SourcePath: "x.pdf", Stage: "extract", Reason: "not_pdf", Error: "pdf: x.pdf: no %PDF- header", FailedAt: time.Unix(0, 0).UTC()}
	good, _ := json.Marshal(dl)
	in := newFakeConsumer("filings.dlq", good, []byte("garbage"))
	sink := &fakeSink{}
	rec := &DeadLetterRecorder{Consumer: in, Sink: sink, Batch: BatchConfig{Interval: 10 * time.Millisecond}, Backoff: fastBackoff}
	if err := runUntil(t, rec.Run, func() bool { return len(in.commits()) == 2 }); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(sink.letters) != 1 || sink.letters[0].Reason != "not_pdf" {
		t.Errorf("recorded %+v, want the one valid dead letter", sink.letters)
	}
}

func TestBackoffWait(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second, Jitter: 0.01}
	cases := []struct {
		attempt int
		want    time.Duration
	}{{1, 100 * time.Millisecond}, {2, 200 * time.Millisecond}, {4, 800 * time.Millisecond}, {10, time.Second}}
	for _, c := range cases {
		got := b.Wait(c.attempt)
		if got < c.want*99/100 || got > c.want*101/100 {
			t.Errorf("Wait(%d) = %v, want %v within 1%%", c.attempt, got, c.want)
		}
	}
}

type waitErr struct{}

func (waitErr) Error() string             { return "slow down" }
func (waitErr) Temporary() bool           { return true }
func (waitErr) RetryAfter() time.Duration { return 30 * time.Millisecond }

func TestBackoffDo(t *testing.T) {
	t.Run("permanent error not retried", func(t *testing.T) {
		calls := 0
		err := fastBackoff.Do(context.Background(), nil, "op", func(context.Context) error {
			calls++
			return errors.New("bad request")
		})
		if err == nil || calls != 1 {
			t.Errorf("calls = %d, err = %v; want 1 call and the error", calls, err)
		}
	})
	t.Run("temporary error retried to the limit", func(t *testing.T) {
		calls := 0
		err := fastBackoff.Do(context.Background(), nil, "op", func(context.Context) error {
			calls++
			return tempErr{}
		})
		if err == nil || calls != 3 {
			t.Errorf("calls = %d, err = %v; want 3 calls and the error", calls, err)
		}
	})
	t.Run("retry-after honoured", func(t *testing.T) {
		calls := 0
		start := time.Now()
		err := fastBackoff.Do(context.Background(), nil, "op", func(context.Context) error {
			calls++
			if calls == 1 {
				return waitErr{}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < 30*time.Millisecond {
			t.Errorf("waited %v, want at least the 30ms Retry-After", waited)
		}
	})
}

func TestExtractStageDocumentTimeout(t *testing.T) {
	in := newFakeConsumer("filings.raw", []byte("slow"), []byte("ok"))
	dlq := &fakeProducer{}
	release := make(chan struct{})
	defer close(release)
	stage := &ExtractStage{
		Consumer: in, Results: &fakeProducer{}, Flags: &fakeProducer{}, DeadLetters: dlq,
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "doc-" + string(msg.Value)}, msg.Value, nil
		},
		// The slow document ignores its context, as a stuck parser would.
		Extract: func(_ context.Context, f schemas.Filing, content []byte) (*schemas.Result, error) {
			if string(content) == "slow" {
				<-release
			}
			return testResult(f.SourcePath), nil
		},
		Workers:         1,
		DocumentTimeout: 50 * time.Millisecond,
		Backoff:         fastBackoff,
	}
	if err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 2 }); err != nil {
		t.Fatalf("Run: %v", err)
	}
	letters := dlq.all()
	if len(letters) != 1 {
		t.Fatalf("dead letters = %d, want 1", len(letters))
	}
	var dl schemas.DeadLetter
	if err := json.Unmarshal(letters[0].Value, &dl); err != nil {
		t.Fatal(err)
	}
	if dl.Reason != "extract_timeout" || !strings.Contains(dl.Error, "doc-slow") {
		t.Errorf("dead letter reason %q, error %q; want extract_timeout naming doc-slow", dl.Reason, dl.Error)
	}
}

func TestExtractStageDrainTimeoutLeavesUncommitted(t *testing.T) {
	in := newFakeConsumer("filings.raw", []byte("stuck"))
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	stage := &ExtractStage{
		Consumer: in, Results: &fakeProducer{}, Flags: &fakeProducer{}, DeadLetters: &fakeProducer{},
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "doc"}, msg.Value, nil
		},
		Extract: func(context.Context, schemas.Filing, []byte) (*schemas.Result, error) {
			close(started)
			<-release
			return nil, errors.New("unreachable")
		},
		Workers:      1,
		DrainTimeout: 20 * time.Millisecond,
		Backoff:      fastBackoff,
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- stage.Run(ctx) }()
	<-started
	cancel()
	select {
	case <-errc:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of the drain timeout")
	}
	if got := in.commits(); len(got) != 0 {
		t.Errorf("commits = %v, want none for a document cut off by shutdown", got)
	}
}

// flakySink fails with a temporary error until up is set.
type flakySink struct {
	fakeSink
	up    atomic.Bool
	fails atomic.Int32
}

func (s *flakySink) Write(ctx context.Context, results []*schemas.Result) error {
	if !s.up.Load() {
		s.fails.Add(1)
		return tempErr{}
	}
	return s.fakeSink.Write(ctx, results)
}

func TestLoadStageWaitsOutSinkOutage(t *testing.T) {
	in := newFakeConsumer("filings.extracted", encode(t, testResult("a")), encode(t, testResult("b")))
	sink := &flakySink{}
	dlq := &fakeProducer{}
	stage := &LoadStage{
		Consumer: in, Sink: sink, DeadLetters: dlq,
		Batch:   BatchConfig{Rows: 10, Interval: 5 * time.Millisecond},
		Backoff: Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond, Attempts: 2},
	}
	go func() {
		// Stay down well past the backoff's attempts, then recover.
		for sink.fails.Load() < 20 {
			time.Sleep(time.Millisecond)
		}
		sink.up.Store(true)
	}()
	if err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 2 }); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := len(dlq.all()); got != 0 {
		t.Errorf("dead letters = %d, want 0: an outage is not the results' fault", got)
	}
	if strings.Join(sink.loaded, ",") != "a,b" {
		t.Errorf("loaded %v, want [a b]", sink.loaded)
	}
}

func TestLoadStageDrainTimeoutWithSinkDown(t *testing.T) {
	in := newFakeConsumer("filings.extracted", encode(t, testResult("a")))
	sink := &flakySink{}
	stage := &LoadStage{
		Consumer: in, Sink: sink, DeadLetters: &fakeProducer{},
		Batch:   BatchConfig{Rows: 10, Interval: 5 * time.Millisecond, DrainTimeout: 30 * time.Millisecond},
		Backoff: Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond},
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- stage.Run(ctx) }()
	for sink.fails.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-errc:
		if err == nil {
			t.Error("Run returned nil with the batch unstored, want a stage error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of the drain timeout")
	}
	if got := in.commits(); len(got) != 0 {
		t.Errorf("commits = %v, want none while the sink is down", got)
	}
}
