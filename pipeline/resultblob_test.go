package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// memBlobs is an in-memory BlobPutter and BlobGetter. putErr, when set,
// fails every Put.
type memBlobs struct {
	mu     sync.Mutex
	data   map[string][]byte
	putErr error
}

func newMemBlobs() *memBlobs { return &memBlobs{data: map[string][]byte{}} }

func (m *memBlobs) Put(_ context.Context, data []byte) (string, error) {
	if m.putErr != nil {
		return "", m.putErr
	}
	ref := contentRef(data)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[ref] = append([]byte(nil), data...)
	return ref, nil
}

func (m *memBlobs) Get(_ context.Context, ref string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.data[ref]
	if !ok {
		return nil, fmt.Errorf("mem blobs: %s: %w", ref, fs.ErrNotExist)
	}
	return data, nil
}

// bigResult returns a valid result with n risks, about 400 bytes of JSON
// each.
func bigResult(source string, n int) *schemas.Result {
	sev := make([]string, n)
	for i := range sev {
		sev[i] = "low"
	}
	return testResult(source, sev...)
}

func TestExtractResultInlineOrBlob(t *testing.T) {
	tests := []struct {
		name    string
		risks   int
		limit   int
		blobs   bool
		wantRef bool
	}{
		{name: "small result inline", risks: 1, limit: 4 << 10, blobs: true, wantRef: false},
		{name: "large result by reference", risks: 100, limit: 4 << 10, blobs: true, wantRef: true},
		{name: "large result without store inline", risks: 100, limit: 4 << 10, blobs: false, wantRef: false},
		{name: "default limit keeps mid-size inline", risks: 100, limit: 0, blobs: true, wantRef: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newFakeConsumer("filings.raw", []byte("doc"))
			results, flags, dlq := &fakeProducer{}, &fakeProducer{}, &fakeProducer{}
			store := newMemBlobs()
			want := bigResult("doc.htm", tt.risks)
			stage := &ExtractStage{
				Consumer: in, Results: results, Flags: flags, DeadLetters: dlq,
				Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
					return want.Filing, msg.Value, nil
				},
				Extract: func(context.Context, schemas.Filing, []byte) (*schemas.Result, error) {
					return want, nil
				},
				Backoff:           fastBackoff,
				ResultInlineLimit: tt.limit,
			}
			if tt.blobs {
				stage.Blobs = store
			}
			if err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 1 }); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if n := len(dlq.all()); n != 0 {
				t.Fatalf("got %d dead letters, want 0", n)
			}
			out := results.all()
			if len(out) != 1 {
				t.Fatalf("got %d results, want 1", len(out))
			}
			msg := out[0]
			if got := header(msg, HeaderSchema); got != schemas.SchemaResult {
				t.Errorf("got %s %q, want %q", HeaderSchema, got, schemas.SchemaResult)
			}
			if got := string(msg.Key); got != testDocID {
				t.Errorf("got key %q, want %q", got, testDocID)
			}
			ref := header(msg, HeaderResultBlob)
			if got := ref != ""; got != tt.wantRef {
				t.Fatalf("got %s header %q, want present %v", HeaderResultBlob, ref, tt.wantRef)
			}

			value := msg.Value
			if tt.wantRef {
				if len(msg.Value) != 0 {
					t.Errorf("got value of %d bytes with a blob reference, want empty", len(msg.Value))
				}
				var err error
				if value, err = store.Get(context.Background(), ref); err != nil {
					t.Fatalf("blob of %s: %v", ref, err)
				}
				if len(value) <= tt.limit {
					t.Errorf("got blob of %d bytes, want more than the %d-byte limit", len(value), tt.limit)
				}
			}
			var got schemas.Result
			if err := json.Unmarshal(value, &got); err != nil {
				t.Fatalf("decode result: %v", err)
			}
			if len(got.Risks) != tt.risks {
				t.Errorf("got %d risks, want %d", len(got.Risks), tt.risks)
			}
		})
	}
}

func TestExtractBlobPutFailure(t *testing.T) {
	in := newFakeConsumer("filings.raw", []byte("doc"))
	results, flags, dlq := &fakeProducer{}, &fakeProducer{}, &fakeProducer{}
	store := newMemBlobs()
	store.putErr = errors.New("no space left on device")

	stage := &ExtractStage{
		Consumer: in, Results: results, Flags: flags, DeadLetters: dlq,
		Decode: func(_ context.Context, msg kafka.Message) (schemas.Filing, []byte, error) {
			return schemas.Filing{DocID: testDocID, SourcePath: "doc.htm"}, msg.Value, nil
		},
		Extract: func(context.Context, schemas.Filing, []byte) (*schemas.Result, error) {
			return bigResult("doc.htm", 50), nil
		},
		Backoff:           fastBackoff,
		Blobs:             store,
		ResultInlineLimit: 1 << 10,
	}
	if err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 1 }); err != nil {
		t.Fatalf("Run: %v", err)
	}

	if n := len(results.all()); n != 0 {
		t.Errorf("got %d results, want 0", n)
	}
	letters := dlq.all()
	if len(letters) != 1 {
		t.Fatalf("got %d dead letters, want 1", len(letters))
	}

	dl := decodeLetter(t, letters[0])
	if dl.Reason != reasonBlobPutFailed {
		t.Errorf("got reason %q, want %q", dl.Reason, reasonBlobPutFailed)
	}
	if !strings.Contains(dl.Error, "no space left") {
		t.Errorf("got error %q, want the blob store's error in it", dl.Error)
	}
}

// resultSink records the results it is given.
type resultSink struct {
	mu      sync.Mutex
	results []*schemas.Result
}

func (s *resultSink) Write(_ context.Context, results []*schemas.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = append(s.results, results...)
	return nil
}

func (s *resultSink) WriteDeadLetters(context.Context, []schemas.DeadLetter) error { return nil }

func (s *resultSink) all() []*schemas.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*schemas.Result(nil), s.results...)
}

func decodeLetter(t *testing.T, msg kafka.Message) schemas.DeadLetter {
	t.Helper()
	var dl schemas.DeadLetter
	if err := json.Unmarshal(msg.Value, &dl); err != nil {
		t.Fatalf("decode dead letter: %v", err)
	}
	return dl
}

// corruptBlobs returns bytes that do not hash to the requested reference,
// as a damaged store would.
type corruptBlobs struct{}

func (corruptBlobs) Get(context.Context, string) ([]byte, error) { return []byte("{}"), nil }

// corruptError mimics blob.CorruptError's Corrupt method.
type corruptError struct{}

func (corruptError) Error() string { return "stored bytes differ" }
func (corruptError) Corrupt() bool { return true }

type errBlobs struct{ err error }

func (b errBlobs) Get(context.Context, string) ([]byte, error) { return nil, b.err }

func TestLoadResultByReference(t *testing.T) {
	res := bigResult("doc.htm", 3)
	value, err := schemas.Marshal(schemas.SchemaResult, res)
	if err != nil {
		t.Fatal(err)
	}
	ref := contentRef(value)
	stored := newMemBlobs()
	if _, err := stored.Put(context.Background(), value); err != nil {
		t.Fatal(err)
	}
	refMsg := func(value []byte, refs ...string) kafka.Message {
		msg := kafka.Message{Topic: "filings.extracted", Key: []byte(testDocID), Value: value,
			Headers: []kafka.Header{{Key: HeaderSchema, Value: []byte(schemas.SchemaResult)}}}
		for _, r := range refs {
			msg.Headers = append(msg.Headers, kafka.Header{Key: HeaderResultBlob, Value: []byte(r)})
		}
		return msg
	}

	tests := []struct {
		name       string
		msg        kafka.Message
		blobs      BlobGetter
		wantReason string // empty when the result must reach the sink
	}{
		{name: "inline", msg: refMsg(value), blobs: nil},
		{name: "stored blob", msg: refMsg(nil, ref), blobs: stored},
		{name: "missing blob", msg: refMsg(nil, ref), blobs: newMemBlobs(), wantReason: reasonBlobMissing},
		{name: "no blob store", msg: refMsg(nil, ref), blobs: nil, wantReason: reasonNoBlobStore},
		{name: "blob hash differs", msg: refMsg(nil, ref), blobs: corruptBlobs{}, wantReason: reasonBlobCorrupt},
		{name: "store reports corrupt", msg: refMsg(nil, ref), blobs: errBlobs{corruptError{}}, wantReason: reasonBlobCorrupt},
		{name: "store read fails", msg: refMsg(nil, ref), blobs: errBlobs{errors.New("permission denied")}, wantReason: reasonBlobUnavailable},
		{name: "value beside reference", msg: refMsg(value, ref), blobs: stored, wantReason: reasonInvalidResult},
		{name: "two references", msg: refMsg(nil, ref, ref), blobs: stored, wantReason: reasonInvalidResult},
		{name: "malformed reference", msg: refMsg(nil, "sha256:ABC"), blobs: stored, wantReason: reasonInvalidResult},
		{name: "blob fails schema", msg: refMsg(nil, contentRef([]byte(`{"x":1}`))), blobs: func() BlobGetter {
			m := newMemBlobs()
			m.Put(context.Background(), []byte(`{"x":1}`))
			return m
		}(), wantReason: reasonInvalidResult},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &fakeConsumer{msgs: []kafka.Message{tt.msg}}
			sink := &resultSink{}
			dlq := &fakeProducer{}
			stage := &LoadStage{
				Consumer: in, Sink: sink, DeadLetters: dlq, Blobs: tt.blobs,
				Batch: BatchConfig{Rows: 1}, Backoff: fastBackoff,
			}
			if err := runUntil(t, stage.Run, func() bool { return len(in.commits()) == 1 }); err != nil {
				t.Fatalf("Run: %v", err)
			}
			letters := dlq.all()
			if tt.wantReason == "" {
				if len(letters) != 0 {
					t.Fatalf("got dead letter %q, want none", decodeLetter(t, letters[0]).Reason)
				}
				got := sink.all()
				if len(got) != 1 {
					t.Fatalf("got %d results in the sink, want 1", len(got))
				}
				if len(got[0].Risks) != len(res.Risks) {
					t.Errorf("got %d risks, want %d", len(got[0].Risks), len(res.Risks))
				}
				return
			}
			if n := len(sink.all()); n != 0 {
				t.Errorf("got %d results in the sink, want 0", n)
			}
			if len(letters) != 1 {
				t.Fatalf("got %d dead letters, want 1", len(letters))
			}
			dl := decodeLetter(t, letters[0])
			if dl.Reason != tt.wantReason {
				t.Errorf("got reason %q, want %q (error %s)", dl.Reason, tt.wantReason, dl.Error)
			}
			if dl.Stage != schemas.StageLoad || dl.DocID != testDocID {
				t.Errorf("got stage %q doc %q, want load %s", dl.Stage, dl.DocID, testDocID)
			}
			if got := header(letters[0], HeaderResultBlob); len(tt.msg.Headers) > 1 && got == "" {
				t.Errorf("dead letter lost the %s header, so replay could not resolve the blob", HeaderResultBlob)
			}
		})
	}
}
